"""Calls an earlier engine process left in ``live_calls`` (it crashed, or stopped with callers on
the line), dealt with once Asterisk has said which channels are live (the AMI resync):

- the channel is gone: the call ended while no engine watched. Its interaction is written once, as
  the ending path would have: answered with its agent if it was connected, else abandoned (or the
  outcome noted in the IVR). Its end is when this engine found out: the resync.
- the channel is live and was connected to an agent: the call is taken back into the registry,
  connected to that agent and channel, so its Hangup ends it like any other call (interaction once,
  with the agent; ``CallEnded`` also closes its recording's index row).
- the channel is live and was ringing an agent: if the caller is (or gets) bridged, the agent
  answered while no engine watched: taken back as connected, answered when this engine found out.
- the channel is live and the caller was in the IVR or waiting: the caller comes back through the
  dialplan's ``resume`` route to whichever engine answers it. Once that channel hangs up, and a few
  seconds later neither an engine took the call (the row would be its own) nor an interaction was
  written, it is written as abandoned here.

Writing checks, in the same transaction, that the row is still the one read and that no interaction
has that reference: two engines, or this one and the normal ending path, never write one call twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError
from acd.records import ItemStatus
from callcenter.calls.endings import EndedCall
from callcenter.calls.interactions import interaction_record
from callcenter.calls.live_journal import LiveCallJournal
from callcenter.calls.registry import LiveCall
from callcenter.calls.service import CallService
from callcenter.contacts.lifecycle import WITH_AGENT
from callcenter.contacts.model import ContactKind, ContactState, ContactStatus, Direction, Outcome
from callcenter.db_retry import in_transaction
from callcenter.events import CallEnded
from crm_core.interactions import InteractionLog
from crm_core.live_calls import SavedLiveCall, load_live_calls, settle_live_call

log = logging.getLogger(__name__)

Clock = Callable[[], float]
T = TypeVar("T")
# After a waiting caller's Hangup: time for the engine that took them back to end the call itself.
SETTLE_S = 2.0


def outcome_of(left: SavedLiveCall) -> str:
    """How a call that ended unseen ends: as :meth:`CallEndings._outcome` would have had it."""
    if left.phase in WITH_AGENT:
        return Outcome.ANSWERED.value
    if left.outcome:
        return left.outcome
    if left.direction == Direction.OUTBOUND.value:
        return Outcome.NOT_ANSWERED.value
    return Outcome.ABANDONED.value if left.queue else Outcome.ENDED_IN_IVR.value


def ended_call(left: SavedLiveCall, ended_at: float) -> EndedCall:
    outcome = outcome_of(left)
    answered = outcome == Outcome.ANSWERED.value
    return EndedCall(
        uniqueid=left.interaction_ref,
        caller_number=left.caller_number,
        dialed=left.dialed,
        queue=left.queue,
        agent_id=left.agent_id if answered or left.direction == "outbound" else None,
        started_at=left.started_at,
        answered_at=left.answered_at,
        ended_at=ended_at,
        outcome=outcome,
        ivr_digits=tuple(left.ivr_digits),
        recording_path=left.recording_path,
        direction=left.direction,
    )


def adopted_call(left: SavedLiveCall, now: float) -> LiveCall:
    """The registry's call for a row whose caller is still connected to its agent."""
    call = LiveCall(
        uniqueid=left.uniqueid,
        channel=left.channel,
        caller_number=left.caller_number,
        caller_name=left.caller_name,
        dialed=left.dialed,
        started_at=left.started_at,
        queue=left.queue,
        agent_id=left.agent_id,
        agent_channel=left.agent_channel,
        queued_at=left.queued_at,
        answered_at=left.answered_at,
        ivr_digits=list(left.ivr_digits),
        recording_path=left.recording_path,
    )
    held = left.phase == ContactStatus.HELD.value
    call.contact = ContactState(
        ContactKind.CALL,
        Direction(left.direction),
        ContactStatus.HELD if held else ContactStatus.CONNECTED,  # a consultation is not taken back
        left.answered_at or now,
        transfers=left.transfers,
        outcome=Outcome.ANSWERED,  # no ACD item: the ending reads the outcome noted here
    )
    return call


