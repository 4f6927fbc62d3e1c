"""Acknowledge or not (RFC 3834), routing rules, the subject tag."""

from __future__ import annotations

import pytest

from callcenter.email.parsing import ParsedMail, parse_mail
from callcenter.email.rules import acknowledgement_refused, reply_subject, route, subject_tag, tagged_ticket
from callcenter.settings_email import EmailRoute, EmailSettings
from tests.email_servers import make_mail

OURS = frozenset({"support@example.com"})


def _parsed(sender: str = "alice@customer.example", **headers: str) -> ParsedMail:
    parsed = parse_mail(make_mail(sender=sender, headers=headers), 100_000)
    assert isinstance(parsed, ParsedMail)
    return parsed


def test_given_a_person_writing_when_checked_then_an_acknowledgement_is_allowed() -> None:
    assert acknowledgement_refused(_parsed(), OURS) is None
    assert acknowledgement_refused(_parsed(**{"Auto-Submitted": "no"}), OURS) is None


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto_submitted"),
        ({"Auto-Submitted": "auto-generated"}, "auto_submitted"),
        ({"X-Auto-Response-Suppress": "All"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"Precedence": "list"}, "bulk"),
        ({"Precedence": "junk"}, "bulk"),
        ({"List-Id": "<news.customer.example>"}, "list"),
        ({"X-Loop": "support@example.com"}, "loop"),
        ({"Return-Path": "<>"}, "bounce"),
    ],
)
def test_given_automatic_or_bulk_mail_when_checked_then_no_acknowledgement(
    headers: dict[str, str], why: str
) -> None:
    assert acknowledgement_refused(_parsed(**headers), OURS) == why


@pytest.mark.parametrize(
    ("sender", "why"),
    [
        ("support@example.com", "ours"),
        ("MAILER-DAEMON@customer.example", "system_address"),
        ("no-reply@shop.example", "system_address"),
        ("list-request@lists.example", "system_address"),
    ],
)
def test_given_ourselves_or_a_system_address_when_checked_then_no_acknowledgement(
    sender: str, why: str
) -> None:
    assert acknowledgement_refused(_parsed(sender=sender), OURS) == why


def test_given_routes_when_routing_then_the_first_matching_rule_wins_else_the_default_queue() -> None:
    settings = EmailSettings(
        default_queue="support",
        routes=(
            EmailRoute(from_domain="BigCorp.example", queue="vip", skills={"english": 2}),
            EmailRoute(subject_contains="Invoice", queue="billing"),
            EmailRoute(from_address="boss@shop.example", subject_contains="urgent", queue="escalations"),
        ),
    )
    assert route(settings, "ann@mail.bigcorp.example", "Invoice") == ("vip", (("english", 2),))
    assert route(settings, "ann@other.example", "my INVOICE 12") == ("billing", ())
    assert route(settings, "boss@shop.example", "Urgent!") == ("escalations", ())
    assert route(settings, "boss@shop.example", "hello") == ("support", ())
    assert route(settings, "ann@notbigcorp.example", "hello") == ("support", ())


def test_subject_tags_are_written_and_read_back() -> None:
    assert subject_tag(123) == "[#T-123]"
    assert tagged_ticket("Re: Re: my order [#T-123]") == 123
    assert tagged_ticket("quoting [#T-1] then [#T-77]") == 77
    assert tagged_ticket("no tag [T-5] [#T-abc]") is None
    assert reply_subject("my order", 5) == "Re: my order [#T-5]"
    assert reply_subject("RE: my order [#T-5]", 5) == "RE: my order [#T-5]"
    assert reply_subject("", None) == "Re: (no subject)"
