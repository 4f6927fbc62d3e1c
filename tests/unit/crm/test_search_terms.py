"""The pure search-term rules: normalization, name / number / e-mail suffixes and their classes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crm_core.search_terms import (
    MAX_TERM,
    TermClass,
    customer_terms,
    email_terms,
    is_phone_like,
    name_terms,
    normalize,
    phone_terms,
)

WHOLE, WORD, INNER = TermClass.WHOLE, TermClass.WORD, TermClass.INNER


def test_given_accents_case_punctuation_and_cjk_when_normalized_then_plain_words() -> None:
    assert normalize("  José  O'Brien-Núñez ") == "jose o brien nunez"
    assert normalize("张伟") == "张 伟"
    assert normalize("Wei张伟Zhang") == "wei 张 伟 zhang"
    assert normalize("ＺＨＡＮＧ") == "zhang"  # full-width letters
    assert normalize("%' OR 1=1 --") == "or 1 1"


def test_given_a_latin_name_when_indexed_then_word_starts_and_inner_parts_of_3_or_more() -> None:
    assert name_terms("Wei Zhang") == {"wei zhang": WHOLE, "zhang": WORD, "hang": INNER, "ang": INNER}


def test_given_a_chinese_name_when_indexed_then_every_character_starts_a_word() -> None:
    assert name_terms("欧阳锋") == {"欧 阳 锋": WHOLE, "阳 锋": WORD, "锋": WORD}


def test_given_a_number_when_indexed_then_national_number_is_a_word_and_4_digit_tails_are_inner() -> None:
    terms = phone_terms("+14155550100")
    assert terms["14155550100"] == WHOLE
    assert terms["4155550100"] == WORD
    assert terms["0100"] == INNER
    assert "100" not in terms


def test_given_an_email_when_indexed_then_only_its_word_starts() -> None:
    assert email_terms("Wei.Zhang@Example.com") == {
        "wei zhang example com": WHOLE,
        "zhang example com": WORD,
        "example com": WORD,
        "com": WORD,
    }


def test_given_a_term_from_two_sources_when_merged_then_the_best_class_is_kept() -> None:
    terms = customer_terms(("Ann Example",), (), ("x@example.com",))
    assert terms["example"] == WORD  # a word of the name, also inside nothing better
    assert terms["x example com"] == WHOLE


def test_given_phone_like_text_when_checked_then_digits_and_phone_punctuation_only() -> None:
    assert is_phone_like("(415) 555-0100")
    assert is_phone_like("+86 138 0013 8000")
    assert not is_phone_like("--")
    assert not is_phone_like("wei 0100")


@given(st.text(max_size=300))
def test_given_any_name_when_indexed_then_terms_are_short_normalized_suffixes(text: str) -> None:
    value = normalize(text)
    for term, kind in name_terms(text).items():
        assert 0 < len(term) <= MAX_TERM
        assert not term.startswith(" ")
        assert value.endswith(term) or len(term) == MAX_TERM
        assert kind in (WHOLE, WORD, INNER)
