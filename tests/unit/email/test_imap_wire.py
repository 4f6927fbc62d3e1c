"""aioimaplib's answer lines, and the guard that keeps IMAP credentials out of the logs."""

from __future__ import annotations

import logging

import pytest

from callcenter.email.imap_wire import (
    ImapCredentialFilter,
    fetched_messages,
    guard_imap_logs,
    searched_uids,
    uidvalidity,
    unguard_imap_logs,
)


def test_given_dovecot_fetch_lines_when_read_then_each_uid_gets_its_literal() -> None:
    lines: list[bytes | bytearray] = [
        b"1 FETCH (UID 7 BODY[] {5}",
        bytearray(b"hello"),
        b")",
        b"2 FETCH (BODY[] {3}",
        bytearray(b"bye"),
        b" UID 9)",
        b"3 FETCH (FLAGS (\\Seen))",
        b"Fetch completed (0.001 + 0.000 secs).",
    ]
    assert fetched_messages(lines) == [(7, b"hello"), (9, b"bye")]


def test_uidvalidity_and_search_answers() -> None:
    assert uidvalidity([b"2 EXISTS", b"OK [UIDVALIDITY 1796514048] UIDs valid"]) == 1796514048
    assert uidvalidity([b"2 EXISTS"]) == 0
    assert searched_uids([b"4 5 9", b"Search completed"]) == [4, 5, 9]
    assert searched_uids([b"Search completed (0.001 secs)."]) == []
    assert searched_uids([]) == []
    assert searched_uids([b"3 EXISTS", b"1 RECENT", b"3", b"Search completed"]) == [3]


PASSWORD = 'pa"ss\\word'


def _aioimaplib_line() -> str:
    # What aioimaplib 2.0.3 logs for LOGIN: it masks the password verbatim, but the wire form of
    # a password with a quote or backslash is escaped, so the mask misses it.
    escaped = PASSWORD.replace("\\", "\\\\").replace('"', '\\"')
    wire = f'A1 LOGIN support "{escaped}"\r\n'.encode()
    return f"Sending : {wire.replace(PASSWORD.encode(), b'*' * len(PASSWORD))!r}"


def test_given_aioimaplib_masking_when_the_password_has_a_quote_then_its_own_mask_leaks_it() -> None:
    # The reason for the guard: this is the line aioimaplib writes without it.
    line = _aioimaplib_line()
    assert "*" * len(PASSWORD) not in line
    assert "word" in line
    assert "pa" in line


def test_given_the_guard_when_aioimaplib_logs_login_then_the_line_is_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("aioimaplib.aioimaplib")
    guard = guard_imap_logs(PASSWORD)
    try:
        with caplog.at_level(logging.DEBUG, logger="aioimaplib.aioimaplib"):
            logger.debug(_aioimaplib_line())
            logger.debug("Received : %s", b"* OK [CAPABILITY IMAP4rev1] ready")
            logger.debug("echo %s", PASSWORD)
    finally:
        unguard_imap_logs(guard)
    assert [r.getMessage() for r in caplog.records] == ["Received : b'* OK [CAPABILITY IMAP4rev1] ready'"]


def test_the_filter_drops_any_form_of_the_secret() -> None:
    guard = ImapCredentialFilter(PASSWORD)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("aioimaplib.aioimaplib", logging.DEBUG, __file__, 1, message, None, None)

    assert not guard.filter(record(f"x {PASSWORD}"))
    assert not guard.filter(record(repr(PASSWORD.encode())))
    assert not guard.filter(record("A2 AUTHENTICATE PLAIN abc"))
    assert guard.filter(record("A3 SELECT INBOX"))
