"""The shipped IVR flow (ivr_flows/flows/main.yaml) runs over real FastAGI against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from tests.integration.engine.conftest import engine_settings


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


MONDAY_10AM_SHANGHAI = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
SUNDAY_NIGHT_SHANGHAI = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)  # 22:00 on a Sunday


async def _engine(tmp_path: Path, at: datetime) -> Engine:
    settings = engine_settings(tmp_path)
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True, flow_clock=FixedClock(at))
    await engine.start()
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
    caller = SimulatedCaller(number="4155550100", digits=[(0.5, "1"), (0.5, "1")], patience_s=300, talk_s=1.0)
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
        assert any(cmd.startswith("EXEC VoiceMail") for cmd in outcome.agi_commands)
    finally:
        await engine.stop()
