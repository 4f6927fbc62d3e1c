"""Supervision: forcing an agent's state (a busy agent's pause waits for the work), audited."""

from __future__ import annotations

import pytest

from acd.model import AgentState
from callcenter.services.errors import BadTransferTarget, UnknownAgent
from callcenter.services.routing_admin import RoutingAdmin, RoutingNames
from callcenter.services.supervision import SupervisorDesk
from crm_core.routing_profiles import AgentProfile
from tests.fakes.pbx import Spy
from tests.unit.calls.desk import LEG_1001
from tests.unit.services.conftest import OUTBOUND, SUPERVISOR, Centre


def _desk(centre: Centre) -> SupervisorDesk:
    names = RoutingNames({"sales", "support"}, {"sales"})
    profiles = [AgentProfile("1001", {"sales": 3}), AgentProfile("3001", {"support": 2})]
    routing = RoutingAdmin(centre.db.sessions, centre.cc, centre.clock.now, names, profiles)
    return SupervisorDesk(centre.db.sessions, centre.cc, routing, centre.clock.now, OUTBOUND)


async def _on_a_call(centre: Centre) -> None:
    """1001 answers a caller (1002, on a break, is not offered it)."""
    await centre.cc.agent_pause("1002", "lunch")
    await centre.desk.talking_to("1001", LEG_1001)


async def _state(centre: Centre, agent_id: str) -> AgentState:
    snapshot = await centre.cc.snapshot()
    return next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)


async def test_given_an_agent_on_a_call_when_paused_then_the_pause_waits_for_the_call(centre: Centre) -> None:
    await _on_a_call(centre)

    await _desk(centre).force_state(SUPERVISOR, "1001", "paused", "coaching")

    snapshot = await centre.cc.snapshot()
    assert snapshot.pending_pauses == {"1001": "coaching"}
    assert await _state(centre, "1001") is AgentState.BUSY
    [entry] = centre.audit("agent.")
    assert (entry.actor, entry.action, entry.target) == ("sue", "agent.force_state", "agent:1001")
    assert entry.details == {"state": "paused", "reason": "coaching"}


async def test_given_a_pending_pause_when_forced_available_then_the_pause_is_called_off(
    centre: Centre,
) -> None:
    await _on_a_call(centre)
    desk = _desk(centre)
    await desk.force_state(SUPERVISOR, "1001", "paused", "coaching")

    await desk.force_state(SUPERVISOR, "1001", "available", None)

    assert (await centre.cc.snapshot()).pending_pauses == {}
    assert await _state(centre, "1001") is AgentState.BUSY  # still on the call
    assert [e.details["state"] for e in centre.audit("agent.")] == ["available", "paused"]


async def test_given_a_signed_out_agent_with_a_profile_when_forced_available_then_signed_in_with_its_skills(
    centre: Centre,
) -> None:
    await _desk(centre).force_state(SUPERVISOR, "3001", "available", None)

    assert await _state(centre, "3001") is AgentState.AVAILABLE


async def test_given_an_agent_without_a_profile_when_forced_available_then_refused_unaudited(
    centre: Centre,
) -> None:
    with pytest.raises(UnknownAgent):
        await _desk(centre).force_state(SUPERVISOR, "9999", "available", None)

    assert centre.audit() == []


async def test_given_a_waiting_caller_when_moved_to_the_click_to_dial_queue_then_refused(
    centre: Centre,
) -> None:
    with pytest.raises(BadTransferTarget):
        await _desk(centre).move_waiting_call(SUPERVISOR, "u1", OUTBOUND)

    assert centre.audit() == []


async def test_given_an_agent_on_a_call_when_a_supervisor_listens_then_their_phone_spies_and_it_is_audited(
    centre: Centre,
) -> None:
    await _on_a_call(centre)

    await _desk(centre).supervise(SUPERVISOR, "1001", "listen")

    [spy] = centre.desk.pbx.of_type(Spy)
    assert (spy.supervisor_phone, spy.agent_channel, spy.mode) == ("PJSIP/sue", LEG_1001, "listen")
    [entry] = centre.audit("supervise.")
    assert (entry.action, entry.target) == ("supervise.listen", "agent:1001")
    assert entry.details == {"call": "u1", "caller": "+14155550100"}
