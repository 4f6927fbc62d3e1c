"""The FastAGI routes' call handling over the caller-media fake: the skeleton menu, the hold, a
transfer to a number dialed onward, and a caller handed back; no socket, no Asterisk."""

from __future__ import annotations

from acd.model import Channel, Customer, WorkItem
from callcenter.caller_media import Arrival, MediaFailed
from callcenter.calls.handback import HANDBACK_VARIABLE, QueuedState
from callcenter.calls.inbound import InboundCalls, InboundOptions
from callcenter.calls.registry import CallPhase
from ivr_flows.errors import CallerGone
from tests.fakes.caller_media import (
    Answer,
    DialNumber,
    FakeCallerMedia,
    MusicOnHold,
    Play,
    ReadHandback,
    SetVariable,
)
from tests.fakes.pbx import ConnectToAgent
from tests.unit.calls.desk import CALLER, LEG_1001, Desk, open_desk
from tests.waiting import wait_until

MENU = InboundOptions()
ALL_KEYS = "0123456789#*"


def _inbound(desk: Desk) -> InboundCalls:
    return InboundCalls(desk.service, desk.clock.now, MENU)


def _caller(*args: str, uniqueid: str = "u1") -> FakeCallerMedia:
    media = FakeCallerMedia(Arrival(uniqueid, CALLER, "+14155550100", "Wei", "5551234", args))
    # The agent's ring takes the caller away during the first hold segment.
    media.fail_on[MusicOnHold] = CallerGone(reason="redirected")
    return media


