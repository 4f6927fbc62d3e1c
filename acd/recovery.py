"""Making a shared store coherent again when an engine starts on records an earlier one left
(the Redis store outlives the process; the memory store starts empty and has nothing to mend).

- :meth:`Recovery.drop_items`: work whose customer is gone (e.g. calls Asterisk no longer has) leaves
  the store the way it would have had the engine seen it go: a waiting or ringing item is abandoned
  (counted once), one in conversation is completed (its agent's capacity comes back).
- :meth:`Recovery.settle_agents`: an agent whose record holds work the store no longer has (ringing
  for an offer that is gone, on items that are gone) gets the capacity back; one left holding
  nothing is paused with the reason given (the agent may still be dealing with it), as the engine
  does for agents who were working when it stopped. Offers no agent holds go back to waiting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from acd.context import RouterContext
from acd.core import RouterCore
from acd.errors import AcdError
from acd.events import OfferReleased
from acd.model import AgentState, Channel
from acd.records import AgentRecord, ItemRecord, ItemStatus
from acd.store import Txn

S = AgentState


def settled(
    rec: AgentRecord, load: Mapping[Channel, int], offer_id: str | None, reason: str, now: float
) -> AgentRecord:
    """The agent holding exactly ``load`` and ``offer_id`` (pure). Ringing or on work with nothing
    left in hand: paused with ``reason``."""
    state = rec.state
    if offer_id is not None:
        state = S.RESERVED
    elif state == S.RESERVED or (state == S.BUSY and not sum(load.values())):
        state = S.BUSY if sum(load.values()) else S.PAUSED
    changes: dict[str, object] = {"load": dict(load), "offer_id": offer_id, "version": rec.version + 1}
    if state != rec.state:
        changes["since"] = now
    if state == S.PAUSED and rec.state != S.PAUSED:
        changes.update(pause_reason=reason, pending_pause=None, wrap_until=None)
    return replace(rec, state=state, **changes)  # type: ignore[arg-type]


class Recovery:
    def __init__(self, ctx: RouterContext, core: RouterCore) -> None:
        self._ctx = ctx
        self._core = core

    async def drop_items(self, item_ids: Iterable[str]) -> set[str]:
        """Abandon (waiting, offered) or complete (active) these items; unknown ids are skipped.
        Returns the agents that were ringing for or working on one of them."""
        agents: set[str] = set()
        for item_id in item_ids:
            rec = await self._ctx.store.get_item(item_id)
            if rec is None:
                continue
            if rec.agent_id is not None:
                agents.add(rec.agent_id)
            try:
                if rec.status == ItemStatus.ACTIVE:
                    await self._core.complete(item_id)
                else:
                    await self._core.abandon(item_id)
            except AcdError:  # changed meanwhile (answered, ended): nothing left to drop
                continue
        return agents

    async def settle_agents(self, reason: str) -> list[str]:
        """Make every agent's record match the items and offers the store holds (see the module
        doc). Returns the agents whose record changed."""
        ctx = self._ctx
        items = await ctx.store.all_items()
        await self._requeue_unheld_offers(items)
        items = await ctx.store.all_items()
        changed = []
        for agent in await ctx.store.all_agents():
            if agent.state == S.LOGGED_OUT:
                continue
            load = Counter(r.item.channel for r in items if r.agent_id == agent.agent_id)
            held = agent.offer_id if any(r.offer_id == agent.offer_id for r in items) else None
            have = {ch: n for ch, n in agent.load.items() if n}
            if have == dict(load) and held == agent.offer_id:
                continue
            now = ctx.clock.now()
            new = settled(agent, load, held, reason, now)
            txn = Txn(agents=[(agent, new)])
            if agent.offer_id is not None and held is None:
                txn.offers_del.append(agent.offer_id)
                txn.timers_del.append(f"offer:{agent.offer_id}")
            if await ctx.store.commit(txn):
                ctx.agent_changed(agent, new, now)
                changed.append(agent.agent_id)
        return changed

    async def _requeue_unheld_offers(self, items: list[ItemRecord]) -> None:
        ctx = self._ctx
        offered = [r for r in items if r.status == ItemStatus.OFFERED and r.offer_id is not None]
        for rec in offered:
            agent = await ctx.store.get_agent(rec.agent_id or "")
            if agent is not None and agent.offer_id == rec.offer_id:
                continue
            q = await ctx.queue(rec.item.queue)
            new, timers = ctx.waiting_again(rec, q, ctx.clock.now())
            offer_id, now = rec.offer_id or "", ctx.clock.now()
            if await ctx.store.commit(
                Txn(items=[(rec, new)], timers_put=timers, offers_del=[offer_id],
                    timers_del=[f"offer:{offer_id}"])
            ):  # fmt: skip
                ctx.emit(OfferReleased(offer_id, rec.item_id, rec.agent_id or "", q.name, "withdrawn",
                                       True, rec.item.arrived_at, now))  # fmt: skip
