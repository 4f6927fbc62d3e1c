"""Configuration of the PBX simulator (a frozen value)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Standard Asterisk sound names and their length in 8 kHz samples (from the recordings where known).
DEFAULT_PROMPTS: dict[str, int] = {
    "hello-world": 11234,
    "beep": 3404,
    "vm-intro": 45235,
    "vm-msgsaved": 17350,
    "vm-review": 44000,
    "queue-thereare": 18054,
    "queue-callswaiting": 12000,
    "queue-holdtime": 12000,
    "queue-minutes": 6000,
    "queue-seconds": 6000,
    "queue-thankyou": 14000,
    "queue-youarenext": 10000,
    "queue-periodic-announce": 20000,
    "tt-monkeys": 129600,
    "tt-weasels": 40000,
    "pls-hold-while-try": 16000,
    "vm-goodbye": 6000,
    "goodbye": 6000,
    "agent-loginok": 8000,
    "silence/1": 8000,
    "option-is-invalid": 12000,
    "please-try-again": 9000,
    "thank-you-for-calling": 10000,
    "demo-thanks": 20000,
    "auth-thankyou": 8000,
    "agent-pass": 9000,
    "custom/welcome": 16000,
}


@dataclass(frozen=True, slots=True)
class SimConfig:
    """How the simulator listens, where it finds the engine, and how fast time runs."""

    ami_host: str = "127.0.0.1"
    ami_port: int = 0
    ami_username: str = "engine"
    ami_secret: str = "enginepass"  # noqa: S105 - the recordings' lab secret, override it
    ami_permit: tuple[str, ...] = ()  # client IPs allowed; empty = any
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    inbound_context: str = "from-pstn"
    connect_context: str = "cc-connect"
    hold_context: str = "cc-hold"
    spy_context: str = "sup-sim"
    agent_context: str = "from-agents"
    connect_failed_script: str = "connect-failed"
    transfer_exten: str = "cc-transfer"  # in the connect context: the engine takes the caller back
    transfer_script: str = "transfer"
    outbound_context: str = "cc-outbound"  # click-to-dial: the agent's leg dials the number here
    outbound_trunk: str = "pstn-out"
    consult_context: str = "cc-consult"  # an agent's consultation leg dials the target here
    consult_script: str = "consult-end"
    # The crash-safe loop (fact 19): a session that ended without CC_DONE comes back here.
    # Off: the recordings' dialplan, where the call ends with the session (the replay tests).
    crash_safe: bool = True
    resume_context: str = "cc-resume"
    resume_script: str = "resume"
    resume_tries: int = 10
    resume_hold_s: float = 3.0
    agi_fallbacks: tuple[tuple[str, int], ...] = ()  # more engines, tried in turn after agi_host
    last_resort: str = "PJSIP/operator"  # dialled when no engine took the caller back
    dial_timeout_s: float = 30.0
    time_scale: float = 1.0
    login_failure_delay_s: float = 1.0
    seed: int = 0
    epoch: int = 1795382159
    prompt_dir: Path | None = None
    known_prompts: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PROMPTS))
