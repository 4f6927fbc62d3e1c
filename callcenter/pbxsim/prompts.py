"""Which prompts exist and how long they play (in 8 kHz samples)."""

from __future__ import annotations

import contextlib
import wave
from pathlib import Path

from callcenter.pbxsim.config import SimConfig
from callcenter.pbxsim.timing import SAMPLE_RATE

SOUND_EXTENSIONS = (".wav", ".gsm", ".ulaw", ".alaw", ".sln", ".g722")


class PromptLibrary:
    """Known prompt names: the configured table plus any sound file under ``prompt_dir``."""

    def __init__(self, config: SimConfig) -> None:
        self._known = dict(config.known_prompts)
        self._dir = config.prompt_dir

    def samples(self, name: str) -> int | None:
        """Length of ``name`` in samples, or None if Asterisk would not find it."""
        if name in self._known:
            return self._known[name]
        if self._dir is None or ".." in Path(name).parts:
            return None
        for ext in SOUND_EXTENSIONS:
            path = self._dir / f"{name}{ext}"
            if path.is_file():
                if ext == ".wav":
                    with contextlib.suppress(wave.Error, OSError), wave.open(str(path), "rb") as wav:
                        return int(wav.getnframes() * SAMPLE_RATE / max(1, wav.getframerate()))
                return SAMPLE_RATE
        return None


# The recordings' lab paths (README of the transcripts): those directories existed on that Asterisk.
RECORDED_SPOOL = "/var/spool/callcenter/"


def can_write_recording(path: str, fmt: str) -> bool:
    """Asterisk opens ``path.fmt`` for writing and creates no directory; a replayed recording's
    spool path counts as present (nothing is written there when it is not)."""
    return path.startswith(RECORDED_SPOOL) or Path(f"{path}.{fmt}").parent.is_dir()


def write_recording(path: str, fmt: str, seconds: float) -> None:
    """RECORD FILE: write a short silent WAV if the target directory exists."""
    target = Path(f"{path}.{fmt}")
    if fmt.lower() != "wav" or not target.parent.is_dir():
        return
    frames = int(min(max(seconds, 0.0), 1.0) * SAMPLE_RATE)
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(b"\x00\x00" * frames)
