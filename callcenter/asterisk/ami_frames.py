"""AMI wire framing: pure functions over bytes, no sockets, no module state.

Asterisk opens a manager session with one greeting line and then sends messages
as ``Key: Value\\r\\n`` lines closed by an empty line::

    Asterisk Call Manager/11.0.0\\r\\n
    Response: Success\\r\\nActionID: cap-1\\r\\nMessage: Authentication accepted\\r\\n\\r\\n
    Event: FullyBooted\\r\\nPrivilege: system,all\\r\\nUptime: 75\\r\\nStatus: Fully Booted\\r\\n\\r\\n

Some Asterisk versions end a message with ``\\r\\n\\n``; :func:`parse_buffer` accepts
that too. A block that is not a message (no ``Key: Value`` line, no ``Event`` or
``Response`` key) is returned in ``malformed`` so the caller can log it and go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from callcenter.asterisk.errors import UnsafeAmiValue

GREETING_PREFIX = b"Asterisk Call Manager/"
# A message ends at an empty line; "\r\n\n" has been seen from real Asterisk.
_MESSAGE_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True, slots=True)
class AmiMessage:
    """One AMI message as received: headers in wire order, keys case-preserved.

    Lookup with :meth:`get` is case-insensitive, as Asterisk treats keys.
    A key may repeat (``Variable:`` in Originate, ``ChanVariable:`` in events);
    :meth:`get_all` returns every value.
    """

    headers: tuple[tuple[str, str], ...]
    _index: Mapping[str, str] = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> AmiMessage:
        headers = tuple(pairs)
        index: dict[str, str] = {}
        for key, value in headers:
            index.setdefault(key.lower(), value)
        return cls(headers, index)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._index.get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        value = self._index.get(key.lower())
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    @property
    def event(self) -> str | None:
        return self._index.get("event")

    @property
    def response(self) -> str | None:
        return self._index.get("response")

    @property
    def action_id(self) -> str | None:
        return self._index.get("actionid")

    @property
    def is_list_complete(self) -> bool:
        """True for the event that closes a list action (``EventList: Complete``)."""
        return self._index.get("eventlist", "").lower() == "complete"

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.headers}


@dataclass(frozen=True, slots=True)
class ParsedChunk:
    messages: list[AmiMessage]
    malformed: list[bytes]
    greeting: str | None
    rest: bytes


def _parse_block(block: bytes) -> AmiMessage | None:
    text = block.decode("utf-8", "replace")
    pairs: list[tuple[str, str]] = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep or not key or " " in key:
            # Command output lines without a key belong to the previous Output header.
            if pairs and pairs[-1][0].lower() == "output":
                pairs.append(("Output", line))
                continue
            return None
        pairs.append((key, value[1:] if value.startswith(" ") else value))
    if not pairs:
        return None
    message = AmiMessage.from_pairs(pairs)
    if message.event is None and message.response is None:
        return None
    return message


def parse_buffer(buffer: bytes, expect_greeting: bool = False) -> ParsedChunk:
    """Split ``buffer`` into complete messages and the unparsed rest.

    >>> chunk = parse_buffer(b"Response: Success\\r\\nActionID: a1\\r\\n\\r\\nEvent: Va")
    >>> [m.action_id for m in chunk.messages], chunk.rest
    (['a1'], b'Event: Va')
    """
    greeting: str | None = None
    if expect_greeting:
        if b"\n" not in buffer:
            return ParsedChunk([], [], None, buffer)
        line, _, buffer = buffer.partition(b"\n")
        greeting = line.rstrip(b"\r").decode("utf-8", "replace")
    messages: list[AmiMessage] = []
    malformed: list[bytes] = []
    start = 0
    for match in _MESSAGE_END.finditer(buffer):
        block = buffer[start : match.start()]
        start = match.end()
        if not block.strip():
            continue
        message = _parse_block(block)
        if message is None:
            malformed.append(block)
        else:
            messages.append(message)
    return ParsedChunk(messages, malformed, greeting, buffer[start:])


def iter_messages(stream: bytes) -> Iterator[AmiMessage]:
    """All complete messages of a whole recorded stream (greeting skipped if present)."""
    chunk = parse_buffer(stream, expect_greeting=stream.startswith(GREETING_PREFIX))
    yield from chunk.messages


def check_header_value(key: str, value: str) -> str:
    """Refuse a value that could add a header, an action or a command.

    panoramisk writes values as they are, so a CR or LF in a caller name from the
    CRM would start a new header line: refuse it here, before the wire.
    """
    if "\r" in value or "\n" in value or "\x00" in value:
        raise UnsafeAmiValue(key, value)
    return value


def encode_action(action: str, action_id: str, headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """Serialize one action with its ``ActionID`` in the order given.

    >>> encode_action("Ping", "cap-3")
    b'Action: Ping\\r\\nActionID: cap-3\\r\\n\\r\\n'
    """
    lines = [
        f"Action: {check_header_value('Action', action)}",
        f"ActionID: {check_header_value('ActionID', action_id)}",
    ]
    for key, value in headers:
        if not key or any(c in key for c in ":\r\n \x00"):
            raise UnsafeAmiValue("header name", key)
        lines.append(f"{key}: {check_header_value(key, value)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def encode_message(headers: Iterable[tuple[str, str]]) -> bytes:
    """Serialize a message as Asterisk sends it (used by the PBX simulator)."""
    return ("".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("utf-8")
