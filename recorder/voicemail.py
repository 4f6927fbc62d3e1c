"""Voicemail messages as files: where a message is written and read, which queue a mailbox means,
and what a recorded file holds. No telephony here: the engine's FastAGI part decides when to record.

Asterisk writes ``<asterisk_dir>/vm-<call>-<n>.wav`` on its host; the engine reads the same file as
``<engine_dir>/vm-<call>-<n>.wav`` (one directory both see: the same host or a shared mount).
"""

from __future__ import annotations

import re
import wave
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from callcenter.errors import CallCenterError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class VoicemailFileUnreadable(CallCenterError):
    """The engine cannot read a message Asterisk wrote (wrong ``engine_dir``, no shared mount, …)."""

    code = "voicemail.file_unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"voicemail file {path} cannot be read by the engine: {reason}")


@dataclass(frozen=True, slots=True)
class MessagePaths:
    asterisk_base: str  # what RECORD FILE is given (Asterisk adds ".wav")
    engine_file: Path  # the same file as the engine reads it


@dataclass(frozen=True, slots=True)
class MessageFile:
    path: Path
    duration_s: float
    size_bytes: int


def message_paths(asterisk_dir: str, engine_dir: str, uniqueid: str, attempt: int) -> MessagePaths:
    name = f"vm-{_UNSAFE.sub('_', uniqueid)[:60]}-{attempt}"
    return MessagePaths(str(PurePosixPath(asterisk_dir) / name), Path(engine_dir) / f"{name}.wav")


def queue_for(mailbox: str, mailboxes: Mapping[str, str], queues: Collection[str], default: str) -> str:
    """``mailboxes`` first, then the mailbox's name as a queue (``general@default`` -> ``general``),
    else ``default``."""
    mapped = mailboxes.get(mailbox)
    if mapped is not None and mapped in queues:
        return mapped
    name = mailbox.split("@", 1)[0]
    return name if name in queues else default


def read_message(path: Path) -> MessageFile:
    """Length and size of a recorded WAV; VoicemailFileUnreadable when the engine cannot read it."""
    try:
        size = path.stat().st_size
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
    except FileNotFoundError:
        raise VoicemailFileUnreadable(
            path, "no such file (is engine_dir the directory Asterisk writes?)"
        ) from None
    except (OSError, wave.Error, EOFError) as exc:
        raise VoicemailFileUnreadable(path, str(exc) or type(exc).__name__) from exc
    return MessageFile(path, round(frames / rate, 2) if rate else 0.0, size)
