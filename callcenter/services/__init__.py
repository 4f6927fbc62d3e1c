"""The use cases the web app calls, one method each with its own unit of work.

Routes parse, authorize, call one use case and translate its refusal; the use cases take and
return plain values (dataclasses, not ORM rows) and raise :mod:`callcenter.services.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.conversations.api import ConversationPort
from callcenter.services.accounts import Accounts
from callcenter.services.callbacks import CallbackDesk
from callcenter.services.routing_admin import RoutingAdmin
from callcenter.services.status import EngineStatus
from callcenter.services.supervision import SupervisorDesk
from callcenter.services.wrap_up import WrapUps


@dataclass(frozen=True, slots=True)
class Services:
    routing: RoutingAdmin
    wrap_ups: WrapUps
    callbacks: CallbackDesk
    supervision: SupervisorDesk
    accounts: Accounts
    status: EngineStatus
    conversations: ConversationPort  # web chat and e-mail (the engine's conversation service)
