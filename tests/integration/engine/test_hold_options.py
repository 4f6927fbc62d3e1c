"""A caller waiting in a queue that offers ``callback_while_waiting`` hears "press 1 to be called back"
between hold segments, and a 1 pressed in the middle of the music books the callback at their place.

All through the PBX simulator over real AMI and FastAGI. The hold of such a queue is ``SET MUSIC on``
plus ``WAIT FOR DIGIT`` (keys reach the AGI); other queues keep ``EXEC MusicOnHold`` (keys reach only
AMI, fact 12) and nothing changes for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from acd.events import ItemConvertedToCallback
from callcenter.app import Engine
from callcenter.bus import Subscription
from callcenter.calls.hold_options import callback_booked_text, callback_unavailable_text, options_text
from callcenter.calls.registry import LiveCall
from callcenter.clock import SystemClock
from callcenter.pbxsim import SimulatedCaller
from callcenter.pbxsim.simulator import SimulatedCallHandle
from crm_core.callbacks import CallbackBook
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

OPTION_QUEUES = [
    {"name": "general", "wrap_up_s": 0.2, "callback_while_waiting": True},
    {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": 0.2},
]
HOLD_SEGMENT = "WAIT FOR DIGIT 20000"  # the IVR menu's wait is 5000
ONE_AGENT = [{"agent_id": "1001", "name": "Li Na", "skills": {}}]


async def _engine(tmp_path: Path, **overrides: Any) -> Engine:
    engine = Engine(engine_settings(tmp_path, **overrides), simulator_mode=True)
    await engine.start()
    await engine.ami.wait_connected(5)
    await sign_in_agents(engine)
    return engine


@pytest.fixture
async def no_agents(tmp_path: Path) -> AsyncIterator[Engine]:
    engine = await _engine(tmp_path, agents=[], queues=OPTION_QUEUES)
    try:
        yield engine
    finally:
        await engine.stop()


def _call(engine: Engine, handle: SimulatedCallHandle) -> LiveCall | None:
    return engine.calls.calls.get(handle.uniqueid)


async def _mid_hold(handle: SimulatedCallHandle, segment: str, segments: int = 1) -> None:
    """Until the caller is inside their ``segments``-th hold segment (the command still running)."""

    def inside() -> bool:
        commands = handle.outcome.agi_commands
        return sum(c.startswith(segment) for c in commands) >= segments and commands[-1].startswith(segment)

    await wait_until(inside, what=f"hold segment {segments} ({segment})")


async def _prompt(engine: Engine, text: str, language: str = "en") -> str:
    """The sound file the engine plays for ``text`` (espeak-ng, cached by text and language)."""
    return await engine.hold_prompts.prompt_for_text(text, language)


def _rows(engine: Engine, uniqueid: str) -> list[Any]:
    with engine.contact_center.sessions() as session:
        return list(CallbackBook(SystemClock(), "US").for_interaction(session, uniqueid))


async def _next(events: Subscription, kind: type[Any], where: Callable[[Any], bool]) -> Any:
    async with asyncio.timeout(15):
        while True:
            event = await events.get()
            if isinstance(event, kind) and where(event):
                return event


async def test_given_a_queue_with_the_option_when_waiting_then_the_caller_hears_it_between_segments(
    no_agents: Engine,
) -> None:
    engine = no_agents
    assert engine.simulator is not None
    handle = await engine.simulator.place_call(SimulatedCaller(number="2125550101", patience_s=60))
    await _mid_hold(handle, HOLD_SEGMENT, segments=2)
    handle.hang_up()
    outcome = await handle.finished(10)

    option = await _prompt(engine, options_text("en", None))  # nobody staffed: no expected wait
    commands = outcome.agi_commands
    first = commands.index(f'STREAM FILE {option} "1"')  # the key works during the announcement too
    assert commands[first + 1 : first + 3] == ("SET MUSIC on default", "WAIT FOR DIGIT 20000")
    assert commands.count(f'STREAM FILE {option} "1"') == 2  # again before the second segment
    assert 'STREAM FILE queue-youarenext "1"' in commands
    assert not any(c.startswith("EXEC MusicOnHold") for c in commands)


async def test_given_the_option_when_1_is_pressed_mid_hold_then_the_caller_leaves_and_keeps_the_place(
    no_agents: Engine,
) -> None:
    engine = no_agents
    assert engine.simulator is not None
    events = engine.bus.subscribe()
    first = await engine.simulator.place_call(SimulatedCaller(number="4155550100", patience_s=60))
    await wait_until(lambda: (c := _call(engine, first)) is not None and c.item_id is not None, what="queued")
    second = await engine.simulator.place_call(SimulatedCaller(number="2125550102", patience_s=60))
    await wait_until(lambda: (c := _call(engine, second)) is not None and c.item_id is not None, what="2nd")
    await _mid_hold(first, HOLD_SEGMENT)

    await first.press("1")

    outcome = await first.finished(10)  # the caller is off the line
    assert outcome.agent is None
    assert "HANGUP" in outcome.agi_commands
    booked = await _prompt(engine, callback_booked_text("en", "4155550100"))
    assert any(c.startswith(f"STREAM FILE {booked} ") for c in outcome.agi_commands)
    converted = await _next(events, ItemConvertedToCallback, lambda e: e.item_id == first.uniqueid)
    assert (converted.queue, converted.number) == ("general", "+14155550100")
    (row,) = _rows(engine, first.uniqueid)
    assert (row.status, row.item_id, row.number, row.queue) == (
        "queued",
        first.uniqueid,
        "+14155550100",
        "general",
    )
    assert await engine.router.position(first.uniqueid) == 1  # ahead of the caller who came later
    assert await engine.router.position(second.uniqueid) == 2
    assert engine.calls.recent[0].outcome == "callback_requested"
    second.hang_up()


async def test_given_no_usable_caller_id_when_1_is_pressed_then_the_caller_is_told_and_keeps_waiting(
    no_agents: Engine,
) -> None:
    engine = no_agents
    assert engine.simulator is not None
    handle = await engine.simulator.place_call(SimulatedCaller(number="anonymous", patience_s=60))
    await _mid_hold(handle, HOLD_SEGMENT)

    await handle.press("1")
    await _mid_hold(handle, HOLD_SEGMENT, segments=2)  # still waiting, in the next segment

    sorry = await _prompt(engine, callback_unavailable_text("en"))
    assert any(c.startswith(f"STREAM FILE {sorry} ") for c in handle.outcome.agi_commands)
    assert await engine.router.position(handle.uniqueid) == 1
    assert _rows(engine, handle.uniqueid) == []
    handle.hang_up()


async def test_given_a_queue_without_the_option_then_nothing_is_announced_and_the_key_is_ignored(
    no_agents: Engine,
) -> None:
    engine = no_agents
    assert engine.simulator is not None
    # "1" in the skeleton menu is sales, a queue without the option.
    handle = await engine.simulator.place_call(
        SimulatedCaller(digits=[(0.0, "1")], waits_to_be_heard=True, patience_s=60)
    )
    await _mid_hold(handle, "EXEC MusicOnHold")

    await handle.press("1")  # reaches only AMI (DTMFEnd), fact 12
    await _mid_hold(handle, "EXEC MusicOnHold", segments=2)

    call = _call(engine, handle)
    assert call is not None
    assert call.queue == "sales"
    assert await engine.router.position(handle.uniqueid) == 1
    assert _rows(engine, handle.uniqueid) == []
    commands = handle.outcome.agi_commands
    assert not any(c.startswith(("SET MUSIC", HOLD_SEGMENT)) for c in commands)
    assert not any(str(engine.sounds_dir) in p for p in handle.outcome.prompts)  # no spoken text
    handle.hang_up()


async def test_given_a_busy_agent_then_the_option_comes_with_the_expected_wait(tmp_path: Path) -> None:
    engine = await _engine(tmp_path, agents=ONE_AGENT, queues=OPTION_QUEUES)
    try:
        assert engine.simulator is not None
        talking = await engine.simulator.place_call(SimulatedCaller(number="2125550103", patience_s=60))
        await wait_until(lambda: (c := _call(engine, talking)) is not None and c.phase.value == "talking")
        waiting = await engine.simulator.place_call(SimulatedCaller(number="2125550104", patience_s=60))
        await _mid_hold(waiting, HOLD_SEGMENT)

        # One staffed agent, busy; no call handled yet: the queue's default handling time, 180 s.
        expected = await _prompt(engine, options_text("en", 180.0))
        assert "3 minutes" in options_text("en", 180.0)
        assert f'STREAM FILE {expected} "1"' in waiting.outcome.agi_commands

        talking.hang_up()  # the agent is free after wrap-up: the Redirect ends WAIT FOR DIGIT (fact 7)
        await wait_until(lambda: (c := _call(engine, waiting)) is not None and c.phase.value == "talking")
        assert waiting.outcome.agent == "agent-1001"
        waiting.hang_up()
    finally:
        await engine.stop()


CHINESE_FLOW = """
name: chinese_line
description: Chinese callers wait in the general queue
numbers: ["5559100"]
start: chinese
fallback: general
nodes:
  chinese:
    type: set
    variables: {language: zh}
    next: wait
  wait:
    type: queue
    queue: general
"""


async def test_given_a_chinese_caller_from_the_flow_then_the_option_is_said_in_chinese(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path, agents=[], queues=OPTION_QUEUES)
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        assert engine.flows is not None
        version = engine.flows.save(CHINESE_FLOW, author="test")
        engine.flows.publish(version.flow, version.number, author="test")
        handle = await engine.simulator.place_call(SimulatedCaller(dialed="5559100", patience_s=60))
        await _mid_hold(handle, HOLD_SEGMENT)

        chinese = await _prompt(engine, options_text("zh", None), "zh_CN")
        assert f'STREAM FILE {chinese} "1"' in handle.outcome.agi_commands
        handle.hang_up()
    finally:
        await engine.stop()
