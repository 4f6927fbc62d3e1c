"""Calls live in the engine, kept in the database (table ``live_calls``, migration 0013) so that the
next engine process knows of them after a crash.

The engine writes a row per live call as it changes and deletes it once the call's interaction is
written. What a row left by an earlier process means is the engine's business
(``callcenter.calls.live_recovery``); here are only the rows and the transaction that settles one.
Times are the engine's clock (epoch seconds), like ``agent_states``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from sqlalchemy import Float, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_core import limits
from crm_core.models import Base, Interaction

CHANNEL = 128  # "PJSIP/pstn-trunk-0000002a", "Local/1001@agents-00000001;2"
UNIQUEID = 64


class LiveCallRow(Base):
    __tablename__ = "live_calls"

    uniqueid: Mapped[str] = mapped_column(String(UNIQUEID), primary_key=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL))
    caller_number: Mapped[str] = mapped_column(String(limits.PHONE_RAW))
    caller_name: Mapped[str] = mapped_column(String(limits.NAME))
    dialed: Mapped[str] = mapped_column(String(limits.PHONE_RAW))
    direction: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[float] = mapped_column(Float)
    queue: Mapped[str | None] = mapped_column(String(limits.SHORT))
    agent_id: Mapped[str | None] = mapped_column(String(limits.SHORT))
    agent_channel: Mapped[str | None] = mapped_column(String(CHANNEL))
    queued_at: Mapped[float | None] = mapped_column(Float)
    answered_at: Mapped[float | None] = mapped_column(Float)
    phase: Mapped[str] = mapped_column(String(16))  # the contact's status: queued, connected, held...
    transfers: Mapped[int] = mapped_column(Integer)  # agent parts after the first
    ivr_digits: Mapped[str] = mapped_column(String(limits.SHORT))
    outcome: Mapped[str | None] = mapped_column(String(limits.CODE))  # noted while live (voicemail...)
    recording_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    engine: Mapped[str] = mapped_column(String(UNIQUEID), index=True)  # the process that wrote it
    updated_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True, slots=True)
class SavedLiveCall:
    uniqueid: str
    channel: str
    caller_number: str
    caller_name: str
    dialed: str
    direction: str
    started_at: float
    queue: str | None
    agent_id: str | None
    agent_channel: str | None
    queued_at: float | None
    answered_at: float | None
    phase: str
    transfers: int
    ivr_digits: str
    outcome: str | None
    recording_path: str | None
    engine: str
    updated_at: float

    @property
    def interaction_ref(self) -> str:
        """The ``external_ref`` of the interaction the call's current part is written as."""
        return self.uniqueid if self.transfers == 0 else f"{self.uniqueid}-t{self.transfers}"


_FIELDS = tuple(f.name for f in fields(SavedLiveCall))


def _saved(row: LiveCallRow) -> SavedLiveCall:
    return SavedLiveCall(**{name: getattr(row, name) for name in _FIELDS})


def save_live_calls(session: Session, calls: Iterable[SavedLiveCall]) -> None:
    """Insert or replace each call's row (the caller commits)."""
    for call in calls:
        session.merge(LiveCallRow(**{name: getattr(call, name) for name in _FIELDS}))


def load_live_calls(session: Session) -> list[SavedLiveCall]:
    return [_saved(row) for row in session.scalars(select(LiveCallRow).order_by(LiveCallRow.started_at))]


def load_live_call(session: Session, uniqueid: str) -> SavedLiveCall | None:
    row = session.get(LiveCallRow, uniqueid)
    return None if row is None else _saved(row)


def delete_live_calls(session: Session, uniqueids: Iterable[str]) -> None:
    ids = list(uniqueids)
    if ids:
        session.execute(delete(LiveCallRow).where(LiveCallRow.uniqueid.in_(ids)))


def interactions_written(session: Session, refs: Iterable[str]) -> set[str]:
    """Which of these ``external_ref`` have an interaction."""
    wanted = list(refs)
    if not wanted:
        return set()
    found = session.scalars(select(Interaction.external_ref).where(Interaction.external_ref.in_(wanted)))
    return set(found)


def settle_live_call(session: Session, left: SavedLiveCall, write: Callable[[Session], object]) -> bool:
    """Close a call an earlier process left behind, in the caller's transaction: ``write`` its
    interaction and delete its row, unless the row changed meanwhile (another engine took the call
    back, or settled it) or the interaction exists already (written just before the crash: it
    knows more than we do). True when the interaction was written here."""
    now = session.get(LiveCallRow, left.uniqueid, with_for_update=True)
    if now is None or now.engine != left.engine or now.updated_at != left.updated_at:
        return False
    session.delete(now)
    if interactions_written(session, [left.interaction_ref]):
        return False
    write(session)
    return True
