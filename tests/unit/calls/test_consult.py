"""Consultative transfer over the PBX fake: the dual move, the hand-over, and a refused start that
leaves the consulted colleague free and the caller with their agent."""

from __future__ import annotations

import pytest

from acd.model import Agent, AgentState
from callcenter.calls.agent_calls import PbxUnavailable
from callcenter.calls.consult import Consults
from callcenter.calls.registry import CallPhase
from callcenter.events import ConsultEnded, ConsultStarted
from callcenter.pbx import PbxRefused
from tests.fakes.pbx import Bridge, ConsultAgent, ConsultNumber
from tests.unit.calls.desk import CALLER, LEG_1001, open_desk

LEG_1002 = "PJSIP/agent-1002-00000003"


async def test_given_a_free_colleague_when_consulted_and_completed_then_the_caller_is_bridged_to_them() -> (
    None
):
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        await desk.router.login(Agent("1002", {"sales": 3}))
        consults = Consults(desk.service, desk.agent_calls)
        desk.pbx.sent.clear()

        await consults.start(call, "agent", "1002")
        consults.target_dialed(LEG_1001, LEG_1002)
        consults.leg_bridged(LEG_1001)
        await consults.complete(call)

        assert desk.pbx.sent == [ConsultAgent(CALLER, LEG_1001, "1002"), Bridge(CALLER, LEG_1002)]
        assert (call.agent_id, call.agent_channel, call.phase) == ("1002", LEG_1002, CallPhase.TALKING)
        assert [e.outcome for e in desk.events(ConsultEnded)] == ["completed"]
        assert [(w.agent_id, w.outcome) for w in desk.written] == [("1001", "transferred")]


async def test_given_a_number_when_consulted_then_the_agents_leg_dials_it_in_e164() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        desk.pbx.sent.clear()

        await Consults(desk.service, desk.agent_calls).start(call, "number", "(415) 555-0199")

        assert desk.pbx.sent == [ConsultNumber(CALLER, LEG_1001, "+14155550199")]
        assert [e.target for e in desk.events(ConsultStarted)] == ["+14155550199"]


async def test_given_the_pbx_refusing_when_a_consultation_starts_then_the_colleague_is_free_again() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        await desk.router.login(Agent("1002", {"sales": 3}))
        desk.pbx.fail_next(ConsultAgent, PbxRefused("consult", "Redirect failed"))

        with pytest.raises(PbxUnavailable):
            await Consults(desk.service, desk.agent_calls).start(call, "agent", "1002")

        assert call.consult is None
        assert (call.agent_id, call.phase) == ("1001", CallPhase.TALKING)
        snapshot = await desk.router.snapshot()
        assert "1002" in snapshot.agents_by_state[AgentState.AVAILABLE]
        assert desk.events(ConsultStarted) == []
