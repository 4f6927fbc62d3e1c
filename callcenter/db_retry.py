"""One database transaction, tried again when the database says "busy" (for worker threads).

On SQLite (WAL) a transaction that read first and then writes fails at once with "database is
locked" when another connection committed in between: the busy timeout does not help there. Two
writers at the same moment (a call's interaction and its callback's row, for example) are normal
in the engine, so these transactions are simply run again from the start, a few times.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")


def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T], attempts: int = 5) -> T:
    """``work(session)`` in one committed transaction; blocking (call it in a worker thread)."""
    for attempt in range(1, attempts + 1):
        try:
            with sessions.begin() as session:
                return work(session)
        except OperationalError as exc:
            if attempt == attempts:
                raise
            log.info(
                "database busy; trying the transaction again", extra={"attempt": attempt, "error": str(exc)}
            )
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")
