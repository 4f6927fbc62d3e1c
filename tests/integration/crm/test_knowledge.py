from __future__ import annotations

import pytest

from crm_core.errors import FieldTooLong
from crm_core.knowledge import ArticleDraft, KnowledgeBase
from tests.crm_conftest_helpers import Db, FakeClock

ARTICLES = [
    ArticleDraft(
        "Refund policy", "Refunds are issued to the original payment method within 5 business days."
    ),
    ArticleDraft("Allergen information", "Every dish lists peanuts, shellfish, gluten and dairy allergens."),
    ArticleDraft("Kung Pao chicken", "Kung Pao chicken contains peanuts; offer the cashew-free variant."),
    ArticleDraft("Delivery times", "Late deliveries are refunded automatically."),
    ArticleDraft("Draft: secret menu", "Peanuts everywhere", published=False),
]


@pytest.fixture
def kb(db: Db, clock: FakeClock) -> KnowledgeBase:
    base = KnowledgeBase(clock)
    with db.sessions.begin() as session:
        for article in ARTICLES:
            base.add(session, article)
    return base


def test_given_articles_when_searching_words_then_ranked_published_hits(db: Db, kb: KnowledgeBase) -> None:
    with db.sessions() as session:
        hits = kb.search(session, "peanuts chicken")
        stemmed = kb.search(session, "refund")
        everything = kb.search(session, "peanuts", published_only=False)
    assert [h.title for h in hits] == ["Kung Pao chicken"]
    assert "[" in hits[0].snippet
    assert {h.title for h in stemmed} == {"Refund policy", "Delivery times"}
    assert len(everything) == 3


@pytest.mark.parametrize(
    "hostile",
    [
        '" OR 1=1 --',
        "'; DROP TABLE kb_articles; --",
        '"*:^()',
        "peanuts NEAR(",
        "title:peanuts",
        "pea*",
        "^peanuts",
        "a\x00b",
        "NOT AND OR",
        "!!! && || <-> :*",
        "",
    ],
)
def test_given_hostile_query_when_searching_then_no_error_and_no_escape(
    db: Db, kb: KnowledgeBase, hostile: str
) -> None:
    with db.sessions() as session:
        hits = kb.search(session, hostile)
        assert all(h.title != "Draft: secret menu" for h in hits)
        assert len(kb.search(session, "refund")) == 2  # the table is still there
    if hostile.startswith('" OR 1=1'):
        assert hits == ()  # "or" and "1" match nothing: the OR did not become an operator


def test_given_oversized_query_when_searching_then_field_too_long(db: Db, kb: KnowledgeBase) -> None:
    with db.sessions() as session, pytest.raises(FieldTooLong):
        kb.search(session, "peanut " * 100)


def test_given_customer_email_when_suggesting_then_relevant_articles_for_auto_reply(
    db: Db, kb: KnowledgeBase
) -> None:
    with db.sessions() as session:
        hits = kb.suggest_for_email(
            session, "Where is my refund?", 'My delivery was late, I want a refund. Thanks, "Li" (OR 1=1)'
        )
    assert {h.title for h in hits} == {"Refund policy", "Delivery times"}


def test_given_article_when_updated_then_index_follows(db: Db, clock: FakeClock, kb: KnowledgeBase) -> None:
    with db.sessions.begin() as session:
        kb.update(session, 1, ArticleDraft("Returns policy", "Vouchers instead of money back."))
    with db.sessions() as session:
        assert [h.title for h in kb.search(session, "vouchers")] == ["Returns policy"]
        assert [h.title for h in kb.search(session, "refund")] == ["Delivery times"]
        assert kb.get(session, 1).title == "Returns policy"
