"""A busy or silent agent phone hands the caller back to the engine; the caller is never lost."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from callcenter.app import Engine
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedCaller
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until


async def test_given_the_first_agent_is_busy_when_offered_then_the_caller_goes_to_the_next_agent(
    engine: Engine,
) -> None:
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    engine.simulator.set_agent_behaviour("agent-1001", "busy")
    handle = await engine.simulator.place_call(
        SimulatedCaller(digits=[(0.2, "1")], waits_to_be_heard=True, talk_s=1.0)
    )
    outcome = await handle.finished(15)

    assert outcome.agent == "agent-1003"  # the other agent with the sales skill
    # the caller went back to the engine through the connect-failed AGI, then held again
    assert outcome.agi_commands.count("EXEC MusicOnHold default,20") >= 2
    decisions = await engine.router.explain(handle.uniqueid)
    assert [d.agent_id for d in decisions] == ["1001", "1003"]


async def test_given_a_wrong_ami_secret_then_the_engine_runs_reports_it_and_keeps_retrying(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # "Real Asterisk" mode against a simulator that expects another secret.
    sim = PbxSimulator(SimConfig(ami_username="engine", ami_secret="right", login_failure_delay_s=0.05))
    await sim.start()
    settings = engine_settings(
        tmp_path,
        ami={
            "host": "127.0.0.1",
            "port": sim.ami_port,
            "secret": "wrong-secret-value",
            "reconnect_initial_s": 0.05,
            "reconnect_max_s": 0.1,
        },
    )
    engine = Engine(settings, simulator_mode=False)
    try:
        with caplog.at_level(logging.INFO):
            await engine.start()
            await wait_until(lambda: engine.ami.last_error is not None, timeout=5, what="the login error")
            await asyncio.sleep(0.5)  # several retry periods: the engine must keep running
        assert not engine.ami.connected
        assert "Authentication failed" in str(engine.ami.last_error)
        assert "wrong-secret-value" not in caplog.text
        failures = [
            r for r in caplog.records if "login" in r.getMessage().lower() and r.levelno >= logging.ERROR
        ]
        assert len(failures) == 1, [r.getMessage() for r in failures]
    finally:
        await engine.stop()
        await sim.stop()


async def test_given_desktop_answered_phones_when_the_agent_clicks_answer_then_the_call_connects(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    settings = settings.model_copy(
        update={"simulator": settings.simulator.model_copy(update={"agent_phones": "desktop"})}
    )
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        await sign_in_agents(engine)
        handle = await engine.simulator.place_call(
            SimulatedCaller(digits=[(0.2, "2")], waits_to_be_heard=True, talk_s=0.5)
        )
        cc = engine.contact_center

        def ringing() -> bool:
            call = cc.call_of_agent("1002")
            return call is not None and call.phase == "offering" and engine.simulator.pbx.ringing != {}  # type: ignore[union-attr]

        await wait_until(ringing, what="agent 1002's phone to ring")
        assert await cc.answer("1002") is True
        outcome = await handle.finished(10)
        assert outcome.agent == "agent-1002"
    finally:
        await engine.stop()
