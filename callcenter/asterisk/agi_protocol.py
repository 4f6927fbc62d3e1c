"""The FastAGI wire format, as pure functions over text lines.

Asterisk opens a FastAGI connection with ``agi_*: value`` lines and one empty line (fact 4), then
answers each command line with one result line (fact 5), except for ``520`` usage answers, which span
several lines. A bare ``HANGUP`` line may arrive at any moment after the caller hung up (facts 6, 15);
it is not an answer. Nothing here does I/O or keeps state between calls.

Commands are split by Asterisk's ``parse_args`` (res_agi.c): words separated by spaces or tabs, a
double-quoted word may hold spaces, a backslash escapes the next character anywhere. A line break
ends the command, so no argument may hold CR, LF or NUL (``UnsafeAgiArgument``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from callcenter.asterisk.errors import AgiProtocolError, UnsafeAgiArgument

ASYNC_HANGUP_LINE = "HANGUP"

_ENV_KEY = re.compile(r"agi_[A-Za-z0-9_]+")
_ARG_KEY = re.compile(r"agi_arg_(\d+)")
_STATUS = re.compile(r"(\d{3})([ -])(.*)")
_COMMAND_WORDS = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
_UNSAFE = ("\r", "\n", "\0")


@dataclass(frozen=True, slots=True)
class AgiEnvironment:
    """The ``agi_*`` block Asterisk sends first. Values are kept as sent (``unknown`` stays)."""

    channel: str
    uniqueid: str
    callerid: str
    calleridname: str
    dnid: str
    context: str
    extension: str
    priority: str
    language: str
    request: str
    network_script: str
    args: tuple[str, ...]
    raw: Mapping[str, str] = field(hash=False)
    skipped: tuple[str, ...] = ()
    """Lines that were not ``agi_key: value`` (logged by the server, otherwise ignored)."""


@dataclass(frozen=True, slots=True)
class AgiResult:
    """One answer to one command.

    ``result`` is the text after ``result=`` (may be empty), ``data`` the parenthesised part,
    ``extras`` the ``key=value`` words after it; ``message`` is the text of a non-200 answer.
    """

    code: int
    result: str = ""
    data: str | None = None
    extras: Mapping[str, str] = field(default_factory=dict, hash=False)
    message: str = ""

    @property
    def result_int(self) -> int | None:
        try:
            return int(self.result)
        except ValueError:
            return None

    def extra_int(self, key: str) -> int | None:
        value = self.extras.get(key)
        try:
            return None if value is None else int(value)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Quoted:
    """An argument always sent in double quotes, as Asterisk's own examples do for escape digits."""

    text: str


AgiArg = str | int | Quoted


def parse_env_line(line: str) -> tuple[str, str] | None:
    """``"agi_channel: PJSIP/pstn-00000006\\n"`` -> ``("agi_channel", "PJSIP/pstn-00000006")``.

    Returns None for a line that is not ``agi_<key>: <value>``. ``agi_accountcode: `` gives ``""``.
    """
    text = line.rstrip("\r\n")
    key, sep, value = text.partition(":")
    if not sep or not _ENV_KEY.fullmatch(key):
        return None
    return key, value.removeprefix(" ")


def parse_environment(lines: Iterable[str]) -> AgiEnvironment:
    """Build the environment from the lines before the empty line.

    Wire example (inbound_redirect)::

        agi_network_script: ivr
        agi_channel: PJSIP/pstn-00000006
        agi_calleridname: Test Caller
        agi_arg_1: 5551234

    A malformed line is kept in ``skipped``, never fatal; empty lines are ignored.
    """
    raw: dict[str, str] = {}
    skipped: list[str] = []
    for line in lines:
        if not line.strip("\r\n"):
            continue
        pair = parse_env_line(line)
        if pair is None:
            skipped.append(line.rstrip("\r\n"))
        else:
            raw[pair[0]] = pair[1]
    numbered = sorted((int(m.group(1)), v) for k, v in raw.items() if (m := _ARG_KEY.fullmatch(k)))
    get = raw.get
    return AgiEnvironment(
        channel=get("agi_channel", ""),
        uniqueid=get("agi_uniqueid", ""),
        callerid=get("agi_callerid", ""),
        calleridname=get("agi_calleridname", ""),
        dnid=get("agi_dnid", ""),
        context=get("agi_context", ""),
        extension=get("agi_extension", ""),
        priority=get("agi_priority", ""),
        language=get("agi_language", ""),
        request=get("agi_request", ""),
        network_script=get("agi_network_script", ""),
        args=tuple(value for _, value in numbered),
        raw=raw,
        skipped=tuple(skipped),
    )


def is_async_hangup(line: str) -> bool:
    """True for the bare ``HANGUP`` line Asterisk sends once the channel is gone (not an answer)."""
    return line.rstrip("\r\n") == ASYNC_HANGUP_LINE


def starts_multiline(line: str) -> bool:
    """True for ``520-Invalid command syntax.  Proper usage follows:``: read on to ``520 ...``."""
    return line.startswith("520-")


def ends_multiline(line: str) -> bool:
    return line.startswith("520 ")


