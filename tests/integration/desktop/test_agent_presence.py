"""An agent is available only once they say so on the desktop; a restart of the whole server on the
same database keeps them paused with their reason, or logged out."""

from __future__ import annotations

from pathlib import Path

import httpx

from callcenter.pbxsim import SimulatedCaller
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until


async def _state(agent: httpx.AsyncClient) -> tuple[str, str | None]:
    response = await agent.get("/api/agent/state")
    assert response.status_code == 200, response.text
    mine = response.json()["agent"]
    return mine["state"], mine["reason"]


async def _set_state(agent: httpx.AsyncClient, state: str, reason: str | None = None) -> None:
    response = await agent.post("/api/agent/state", json={"state": state, "reason": reason})
    assert response.status_code == 200, response.text


def _queued(desktop: Desktop) -> bool:
    return any(c.phase == "queued" for c in desktop.engine.contact_center.live_calls())


async def test_given_a_started_server_when_a_caller_waits_then_the_agent_who_goes_available_gets_the_call(
    tmp_path: Path,
) -> None:
    async with live_desktop(engine_settings(tmp_path)) as desktop:
        assert desktop.engine.simulator is not None
        await desktop.engine.ami.wait_connected(5)
        async with desktop.signed_in("agent1001") as agent:
            assert await _state(agent) == ("logged_out", None)
            call = await desktop.engine.simulator.place_call(
                SimulatedCaller(
                    number="4155550100",
                    digits=[(0.2, "1")],
                    waits_to_be_heard=True,
                    patience_s=60,
                    talk_s=0.5,
                )
            )
            await wait_until(lambda: _queued(desktop), what="the caller queued")
            assert desktop.engine.contact_center.call_of_agent("1001") is None

            await _set_state(agent, "available")
            assert (await call.finished(15)).agent == "agent-1001"


async def test_given_paused_and_signed_out_agents_when_the_server_restarts_then_they_are_still_so(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    async with (
        live_desktop(settings) as first,
        first.signed_in("agent1001") as paused,
        first.signed_in("agent1002") as away,
    ):
        await _set_state(paused, "available")
        await _set_state(paused, "paused", "lunch")
        await _set_state(away, "available")
        await _set_state(away, "logged_out")

    async with (
        live_desktop(settings) as second,
        second.signed_in("agent1001") as paused,
        second.signed_in("agent1002") as away,
        second.signed_in("agent1003") as never,
    ):
        assert await _state(paused) == ("paused", "lunch")
        assert await _state(away) == ("logged_out", None)
        assert await _state(never) == ("logged_out", None)
        await _set_state(paused, "available")  # back from lunch, by their own word
        assert await _state(paused) == ("available", None)
