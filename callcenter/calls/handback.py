"""What a queued caller carries on their own channel, so that any engine can take them back.

Before the engine Redirects a caller to an agent's phone it sets one channel variable on the
caller's channel, ``CC_QUEUED`` (one Setvar: Asterisk's Redirect action has no ``Variable``
header). When the agent's phone fails and the connect context hands the caller back
(``connect-failed``, or ``transfer`` after an agent's transfer) to an engine that does not know the
call — it restarted meanwhile — that engine reads the variable (AGI ``GET VARIABLE``) and queues the
caller again in the same queue, with the same skills, priority and original entry time.

One compact value, version first, ``|`` between fields, names percent-encoded::

    1|<queue>|<priority>|<queued_at>|<started_at>|<dialed>|<skill>:<level>,<skill>:<level>

    1|sales|5|1795382159.25|1795382101.5|5551234|mandarin:3,sales:2

Times are epoch seconds. A value that does not parse is refused with a ``ValueError`` saying why;
the caller is then queued in the default queue (never dropped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote, unquote

from acd.model import MAX_LEVEL, MIN_LEVEL

HANDBACK_VARIABLE = "CC_QUEUED"
_VERSION = "1"
_FIELDS = 7
# Asterisk reads a variable into a 1024-byte buffer (GET VARIABLE): skills beyond that are left out.
MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class QueuedState:
    queue: str
    priority: float
    queued_at: float
    started_at: float
    dialed: str = ""
    skills: tuple[tuple[str, int], ...] = ()

    def encode(self) -> str:
        head = "|".join(
            (
                _VERSION,
                quote(self.queue, safe=""),
                _number(self.priority),
                _number(self.queued_at),
                _number(self.started_at),
                quote(self.dialed, safe=""),
            )
        )
        skills = ""
        for skill, level in self.skills:
            more = (
                f"{skills},{quote(skill, safe='')}:{level}" if skills else f"{quote(skill, safe='')}:{level}"
            )
            if len(head) + 1 + len(more) > MAX_LENGTH:
                break
            skills = more
        return f"{head}|{skills}"

    @staticmethod
    def decode(text: str, now: float) -> QueuedState:
        """Parse ``text``; times later than ``now`` (another host's clock) are taken as ``now``."""
        fields = text.split("|")
        if len(fields) != _FIELDS or fields[0] != _VERSION:
            raise ValueError(f"not a version {_VERSION} hand-back of {_FIELDS} fields")
        _version, queue, priority, queued_at, started_at, dialed, skills = fields
        name = unquote(queue)
        if not name:
            raise ValueError("no queue")
        entered = min(_finite(queued_at, "queued_at"), now)
        return QueuedState(
            queue=name,
            priority=_finite(priority, "priority", signed=True),
            queued_at=entered,
            started_at=min(_finite(started_at, "started_at"), entered),
            dialed=unquote(dialed),
            skills=tuple(_skill(pair) for pair in skills.split(",") if pair),
        )


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _finite(text: str, what: str, signed: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} is not a number: {text[:20]!r}") from None
    if not math.isfinite(value) or (value < 0 and not signed):
        raise ValueError(f"{what} out of range: {text[:20]!r}")
    return value


def _skill(pair: str) -> tuple[str, int]:
    name, _, level = pair.partition(":")
    if not name or not level.isdigit() or not MIN_LEVEL <= int(level) <= MAX_LEVEL:
        raise ValueError(f"bad skill requirement {pair[:40]!r}")
    return unquote(name), int(level)
