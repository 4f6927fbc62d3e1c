"""Wrap-up: only the agent's own interaction; disposition, notes and ticket in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from acd.model import AgentState, QueueConfig
from callcenter.services.errors import BadDisposition, DispositionRequired, NotYourInteraction
from callcenter.services.wrap_up import (
    DEFAULT_DISPOSITIONS,
    CallbackAsk,
    QueueRules,
    TicketChange,
    WrapUpRequest,
    WrapUps,
)
from crm_core.callbacks import CallbackStatus
from crm_core.errors import CrmError
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.models import Interaction, Ticket
from crm_core.tickets import TicketDraft, TicketService
from tests.unit.calls.desk import CALLER, LEG_1001
from tests.unit.services.conftest import OUTBOUND, Centre


def _wrap_ups(centre: Centre, required: bool = False) -> WrapUps:
    rules = QueueRules({"sales", "support"}, ["sales", "support"], OUTBOUND, {"sales": required})
    return WrapUps(
        centre.db.sessions, centre.cc, centre.callbacks, centre.clock.now, DEFAULT_DISPOSITIONS, rules
    )


def _handled(centre: Centre, uniqueid: str = "u1", agent_id: str = "1001") -> int:
    """The interaction the engine recorded when ``agent_id`` finished call ``uniqueid``."""
    start = datetime(2026, 3, 2, 8, 50, tzinfo=UTC)
    record = InteractionRecord(
        uniqueid, "call", "inbound", start, queue="sales", agent_id=agent_id, caller_number="+14155550100"
    )
    with centre.db.sessions.begin() as session:
        return InteractionLog("US").record(session, record)


def _interaction(centre: Centre, uniqueid: str = "u1") -> tuple[str | None, str | None]:
    with centre.db.sessions() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == uniqueid)).one()
        return row.disposition, row.notes


def _tickets(centre: Centre) -> int:
    with centre.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Ticket)) or 0


async def test_given_own_interaction_when_wrapped_up_then_disposition_notes_and_ticket_are_stored(
    centre: Centre,
) -> None:
    _handled(centre)
    request = WrapUpRequest(
        "1001", "u1", "follow_up", "ticket_opened", "wants a refund", TicketChange(subject="Refund")
    )

    done = await _wrap_ups(centre).wrap_up(request)

    assert _interaction(centre) == ("follow_up/ticket_opened", "wants a refund")
    assert done.ticket_id is not None
    with centre.db.sessions() as session:
        assert TicketService(centre.clock).get(session, done.ticket_id).subject == "Refund"


async def test_given_another_agents_interaction_when_wrapped_up_then_refused_and_nothing_stored(
    centre: Centre,
) -> None:
    _handled(centre, agent_id="1002")

    with pytest.raises(NotYourInteraction):
        await _wrap_ups(centre).wrap_up(
            WrapUpRequest("1001", "u1", "resolved", None, "mine now", TicketChange(subject="Hijack"))
        )

    assert _interaction(centre) == (None, None)
    assert _tickets(centre) == 0


async def test_given_a_ticket_that_cannot_change_when_wrapped_up_then_no_disposition_is_stored(
    centre: Centre,
) -> None:
    _handled(centre)
    with centre.db.sessions.begin() as session:
        ticket = TicketService(centre.clock).open(session, TicketDraft("service_request", "Broken"))
    bad_move = TicketChange(id=ticket.id, status="no_such_status")

    with pytest.raises(CrmError):
        await _wrap_ups(centre).wrap_up(WrapUpRequest("1001", "u1", "resolved", None, "done", bad_move))

    assert _interaction(centre) == (None, None)
    with centre.db.sessions() as session:
        assert TicketService(centre.clock).interaction_ids(session, ticket.id) == ()


async def test_given_notes_refused_after_the_ticket_opened_when_wrapped_up_then_the_ticket_is_not_kept(
    centre: Centre,
) -> None:
    _handled(centre)
    too_long = "x" * 2001  # over the notes limit: refused after the ticket was written

    with pytest.raises(CrmError):
        await _wrap_ups(centre).wrap_up(
            WrapUpRequest("1001", "u1", "resolved", None, too_long, TicketChange(subject="Lost"))
        )

    assert _tickets(centre) == 0
    assert _interaction(centre) == (None, None)


async def test_given_a_queue_requiring_a_disposition_when_none_given_then_refused(centre: Centre) -> None:
    _handled(centre)

    with pytest.raises(DispositionRequired):
        await _wrap_ups(centre, required=True).wrap_up(WrapUpRequest("1001", "u1", notes="n"))

    assert _interaction(centre) == (None, None)


async def test_given_a_sub_code_of_another_disposition_when_wrapped_up_then_refused(centre: Centre) -> None:
    _handled(centre)

    with pytest.raises(BadDisposition):
        await _wrap_ups(centre).wrap_up(WrapUpRequest("1001", "u1", "resolved", "sold"))

    assert _interaction(centre) == (None, None)


async def _in_wrap_up(centre: Centre) -> None:
    """1001 answers a caller of ``sales`` (30 s of wrap-up), who then hangs up."""
    await centre.desk.router.add_queue(QueueConfig("sales", wrap_up_seconds=30.0))
    await centre.cc.agent_pause("1002", "lunch")
    await centre.desk.talking_to("1001", LEG_1001)
    await centre.desk.service.channel_hung_up(CALLER)
    _handled(centre)


async def _state(centre: Centre, agent_id: str) -> AgentState:
    return next(a.state for a in (await centre.cc.snapshot()).agents if a.agent_id == agent_id)


async def test_given_an_agent_in_wrap_up_when_done_with_a_callback_then_it_is_promised_and_they_are_free(
    centre: Centre,
) -> None:
    await _in_wrap_up(centre)
    assert await _state(centre, "1001") is AgentState.WRAP_UP
    ask = CallbackAsk("2026-03-03T10:00:00-05:00")

    done = await _wrap_ups(centre).wrap_up(WrapUpRequest("1001", "u1", "follow_up", None, None, callback=ask))

    assert done.left_wrap_up
    assert await _state(centre, "1001") is AgentState.AVAILABLE
    assert done.callback_id is not None
    with centre.db.sessions() as session:
        callback = centre.callbacks.book.get(session, done.callback_id)
    assert (callback.number, callback.queue, callback.preferred_agent, callback.status) == (
        "+14155550100",
        "sales",
        "1001",
        CallbackStatus.PENDING,
    )
    assert callback.due_at == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


async def test_given_a_callback_in_the_past_when_wrapping_up_then_refused_before_anything_is_stored(
    centre: Centre,
) -> None:
    await _in_wrap_up(centre)
    ask = CallbackAsk("2026-03-01T10:00:00+00:00")

    with pytest.raises(CrmError):
        await _wrap_ups(centre).wrap_up(
            WrapUpRequest("1001", "u1", "resolved", None, "n", TicketChange(subject="S"), ask)
        )

    assert _interaction(centre) == (None, None)
    assert _tickets(centre) == 0
    assert await _state(centre, "1001") is AgentState.WRAP_UP
