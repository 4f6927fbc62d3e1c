"""The file MixMonitor writes: the recorded Asterisk's own (``media/mixmonitor-call.wav``, 8 kHz 16-bit
mono WAV from ``inbound_redirect``), written at the path the ``MixMonitor`` action names.

Like Asterisk, a directory that cannot be created or written is logged and the call goes on with no
file (the engine flags the recording ``missing`` when the call ends).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
SAMPLE = Path(__file__).with_name("media") / "mixmonitor-call.wav"


@cache
def _sample() -> bytes:
    return SAMPLE.read_bytes()


def write_mixmonitor_file(path: str) -> None:
    if not path:
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_sample())
    except OSError as exc:
        log.warning("MixMonitor cannot write its file", extra={"path": path, "error": str(exc)})
