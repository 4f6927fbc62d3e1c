"""Messages appended together are written in few transactions, with every guarantee of one append:
gapless ``seq`` per conversation, one message per client id, a refused message refusing no other."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from callcenter.conversations.appends import AppendBatches
from crm_core import conversations as store
from tests.crm_conftest_helpers import Db


def _open(db: Db, conversation_id: str, status: str = "active") -> None:
    with db.sessions.begin() as session:
        store.create(
            session, id=conversation_id, channel="chat", status=status, queue="support",
            skills=[("support", 2)], language="en", customer_id=None, customer_name="Ann",
            customer_address=None, tier="normal", subject="", address="203.0.113.7",
            opened_at=1.0, queued_at=1.0,
        )  # fmt: skip


def _message(n: int, client_id: str | None = None) -> store.NewMessage:
    return store.NewMessage(f"m-{n}-{client_id}", "customer", "Ann", f"text {n}", float(n), client_id)


def _commits(db: Db) -> list[int]:
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(1))
    return commits


async def test_given_60_appends_at_once_then_all_stored_gapless_in_a_few_transactions(db: Db) -> None:
    _open(db, "c-1")
    _open(db, "c-2")
    commits = _commits(db)
    batches = AppendBatches(db.sessions)
    results = await asyncio.gather(
        *(batches.append(f"c-{1 + n % 2}", _message(n, f"k{n}"), ["active"]) for n in range(60))
    )
    assert len(commits) <= 3  # one transaction per message before: 60
    for cid in ("c-1", "c-2"):
        mine = [r.message for r in results if r.message.conversation_id == cid]
        assert [m.seq for m in mine] == list(range(1, 31))  # in the order asked
        with db.sessions() as session:
            assert [m.client_id for m in store.messages(session, cid, 0, 100)] == [m.client_id for m in mine]
            assert store.get(session, cid).last_seq == 30


async def test_given_a_refused_message_in_a_batch_then_only_it_fails(db: Db) -> None:
    _open(db, "c-1")
    _open(db, "c-ended", status="ended")
    batches = AppendBatches(db.sessions)
    first, closed, unknown_file, last = await asyncio.gather(
        batches.append("c-1", _message(1, "a"), ["active"]),
        batches.append("c-ended", _message(2, "b"), ["active"]),
        batches.append(
            "c-1", store.NewMessage("m-3", "customer", "Ann", "", 3.0, "c", ("no-such-file",)), ["active"]
        ),
        batches.append("c-1", _message(4, "d"), ["active"]),
        return_exceptions=True,
    )
    assert isinstance(closed, store.ConversationClosed)
    assert isinstance(unknown_file, store.UnknownAttachment)
    assert isinstance(first, store.Appended)
    assert isinstance(last, store.Appended)
    assert (first.message.seq, last.message.seq) == (1, 2)  # the refused one took no number
    with db.sessions() as session:
        assert [m.client_id for m in store.messages(session, "c-1", 0, 100)] == ["a", "d"]
        assert store.get(session, "c-ended").last_seq == 0


async def test_given_a_client_id_twice_in_one_batch_then_stored_once(db: Db) -> None:
    _open(db, "c-1")
    batches = AppendBatches(db.sessions)
    first, again = await asyncio.gather(
        batches.append("c-1", _message(1, "same"), ["active"]),
        batches.append("c-1", _message(2, "same"), ["active"]),
    )
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.message == first.message
    with db.sessions() as session:
        assert store.get(session, "c-1").last_seq == 1


async def test_given_a_failing_transaction_then_every_message_of_its_batch_fails(db: Db) -> None:
    _open(db, "c-1")

    def refuse(_conn: object) -> None:
        raise RuntimeError("the disk is full")

    event.listen(db.engine, "commit", refuse)
    batches = AppendBatches(db.sessions)
    outcomes = await asyncio.gather(
        *(batches.append("c-1", _message(n, f"k{n}"), ["active"]) for n in range(3)), return_exceptions=True
    )
    assert [type(o) for o in outcomes] == [RuntimeError] * 3
    event.remove(db.engine, "commit", refuse)
    with db.sessions() as session:
        assert store.get(session, "c-1").last_seq == 0
    assert (await batches.append("c-1", _message(9, "k9"), ["active"])).message.seq == 1


@pytest.mark.parametrize("cancelled", [0, 1])
async def test_given_a_caller_that_went_away_then_the_others_are_answered(db: Db, cancelled: int) -> None:
    _open(db, "c-1")
    batches = AppendBatches(db.sessions)
    tasks = [asyncio.create_task(batches.append("c-1", _message(n, f"k{n}"), ["active"])) for n in range(2)]
    await asyncio.sleep(0)
    tasks[cancelled].cancel()
    kept = await tasks[1 - cancelled]
    assert kept.message.client_id == f"k{1 - cancelled}"
