"""Raw bytes → :class:`ParsedMail`, or the reason it goes to quarantine. Pure (no I/O).

The standard library parser (``policy.default``) never gives up: it records *defects* and carries on.
A mail whose MIME structure is broken (a multipart without its boundary, a part that cannot be
decoded) is not guessed at: it is quarantined with the reason, and the raw bytes stay stored.
"""

from __future__ import annotations

import dataclasses
import email
import email.errors
import email.policy
import email.utils
import hashlib
import html
import re
from email.message import EmailMessage, Message

import nh3

from callcenter.email.errors import (
    QUARANTINE_BROKEN_MIME,
    QUARANTINE_NO_SENDER,
    QUARANTINE_TOO_LARGE,
    QUARANTINE_UNPARSABLE,
)

# Structural defects: the parts of such a mail cannot be told apart reliably.
_FATAL_DEFECTS = (
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.CloseBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.MissingHeaderBodySeparatorDefect,
)
_MSGID = re.compile(r"<[^<>\s]+>")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedMail:
    message_id: str  # "<…>"; a mail without one gets "<sha256@missing.invalid>"
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str  # lower case
    from_name: str
    subject: str
    text: str
    html: str | None
    language: str  # "en" | "zh_CN"
    headers: dict[str, str]  # lower-cased names of the headers the rules look at
    attachments: tuple[ParsedAttachment, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Quarantine:
    reason: str  # an ``email.quarantine.*`` code
    detail: str


_RULE_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-loop",
    "x-auto-response-suppress",
    "return-path",
    "content-language",
)


def message_ids(value: str | None) -> tuple[str, ...]:
    """``"<a@x> <b@y>"`` → ``("<a@x>", "<b@y>")`` (anything else in the header is ignored)."""
    return tuple(_MSGID.findall(value or ""))


def parse_mail(raw: bytes, max_bytes: int) -> ParsedMail | Quarantine:
    if len(raw) > max_bytes:
        return Quarantine(QUARANTINE_TOO_LARGE, f"{len(raw)} bytes > {max_bytes}")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:
        return Quarantine(QUARANTINE_UNPARSABLE, type(exc).__name__)
    assert isinstance(message, EmailMessage)
    broken = _fatal_defect(message)
    if broken is not None:
        return Quarantine(QUARANTINE_BROKEN_MIME, broken)
    try:
        return _parsed(message, raw)
    except _NoSender as exc:
        return Quarantine(QUARANTINE_NO_SENDER, str(exc)[:200])
    except Exception as exc:
        return Quarantine(QUARANTINE_BROKEN_MIME, f"{type(exc).__name__}: {exc}"[:200])


class _NoSender(Exception):
    pass


def _fatal_defect(message: EmailMessage) -> str | None:
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, _FATAL_DEFECTS):
                return type(defect).__name__
    return None


def _parsed(message: EmailMessage, raw: bytes) -> ParsedMail:
    name, address = email.utils.parseaddr(str(message.get("From", "")))
    if "@" not in address:
        raise _NoSender(f"From: {str(message.get('From', ''))!r}")
    text, body_html = _bodies(message)
    headers = {h: str(message[h]) for h in _RULE_HEADERS if message[h] is not None}
    subject = " ".join(str(message.get("Subject", "")).split())
    own_ids = message_ids(str(message.get("Message-ID", "")))
    return ParsedMail(
        message_id=own_ids[0] if own_ids else f"<{hashlib.sha256(raw).hexdigest()}@missing.invalid>",
        in_reply_to=message_ids(str(message.get("In-Reply-To", ""))),
        references=message_ids(str(message.get("References", ""))),
        from_address=address.strip().lower(),
        from_name=name.strip() or address.strip(),
        subject=subject,
        text=text,
        html=body_html,
        language=detect_language(headers.get("content-language"), subject + "\n" + text),
        headers=headers,
        attachments=tuple(_attachments(message)),
    )


def _bodies(message: EmailMessage) -> tuple[str, str | None]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    body_html = str(rich.get_content()) if isinstance(rich, EmailMessage) else None
    if isinstance(plain, EmailMessage):
        text = str(plain.get_content())
    elif body_html is not None:
        text = html_to_text(body_html)
    else:
        text = ""
    return text.replace("\r\n", "\n").strip(), body_html


def html_to_text(markup: str) -> str:
    stripped = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup), tags=set())
    return html.unescape(stripped)


def _attachments(message: EmailMessage) -> list[ParsedAttachment]:
    found: list[ParsedAttachment] = []
    for part in message.iter_attachments():
        data = _payload(part)
        found.append(
            ParsedAttachment(
                filename=(part.get_filename() or "attachment")[:200],
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return found


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def detect_language(content_language: str | None, text: str) -> str:
    """zh_CN when the mail says so (``Content-Language: zh…``) or is mostly Chinese; else en."""
    if content_language:
        return "zh_CN" if content_language.strip().lower().startswith("zh") else "en"
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    return "zh_CN" if len(_CJK.findall(text)) * 3 >= len(letters) else "en"
