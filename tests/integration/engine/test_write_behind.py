"""A journal's close waits for the write under way: a restart right after it finds the row."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from acd.events import AgentStateChanged
from acd.model import AgentState
from callcenter.agent_journal import AgentStateJournal
from crm_core.db import make_engine, make_session_factory, migrate


async def test_given_a_write_held_up_by_a_lock_when_the_journal_closes_then_it_waits_and_the_row_is_there(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cc.sqlite3"
    migrate(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    journal = AgentStateJournal(make_session_factory(engine), flush_s=0.05)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
        journal.record(
            AgentStateChanged("1001", AgentState.AVAILABLE, AgentState.PAUSED, "lunch", time.time())
        )
        await asyncio.sleep(0.3)  # the writer is now waiting for the lock in its thread
        closing = asyncio.create_task(journal.close())
        await asyncio.sleep(0.3)
        assert not closing.done(), "close returned while the write was still under way"
        blocker.execute("COMMIT")
        await asyncio.wait_for(closing, 10)
        saved = await asyncio.to_thread(journal.load)
    finally:
        blocker.close()
        engine.dispose()
    assert (saved["1001"].state, saved["1001"].pause_reason) == ("paused", "lunch")
