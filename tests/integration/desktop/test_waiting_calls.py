"""A supervisor gives a waiting caller to a named agent, moves them to another queue or removes a
stuck one, over the desktop API with the engine on the PBX simulator (real AMI and FastAGI): the
wallboard lists who waits, the chosen agent gets the pop, the moved caller keeps their wait, the
removed one leaves as abandoned; refusals are clear and every action is audited."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

from callcenter.pbxsim import SimulatedCaller
from crm_core.audit import AuditLog
from tests.integration.desktop.conftest import Desktop, live_socket, next_message
from tests.integration.engine.agi_caller import AgiCaller
from tests.waiting import wait_until

WEI = "4155550100"


def _audit(desktop: Desktop) -> list[tuple[str, str, str, dict[str, Any]]]:
    with desktop.engine.contact_center.sessions() as session:
        return [(e.actor, e.action, e.target, e.details) for e in AuditLog().recent(session, limit=20)]


async def _nobody_free(desktop: Desktop, *agents: str) -> None:
    await desktop.engine.ami.wait_connected(5)
    for agent in agents:
        await desktop.engine.router.pause(agent, "break")


@contextlib.asynccontextmanager
async def console_and_agent(
    desktop: Desktop,
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, ClientConnection, ClientConnection]]:
    """The supervisor and agent1002 signed in, each with a live socket (the agent's snapshot read)."""
    async with (
        desktop.signed_in("supervisor") as boss,
        desktop.signed_in("agent1002") as agent,
        live_socket(desktop, boss) as boss_ws,
        live_socket(desktop, agent) as agent_ws,
    ):
        await next_message(agent_ws, "snapshot")
        yield boss, agent, boss_ws, agent_ws


async def _caller_waits(desktop: Desktop, boss_ws: ClientConnection, digit: str = "1") -> dict[str, Any]:
    assert desktop.engine.simulator is not None
    await desktop.engine.simulator.place_call(
        SimulatedCaller(number=WEI, digits=[(0.2, digit)], waits_to_be_heard=True, talk_s=None)
    )
    board = await next_message(boss_ws, "wallboard", lambda m: bool(m["waiting"]))
    waiting: dict[str, Any] = board["waiting"][0]
    return waiting


async def test_given_a_waiting_sales_caller_when_given_to_1002_then_1002_gets_the_pop(
    desktop: Desktop,
) -> None:
    await _nobody_free(desktop, "1001", "1003")  # the sales agents; 1002 (support only) is free
    async with console_and_agent(desktop) as (boss, agent, boss_ws, agent_ws):
        waiting = await _caller_waits(desktop, boss_ws)
        assert (waiting["caller_number"], waiting["queue"]) == (WEI, "sales")

        refused = await agent.post(
            f"/api/supervisor/waiting/{waiting['uniqueid']}/agent", json={"agent_id": "1002"}
        )
        assert refused.status_code == 403
        unknown = await boss.post(
            f"/api/supervisor/waiting/{waiting['uniqueid']}/agent", json={"agent_id": "9999"}
        )
        assert (unknown.status_code, unknown.json()["code"]) == (409, "acd.unknown_agent")

        given = await boss.post(
            f"/api/supervisor/waiting/{waiting['uniqueid']}/agent", json={"agent_id": "1002"}
        )
        assert given.status_code == 200, given.text
        pop = await next_message(agent_ws, "CallOffered")
        assert (pop["uniqueid"], pop["queue"]) == (waiting["uniqueid"], "sales")
        assert pop["customer"]["matches"][0]["profile"]["display_name"] == "Wei Zhang"

        gone = await boss.post(
            f"/api/supervisor/waiting/{waiting['uniqueid']}/queue", json={"queue": "support"}
        )
        assert (gone.status_code, gone.json()["code"]) == (409, "callcenter.not_waiting")
    assert ("supervisor", "waiting.give", f"call:{waiting['uniqueid']}", {"agent": "1002"}) in _audit(desktop)


async def test_given_a_waiting_sales_caller_when_moved_to_support_then_a_support_agent_gets_them(
    desktop: Desktop,
) -> None:
    await _nobody_free(desktop, "1001", "1002", "1003")
    async with console_and_agent(desktop) as (boss, agent, boss_ws, agent_ws):
        waiting = await _caller_waits(desktop, boss_ws)
        path = f"/api/supervisor/waiting/{waiting['uniqueid']}/queue"
        for queue, code in (("nowhere", "acd.unknown_queue"), ("outbound", "desktop.bad_transfer_target")):
            bad = await boss.post(path, json={"queue": queue})
            assert bad.json()["code"] == code
        moved = await boss.post(path, json={"queue": "support"})
        assert moved.status_code == 200, moved.text
        board = await next_message(boss_ws, "wallboard", lambda m: m["waiting"][0]["queue"] == "support")
        assert board["waiting"][0]["queued_at"] == waiting["queued_at"]  # the wait is kept
        waiting_by_queue = {q["queue"]: q["waiting"] for q in board["queues"]}
        assert (waiting_by_queue["sales"], waiting_by_queue["support"]) == (0, 1)

        assert (await agent.post("/api/agent/state", json={"state": "available"})).status_code == 200
        pop = await next_message(agent_ws, "CallOffered")
        assert (pop["uniqueid"], pop["queue"]) == (waiting["uniqueid"], "support")
    assert ("supervisor", "waiting.move", f"call:{waiting['uniqueid']}", {"queue": "support"}) in _audit(
        desktop
    )


async def test_given_a_waiting_caller_when_the_supervisor_removes_them_then_hung_up_abandoned_and_audited(
    desktop: Desktop,
) -> None:
    await _nobody_free(desktop, "1001", "1002", "1003")
    engine = desktop.engine
    assert engine.simulator is not None
    async with console_and_agent(desktop) as (boss, agent, boss_ws, _agent_ws):
        handle = await engine.simulator.place_call(
            SimulatedCaller(number=WEI, digits=[(0.2, "1")], waits_to_be_heard=True, talk_s=None)
        )
        await next_message(boss_ws, "wallboard", lambda m: bool(m["waiting"]))
        path = f"/api/supervisor/waiting/{handle.uniqueid}/remove"

        refused = await agent.post(path)
        assert refused.status_code == 403
        assert engine.calls.calls.get(handle.uniqueid) is not None  # an agent changes nothing

        removed = await boss.post(path)
        assert removed.status_code == 200, removed.text
        assert removed.json() == {"uniqueid": handle.uniqueid, "hung_up": True}
        outcome = await handle.finished(5)
        assert (outcome.hung_up_by, outcome.agent) == ("engine", None)
        board = await next_message(boss_ws, "wallboard", lambda m: not m["waiting"])
        assert {q["queue"]: q["waiting"] for q in board["queues"]}["sales"] == 0
        assert engine.router.stats.queue_stats("sales", time.time()).abandoned == 1
        assert [c.outcome for c in engine.calls.recent if c.uniqueid == handle.uniqueid] == ["abandoned"]

        again = await boss.post(path)
        assert (again.status_code, again.json()["code"]) == (409, "callcenter.not_waiting")
    entries = [e for e in _audit(desktop) if e[1] == "waiting.remove"]
    assert entries == [("supervisor", "waiting.remove", f"call:{handle.uniqueid}", {"hung_up": "true"})]


async def test_given_a_stuck_caller_whose_channel_is_gone_when_removed_then_the_engine_lets_go(
    desktop: Desktop,
) -> None:
    """The FastAGI session is for a channel Asterisk does not have: nothing to hang up; the engine
    ends the item as abandoned and closes the session after the running hold segment."""
    await _nobody_free(desktop, "1001", "1002", "1003")
    engine = desktop.engine
    ghost = AgiCaller("PJSIP/pstn-0000dead", "1795382159.902")
    ghost.start(engine.agi.port)
    try:
        async with desktop.signed_in("supervisor") as boss:

            def ghost_waits() -> bool:
                call = engine.calls.calls.get(ghost.uniqueid)
                return call is not None and call.phase.value == "queued"

            await wait_until(ghost_waits, what="the ghost caller queued")
            removed = await boss.post(f"/api/supervisor/waiting/{ghost.uniqueid}/remove")
            assert removed.json() == {"uniqueid": ghost.uniqueid, "hung_up": False}
            await asyncio.wait_for(ghost.closed_by_engine.wait(), 5)
            assert engine.router.stats.queue_stats("general", time.time()).abandoned == 1
        entries = [e for e in _audit(desktop) if e[1] == "waiting.remove"]
        assert entries == [("supervisor", "waiting.remove", f"call:{ghost.uniqueid}", {"hung_up": "false"})]
    finally:
        await ghost.stop()
