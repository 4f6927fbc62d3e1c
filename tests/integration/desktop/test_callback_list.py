"""Scheduled callbacks listed, moved and cancelled through the desktop API, with the engine on the PBX
simulator: an agent sees and changes only their own, a supervisor everyone's; a callback waiting in
the ACD leaves it when cancelled or moved; one being made cannot change; the promising agent gets it
first; every change is audited and pushed to the sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acd.errors import UnknownItem
from crm_core.audit import AuditLog
from tests.integration.desktop.conftest import (
    Desktop,
    live_socket,
    next_message,
    schedule_callback,
    stored_callback,
)

WEI = "+14155550100"  # the demo CRM's VIP, Wei Zhang


def _audit_actions(desktop: Desktop) -> list[tuple[str, str, str]]:
    with desktop.engine.contact_center.sessions() as session:
        return [(e.actor, e.action, e.target) for e in AuditLog().recent(session, limit=50)]


def _in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).astimezone().isoformat()


async def _no_agent_takes_sales(desktop: Desktop) -> None:
    await desktop.engine.ami.wait_connected(5)
    for agent in ("1001", "1003"):
        await desktop.engine.router.pause(agent, "break")


async def test_given_callbacks_of_two_agents_then_each_lists_and_changes_only_their_own(
    desktop: Desktop,
) -> None:
    mine = schedule_callback(desktop, WEI, 3600, "1001")
    theirs = schedule_callback(desktop, WEI, 7200, "1002")
    async with desktop.signed_in("agent1001") as agent, desktop.signed_in("supervisor") as boss:
        listed = (await agent.get("/api/callbacks")).json()
        assert [(c["id"], c["status"], c["customer_name"]) for c in listed] == [(mine, "pending", None)]
        assert [c["id"] for c in (await boss.get("/api/callbacks")).json()] == [mine, theirs]

        refused = await agent.post(f"/api/callbacks/{theirs}/cancel")
        assert (refused.status_code, refused.json()["code"]) == (403, "desktop.not_your_callback")
        assert "回电" in refused.json()["message"]  # agent1001 (Li Na) works in Chinese
        assert stored_callback(desktop, theirs).status == "pending"

        for at, code in (
            ("tomorrow at 9", "crm.callback.invalid_time"),
            ("2020-01-01T09:00:00+08:00", "crm.callback.in_the_past"),
        ):
            bad = await agent.post(f"/api/callbacks/{mine}/reschedule", json={"at": at})
            assert (bad.status_code, bad.json()["code"]) == (422, code)
        moved = await agent.post(
            f"/api/callbacks/{mine}/reschedule", json={"at": "2031-03-01T09:30:00+08:00"}
        )
        assert moved.status_code == 200, moved.text
        assert stored_callback(desktop, mine).due_at == datetime(2031, 3, 1, 1, 30, tzinfo=UTC)

        assert (await agent.post(f"/api/callbacks/{mine}/cancel")).json()["status"] == "cancelled"
        again = await agent.post(f"/api/callbacks/{mine}/cancel")
        assert (again.status_code, again.json()["code"]) == (409, "crm.callback.closed")
        missing = await boss.post("/api/callbacks/999999/cancel")
        assert missing.status_code == 404
        assert (await boss.post(f"/api/callbacks/{theirs}/cancel")).status_code == 200
        history = (await agent.get("/api/callbacks?status=all")).json()
        assert [(c["id"], c["status"]) for c in history] == [(mine, "cancelled")]
    assert {
        ("agent1001", "callback.reschedule", f"callback:{mine}"),
        ("agent1001", "callback.cancel", f"callback:{mine}"),
        ("supervisor", "callback.cancel", f"callback:{theirs}"),
    } <= set(_audit_actions(desktop))


async def test_given_a_callback_waiting_in_the_acd_when_moved_or_cancelled_then_it_leaves_the_queue(
    desktop: Desktop,
) -> None:
    await _no_agent_takes_sales(desktop)
    first, second = (
        schedule_callback(desktop, WEI, 0.2, "1001"),
        schedule_callback(desktop, WEI, 0.2, "1001"),
    )
    async with desktop.signed_in("supervisor") as boss, live_socket(desktop, boss) as ws:
        await next_message(ws, "wallboard")
        queued: set[int] = set()
        while queued != {first, second}:  # in the ACD now
            change = await next_message(ws, "CallbackChanged", lambda m: m["status"] == "queued")
            queued.add(change["callback_id"])
        items = [stored_callback(desktop, c).item_id or "" for c in (first, second)]
        assert [await desktop.engine.router.position(i) for i in items] == [1, 2]

        assert (await boss.post(f"/api/callbacks/{first}/cancel")).status_code == 200
        change = await next_message(
            ws, "CallbackChanged", lambda m: (m["callback_id"], m["status"]) == (first, "cancelled")
        )
        assert change["agent_id"] == "1001"
        with pytest.raises(UnknownItem):
            await desktop.engine.router.position(items[0])
        assert await desktop.engine.router.position(items[1]) == 1

        moved = await boss.post(f"/api/callbacks/{second}/reschedule", json={"at": _in_an_hour()})
        assert moved.json()["status"] == "pending"
        with pytest.raises(UnknownItem):
            await desktop.engine.router.position(items[1])
        board = await next_message(ws, "wallboard", lambda m: m["queues"][0]["waiting"] == 0)
        assert board["queues"][0]["abandoned"] == 0  # cancelled is not abandoned


async def test_given_a_callback_promised_by_a_paused_agent_then_it_waits_for_them_not_the_free_one(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    await desktop.engine.router.pause("1001", "break")  # 1003, also in sales, is free
    callback_id = schedule_callback(desktop, WEI, 0.2, "1001")
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        await next_message(ws, "snapshot")
        await next_message(ws, "CallbackChanged", lambda m: m["status"] == "queued")  # in the ACD
        item = stored_callback(desktop, callback_id).item_id or ""
        assert await desktop.engine.router.position(item) == 1  # not offered to 1003
        assert (await agent.post("/api/agent/state", json={"state": "available"})).status_code == 200
        pop = await next_message(ws, "CallOffered")
        assert (pop["agent_id"], pop["caller_number"]) == ("1001", WEI)

        refused = await agent.post(f"/api/callbacks/{callback_id}/cancel")
        assert (refused.status_code, refused.json()["code"]) == (409, "crm.callback.in_progress")
        assert stored_callback(desktop, callback_id).status == "queued"


async def test_given_a_malformed_request_then_a_coded_translated_422_naming_the_fields(
    desktop: Desktop,
) -> None:
    callback_id = schedule_callback(desktop, WEI, 3600, "1001")
    async with desktop.signed_in("agent1001") as agent, desktop.signed_in("supervisor") as boss:
        empty = await agent.post(f"/api/callbacks/{callback_id}/reschedule", json={"at": ""})
        assert empty.status_code == 422
        assert empty.json()["code"] == "desktop.invalid_request"
        assert empty.json()["message"] == "提交的内容有误：at。"  # agent1001 works in Chinese
        assert [e["field"] for e in empty.json()["errors"]] == ["at"]
        bad = await boss.post("/api/supervisor/waiting/1795.1/agent", json={"agent_id": "not an id"})
        assert (bad.status_code, bad.json()["message"]) == (
            422,
            "Some of what was sent is not valid: agent_id.",
        )
        listing = await boss.get("/api/callbacks?limit=0")
        assert listing.json()["errors"][0]["field"] == "limit"
    assert stored_callback(desktop, callback_id).status == "pending"
