"""The conversation service: :class:`callcenter.conversations.api.ConversationPort` for the web chat
and the e-mail channel, built once by the engine (:func:`build_conversations`).

The use cases live in parts that share :class:`~callcenter.conversations.core.ConversationCore`:
routing (ACD events, waiting places, restart), visitors, agents and supervisors, e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from sqlalchemy.orm import Session, sessionmaker

from acd.router import Router
from callcenter.conversations.customers import CrmCustomers
from callcenter.conversations.email import EmailSide
from callcenter.conversations.fax import FaxSide
from callcenter.conversations.staffing import RouterStaffing, Skills
from callcenter.conversations.store import ConversationStore
from callcenter.conversations.voicemail import VoicemailSide
from callcenter.settings_chat import ChatSettings
from crm_core.clock import Clock


class ConversationService(EmailSide, VoicemailSide, FaxSide):
    """Web chats and e-mails as ACD work items (see the package's ``api`` for the contract)."""


def build_conversations(
    settings: ChatSettings,
    sessions: sessionmaker[Session],
    router: Router,
    clock: Clock,
    publish: Callable[[object], None],
    default_region: str,
    queues: Callable[[], Collection[str]],
    agent_skills: Callable[[], Mapping[str, Skills]],
    queue_skills: Callable[[str], Skills | None],
) -> ConversationService:
    return ConversationService(
        settings,
        ConversationStore(sessions, clock, default_region),
        router,
        CrmCustomers(sessions, default_region),
        RouterStaffing(router, agent_skills, queue_skills),
        clock.now,
        publish,
        queues,
    )
