"""Type-ahead: which keys a prompt must listen for, and which keys a prompt's text asks for.

A real Asterisk drops a key pressed during ``STREAM FILE name ""`` (no escape digits), and callers
press a key as soon as they hear it, often during the prompt *before* the menu. So a ``play`` node
that leads straight into a menu, collect or speech menu is played with that node's keys as escape
digits, and the key pressed counts as the first input of that node.
"""

from __future__ import annotations

import re

from ivr_flows.schema import CollectNode, MenuNode, Node, SpeechMenuNode, option_targets

ALL_KEYS = "0123456789*#"

_KEY_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "star": "*", "pound": "#", "hash": "#",
    "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
    "八": "8", "九": "9", "星号": "*", "井号": "#", "＊": "*", "＃": "#",
}  # fmt: skip
_WORDS = "|".join(sorted(_KEY_WORDS, key=len, reverse=True))
_ASKS = (
    re.compile(rf"\bpress(?:\s+the)?(?:\s+key)?\s+([0-9*#](?![0-9])|(?:{_WORDS})\b)", re.IGNORECASE),
    re.compile(rf"按\s*(?:键\s*)?([0-9*#](?![0-9])|{_WORDS})"),
)


def listened_keys(node: Node | None) -> str:
    """The keys a prompt leading into ``node`` listens for ("" when ``node`` takes no keys)."""
    if isinstance(node, MenuNode | SpeechMenuNode):
        return "".join(option_targets(node.options))
    if isinstance(node, CollectNode):
        return ALL_KEYS.replace(node.terminator, "") if node.terminator else ALL_KEYS
    return ""


def keys_asked_for(text: str) -> list[str]:
    """Keys a prompt text asks the caller to press: ``"For sales, press 1"`` → ``["1"]``,
    ``"请按井号键"`` → ``["#"]`` (in order, each once)."""
    found: list[str] = []
    for pattern in _ASKS:
        for match in pattern.finditer(text):
            word = match.group(1)
            key = _KEY_WORDS.get(word.lower(), word)
            if key not in found:
                found.append(key)
    return found
