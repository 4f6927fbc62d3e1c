"""The hub sends agents only their own calls, supervisors interventions and alerts (calls reach them in
the wallboard), and resyncs on overflow."""

from __future__ import annotations

import json
from typing import Any, cast

from acd.events import AgentStateChanged, ItemQueued
from acd.model import AgentState, Channel
from agent_desktop.auth.deps import CurrentUser
from agent_desktop.hub import RESYNC, Connection, Hub
from callcenter.bus import EventBus
from callcenter.events import CallEnded, CallOffered, SupervisionChanged


class _Center:
    """Just what the hub touches without running: the bus."""

    def __init__(self) -> None:
        self.bus = EventBus()


def _hub() -> tuple[Hub, Connection, Connection, Connection]:
    hub = Hub(cast(Any, _Center()))
    agent_1 = Connection(CurrentUser(1, "a1", "agent", "1001", "en", "UTC"))
    agent_2 = Connection(CurrentUser(2, "a2", "agent", "1002", "en", "UTC"))
    boss = Connection(CurrentUser(3, "sup", "supervisor", None, "en", "UTC"))
    for connection in (agent_1, agent_2, boss):
        hub.register(connection)
    return hub, agent_1, agent_2, boss


def _offer(agent: str) -> CallOffered:
    return CallOffered(agent, "o1", "u1", "4155550100", "Wei", "sales", 1.0, ("1",), None, (), 5.0)


def _types(connection: Connection) -> list[str]:
    items = []
    while not connection.queue.empty():
        item = connection.queue.get_nowait()
        items.append("RESYNC" if item is RESYNC else json.loads(str(item))["type"])
    return items


def test_given_an_offer_to_1001_when_dispatched_then_1001_gets_it_and_the_supervisor_only_interventions() -> (
    None
):
    hub, agent_1, agent_2, boss = _hub()
    hub.dispatch(_offer("1001"))
    hub.dispatch(AgentStateChanged("1002", AgentState.AVAILABLE, AgentState.PAUSED, "lunch", 6.0))
    hub.dispatch(ItemQueued("u2", "sales", Channel.VOICE, 6.0, 6.0))
    hub.dispatch(SupervisionChanged("sup", "1001", "whisper", 7.0))
    assert _types(agent_1) == ["CallOffered"]
    assert _types(agent_2) == ["AgentStateChanged"]
    assert _types(boss) == ["SupervisionChanged"]
    assert hub.offers["1001"]["uniqueid"] == "u1"  # kept for a reconnect's snapshot
    assert hub.supervising == {"1001": ("sup", "whisper")}
    hub.dispatch(CallEnded("1001", "u1", "sales", "answered", 9.0))
    hub.dispatch(SupervisionChanged("sup", "1001", None, 9.5))
    assert "1001" not in hub.offers
    assert hub.supervising == {}


def test_given_a_slow_socket_when_its_queue_overflows_then_it_gets_one_resync_instead() -> None:
    hub, agent_1, _agent_2, _boss = _hub()
    for _ in range(agent_1.queue.maxsize + 5):
        hub.dispatch(_offer("1001"))
    assert _types(agent_1) == ["RESYNC", "CallOffered", "CallOffered", "CallOffered", "CallOffered"]


async def test_given_a_started_hub_when_the_engine_publishes_then_the_socket_has_it_without_a_loop_turn() -> (
    None
):
    hub, agent_1, _agent_2, _boss = _hub()
    hub.start()
    try:
        cast(_Center, hub._cc).bus.publish(_offer("1001"))
        assert _types(agent_1) == ["CallOffered"]  # queued inside publish, no task had to run
    finally:
        await hub.stop()
    cast(_Center, hub._cc).bus.publish(_offer("1001"))
    assert _types(agent_1) == []


def test_given_a_closed_socket_when_discarded_then_it_gets_nothing_more() -> None:
    hub, agent_1, agent_2, boss = _hub()
    hub.discard(agent_1)
    hub.discard(boss)
    hub.dispatch(_offer("1001"))
    hub.dispatch(SupervisionChanged("sup", "1001", "listen", 7.0))
    assert (_types(agent_1), _types(boss)) == ([], [])
    assert hub.connections == {agent_2}
