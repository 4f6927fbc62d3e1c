"""The live statistics as a plain dict and back: the same figures after a round trip through JSON,
a new day's book with every count at zero but what is in flight kept, another version refused."""

from __future__ import annotations

import json

import pytest

from acd.events import ItemAbandoned, ItemCompleted, ItemQueued, OfferAccepted
from acd.model import AgentState, Channel
from acd.router import Router
from acd.stats import StatsBook
from acd.stats_codec import book_from, book_to, next_day
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import agent, item


def _figures(book: StatsBook, now: float) -> tuple[object, ...]:
    return (
        [book.queue_stats(q, now) for q in book.queues()],
        [book.agent_stats(a, now) for a in book.agents()],
        book.channels.rows(book.queues(), now),
        book.channels.waiting_items(),
    )


async def test_a_book_comes_back_from_json_with_the_same_figures(router: Router, clock: FakeClock) -> None:
    book = router.stats
    book.apply(ItemQueued("x1", "sales", Channel.VOICE, clock.now(), clock.now()))
    book.apply(OfferAccepted("o1", "x1", "a1", "sales", 12.0, clock.now() + 12))
    book.apply(ItemCompleted("x1", "a1", "sales", 80.0, clock.now() + 92))
    book.apply(ItemQueued("x2", "sales", Channel.CHAT, clock.now(), clock.now()))
    book.apply(ItemAbandoned("x2", "sales", 40.0, clock.now() + 40))
    book.apply(ItemQueued("m1", "sales", Channel.EMAIL, clock.now(), clock.now()))
    book.apply(OfferAccepted("o2", "m1", "a1", "sales", 60.0, clock.now() + 60))  # awaits its reply
    await router.login(agent("a1"))
    await router.enqueue(item("c9", clock.now(), channel=Channel.CHAT))  # offered, waits on a1
    await router.enqueue(item("c10", clock.now(), queue="sales"))  # waits
    clock.advance(100)
    now = clock.now()

    again = book_from(json.loads(json.dumps(book_to(book))))

    assert _figures(again, now) == _figures(book, now)
    book.first_response("m1", now)
    again.first_response("m1", now)  # the e-mail taken before is answered by its first reply
    assert _figures(again, now) == _figures(book, now)
    assert again.queue_stats("sales", now).answered == 2


async def test_a_new_day_starts_at_zero_but_keeps_the_waiting_items_and_agents_states(
    router: Router, clock: FakeClock
) -> None:
    await router.login(agent("a1"))
    await router.enqueue(item("c1", clock.now()))  # a1 takes it (offered)
    await router.enqueue(item("c2", clock.now()))  # waits
    clock.advance(50)
    book = book_from(next_day(book_to(router.stats), clock.now()))
    sales = book.queue_stats("sales", clock.now())
    assert (sales.entered, sales.answered, sales.waiting, sales.longest_wait) == (0, 0, 1, 50.0)
    assert [w.item_id for w in book.channels.waiting_items()] == ["c2"]
    a1 = book.agent_stats("a1", clock.now())
    assert a1 is not None
    assert (a1.state, a1.in_state_seconds, a1.handled) == (AgentState.RESERVED, 0.0, 0)
    voice = next(r for r in book.channels.rows(["sales"], clock.now()) if r.channel == Channel.VOICE)
    assert (voice.offered, voice.waiting) == (0, 1)


def test_a_book_of_another_version_is_refused() -> None:
    data = book_to(StatsBook())
    data["version"] = 99
    with pytest.raises(ValueError, match="version 99"):
        book_from(data)
