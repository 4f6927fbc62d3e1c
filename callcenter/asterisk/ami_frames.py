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
from itertools import repeat

from callcenter.asterisk.errors import UnsafeAmiValue

GREETING_PREFIX = b"Asterisk Call Manager/"
# A message ends at an empty line; "\r\n\n" has been seen from real Asterisk.
_MESSAGE_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True, slots=True, eq=False)
class AmiMessage:
    """One AMI message as received: headers in wire order, keys case-preserved.

    Lookup with :meth:`get` is case-insensitive, as Asterisk treats keys.
    A key may repeat (``Variable:`` in Originate, ``ChanVariable:`` in events);
    :meth:`get_all` returns every value.

    ``fields`` maps each key *as Asterisk spells it* to its first value: the hot path
    (domain events) reads it directly, e.g. ``msg.fields.get("Uniqueid")``. It is the
    cheap representation: the wire-order tuple and the lower-cased index are only
    built when somebody asks (VarSet floods make every microsecond count).
    """

    fields: Mapping[str, str]
    # Wire-order pairs when they differ from ``fields`` (a repeated key); None otherwise.
    _pairs: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)
    # Lazily built lower-case index (a cache: the message itself never changes).
    _lower: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> AmiMessage:
        headers = tuple(pairs)
        fields: dict[str, str] = {}
        for key, value in headers:
            fields.setdefault(key, value)
        return cls(fields, headers if len(fields) != len(headers) else None)

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        if self._pairs is not None:
            return self._pairs
        return tuple(self.fields.items())

    def _index(self) -> dict[str, str]:
        lower = self._lower
        if lower is None:
            lower = {}
            for key, value in self.headers:
                lower.setdefault(key.lower(), value)
            object.__setattr__(self, "_lower", lower)
        return lower

    def get(self, key: str, default: str | None = None) -> str | None:
        value = self.fields.get(key)
        if value is not None:
            return value
        return self._index().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self.fields or key.lower() in self._index())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AmiMessage):
            return NotImplemented
        return self.headers == other.headers

    def __hash__(self) -> int:
        return hash(self.headers)

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    @property
    def event(self) -> str | None:
        return self.get("Event")

    @property
    def response(self) -> str | None:
        return self.get("Response")

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")

    @property
    def is_list_complete(self) -> bool:
        """True for the event that closes a list action (``EventList: Complete``)."""
        return (self.get("EventList") or "").lower() == "complete"

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.headers}


@dataclass(frozen=True, slots=True)
class ParsedChunk:
    messages: list[AmiMessage]
    malformed: list[bytes]
    greeting: str | None
    rest: bytes
    # Blocks that were not valid UTF-8: still parsed (bad bytes replaced by U+FFFD),
    # reported here so the caller can log them once.
    undecodable: list[bytes] = field(default_factory=list)


def _parse_block(text: str) -> AmiMessage | None:
    """The general (slow) path: tolerates empty lines, ``Key:value``, multi-line Output."""
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


def _parse_text(text: str, messages: list[AmiMessage], malformed: list[bytes]) -> None:
    """Parse complete, ``\\n``-only text (no CR left) block by block.

    The fast path builds each message with C-level calls only (``str.split`` mapped over the
    lines, ``dict``); any block it cannot take as is (a repeated key, ``Key:value`` without the
    space, an empty line, a key with a space) goes through :func:`_parse_block`.
    """
    seps = repeat(": ")
    ones = repeat(1)
    append = messages.append
    for block in text.split("\n\n"):
        if not block:
            continue
        lines = block.split("\n")
        try:
            index = dict(map(str.split, lines, seps, ones))
        except ValueError:
            index = None
        if index is not None and len(index) == len(lines):
            keys = "".join(index)
            if (
                " " not in keys
                and ":" not in keys
                and "" not in index
                and ("Event" in index or "Response" in index)
            ):
                append(AmiMessage(index))
                continue
        if not block.strip():
            continue
        message = _parse_block(block)
        if message is None:
            malformed.append(block.encode("utf-8"))
        else:
            append(message)


def _parse_bytes_blockwise(
    data: bytes, messages: list[AmiMessage], malformed: list[bytes], undecodable: list[bytes]
) -> None:
    """Slow path for a chunk with invalid UTF-8 or stray CRs: decode and parse block by block."""
    start = 0
    for match in _MESSAGE_END.finditer(data):
        raw = data[start : match.start()]
        start = match.end()
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(raw)
            text = raw.decode("utf-8", "replace")
        message = _parse_block(text)
        if message is None:
            malformed.append(raw)
        else:
            messages.append(message)


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
    undecodable: list[bytes] = []
    # Every message end ("\r\n\r\n", "\r\n\n", "\n\r\n", "\n\n") ends in one of these two.
    crlf_end = buffer.rfind(b"\n\r\n")
    lf_end = buffer.rfind(b"\n\n")
    end = max(crlf_end + 3 if crlf_end >= 0 else 0, lf_end + 2 if lf_end >= 0 else 0)
    if end == 0:
        return ParsedChunk(messages, malformed, greeting, buffer)
    complete = buffer[:end]
    try:
        text = complete.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        text = None
    if text is None or "\r" in text:
        _parse_bytes_blockwise(complete, messages, malformed, undecodable)
    else:
        _parse_text(text, messages, malformed)
    return ParsedChunk(messages, malformed, greeting, buffer[end:], undecodable)


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
