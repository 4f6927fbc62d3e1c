"""Callbacks: an agent sees and changes only their own; supervisors all; every change audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.services.audit import Actor
from callcenter.services.callbacks import CallbackDesk
from callcenter.services.errors import NotYourCallback
from crm_core.callbacks import CallbackRequest, CallbackStatus
from tests.unit.services.conftest import SUPERVISOR, Centre

AGENT_1001 = Actor("ann", "agent", agent_id="1001", user_id=2)
AGENT_1002 = Actor("bob", "agent", agent_id="1002", user_id=3)
TOMORROW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


async def _promised(centre: Centre, agent_id: str, number: str) -> int:
    request = CallbackRequest(number, TOMORROW, "sales", requested_by=agent_id, preferred_agent=agent_id)
    return (await centre.callbacks.schedule(request)).id


def _desk(centre: Centre) -> CallbackDesk:
    return CallbackDesk(centre.db.sessions, centre.callbacks, centre.clock.now)


async def test_given_callbacks_of_two_agents_when_listed_then_an_agent_sees_only_their_own(
    centre: Centre,
) -> None:
    mine = await _promised(centre, "1001", "+14155550101")
    theirs = await _promised(centre, "1002", "+14155550102")
    desk = _desk(centre)

    agent_sees = [row.id for row, _name in await desk.listing(AGENT_1001, open_only=True, limit=50)]
    supervisor_sees = {row.id for row, _name in await desk.listing(SUPERVISOR, open_only=True, limit=50)}

    assert agent_sees == [mine]
    assert supervisor_sees == {mine, theirs}


async def test_given_an_agents_own_callback_when_cancelled_then_it_is_cancelled_and_audited(
    centre: Centre,
) -> None:
    mine = await _promised(centre, "1001", "+14155550101")

    row = await _desk(centre).cancel(AGENT_1001, mine)

    assert row.status is CallbackStatus.CANCELLED
    [entry] = centre.audit("callback.")
    assert (entry.actor, entry.action, entry.target) == ("ann", "callback.cancel", f"callback:{mine}")
    assert entry.details == {"number": "+14155550101"}


async def test_given_another_agents_callback_when_cancelled_or_moved_then_refused_and_unchanged(
    centre: Centre,
) -> None:
    theirs = await _promised(centre, "1002", "+14155550102")
    desk = _desk(centre)

    with pytest.raises(NotYourCallback):
        await desk.cancel(AGENT_1001, theirs)
    with pytest.raises(NotYourCallback):
        await desk.reschedule(AGENT_1001, theirs, "2026-03-04T09:00:00+00:00")

    [(row, _name)] = await desk.listing(AGENT_1002, open_only=True, limit=50)
    assert (row.status, row.due_at) == (CallbackStatus.PENDING, TOMORROW)
    assert centre.audit() == []


async def test_given_a_supervisor_when_moving_any_callback_then_its_new_time_is_audited(
    centre: Centre,
) -> None:
    theirs = await _promised(centre, "1002", "+14155550102")

    row = await _desk(centre).reschedule(SUPERVISOR, theirs, "2026-03-04T11:30:00+02:00")

    assert row.due_at == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    [entry] = centre.audit("callback.")
    assert (entry.actor, entry.action) == ("sue", "callback.reschedule")
    assert entry.details == {"due_at": "2026-03-04T09:30:00+00:00"}
