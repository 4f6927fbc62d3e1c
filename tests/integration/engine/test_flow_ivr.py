"""The shipped IVR flow (ivr_flows/flows/main.yaml) runs over real FastAGI against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


MONDAY_10AM_SHANGHAI = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
SUNDAY_NIGHT_SHANGHAI = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)  # 22:00 on a Sunday


async def _engine(tmp_path: Path, at: datetime) -> Engine:
    (tmp_path / "vm").mkdir()
    settings = engine_settings(tmp_path, voicemail={"asterisk_dir": str(tmp_path / "vm"), "max_seconds": 5})
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True, flow_clock=FixedClock(at))
    await engine.start()
    await sign_in_agents(engine)
    await asyncio.wait_for(engine.prompts_ready.wait(), 60)  # espeak once per prompt, before calls
    return engine


@pytest.fixture
async def open_hours(tmp_path: Path) -> AsyncIterator[Engine]:
    engine = await _engine(tmp_path, MONDAY_10AM_SHANGHAI)
    try:
        yield engine
    finally:
        await engine.stop()


async def test_given_the_vip_presses_english_then_sales_then_the_english_speaking_sales_agent_answers(
    open_hours: Engine,
) -> None:
    assert open_hours.simulator is not None
    await open_hours.ami.wait_connected(5)
    # Digits count only while a menu collects (as on a real channel). The espeak prompts last:
    # VIP welcome 4.9 s, thanks 2.5 s, "For English" 1.7 s, the Chinese option 2.0 s (+5 s wait),
    # the service menu 5.9 s: 12 s lands in the language menu, 3 s later in the service menu.
    caller = SimulatedCaller(
        number="4155550100", digits=[(12.0, "1"), (3.0, "1")], patience_s=300, talk_s=1.0
    )
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)

    assert outcome.agent == "agent-1001"  # sales + english: only Li Na has both
    assert any(p.startswith(str(open_hours.sounds_dir)) for p in outcome.prompts)  # espeak prompts played
    decisions = await open_hours.router.explain(handle.uniqueid)
    assert decisions[0].effective_priority >= 10  # the VIP's priority from the flow
    assert "vip boost" in decisions[0].rules


async def test_given_a_call_after_hours_then_the_caller_reaches_voicemail(tmp_path: Path) -> None:
    engine = await _engine(tmp_path, SUNDAY_NIGHT_SHANGHAI)
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        handle = await engine.simulator.place_call(SimulatedCaller(number="2125550199", patience_s=300))
        outcome = await handle.finished(30)
        assert outcome.agent is None
        # The engine records the message itself (no Asterisk mailbox): RECORD FILE with a beep.
        assert any(cmd.startswith("RECORD FILE") and "BEEP" in cmd for cmd in outcome.agi_commands)
        assert not any(cmd.startswith("EXEC VoiceMail") for cmd in outcome.agi_commands)
    finally:
        await engine.stop()


async def test_given_an_invalid_key_then_the_menu_says_so_and_the_next_key_counts(open_hours: Engine) -> None:
    assert open_hours.simulator is not None
    await open_hours.ami.wait_connected(5)
    # 9 at 7 s (language menu), 1 at 11 s (its retry), 2 at 14 s (service menu); see above.
    caller = SimulatedCaller(
        number="2125550199", digits=[(7.0, "9"), (4.0, "1"), (3.0, "2")], patience_s=300, talk_s=0.5
    )
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)
    assert any("option-is-invalid" in command for command in outcome.agi_commands)
    assert outcome.agent == "agent-1002"  # English support: Alice Smith


async def test_given_a_caller_pressing_1_during_for_english_press_1_then_the_key_counts(
    open_hours: Engine,
) -> None:
    """Fact 18: a key pressed during a prompt that does not listen for it is dropped. The shipped
    flow's language menu plays "For English, press 1." listening for the menu's keys, so the caller
    who presses 1 at once gets the English service menu, and the next 1 (3 s into it) sales."""
    assert open_hours.simulator is not None
    await open_hours.ami.wait_connected(5)
    # Unknown caller: thanks 2.4 s, then "For English, press 1." from 2.4 s to 4.1 s: press at 3.0 s.
    caller = SimulatedCaller(number="2125550199", digits=[(3.0, "1"), (3.0, "1")], patience_s=300, talk_s=0.5)
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)
    [decision, *_] = await open_hours.router.explain(handle.uniqueid)
    assert decision.queue == "sales"
    assert outcome.agent == "agent-1001"  # sales + english: only Li Na has both


async def test_given_a_key_pressed_during_the_prompt_before_a_menu_then_the_menu_takes_it(
    open_hours: Engine,
) -> None:
    """A play node that leads into a menu listens for the menu's keys (STREAM FILE with escape
    digits); the menu then takes the key without playing its own prompt."""
    assert open_hours.simulator is not None
    flow = (
        "name: intro\nnumbers: ['5550001']\nstart: intro\nfallback: general\n"
        "nodes:\n"
        "  intro: {type: play, prompt: tt-monkeys, next: menu}\n"
        "  menu: {type: menu, prompt: hello-world, options: {1: sales, 2: support}, timeout_ms: 3000,"
        " retries: 0, on_fail: general}\n"
        "  sales: {type: queue, queue: sales}\n"
        "  support: {type: queue, queue: support}\n"
        "  general: {type: queue, queue: general}\n"
    )
    assert open_hours.flows is not None
    version = open_hours.flows.save(flow, author="test")
    open_hours.flows.publish("intro", version.number, author="test")
    await open_hours.ami.wait_connected(5)
    # tt-monkeys lasts 16.2 s; the caller presses 2 five seconds in.
    caller = SimulatedCaller(number="2125550199", dialed="5550001", digits=[(5.0, "2")], talk_s=0.5)
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)
    assert 'STREAM FILE tt-monkeys "12"' in outcome.agi_commands
    assert not any("hello-world" in command for command in outcome.agi_commands)  # menu prompt skipped
    [decision, *_] = await open_hours.router.explain(handle.uniqueid)
    assert decision.queue == "support"


async def test_given_a_caller_hanging_up_mid_prompt_then_the_flow_stops_and_the_call_is_recorded(
    open_hours: Engine,
) -> None:
    assert open_hours.simulator is not None
    await open_hours.ami.wait_connected(5)
    handle = await open_hours.simulator.place_call(SimulatedCaller(number="2125550199", patience_s=1.0))
    outcome = await handle.finished(30)
    assert outcome.hung_up_by == "caller"
    assert outcome.agent is None

    def recorded() -> bool:
        return any(
            c.uniqueid == handle.uniqueid and c.outcome == "ended_in_ivr" for c in open_hours.calls.recent
        )

    await wait_until(recorded, what="the call written as ended in the IVR")


async def test_given_a_flow_with_a_missing_prompt_then_the_caller_still_reaches_the_fallback_queue(
    open_hours: Engine,
) -> None:
    assert open_hours.simulator is not None
    repo = open_hours.flows
    assert repo is not None
    broken = (
        "name: broken\nnumbers: ['5550000']\nstart: hello\nfallback: support\n"
        "nodes:\n"
        "  hello: {type: play, prompt: welcome, next: menu}\n"
        "  menu: {type: menu, prompt: hello-world, options: {1: sales}, timeout_ms: 3000,"
        " retries: 0, on_fail: sales}\n"
        "  sales: {type: queue, queue: sales}\n"
    )
    # The sound exists when the flow is published (validation passes) and is gone at run time.
    (open_hours.sounds_dir / "welcome.wav").write_bytes(b"")
    version = repo.save(broken, author="test")
    repo.publish("broken", version.number, author="test")
    (open_hours.sounds_dir / "welcome.wav").unlink()
    await open_hours.ami.wait_connected(5)
    caller = SimulatedCaller(number="2125550199", dialed="5550000", patience_s=300, talk_s=0.5)
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)
    assert outcome.agent in ("agent-1002", "agent-1003")  # the fallback queue (support), not silence


async def test_given_a_speech_model_then_a_speech_menu_records_the_caller_and_the_flow_goes_on(
    tmp_path: Path,
) -> None:
    """support_hotline (5551000) has a speech menu; with the bundled vosk model the engine records
    the caller's answer (RECORD FILE) and recognises it. The simulated caller says nothing (the
    simulator records silence), so nothing is recognised and the flow carries on to its fallback."""
    settings = engine_settings(tmp_path)
    ivr = settings.ivr.model_copy(
        update={"use_flows": True, "speech_model": "bundled", "speech_record_dir": str(tmp_path / "speech")}
    )
    engine = Engine(
        settings.model_copy(update={"ivr": ivr}),
        simulator_mode=True,
        flow_clock=FixedClock(MONDAY_10AM_SHANGHAI),
    )
    await engine.start()
    try:
        await sign_in_agents(engine)
        await asyncio.wait_for(engine.prompts_ready.wait(), 60)
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        caller = SimulatedCaller(number="2125550199", dialed="5551000", patience_s=300, talk_s=0.5)
        handle = await engine.simulator.place_call(caller)
        outcome = await handle.finished(60)
        assert any(command.startswith("RECORD FILE") for command in outcome.agi_commands)
        assert outcome.agent is not None  # the speech menu's fallback queue, never silence
    finally:
        await engine.stop()


async def test_given_a_speech_model_when_a_key_is_pressed_during_the_speech_prompt_then_the_option_counts(
    tmp_path: Path,
) -> None:
    """support_hotline's speech menu says "… Or press 1 for technical support": its prompt listens for
    the DTMF options, so a 1 pressed during it goes to the customer-number entry without recording."""
    settings = engine_settings(tmp_path)
    ivr = settings.ivr.model_copy(
        update={"use_flows": True, "speech_model": "bundled", "speech_record_dir": str(tmp_path / "speech")}
    )
    engine = Engine(
        settings.model_copy(update={"ivr": ivr}),
        simulator_mode=True,
        flow_clock=FixedClock(MONDAY_10AM_SHANGHAI),
    )
    await engine.start()
    try:
        await asyncio.wait_for(engine.prompts_ready.wait(), 60)
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        # hello-world lasts 1.4 s, the speech prompt about 9 s after it: press 1 at 4 s.
        caller = SimulatedCaller(
            number="2125550199", dialed="5551000", digits=[(4.0, "1")], patience_s=300, talk_s=0.5
        )
        handle = await engine.simulator.place_call(caller)
        outcome = await handle.finished(60)
        listening = [c for c in outcome.agi_commands if c.startswith("STREAM FILE") and c.endswith(' "123"')]
        assert len(listening) == 2  # hello-world (type-ahead) and the speech prompt itself
        assert not any(command.startswith("RECORD FILE") for command in outcome.agi_commands)
        assert any(command.startswith("GET DATA") for command in outcome.agi_commands)  # customer number
    finally:
        await engine.stop()


async def test_given_a_silent_caller_then_the_menus_time_out_and_the_caller_reaches_the_general_queue(
    open_hours: Engine,
) -> None:
    assert open_hours.simulator is not None
    await open_hours.ami.wait_connected(5)
    handle = await open_hours.simulator.place_call(
        SimulatedCaller(number="2125550199", patience_s=300, talk_s=0.5)
    )
    outcome = await handle.finished(60)
    assert outcome.agi_commands.count("WAIT FOR DIGIT 5000") >= 2  # the menus waited, then gave up
    assert outcome.agent is not None
    [decision, *_] = await open_hours.router.explain(handle.uniqueid)
    assert decision.queue == "general"


async def test_given_a_site_without_the_demo_queues_when_the_engine_starts_then_callers_are_served(
    tmp_path: Path,
) -> None:
    """The shipped example flow names the demo's queues; a site with only "general" used to refuse
    to start (InvalidFlow at seeding). Now the example is skipped and the built-in menu answers."""
    settings = engine_settings(
        tmp_path,
        queues=[{"name": "general", "wrap_up_s": 0.2}],
        agents=[{"agent_id": "7001", "name": "Solo", "skills": {"general": 3}}],
    )
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        await sign_in_agents(engine)
        assert engine.flows is not None
        assert engine.flows.flow_names() == []
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        handle = await engine.simulator.place_call(
            SimulatedCaller(number="4155550100", digits=(), talk_s=0.5)
        )
        outcome = await handle.finished(30)
        assert outcome.agent == "agent-7001"
    finally:
        await engine.stop()


async def test_given_a_flow_transferring_to_an_e164_number_then_the_trunk_is_dialed_without_the_plus(
    open_hours: Engine,
) -> None:
    """The agent's transfer to a number dials the trunk with digits only; a flow's must dial the same."""
    assert open_hours.simulator is not None
    assert open_hours.flows is not None
    flow = (
        "name: out\nnumbers: ['5550001']\nstart: out\nfallback: support\n"
        "nodes:\n"
        "  out: {type: transfer, number: '+4155550199'}\n"
    )
    version = open_hours.flows.save(flow, author="test")
    open_hours.flows.publish("out", version.number, author="test")
    await open_hours.ami.wait_connected(5)
    caller = SimulatedCaller(number="2125550199", dialed="5550001", patience_s=300, talk_s=0.5)
    handle = await open_hours.simulator.place_call(caller)
    outcome = await handle.finished(30)
    dials = [cmd for cmd in outcome.agi_commands if cmd.startswith("EXEC Dial")]
    assert dials == ["EXEC Dial PJSIP/4155550199@pstn-out,60"], dials
