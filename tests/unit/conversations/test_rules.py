"""The pure rules of conversations: input checks, customer tokens, opening hours, files, rates."""

from __future__ import annotations

import datetime as dt

import pytest

from callcenter.conversations import rules
from callcenter.conversations.api import AttachmentRef, Sender, StoredMessage
from callcenter.conversations.errors import BadAttachment, BadInput, RateLimited
from callcenter.settings_chat import OpeningHours

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 10
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 "
PDF = b"%PDF-1.7\n..."
EXE = b"MZ\x90\x00\x03\x00\x00\x00"


def test_given_a_token_signed_with_the_secret_then_it_names_the_customer() -> None:
    token = rules.sign_customer(42, "s3cret")
    assert rules.verify_customer_token(token, "s3cret") == 42


@pytest.mark.parametrize(
    ("token", "secret"),
    [
        (rules.sign_customer(42, "other"), "s3cret"),  # another key
        (rules.sign_customer(42, "s3cret").replace("42.", "43."), "s3cret"),  # another customer
        ("42", "s3cret"),
        ("42." + "g" * 64, "s3cret"),
        ("-1." + "0" * 64, "s3cret"),
        (rules.sign_customer(42, "s3cret"), ""),  # no secret configured: no token is good
    ],
)
def test_given_a_forged_or_malformed_token_then_refused(token: str, secret: str) -> None:
    with pytest.raises(BadInput) as refused:
        rules.verify_customer_token(token, secret)
    assert refused.value.code == "conversation.bad_token"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("   ", "conversation.empty_message"),
        ("x" * 2001, "conversation.message_too_long"),
        ("bell\x07", "conversation.bad_text"),
        ("nul\x00", "conversation.bad_text"),
    ],
)
def test_given_bad_text_then_a_coded_refusal(text: str, code: str) -> None:
    with pytest.raises(BadInput) as refused:
        rules.check_text(text, 2000)
    assert refused.value.code == code


def test_given_text_with_html_and_line_breaks_then_kept_as_it_is() -> None:
    text = "<script>alert(1)</script>\r\nline two\ttab 你好"
    assert rules.check_text(text, 2000) == text
    assert rules.check_text("", 2000, attachments=1) == ""


def test_given_names_and_client_ids_then_checked() -> None:
    assert rules.check_name("  Ann   Lee ") == "Ann Lee"
    for bad in ("", "   ", "a\x1bb", "x" * 201):
        with pytest.raises(BadInput):
            rules.check_name(bad)
    assert rules.check_client_id("v-1:2_3.4") == "v-1:2_3.4"
    for bad in ("", "x" * 65, "a b", "<x>"):
        with pytest.raises(BadInput):
            rules.check_client_id(bad)
    with pytest.raises(BadInput):
        rules.check_language("fr")


@pytest.mark.parametrize(
    ("data", "claimed"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        ("note 你好\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_given_allowed_files_then_accepted_with_their_real_type(data: bytes, claimed: str) -> None:
    name, kind = rules.check_attachment("../../etc/x.bin", claimed, data, 1000)
    assert name == "x.bin"
    assert kind == claimed.split(";")[0]


@pytest.mark.parametrize(
    ("data", "claimed", "code"),
    [
        (EXE, "application/octet-stream", "conversation.attachment_type"),
        (EXE, "image/png", "conversation.attachment_type"),  # the bytes are no allowed type
        (PNG, "application/pdf", "conversation.attachment_mismatch"),  # a PNG called a PDF
        (b"<html>\x00</html>", "text/plain", "conversation.attachment_type"),
        (b"", "text/plain", "conversation.attachment_empty"),
        (b"x" * 1001, "text/plain", "conversation.attachment_too_large"),
    ],
)
def test_given_refused_files_then_a_coded_refusal(data: bytes, claimed: str, code: str) -> None:
    with pytest.raises(BadAttachment) as refused:
        rules.check_attachment("f", claimed, data, 1000)
    assert refused.value.code == code


def test_given_odd_file_names_then_made_safe() -> None:
    assert rules.safe_filename("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert rules.safe_filename("..") == "file"
    assert rules.safe_filename("a\x00b\u202ec.txt") == "abc.txt"


def test_given_opening_hours_then_open_inside_them_only() -> None:
    hours = OpeningHours(timezone="Asia/Shanghai", days=(0, 1, 2, 3, 4), opens=dt.time(9), closes=dt.time(18))
    monday_10_shanghai = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC).timestamp()
    monday_20_shanghai = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC).timestamp()
    saturday_10_shanghai = dt.datetime(2026, 12, 12, 2, 0, tzinfo=dt.UTC).timestamp()
    assert rules.is_open(hours, monday_10_shanghai)
    assert not rules.is_open(hours, monday_20_shanghai)
    assert not rules.is_open(hours, saturday_10_shanghai)
    assert rules.is_open(None, saturday_10_shanghai)


def test_given_a_rate_window_then_over_the_limit_refused_until_the_window_moves() -> None:
    window = rules.RateWindow(3, 10.0, "conversation.rate_limited")
    for t in (0.0, 1.0, 2.0):
        window.hit("c-1", t)
    with pytest.raises(RateLimited) as refused:
        window.hit("c-1", 3.0)
    assert refused.value.params == {"seconds": 7}
    window.hit("c-2", 3.0)  # others are not held up
    window.hit("c-1", 10.5)  # the first has left the window


def test_given_messages_then_the_transcript_reads_in_order_with_files() -> None:
    at = dt.datetime(2026, 12, 6, 10, 0, 5, tzinfo=dt.UTC).timestamp()
    png = (AttachmentRef("a", "x.png", "image/png", 9),)
    messages = (
        StoredMessage("c", 1, "m1", None, Sender.SYSTEM, "system", "conversation.system.waiting", (), at),
        StoredMessage("c", 2, "m2", "k", Sender.CUSTOMER, "Ann", "hi <b>", png, at),
        StoredMessage("c", 3, "m3", "k", Sender.AGENT, "1002", "hello", (), at),
    )  # fmt: skip
    assert (
        rules.transcript(messages, "zh_CN").splitlines()[0]
        == "[2026-12-06 10:00:05 UTC] system: 谢谢，坐席将很快为您服务。"
    )
    assert rules.transcript(messages, "en").splitlines() == [
        "[2026-12-06 10:00:05 UTC] system: Thank you. An agent will be with you shortly.",
        "[2026-12-06 10:00:05 UTC] customer Ann: hi <b>",
        "  [file: x.png, 9 bytes]",
        "[2026-12-06 10:00:05 UTC] agent 1002: hello",
    ]
