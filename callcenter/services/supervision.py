"""The supervisor's interventions: listen / whisper / barge, forcing an agent's state, giving a
waiting caller to an agent, moving them (or a waiting chat or e-mail) to another queue or removing a
stuck one; the audit log.

Every intervention is audited (who, which agent, which call, what mode) before it is answered.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from acd.channel_stats import WaitingItem
from acd.errors import IllegalItemState, UnknownItem
from acd.model import AgentState, Channel
from callcenter.calls.supervision import SpyMode
from callcenter.contact_center import ContactCenter
from callcenter.services.audit import Actor, Now, record
from callcenter.services.errors import BadTransferTarget, ItemNotWaiting, PhoneItem, UnknownAgent
from callcenter.services.routing_admin import RoutingAdmin
from crm_core.audit import AuditLog, AuditView

ForcedState = Literal["available", "paused", "logged_out"]


class SupervisorDesk:
    def __init__(
        self,
        db: sessionmaker[Session],
        cc: ContactCenter,
        routing: RoutingAdmin,
        now: Now,
        outbound_queue: str,
    ) -> None:
        self._db, self._cc, self._routing, self._now = db, cc, routing, now
        self._outbound_queue = outbound_queue

    async def _audit(self, actor: Actor, action: str, target: str, details: dict[str, str]) -> None:
        def write() -> None:
            with self._db.begin() as session:
                record(session, self._now, actor, action, target, details)

        await asyncio.to_thread(write)

    async def supervise(self, actor: Actor, agent_id: str, mode: SpyMode | None) -> None:
        """Start, switch or stop (``mode`` None) listening to / whispering to / barging into a call."""
        call = self._cc.call_of_agent(agent_id)
        await self._cc.supervise(actor.username, agent_id, mode)
        details = {"call": call.uniqueid if call else "", "caller": call.caller_number if call else ""}
        await self._audit(actor, f"supervise.{mode or 'stop'}", f"agent:{agent_id}", details)

    async def force_state(self, actor: Actor, agent_id: str, state: ForcedState, reason: str | None) -> None:
        cc = self._cc
        if state == "logged_out":
            await cc.agent_logout(agent_id)
        elif state == "paused":
            await cc.agent_pause(agent_id, reason or "supervisor")
        else:
            snapshot = await cc.snapshot()
            now = next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)
            if agent_id in snapshot.pending_pauses:
                await cc.agent_available(agent_id)  # the pause waiting for the call or wrap-up is called off
                if now is AgentState.WRAP_UP:
                    await cc.end_wrap_up(agent_id)
            elif now is AgentState.LOGGED_OUT:
                if agent_id not in self._routing.agent_skills:
                    raise UnknownAgent(agent_id=agent_id)
                await self._routing.login_agent(agent_id)
            elif now is AgentState.WRAP_UP:
                await cc.end_wrap_up(agent_id)
            else:
                await cc.agent_available(agent_id)
        details = {"state": state, "reason": reason or ""}
        await self._audit(actor, "agent.force_state", f"agent:{agent_id}", details)

    async def give_waiting_call(self, actor: Actor, uniqueid: str, agent_id: str) -> None:
        """The waiting caller is offered to this agent alone for a while (skills waived), keeping
        their place; then to their queue again."""
        await self._cc.waiting.give_to_agent(uniqueid, agent_id)
        await self._audit(actor, "waiting.give", f"call:{uniqueid}", {"agent": agent_id})

    async def move_waiting_call(self, actor: Actor, uniqueid: str, queue: str) -> None:
        """The waiting caller moves to another queue, keeping their wait time."""
        if queue == self._outbound_queue:
            raise BadTransferTarget()
        await self._cc.waiting.move(uniqueid, queue)
        await self._audit(actor, "waiting.move", f"call:{uniqueid}", {"queue": queue})

    async def move_waiting_item(self, actor: Actor, item_id: str, queue: str) -> WaitingItem:
        """A waiting chat or e-mail (any channel but the phone's) moves to another queue, keeping its
        wait time. A caller moves by their call (``move_waiting_call``): the call follows its queue."""
        if queue == self._outbound_queue:
            raise BadTransferTarget()
        router = self._cc.router
        waiting = await router.waiting_item(item_id)
        if waiting is None:
            raise ItemNotWaiting(item_id=item_id)
        if waiting.channel in (Channel.VOICE, Channel.CALLBACK):
            raise PhoneItem(item_id=item_id)
        try:
            await router.move(item_id, queue)
        except (IllegalItemState, UnknownItem) as exc:  # offered or gone meanwhile
            raise ItemNotWaiting(item_id=item_id) from exc
        details = {"queue": queue, "from": waiting.queue, "channel": waiting.channel.value}
        await self._audit(actor, "waiting.move_item", f"{waiting.channel.value}:{item_id}", details)
        return waiting

    async def remove_waiting_call(self, actor: Actor, uniqueid: str) -> bool:
        """A stuck waiting caller leaves the queue (counted as abandoned); True when Asterisk still
        had the channel and it was hung up."""
        hung_up = await self._cc.waiting.remove(uniqueid)
        await self._audit(actor, "waiting.remove", f"call:{uniqueid}", {"hung_up": str(hung_up).lower()})
        return hung_up

    async def audit_log(self, limit: int, action_prefix: str | None) -> list[AuditView]:
        def read() -> list[AuditView]:
            with self._db() as session:
                return AuditLog().recent(session, limit=limit, action_prefix=action_prefix)

        return await asyncio.to_thread(read)
