"""A caller handed back by the connect context to an engine that does not know them keeps their
place: the engine that Redirected them left CC_QUEUED on their channel, the new engine reads it.
Two real engines in turn on the same FastAGI port, one PBX simulator (real AMI and FastAGI)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from acd.model import Agent
from callcenter.app import Engine
from callcenter.calls.ivr_adapters import SystemClock
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from callcenter.settings import Settings
from ivr_flows.store import FileFlowRepository
from tests.integration.engine.agi_caller import AgiCaller
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

# Straight to sales with a skill and a priority (no text prompts: nothing to synthesise).
FLOW = """
name: restart_line
description: sales, Mandarin, priority 7
numbers: ["5557000"]
start: to_sales
fallback: sales
nodes:
  to_sales: {type: queue, queue: sales, skills: {mandarin: 3}, priority: 7, announce: false}
"""
LI_NA = {"agent_id": "1001", "name": "Li Na", "skills": {"sales": 4, "mandarin": 5}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _settings(tmp_path: Path, sim: PbxSimulator, agi_port: int, **overrides: Any) -> Settings:
    """An engine against the simulator as against a real Asterisk (it must not own the simulator)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    return engine_settings(
        tmp_path,
        agi={"port": agi_port, "command_timeout_s": 5.0},
        ami={
            "host": "127.0.0.1",
            "port": sim.ami_port,
            "secret": sim.config.ami_secret,
            "reconnect_initial_s": 0.05,
            "reconnect_max_s": 0.2,
        },
        **overrides,
    )


async def test_given_an_engine_restart_while_the_agent_rings_when_the_dial_fails_then_the_caller_keeps_place(
    tmp_path: Path,
) -> None:
    agi_port = _free_port()
    # The agent's phone rings 140 s x 0.05 = 7 s without answer: the engine restarts meanwhile.
    sim = PbxSimulator(SimConfig(agi_port=agi_port, time_scale=0.05, dial_timeout_s=140))
    sim.add_agent_phone(SimulatedAgentPhone("agent-1001", behaviour="noanswer"))
    await sim.start()
    flows = tmp_path / "flows"
    repository = FileFlowRepository(flows, SystemClock(), lambda _flow, _others: [])
    repository.publish("restart_line", repository.save(FLOW, author="test").number, author="test")
    first = Engine(
        _settings(
            tmp_path / "a",
            sim,
            agi_port,
            agents=[LI_NA],
            ivr={"use_flows": True, "flows_dir": str(flows), "sounds_dir": f"{tmp_path}/sounds"},
        ),
        simulator_mode=False,
    )
    second = Engine(_settings(tmp_path / "b", sim, agi_port, agents=[]), simulator_mode=False)
    try:
        await first.start()
        await first.ami.wait_connected(5)
        await sign_in_agents(first)
        handle = await sim.place_call(SimulatedCaller(dialed="5557000", patience_s=600, talk_s=1.0))
        await wait_until(
            lambda: any(c.name.startswith("PJSIP/agent-1001") for c in sim.channels()),
            timeout=10,
            what="agent 1001's phone to ring",
        )
        call = first.calls.calls.get(handle.uniqueid)
        assert call is not None
        assert call.queued_at is not None
        queued_at, started_at = call.queued_at, call.started_at
        await first.stop()

        await second.start()
        await second.ami.wait_connected(5)

        def queued_again() -> bool:
            call = second.calls.calls.get(handle.uniqueid)
            return call is not None and call.phase.value == "queued"

        await wait_until(queued_again, timeout=10, what="the caller handed back to the new engine")
        taken_back = second.calls.calls.get(handle.uniqueid)
        assert taken_back is not None
        assert (taken_back.queue, taken_back.dialed) == ("sales", "5557000")
        assert taken_back.queued_at == pytest.approx(queued_at, abs=0.001)  # ms precision on the wire
        assert taken_back.started_at == pytest.approx(started_at, abs=0.001)

        # Sales without Mandarin may not take the caller (the skill came back too) ...
        sim.add_agent_phone(SimulatedAgentPhone("agent-1002", answer_delay_s=0.5))
        await second.router.login(Agent("1002", {"sales": 5}))
        await second.calls.tick()
        assert await second.router.explain(handle.uniqueid) == ()
        # ... Li Na may; the decision shows the flow's priority and the wait since the first queueing.
        sim.set_agent_behaviour("agent-1001", "answer", answer_delay_s=0.5)
        await second.router.login(Agent("1001", {"sales": 4, "mandarin": 5}))
        outcome = await handle.finished(15)
        assert outcome.agent == "agent-1001"
        [decision] = await second.router.explain(handle.uniqueid)
        assert decision.queue == "sales"
        assert decision.effective_priority >= 7
        assert decision.decided_at - decision.waited_seconds == pytest.approx(queued_at, abs=0.001)
        await wait_until(lambda: bool(second.calls.recent), what="the interaction")
        assert (second.calls.recent[0].queue, second.calls.recent[0].dialed) == ("sales", "5557000")
    finally:
        await first.stop()
        await second.stop()
        await sim.stop()


@pytest.mark.parametrize(
    ("script", "variables", "queue"),
    [
        # No hand-back at all (an engine from before this change Redirected them).
        ("connect-failed", {}, "sales"),
        ("connect-failed", {"CC_QUEUED": "garbage|x"}, "sales"),  # unreadable: logged, default queue
        ("connect-failed", {"CC_QUEUED": "1|general|3|1795382100|1795382000|5551234|"}, "sales"),
        ("transfer", {"CC_QUEUED": "1|support|3|1795382100|1795382000|5551234|"}, "support"),
    ],
    ids=["no-variable", "bad-variable", "missing-queue", "transfer"],
)
async def test_given_a_site_without_general_when_an_unknown_caller_is_handed_back_then_queued_in_one_it_has(
    tmp_path: Path, script: str, variables: dict[str, str], queue: str
) -> None:
    queues = [{"name": "sales", "wrap_up_s": 0.2}, {"name": "support", "wrap_up_s": 0.2}]
    engine = Engine(engine_settings(tmp_path, agents=[], queues=queues), simulator_mode=True)
    await engine.start()
    args = ("BUSY", "agent-1001") if script == "connect-failed" else ()
    caller = AgiCaller("PJSIP/pstn-0000beef", "1795382159.903", script=script, args=args)
    caller.variables.update(variables)
    try:
        caller.start(engine.agi.port)
        await wait_until(
            lambda: any(cmd.startswith("EXEC MusicOnHold") for cmd in caller.received),
            what="the caller on hold",
        )
        call = engine.calls.calls.get(caller.uniqueid)
        assert call is not None
        assert (call.queue, call.phase.value) == (queue, "queued")
        assert await engine.calls.position(caller.uniqueid) == 1
        assert "GET VARIABLE CC_QUEUED" in caller.received
        assert not caller.closed_by_engine.is_set()
        if "1795382100" in str(variables):
            assert call.queued_at == 1795382100  # the wait is kept, whatever the queue
    finally:
        await caller.stop()
        await engine.stop()
