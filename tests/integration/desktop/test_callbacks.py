"""Scheduled callbacks through the desktop, the engine and the PBX simulator over real AMI and FastAGI:
a due callback pops on the free agent's desktop, rings the agent's phone, then the customer; a busy
customer is tried again later; the wrap-up form schedules one, and refuses bad input clearly."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from callcenter.asterisk import ami_events as ev
from crm_core.interactions import InteractionLog
from tests.integration.desktop.conftest import (
    Desktop,
    live_socket,
    next_message,
    schedule_callback,
    stored_callback,
)
from tests.waiting import wait_until

WEI = "+14155550100"  # the demo CRM's VIP, Wei Zhang


def _interactions(desktop: Desktop, agent_id: str) -> list[Any]:
    with desktop.engine.contact_center.sessions() as session:
        return list(InteractionLog().recent(session, agent_id=agent_id))


async def _only_1001_takes_sales(desktop: Desktop) -> None:
    await desktop.engine.ami.wait_connected(5)
    await desktop.engine.router.pause("1003", "break")  # the other sales agent


async def test_given_a_due_callback_when_1001_is_free_then_pop_phones_and_an_outbound_interaction(
    desktop: Desktop,
) -> None:
    await _only_1001_takes_sales(desktop)
    dials: list[ev.DialBegin] = []
    desktop.engine.ami.subscribe(lambda e: dials.append(e) if isinstance(e, ev.DialBegin) else None)
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        await next_message(ws, "snapshot")
        callback_id = schedule_callback(desktop, "(415) 555-0100")
        assert stored_callback(desktop, callback_id).status == "pending"

        pop = await next_message(ws, "CallOffered")
        assert (pop["caller_number"], pop["queue"]) == (WEI, "sales")
        assert pop["customer"]["matches"][0]["profile"]["display_name"] == "Wei Zhang"
        assert stored_callback(desktop, callback_id).status == "queued"
        uniqueid = pop["uniqueid"]
        await next_message(ws, "CallConnected", lambda m: m["uniqueid"] == uniqueid)
        # The agent's own phone rang first (our Uniqueid), and its answer dialed the customer.
        agent_leg = next(d for d in dials if d.caller is None and d.dest.uniqueid == uniqueid)
        assert agent_leg.dest.channel.startswith("PJSIP/agent-1001-")
        assert any(d.caller is not None and d.dial_string == "14155550100@pstn-out" for d in dials)
        assert (await agent.get("/api/agent/state")).json()["agent"]["state"] == "busy"

        assert (await agent.post("/api/agent/call/hangup")).status_code == 200
        ended = await next_message(ws, "CallEnded", lambda m: m["uniqueid"] == uniqueid)
        assert ended["outcome"] == "answered"
        await wait_until(lambda: stored_callback(desktop, callback_id).status == "done", what="callback done")
        assert stored_callback(desktop, callback_id).attempts == 1
        await wait_until(lambda: bool(_interactions(desktop, "1001")), what="the outbound interaction")
        row = _interactions(desktop, "1001")[0]
        assert (row.external_ref, row.direction, row.outcome) == (uniqueid, "outbound", "answered")
        assert (row.caller_number, row.queue) == (WEI, "sales")
        assert row.customer_id is not None
        wrapped = await agent.post(
            "/api/agent/wrap-up", json={"uniqueid": uniqueid, "disposition": "resolved"}
        )
        assert wrapped.status_code == 200, wrapped.text
        assert _interactions(desktop, "1001")[0].disposition == "resolved"


async def test_given_a_busy_customer_then_the_callback_is_rescheduled_with_one_more_attempt(
    desktop: Desktop,
) -> None:
    await _only_1001_takes_sales(desktop)
    assert desktop.engine.simulator is not None
    desktop.engine.simulator.set_customer_behaviour("14155550177", "busy")
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        await next_message(ws, "snapshot")
        callback_id = schedule_callback(desktop, "+1 415 555 0177")
        pop = await next_message(ws, "CallOffered")
        ended = await next_message(ws, "CallEnded", lambda m: m["uniqueid"] == pop["uniqueid"], timeout=15)
        assert ended["outcome"] == "not_answered"
        await wait_until(
            lambda: stored_callback(desktop, callback_id).attempts == 1, what="the attempt counted"
        )
        again = stored_callback(desktop, callback_id)
        assert (again.status, again.last_outcome, again.item_id) == ("pending", "not_answered", None)
        assert 590 < again.due_at.timestamp() - time.time() <= 600  # tried again ten minutes later
        await wait_until(lambda: bool(_interactions(desktop, "1001")), what="the attempt's interaction")
        assert _interactions(desktop, "1001")[0].outcome == "not_answered"
        # The item completed: the agent is out of the call (wrap-up, then available again).
        assert desktop.engine.contact_center.call_of_agent("1001") is None
        state = (await agent.get("/api/agent/state")).json()["agent"]["state"]
        assert state in ("wrap_up", "available")


async def test_given_wrap_up_with_a_callback_then_it_is_stored_or_refused_with_a_clear_code(
    desktop: Desktop,
) -> None:
    await _only_1001_takes_sales(desktop)
    assert desktop.engine.simulator is not None
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        await next_message(ws, "snapshot")
        callback_id = schedule_callback(desktop, WEI)
        pop = await next_message(ws, "CallOffered")
        await next_message(ws, "CallConnected", lambda m: m["uniqueid"] == pop["uniqueid"])
        await agent.post("/api/agent/call/hangup")
        await wait_until(lambda: bool(_interactions(desktop, "1001")), what="the interaction")
        await wait_until(
            lambda: stored_callback(desktop, callback_id).status == "done", what="first callback done"
        )

        future = (datetime.now(UTC) + timedelta(days=2)).astimezone().isoformat(timespec="seconds")
        for callback, code in (
            ({"at": "2020-01-01T09:00:00+08:00", "number": None}, "crm.callback.in_the_past"),
            ({"at": "tomorrow at nine", "number": None}, "crm.callback.invalid_time"),
            ({"at": "2030-01-15T09:30:00", "number": None}, "crm.callback.invalid_time"),
            ({"at": future, "number": "12"}, "crm.invalid_phone"),
            ({"at": "2099-01-01T09:00:00+00:00", "number": None}, "crm.callback.too_far"),
        ):
            body = {"uniqueid": pop["uniqueid"], "disposition": "follow_up", "callback": callback}
            refused = await agent.post("/api/agent/wrap-up", json=body)
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == code
            assert refused.json()["message"]
        assert _interactions(desktop, "1001")[0].disposition is None  # nothing stored on a refusal

        body = {
            "uniqueid": pop["uniqueid"],
            "disposition": "follow_up",
            "sub_disposition": "callback_promised",
            "callback": {"at": future, "number": None},
        }
        saved = await agent.post("/api/agent/wrap-up", json=body)
        assert saved.status_code == 200, saved.text
        stored = stored_callback(desktop, saved.json()["callback_id"])
        assert (stored.number, stored.queue, stored.status) == (WEI, "sales", "pending")
        assert (stored.requested_by, stored.preferred_agent) == ("1001", "1001")
        assert stored.interaction_ref == pop["uniqueid"]
        assert stored.customer_id == _interactions(desktop, "1001")[0].customer_id
        assert stored.due_at == datetime.fromisoformat(future)
