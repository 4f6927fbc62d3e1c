"""Parsing what a manager client sends (actions), the server-side half of AMI framing.

:func:`callcenter.asterisk.ami_frames.parse_buffer` only accepts what Asterisk sends
(``Event``/``Response`` blocks), so the simulator splits actions itself::

    >>> msgs, rest = split_actions(b"Action: Ping\\r\\nActionID: cap-3\\r\\n\\r\\nAction: Lo")
    >>> [(m.get("Action"), m.action_id) for m in msgs], rest
    ([('Ping', 'cap-3')], b'Action: Lo')
"""

from __future__ import annotations

import re

from callcenter.asterisk.ami_frames import AmiMessage

_END = re.compile(rb"\r?\n\r?\n")


def split_actions(buffer: bytes) -> tuple[list[AmiMessage], bytes]:
    """Complete action blocks and the unparsed rest; lines without ``:`` are ignored."""
    messages: list[AmiMessage] = []
    pos = 0
    while (match := _END.search(buffer, pos)) is not None:
        block = buffer[pos : match.start()].decode("utf-8", "replace")
        pos = match.end()
        pairs: list[tuple[str, str]] = []
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                pairs.append((key.strip(), value.strip()))
        if pairs:
            messages.append(AmiMessage.from_pairs(pairs))
    return messages, buffer[pos:]
