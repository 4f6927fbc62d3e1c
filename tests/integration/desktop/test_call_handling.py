"""Transfers (to an agent, a queue, a number), hold / mute / DTMF and click-to-dial, through the
desktop API, the engine and the PBX simulator over real AMI and FastAGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

from callcenter.asterisk import ami_events as ev
from callcenter.pbxsim import SimulatedCaller
from crm_core.interactions import InteractionLog
from tests.integration.desktop.conftest import Desktop, live_socket, next_message
from tests.waiting import wait_until


@asynccontextmanager
async def connected_call(
    desktop: Desktop, agent: httpx.AsyncClient, ws: ClientConnection, number: str = "4155550100"
) -> AsyncIterator[dict[str, Any]]:
    """A sales caller offered to and answered by the signed-in agent; yields the screen pop."""
    assert desktop.engine.simulator is not None
    await desktop.engine.simulator.place_call(
        SimulatedCaller(number=number, digits=[(0.2, "1")], waits_to_be_heard=True, talk_s=None)
    )
    pop = await next_message(ws, "CallOffered")
    await agent.post("/api/agent/offer/accept")
    await next_message(ws, "CallConnected", lambda m: m["uniqueid"] == pop["uniqueid"])
    yield pop


async def _states(desktop: Desktop) -> dict[str, str]:
    snapshot = await desktop.engine.contact_center.snapshot()
    return {a.agent_id: a.state.value for a in snapshot.agents}


def _interactions(desktop: Desktop, agent_id: str) -> list[Any]:
    with desktop.engine.contact_center.sessions() as session:
        return list(InteractionLog().recent(session, agent_id=agent_id))


async def test_given_a_sales_call_when_transferred_to_agent_1002_then_1002_gets_it_and_each_has_a_part(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    recordings_started: list[str] = []
    desktop.engine.ami.subscribe(
        lambda e: recordings_started.append(e.channel.channel) if isinstance(e, ev.MixMonitorStart) else None
    )
    async with (
        desktop.signed_in("agent1001") as first,
        desktop.signed_in("agent1002") as second,
        live_socket(desktop, first) as first_ws,
        live_socket(desktop, second) as second_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        assert pop["agent_id"] == "1001"
        # 1002 has no sales skill: a person chose them, so the queue's skills are waived.
        response = await first.post("/api/agent/call/transfer", json={"kind": "agent", "target": "1002"})
        assert response.status_code == 200, response.text
        moved = await next_message(first_ws, "CallTransferred")
        assert (moved["kind"], moved["target"]) == ("agent", "1002")
        await next_message(first_ws, "CallEnded", lambda m: m["outcome"] == "transferred")
        offered = await next_message(second_ws, "CallOffered")
        assert offered["uniqueid"] == pop["uniqueid"]
        assert offered["caller_number"] == "4155550100"
        assert offered["customer"]["matches"][0]["profile"]["display_name"] == "Wei Zhang"
        await second.post("/api/agent/offer/accept")
        await next_message(second_ws, "CallConnected")
        states = await _states(desktop)
        assert states["1002"] == "busy"
        # One recording for the whole call: its MixMonitor stays on the caller's channel.
        assert len(recordings_started) == 1
        assert states["1001"] in ("wrap_up", "available")  # sales wrap-up is 0.2 s here

        assert (await second.post("/api/agent/call/hangup")).status_code == 200
        await next_message(second_ws, "CallEnded", lambda m: m["outcome"] == "answered")
        await wait_until(lambda: bool(_interactions(desktop, "1002")), what="1002's interaction")
        mine = _interactions(desktop, "1001")[0]
        theirs = _interactions(desktop, "1002")[0]
        assert (mine.external_ref, mine.outcome) == (pop["uniqueid"], "transferred")
        assert (theirs.external_ref, theirs.outcome) == (pop["uniqueid"] + "-t1", "answered")

        # Each agent's wrap-up lands on their own part of the call.
        wrapped = await second.post(
            "/api/agent/wrap-up", json={"uniqueid": pop["uniqueid"], "disposition": "resolved"}
        )
        assert wrapped.status_code == 200, wrapped.text
        assert _interactions(desktop, "1002")[0].disposition == "resolved"
        assert _interactions(desktop, "1001")[0].disposition is None


async def test_given_a_call_when_transferred_to_the_support_queue_then_a_support_agent_gets_it(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as first,
        desktop.signed_in("agent1002") as support,
        live_socket(desktop, first) as first_ws,
        live_socket(desktop, support) as support_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        response = await first.post("/api/agent/call/transfer", json={"kind": "queue", "target": "support"})
        assert response.status_code == 200, response.text
        offered = await next_message(support_ws, "CallOffered")
        assert (offered["uniqueid"], offered["queue"]) == (pop["uniqueid"], "support")


async def test_given_a_call_when_transferred_to_a_number_then_the_caller_is_dialed_out_or_requeued_if_busy(
    desktop: Desktop,
) -> None:
    sim = desktop.engine.simulator
    assert sim is not None
    await desktop.engine.ami.wait_connected(5)
    sim.set_customer_behaviour("8613812345678", "busy")
    dials: list[ev.DialBegin] = []
    desktop.engine.ami.subscribe(lambda e: dials.append(e) if isinstance(e, ev.DialBegin) else None)
    async with (
        desktop.signed_in("agent1001") as first,
        desktop.signed_in("agent1003") as other,
        live_socket(desktop, first) as first_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        # The other sales agent is on a break: the caller can only come back to 1001.
        paused = await other.post("/api/agent/state", json={"state": "paused", "reason": "break"})
        assert paused.status_code == 200
        busy = await first.post(
            "/api/agent/call/transfer", json={"kind": "number", "target": "+86 138 1234 5678"}
        )
        assert busy.status_code == 200, busy.text
        # Nobody answered out there: the caller is back in the queue, not cut off.
        again = await next_message(first_ws, "CallOffered", timeout=15)
        assert again["uniqueid"] == pop["uniqueid"]
        assert any(d.dial_string == "8613812345678@pstn-out" for d in dials)

        await first.post("/api/agent/offer/accept")
        await next_message(first_ws, "CallConnected")
        ok = await first.post("/api/agent/call/transfer", json={"kind": "number", "target": "(415) 555-0177"})
        assert ok.status_code == 200, ok.text
        await wait_until(
            lambda: any(d.dial_string == "14155550177@pstn-out" for d in dials), what="the number dialed"
        )
        assert desktop.engine.contact_center.call_of_agent("1001") is None


async def test_given_bad_transfers_then_clear_errors_and_the_call_stays(desktop: Desktop) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as first,
        live_socket(desktop, first) as first_ws,
    ):
        idle = await first.post("/api/agent/call/transfer", json={"kind": "queue", "target": "support"})
        assert idle.status_code == 409
        assert idle.json()["code"] == "callcenter.no_active_call"
        async with connected_call(desktop, first, first_ws):
            for body, code in (
                ({"kind": "agent", "target": "9999"}, "desktop.bad_transfer_target"),
                ({"kind": "queue", "target": "nowhere"}, "desktop.bad_transfer_target"),
                ({"kind": "number", "target": "12"}, "callcenter.bad_phone_number"),
            ):
                response = await first.post("/api/agent/call/transfer", json=body)
                assert response.status_code == 422, response.text
                assert response.json()["code"] == code
                assert response.json()["message"]
            call = desktop.engine.contact_center.call_of_agent("1001")
            assert call is not None
            assert call.phase == "talking"


async def test_given_a_call_then_hold_mute_and_dtmf_reach_the_phone_and_the_desktop(desktop: Desktop) -> None:
    await desktop.engine.ami.wait_connected(5)
    dtmf: list[ev.DtmfEnd] = []
    desktop.engine.ami.subscribe(lambda e: dtmf.append(e) if isinstance(e, ev.DtmfEnd) else None)
    async with (
        desktop.signed_in("agent1001") as agent,
        live_socket(desktop, agent) as ws,
        connected_call(desktop, agent, ws),
    ):
        assert (await agent.post("/api/agent/call/hold", json={"on": True})).json() == {"held": True}
        assert (await next_message(ws, "CallHeld"))["held"] is True  # from Asterisk's Hold event
        assert (await agent.post("/api/agent/call/hold", json={"on": False})).status_code == 200
        assert (await next_message(ws, "CallHeld"))["held"] is False
        assert (await agent.post("/api/agent/call/mute", json={"on": True})).status_code == 200
        assert (await next_message(ws, "CallMuted"))["muted"] is True
        assert (await agent.post("/api/agent/call/dtmf", json={"digits": "12#"})).status_code == 200
        await wait_until(
            lambda: len([d for d in dtmf if d.channel.channel.startswith("PJSIP/agent-1001-")]) == 3
        )
        from_phone = [d for d in dtmf if d.channel.channel.startswith("PJSIP/agent-1001-")]
        assert [(d.digit, d.direction) for d in from_phone] == [
            ("1", "Received"),
            ("2", "Received"),
            ("#", "Received"),
        ]
        to_caller = [d.digit for d in dtmf if d.direction == "Sent"]
        assert to_caller == ["1", "2", "#"]
        bad = await agent.post("/api/agent/call/dtmf", json={"digits": "12a"})
        assert bad.status_code == 422


async def test_given_an_available_agent_when_click_to_dial_then_phone_rings_number_answers_and_acd_holds_them(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1003") as agent,
        live_socket(desktop, agent) as ws,
    ):
        await next_message(ws, "snapshot")
        response = await agent.post("/api/agent/dial", json={"number": "415 555 0177", "customer_id": None})
        assert response.status_code == 200, response.text
        uniqueid = response.json()["uniqueid"]
        dialing = await next_message(ws, "CallDialing")
        assert (dialing["uniqueid"], dialing["number"]) == (uniqueid, "+14155550177")
        assert (await _states(desktop))["1003"] == "busy"  # no inbound offer meanwhile
        await next_message(ws, "CallConnected", lambda m: m["uniqueid"] == uniqueid)
        again = await agent.post("/api/agent/dial", json={"number": "415 555 0100"})
        assert again.status_code == 409
        assert again.json()["code"] == "callcenter.agent_on_call"
        assert (await agent.post("/api/agent/call/hangup")).status_code == 200
        ended = await next_message(ws, "CallEnded")
        assert (ended["uniqueid"], ended["outcome"]) == (uniqueid, "answered")
        await wait_until(lambda: bool(_interactions(desktop, "1003")), what="the outbound interaction")
        row = _interactions(desktop, "1003")[0]
        assert (row.direction, row.outcome, row.caller_number) == ("outbound", "answered", "+14155550177")
        assert (await _states(desktop))["1003"] in ("wrap_up", "available")


async def test_given_a_bad_number_or_a_customer_who_does_not_answer_then_click_to_dial_says_so(
    desktop: Desktop,
) -> None:
    sim = desktop.engine.simulator
    assert sim is not None
    await desktop.engine.ami.wait_connected(5)
    sim.set_customer_behaviour("14155550166", "busy")
    async with (
        desktop.signed_in("agent1003") as agent,
        live_socket(desktop, agent) as ws,
    ):
        bad = await agent.post("/api/agent/dial", json={"number": "12"})
        assert bad.status_code == 422
        assert bad.json()["code"] == "callcenter.bad_phone_number"
        response = await agent.post("/api/agent/dial", json={"number": "4155550166"})
        assert response.status_code == 200
        ended = await next_message(ws, "CallEnded", timeout=15)
        assert ended["outcome"] == "not_answered"
        await wait_until(
            lambda: desktop.engine.contact_center.call_of_agent("1003") is None, what="the call cleared"
        )


async def test_given_a_call_when_1001_consults_1002_and_completes_then_1002_has_the_caller(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as first,
        desktop.signed_in("agent1002") as second,
        live_socket(desktop, first) as first_ws,
        live_socket(desktop, second) as second_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        started = await first.post("/api/agent/call/consult", json={"kind": "agent", "target": "1002"})
        assert started.status_code == 200, started.text
        assert (await next_message(first_ws, "ConsultStarted"))["target"] == "1002"
        # 1002 sees who is waiting before answering, and is busy for routing meanwhile.
        consult_pop = await next_message(second_ws, "CallOffered")
        assert consult_pop["uniqueid"] == pop["uniqueid"]
        assert consult_pop["customer"]["matches"][0]["profile"]["display_name"] == "Wei Zhang"
        assert (await _states(desktop))["1002"] == "busy"
        await next_message(second_ws, "CallConnected", lambda m: m["uniqueid"] == pop["uniqueid"])
        done = await first.post("/api/agent/call/consult/complete")
        assert done.status_code == 200, done.text
        assert (await next_message(first_ws, "ConsultEnded"))["outcome"] == "completed"
        await next_message(first_ws, "CallEnded", lambda m: m["outcome"] == "transferred")
        call = desktop.engine.contact_center.call_of_agent("1002")
        assert call is not None
        assert call.phase == "talking"
        assert desktop.engine.contact_center.call_of_agent("1001") is None
        await wait_until(lambda: not _leg_of("1001", desktop), what="1001's leg hung up")
        assert _bridged_with_caller(desktop, "1002")

        assert (await second.post("/api/agent/call/hangup")).status_code == 200
        await next_message(second_ws, "CallEnded", lambda m: m["outcome"] == "answered")
        await wait_until(lambda: bool(_interactions(desktop, "1002")), what="1002's part written")
        assert _interactions(desktop, "1001")[0].outcome == "transferred"
        assert _interactions(desktop, "1002")[0].external_ref == pop["uniqueid"] + "-t1"


async def test_given_a_consultation_when_cancelled_then_the_caller_is_back_and_the_colleague_free(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as first,
        desktop.signed_in("agent1002") as second,
        live_socket(desktop, first) as first_ws,
        live_socket(desktop, second) as second_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        busy = await first.post("/api/agent/call/consult", json={"kind": "agent", "target": "1003"})
        assert busy.status_code == 200  # 1003 is free (the call went to 1001)
        await next_message(first_ws, "ConsultStarted")
        await wait_until(lambda: _consult_answered(desktop, "1001"), what="1003 answered")
        cancelled = await first.post("/api/agent/call/consult/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert (await next_message(first_ws, "ConsultEnded"))["outcome"] == "cancelled"
        await wait_until(
            lambda: _bridged_with_caller(desktop, "1001"), what="1001 and the caller joined again"
        )
        assert (await _states(desktop))["1003"] == "available"
        call = desktop.engine.contact_center.call_of_agent("1001")
        assert call is not None
        assert call.uniqueid == pop["uniqueid"]

        # A consultation with an agent who is not free is refused before the caller is moved.
        paused = await second.post("/api/agent/state", json={"state": "paused", "reason": "break"})
        assert paused.status_code == 200
        refused = await first.post("/api/agent/call/consult", json={"kind": "agent", "target": "1002"})
        assert refused.status_code == 409
        assert refused.json()["code"] == "callcenter.consult_target_busy"
        assert _bridged_with_caller(desktop, "1001")
        del second_ws


def _leg_of(agent_id: str, desktop: Desktop) -> list[str]:
    sim = desktop.engine.simulator
    assert sim is not None
    return [c.name for c in sim.channels() if c.name.startswith(f"PJSIP/agent-{agent_id}-")]


def _bridged_with_caller(desktop: Desktop, agent_id: str) -> bool:
    sim = desktop.engine.simulator
    assert sim is not None
    channels = sim.channels()
    caller = next((c for c in channels if c.name.startswith("PJSIP/pstn-")), None)
    legs = [c for c in channels if c.name.startswith(f"PJSIP/agent-{agent_id}-")]
    return caller is not None and any(leg.bridge_id and leg.bridge_id == caller.bridge_id for leg in legs)


def _consult_answered(desktop: Desktop, agent_id: str) -> bool:
    call = desktop.engine.calls.calls.live()
    return any(c.agent_id == agent_id and c.consult is not None and c.consult.answered for c in call)


async def test_given_a_consultation_when_the_agent_hangs_up_then_the_caller_is_queued_again(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as first,
        live_socket(desktop, first) as first_ws,
        connected_call(desktop, first, first_ws) as pop,
    ):
        started = await first.post("/api/agent/call/consult", json={"kind": "number", "target": "4155550177"})
        assert started.status_code == 200, started.text
        assert (await next_message(first_ws, "ConsultStarted"))["target"] == "+14155550177"
        await wait_until(lambda: _consult_answered(desktop, "1001"), what="the number answered")
        assert (await first.post("/api/agent/call/hangup")).status_code == 200
        assert (await next_message(first_ws, "ConsultEnded"))["outcome"] == "failed"

        def offered_again() -> bool:
            call = desktop.engine.calls.calls.get(pop["uniqueid"])
            return (
                call is not None and call.phase.value in ("offering", "talking") and call.agent_id is not None
            )

        await wait_until(offered_again, timeout=10, what="the caller offered to an agent again")
