"""Agents' routing states kept in the database, so that a restart neither signs anyone in nor out.

Nobody is available merely because they are configured: an agent is available once they (or a
supervisor) say so. Every change of state or pause reason the ACD publishes is written, by a task
in a worker thread every ``flush_s`` (the last change of each agent; the event loop never waits
for the database). At start :func:`state_after_restart` decides what each agent comes back as:

- never signed in, or logged out: logged out;
- available: available; paused: paused with the same reason (as Asterisk's ``persistentmembers``
  brings queue members back with their pause and reason);
- ringing, on a call or in wrap-up: that call ended with the engine, and the agent may still be
  dealing with it (notes, the customer on their mobile). They come back paused with the reason
  ``interrupted`` and go available themselves when they are ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError
from acd.events import AgentStateChanged
from acd.model import Agent, AgentState, Channel
from acd.router import Router
from callcenter.write_behind import WriteBehind
from crm_core.agent_states import SavedAgentState, load_agent_states, save_agent_states

log = logging.getLogger(__name__)
INTERRUPTED_REASON = "interrupted"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """An agent who comes back signed in: available (no reason) or paused with ``paused_reason``."""

    paused_reason: str | None


def state_after_restart(saved: SavedAgentState | None) -> SignedIn | None:
    """What an agent is at start, from their last saved state (``None``: logged out)."""
    if saved is None or saved.state in (AgentState.LOGGED_OUT, ""):
        return None
    if saved.state == AgentState.AVAILABLE:
        return SignedIn(None)
    if saved.state == AgentState.PAUSED and saved.pause_reason:
        return SignedIn(saved.pause_reason)
    return SignedIn(INTERRUPTED_REASON)


class AgentStateJournal:
    def __init__(self, db: sessionmaker[Session], flush_s: float = 0.2) -> None:
        self._db = db
        self._pending: dict[str, SavedAgentState] = {}
        self._writer = WriteBehind(self.flush, flush_s, "agent-state-journal")

    def load(self) -> dict[str, SavedAgentState]:
        """Agent id → last saved state (blocking: call it in a worker thread)."""
        with self._db() as session:
            return load_agent_states(session)

    def record(self, event: object) -> None:
        """The ACD's listener (called on the event loop): keeps each agent's latest state."""
        if not isinstance(event, AgentStateChanged):
            return
        self._pending[event.agent_id] = SavedAgentState(
            event.agent_id, event.new.value, event.reason, event.at
        )
        self._writer.wake()

    async def flush(self) -> None:
        changes, self._pending = self._pending, {}
        if not changes:
            return
        try:
            await asyncio.to_thread(self._write, list(changes.values()))
        except Exception:
            # Routing goes on from memory; only a restart before the next write would lose these.
            log.exception("could not write agent states; retrying", extra={"agents": len(changes)})
            self._pending = changes | self._pending

    def _write(self, states: list[SavedAgentState]) -> None:
        with self._db.begin() as session:
            save_agent_states(session, states)

    async def close(self) -> None:
        """Stop the writer once the write under way is done, and write what is pending."""
        await self._writer.close()


async def restore_agent_states(
    router: Router, journal: AgentStateJournal, agents: Iterable[Agent]
) -> set[str]:
    """Sign each configured agent back in as :func:`state_after_restart` says. Returns the ids of
    the agents with no saved state (never signed in on this database).

    A store that outlived the engine (Redis) knows better than the journal: an agent signed in
    there keeps their record (state, pause reason, work in hand); one holding work the store no
    longer has is paused ``interrupted`` (``Router.settle_agents``)."""
    saved = await asyncio.to_thread(journal.load)
    interrupted = await router.settle_agents(INTERRUPTED_REASON)
    unseen, signed_in, kept = set(), 0, 0
    for agent in agents:
        if agent.agent_id not in saved:
            unseen.add(agent.agent_id)
        record = await router.agent(agent.agent_id)
        if record is not None and record.state != AgentState.LOGGED_OUT:
            kept += 1
            continue
        comeback = state_after_restart(saved.get(agent.agent_id))
        if comeback is not None:
            await router.login(agent, paused_reason=comeback.paused_reason)
            signed_in += 1
    log.info(
        "agent states restored",
        extra={
            "signed_in": signed_in,
            "kept": kept,
            "interrupted": len(interrupted),
            "never_signed_in": len(unseen),
        },
    )
    return unseen


async def drop_vanished_calls(router: Router, live_item_ids: Collection[str]) -> set[str]:
    """After a restart and the AMI's resync: the voice items in the store whose call is gone (id not
    in ``live_item_ids``) are abandoned or completed once; the agents who were ringing for or
    talking on one come back paused ``interrupted``, as when the journal restores them. Returns
    those agents."""
    gone = [r.item_id for r in await router.items() if r.item.channel == Channel.VOICE]
    holders = await router.drop_items(i for i in gone if i not in live_item_ids)
    for agent_id in sorted(holders):
        record = await router.agent(agent_id)
        if record is not None and record.state in (AgentState.AVAILABLE, AgentState.BUSY, AgentState.WRAP_UP):
            with contextlib.suppress(AcdError):  # offered the next caller meanwhile: left as it is
                await router.pause(agent_id, INTERRUPTED_REASON)
    return holders
