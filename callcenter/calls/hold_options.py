"""What a caller can do while waiting in a queue: "press 1 to be called back, keeping your place".

Keys pressed during ``EXEC MusicOnHold`` never reach the AGI (only AMI ``DTMFEnd`` shows them, fact 12)
and keys pressed during ``STREAM FILE`` without escape digits are dropped (fact 18). A queue with
``callback_while_waiting`` therefore holds its callers differently: ``SET MUSIC on`` then
``WAIT FOR DIGIT <segment>``, so the music-on-hold generator plays while the AGI itself waits for a key
(announce.jsonl records the pair), and every announcement between segments is played with the option
key as escape digit. A key reaches the engine at any moment of the wait, without an AMI round trip; an
agent's Redirect still ends the running command with ``result=-1`` (fact 7) and so ends the hold. The
music left on by a Redirect stops where Asterisk bridges the caller (Dial clears generators on answer,
the AMI Bridge stops music on hold).

The caller who presses the key keeps their place as a callback item exactly like the IVR's
``callback_offer`` (``CallbackPort.from_ivr``), hears that it is booked on their number (the caller id)
and is hung up. When it cannot be done (no usable caller id, the ACD refused) they are told so and keep
waiting. Queues without the option keep the plain ``EXEC MusicOnHold`` hold.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from acd.errors import AcdError
from callcenter.caller_media import CallerMedia, MediaFailed
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.i18n import translate
from ivr_flows.errors import CallerGone, PromptMissing

log = logging.getLogger(__name__)

CALLBACK_KEY = "1"
# Played when the confirmation cannot be spoken (no espeak-ng): a stock Asterisk sound.
BOOKED_FALLBACK_SOUND = "auth-thankyou"

# ``InboundCalls._announce_position``: "you are next" / "there are N calls waiting", stopped by a key.
PositionAnnouncer = Callable[[CallerMedia, LiveCall, str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Played:
    """An announcement that was played; ``key`` stopped it early."""

    key: str | None


class TextPrompts(Protocol):
    """``SoundPromptStore``: a sound file (without extension) speaking ``text``."""

    async def prompt_for_text(self, text: str, language: str) -> str: ...


def catalogue_language(language: str | None) -> str:
    """The catalogue of a caller's language tag ("zh", "zh_CN", "zh-CN" → "zh_CN"; else "en")."""
    return "zh_CN" if (language or "").lower().startswith("zh") else "en"


def expected_minutes(wait_s: float | None) -> int | None:
    """Whole minutes to announce (rounded up), or None when there is no estimate (nobody staffed)."""
    if wait_s is None or not math.isfinite(wait_s) or wait_s <= 0:
        return None
    return max(1, math.ceil(wait_s / 60))


def options_text(language: str, expected_wait_s: float | None) -> str:
    """The announcement between hold segments: the expected wait when known, then the option."""
    lang = catalogue_language(language)
    minutes = expected_minutes(expected_wait_s)
    parts = []
    if minutes == 1:
        parts.append(translate("ivr.hold.expected_wait_one", lang))
    elif minutes is not None:
        parts.append(translate("ivr.hold.expected_wait", lang, minutes=minutes))
    parts.append(translate("ivr.hold.callback_option", lang, key=CALLBACK_KEY))
    return " ".join(parts)


def callback_booked_text(language: str, number: str) -> str:
    """The confirmation, with the number read digit by digit."""
    digits = " ".join(ch for ch in number if ch.isdigit())
    return translate("ivr.hold.callback_booked", catalogue_language(language), number=digits)


def callback_unavailable_text(language: str) -> str:
    return translate("ivr.hold.callback_unavailable", catalogue_language(language))


