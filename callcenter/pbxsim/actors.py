"""Simulated people: callers, agent phones and customers answering callbacks (frozen values).

The behaviour that drives a caller lives in :mod:`caller_driver`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# "manual": rings until answered from outside (PbxSimulator.answer_phone), like a person would.
AgentBehaviour = Literal["answer", "manual", "busy", "noanswer", "unavailable"]
CustomerBehaviour = Literal["answer", "busy", "noanswer"]


@dataclass(frozen=True, slots=True)
class SimulatedCaller:
    """A PSTN caller.

    ``digits``: (delay in seconds since the previous digit — or since the first prompt started —,
    digit). ``patience_s``: hang up if not talking to an agent after that long.
    ``talk_s``: hang up after talking that long (None = wait for the agent to hang up).
    ``waits_to_be_heard``: each key is pressed once its time has come *and* the IVR listens, and
    again if it fell between two AGI commands; otherwise at its time, heard or not (a real Asterisk
    drops a key pressed between commands, and at a small time scale a loaded machine makes that
    gap as long as a prompt).
    """

    number: str = "4155550100"
    name: str = "Test Caller"
    dialed: str = "5551234"
    digits: Sequence[tuple[float, str]] = field(default_factory=tuple)
    patience_s: float = 120.0
    talk_s: float | None = None
    waits_to_be_heard: bool = False


@dataclass(frozen=True, slots=True)
class SimulatedAgentPhone:
    """An agent's PJSIP phone; ``talk_s`` = the agent hangs up after talking that long."""

    endpoint: str = "agent-1001"
    answer_delay_s: float = 0.5
    behaviour: AgentBehaviour = "answer"
    talk_s: float | None = None


@dataclass(frozen=True, slots=True)
class SimulatedFax:
    """The far end's fax machine (res_fax_spandsp talking T.30 to it).

    Inbound (:meth:`PbxSimulator.place_fax_call`): ``document`` is the TIFF it transmits; ReceiveFAX
    writes its bytes to the path it was given. Outbound: register it for a number
    (:meth:`PbxSimulator.set_fax_machine`) and SendFAX to that number reports its ``station_id``.
    ``error`` empty = the transfer succeeds; otherwise FAXSTATUS is FAILED with that FAXERROR.
    """

    number: str = "4155550100"
    dialed: str = "5559999"
    station_id: str = ""
    pages: int = 1
    document: Path | None = None
    error: str = ""
    status_string: str = "remote channel hungup"
    transfer_s: float = 17.5  # the recorded one-page transfer at 14400 bit/s
    bit_rate: str = "14400"
    resolution: str = "8031x7700"
