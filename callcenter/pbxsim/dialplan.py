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
    label: str = ""  # ``same => n(done),Hangup()``: a Goto target


@dataclass(frozen=True, slots=True)
class Extension:
    pattern: str
    steps: tuple[Step, ...]


Dialplan = dict[str, tuple[Extension, ...]]


def _engine_turn(config: SimConfig, script: str, args: str, *before_resume: Step) -> tuple[Step, ...]:
    """One FastAGI session; a session that ended without the engine's CC_DONE mark (the engine died,
    fact 19) goes to the resume loop instead of ending the call."""
    agi = f"agi://{config.agi_host}:{config.agi_port}"
    if not config.crash_safe:  # the recordings' dialplan: the call ends with the session
        return Step("AGI", f"{agi}/{script}{args}"), Step("Hangup", "")
    return (
        Step("AGI", f"{agi}/{script}{args}"),
        Step("GotoIf", '$["${CC_DONE}" = "1"]?done'),
        *before_resume,
        Step("Goto", f"{config.resume_context},s,1"),
    )


def _resume_context(config: SimConfig) -> tuple[Extension, ...]:
    """Back into an engine (each in turn) after a short hold, ``resume_tries`` times, then the last
    resort. The same loop the README documents for a real Asterisk."""
    engines = ((config.agi_host, config.agi_port), *config.agi_fallbacks)
    tries: list[Step] = [
        Step("Set", "CC_TRIES=$[0${CC_TRIES} + 1]"),
        Step("GotoIf", f"$[${{CC_TRIES}} > {config.resume_tries}]?last"),
    ]
    for host, port in engines:
        tries += [
            Step("Set", "CC_DONE="),
            Step("AGI", f"agi://{host}:{port}/{config.resume_script},${{CC_DIALED}}"),
            Step("GotoIf", '$["${CC_DONE}" = "1"]?done'),
        ]
    tries += [
        Step("MusicOnHold", f"default,{config.resume_hold_s:g}"),
        Step("Goto", "s,1"),
        Step("NoOp", "no engine took the caller back", label="last"),
        Step("Dial", f"{config.last_resort},{int(config.dial_timeout_s)}"),
        Step("Hangup", "", label="done"),
    ]
    return (Extension("s", tuple(tries)),)


def _agent_legs(config: SimConfig) -> Dialplan:
    """Where the engine sends agents' own legs: consultations and click-to-dial."""
    agi = f"agi://{config.agi_host}:{config.agi_port}"
    timeout = int(config.dial_timeout_s)
    return {
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
    }


def default_dialplan(config: SimConfig) -> Dialplan:
    """The dialplan of the recordings, with the connect context handing failures back (fact 9) and
    every caller-holding FastAGI session looped back into an engine when it dies (fact 19)."""
    timeout = int(config.dial_timeout_s)
    done = (Step("Hangup", "", label="done"),) if config.crash_safe else ()
    plan: Dialplan = {
        config.inbound_context: (
            Extension(
                "_X.",
                (
                    Step("NoOp", "inbound ${EXTEN} from ${CALLERID(num)}"),
                    *_engine_turn(config, "ivr", ",${EXTEN}", Step("Set", "CC_DIALED=${EXTEN}")),
                    *done,
                ),
            ),
        ),
        config.connect_context: (
            Extension(
                "_age[n]t-.",
                (
                    Step("NoOp", "connect to ${EXTEN}"),
                    Step("Dial", f"PJSIP/${{EXTEN}},{timeout}"),
                    *_engine_turn(config, config.connect_failed_script, ",${DIALSTATUS},${EXTEN}"),
                    *done,
                ),
            ),
            Extension(
                config.transfer_exten,
                (*_engine_turn(config, config.transfer_script, ""), *done),
            ),
        ),
        config.resume_context: _resume_context(config),
        **_agent_legs(config),
        config.hold_context: (Extension("_X.", (Step("MusicOnHold", "default"),)),),
        config.spy_context: (Extension("spy", (Step("Answer", ""), Step("Wait", "60"))),),
    }
    if not config.crash_safe:
        del plan[config.resume_context]
    return plan


def find_steps(plan: Dialplan, context: str, exten: str) -> tuple[Step, ...] | None:
    for ext in plan.get(context, ()):
        if matches(ext.pattern, exten):
            return ext.steps
    return None


def label_priority(steps: tuple[Step, ...], target: str) -> int | None:
    """``"done"`` or ``"3"`` → the 1-based priority it names, None if there is none."""
    if target.isdigit():
        return int(target)
    for priority, step in enumerate(steps, start=1):
        if step.label == target:
            return priority
    return None


_VAR = re.compile(r"\$\{([^${}]+)\}")


def substitute(text: str, lookup: dict[str, str]) -> str:
    """Expand ``${NAME}`` references from ``lookup`` (unset -> empty), as Asterisk does."""
    return _VAR.sub(lambda m: lookup.get(m.group(1), ""), text)