def parse_result(line: str) -> AgiResult:
    """Parse one answer line.

    Real lines from Asterisk 22.10.1 (tests/fixtures/transcripts)::

        200 result=0 endpos=11234            STREAM FILE played to the end
        200 result=49                        WAIT FOR DIGIT: ASCII of "1"
        200 result= (timeout)                GET DATA with no digit: empty result
        200 result=1 (42)                    GET VARIABLE: the value in parentheses
        200 result=1 (timeout) endpos=0      RECORD FILE ended by silence/timeout
        200 result=35 (dtmf) endpos=0        RECORD FILE ended by "#"
        200 result=-1 endpos=0               STREAM FILE of a missing prompt (channel alive!)
        200 result=-1                        hangup, or AMI Redirect of a channel in EXEC
        510 Invalid or unknown command
        520-Invalid command syntax.  Proper usage follows:   (see parse_multiline)
        520 End of proper usage.
        HANGUP                               async notice, not an answer: see is_async_hangup

    Raises AgiProtocolError for anything else (including ``HANGUP``).
    """
    text = line.rstrip("\r\n")
    match = _STATUS.fullmatch(text)
    if match is None or match.group(2) == "-":
        raise AgiProtocolError(f"not an AGI answer line: {text[:80]!r}")
    code, rest = int(match.group(1)), match.group(3)
    if code != 200:
        return AgiResult(code=code, message=rest)
    if not rest.startswith("result="):
        raise AgiProtocolError(f"200 answer without result=: {text[:80]!r}")
    value, _, rest = rest.removeprefix("result=").partition(" ")
    data: str | None = None
    if rest.startswith("("):
        # The value of GET VARIABLE is sent raw and may itself hold parentheses: take the last ")".
        close = rest.rfind(")")
        if close < 0:
            raise AgiProtocolError(f"unclosed '(' in AGI answer: {text[:80]!r}")
        data, rest = rest[1:close], rest[close + 1 :]
    return AgiResult(code=200, result=value, data=data, extras=_parse_extras(rest))


def _parse_extras(text: str) -> dict[str, str]:
    extras: dict[str, str] = {}
    last = ""
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep:
            extras[key] = value
            last = key
        elif last:  # "results=foo bar" (speech): a word without "=" continues the previous value
            extras[last] += " " + word
    return extras


def parse_multiline(lines: Sequence[str]) -> AgiResult:
    """Parse a usage answer: ``520-Invalid command syntax.  Proper usage follows:`` ... ``520 End ...``.

    ``message`` holds every line without the ``520-``/``520 `` markers, joined by newlines.
    """
    texts = [line.rstrip("\r\n") for line in lines]
    if not texts or not starts_multiline(texts[0]) or not ends_multiline(texts[-1]):
        raise AgiProtocolError(f"incomplete 520 usage answer: {texts[:1]!r}")
    body = [texts[0][4:], *texts[1:-1], texts[-1][4:]]
    return AgiResult(code=520, message="\n".join(body))


def encode_command(command: str, *args: AgiArg) -> bytes:
    """Encode one command line, UTF-8, ending in ``\\n``.

    ``encode_command("STREAM FILE", "hello-world", Quoted("0123456789#*"))`` gives
    ``STREAM FILE hello-world "0123456789#*"``; ``encode_command("GET FULL VARIABLE",
    "${CALLERID(name)} ${EXTEN}")`` gives ``GET FULL VARIABLE "${CALLERID(name)} ${EXTEN}"``.
    An empty argument is sent as ``""``; ``"`` and ``\\`` are backslash-escaped.

    Raises UnsafeAgiArgument, before anything is built, if any part holds CR, LF or NUL.
    """
    for part in (command, *args):
        text = part.text if isinstance(part, Quoted) else str(part)
        if any(ch in text for ch in _UNSAFE):
            raise UnsafeAgiArgument(text)
    if not _COMMAND_WORDS.fullmatch(command):
        raise ValueError(f"AGI command must be words of letters, got {command!r}")
    words = [command.upper(), *(_encode_arg(arg) for arg in args)]
    return (" ".join(words) + "\n").encode("utf-8")


def _encode_arg(arg: AgiArg) -> str:
    if isinstance(arg, int):
        return str(arg)
    text = arg.text if isinstance(arg, Quoted) else arg
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(arg, Quoted) or not text or " " in text or "\t" in text:
        return f'"{escaped}"'
    return escaped


def split_command(line: str) -> tuple[str, ...]:
    """Split a command line the way Asterisk's ``parse_args`` does (for the simulator and tests).

    ``SET CALLERID "Known Customer" <4155550100>`` -> ``("SET", "CALLERID", "Known Customer",
    "<4155550100>")``: four words, so Asterisk sets only the name (its NewCallerid event shows
    ``CallerIDNum: <unknown>``).
    """
    words: list[str] = []
    current: list[str] = []
    in_word = quoted = escaped = False
    for ch in line.rstrip("\r\n"):
        if escaped:
            current.append(ch)
            in_word, escaped = True, False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
            in_word = True  # an opening quote starts a word, even an empty one
        elif ch in " \t" and not quoted:
            if in_word:
                words.append("".join(current))
            current, in_word = [], False
        else:
            current.append(ch)
            in_word = True
    if in_word:
        words.append("".join(current))
    return tuple(words)
