"""The pure rules of conversations: input checks, customer tokens, opening hours, attachment
sniffing, rate windows and the transcript text. No I/O; time comes in as arguments."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
import zoneinfo
from collections import deque

from callcenter.conversations.api import Sender, StoredMessage
from callcenter.conversations.errors import BadAttachment, BadInput, RateLimited
from callcenter.i18n import translate
from callcenter.settings_chat import OpeningHours

LANGUAGES = ("en", "zh_CN")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
NAME_MAX = 200
# Tabs and line breaks are text; every other control character is refused (they hide text).
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS for ch in text)


def check_text(text: str, max_chars: int, attachments: int = 0) -> str:
    """A message's text: not empty (unless files come with it), not too long, no control characters."""
    if not text.strip() and not attachments:
        raise BadInput("conversation.empty_message")
    if len(text) > max_chars:
        raise BadInput("conversation.message_too_long", length=len(text), max_length=max_chars)
    if _has_controls(text):
        raise BadInput("conversation.bad_text")
    return text


def check_name(name: str) -> str:
    value = " ".join(name.split())
    if not value:
        raise BadInput("conversation.name_required")
    if len(value) > NAME_MAX or _has_controls(value):
        raise BadInput("conversation.bad_name", max_length=NAME_MAX)
    return value


def check_client_id(client_id: str) -> str:
    if not CLIENT_ID.match(client_id):
        raise BadInput("conversation.bad_client_id")
    return client_id


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise BadInput("conversation.bad_language", allowed=", ".join(LANGUAGES))
    return language


# -- signed customer tokens --------------------------------------------------------------------
def sign_customer(customer_id: int, secret: str) -> str:
    """``"<id>.<hex HMAC-SHA256 of the id>"``: what the site puts in the page for a signed-in customer."""
    digest = hmac.new(secret.encode(), str(customer_id).encode(), hashlib.sha256).hexdigest()
    return f"{customer_id}.{digest}"


def verify_customer_token(token: str, secret: str) -> int:
    """The customer id a token was signed for; ``conversation.bad_token`` for anything else."""
    customer, _, digest = token.partition(".")
    if not secret or not customer.isdigit() or len(customer) > 18 or len(digest) != 64:
        raise BadInput("conversation.bad_token")
    expected = hmac.new(secret.encode(), customer.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, digest.lower()):
        raise BadInput("conversation.bad_token")
    return int(customer)


# -- opening hours -----------------------------------------------------------------------------
def is_open(hours: OpeningHours | None, now: float) -> bool:
    if hours is None:
        return True
    local = dt.datetime.fromtimestamp(now, tz=zoneinfo.ZoneInfo(hours.timezone))
    return local.weekday() in hours.days and hours.opens <= local.time() < hours.closes


# -- attachments -------------------------------------------------------------------------------
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
)
ALLOWED_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain")
_FILENAME_MAX = 200


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (of the allowed ones), or None."""
    for magic, offset, content_type in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _has_controls(text) else "text/plain"


def check_attachment(filename: str, claimed: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """(safe file name, content type): the type is what the bytes are, and must be what was claimed."""
    if len(data) > max_bytes:
        raise BadAttachment("conversation.attachment_too_large", size=len(data), max_size=max_bytes)
    if not data:
        raise BadAttachment("conversation.attachment_empty")
    actual = sniff(data)
    claimed_type = claimed.split(";", 1)[0].strip().lower()
    if actual is None or claimed_type not in ALLOWED_TYPES:
        raise BadAttachment("conversation.attachment_type", allowed=", ".join(ALLOWED_TYPES))
    if actual != claimed_type:
        raise BadAttachment("conversation.attachment_mismatch", claimed=claimed_type, actual=actual)
    return safe_filename(filename), actual


def safe_filename(filename: str) -> str:
    """The last path part, without control characters; "file" when nothing is left."""
    base = re.split(r"[\\/]", filename)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return cleaned[:_FILENAME_MAX] or "file"


# -- rate windows ------------------------------------------------------------------------------
class RateWindow:
    """At most ``limit`` events per ``window_s`` per key (sliding window, in memory)."""

    def __init__(self, limit: int, window_s: float, code: str) -> None:
        self._limit = limit
        self._window = window_s
        self._code = code
        self._events: dict[str, deque[float]] = {}

    def hit(self, key: str, now: float) -> None:
        """Count one event, or raise :class:`RateLimited` (not counted) when over the limit."""
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self._window:
            events.popleft()
        if len(events) >= self._limit:
            raise RateLimited(self._code, seconds=max(1, int(events[0] + self._window - now + 0.999)))
        events.append(now)

    def forget(self, key: str) -> None:
        self._events.pop(key, None)

    def prune(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self._window]:
            del self._events[key]


# -- transcript --------------------------------------------------------------------------------
def transcript(messages: list[StoredMessage] | tuple[StoredMessage, ...], language: str) -> str:
    """Plain text, one block per message: ``[2026-12-06 10:00:05 UTC] agent 1001: text``; the
    system's messages in ``language``."""
    lines = []
    for m in messages:
        at = dt.datetime.fromtimestamp(m.at, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        files = "".join(f"\n  [file: {a.filename}, {a.size} bytes]" for a in m.attachments)
        who = "system" if m.sender is Sender.SYSTEM else f"{m.sender.value} {m.author}"
        text = translate(m.text, language) if m.sender is Sender.SYSTEM else m.text
        lines.append(f"[{at}] {who}: {text}{files}")
    return "\n".join(lines)
