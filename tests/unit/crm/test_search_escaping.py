from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.errors import FieldTooLong
from crm_core.knowledge import fts5_match, search_tokens


def test_given_sql_injection_when_tokenized_then_only_words_remain() -> None:
    assert search_tokens('" OR 1=1 --') == ["or", "1"]
    assert search_tokens('refund"*:^() NEAR(a b)') == ["refund", "near", "a", "b"]


def test_given_tokens_when_fts5_match_built_then_every_token_is_quoted() -> None:
    assert fts5_match(["or", "1"], match_any=False) == '"or" "1"'
    assert fts5_match(["refund", "late"], match_any=True) == '"refund" OR "late"'


@given(st.text(max_size=200))
def test_given_any_text_when_match_built_then_only_quoted_word_tokens(query: str) -> None:
    expression = fts5_match(search_tokens(query), match_any=True)
    assert re.fullmatch(r'(?:"\w+"(?: OR "\w+")*)?', expression)


def test_given_oversized_query_when_tokenized_then_field_too_long() -> None:
    with pytest.raises(FieldTooLong):
        search_tokens("a" * 501)
