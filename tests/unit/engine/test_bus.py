from __future__ import annotations

import pytest

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


def test_a_listener_is_called_as_each_event_is_published_and_a_failing_one_breaks_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    seen: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("listener bug")

    bus.listen(broken)
    stop = bus.listen(seen.append)
    sub = bus.subscribe()
    bus.publish(1)
    stop()
    bus.publish(2)
    assert seen == [1]
    assert sub.drain() == [1, 2]  # the failing listener stopped neither the others nor the publisher
    assert "event listener failed" in caplog.text
