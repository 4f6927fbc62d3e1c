"""Blind transfers and click-to-dial over the recording PBX fake: what the engine asks the phone
system, and what it does when the phone system fails."""

from __future__ import annotations

import pytest

from acd.model import Agent, AgentState
from callcenter.calls.agent_calls import PbxUnavailable
from callcenter.calls.registry import CallPhase
from callcenter.events import CallDialing, CallTransferred
from callcenter.pbx import PbxNoAnswer, PbxUnreachable
from tests.fakes.pbx import ConnectToAgent, DialOut, MoveToTransfer
from tests.unit.calls.desk import CALLER, LEG_1001, open_desk
from tests.waiting import wait_until


async def test_given_a_colleague_on_a_break_when_transferred_to_them_then_the_caller_waits_on_hold() -> None:
    async with open_desk("1001", paused=("1002",)) as desk:
        call = await desk.talking_to("1001", LEG_1001)
        desk.pbx.sent.clear()

        await desk.agent_calls.transfer(call, "agent", "1002")  # reserved for 1002 a while

        assert desk.pbx.sent == [MoveToTransfer(CALLER)]
        assert (call.phase, call.agent_id) == (CallPhase.QUEUED, None)
        assert [(e.agent_id, e.kind, e.target) for e in desk.events(CallTransferred)] == [
            ("1001", "agent", "1002")
        ]
        assert [(w.agent_id, w.outcome) for w in desk.written] == [("1001", "transferred")]


async def test_given_a_free_colleague_when_transferred_to_them_then_their_phone_rings_at_once() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        await desk.router.login(Agent("1002", {"sales": 3}))  # free once 1001 has the caller
        desk.pbx.sent.clear()

        await desk.agent_calls.transfer(call, "agent", "1002")

        await wait_until(lambda: bool(desk.pbx.sent), what="the caller sent to 1002's phone")
        assert [(a.caller_channel, a.agent_id) for a in desk.pbx.of_type(ConnectToAgent)] == [
            (CALLER, "1002")
        ]
        assert desk.pbx.of_type(MoveToTransfer) == []  # no detour through hold
        assert (call.phase, call.agent_id) == (CallPhase.OFFERING, "1002")


async def test_given_a_number_when_transferred_to_it_then_the_caller_is_moved_to_be_dialed_onward() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        desk.pbx.sent.clear()

        await desk.agent_calls.transfer(call, "number", "(415) 555-0199")

        assert desk.pbx.sent == [MoveToTransfer(CALLER)]
        assert call.transfer_number == "+14155550199"  # the transfer route dials it (inbound.on_transfer)
        assert (call.phase, call.item_id) == (CallPhase.IVR, None)


async def test_given_the_pbx_unreachable_when_the_agent_transfers_then_the_call_stays_with_the_agent() -> (
    None
):
    async with open_desk("1001", paused=("1002",)) as desk:
        call = await desk.talking_to("1001", LEG_1001)
        item_before = call.item_id
        desk.pbx.fail_next(MoveToTransfer, PbxUnreachable("transfer", "not connected"))

        with pytest.raises(PbxUnavailable) as raised:
            await desk.agent_calls.transfer(call, "agent", "1002")

        assert raised.value.code == "callcenter.pbx_unavailable"
        assert (call.phase, call.agent_id) == (CallPhase.TALKING, "1001")
        assert (call.item_id, call.agent_channel) == (item_before, LEG_1001)
        assert (desk.events(CallTransferred), desk.written) == ([], [])
        snapshot = await desk.router.snapshot()
        assert sum(q.waiting for q in snapshot.queues) == 0  # the reserved item was taken back
        assert snapshot.agents_by_state[AgentState.BUSY] == ("1001",)


async def test_given_an_available_agent_when_they_click_to_dial_then_their_phone_rings_for_the_number() -> (
    None
):
    async with open_desk("1001") as desk:
        uniqueid = await desk.agent_calls.dial("1001", "415 555 0199", None, AgentState.AVAILABLE)

        assert desk.pbx.sent == [DialOut("1001", "+14155550199", uniqueid, "")]
        assert [(e.agent_id, e.number) for e in desk.events(CallDialing)] == [("1001", "+14155550199")]
        call = desk.service.calls.get(uniqueid)
        assert call is not None
        assert call.direction == "outbound"


async def test_given_the_pbx_lost_mid_originate_when_clicking_to_dial_then_the_agent_is_free_again() -> None:
    async with open_desk("1001") as desk:
        desk.pbx.fail_next(DialOut, PbxNoAnswer("dial out", "connection lost"))

        with pytest.raises(PbxUnavailable):
            await desk.agent_calls.dial("1001", "415 555 0199", None, AgentState.AVAILABLE)

        assert desk.service.calls.live() == []
        snapshot = await desk.router.snapshot()
        assert "1001" not in snapshot.agents_by_state.get(AgentState.BUSY, ())
