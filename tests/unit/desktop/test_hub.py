"""The hub sends agents only their own calls, supervisors the desktop events, and resyncs on overflow."""

from __future__ import annotations

import json
from typing import Any, cast

from acd.events import AgentStateChanged, ItemQueued
from acd.model import AgentState, Channel
from agent_desktop.auth.deps import CurrentUser
from agent_desktop.hub import RESYNC, Connection, Hub
from callcenter.bus import EventBus, Overflowed
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
    hub.connections |= {agent_1, agent_2, boss}
    return hub, agent_1, agent_2, boss


def _offer(agent: str) -> CallOffered:
    return CallOffered(agent, "o1", "u1", "4155550100", "Wei", "sales", 1.0, ("1",), None, (), 5.0)


def _types(connection: Connection) -> list[str]:
    items = []
    while not connection.queue.empty():
        item = connection.queue.get_nowait()
        items.append("RESYNC" if item is RESYNC else json.loads(str(item))["type"])
    return items


def test_given_an_offer_to_1001_when_dispatched_then_only_1001_and_the_supervisor_get_it() -> None:
    hub, agent_1, agent_2, boss = _hub()
    hub.dispatch(_offer("1001"))
    hub.dispatch(AgentStateChanged("1002", AgentState.AVAILABLE, AgentState.PAUSED, "lunch", 6.0))
    hub.dispatch(ItemQueued("u2", "sales", Channel.VOICE, 6.0, 6.0))
    hub.dispatch(SupervisionChanged("sup", "1001", "whisper", 7.0))
    assert _types(agent_1) == ["CallOffered"]
    assert _types(agent_2) == ["AgentStateChanged"]
    assert _types(boss) == ["CallOffered", "AgentStateChanged", "SupervisionChanged"]
    assert hub.offers["1001"]["uniqueid"] == "u1"  # kept for a reconnect's snapshot
    assert hub.reasons["1002"] == "lunch"
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


def test_given_the_bus_overflowed_when_dispatched_then_every_socket_resyncs() -> None:
    hub, agent_1, agent_2, boss = _hub()
    hub.dispatch(Overflowed(12))
    assert [_types(c) for c in (agent_1, agent_2, boss)] == [["RESYNC"]] * 3
