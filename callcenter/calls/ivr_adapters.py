"""The IVR interpreter's ports over real things: FastAGI, sound files + espeak-ng, the CRM.

``FlowCallerChannel`` is the interpreter's channel over the caller-media port
(:mod:`callcenter.caller_media`, FastAGI in :mod:`callcenter.asterisk.agi_media`), which already
speaks the interpreter's errors: :class:`CallerGone` (stop at once) and :class:`PromptMissing`
(safety net).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callcenter.caller_media import CallerMedia, MediaFailed
from callcenter.calls.speech import KeywordSpotter
from crm_core.lookup import KnownCaller, ScreenPop
from ivr_flows.errors import CrmUnavailable, PromptMissing

log = logging.getLogger(__name__)

# Sounds a stock Asterisk install ships (core-sounds-en) that the shipped flows use.
STANDARD_SOUNDS = frozenset(
    {
        "hello-world", "beep", "silence/1", "vm-intro", "vm-msgsaved", "vm-goodbye", "goodbye",
        "option-is-invalid", "pls-hold-while-try", "queue-thankyou", "queue-youarenext",
        "queue-thereare", "queue-callswaiting", "queue-holdtime", "queue-minutes", "tt-monkeys",
        "agent-pass", "auth-thankyou", "demo-thanks", "please-try-again", "thank-you-for-calling",
    }
)  # fmt: skip


class FlowCallerChannel:
    """``ivr_flows.ports.CallerChannel`` over the caller-media port (which raises the interpreter's
    own ``CallerGone`` and ``PromptMissing``), with speech recognition on recorded answers."""

    def __init__(
        self, media: CallerMedia, speech: KeywordSpotter | None = None, record_dir: Path | None = None
    ) -> None:
        self._media = media
        self._speech = speech
        self._record_dir = record_dir

    async def play(self, prompt: str, escape_digits: str) -> str | None:
        return await self._media.play(prompt, escape_digits)

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        return await self._media.read_digits(prompt, timeout_ms, max_digits, terminator)

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        return await self._media.wait_for_digit(timeout_ms)

    async def listen_for_keywords(
        self, prompt: str, keywords: Sequence[str], timeout_ms: int, escape_digits: str
    ) -> str | None:
        """Play ``prompt``, record the answer (ends on silence or #) and spot a keyword.

        A key among ``escape_digits`` pressed during the prompt stops it and is the answer (a key
        pressed during ``STREAM FILE name ""`` would be dropped, fact 18). Without a speech model the
        prompt is played and nothing is recognised: the flow's DTMF options take over (validation
        warns about it before publishing).
        """
        digit = await self.play(prompt, escape_digits)
        if digit is not None:
            return digit
        if self._speech is None or self._record_dir is None:
            return None
        path = self._record_dir / f"speech-{uuid.uuid4().hex}"
        await self._media.record_answer(str(path), timeout_ms)
        recording = path.with_suffix(".wav")
        if not recording.is_file():
            log.warning("no speech recording to recognise", extra={"path": str(recording)})
            return None
        try:
            return await asyncio.to_thread(self._speech.recognise_file, recording, keywords)
        finally:
            recording.unlink(missing_ok=True)

    async def set_variable(self, name: str, value: str) -> None:
        try:
            await self._media.set_variable(name, value)
        except MediaFailed:
            log.warning("SET VARIABLE failed", extra={"variable": name})


class SoundPromptStore:
    """Prompts are sound files under ``sound_dir`` (shared with Asterisk) or stock Asterisk sounds.

    Text prompts are spoken by espeak-ng and converted to 8 kHz 16-bit mono WAV, cached by
    a hash of (language, voice, text). Without espeak-ng a text prompt is a missing prompt,
    and the flow's safety net sends the caller on (never to silence).
    """

    def __init__(
        self,
        sound_dir: Path,
        standard: Iterable[str] = STANDARD_SOUNDS,
        voices: Mapping[str, str] | None = None,
    ) -> None:
        self.sound_dir = sound_dir.resolve()
        self._standard = frozenset(standard)
        # language (first part of the tag) -> espeak-ng voice
        self._voices = dict(voices) if voices is not None else {"en": "en", "zh": "cmn"}

    def exists(self, name: str) -> bool:
        if name in self._standard:
            return True
        path = self.sound_dir / name
        return path.with_suffix(".wav").is_file() or path.is_file()

    async def prompt_for_text(self, text: str, language: str) -> str:
        voice = self._voices.get(language.split("_")[0].split("-")[0], "en")
        name = "tts-" + hashlib.sha256(f"{voice}\0{text}".encode()).hexdigest()[:20]
        target = self.sound_dir / f"{name}.wav"
        if not target.is_file():
            await asyncio.to_thread(self._speak, text, voice, target)
        return str(self.sound_dir / name)

    @staticmethod
    def _speak(text: str, voice: str, target: Path) -> None:
        espeak = shutil.which("espeak-ng")
        if espeak is None:
            raise PromptMissing(prompt=f"text:{text[:40]} (espeak-ng is not installed)")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Imported here: pydub warns at import time when ffmpeg is absent, which WAV work never needs.
        from pydub import AudioSegment

        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "speech.wav"
            subprocess.run([espeak, "-v", voice, "-w", str(raw), text], check=True, capture_output=True)  # noqa: S603
            with raw.open("rb") as source:  # pydub leaves files it opens itself unclosed
                audio = AudioSegment.from_wav(source)
            audio = audio.set_frame_rate(8000).set_channels(1).set_sample_width(2)
            partial = target.with_suffix(".part")
            with partial.open("wb") as out:
                audio.export(out, format="wav")
            partial.replace(target)


class CrmFlowLookup:
    """``ivr_flows.ports.CrmLookup`` over the CRM's screen-pop lookup (by caller number)."""

    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._pop = ScreenPop(default_region=default_region, interactions=0, notes=0)

    async def lookup(self, kind: str, value: str) -> Mapping[str, str] | None:
        """By caller number only: the CRM keeps no orders, so e.g. an ``order_number`` lookup
        answers not found (the flow takes its ``not_found`` branch) instead of being read as a
        phone number."""
        if kind != "caller_number":
            return None
        try:
            return await asyncio.to_thread(self._lookup, value)
        except Exception as exc:
            raise CrmUnavailable(reason=type(exc).__name__) from exc

    def _lookup(self, number: str) -> Mapping[str, str] | None:
        with self._sessions() as session:
            result = self._pop.by_number(session, number)
        if not isinstance(result, KnownCaller) or not result.matches:
            return None
        profile = result.matches[0].profile
        return {
            "customer_id": str(profile.id),
            "customer_name": profile.display_name,
            "value_tier": str(profile.tier),
            "preferred_language": profile.preferred_language or "",
        }


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
