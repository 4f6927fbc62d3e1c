"""A supervisor pauses an agent on a call: the pause waits for the call (and its wrap-up) to end;
refusals name states and actions in the reader's language. Real engine, simulator and web app."""

from __future__ import annotations

from typing import Any

from tests.integration.desktop.conftest import Desktop, live_socket, next_message
from tests.integration.desktop.test_call_handling import connected_call
from tests.waiting import wait_until


def _mine(board: dict[str, Any], agent_id: str) -> dict[str, Any]:
    return next(a for a in board["agents"] if a["agent_id"] == agent_id)


async def test_given_an_agent_on_a_call_when_the_supervisor_pauses_them_then_paused_after_the_call(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as agent,
        desktop.signed_in("supervisor") as supervisor,
        live_socket(desktop, agent) as agent_ws,
        live_socket(desktop, supervisor) as supervisor_ws,
        connected_call(desktop, agent, agent_ws),
    ):
        forced = await supervisor.post("/api/supervisor/agents/1001/state", json={"state": "paused"})
        assert forced.status_code == 200, forced.text
        told = await next_message(agent_ws, "AgentStateChanged")
        assert (told["old"], told["new"], told["pending_pause"]) == ("busy", "busy", "supervisor")
        mine = (await agent.get("/api/agent/state")).json()["agent"]
        assert (mine["state"], mine["reason"], mine["pending_pause"]) == ("busy", None, "supervisor")
        board = await next_message(
            supervisor_ws, "wallboard", lambda m: _mine(m, "1001")["pending_pause"] == "supervisor"
        )
        assert _mine(board, "1001")["state"] == "busy"
        assert _mine(board, "1001")["call"]["phase"] == "talking"

        assert (await agent.post("/api/agent/call/hangup")).status_code == 200
        paused = await next_message(agent_ws, "AgentStateChanged", lambda m: m["new"] == "paused")
        assert (paused["reason"], paused["pending_pause"]) == ("supervisor", None)
        mine = (await agent.get("/api/agent/state")).json()["agent"]
        assert (mine["state"], mine["reason"], mine["pending_pause"]) == ("paused", "supervisor", None)


async def test_given_an_agent_on_a_call_when_the_agent_goes_available_then_the_pending_pause_is_called_off(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as agent_ws:
        async with connected_call(desktop, agent, agent_ws):
            assert (
                await agent.post("/api/agent/state", json={"state": "paused", "reason": "lunch"})
            ).is_success
            assert (await agent.get("/api/agent/state")).json()["agent"]["pending_pause"] == "lunch"
            assert (await agent.post("/api/agent/state", json={"state": "available"})).is_success
            mine = (await agent.get("/api/agent/state")).json()["agent"]
            assert (mine["state"], mine["pending_pause"]) == ("busy", None)
            assert (await agent.post("/api/agent/call/hangup")).status_code == 200

        async def available() -> bool:
            state: str = (await agent.get("/api/agent/state")).json()["agent"]["state"]
            return state == "available"

        await wait_until(available, what="1001 available after the wrap-up")


async def test_given_an_agent_on_a_call_when_logged_out_then_state_and_action_are_named_in_each_language(
    desktop: Desktop,
) -> None:
    await desktop.engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as agent,
        desktop.signed_in("supervisor") as supervisor,
        live_socket(desktop, agent) as agent_ws,
        connected_call(desktop, agent, agent_ws),
    ):
        refused = await supervisor.post("/api/supervisor/agents/1001/state", json={"state": "logged_out"})
        assert refused.status_code == 409
        assert refused.json() == {
            "code": "acd.illegal_transition",
            "message": "Agent 1001 cannot log out while on a call.",
        }
        assert (await supervisor.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        refused = await supervisor.post("/api/supervisor/agents/1001/state", json={"state": "logged_out"})
        assert refused.status_code == 409
        assert refused.json()["message"] == "坐席 1001 通话中，不能签出。"
