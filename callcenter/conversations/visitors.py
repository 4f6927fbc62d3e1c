"""The visitor's use cases: start a chat, prove who they are, write, see their place, get the
transcript by e-mail, send and read files."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from acd.model import Channel, ValueTier
from callcenter.conversations import rules
from callcenter.conversations.api import (
    AttachmentRef,
    ChatOpened,
    ChatRequest,
    ConversationStatus,
    ConversationView,
    Sender,
    StoredMessage,
    WaitInfo,
)
from callcenter.conversations.core import CUSTOMER_WRITES, new_id
from callcenter.conversations.customers import Identity
from callcenter.conversations.errors import (
    BadInput,
    BadVisitorKey,
    ConversationClosed,
    ConversationNotFound,
    RateLimited,
    Unavailable,
)
from callcenter.conversations.routing import RoutingSide
from callcenter.conversations.store import view_of
from crm_core import limits
from crm_core.errors import CrmError
from crm_core.validation import normalize_email

S = ConversationStatus
LEFT_MESSAGE_CODE = "conversation.system.left_message"
WAITING_CODE = "conversation.system.waiting"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class VisitorSide(RoutingSide):
    async def open_chat(self, request: ChatRequest) -> ChatOpened:
        name = rules.check_name(request.name)
        language = rules.check_language(request.language)
        topic = self.settings.topics.get(request.topic)
        if topic is None or topic.queue not in self.queues():  # a topic whose queue was removed
            raise BadInput("conversation.unknown_topic", topic=request.topic[:40])
        address = request.address[:64]
        email, phone = _contact(request)
        self.new_chat_rate.hit(address, self.clock())
        if await self.store.count_open_by_address(address) >= self.settings.max_open_per_address:
            raise RateLimited("conversation.too_many_open_chats", max_open=self.settings.max_open_per_address)
        identity = await self._identify(request, email, phone)
        skills = tuple(sorted(topic.skills.items()))
        now = self.clock()
        reachable = rules.is_open(self.settings.hours.get(topic.queue), now) and await self.staffing.staffed(
            topic.queue, skills
        )
        status = S.WAITING if reachable else S.LEFT_MESSAGE
        visitor_key = secrets.token_urlsafe(32)
        conversation_id = new_id("c")
        record = await self.store.create(
            id=conversation_id, channel=Channel.CHAT.value, status=status.value, queue=topic.queue,
            skills=skills, language=language, customer_id=identity.customer_id,
            customer_name=identity.name or name, customer_address=email or phone, tier=identity.tier.value,
            subject=request.topic[:200], visitor_key_hash=_hash(visitor_key), address=address,
            opened_at=now, queued_at=now, interaction_ref=f"chat:{conversation_id}",
        )  # fmt: skip
        if status is S.LEFT_MESSAGE:
            await self.store.open_ticket(
                conversation_id, f"Chat ({request.topic}): {name}", identity.customer_id, ""
            )
            await self.system(conversation_id, LEFT_MESSAGE_CODE)
        else:
            await self.system(conversation_id, WAITING_CODE)
        channel = Channel.CHAT if status is S.WAITING else Channel.EMAIL
        await self.route(record, channel, identity.pop, identity.tier)
        return ChatOpened(view_of(await self.store.get(conversation_id)), visitor_key)

    async def _identify(self, request: ChatRequest, email: str | None, phone: str | None) -> Identity:
        if request.customer_token:
            secret = self.settings.customer_token_secret.get_secret_value()
            customer_id = rules.verify_customer_token(request.customer_token, secret)
            identity = await self.customers.by_id(customer_id)
            if identity is None:
                raise BadInput("conversation.bad_token")
            return identity
        if email or phone:
            return await self.customers.by_contact(email, phone)
        return Identity(None, ValueTier.NORMAL, None)

    async def authenticate_visitor(self, conversation_id: str, visitor_key: str) -> ConversationView:
        try:
            record = await self.store.get(conversation_id[:64])
        except ConversationNotFound:
            raise BadVisitorKey() from None
        stored = record.visitor_key_hash or ""
        if record.channel != Channel.CHAT.value or not hmac.compare_digest(stored, _hash(visitor_key)):
            raise BadVisitorKey()
        return view_of(record)

    async def post_customer(
        self, conversation_id: str, text: str, client_id: str, attachments: tuple[str, ...] = ()
    ) -> StoredMessage:
        rules.check_client_id(client_id)
        rules.check_text(text, self.settings.max_message_chars, len(attachments))
        self.message_rate.hit(conversation_id, self.clock())
        tracked = self.tracked.get(conversation_id)
        author = tracked.customer_name if tracked else (await self.store.get(conversation_id)).customer_name
        return await self.append(
            conversation_id, Sender.CUSTOMER, author, text, CUSTOMER_WRITES, client_id, attachments
        )

    async def wait_info(self, conversation_id: str) -> WaitInfo:
        record = await self.store.get(conversation_id)
        status = ConversationStatus(record.status)
        if status is not S.WAITING:
            return WaitInfo(status, None, None)
        position, wait = await self.place_of(conversation_id)
        return WaitInfo(status, position, wait)

    async def email_transcript(self, conversation_id: str, to_address: str) -> None:
        if self.transcript_mailer is None:
            raise Unavailable("conversation.transcript_unavailable")
        try:
            address = normalize_email(to_address)
        except CrmError:
            raise BadInput("conversation.bad_email") from None
        view = view_of(await self.store.get(conversation_id))
        history = await self.store.messages(conversation_id, 0, 10_000)
        await self.transcript_mailer.send_transcript(view, tuple(history), address)

    async def add_attachment(
        self, conversation_id: str, uploader: str, filename: str, content_type: str, data: bytes
    ) -> AttachmentRef:
        record = await self.store.get(conversation_id)
        if record.status in (S.ENDED.value, S.WRAP_UP.value):
            raise ConversationClosed(conversation_id=conversation_id, status=record.status)
        name, kind = rules.check_attachment(filename, content_type, data, self.settings.max_attachment_bytes)
        return await self.store.add_attachment(
            data, id=new_id("a"), conversation_id=conversation_id, uploader=uploader[:200], filename=name,
            content_type=kind, sha256=hashlib.sha256(data).hexdigest(), at=self.clock(),
        )  # fmt: skip

    async def read_attachment(self, conversation_id: str, attachment_id: str) -> tuple[AttachmentRef, bytes]:
        return await self.store.read_attachment(conversation_id, attachment_id)


def _contact(request: ChatRequest) -> tuple[str | None, str | None]:
    email = (request.email or "").strip() or None
    phone = (request.phone or "").strip() or None
    if email is not None:
        try:
            email = normalize_email(email)
        except CrmError:
            raise BadInput("conversation.bad_email") from None
    if phone is not None and (len(phone) > limits.PHONE_RAW or not any(ch.isdigit() for ch in phone)):
        raise BadInput("conversation.bad_phone")
    return email, phone
