"""A consultation in progress on a live call (kept on :class:`callcenter.calls.registry.LiveCall`;
driven by :mod:`callcenter.calls.consult`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ConsultKind = Literal["agent", "number"]


@dataclass(slots=True)
class Consultation:
    kind: ConsultKind
    target: str  # agent id or E.164
    by_agent: str
    agent_leg: str  # the consulting agent's own channel
    item_id: str | None = None  # the consulted agent's ACD item
    target_leg: str | None = None
    answered: bool = False
    completing: bool = False
    cancelled: bool = False
