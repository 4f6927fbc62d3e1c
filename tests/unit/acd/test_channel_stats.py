"""Statistics per queue × channel: offered, answered, abandoned, service level against the channel's
own threshold (chat answered within N s, e-mail's first reply within N h), and the waiting items of
every channel, from the router's real events."""

from __future__ import annotations

import pytest

from acd.channel_stats import ChannelBook, ChannelStats, WaitingItem
from acd.codec import queue_from, queue_to
from acd.events import ItemAbandoned, ItemCompleted, ItemMoved, ItemQueued, OfferAccepted
from acd.model import Agent, Channel, QueueConfig, SkillRequirement
from acd.router import Router
from acd.stats import StatsBook
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import agent, item


def _row(rows: tuple[ChannelStats, ...], queue: str, channel: Channel) -> ChannelStats:
    return next(r for r in rows if r.queue == queue and r.channel == channel)


def test_each_channel_is_measured_against_its_own_threshold() -> None:
    book = StatsBook()
    book.configure_queue("q", 20, {Channel.CHAT: 30, Channel.EMAIL: 4 * 3600})
    for n, channel in enumerate((Channel.VOICE, Channel.CHAT, Channel.CHAT, Channel.EMAIL, Channel.EMAIL)):
        book.apply(ItemQueued(f"i{n}", "q", channel, 0.0, 0.0))
    book.apply(OfferAccepted("o0", "i0", "a", "q", 25.0, 25.0))  # a call after 25 s: late (20 s)
    book.apply(OfferAccepted("o1", "i1", "a", "q", 25.0, 25.0))  # a chat after 25 s: in time (30 s)
    book.apply(ItemAbandoned("i2", "q", 40.0, 40.0))  # the other visitor left
    book.apply(OfferAccepted("o3", "i3", "a", "q", 3600.0, 3600.0))  # two mails taken after 1 h,
    book.apply(OfferAccepted("o4", "i4", "a", "q", 3600.0, 3600.0))
    book.first_response("i3", 3 * 3600.0)  # one answered after 3 h
    book.first_response("i4", 5 * 3600.0)  # and one after 5 h
    rows = book.channels.rows(["q"], now=6 * 3600.0)
    voice, chat, email = (_row(rows, "q", ch) for ch in (Channel.VOICE, Channel.CHAT, Channel.EMAIL))
    assert (voice.offered, voice.answered, voice.answered_in_sl, voice.service_level) == (1, 1, 0, 0.0)
    assert (chat.offered, chat.answered, chat.abandoned, chat.service_level) == (2, 1, 1, 0.5)
    assert (chat.service_level_seconds, chat.asa) == (30, 25.0)
    assert (email.offered, email.answered, email.answered_in_sl, email.service_level) == (2, 2, 1, 0.5)
    assert (email.service_level_seconds, email.asa) == (4 * 3600, 4 * 3600.0)
    # The queue as a whole: each item against its channel's threshold (chat and one mail in time).
    whole = book.queue_stats("q", 6 * 3600.0)
    assert (whole.answered, whole.service_level) == (4, 2 / 5)


def test_an_email_is_answered_by_its_first_reply_not_by_an_agent_taking_it() -> None:
    book = StatsBook()
    book.configure_queue("q", 20, {Channel.EMAIL: 4 * 3600})
    for n in range(3):
        book.apply(ItemQueued(f"m{n}", "q", Channel.EMAIL, 0.0, 0.0))
        book.apply(OfferAccepted(f"o{n}", f"m{n}", "a", "q", 60.0, 60.0))  # all taken after a minute
    taken = _row(book.channels.rows(["q"], 120.0), "q", Channel.EMAIL)
    assert (taken.answered, taken.service_level, taken.asa) == (0, None, None)  # nobody answered yet
    book.first_response("m0", 2 * 3600.0)  # answered in time
    book.first_response("m0", 9 * 3600.0)  # a later reply changes nothing
    book.first_response("m1", 5 * 3600.0)  # taken in time, answered late
    book.apply(ItemCompleted("m2", "a", "q", 600.0, 700.0))  # closed without a reply: not counted
    book.first_response("m2", 800.0)
    book.first_response("ghost", 800.0)  # an item this book never saw
    email = _row(book.channels.rows(["q"], 6 * 3600.0), "q", Channel.EMAIL)
    assert (email.offered, email.answered, email.answered_in_sl, email.service_level) == (3, 2, 1, 0.5)
    assert email.asa == 3.5 * 3600
    whole = book.queue_stats("q", 6 * 3600.0)
    assert (whole.answered, whole.service_level, whole.asa) == (2, 0.5, 3.5 * 3600)


