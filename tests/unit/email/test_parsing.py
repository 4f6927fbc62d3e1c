"""Raw bytes → ParsedMail or a quarantine reason."""

from __future__ import annotations

from callcenter.email.errors import (
    QUARANTINE_BROKEN_MIME,
    QUARANTINE_NO_SENDER,
    QUARANTINE_TOO_LARGE,
)
from callcenter.email.parsing import ParsedMail, Quarantine, detect_language, message_ids, parse_mail
from tests.email_servers import make_mail

BROKEN_MULTIPART = (
    b"From: Bob <bob@customer.example>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: broken\r\n"
    b"Message-ID: <broken-1@customer.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XYZ"\r\n'
    b"\r\n"
    b"no boundary line anywhere in this body\r\n"
)


def test_given_a_plain_mail_when_parsed_then_sender_subject_text_and_ids_are_read() -> None:
    raw = make_mail(
        message_id="<m1@customer.example>", headers={"In-Reply-To": "<a@x>", "References": "<b@y> <a@x>"}
    )
    parsed = parse_mail(raw, 10_000)
    assert isinstance(parsed, ParsedMail)
    assert parsed.from_address == "alice@customer.example"
    assert parsed.from_name == "Alice Customer"
    assert parsed.subject == "My order has not arrived"
    assert parsed.text == "Hello, my order 1234 has not arrived yet."
    assert parsed.message_id == "<m1@customer.example>"
    assert parsed.in_reply_to == ("<a@x>",)
    assert parsed.references == ("<b@y>", "<a@x>")
    assert parsed.language == "en"


def test_given_a_multipart_without_its_boundary_when_parsed_then_it_is_quarantined_as_broken_mime() -> None:
    parsed = parse_mail(BROKEN_MULTIPART, 10_000)
    assert isinstance(parsed, Quarantine)
    assert parsed.reason == QUARANTINE_BROKEN_MIME
    assert "Boundary" in parsed.detail


def test_given_no_from_address_when_parsed_then_quarantined_for_no_sender() -> None:
    parsed = parse_mail(b"Subject: hi\r\n\r\nbody\r\n", 10_000)
    assert parsed == Quarantine(QUARANTINE_NO_SENDER, "From: ''")


def test_given_a_mail_larger_than_allowed_when_parsed_then_quarantined_as_too_large() -> None:
    parsed = parse_mail(make_mail(body="x" * 5000), 1000)
    assert isinstance(parsed, Quarantine)
    assert parsed.reason == QUARANTINE_TOO_LARGE


def test_given_an_unknown_charset_when_parsed_then_quarantined_not_guessed() -> None:
    raw = (
        b"From: a@customer.example\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nbody\r\n"
    )
    parsed = parse_mail(raw, 10_000)
    assert isinstance(parsed, Quarantine)
    assert parsed.reason == QUARANTINE_BROKEN_MIME


def test_given_html_only_when_parsed_then_text_is_the_markup_stripped_and_html_is_kept() -> None:
    raw = (
        b"From: a@customer.example\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hello &amp; welcome</p><script>alert(1)</script><p>Line two</p>\r\n"
    )
    parsed = parse_mail(raw, 10_000)
    assert isinstance(parsed, ParsedMail)
    assert parsed.text.splitlines()[0] == "Hello & welcome"
    assert "alert" not in parsed.text
    assert parsed.html is not None
    assert "<script>" in parsed.html


def test_given_no_message_id_when_parsed_then_a_stable_one_is_derived_from_the_bytes() -> None:
    raw = b"From: a@customer.example\r\nSubject: x\r\n\r\nbody\r\n"
    first, second = parse_mail(raw, 10_000), parse_mail(raw, 10_000)
    assert isinstance(first, ParsedMail)
    assert isinstance(second, ParsedMail)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@missing.invalid>")


def test_given_a_chinese_mail_when_parsed_then_language_is_zh_cn() -> None:
    parsed = parse_mail(make_mail(subject="订单问题", body="你好，我的订单还没有到。"), 10_000)
    assert isinstance(parsed, ParsedMail)
    assert parsed.language == "zh_CN"
    assert detect_language("zh-CN", "hello") == "zh_CN"
    assert detect_language("en-GB", "你好") == "en"


def test_given_an_attachment_when_parsed_then_it_is_listed_with_its_bytes() -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "a@customer.example"
    message["Subject"] = "photo"
    message.set_content("see attached")
    message.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="p.png")
    parsed = parse_mail(message.as_bytes(), 10_000)
    assert isinstance(parsed, ParsedMail)
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("p.png", "image/png", b"\x89PNG\r\n")
    ]
    assert parsed.text == "see attached"


def test_message_ids_reads_only_bracketed_ids() -> None:
    assert message_ids("junk <a@b> (comment) <c@d>") == ("<a@b>", "<c@d>")
    assert message_ids(None) == ()
