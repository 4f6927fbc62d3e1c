"""The voicemail rows on SQLite and PostgreSQL: a message, its conversation and customer, the
transcript, done once wrapped up, and the audit row of a playback."""

from __future__ import annotations

from sqlalchemy import select

from crm_core.models_auth import AuditEntry
from crm_core.models_voicemail import VoicemailRecord
from recorder.voicemail_store import TRANSCRIPT_MAX, NewVoicemail, VoicemailStore
from tests.crm_conftest_helpers import Db


async def test_given_a_message_then_it_is_linked_transcribed_done_and_its_playback_audited(db: Db) -> None:
    store = VoicemailStore(db.sessions, lambda: 1_800_000_000.0)
    new = NewVoicemail(
        "1795383169.1", "4155550100", "Wei", "support@default", "support", "/vm/a.wav", 12.5, 200_044
    )
    voicemail_id = await store.add(new)
    assert await store.of_conversation("c-1") is None
    await store.opened(voicemail_id, "c-1", None)
    await store.set_transcript(voicemail_id, "x" * (TRANSCRIPT_MAX + 10))
    await store.done("c-1")
    await store.audit("agent1002", "agent", "voicemail.play", voicemail_id, {"conversation": "c-1"})

    view = await store.of_conversation("c-1")
    assert view is not None
    assert (view.id, view.queue, view.state, view.duration_s, view.size_bytes) == (
        voicemail_id, "support", "done", 12.5, 200_044,
    )  # fmt: skip
    assert view.transcript is not None
    assert len(view.transcript) == TRANSCRIPT_MAX
    assert view.created_at.timestamp() == 1_800_000_000.0
    with db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "voicemail.play")).one()
    assert (entry.actor, entry.actor_role, entry.target) == (
        "agent1002",
        "agent",
        f"voicemail:{voicemail_id}",
    )


async def test_given_a_missing_file_then_the_row_says_so_and_is_never_done(db: Db) -> None:
    store = VoicemailStore(db.sessions, lambda: 1_800_000_000.0)
    await store.add(NewVoicemail("1.2", "", "", "general", "general", "/nowhere/vm.wav", 0.0, 0, "missing"))
    await store.done("c-none")
    with db.sessions() as session:
        assert [r.state for r in session.scalars(select(VoicemailRecord))] == ["missing"]