def test_unconfigured_queues_use_the_default_thresholds_and_every_queue_shows_voice_chat_email() -> None:
    book = ChannelBook()
    book.apply(ItemQueued("cb", "late", Channel.CALLBACK, 0.0, 0.0))
    rows = book.rows(["early"], now=10.0)
    assert [(r.queue, r.channel) for r in rows] == [
        ("early", Channel.VOICE),
        ("early", Channel.CHAT),
        ("early", Channel.EMAIL),
        ("late", Channel.VOICE),
        ("late", Channel.CHAT),
        ("late", Channel.EMAIL),
        ("late", Channel.CALLBACK),
    ]
    assert (
        _row(rows, "early", Channel.CHAT).service_level_seconds,
        _row(rows, "early", Channel.EMAIL).service_level,
    ) == (
        30.0,
        None,
    )
    assert _row(rows, "late", Channel.CALLBACK).longest_wait == 10.0


def test_an_item_never_seen_queued_is_left_out_and_a_completed_item_is_forgotten() -> None:
    book = ChannelBook()
    book.apply(OfferAccepted("o", "ghost", "a", "q", 5.0, 5.0))
    book.apply(ItemQueued("c", "q", Channel.CHAT, 0.0, 0.0))
    book.apply(OfferAccepted("o2", "c", "a", "q", 5.0, 5.0))
    book.apply(ItemCompleted("c", "a", "q", 60.0, 65.0))
    assert sum(r.answered for r in book.rows(["q"], 70.0)) == 1
    assert book.waiting_item("c") is None
    assert book.waiting_items() == ()
    book.apply(ItemMoved("c", "q", "r", 0.0, 70.0))  # unknown now: nothing appears
    assert book.waiting_items() == ()


async def test_a_router_counts_chats_and_mails_per_queue_and_lists_what_waits(clock: FakeClock) -> None:
    from acd.memory_store import MemoryStore

    router = Router(MemoryStore(), clock)
    sales = QueueConfig("sales", skills=(SkillRequirement("sales", 2),), service_level_chat_seconds=10)
    await router.add_queue(sales)
    await router.add_queue(QueueConfig("support", skills=(SkillRequirement("support", 2),)))
    t0 = clock.now()
    await router.enqueue(item("mail", t0, channel=Channel.EMAIL))
    await router.enqueue(item("chat-late", t0, channel=Channel.CHAT))
    await router.enqueue(item("call", t0))
    clock.advance(12)
    await router.enqueue(item("chat-soon", clock.now(), channel=Channel.CHAT))
    snap = await router.snapshot()
    assert [(w.item_id, w.channel) for w in snap.waiting_items] == [
        ("call", Channel.VOICE),
        ("chat-late", Channel.CHAT),
        ("mail", Channel.EMAIL),
        ("chat-soon", Channel.CHAT),
    ]
    await router.move("mail", "support")  # a supervisor's hand: the mail waits in support now
    ann = Agent("ann", {"sales": 3}, capacity={Channel.CHAT: 2, Channel.EMAIL: 1, Channel.VOICE: 0})
    offers = await router.login(ann)
    while offers:
        offers = [*offers[1:], *await router.accept(offers[0].offer_id)]
    snap = await router.snapshot()
    chat = _row(snap.channels, "sales", Channel.CHAT)
    assert (chat.offered, chat.answered, chat.answered_in_sl, chat.service_level) == (2, 2, 1, 0.5)
    assert chat.service_level_seconds == 10
    assert _row(snap.channels, "support", Channel.EMAIL).waiting == 1
    assert _row(snap.channels, "sales", Channel.EMAIL).offered == 1  # offered where it arrived
    assert [(w.item_id, w.queue, w.channel) for w in snap.waiting_items] == [
        ("call", "sales", Channel.VOICE),
        ("mail", "support", Channel.EMAIL),
    ]
    assert router.stats.channels.waiting_item("mail") == WaitingItem("mail", "support", Channel.EMAIL, t0)


async def test_a_waiting_call_turned_into_a_callback_waits_as_a_callback(clock: FakeClock) -> None:
    from acd.memory_store import MemoryStore

    router = Router(MemoryStore(), clock)
    await router.add_queue(QueueConfig("sales"))
    await router.enqueue(item("call", clock.now()))
    await router.convert_to_callback("call", "+8613800000000")
    snap = await router.snapshot()
    assert [(w.item_id, w.channel) for w in snap.waiting_items] == [("call", Channel.CALLBACK)]
    assert _row(snap.channels, "sales", Channel.VOICE).waiting == 0
    await router.login(agent("ann", sales=3))
    assert _row((await router.snapshot()).channels, "sales", Channel.CALLBACK).waiting == 0


def test_the_thresholds_survive_the_shared_store_codec_and_old_records_get_the_defaults() -> None:
    q = QueueConfig("q", service_level_chat_seconds=45, service_level_email_seconds=7200)
    assert queue_from(queue_to(q)) == q
    old = queue_to(QueueConfig("old"))
    del old["service_level_chat_seconds"], old["service_level_email_seconds"]
    restored = queue_from(old)
    assert (restored.service_level_chat_seconds, restored.service_level_email_seconds) == (30.0, 14400.0)


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_a_threshold_must_be_positive(bad: float) -> None:
    from acd.errors import InvalidConfig

    with pytest.raises(InvalidConfig):
        QueueConfig("q", service_level_chat_seconds=bad)
    with pytest.raises(InvalidConfig):
        QueueConfig("q", service_level_email_seconds=bad)
