"""Voicemail files: names Asterisk and the engine agree on, the queue a mailbox means, and a clear
error for a file the engine cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from recorder.voicemail import VoicemailFileUnreadable, message_paths, queue_for, read_message


def test_given_a_call_id_then_both_sides_name_the_same_file_and_nothing_escapes_the_directory() -> None:
    paths = message_paths("/var/spool/cc/vm", "/mnt/cc/vm", "1795383169.1", 2)
    assert (paths.asterisk_base, paths.engine_file) == (
        "/var/spool/cc/vm/vm-1795383169.1-2",
        Path("/mnt/cc/vm/vm-1795383169.1-2.wav"),
    )
    odd = message_paths("/vm", "/vm", "../../etc/x y", 1)
    assert odd.asterisk_base == "/vm/vm-.._.._etc_x_y-1"


def test_given_mailboxes_then_the_mapping_then_the_name_then_the_default_decide_the_queue() -> None:
    queues = ("general", "support")
    assert queue_for("1000@default", {"1000@default": "support"}, queues, "general") == "support"
    assert queue_for("1000@default", {"1000@default": "gone"}, queues, "general") == "general"
    assert queue_for("support@default", {}, queues, "general") == "support"
    assert queue_for("sales", {}, queues, "general") == "general"


def test_given_a_missing_or_broken_file_then_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VoicemailFileUnreadable, match="no such file"):
        read_message(tmp_path / "absent.wav")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00")
    with pytest.raises(VoicemailFileUnreadable) as raised:
        read_message(broken)
    assert raised.value.path == broken
