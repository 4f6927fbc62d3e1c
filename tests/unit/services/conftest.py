"""The use cases over a socket-free call centre: the real router on the in-memory ACD store, the real
call service over the PBX fake (``tests/unit/calls/desk.py``) and a migrated SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from callcenter.bus import EventBus
from callcenter.calls.callbacks import CallbackScheduler
from callcenter.calls.consult import Consults
from callcenter.calls.customers import CrmCallerLookup
from callcenter.calls.supervision import Supervision
from callcenter.contact_center import ContactCenter
from callcenter.services.audit import Actor
from callcenter.settings import DialplanSettings
from crm_core.audit import AuditLog, AuditView
from crm_core.callbacks import CallbackBook
from tests.crm_conftest_helpers import Db, FakeClock, create_sqlite_template, sqlite_db
from tests.unit.calls.desk import Desk, open_desk

SUPERVISOR = Actor("sue", "supervisor", user_id=1)
OUTBOUND = DialplanSettings().outbound_queue


@dataclass
class Centre:
    """What the services are built over."""

    desk: Desk
    cc: ContactCenter
    db: Db
    clock: FakeClock
    callbacks: CallbackScheduler

    def audit(self, action_prefix: str | None = None) -> list[AuditView]:
        with self.db.sessions() as session:
            return AuditLog().recent(session, action_prefix=action_prefix)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_sqlite_template(tmp_path_factory.mktemp("services_template"))


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Db]:
    yield from sqlite_db(sqlite_template, tmp_path)


@pytest.fixture
async def centre(db: Db) -> AsyncIterator[Centre]:
    """Agents 1001 and 1002 signed in and available for ``sales``."""
    clock = FakeClock()
    async with open_desk("1001", "1002") as desk:
        cc = ContactCenter(
            desk.router,
            desk.service,
            desk.agent_calls,
            Consults(desk.service, desk.agent_calls),
            Supervision(desk.pbx, lambda supervisor: f"PJSIP/{supervisor}"),
            EventBus(),
            db.sessions,
            "US",
        )
        scheduler = CallbackScheduler(
            desk.router,
            db.sessions,
            CallbackBook(clock, "US"),
            CrmCallerLookup(db.sessions, "US"),
            clock,
            fallback_queue="sales",
        )
        yield Centre(desk, cc, db, clock, scheduler)
