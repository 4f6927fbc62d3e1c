"""Callbacks in the engine on the PBX simulator (real AMI and FastAGI): they survive a restart, an IVR
caller who asks for one hangs up and is called back when an agent is free, and an agent whose phone
does not answer leaves the callback at its place for the next agent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.bus import Subscription
from callcenter.clock import SystemClock
from callcenter.events import CallConnected, CallEnded, CallOffered
from callcenter.pbxsim import SimulatedCaller
from crm_core.callbacks import CallbackBook, CallbackRequest, CallbackSummary
from crm_core.db import make_engine, make_session_factory
from crm_core.models import Interaction
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

E = TypeVar("E")
WEI = "+14155550100"  # the demo CRM's VIP, Wei Zhang
CALLBACK_FLOW = """
name: callback_line
description: Callers leave a callback request at once
numbers: ["5559000"]
start: offer
fallback: sales
nodes:
  offer:
    type: callback_offer
    queue: sales
"""


class ShiftedClock:
    def __init__(self, shift_s: float) -> None:
        self.shift_s = shift_s

    def now(self) -> float:
        return SystemClock().now() + self.shift_s


def _schedule(engine: Engine, number: str, in_s: float, clock: ShiftedClock | None = None) -> int:
    book = CallbackBook(clock or SystemClock(), "US")
    due = datetime.fromtimestamp((clock or SystemClock()).now(), UTC) + timedelta(seconds=in_s)
    with engine.contact_center.sessions.begin() as session:
        return book.schedule(session, CallbackRequest(number, due, "sales", requested_by="1001")).id


def _callback(engine: Engine, callback_id: int) -> CallbackSummary:
    with engine.contact_center.sessions() as session:
        return CallbackBook(SystemClock(), "US").get(session, callback_id)


async def _next(events: Subscription, kind: type[E], where: Callable[[E], bool] = lambda _e: True) -> E:
    async with asyncio.timeout(15):
        while True:
            event = await events.get()
            if isinstance(event, kind) and where(event):
                return event


def _is_call(uniqueid: str, event: CallEnded) -> bool:
    return event.uniqueid == uniqueid


async def _talk_and_hang_up(engine: Engine, events: Subscription, offer: CallOffered) -> None:
    await _next(events, CallConnected, lambda e: e.uniqueid == offer.uniqueid)
    await engine.contact_center.hang_up(offer.agent_id)
    await _next(events, CallEnded, lambda e: e.uniqueid == offer.uniqueid)


@pytest.fixture
async def flow_engine(tmp_path: Path) -> AsyncIterator[Engine]:
    settings = engine_settings(tmp_path)
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        await sign_in_agents(engine)
        assert engine.flows is not None
        version = engine.flows.save(CALLBACK_FLOW, author="test")
        engine.flows.publish(version.flow, version.number, author="test")
        yield engine
    finally:
        await engine.stop()


async def test_given_open_callbacks_when_the_engine_restarts_then_both_are_still_delivered(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    first = Engine(settings, simulator_mode=True)
    await first.start()
    try:
        await first.ami.wait_connected(5)
        await sign_in_agents(first)
        for agent in ("1001", "1003"):  # the sales agents are on a break: nobody takes it
            await first.router.pause(agent, "break")
        queued = _schedule(first, WEI, in_s=0.1)
        await wait_until(lambda: _callback(first, queued).status == "queued", what="in the ACD")
    finally:
        await first.stop()
    # While the engine is down, another promised callback falls due (scheduled a minute ago).
    db = make_engine(settings.database.url)
    try:
        request = CallbackRequest("+1 212 555 0199", datetime.now(UTC) - timedelta(seconds=30), "sales")
        with make_session_factory(db).begin() as session:
            pending = CallbackBook(ShiftedClock(-60), "US").schedule(session, request).id
    finally:
        db.dispose()

    second = Engine(settings, simulator_mode=True)
    events = second.bus.subscribe()
    await second.start()
    try:
        await second.ami.wait_connected(5)
        for agent in ("1001", "1003"):  # still on their break after the restart, until they are back
            await second.contact_center.agent_available(agent)
        offers = [await _next(events, CallOffered) for _ in range(2)]
        assert {o.caller_number for o in offers} == {WEI, "+12125550199"}
        assert {o.agent_id for o in offers} == {"1001", "1003"}
        # Both connect before either is hung up: wait for both (waiting for one skips the other's).
        connected = [await _next(events, CallConnected) for _ in offers]
        assert {c.uniqueid for c in connected} == {o.uniqueid for o in offers}
        for offer in offers:
            await second.contact_center.hang_up(offer.agent_id)
            await _next(events, CallEnded, partial(_is_call, offer.uniqueid))
        await wait_until(
            lambda: all(_callback(second, i).status == "done" for i in (queued, pending)), what="both done"
        )
    finally:
        await second.stop()


async def test_given_the_ivr_callback_offer_then_the_caller_hangs_up_and_is_called_back_when_free(
    flow_engine: Engine,
) -> None:
    engine = flow_engine
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    for agent in ("1001", "1003"):
        await engine.router.pause(agent, "break")
    events = engine.bus.subscribe()
    handle = await engine.simulator.place_call(SimulatedCaller(number="4155550100", dialed="5559000"))
    outcome = await handle.finished(10)  # the caller is off the line at once
    assert outcome.agent is None
    assert "HANGUP" in outcome.agi_commands

    def ivr_part() -> Interaction | None:
        with engine.contact_center.sessions() as session:
            query = select(Interaction).where(Interaction.external_ref == handle.uniqueid)
            return session.scalars(query).one_or_none()

    await wait_until(lambda: ivr_part() is not None, what="the IVR interaction")
    part = ivr_part()
    assert part is not None
    assert (part.direction, part.outcome) == ("inbound", "callback_requested")
    with engine.contact_center.sessions() as session:
        (row,) = CallbackBook(SystemClock(), "US").for_interaction(session, handle.uniqueid)
    assert (row.status, row.item_id, row.number, row.queue) == ("queued", handle.uniqueid, WEI, "sales")
    assert row.customer_id == part.customer_id
    assert await engine.router.position(handle.uniqueid) == 1  # the caller's place, kept

    await engine.router.set_available("1003")
    offer = await _next(events, CallOffered)
    assert (offer.agent_id, offer.caller_number, offer.queue) == ("1003", WEI, "sales")
    assert offer.customer is not None
    await _talk_and_hang_up(engine, events, offer)
    await wait_until(lambda: _callback(engine, row.id).status == "done", what="the callback done")


async def test_given_an_agent_phone_that_does_not_answer_then_the_callback_waits_for_the_next_agent(
    tmp_path: Path,
) -> None:
    engine = Engine(engine_settings(tmp_path), simulator_mode=True)
    await engine.start()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        await sign_in_agents(engine)
        engine.simulator.set_agent_behaviour("agent-1001", "busy")
        await engine.router.pause("1003", "break")
        events = engine.bus.subscribe()
        callback_id = _schedule(engine, WEI, in_s=0.1)
        first = await _next(events, CallOffered)
        assert first.agent_id == "1001"
        # The phone was busy: the offer is declined, the callback waits at its place, nobody was dialed.
        await wait_until(
            lambda: engine.contact_center.call_of_agent("1001") is None, what="1001's attempt dropped"
        )
        assert _callback(engine, callback_id).status == "queued"
        assert _callback(engine, callback_id).attempts == 0
        snapshot = await engine.router.snapshot()
        assert next(a for a in snapshot.agents if a.agent_id == "1001").state.value != "busy"
        await engine.router.pause("1001", "break")
        await engine.router.set_available("1003")
        second = await _next(events, CallOffered, lambda e: e.agent_id == "1003")
        assert second.caller_number == WEI
        await _talk_and_hang_up(engine, events, second)
        await wait_until(lambda: _callback(engine, callback_id).status == "done", what="done by 1003")
        assert _callback(engine, callback_id).attempts == 1
    finally:
        await engine.stop()


async def test_given_asterisk_unreachable_when_a_callback_is_due_then_it_waits_and_goes_out_after(
    tmp_path: Path,
) -> None:
    engine = Engine(engine_settings(tmp_path), simulator_mode=True)
    await engine.start()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        await sign_in_agents(engine)
        await engine.router.pause("1003", "break")
        events = engine.bus.subscribe()
        await engine.simulator.stop_ami()
        await wait_until(lambda: not engine.ami.connected, what="AMI down")
        callback_id = _schedule(engine, WEI, in_s=0.1)
        first = await _next(events, CallOffered)  # offered, but the agent's phone cannot be rung
        await wait_until(
            lambda: engine.contact_center.call_of_agent("1001") is None, what="the attempt given up"
        )
        assert _callback(engine, callback_id).status == "queued"  # still waiting at its place
        await engine.simulator.start_ami()
        second = await _next(events, CallOffered, lambda e: e.uniqueid != first.uniqueid)
        assert (second.agent_id, second.caller_number) == ("1001", WEI)
        await _talk_and_hang_up(engine, events, second)
        await wait_until(lambda: _callback(engine, callback_id).status == "done", what="done")
    finally:
        await engine.stop()
