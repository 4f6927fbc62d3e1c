"""Which stored mails must wait for which before being processed side by side. Pure.

Mails are processed a few at a time, but never out of the order that matters: a mail waits for the
sender's previous mail (their conversation is opened before their next mail threads into it) and
for every earlier mail of the batch it answers (In-Reply-To / References name its Message-ID).
"""

from __future__ import annotations

import dataclasses
import email.parser
import email.utils

from callcenter.email.parsing import message_ids


@dataclasses.dataclass(frozen=True, slots=True)
class MailKey:
    raw_id: int
    sender: str  # lower case; "" when unreadable (such mails wait for each other)
    message_id: str | None
    refers_to: tuple[str, ...]


def mail_key(raw_id: int, raw: bytes) -> MailKey:
    """Read only the headers (lenient: a broken mail still gets a key; the processor quarantines it)."""
    try:
        headers = email.parser.BytesHeaderParser().parsebytes(raw)
        sender = email.utils.parseaddr(str(headers.get("From", "")))[1].strip().lower()
        own = message_ids(str(headers.get("Message-ID", "")))
        refers = message_ids(f"{headers.get('In-Reply-To', '')} {headers.get('References', '')}")
    except Exception:
        return MailKey(raw_id, "", None, ())
    return MailKey(raw_id, sender, own[0] if own else None, refers)


def waits_for(keys: list[MailKey]) -> dict[int, tuple[int, ...]]:
    """raw id → the raw ids (earlier in ``keys``) it must wait for."""
    last_of_sender: dict[str, int] = {}
    by_message_id: dict[str, int] = {}
    found: dict[int, tuple[int, ...]] = {}
    for key in keys:
        before = {by_message_id[ref] for ref in key.refers_to if ref in by_message_id}
        if key.sender in last_of_sender:
            before.add(last_of_sender[key.sender])
        found[key.raw_id] = tuple(sorted(before))
        last_of_sender[key.sender] = key.raw_id
        if key.message_id is not None:
            by_message_id.setdefault(key.message_id, key.raw_id)
    return found
