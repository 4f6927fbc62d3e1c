"""μ-law compression of the recorded MixMonitor file: half the size, the same samples within G.711's
step, and refusals for what is not 16-bit PCM."""

from __future__ import annotations

import audioop
import wave
from pathlib import Path

import pytest

from callcenter.pbxsim.recordings import SAMPLE
from recorder.compress import NotCompressible, mulaw_frames, to_mulaw
from recorder.files import check_recording


def test_given_the_recorded_wav_then_the_mulaw_copy_is_half_and_decodes_to_the_same_audio(
    tmp_path: Path,
) -> None:
    made = to_mulaw(SAMPLE, tmp_path / "call.ulaw.wav")
    assert made.frames == 48_160
    assert mulaw_frames(made.path) == 48_160
    assert check_recording(made.path).ok
    assert made.path.stat().st_size == 58 + 48_160  # header with a fact chunk, one byte a sample
    with wave.open(str(SAMPLE), "rb") as original:
        pcm = original.readframes(original.getnframes())
    decoded = audioop.ulaw2lin(made.path.read_bytes()[58:], 2)
    assert len(decoded) == len(pcm)
    # G.711 keeps about 13 bits: the loudest sample moves by a few percent at most, silence stays silence.
    assert audioop.rms(audioop.add(pcm, audioop.mul(decoded, 2, -1), 2), 2) < 0.05 * max(
        1, audioop.rms(pcm, 2)
    )


def test_given_files_that_are_not_16_bit_pcm_then_they_are_refused(tmp_path: Path) -> None:
    once = to_mulaw(SAMPLE, tmp_path / "once.ulaw.wav")
    with pytest.raises(NotCompressible):
        to_mulaw(once.path, tmp_path / "twice.ulaw.wav")
    (tmp_path / "text.wav").write_text("not audio")
    with pytest.raises(NotCompressible):
        to_mulaw(tmp_path / "text.wav", tmp_path / "text.ulaw.wav")
    with pytest.raises(NotCompressible):
        mulaw_frames(SAMPLE)
    cut = tmp_path / "cut.ulaw.wav"
    cut.write_bytes(once.path.read_bytes()[:1000])
    with pytest.raises(NotCompressible):
        mulaw_frames(cut)
