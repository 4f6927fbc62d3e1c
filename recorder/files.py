"""The recording files on disk: where the engine sees them, whether one is usable, removing one.

Asterisk writes MixMonitor files on its own host (``dialplan.recordings_dir``); the engine reads the
same files through a directory it can see (a shared mount, or the same path on one host). A file is
usable when it is there, readable, a RIFF/WAVE file, and holds audio past its header: an empty or
header-only file is as missing as no file, and the reason says which.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

WAV_HEADER = 44  # RIFF + fmt + data chunk headers of a plain PCM WAV
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FileCheck:
    """``reason`` is None for a usable file; else a short code: ``not_found``, ``unreadable``,
    ``empty``, ``not_wav``, ``no_audio``."""

    size: int | None
    sha256: str | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.reason is None


def engine_path(asterisk_path: str, asterisk_dir: str, engine_dir: str) -> Path:
    """Where the engine reads a file Asterisk wrote at ``asterisk_path``: the part under
    ``asterisk_dir`` moved under ``engine_dir`` (an empty ``engine_dir``: the same path)."""
    if not engine_dir:
        return Path(asterisk_path)
    written = PurePosixPath(asterisk_path)
    try:
        relative = written.relative_to(PurePosixPath(asterisk_dir))
    except ValueError:
        relative = PurePosixPath(written.name)  # outside the shared tree: look for the name alone
    return Path(engine_dir) / relative


def check_recording(path: Path) -> FileCheck:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return FileCheck(None, None, "not_found")
    except OSError:
        return FileCheck(None, None, "unreadable")
    if size == 0:
        return FileCheck(0, None, "empty")
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            head = file.read(WAV_HEADER)
            digest.update(head)
            while block := file.read(_CHUNK):
                digest.update(block)
    except OSError:
        return FileCheck(size, None, "unreadable")
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return FileCheck(size, digest.hexdigest(), "not_wav")
    if size <= WAV_HEADER:
        return FileCheck(size, digest.hexdigest(), "no_audio")
    return FileCheck(size, digest.hexdigest(), None)


def remove_file(path: Path) -> str | None:
    """Delete ``path``; None when it is gone (or was already), else why it could not be."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None
