"""The engine's live calls kept in the database (``crm_core.live_calls``), so that a call live at a
crash is known to the next process: its interaction is written then, or the call taken back
(:mod:`callcenter.calls.live_recovery`).

Write-behind like the agent-state journal: the event loop never waits for the database. Every
``flush_s`` the journal compares the call registry with what it last wrote (calls change in many
places, the IVR's arrival publishes nothing; a comparison sees every change) and a worker thread
upserts what changed. A call that left the registry loses its row only once its interaction is in
the CRM (the normal ending path writes it just after): a crash in between leaves the row, and the
next process writes the interaction. A callback leg whose agent never answered writes no
interaction; its row goes at once.

Closing writes what changed and stops: the calls still in the registry keep their rows, since a
stop is also a restart and Asterisk keeps the callers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.registry import LiveCall
from callcenter.contacts.model import ContactStatus
from callcenter.db_retry import in_transaction
from callcenter.write_behind import WriteBehind
from crm_core.limits import NAME
from crm_core.limits import PHONE_RAW as PHONE
from crm_core.live_calls import SavedLiveCall, delete_live_calls, interactions_written, save_live_calls

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# A call gone from the registry whose interaction is still not there after this long: the write
# failed (logged where it failed). The row is left for the next start to write it.
GIVE_UP_S = 30.0


def engine_id() -> str:
    """This process, as written in each row: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def saved_of(call: LiveCall, engine: str) -> SavedLiveCall:
    return SavedLiveCall(
        uniqueid=call.uniqueid,
        channel=call.channel,
        # As Asterisk gave them: longer than a column would fail the whole write on PostgreSQL.
        caller_number=call.caller_number[:PHONE],
        caller_name=call.caller_name[:NAME],
        dialed=call.dialed[:PHONE],
        direction=call.direction,
        started_at=call.started_at,
        queue=call.queue,
        agent_id=call.agent_id,
        agent_channel=call.agent_channel,
        queued_at=call.queued_at,
        answered_at=call.answered_at,
        phase=call.contact.status.value,
        transfers=call.transfers,
        ivr_digits="".join(call.ivr_digits)[:64],
        outcome=call.outcome,
        recording_path=call.recording_path,
        engine=engine,
        updated_at=0.0,  # set when written; not part of the comparison
    )


def _key(call: LiveCall) -> tuple[object, ...]:
    """What the row holds that changes during a call (cheaper to compare than a whole row)."""
    return (
        call.channel,
        call.contact.status,
        call.contact.transfers,
        call.contact.outcome,
        call.queue,
        call.agent_id,
        call.agent_channel,
        call.queued_at,
        call.answered_at,
        len(call.ivr_digits),
        call.recording_path,
    )


def _no_interaction_due(saved: SavedLiveCall) -> bool:
    """An outbound leg that never connected (a callback the agent did not answer) is dropped
    without an interaction."""
    return saved.direction == "outbound" and saved.phase == ContactStatus.RINGING.value


class LiveCallJournal:
    def __init__(
        self,
        db: sessionmaker[Session],
        calls: Callable[[], list[LiveCall]],
        clock: Clock,
        engine: str,
        flush_s: float = 0.3,
    ) -> None:
        self._db = db
        self._calls = calls
        self._clock = clock
        self.engine = engine
        self._written: dict[str, SavedLiveCall] = {}  # uniqueid -> as last written
        self._keys: dict[str, tuple[object, ...]] = {}  # uniqueid -> its _key when last compared
        self._gone: dict[str, tuple[SavedLiveCall, float]] = {}  # left the registry, row still there
        self._writer = WriteBehind(self.flush, flush_s, "live-call-journal")
        self._closed = False

    def start(self) -> None:
        self._writer.wake()

    def claim(self, saved: SavedLiveCall) -> None:
        """A call an earlier process left is ours now (re-adopted): its row is rewritten as ours."""
        self._written[saved.uniqueid] = saved

    async def flush(self) -> None:
        if self._closed:
            return
        changed = self._changes()
        if not changed and not self._gone:
            return
        now = self._clock()
        # The keys as the rows are written: the calls may change while the thread writes.
        keys = [_key(call) for call in changed]
        upserts = [replace(saved_of(call, self.engine), updated_at=now) for call in changed]
        gone = [saved for saved, _ in self._gone.values()]
        try:
            done = await asyncio.to_thread(in_transaction, self._db, lambda s: self._write(s, upserts, gone))
        except Exception:
            # Calls go on from memory; the next flush tries again.
            log.exception("could not write live calls; retrying", extra={"calls": len(upserts)})
            return
        for key, saved in zip(keys, upserts, strict=True):
            self._written[saved.uniqueid] = saved
            self._keys[saved.uniqueid] = key
        for uniqueid in done:
            self._gone.pop(uniqueid, None)
        self._give_up(now)

    def _changes(self) -> list[LiveCall]:
        """The live calls not written as they are now; those gone from the registry move to ``_gone``."""
        now = self._clock()
        live = {c.uniqueid: c for c in self._calls() if c.channel and c.contact.live}
        for uid in [uid for uid in self._written if uid not in live]:
            self._gone[uid] = (self._written.pop(uid), now)
            self._keys.pop(uid, None)
        for uid in [uid for uid in self._gone if uid in live]:
            del self._gone[uid]  # back in the registry: live again
        return [c for uid, c in live.items() if self._keys.get(uid) != _key(c)]

    @staticmethod
    def _write(session: Session, upserts: list[SavedLiveCall], gone: list[SavedLiveCall]) -> list[str]:
        save_live_calls(session, upserts)
        written = interactions_written(session, [s.interaction_ref for s in gone])
        done = [s.uniqueid for s in gone if s.interaction_ref in written or _no_interaction_due(s)]
        delete_live_calls(session, done)
        return done

    def _give_up(self, now: float) -> None:
        for uid, (saved, since) in list(self._gone.items()):
            if now - since > GIVE_UP_S:
                log.warning(
                    "ended call has no interaction; its row is left for the next start",
                    extra={"uniqueid": uid, "ref": saved.interaction_ref},
                )
                del self._gone[uid]

    async def close(self) -> None:
        """Write the last changes and stop (rows of calls still live stay)."""
        await self._writer.close()
        self._closed = True
