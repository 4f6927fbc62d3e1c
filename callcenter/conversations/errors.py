"""Refusals of the conversation use cases: a stable ``conversation.*`` code and its parameters.

ConversationError (a CallCenterError)
 ├── NotFound               conversation.not_found          no such conversation (or attachment)
 ├── BadVisitorKey          conversation.bad_visitor_key    the visitor's key does not open it
 ├── Closed                 conversation.closed             ended: no more messages or changes
 ├── BadInput               conversation.<what>             a field a person can fix (name, text…)
 ├── RateLimited            conversation.rate_limited       too many messages or chats: wait
 ├── NotYours               conversation.not_yours          another agent's offer or conversation
 ├── OfferGone              conversation.offer_gone         the offer was taken back or timed out
 ├── BadAttachment          conversation.attachment_*       type, size or content refused
 └── Unavailable            conversation.unavailable        a port (transcript mail, reply) is not set

The web adapter maps codes to HTTP statuses; :mod:`callcenter.i18n_en_chat` holds the texts.
"""

from __future__ import annotations

from callcenter.errors import CallCenterError


class ConversationError(CallCenterError):
    code = "conversation.refused"

    def __init__(self, code: str | None = None, **params: object) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class ConversationNotFound(ConversationError):
    code = "conversation.not_found"


class BadVisitorKey(ConversationError):
    code = "conversation.bad_visitor_key"


class ConversationClosed(ConversationError):
    code = "conversation.closed"


class BadInput(ConversationError):
    """``code`` names the field's problem, e.g. ``conversation.message_too_long``."""


class RateLimited(ConversationError):
    """``code``: ``conversation.rate_limited``, ``.too_many_new_chats``, ``.too_many_open_chats``."""

    code = "conversation.rate_limited"


class NotYours(ConversationError):
    code = "conversation.not_yours"


class OfferGone(ConversationError):
    code = "conversation.offer_gone"


class BadAttachment(ConversationError):
    code = "conversation.attachment_type"


class Unavailable(ConversationError):
    code = "conversation.unavailable"