async def test_given_a_caller_pressing_2_in_the_greeting_then_they_wait_in_support_with_music() -> None:
    async with open_desk() as desk:
        media = _caller()
        media.keys[MENU.greeting_prompt] = "2"

        await _inbound(desk).on_ivr(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        # Their place is left on their channel before they wait (an engine crash loses nothing).
        place = QueuedState("support", 0.0, desk.clock.now(), desk.clock.now(), "5551234").encode()
        assert media.done == [
            Answer(),
            Play(MENU.greeting_prompt, ALL_KEYS),
            SetVariable(HANDBACK_VARIABLE, place),
            Play("queue-youarenext", ""),
            MusicOnHold(MENU.hold_class, MENU.hold_segment_s),
        ]
        assert (call.queue, call.phase, call.ivr_digits) == ("support", CallPhase.QUEUED, ["2"])


async def test_given_the_menu_failing_then_the_caller_still_waits_in_the_default_queue() -> None:
    async with open_desk() as desk:
        media = _caller()
        media.fail_on[Play] = MediaFailed("play", "no answer in 10 s")

        await _inbound(desk).on_ivr(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert call.queue == MENU.default_queue
        assert MusicOnHold(MENU.hold_class, MENU.hold_segment_s) in media.done  # never silence


async def test_given_a_caller_hanging_up_in_the_greeting_then_the_call_ends_in_the_ivr() -> None:
    async with open_desk() as desk:
        media = _caller()
        media.fail_on[Play] = CallerGone(reason="hangup")

        await _inbound(desk).on_ivr(media)

        assert [w.outcome for w in desk.written] == ["ended_in_ivr"]
        assert desk.service.calls.live() == []


async def test_given_a_transfer_to_a_busy_number_then_the_caller_goes_back_to_the_queue() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        await desk.agent_calls.transfer(call, "number", "+1 415 555 0199")
        media = _caller()
        media.dial_status = "BUSY"

        await _inbound(desk).on_transfer(media)

        assert media.done[0] == DialNumber("+14155550199", MENU.outbound_trunk)
        assert (call.queue, call.outcome) == ("sales", None)
        # Queued again, and offered at once: 1001 (no wrap-up time in this queue) is free again.
        await wait_until(lambda: len(desk.pbx.of_type(ConnectToAgent)) == 2, what="offered again")
        assert (call.phase, call.agent_id) == (CallPhase.OFFERING, "1001")


async def test_given_a_transfer_to_a_number_answered_then_the_call_ends_as_transferred_out() -> None:
    async with open_desk("1001") as desk:
        call = await desk.talking_to("1001", LEG_1001)
        await desk.agent_calls.transfer(call, "number", "+1 415 555 0199")
        media = _caller()

        await _inbound(desk).on_transfer(media)

        assert media.done == [DialNumber("+14155550199", MENU.outbound_trunk)]
        assert [w.outcome for w in desk.written] == ["transferred", "transferred_out"]


async def test_given_a_caller_handed_back_to_a_new_engine_then_they_queue_at_their_old_place() -> None:
    async with open_desk() as desk:
        desk.clock.advance(120)
        place = QueuedState("support", 5.0, desk.clock.now() - 90, desk.clock.now() - 100, "5551000")
        media = _caller("NOANSWER", "agent-1001")
        media.handback_value = place.encode()

        await _inbound(desk).on_connect_failed(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert (call.queue, call.queued_at, call.dialed) == ("support", place.queued_at, "5551000")


async def test_given_an_unreadable_hand_back_then_the_caller_queues_in_the_default_queue() -> None:
    async with open_desk() as desk:
        media = _caller("NOANSWER", "agent-1001")
        media.handback_value = "garbage"

        await _inbound(desk).on_connect_failed(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert call.queue == MENU.default_queue


# -- the crash-safe loop's "resume" route: a caller whose engine died ------------------------
async def test_given_a_waiting_caller_resumed_by_a_new_engine_then_they_wait_at_their_old_place() -> None:
    async with open_desk() as desk:
        desk.clock.advance(120)
        place = QueuedState("support", 5.0, desk.clock.now() - 90, desk.clock.now() - 100, "5551000")
        media = _caller("5551000")
        media.handback_value = place.encode()

        await _inbound(desk).on_resume(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert (call.queue, call.queued_at, call.started_at) == ("support", place.queued_at, place.started_at)
        assert Answer() not in media.done  # not greeted again
        assert MusicOnHold(MENU.hold_class, MENU.hold_segment_s) in media.done


async def test_given_a_caller_resumed_from_the_ivr_then_the_ivr_starts_again() -> None:
    async with open_desk() as desk:
        media = _caller("5551234")
        media.keys[MENU.greeting_prompt] = "1"

        await _inbound(desk).on_resume(media)

        assert media.done[:3] == [ReadHandback(), Answer(), Play(MENU.greeting_prompt, ALL_KEYS)]
        call = desk.service.calls.get("u1")
        assert call is not None
        assert (call.queue, call.dialed) == ("sales", "5551234")


async def test_given_a_resumed_caller_with_no_place_and_no_number_then_the_default_queue() -> None:
    async with open_desk() as desk:
        media = _caller("")

        await _inbound(desk).on_resume(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert call.queue == MENU.default_queue


async def test_given_a_caller_resumed_by_the_engine_that_has_them_then_they_wait_again() -> None:
    async with open_desk() as desk:
        first = _caller()
        first.keys[MENU.greeting_prompt] = "2"
        await _inbound(desk).on_ivr(first)
        queued = desk.service.calls.get("u1")
        assert queued is not None
        queued_at = queued.queued_at
        again = _caller("5551234")

        await _inbound(desk).on_resume(again)

        assert desk.service.calls.get("u1") is queued
        assert (queued.queue, queued.queued_at) == ("support", queued_at)
        assert again.done[-1] == MusicOnHold(MENU.hold_class, MENU.hold_segment_s)


async def test_given_a_resumed_caller_whose_item_outlived_the_engine_then_they_keep_that_item() -> None:
    """A shared store (Redis) keeps the item an engine that died queued: same item, same place."""
    async with open_desk() as desk:
        desk.clock.advance(120)
        arrived = desk.clock.now() - 90
        first = WorkItem("u0", Channel.VOICE, "sales", Customer("tel:1"), arrived_at=arrived - 5)
        left = WorkItem("u1", Channel.VOICE, "support", Customer("tel:2"), arrived_at=arrived, priority=3)
        await desk.router.enqueue(first)
        await desk.router.enqueue(left)
        media = _caller("5551234")  # no CC_QUEUED on the channel: the item alone says where

        await _inbound(desk).on_resume(media)

        call = desk.service.calls.get("u1")
        assert call is not None
        assert (call.item_id, call.queue, call.queued_at) == ("u1", "support", arrived)
        assert Answer() not in media.done  # not sent to the IVR again
        assert SetVariable(HANDBACK_VARIABLE, call.handback or "") in media.done
        assert await desk.router.position("u1") == 1
