"""The whole path of a call over real TCP: simulator ⇄ AMI + FastAGI ⇄ engine ⇄ ACD ⇄ CRM database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from crm_core.db import make_session_factory
from crm_core.models import Interaction
from tests.waiting import wait_until


def _interactions(engine: Engine, uniqueid: str) -> list[Interaction]:
    """The rows the engine wrote for this call (the demo CRM holds generated history too)."""
    with make_session_factory(engine.db_engine)() as session:
        return list(session.scalars(select(Interaction).where(Interaction.external_ref == uniqueid)))


async def test_given_a_caller_pressing_1_when_the_sales_agent_answers_then_the_call_is_stored(
    engine: Engine,
) -> None:
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    handle = await engine.simulator.place_call(
        SimulatedCaller(
            number="4155550100",
            name="Wei Zhang",
            digits=[(0.2, "1")],
            waits_to_be_heard=True,
            patience_s=60,
            talk_s=2.0,
        )
    )
    await handle.finished(15)

    # only agent 1001 has the sales skill at level >= 2 (1003 has sales 2 too, but 1001 has level 4)
    assert handle.outcome.agent == "agent-1001"
    await wait_until(lambda: len(_interactions(engine, handle.uniqueid)) == 1, timeout=5, what="the row")
    [row] = _interactions(engine, handle.uniqueid)
    assert row.caller_number == "+14155550100"
    assert row.queue == "sales"
    assert row.agent_id == "1001"
    assert row.outcome == "answered"
    assert row.answered_at is not None
    assert row.ended_at is not None
    assert row.started_at <= row.answered_at <= row.ended_at
    assert row.ended_at - row.answered_at >= timedelta(seconds=2.0 * 0.05 * 0.5)
    assert row.customer_id is not None  # Wei Zhang, the demo VIP, is known to the CRM


async def test_given_no_digit_when_queued_then_the_general_queue_agent_takes_it(engine: Engine) -> None:
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    handle = await engine.simulator.place_call(SimulatedCaller(number="2125550199", digits=[], talk_s=1.0))
    await handle.finished(15)
    assert handle.outcome.agent is not None
    await wait_until(lambda: len(_interactions(engine, handle.uniqueid)) == 1, timeout=5, what="the row")
    assert _interactions(engine, handle.uniqueid)[0].queue == "general"
