"""The engine's chat and e-mail wiring, in two steps :class:`callcenter.app.Engine` calls.

:func:`build_conversation_service` builds the conversation service over the engine's router before
the AMI starts (the router's listener feeds it ACD events from then on);
:func:`start_conversation_channels` runs once the agents are back: the open conversations wait
again, the e-mail channel starts (with ``email.enabled``) and the waiting places run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Coroutine
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from acd.router import Router
from callcenter.clock import SystemClock
from callcenter.conversations.service import ConversationService, build_conversations
from callcenter.email.channel import EmailChannel, attach_email_channel
from callcenter.settings import Settings
from crm_core.routing_store import RoutingProfiles

RunTask = Callable[[Coroutine[Any, Any, None], str], None]


def build_conversation_service(
    settings: Settings,
    sessions: sessionmaker[Session],
    router: Router,
    publish: Callable[[object], None],
    profiles: RoutingProfiles,
    known_queues: Collection[str],
    stack: contextlib.AsyncExitStack,
) -> ConversationService:
    """Web chats and e-mails: work items in the same router as the calls, drained at stop.

    ``known_queues`` is the engine's live set (the admin page adds to it)."""
    service = build_conversations(
        settings.chat,
        sessions,
        router,
        SystemClock(),
        publish,
        settings.default_region,
        queues=lambda: known_queues,
        agent_skills=lambda: {a.agent_id: a.skills for a in profiles.agents},
        queue_skills=lambda name: next((q.skills for q in profiles.queues if q.name == name), None),
    )
    stack.push_async_callback(service.drain)
    return service


async def start_conversation_channels(
    settings: Settings,
    sessions: sessionmaker[Session],
    service: ConversationService,
    stack: contextlib.AsyncExitStack,
    run_task: RunTask,
) -> EmailChannel | None:
    """After the agents are restored: the ACD is in memory, so the open conversations wait again;
    then the e-mail channel (None when disabled) and the waiting places' loop."""
    await service.restore()
    email = await attach_email_channel(settings.email, sessions, service, SystemClock(), stack)
    run_task(service.run_waiting_places(), "conversation-waiting-places")
    return email
