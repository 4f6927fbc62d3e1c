"""Voicemail transcripts: free-text speech recognition of a message with a vosk model (no grammar),
blocking (the inbox runs it in a worker thread). Without a configured model there is no transcript."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, Protocol

from callcenter.calls.speech import MODEL_SAMPLE_RATE, _to_pcm16_mono, bundled_model_path
from callcenter.errors import ConfigError, SpeechModelUnavailable

log = logging.getLogger(__name__)


class Transcriber(Protocol):
    def transcribe(self, wav_path: Path) -> str: ...


class VoskTranscriber:
    def __init__(self, model_path: Path) -> None:
        if not (model_path / "am" / "final.mdl").is_file():
            raise SpeechModelUnavailable(f"{model_path} is not a vosk model directory (no am/final.mdl)")
        try:
            import vosk
        except ImportError as exc:
            raise SpeechModelUnavailable("vosk is not installed: pip install vosk==0.3.45") from exc
        vosk.SetLogLevel(-1)
        self._vosk: Any = vosk
        try:
            self._model: Any = vosk.Model(str(model_path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise SpeechModelUnavailable(f"vosk could not load the model in {model_path}: {exc}") from exc
        self._lock = threading.Lock()

    def transcribe(self, wav_path: Path) -> str:
        pcm = _to_pcm16_mono(wav_path.read_bytes(), MODEL_SAMPLE_RATE)
        with self._lock:
            recogniser = self._vosk.KaldiRecognizer(self._model, float(MODEL_SAMPLE_RATE))
        recogniser.AcceptWaveform(pcm)
        return str(json.loads(recogniser.FinalResult()).get("text", "")).strip()


def load_transcriber(model: str | None) -> Transcriber | None:
    """``voicemail.speech_model``: None (no transcripts), ``bundled`` or a model directory."""
    if model is None:
        return None
    path = bundled_model_path() if model == "bundled" else Path(model)
    if path is None:
        raise ConfigError("voicemail.speech_model is 'bundled' but no vosk model package is installed")
    try:
        return VoskTranscriber(path)
    except SpeechModelUnavailable as exc:
        raise ConfigError(f"voicemail.speech_model: {exc}") from exc
