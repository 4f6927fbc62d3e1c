"""Pure helpers over aioimaplib's response lines, and the log guard for its DEBUG output.

A ``UID FETCH 1:2 (UID BODY.PEEK[])`` answer from dovecot arrives as::

    b'1 FETCH (UID 1 BODY[] {357}'
    bytearray(b'From: Alice <alice@customer.example>\\r\\n…')   # the literal, 357 bytes
    b')'
    b'Fetch completed (0.001 + 0.000 secs).'
"""

from __future__ import annotations

import logging
import re

_FETCH = re.compile(rb"^\d+ FETCH \(")
_UID = re.compile(rb"UID (\d+)")
_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")


def fetched_messages(lines: list[bytes | bytearray]) -> list[tuple[int, bytes]]:
    """(uid, raw message) for every literal of a FETCH answer, in order."""
    found: list[tuple[int, bytes]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if isinstance(line, bytes) and _FETCH.match(line) and index + 1 < len(lines):
            literal = lines[index + 1]
            if isinstance(literal, bytearray):
                closing = lines[index + 2] if index + 2 < len(lines) else b""
                uid = _UID.search(line) or _UID.search(bytes(closing))
                if uid is not None:
                    found.append((int(uid.group(1)), bytes(literal)))
                index += 2
                continue
        index += 1
    return found


def uidvalidity(lines: list[bytes | bytearray]) -> int:
    for line in lines:
        found = _UIDVALIDITY.search(bytes(line))
        if found is not None:
            return int(found.group(1))
    return 0


def searched_uids(lines: list[bytes | bytearray]) -> list[int]:
    """``UID SEARCH`` answer → the UIDs. aioimaplib strips ``* SEARCH``; untagged news may come first::

    [b'3 EXISTS', b'1 RECENT', b'4 5 9', b'Search completed (0.001 + 0.000 secs).']  → [4, 5, 9]
    """
    found: list[int] = []
    for line in lines:
        text = bytes(line).strip()
        if text and re.fullmatch(rb"[\d ]+", text):
            found.extend(int(n) for n in text.split())
    return found


class ImapCredentialFilter(logging.Filter):
    """Drops aioimaplib's DEBUG lines that carry credentials.

    aioimaplib logs every command it sends (``Sending : b'… LOGIN user "password"'``); it masks the
    password only when it appears verbatim, so a password with a quote or a backslash (sent
    escaped) reached the log in clear. We drop every LOGIN/AUTHENTICATE line and any line that
    contains the secret in any form.
    """

    def __init__(self, secret: str) -> None:
        super().__init__()
        escaped = secret.replace("\\", "\\\\").replace('"', '\\"')
        self._secrets = tuple(
            s for s in {secret, escaped, repr(escaped.encode())[2:-1], repr(secret.encode())[2:-1]} if s
        )

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:
            return False
        if re.search(r"\b(LOGIN|AUTHENTICATE)\b", text, re.IGNORECASE):
            return False
        return not any(secret in text for secret in self._secrets)


def guard_imap_logs(secret: str) -> ImapCredentialFilter:
    """Install the credential filter on aioimaplib's logger (remove it with ``unguard_imap_logs``)."""
    guard = ImapCredentialFilter(secret)
    logging.getLogger("aioimaplib.aioimaplib").addFilter(guard)
    return guard


def unguard_imap_logs(guard: ImapCredentialFilter) -> None:
    logging.getLogger("aioimaplib.aioimaplib").removeFilter(guard)
