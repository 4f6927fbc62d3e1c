"""Which mails wait for which when processed side by side."""

from __future__ import annotations

from callcenter.email.ordering import MailKey, mail_key, waits_for
from tests.email_servers import make_mail
from tests.unit.email.test_parsing import BROKEN_MULTIPART


def test_given_a_batch_then_a_mail_waits_for_its_senders_previous_one_and_for_what_it_answers() -> None:
    keys = [
        MailKey(1, "ann@x.example", "<a1@x>", ()),
        MailKey(2, "bob@y.example", "<b1@y>", ()),
        MailKey(3, "ann@x.example", "<a2@x>", ()),
        MailKey(4, "cat@z.example", "<c1@z>", ("<b1@y>", "<unknown@q>")),  # Cat answers Bob's mail
        MailKey(5, "dan@w.example", "<d1@w>", ()),
    ]
    assert waits_for(keys) == {1: (), 2: (), 3: (1,), 4: (2,), 5: ()}


def test_mail_keys_come_from_the_headers_and_a_broken_mail_still_gets_one() -> None:
    raw = make_mail(message_id="<m@x>", headers={"In-Reply-To": "<p@x>", "References": "<o@x> <p@x>"})
    assert mail_key(7, raw) == MailKey(7, "alice@customer.example", "<m@x>", ("<p@x>", "<o@x>", "<p@x>"))
    assert mail_key(8, BROKEN_MULTIPART).sender == "bob@customer.example"
    assert mail_key(9, b"\xff\xfe not a mail") == MailKey(9, "", None, ())