class LiveCallRecovery:
    def __init__(
        self,
        service: CallService,
        journal: LiveCallJournal,
        db: sessionmaker[Session],
        default_region: str,
        settle_s: float = SETTLE_S,
    ) -> None:
        self._service = service
        self._journal = journal
        self._db = db
        self._log = InteractionLog(default_region=default_region)
        self._settle_s = settle_s
        # Waiting callers of an earlier process: channel -> (row, when its Hangup was seen).
        self._waiting: dict[str, tuple[SavedLiveCall, float | None]] = {}
        self.settled: list[str] = []  # the references written here, newest last (for the logs, tests)
        self._threads: set[asyncio.Future[Any]] = set()

    async def resynced(
        self, live_channels: set[str], bridged: Mapping[str, str | None] | None = None
    ) -> None:
        """Before :meth:`CallService.resynced`: deal with every row an earlier process left.
        ``bridged``: the live channels in a bridge, each with the other channel of its bridge."""
        bridged = bridged or {}
        rows = await self._in_thread(self._load)
        mine = self._journal.engine
        for left in rows:
            if left.engine == mine or self._service.calls.get(left.uniqueid) is not None:
                continue
            if left.channel not in live_channels:
                await self._settle(left)
            elif left.phase in WITH_AGENT:
                await self._adopt(left)
            elif left.channel in bridged and (answered := await self._answered(left, bridged[left.channel])):
                await self._adopt(answered)
            elif left.channel not in self._waiting:
                self._waiting[left.channel] = (left, None)
        now = self._service.clock()
        for channel, (left, hung_up) in list(self._waiting.items()):
            if channel not in live_channels and hung_up is None:
                self._waiting[channel] = (left, now)
        if rows:
            log.info("live calls of an earlier process checked", extra={"rows": len(rows)})

    async def _in_thread(self, work: Callable[[], T]) -> T:
        """``work`` in a worker thread that a cancelled caller (the tracker, at a stop) does not
        abandon: :meth:`close` waits for it before the engine disposes of the database."""
        future = asyncio.ensure_future(asyncio.to_thread(work))
        self._threads.add(future)
        future.add_done_callback(self._threads.discard)
        return await asyncio.shield(future)

    async def close(self) -> None:
        if self._threads:
            await asyncio.wait(self._threads)

    def _load(self) -> list[SavedLiveCall]:
        with self._db() as session:
            return load_live_calls(session)

    async def _adopt(self, left: SavedLiveCall) -> None:
        call = adopted_call(left, self._service.clock())
        self._service.calls.add(call)
        self._journal.claim(left)
        await self._link_item(call)
        log.info(
            "connected call taken back from an earlier process",
            extra={"uniqueid": left.uniqueid, "agent": left.agent_id, "from_engine": left.engine},
        )

    async def _link_item(self, call: LiveCall) -> None:
        """With a store that outlived the engine (Redis), the call's item is still there, held by its
        agent: linked, so the call's end completes it and frees the agent (else busy for ever). An
        offer the agent answered while no engine watched is accepted first."""
        record = await self._service.router.item(call.uniqueid)
        if record is None or record.agent_id != call.agent_id:
            return
        if record.status is ItemStatus.OFFERED and record.offer_id is not None:
            try:
                await self._service.router.accept(record.offer_id)
            except AcdError as exc:
                log.warning(
                    "offer answered unseen not accepted", extra={"uniqueid": call.uniqueid, "error": str(exc)}
                )
                return
        self._service.calls.link_item(call, record.item_id)

    async def _settle(self, left: SavedLiveCall) -> bool:
        """Writes the interaction of a call that ended unseen, unless an engine did: True if here."""
        ended = ended_call(left, self._service.clock())
        record = interaction_record(ended)

        def work(session: Session) -> bool:
            return settle_live_call(session, left, lambda s: self._log.record(s, record))

        try:
            written = await self._in_thread(lambda: in_transaction(self._db, work))
        except Exception:
            log.exception(
                "could not write the interaction of a call left by a crash", extra={"ref": ended.uniqueid}
            )
            return False
        if not written:
            return False
        self.settled.append(ended.uniqueid)
        log.info(
            "call that ended while no engine watched written",
            extra={"ref": ended.uniqueid, "outcome": ended.outcome, "from_engine": left.engine},
        )
        self._service.recent.appendleft(ended)
        self._service.publish(
            CallEnded(ended.agent_id, left.uniqueid, left.queue, ended.outcome, ended.ended_at)
        )
        return True

    async def bridged(self, channel: str, agent_channel: str | None) -> None:
        """A channel entered a bridge (from the call tracker, for channels not in the registry): a
        caller of an earlier process whose agent answered after the engine died?"""
        waiting = self._waiting.get(channel)
        if waiting is None or (answered := await self._answered(waiting[0], agent_channel)) is None:
            return
        del self._waiting[channel]
        await self._adopt(answered)

    async def _answered(self, left: SavedLiveCall, peer: str | None) -> SavedLiveCall | None:
        """A caller in a bridge whose row does not say connected: the agent answered while no engine
        watched, or the engine died before its journal wrote the answer (it writes every few hundred
        ms). The agent is the row's (ringing) or the one the ACD's item names (a shared store); with
        neither, None: the call stays a waiting caller's."""
        agent_id = left.agent_id if left.phase == ContactStatus.RINGING.value else None
        if agent_id is None:
            record = await self._service.router.item(left.uniqueid)
            agent_id = record.agent_id if record is not None else None
        if agent_id is None:
            return None
        return replace(
            left,
            phase=ContactStatus.CONNECTED.value,
            agent_id=agent_id,
            agent_channel=peer or (left.agent_channel if agent_id == left.agent_id else None),
            answered_at=left.answered_at or self._service.clock(),
        )

    def hung_up(self, channel: str) -> None:
        """A channel's Hangup (from the call tracker, in order): a waiting caller of an earlier process?"""
        if channel in self._waiting:
            left, _ = self._waiting[channel]
            self._waiting[channel] = (left, self._service.clock())

    async def tick(self) -> None:
        """Write the waiting callers who hung up ``settle_s`` ago and were taken back by nobody."""
        now = self._service.clock()
        for channel, (left, hung_up) in list(self._waiting.items()):
            if hung_up is None or now - hung_up < self._settle_s:
                continue
            del self._waiting[channel]
            # The row's check tells whether another engine took it; if none did, its item (a shared
            # store) would be offered to an agent for a caller who is gone.
            if self._service.calls.get(left.uniqueid) is None and await self._settle(left):
                await self._service.router.drop_items([left.uniqueid])

    async def run(self, every_s: float = 0.5) -> None:
        while True:
            await asyncio.sleep(every_s)
            await self.tick()
