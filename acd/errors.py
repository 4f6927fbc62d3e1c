"""The ACD exception tree.

    AcdError                      code "acd.error"
    ├── InvalidConfig             "acd.invalid_config"        a queue, agent or item definition is wrong
    ├── UnknownQueue              "acd.unknown_queue"
    ├── UnknownAgent              "acd.unknown_agent"
    ├── UnknownItem               "acd.unknown_item"
    ├── DuplicateItem             "acd.duplicate_item"
    ├── OfferNotPending           "acd.offer_not_pending"     accepted/declined/expired already
    ├── IllegalTransition         "acd.illegal_transition"    agent state machine refused an action
    ├── IllegalItemState          "acd.illegal_item_state"    e.g. completing an item nobody answered
    └── StoreContention           "acd.store_contention"      optimistic retries exhausted

Every error carries a stable ``code``, a ``params`` dict and an English default message; the
engine translates ``code`` + ``params`` at its edge (``callcenter/i18n.py``).
"""

from __future__ import annotations

from typing import ClassVar


class AcdError(Exception):
    """Base of every ACD error."""

    code: ClassVar[str] = "acd.error"
    template: ClassVar[str] = "ACD error"

    def __init__(self, **params: object) -> None:
        self.params: dict[str, object] = params
        super().__init__(self.template.format(**params))

    @property
    def message(self) -> str:
        return str(self)


class InvalidConfig(AcdError):
    code = "acd.invalid_config"
    template = "Invalid ACD configuration for {subject}: {problem}"


class UnknownQueue(AcdError):
    code = "acd.unknown_queue"
    template = "Queue {queue!r} is not configured; add it with Router.add_queue first"


class UnknownAgent(AcdError):
    code = "acd.unknown_agent"
    template = "Agent {agent_id!r} is not known to the ACD; log the agent in first"


class UnknownItem(AcdError):
    code = "acd.unknown_item"
    template = "Work item {item_id!r} is not in the ACD (already finished or never queued)"


class DuplicateItem(AcdError):
    code = "acd.duplicate_item"
    template = "Work item {item_id!r} is already in the ACD; use a new id for a new contact"


class OfferNotPending(AcdError):
    code = "acd.offer_not_pending"
    template = "Offer {offer_id!r} is no longer pending (already accepted, declined or expired)"


class IllegalTransition(AcdError):
    code = "acd.illegal_transition"
    template = "Agent {agent_id!r} cannot {action} while {state}: {reason}"


class IllegalItemState(AcdError):
    code = "acd.illegal_item_state"
    template = "Work item {item_id!r} cannot {action} while {status}"


class StoreContention(AcdError):
    code = "acd.store_contention"
    template = "Gave up {action} after {attempts} conflicting concurrent updates; retry the request"
