"""Offering a caller to an agent, recording, and removing a waiting caller, over the PBX fake:
when the phone system fails, the caller is never lost."""

from __future__ import annotations

from acd.model import Agent, AgentState
from callcenter.calls.handback import QueuedState
from callcenter.calls.registry import CallPhase
from callcenter.events import CallConnected, RecordingPaused
from callcenter.pbx import PbxChannelGone, PbxRefused, PbxUnreachable
from tests.fakes.pbx import RECORDINGS_DIR, ConnectToAgent, Hangup, MuteRecording, StartRecording
from tests.unit.calls.desk import CALLER, LEG_1001, open_desk
from tests.waiting import wait_until


async def test_given_a_free_agent_when_a_caller_queues_then_their_phone_rings_with_the_callers_place() -> (
    None
):
    async with open_desk("1001") as desk:
        call = await desk.caller_queues()

        await wait_until(lambda: bool(desk.pbx.sent), what="the caller sent to the agent")
        [sent] = desk.pbx.sent
        assert isinstance(sent, ConnectToAgent)
        assert (sent.caller_channel, sent.agent_id) == (CALLER, "1001")
        handback = QueuedState.decode(sent.handback, desk.clock.now())
        assert (handback.queue, handback.queued_at) == ("sales", call.queued_at)


async def test_given_the_pbx_unreachable_when_offering_then_the_caller_stays_queued_and_the_agent_free() -> (
    None
):
    async with open_desk() as desk:
        desk.pbx.fail_next(ConnectToAgent, PbxUnreachable("connect to agent", "not connected"))
        call = await desk.caller_queues()
        await desk.router.login(Agent("1001", {"sales": 3}))

        await wait_until(lambda: call.phase is CallPhase.QUEUED and call.agent_id is None, what="requeued")
        snapshot = await desk.router.snapshot()
        assert [q.waiting for q in snapshot.queues if q.queue == "sales"] == [1]
        assert snapshot.agents_by_state[AgentState.AVAILABLE] == ("1001",)
        assert desk.written == []


async def test_given_the_callers_channel_gone_when_offering_then_the_call_ends_as_abandoned_once() -> None:
    async with open_desk() as desk:
        desk.pbx.fail_next(ConnectToAgent, PbxChannelGone("connect to agent", "No such channel"))
        await desk.caller_queues()
        await desk.router.login(Agent("1001", {"sales": 3}))

        await wait_until(lambda: bool(desk.written), what="the call written")
        assert [w.outcome for w in desk.written] == ["abandoned"]
        assert desk.service.calls.live() == []
        assert len(desk.pbx.of_type(ConnectToAgent)) == 1  # not offered again and again


async def test_given_recording_on_when_the_agent_answers_then_the_call_is_recorded_and_can_be_paused() -> (
    None
):
    async with open_desk("1001", record_calls=True) as desk:
        call = await desk.talking_to("1001", LEG_1001)

        assert desk.pbx.of_type(StartRecording) == [StartRecording(CALLER, "u1")]
        assert call.recording_path == f"{RECORDINGS_DIR}/u1.wav"

        await desk.service.set_recording_paused(call, True)
        await desk.service.set_recording_paused(call, False)

        assert desk.pbx.of_type(MuteRecording) == [MuteRecording(CALLER, True), MuteRecording(CALLER, False)]
        assert [e.paused for e in desk.events(RecordingPaused)] == [True, False]
        assert call.recording_paused is False


async def test_given_the_recording_refused_when_the_agent_answers_then_the_call_goes_on_unrecorded() -> None:
    async with open_desk("1001", record_calls=True) as desk:
        desk.pbx.fail_next(StartRecording, PbxRefused("start recording", "Cannot open file"))
        call = await desk.talking_to("1001", LEG_1001)

        assert (call.phase, call.recording_path) == (CallPhase.TALKING, None)
        assert [e.agent_id for e in desk.events(CallConnected)] == ["1001"]


async def test_given_a_waiting_caller_when_a_supervisor_removes_them_then_they_are_hung_up() -> None:
    async with open_desk() as desk:
        call = await desk.caller_queues()

        assert await desk.service.remove_waiting(call) is True
        assert desk.pbx.sent == [Hangup(CALLER)]
        assert [w.outcome for w in desk.written] == ["abandoned"]


async def test_given_a_caller_already_gone_when_removed_then_the_call_still_ends_once() -> None:
    async with open_desk() as desk:
        call = await desk.caller_queues()
        desk.pbx.fail_next(Hangup, PbxChannelGone("hang up", "No such channel"))

        assert await desk.service.remove_waiting(call) is False
        assert [w.outcome for w in desk.written] == ["abandoned"]
        assert desk.service.calls.live() == []
