"""Checking a recording file and mapping Asterisk's path to the engine's."""

from __future__ import annotations

import hashlib
from pathlib import Path

from callcenter.pbxsim.recordings import SAMPLE
from recorder.files import check_recording, engine_path, remove_file


def test_given_the_recorded_wav_then_it_is_usable_with_size_and_checksum(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    (tmp_path / "a.wav").write_bytes(data)
    check = check_recording(tmp_path / "a.wav")
    assert check.ok
    assert (check.size, check.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_given_bad_files_then_each_has_its_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "text.wav").write_bytes(b"this is not audio at all, just some words" * 3)
    (tmp_path / "header.wav").write_bytes(SAMPLE.read_bytes()[:44])
    reasons = {
        name: check_recording(tmp_path / name).reason for name in ("empty.wav", "text.wav", "header.wav")
    }
    assert reasons == {"empty.wav": "empty", "text.wav": "not_wav", "header.wav": "no_audio"}
    assert check_recording(tmp_path / "none.wav").reason == "not_found"
    assert not check_recording(tmp_path / "none.wav").ok


def test_given_a_shared_mount_then_the_engine_reads_under_its_own_directory() -> None:
    spool = "/var/spool/callcenter/recordings"
    written = f"{spool}/2026/1795382159.10.wav"
    assert engine_path(written, spool, "/mnt/rec") == Path("/mnt/rec/2026/1795382159.10.wav")
    assert engine_path(written, spool, "") == Path(written)
    assert engine_path("/elsewhere/x.wav", spool, "/mnt/rec") == Path("/mnt/rec/x.wav")


def test_given_a_file_then_removing_it_twice_is_fine(tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    target.write_bytes(b"RIFF")
    assert remove_file(target) is None
    assert remove_file(target) is None
    assert not target.exists()
    assert remove_file(tmp_path) is not None  # a directory: a reason, no crash
