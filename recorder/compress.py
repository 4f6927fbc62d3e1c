"""Compression of a verified recording: 16-bit PCM WAV → G.711 μ-law WAV, half the size.

The call's audio crossed the network as G.711 (8 bits a sample); MixMonitor widened it to 16-bit PCM.
Going back to μ-law keeps what the caller and agent heard and halves the file; browsers play μ-law
WAV (format tag 7) in an ``<audio>`` element as they play PCM. The new file is written beside the
original, read back and compared sample count for sample count before the caller swaps them.
"""

from __future__ import annotations

import audioop  # deprecated in 3.11, removed in 3.13: lin2ulaw is all we use (pydub imports it too)
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

MULAW = 7
_CHUNK_FRAMES = 64_000


class NotCompressible(Exception):
    """Not a 16-bit PCM WAV (already μ-law, or something else)."""


@dataclass(frozen=True, slots=True)
class Compressed:
    path: Path
    frames: int


def _header(channels: int, rate: int, frames: int) -> bytes:
    data = frames * channels
    fmt = struct.pack("<HHIIHHH", MULAW, channels, rate, rate * channels, channels, 8, 0)
    fact = struct.pack("<I", frames)
    riff_size = 4 + (8 + len(fmt)) + (8 + len(fact)) + (8 + data) + (data & 1)
    return (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"fact" + struct.pack("<I", len(fact)) + fact
        + b"data" + struct.pack("<I", data)
    )  # fmt: skip


def to_mulaw(source: Path, target: Path) -> Compressed:
    """Write ``target``, the μ-law copy of ``source``; raises :class:`NotCompressible` or ``OSError``."""
    try:
        with wave.open(str(source), "rb") as reader:
            if reader.getsampwidth() != 2 or reader.getcomptype() != "NONE":
                raise NotCompressible(f"{reader.getsampwidth() * 8}-bit {reader.getcomptype()}")
            channels, frames = reader.getnchannels(), reader.getnframes()
            written = _copy_as_mulaw(reader, target, channels, frames)
    except (wave.Error, EOFError) as exc:
        raise NotCompressible(str(exc)) from None
    if written != frames * channels:
        target.unlink(missing_ok=True)
        raise NotCompressible(f"{written} of {frames * channels} samples read")
    return Compressed(target, frames)


def _copy_as_mulaw(reader: wave.Wave_read, target: Path, channels: int, frames: int) -> int:
    with open(target, "wb") as out:
        out.write(_header(channels, reader.getframerate(), frames))
        written = 0
        while block := reader.readframes(_CHUNK_FRAMES):
            encoded = audioop.lin2ulaw(block, 2)
            out.write(encoded)
            written += len(encoded)
        if written & 1:
            out.write(b"\x00")
    return written


def mulaw_frames(path: Path) -> int:
    """The sample frames a μ-law WAV this module wrote says it holds, checked against its data size."""
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE" or struct.unpack_from("<H", data, 20)[0] != MULAW:
        raise NotCompressible("not a μ-law WAV")
    channels = struct.unpack_from("<H", data, 22)[0]
    frames = struct.unpack_from("<I", data, 20 + 18 + 8)[0]
    size = struct.unpack_from("<I", data, 20 + 18 + 8 + 4 + 4)[0]
    if size != frames * channels or len(data) < 58 + size:
        raise NotCompressible("μ-law data shorter than its header says")
    return int(frames)
