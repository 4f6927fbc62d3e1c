"""The channel's decisions, pure: acknowledge or not (RFC 3834), which queue, the subject tag."""

from __future__ import annotations

import re

from callcenter.email.parsing import ParsedMail
from callcenter.settings_email import EmailSettings

_TAG = re.compile(r"\[#T-(\d{1,18})\]")
_NO_REPLY_LOCAL = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|owner-.*|.*-request|bounces?)$"
)


def subject_tag(ticket_id: int) -> str:
    return f"[#T-{ticket_id}]"


def tagged_ticket(subject: str) -> int | None:
    """The ticket number of the last ``[#T-123]`` tag in a subject, if any."""
    found = _TAG.findall(subject)
    return int(found[-1]) if found else None


def reply_subject(subject: str, ticket_id: int | None) -> str:
    base = subject.strip() or "(no subject)"
    if not re.match(r"(?i)^re:", base):
        base = f"Re: {base}"
    if ticket_id is not None and tagged_ticket(base) != ticket_id:
        base = f"{base} {subject_tag(ticket_id)}"
    return base


def acknowledgement_refused(mail: ParsedMail, ours: frozenset[str]) -> str | None:
    """Why this mail must get no automatic answer (RFC 3834 §2), or None when it may.

    Never to: automatic mail (``Auto-Submitted`` other than ``no``; Microsoft's
    ``X-Auto-Response-Suppress``), bulk and list mail (``Precedence: bulk/list/junk``, ``List-Id``,
    ``List-Unsubscribe``), ourselves or a mail that already went through us (``X-Loop``), a null
    envelope sender (``Return-Path: <>``, bounces), or system addresses (mailer-daemon, no-reply…).
    """
    headers = mail.headers
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return "auto_submitted"
    if "x-auto-response-suppress" in headers:
        return "auto_submitted"
    if headers.get("precedence", "").strip().lower() in ("bulk", "list", "junk"):
        return "bulk"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "list"
    if mail.from_address in ours:
        return "ours"
    loop = headers.get("x-loop", "").lower()
    if any(address in loop for address in ours):
        return "loop"
    if headers.get("return-path", "").replace(" ", "") == "<>":
        return "bounce"
    if _NO_REPLY_LOCAL.match(mail.from_address.split("@", 1)[0]):
        return "system_address"
    return None


def route(
    settings: EmailSettings, from_address: str, subject: str
) -> tuple[str, tuple[tuple[str, int], ...]]:
    """Queue and skills: the first matching rule of ``settings.routes``, else the default queue."""
    domain = from_address.rsplit("@", 1)[-1]
    lowered = subject.lower()
    for rule in settings.routes:
        if rule.from_address and rule.from_address != from_address:
            continue
        if rule.from_domain and not (domain == rule.from_domain or domain.endswith("." + rule.from_domain)):
            continue
        if rule.subject_contains and rule.subject_contains not in lowered:
            continue
        return rule.queue, tuple(sorted(rule.skills.items()))
    return settings.default_queue, ()
