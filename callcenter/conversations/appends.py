"""Messages appended in batches: the appends that arrive while one transaction runs are written
together by the next (a message with files in its own SAVEPOINT).

One transaction per message left the writers of 200 messages a second queueing for SQLite's write
lock (it polls: a waiting writer sleeps and retries) and for the worker threads, and the relay's
latency grew without bound (``bench/chat_bench.py``). Written by one task, one transaction at a time,
the messages cost a lock, a commit and a thread hand-off per batch instead.

The guarantees are those of :func:`crm_core.conversations.append`, which still allocates each
``seq`` in the database: no gap, no duplicate, one message per ``client_id``. Each caller is answered
only after the transaction holding its message committed; a message refused (the conversation
closed: nothing written yet; an unknown attachment: its SAVEPOINT rolled back) refuses no other; a
transaction that fails fails every message of its batch, none of which was stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from callcenter.db_retry import in_transaction
from crm_core import conversations as db
from crm_core.errors import CrmError

MAX_BATCH: Final = 100


@dataclass(frozen=True, slots=True)
class _Append:
    conversation_id: str
    message: db.NewMessage
    statuses: tuple[str, ...]
    answer: asyncio.Future[db.Appended]


def _append_all(session: Session, batch: Sequence[_Append]) -> list[db.Appended | CrmError]:
    outcomes: list[db.Appended | CrmError] = []
    for item in batch:
        try:
            if item.message.attachment_ids:  # refused after its rows were written: roll them back
                with session.begin_nested():
                    outcomes.append(db.append(session, item.conversation_id, item.message, item.statuses))
            else:  # refused (closed) before writing anything: no SAVEPOINT (a quarter of the CPU)
                outcomes.append(db.append(session, item.conversation_id, item.message, item.statuses))
        except CrmError as exc:
            outcomes.append(exc)
    return outcomes


class AppendBatches:
    def __init__(self, sessions: sessionmaker[Session], max_batch: int = MAX_BATCH) -> None:
        self._sessions = sessions
        self._max = max_batch
        self._pending: list[_Append] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(
        self, conversation_id: str, message: db.NewMessage, statuses: Sequence[str]
    ) -> db.Appended:
        """As :func:`crm_core.conversations.append` (raises its :class:`CrmError`), once committed."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[db.Appended] = loop.create_future()
        self._pending.append(_Append(conversation_id, message, tuple(statuses), answer))
        if self._writer is None:
            self._writer = loop.create_task(self._write_pending(), name="conversation-appends")
        return await answer

    async def _write_pending(self) -> None:
        batch: list[_Append] = []
        try:
            while self._pending:
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                await self._write(batch)
        finally:
            self._writer = None
            for item in (*batch, *self._pending):  # only when the task itself was cancelled
                item.answer.cancel()
            self._pending = []

    async def _write(self, batch: list[_Append]) -> None:
        def work(session: Session) -> list[db.Appended | CrmError]:
            return _append_all(session, batch)

        try:
            outcomes = await asyncio.to_thread(in_transaction, self._sessions, work)
        except Exception as exc:
            for item in batch:
                if not item.answer.done():
                    item.answer.set_exception(exc)
            return
        for item, outcome in zip(batch, outcomes, strict=True):
            if item.answer.done():  # the caller went away; its message is stored all the same
                continue
            if isinstance(outcome, CrmError):
                item.answer.set_exception(outcome)
            else:
                item.answer.set_result(outcome)
