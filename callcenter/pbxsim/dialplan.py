"""The simulator's small dialplan and Asterisk's extension pattern semantics.

Pattern rules (pbx.c): a pattern starts with ``_``; ``X`` = 0-9, ``Z`` = 1-9, ``N`` = 2-9 — in
*either case*, so ``_agent-.`` never matches ``agent-1001`` (the ``n`` wants 2-9) while
``_age[n]t-.`` does; ``[...]`` is a character class with ranges; ``.`` = one or more of anything,
``!`` = zero or more. Anything else matches itself (case-insensitively).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callcenter.pbxsim.config import SimConfig

_WILDCARDS = {"x": "[0-9]", "z": "[1-9]", "n": "[2-9]"}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Compile an extension pattern: ``pattern_regex("_X.").fullmatch("5551234")`` matches."""
    if not pattern.startswith("_"):
        return re.compile(re.escape(pattern), re.IGNORECASE)
    out: list[str] = []
    body = pattern[1:]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch.lower() in _WILDCARDS:
            out.append(_WILDCARDS[ch.lower()])
        elif ch == "[":
            end = body.index("]", i)
            out.append("[" + body[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end
        elif ch == ".":
            out.append(".+")
        elif ch == "!":
            out.append(".*")
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE)


def matches(pattern: str, exten: str) -> bool:
    """True if ``exten`` matches the dialplan ``pattern``.

    >>> matches("_age[n]t-.", "agent-1001"), matches("_agent-.", "agent-1001")
    (True, False)
    """
    return pattern_regex(pattern).fullmatch(exten) is not None


@dataclass(frozen=True, slots=True)
class Step:
    application: str
    data: str


@dataclass(frozen=True, slots=True)
class Extension:
    pattern: str
    steps: tuple[Step, ...]


Dialplan = dict[str, tuple[Extension, ...]]


def default_dialplan(config: SimConfig) -> Dialplan:
    """The dialplan of the recordings, with the connect context handing failures back (fact 9)."""
    agi = f"agi://{config.agi_host}:{config.agi_port}"
    timeout = int(config.dial_timeout_s)
    return {
        config.inbound_context: (
            Extension(
                "_X.",
                (
                    Step("NoOp", "inbound ${EXTEN} from ${CALLERID(num)}"),
                    Step("AGI", f"{agi}/ivr,${{EXTEN}}"),
                    Step("Hangup", ""),
                ),
            ),
        ),
        config.connect_context: (
            Extension(
                "_age[n]t-.",
                (
                    Step("NoOp", "connect to ${EXTEN}"),
                    Step("Dial", f"PJSIP/${{EXTEN}},{timeout}"),
                    Step("AGI", f"{agi}/{config.connect_failed_script},${{DIALSTATUS}},${{EXTEN}}"),
                    Step("Hangup", ""),
                ),
            ),
            Extension(
                config.transfer_exten, (Step("AGI", f"{agi}/{config.transfer_script}"), Step("Hangup", ""))
            ),
        ),
        config.consult_context: (
            Extension(
                "_age[n]t-.",
                (
                    Step("Dial", f"PJSIP/${{EXTEN}},{timeout},g"),
                    Step("AGI", f"{agi}/{config.consult_script},${{DIALSTATUS}}"),
                    Step("Hangup", ""),
                ),
            ),
            Extension(
                "_X.",
                (
                    Step("Dial", f"PJSIP/${{EXTEN}}@{config.outbound_trunk},60,g"),
                    Step("AGI", f"{agi}/{config.consult_script},${{DIALSTATUS}}"),
                    Step("Hangup", ""),
                ),
            ),
        ),
        config.outbound_context: (
            Extension(
                "_X.", (Step("Dial", f"PJSIP/${{EXTEN}}@{config.outbound_trunk},60"), Step("Hangup", ""))
            ),
        ),
        config.hold_context: (Extension("_X.", (Step("MusicOnHold", "default"),)),),
        config.spy_context: (Extension("spy", (Step("Answer", ""), Step("Wait", "60"))),),
    }


def find_steps(plan: Dialplan, context: str, exten: str) -> tuple[Step, ...] | None:
    for ext in plan.get(context, ()):
        if matches(ext.pattern, exten):
            return ext.steps
    return None


_VAR = re.compile(r"\$\{([^${}]+)\}")


def substitute(text: str, lookup: dict[str, str]) -> str:
    """Expand ``${NAME}`` references from ``lookup`` (unset -> empty), as Asterisk does."""
    return _VAR.sub(lambda m: lookup.get(m.group(1), ""), text)
