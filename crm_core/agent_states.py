"""Agents' last routing states in the database (table ``agent_states``, migration 0006).

The engine writes each agent's state and pause reason as they change and reads them at start.
crm_core cannot import ``acd``: states are kept as the ACD's state names (``"available"``,
``"paused"``, ...); what a state means after a restart is the engine's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models_routing import AgentStateRow


@dataclass(frozen=True, slots=True)
class SavedAgentState:
    agent_id: str
    state: str
    pause_reason: str | None
    changed_at: float


def save_agent_states(session: Session, states: Iterable[SavedAgentState]) -> None:
    """Insert or replace each agent's row (the caller commits)."""
    for saved in states:
        session.merge(
            AgentStateRow(
                agent_id=saved.agent_id,
                state=saved.state,
                pause_reason=saved.pause_reason,
                changed_at=saved.changed_at,
            )
        )


def load_agent_states(session: Session) -> dict[str, SavedAgentState]:
    """Agent id → its last saved state."""
    return {
        row.agent_id: SavedAgentState(row.agent_id, row.state, row.pause_reason, row.changed_at)
        for row in session.scalars(select(AgentStateRow))
    }
