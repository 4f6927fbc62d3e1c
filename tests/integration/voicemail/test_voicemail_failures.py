"""Voicemail when something breaks, through the simulator: a recording that fails on our side never
leaves the caller in silence (they wait in the mailbox's queue and an agent answers), and a caller
who hangs up while speaking has still left a message."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from callcenter.pbxsim import SimulatedCaller
from recorder.voicemail_store import NewVoicemail
from tests.integration.voicemail.engine_helpers import after_hours, voicemail_row, voicemails


async def test_given_asterisk_cannot_write_the_message_then_the_caller_is_queued_and_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with after_hours(
        tmp_path, asterisk_dir=str(tmp_path / "absent"), engine_dir=str(tmp_path / "vm")
    ) as desk:
        assert desk.engine.simulator is not None
        handle = await desk.engine.simulator.place_call(SimulatedCaller(number="2125550143", talk_s=1.0))
        outcome = await handle.finished(30)
        assert any(c.startswith("RECORD FILE " + str(tmp_path / "absent")) for c in outcome.agi_commands)
        assert outcome.agent == "agent-1002"  # the general queue, instead of silence
        assert voicemails(desk.engine) == []
    assert any(
        "voicemail could not be recorded" in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.ERROR
    )


async def test_given_the_engine_cannot_read_the_file_then_the_caller_is_queued_and_the_miss_is_recorded(
    tmp_path: Path,
) -> None:
    (tmp_path / "elsewhere").mkdir()
    async with after_hours(tmp_path, engine_dir=str(tmp_path / "elsewhere")) as desk:
        assert desk.engine.simulator is not None
        handle = await desk.engine.simulator.place_call(SimulatedCaller(number="2125550144", talk_s=1.0))
        outcome = await handle.finished(30)
        assert outcome.agent == "agent-1002"
        assert not any(c.startswith("STREAM FILE vm-msgsaved") for c in outcome.agi_commands)
        rows = voicemails(desk.engine)
        assert [(r.state, r.conversation_id, r.caller_number) for r in rows] == [
            ("missing", None, "2125550144")
        ]
        assert list(
            (tmp_path / "vm").glob("vm-*.wav")
        )  # Asterisk did write it, where the engine does not look


async def test_given_the_caller_hangs_up_while_speaking_then_the_message_is_kept(tmp_path: Path) -> None:
    async with after_hours(tmp_path, max_seconds=600) as desk:
        assert desk.engine.simulator is not None
        # The closed-office prompt lasts a few (simulated) seconds; the caller speaks, then hangs up.
        handle = await desk.engine.simulator.place_call(SimulatedCaller(number="2125550145", patience_s=40))
        outcome = await handle.finished(30)
        assert any(c.startswith("RECORD FILE") for c in outcome.agi_commands)
        assert not any(c.startswith("STREAM FILE vm-msgsaved") for c in outcome.agi_commands)
        row = await voicemail_row(desk.engine)
        assert (row.state, row.caller_number) == ("new", "2125550145")


async def test_given_a_relative_directory_then_it_is_made_beside_the_engine_and_messages_land_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with after_hours(tmp_path, asterisk_dir="var/voicemail") as desk:
        assert (tmp_path / "var" / "voicemail").is_dir()
        assert desk.engine.simulator is not None
        await desk.engine.simulator.place_call(SimulatedCaller(number="2125550150", patience_s=300))
        row = await voicemail_row(desk.engine)
        assert Path(row.file_path).parent == tmp_path / "var" / "voicemail"


async def test_given_a_message_recorded_just_before_a_stop_then_it_is_queued_at_the_next_start(
    tmp_path: Path,
) -> None:
    async with after_hours(tmp_path) as desk:
        store = desk.engine.voicemail.store
        wav = tmp_path / "vm" / "vm-1.1-1.wav"
        wav.write_bytes(b"")
        await store.add(
            NewVoicemail("1.1", "2125550151", "Ann", "general@default", "general", str(wav), 3.0, 0)
        )
    async with after_hours(tmp_path, agents=None) as desk:
        row = await voicemail_row(desk.engine)
        assert (row.caller_number, row.state) == ("2125550151", "new")
        assert (await desk.engine.conversations.view(row.conversation_id or "")).queue == "general"
