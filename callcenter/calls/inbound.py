"""FastAGI routes for voice calls: ``ivr`` (a caller arrives) and ``connect-failed``.

Without IVR flows (``ivr.use_flows: false``) a fixed menu answers, plays a greeting, reads one
digit (1 sales, 2 support, anything else or nothing: the default queue) and queues the caller,
who then waits on music on hold (:mod:`callcenter.caller_media`; in Asterisk, inside the AGI session). The IVR
flow interpreter replaces the menu part.

The connect context of the dialplan hands a caller back here when the agent's phone was
busy or did not answer (``AGI(agi://engine/connect-failed,${DIALSTATUS},${EXTEN})``):
the caller goes back to the queue at the original place and waits again. An engine that does not
know the caller (it restarted after the Redirect) reads their place from the hand-back variable
(:mod:`callcenter.calls.handback`). A queue that does not exist means the default queue, which the
composition root sets to a queue that exists.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.errors import UnknownQueue
from callcenter.caller_media import CallerMedia, MediaFailed
from callcenter.calls.endings import Clock
from callcenter.calls.flow_ivr import FlowIvr
from callcenter.calls.handback import HANDBACK_VARIABLE, QueuedState
from callcenter.calls.hold_options import WaitingOptions
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService, hold_until_moved
from callcenter.calls.voicemail_taker import VoicemailTaker
from callcenter.contacts import lifecycle
from ivr_flows.errors import CallerGone, PromptMissing
from ivr_flows.outcome import CallbackOffer, CallerLeft, Hangup, Queue, Transfer, Voicemail

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InboundOptions:
    """How inbound callers are greeted, held and sent on: the fixed menu's prompt and digits (used
    without IVR flows), the default queue, music on hold, position announcements, the trunk."""

    greeting_prompt: str = "hello-world"
    digit_timeout_ms: int = 5000
    queues_by_digit: Mapping[str, str] = field(default_factory=lambda: {"1": "sales", "2": "support"})
    default_queue: str = "general"
    hold_class: str = "default"
    hold_segment_s: int = 20
    outbound_trunk: str = "pstn-out"
    announce_position: bool = True


def _arriving(media: CallerMedia, dialed: str, started_at: float) -> LiveCall:
    """The call of the channel the engine was handed."""
    arrival = media.arrival
    return LiveCall(
        uniqueid=arrival.uniqueid,
        channel=arrival.channel,
        caller_number=arrival.caller_number,
        caller_name=arrival.caller_name,
        dialed=dialed,
        started_at=started_at,
    )


class InboundCalls:
    def __init__(
        self,
        service: CallService,
        clock: Clock,
        menu: InboundOptions,
        flows: FlowIvr | None = None,
        waiting_options: WaitingOptions | None = None,
    ) -> None:
        self._service = service
        self._clock = clock
        self._menu = menu
        self._flows = flows
        self._waiting_options = waiting_options
        # Records a caller's message (set by the engine once the conversation service exists).
        self.voicemail: VoicemailTaker | None = None

    async def on_ivr(self, media: CallerMedia) -> None:
        arrival = media.arrival
        call = self._service.calls.add(
            _arriving(media, arrival.args[0] if arrival.args else arrival.extension, self._clock())
        )
        log.info("caller entered the IVR", extra={"uniqueid": call.uniqueid, "caller": call.caller_number})
        self._service.look_up_caller_early(call)
        if self._flows is not None and self._flows.has_flow(call.dialed):
            await self._run_flow(media, call, self._flows)
            return
        try:
            queue = await self._menu_choice(media, call)
        except CallerGone:
            await self._service.channel_hung_up(call.channel)
            return
        except (MediaFailed, PromptMissing):
            # Our IVR broke, not the caller: never leave them in silence, queue them.
            log.exception(
                "IVR failed; sending the caller to the default queue", extra={"uniqueid": call.uniqueid}
            )
            queue = self._menu.default_queue
        await self._enqueue(call, queue)
        await self._hold(media, call)

    async def _run_flow(self, media: CallerMedia, call: LiveCall, flows: FlowIvr) -> None:
        try:
            await media.answer()
            outcome = await flows.run(media, call.caller_number, call.dialed)
        except CallerGone:
            await self._service.channel_hung_up(call.channel)
            return
        except Exception:
            # The interpreter has its own safety net; this is the last one: queue, never silence.
            log.exception("IVR flow crashed; queueing the caller", extra={"uniqueid": call.uniqueid})
            outcome = None
        if outcome is not None:
            call.ivr_digits.extend(outcome.digits)
            call.language = outcome.variables.get("language")
        action = outcome.action if outcome is not None else Queue(self._menu.default_queue)
        if isinstance(action, CallerLeft):
            await self._service.channel_hung_up(call.channel)
            return
        if isinstance(action, CallbackOffer):
            # The caller keeps their place as a callback item and leaves the line (calls.callbacks);
            # when that cannot be done (or an agent is free at once) they wait on the line as a call.
            callbacks = self._service.callbacks
            if callbacks is not None and await callbacks.from_ivr(call, action.queue, action.number):
                try:
                    await media.hangup()
                except (CallerGone, MediaFailed):
                    log.debug("caller gone before the hang-up", extra={"uniqueid": call.uniqueid})
                await self._service.channel_hung_up(call.channel)
                return
            if call.phase is CallPhase.IVR:
                await self._enqueue(call, action.queue)
            await self._hold(media, call)
            return
        if isinstance(action, Queue):
            await self._enqueue(call, action.name, float(action.priority), action.skills)
            await self._hold(media, call)
            return
        if isinstance(action, Voicemail):
            await self._take_voicemail(media, call, action.mailbox)
            return
        call.outcome = "transferred" if isinstance(action, Transfer) else "ended_in_ivr"
        try:
            if isinstance(action, Transfer):
                await media.dial_number(action.number, self._menu.outbound_trunk)
            elif isinstance(action, Hangup):
                await media.hangup()
        except CallerGone:
            pass
        await self._service.channel_hung_up(call.channel)

    async def _take_voicemail(self, media: CallerMedia, call: LiveCall, mailbox: str) -> None:
        """The engine records the message (the flow played its prompt); when that fails on our
        side the caller waits in the mailbox's queue instead of hearing silence."""
        call.outcome = "voicemail"
        queue = self._menu.default_queue
        if self.voicemail is not None:
            fallback = await self.voicemail.take(media, call, mailbox, intro=False)
            if fallback is None:
                await self._service.channel_hung_up(call.channel)
                return
            queue = fallback
        else:
            log.error("no voicemail recorder; queueing the caller", extra={"uniqueid": call.uniqueid})
        call.outcome = None
        await self._enqueue(call, queue)
        await self._hold(media, call)

    async def _menu_choice(self, media: CallerMedia, call: LiveCall) -> str:
        await media.answer()
        digit = await media.play(self._menu.greeting_prompt, "0123456789#*")
        digit = digit or await media.wait_for_digit(self._menu.digit_timeout_ms)
        if digit:
            call.ivr_digits.append(digit)
        return self._menu.queues_by_digit.get(digit or "", self._menu.default_queue)

    async def _hold(self, media: CallerMedia, call: LiveCall) -> None:
        if not await self._leave_handback(media, call):
            return

        async def one_segment() -> None:
            options = self._waiting_options
            if options is not None and options.offered(call):  # keys heard, hold_options
                await options.segment(media, call, self._announce_position)
                return
            await self._announce_position(media, call)
            await media.music_on_hold(self._menu.hold_class, self._menu.hold_segment_s)

        await hold_until_moved(one_segment, call)

    async def _leave_handback(self, media: CallerMedia, call: LiveCall) -> bool:
        """The caller's place on their own channel before they wait, so that whichever engine takes
        them back after a crash (the ``resume`` route) queues them at the same place. False: the
        caller left meanwhile."""
        if call.handback is None or call.handback == call.handback_on_channel:
            return True
        try:
            await media.set_variable(HANDBACK_VARIABLE, call.handback)
        except CallerGone:
            return False  # gone or Redirected to an agent already: nothing to hold
        except MediaFailed:
            log.warning("could not leave the hand-back on the channel", extra={"uniqueid": call.uniqueid})
            return True
        call.handback_on_channel = call.handback
        return True

    async def on_resume(self, media: CallerMedia) -> None:
        """A caller whose FastAGI session ended without the engine's mark (an engine died, fact 19)
        comes back through the crash-safe dialplan. Known to this engine: they wait again. Unknown:
        queued at the place left on their channel; in the IVR when they died there (no place
        yet): the IVR from the start. Never a hang-up."""
        arrival = media.arrival
        call = self._service.calls.get(arrival.uniqueid)
        if call is not None and call.phase is not CallPhase.ENDED:
            log.warning("caller came back to the engine that has them", extra={"uniqueid": call.uniqueid})
            if call.item_id is None:
                await self._enqueue(call, self._menu.default_queue)
            await self._hold(media, call)
            return
        dialed = arrival.args[0] if arrival.args else ""
        state = await self._handed_back_state(media, self._clock())
        if state is None and dialed and not await self._service.has_item(arrival.uniqueid):
            log.info(
                "caller taken back from the IVR; starting it again", extra={"uniqueid": arrival.uniqueid}
            )
            await self.on_ivr(media)
            return
        await self._hold(media, await self._take_back(media, state))

    async def _announce_position(self, media: CallerMedia, call: LiveCall, keys: str = "") -> str | None:
        """ "There are N calls waiting" between hold segments (stock Asterisk queue sounds).

        Skipped when the caller is being offered already or the router cannot tell; an
        ``CallerGone`` here (redirect or hangup) ends the hold like one during the music.
        A key in ``keys`` stops it and is returned.
        """
        if not self._menu.announce_position or call.item_id is None or call.phase is not CallPhase.QUEUED:
            return None
        position = await self._service.position(call.item_id)
        if position is None:
            return None
        if position <= 1:
            return await media.play("queue-youarenext", keys)
        return (
            await media.play("queue-thereare", keys)
            or await media.say_number(position - 1, keys)
            or await media.play("queue-callswaiting", keys)
        )

    async def on_transfer(self, media: CallerMedia) -> None:
        """A caller an agent transferred (``agent_calls``): dial the number, or wait in the queue."""
        call = self._service.calls.get(media.arrival.uniqueid)
        if call is None:
            # Not a call we know (engine restarted?): the safe path is a queue, never a hangup.
            await self.on_connect_failed(media)
            return
        number, call.transfer_number = call.transfer_number, None
        if number is not None:
            call.outcome = "transferred_out"
            try:
                status = await media.dial_number(number, self._menu.outbound_trunk)
            except CallerGone:
                await self._service.channel_hung_up(call.channel)
                return
            except MediaFailed:
                log.exception("dialing the transfer number failed", extra={"uniqueid": call.uniqueid})
                status = "ERROR"
            if status == "ANSWER":
                await self._service.channel_hung_up(call.channel)
                return
            log.warning(
                "transfer to a number failed; the caller goes back to the queue",
                extra={"uniqueid": call.uniqueid, "number": number, "status": status},
            )
            call.outcome = None
            await self._enqueue(call, call.queue or self._menu.default_queue)
        await self._hold(media, call)

    async def on_connect_failed(self, media: CallerMedia) -> None:
        arrival = media.arrival
        dial_status = arrival.args[0] if arrival.args else "UNKNOWN"
        call = self._service.calls.get(arrival.uniqueid)
        if call is None:
            call = await self._take_back(media, await self._handed_back_state(media, self._clock()))
        else:
            call.contact = lifecycle.requeue(call.contact, self._clock())
            await self._service.agent_dial_failed(call, dial_status)
        await self._hold(media, call)

    async def _take_back(self, media: CallerMedia, state: QueuedState | None) -> LiveCall:
        """A caller this engine does not know (it restarted after the Redirect, or the engine
        holding them died): their queue, skills, priority and entry time come from the hand-back
        variable left on the channel; without a readable one, the default queue. Never a hang-up."""
        now = self._clock()
        call = self._service.calls.add(
            _arriving(
                media,
                state.dialed if state is not None and state.dialed else media.arrival.extension,
                state.started_at if state is not None else now,
            )
        )
        if await self._service.reattach(call):
            return call  # its item outlived the engine that queued it: same place
        if state is None:
            log.warning("unknown call handed back; queueing it", extra={"uniqueid": call.uniqueid})
            await self._enqueue(call, self._menu.default_queue)
            return call
        log.info(
            "call handed back to a new engine; queued at its place",
            extra={"uniqueid": call.uniqueid, "queue": state.queue, "waited_s": round(now - state.queued_at)},
        )
        await self._enqueue(call, state.queue, state.priority, state.skills, state.queued_at)
        return call

    async def _handed_back_state(self, media: CallerMedia, now: float) -> QueuedState | None:
        try:
            value = await media.handback()
            return QueuedState.decode(value, now) if value is not None else None
        except (CallerGone, MediaFailed, ValueError) as exc:
            log.warning(
                "hand-back variable unreadable; using the default queue",
                extra={"uniqueid": media.arrival.uniqueid, "error": str(exc)},
            )
            return None

    async def _enqueue(
        self,
        call: LiveCall,
        queue: str,
        priority: float = 0.0,
        skills: tuple[tuple[str, int], ...] = (),
        queued_at: float | None = None,
    ) -> None:
        """Queue the caller; a queue that does not exist (any more) means the default queue, with
        the caller's priority and entry time but not the missing queue's skills."""
        try:
            await self._service.enqueue(call, queue, priority, skills, queued_at)
        except UnknownQueue:
            fallback = self._menu.default_queue
            if queue == fallback:
                raise
            log.warning(
                "queue does not exist; the caller goes to the default queue",
                extra={"uniqueid": call.uniqueid, "queue": queue, "fallback": fallback},
            )
            await self._service.enqueue(call, fallback, priority, (), call.queued_at)
