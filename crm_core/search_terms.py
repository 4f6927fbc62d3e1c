"""Search terms of a customer: the text that ``customer_search_terms`` indexes (pure, no I/O).

A term is a suffix of a normalized name, e-mail or number, so that "part of" becomes "starts with",
which a plain B-tree range answers on SQLite and PostgreSQL alike. Each term has a class:

    WHOLE  the whole value ("wei zhang", "14155550100")
    WORD   starts at a later word ("zhang", "伟", "4155550100": the national number)
    INNER  starts inside a word ("hang"; kept only where at least 3 characters of the word remain)

Normalization: Unicode NFKD without accents, case-folded, punctuation becomes a space, and every
CJK character is a word of its own, since Chinese names have no spaces ("张伟" -> "张 伟").
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum

import phonenumbers

from crm_core import limits

MAX_TERM = limits.SEARCH_TERM  # longer suffixes are cut; a query is cut the same way
_INNER_MIN = 3
_PHONE_MIN = 4  # digits a number suffix keeps: "0100" finds +14155550100
_PHONE_LIKE = re.compile(r"[\d\s+\-().]+")


class TermClass(IntEnum):
    WHOLE = 0
    WORD = 1
    INNER = 2


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def normalize(text: str) -> str:
    """Case-folded words without accents or punctuation, CJK characters spaced out."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    out: list[str] = []
    for char in plain.casefold():
        if _is_cjk(char):
            out.append(f" {char} ")
        elif char.isalnum():
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def is_phone_like(text: str) -> bool:
    return _PHONE_LIKE.fullmatch(text) is not None and any(c.isdigit() for c in text)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def name_terms(text: str | None) -> dict[str, TermClass]:
    """Every suffix of the normalized name that starts a word, or inside a word with 3+ characters left."""
    value = normalize(text or "")
    terms: dict[str, TermClass] = {}
    for index, char in enumerate(value):
        if char == " ":
            continue
        if index == 0:
            kind = TermClass.WHOLE
        elif value[index - 1] == " ":
            kind = TermClass.WORD
        else:
            word_left = len(value[index:].split(" ", 1)[0])
            if word_left < _INNER_MIN:
                continue
            kind = TermClass.INNER
        _keep(terms, value[index:], kind)
    return terms


def email_terms(email: str) -> dict[str, TermClass]:
    """The address and each of its word starts: "wei zhang example com", "zhang example com", ..."""
    value = normalize(email)
    terms: dict[str, TermClass] = {}
    for index, char in enumerate(value):
        if char != " " and (index == 0 or value[index - 1] == " "):
            _keep(terms, value[index:], TermClass.WHOLE if index == 0 else TermClass.WORD)
    return terms


def phone_terms(e164: str) -> dict[str, TermClass]:
    """The number's digits and every suffix of 4+ digits; the national number counts as a word start."""
    value = digits(e164)
    try:
        national_at = len(str(phonenumbers.parse(e164).country_code))
    except phonenumbers.NumberParseException:
        national_at = 0
    terms: dict[str, TermClass] = {}
    for index in range(len(value) - _PHONE_MIN + 1):
        kind = TermClass.WHOLE if index == 0 else TermClass.WORD if index == national_at else TermClass.INNER
        _keep(terms, value[index:], kind)
    return terms


def customer_terms(
    names: tuple[str | None, ...], numbers: tuple[str, ...], emails: tuple[str, ...]
) -> dict[str, TermClass]:
    """All terms of one customer; a term reached twice keeps its best class."""
    terms: dict[str, TermClass] = {}
    parts = [name_terms(n) for n in names] + [phone_terms(p) for p in numbers]
    for part in [*parts, *(email_terms(e) for e in emails)]:
        for term, kind in part.items():
            _keep(terms, term, kind)
    return terms


def _keep(terms: dict[str, TermClass], term: str, kind: TermClass) -> None:
    term = term[:MAX_TERM]
    if kind < terms.get(term, TermClass.INNER + 1):
        terms[term] = kind
