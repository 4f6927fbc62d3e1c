from __future__ import annotations

import pytest

from acd.memory_store import MemoryStore
from acd.model import QueueConfig, SkillRequirement
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder() -> EventRecorder:
    return EventRecorder()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def router(store: MemoryStore, clock: FakeClock, recorder: EventRecorder) -> Router:
    r = Router(store, clock, listener=recorder)
    await r.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 2),), max_missed_offers=2))
    return r
