"""Dialplan pattern semantics (fact 8) and variable substitution."""

import pytest

from callcenter.pbxsim.dialplan import matches, substitute


@pytest.mark.parametrize(
    ("pattern", "exten", "expected"),
    [
        ("_age[n]t-.", "agent-1001", True),
        ("_agent-.", "agent-1001", False),  # lower-case n is a 2-9 wildcard
        ("_agent-.", "age3t-1001", True),
        ("_X.", "5551234", True),
        ("_X.", "5", False),  # '.' needs at least one more character
        ("_X!", "5", True),
        ("_NXX", "212", True),
        ("_NXX", "112", False),
        ("_Z", "0", False),
        ("_z", "9", True),
        ("_[1-3]X", "25", True),
        ("_[1-3]X", "45", False),
        ("spy", "spy", True),
        ("spy", "spy2", False),
    ],
)
def test_given_pattern_when_matched_then_follows_asterisk_rules(
    pattern: str, exten: str, expected: bool
) -> None:
    assert matches(pattern, exten) is expected


def test_given_unset_variable_when_substituted_then_empty() -> None:
    assert substitute("a${X}b${Y}", {"X": "1"}) == "a1b"
