"""How a voice call ends: the router hears of it (completed or abandoned), the desktops get
``CallEnded``, the interaction is written. The base of :class:`callcenter.calls.service.CallService`,
which holds the rest of a call's life."""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from acd.errors import AcdError
from acd.router import Router
from callcenter.calls.registry import CallPhase, CallRegistry, LiveCall
from callcenter.contacts import lifecycle
from callcenter.contacts.model import Outcome
from callcenter.events import CallEnded
from callcenter.pbx import PbxChannelGone, PbxError, PbxPort

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Publish = Callable[[object], None]


@dataclass(frozen=True, slots=True)
class EndedCall:
    """What the interaction writer gets when a call is over (times are epoch seconds)."""

    uniqueid: str
    caller_number: str
    dialed: str
    queue: str | None
    agent_id: str | None
    started_at: float
    answered_at: float | None
    ended_at: float
    outcome: str
    ivr_digits: tuple[str, ...]
    recording_path: str | None = None
    direction: str = "inbound"


InteractionSink = Callable[[EndedCall], Awaitable[None]]


class CallEndings:
    def __init__(
        self,
        router: Router,
        control: PbxPort,
        clock: Clock,
        record_interaction: InteractionSink,
        publish: Publish,
    ) -> None:
        self.router = router
        self.control = control
        self.calls = CallRegistry()
        self._clock = clock
        self._record_interaction = record_interaction
        self._publish = publish
        self.recent: deque[EndedCall] = deque(maxlen=50)
        # (uniqueid, agent) -> the interaction that agent wraps up (a transferred call has several).
        self._interaction_refs: OrderedDict[tuple[str, str], str] = OrderedDict()

    def interaction_ref(self, uniqueid: str, agent_id: str) -> str:
        """The reference of the interaction ``agent_id`` handled in call ``uniqueid``."""
        return self._interaction_refs.get((uniqueid, agent_id), uniqueid)

    async def remove_waiting(self, call: LiveCall) -> bool:
        """A supervisor takes a (stuck) waiting caller out of the queue: the item leaves as
        abandoned, and a channel Asterisk still has is hung up, so nobody stays on hold with no
        place in a queue. True when a live channel was hung up."""
        await self._end_call(call)  # first: nothing can offer it meanwhile; its Hangup finds no call
        try:
            await self.control.hangup(call.channel)
        except PbxChannelGone:
            return False
        except PbxError as exc:
            # The hold loop lets the ended call go after its segment; the dialplan then hangs up.
            log.warning("removed caller not hung up", extra={"uniqueid": call.uniqueid, "error": str(exc)})
            return False
        return True

    async def channel_hung_up(self, channel: str) -> None:
        call = self.calls.by_channel(channel)
        if call is None or call.phase is CallPhase.ENDED:
            return
        await self._end_call(call)

    @staticmethod
    def _outcome(call: LiveCall, previous: CallPhase) -> Outcome:
        if call.direction == "outbound":
            return Outcome.ANSWERED if previous is CallPhase.TALKING else Outcome.NOT_ANSWERED
        if call.item_id:
            return Outcome.ANSWERED if previous is CallPhase.TALKING else Outcome.ABANDONED
        return call.contact.outcome or Outcome.ENDED_IN_IVR

    async def _end_call(self, call: LiveCall) -> None:
        if not call.contact.live:
            return  # a call ends once (its Hangup may arrive while a Redirect finds it gone)
        previous = call.phase
        call.ended_at = self._clock()
        call.contact = lifecycle.end(call.contact, self._outcome(call, previous), call.ended_at)
        try:
            if call.item_id and (call.direction == "outbound" or previous is CallPhase.TALKING):
                await self.router.complete(call.item_id)
            elif call.item_id:
                await self.router.abandon(call.item_id)
        except AcdError as exc:
            log.warning(
                "router refused the end of a call", extra={"uniqueid": call.uniqueid, "error": str(exc)}
            )
        self.calls.remove(call)
        log.info("call ended", extra={"uniqueid": call.uniqueid, "outcome": call.outcome})
        agent = call.agent_id if previous is CallPhase.TALKING or call.direction == "outbound" else None
        self._publish(CallEnded(agent, call.uniqueid, call.queue, call.outcome or "unknown", call.ended_at))
        await self._write(call)

    async def _write(self, call: LiveCall) -> None:
        ended = EndedCall(
            uniqueid=call.interaction_ref,
            caller_number=call.caller_number,
            dialed=call.dialed,
            queue=call.queue,
            agent_id=call.agent_id if call.outcome == "answered" or call.direction == "outbound" else None,
            started_at=call.started_at,
            answered_at=call.answered_at,
            ended_at=call.ended_at or self._clock(),
            outcome=call.outcome or "unknown",
            ivr_digits=tuple(call.ivr_digits),
            recording_path=call.recording_path,
            direction=call.direction,
        )
        await self.write_ended(ended, call.uniqueid)

    async def write_ended(self, ended: EndedCall, uniqueid: str) -> None:
        """Store one agent's part of a call (or the whole call) as an interaction."""
        if ended.agent_id:
            self._interaction_refs[(uniqueid, ended.agent_id)] = ended.uniqueid
            while len(self._interaction_refs) > 10_000:
                self._interaction_refs.popitem(last=False)
        self.recent.appendleft(ended)
        try:
            await self._record_interaction(ended)
        except Exception:
            log.exception("could not store the interaction", extra={"uniqueid": uniqueid})