class WaitingOptions:
    """The hold segment of a queue that offers a callback while waiting (see the module doc)."""

    def __init__(
        self,
        service: CallService,
        prompts: TextPrompts,
        callback_queues: Collection[str],
        language: str,
        *,
        music_class: str = "default",
        segment_s: int = 20,
    ) -> None:
        self._service = service
        self._prompts = prompts
        self._callback_queues = frozenset(callback_queues)
        self._language = language
        self._music_class = music_class
        self._segment_ms = segment_s * 1000

    def offered(self, call: LiveCall) -> bool:
        """Whether ``call``'s queue (now: a supervisor may move it) offers the callback."""
        return call.queue in self._callback_queues and self._service.callbacks is not None

    async def segment(self, media: CallerMedia, call: LiveCall, announce_position: PositionAnnouncer) -> None:
        """Announcements, then music until a key or the segment's end; the key books the callback.

        Raises :class:`CallerGone` once the caller is gone: hung up, sent to an agent, or left
        with a callback booked.
        """
        key = await announce_position(media, call, CALLBACK_KEY)
        if key is None:
            key = await self._announce_options(media, call)
        if key is None:
            key = await self._music_until_key(media)
        if key == CALLBACK_KEY and call.phase is CallPhase.QUEUED:
            await self._book_callback(media, call)

    def _language_of(self, call: LiveCall) -> str:
        return catalogue_language(call.language or self._language)

    async def _announce_options(self, media: CallerMedia, call: LiveCall) -> str | None:
        if call.phase is not CallPhase.QUEUED or call.item_id is None:
            return None  # being offered already: the Redirect is on its way
        try:
            wait_s: float | None = await self._service.router.estimated_wait(call.item_id)
        except AcdError:
            wait_s = None
        language = self._language_of(call)
        played = await self._say(media, options_text(language, wait_s), language, CALLBACK_KEY)
        return played.key if played else None

    async def _music_until_key(self, media: CallerMedia) -> str | None:
        """Music on hold for one segment; the callback key ends it early (other keys do not)."""
        end = asyncio.get_running_loop().time() + self._segment_ms / 1000
        wait_ms = self._segment_ms
        await media.set_music(True, self._music_class)
        key: str | None = None
        while wait_ms > 0:
            key = await media.wait_for_digit(wait_ms)
            if key is None or key == CALLBACK_KEY:
                break
            wait_ms = int((end - asyncio.get_running_loop().time()) * 1000)
        await media.set_music(False)
        return key if key == CALLBACK_KEY else None

    async def _book_callback(self, media: CallerMedia, call: LiveCall) -> None:
        callbacks, queue, language = self._service.callbacks, call.queue, self._language_of(call)
        # The caller id is the number called back; from_ivr refuses one that cannot be dialed.
        booked = (
            callbacks is not None
            and queue is not None
            and await callbacks.from_ivr(call, queue, call.caller_number)
        )
        if not booked:
            log.info(
                "callback while waiting not possible; the caller keeps waiting",
                extra={"uniqueid": call.uniqueid, "queue": queue},
            )
            await self._say(media, callback_unavailable_text(language), language, "")
            return
        log.info("waiting caller left a callback request", extra={"uniqueid": call.uniqueid, "queue": queue})
        confirmation = callback_booked_text(language, call.caller_number)
        try:
            if await self._say(media, confirmation, language, "") is None:
                await self._play(media, BOOKED_FALLBACK_SOUND)
            await media.hangup()
        except (CallerGone, MediaFailed):
            log.debug("caller gone before the hang-up", extra={"uniqueid": call.uniqueid})
        await self._service.channel_hung_up(call.channel)
        raise CallerGone(reason=f"{call.channel} left the queue with a callback booked")

    async def _say(self, media: CallerMedia, text: str, language: str, escape: str) -> Played | None:
        """Speak ``text`` (stopped by a key in ``escape``); None when it could not be played."""
        try:
            prompt = await self._prompts.prompt_for_text(text, language)
        except Exception:
            # No espeak-ng, or it failed: the caller keeps the music and the key, only the words are lost.
            log.warning("hold announcement could not be spoken", exc_info=True, extra={"text": text[:40]})
            return None
        return await self._play(media, prompt, escape)

    @staticmethod
    async def _play(media: CallerMedia, name: str, escape: str = "") -> Played | None:
        try:
            return Played(await media.play(name, escape))
        except PromptMissing:
            log.warning("hold announcement missing", extra={"prompt": name})
            return None
