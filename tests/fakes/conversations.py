"""A recording fake of :class:`callcenter.conversations.api.ConversationPort` for the e-mail tests.

It records what the e-mail channel hands over (``opened``, ``added``) and answers as the real
service would: ``open_email`` gives a new conversation with its own ticket number, and
``add_customer_email`` appends the next ``seq``. ``refuse_next`` scripts a coded failure. The chat
side is not used by the e-mail channel and raises.
"""

from __future__ import annotations

import dataclasses
import itertools

from acd.model import Channel
from callcenter.conversations.api import (
    AttachmentRef,
    ChatOpened,
    ChatRequest,
    ConversationStatus,
    ConversationView,
    IncomingEmail,
    Sender,
    StoredMessage,
    WaitInfo,
)
from callcenter.conversations.voicemail_types import IncomingVoicemail
from callcenter.errors import CallCenterError


class FakeConversationError(CallCenterError):
    code = "conversation.fake_refused"


class FakeConversations:
    def __init__(self, first_ticket: int = 100) -> None:
        self.opened: list[IncomingEmail] = []
        self.added: list[tuple[str, IncomingEmail]] = []
        self.views: dict[str, ConversationView] = {}
        self.stored: dict[str, list[StoredMessage]] = {}
        self.refuse_next = 0
        self._ids = itertools.count(1)
        self._tickets = itertools.count(first_ticket)

    def _check(self) -> None:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            raise FakeConversationError

    def _append(
        self, cid: str, sender: Sender, author: str, text: str, client_id: str | None
    ) -> StoredMessage:
        messages = self.stored.setdefault(cid, [])
        message = StoredMessage(
            cid, len(messages) + 1, f"m{cid}-{len(messages) + 1}", client_id, sender, author, text, (), 0.0
        )
        messages.append(message)
        self.views[cid] = dataclasses.replace(self.views[cid], last_seq=message.seq)
        return message

    async def open_email(self, mail: IncomingEmail) -> ConversationView:
        self._check()
        self.opened.append(mail)
        cid = f"e{next(self._ids)}"
        self.views[cid] = ConversationView(
            conversation_id=cid,
            channel=Channel.EMAIL,
            status=ConversationStatus.WAITING,
            queue=mail.queue,
            language=mail.language,
            customer_id=None,
            customer_name=mail.from_name,
            customer_address=mail.from_address,
            subject=mail.subject,
            agent_id=None,
            supervisors=(),
            ticket_id=next(self._tickets),
            opened_at=0.0,
            last_seq=0,
        )
        self._append(cid, Sender.CUSTOMER, mail.from_name, mail.text, mail.message_id)
        return self.views[cid]

    async def add_customer_email(self, conversation_id: str, mail: IncomingEmail) -> StoredMessage:
        self._check()
        self.added.append((conversation_id, mail))
        return self._append(conversation_id, Sender.CUSTOMER, mail.from_name, mail.text, mail.message_id)

    async def open_fax(
        self, fax_ref: str, number: str, station_id: str, queue: str, failed: bool = False
    ) -> ConversationView:
        raise AssertionError("the e-mail channel never opens a fax")

    async def post_agent(
        self,
        conversation_id: str,
        agent_id: str,
        text: str,
        client_id: str,
        attachments: tuple[str, ...] = (),
    ) -> StoredMessage:
        return self._append(conversation_id, Sender.AGENT, agent_id, text, client_id)

    async def view(self, conversation_id: str) -> ConversationView:
        return self.views[conversation_id]

    async def messages(
        self, conversation_id: str, after_seq: int = 0, limit: int = 500
    ) -> list[StoredMessage]:
        return [m for m in self.stored.get(conversation_id, []) if m.seq > after_seq][:limit]

    async def live(self, agent_id: str | None = None) -> list[ConversationView]:
        return list(self.views.values())

    # -- not used by the e-mail channel ----------------------------------------------------------
    async def open_chat(self, request: ChatRequest) -> ChatOpened:
        raise NotImplementedError

    async def authenticate_visitor(self, conversation_id: str, visitor_key: str) -> ConversationView:
        raise NotImplementedError

    async def post_customer(
        self, conversation_id: str, text: str, client_id: str, attachments: tuple[str, ...] = ()
    ) -> StoredMessage:
        raise NotImplementedError

    async def wait_info(self, conversation_id: str) -> WaitInfo:
        raise NotImplementedError

    async def email_transcript(self, conversation_id: str, to_address: str) -> None:
        raise NotImplementedError

    async def accept(self, agent_id: str, offer_id: str) -> ConversationView:
        raise NotImplementedError

    async def decline(self, agent_id: str, offer_id: str) -> None:
        raise NotImplementedError

    def offer_open(self, agent_id: str, offer_id: str) -> bool:
        raise NotImplementedError

    async def transfer(
        self, conversation_id: str, agent_id: str, to_queue: str | None = None, to_agent: str | None = None
    ) -> ConversationView:
        raise NotImplementedError

    async def end(self, conversation_id: str, by: Sender, who: str) -> ConversationView:
        raise NotImplementedError

    async def wrap_up(
        self, conversation_id: str, agent_id: str, disposition: str | None, notes: str | None
    ) -> None:
        raise NotImplementedError

    async def join(self, conversation_id: str, supervisor: str) -> ConversationView:
        raise NotImplementedError

    async def post_supervisor(
        self, conversation_id: str, supervisor: str, text: str, client_id: str
    ) -> StoredMessage:
        raise NotImplementedError

    async def typing(self, conversation_id: str, sender: Sender, who: str) -> None:
        raise NotImplementedError

    async def add_attachment(
        self, conversation_id: str, uploader: str, filename: str, content_type: str, data: bytes
    ) -> AttachmentRef:
        raise NotImplementedError

    async def read_attachment(self, conversation_id: str, attachment_id: str) -> tuple[AttachmentRef, bytes]:
        raise NotImplementedError

    async def open_voicemail(self, message: IncomingVoicemail) -> ConversationView:
        raise NotImplementedError
