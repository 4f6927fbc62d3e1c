from __future__ import annotations

from callcenter.bus import EventBus, Overflowed


async def test_each_subscriber_gets_every_event_in_order() -> None:
    bus = EventBus()
    first, second = bus.subscribe(), bus.subscribe()
    for n in range(3):
        bus.publish(n)
    assert first.drain() == [0, 1, 2]
    assert [await second.get() for _ in range(3)] == [0, 1, 2]


async def test_a_slow_subscriber_loses_its_backlog_and_is_told_to_resync() -> None:
    bus = EventBus()
    slow = bus.subscribe(maxsize=2)
    for n in range(5):
        bus.publish(n)
    assert await slow.get() == Overflowed(dropped=3)
    bus.publish("fresh")
    assert await slow.get() == "fresh"


def test_a_closed_subscription_gets_nothing_more() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    sub.close()
    bus.publish("x")
    assert sub.drain() == []
    assert bus.subscribers == 0
