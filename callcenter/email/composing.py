"""The mails we send, built as :class:`EmailMessage` objects. Pure (time and ids come in).

Every mail carries ``X-Loop: <our address>`` (a copy that comes back to us is recognised) and
``Auto-Submitted``: ``auto-replied`` on the acknowledgement (RFC 3834 §5), ``no`` on an agent's reply.
"""

from __future__ import annotations

import dataclasses
import email.policy
import email.utils
from email.message import EmailMessage

from callcenter.conversations.api import Sender, StoredMessage
from callcenter.email.rules import reply_subject, subject_tag
from callcenter.i18n import translate
from callcenter.settings_email import EmailSettings


@dataclasses.dataclass(frozen=True, slots=True)
class Envelope:
    """Who and when: what :func:`acknowledgement` and :func:`reply` need besides the texts."""

    to_address: str
    to_name: str
    message_id: str
    at: float


def wire_bytes(message: EmailMessage) -> bytes:
    """The mail as sent: CRLF line ends (``policy.SMTP``)."""
    return message.as_bytes(policy=email.policy.SMTP)


def new_message_id(settings: EmailSettings, token: str) -> str:
    domain = settings.address.rsplit("@", 1)[-1] or "localhost"
    return f"<{token}@{domain}>"


def _base(settings: EmailSettings, envelope: Envelope, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = email.utils.formataddr((settings.display_name, settings.address))
    message["To"] = email.utils.formataddr((envelope.to_name, envelope.to_address))
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(envelope.at, localtime=False)
    message["Message-ID"] = envelope.message_id
    message["X-Loop"] = settings.address
    return message


def _thread(message: EmailMessage, in_reply_to: str | None, references: tuple[str, ...]) -> None:
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    chain = tuple(dict.fromkeys((*references, *((in_reply_to,) if in_reply_to else ()))))
    if chain:
        message["References"] = " ".join(chain[-20:])  # the newest ones (RFC 5322 suggests trimming)


def acknowledgement(
    settings: EmailSettings, envelope: Envelope, ticket_id: int, language: str, in_reply_to: str
) -> EmailMessage:
    tag = subject_tag(ticket_id)
    message = _base(settings, envelope, translate("email.ack.subject", language, tag=tag))
    message["Auto-Submitted"] = "auto-replied"
    message["Content-Language"] = "zh-CN" if language == "zh_CN" else "en"
    _thread(message, in_reply_to, ())
    body = translate("email.ack.body", language, name=envelope.to_name, ticket=ticket_id, tag=tag)
    message.set_content(body)
    return message


@dataclasses.dataclass(frozen=True, slots=True)
class Quote:
    """The customer's mail a reply answers."""

    name: str
    at: float
    text: str


def reply(
    settings: EmailSettings,
    envelope: Envelope,
    *,
    subject: str,
    ticket_id: int | None,
    queue: str,
    language: str,
    text: str,
    quote: Quote | None,
    thread: tuple[str | None, tuple[str, ...]],
) -> EmailMessage:
    message = _base(settings, envelope, reply_subject(subject, ticket_id))
    message["Auto-Submitted"] = "no"
    _thread(message, thread[0], thread[1])
    parts = [text.strip()]
    signature = settings.signatures.get(queue)
    if signature:
        parts.append("-- \n" + signature.strip())
    if quote is not None:
        intro = translate(
            "email.reply.quote_intro", language, name=quote.name, date=email.utils.formatdate(quote.at)
        )
        quoted = "\n".join("> " + line if line else ">" for line in quote.text.splitlines())
        parts.append(f"{intro}\n{quoted}")
    message.set_content("\n\n".join(parts) + "\n")
    return message


def transcript(
    settings: EmailSettings, envelope: Envelope, language: str, messages: tuple[StoredMessage, ...]
) -> EmailMessage:
    message = _base(settings, envelope, translate("email.transcript.subject", language))
    message["Auto-Submitted"] = "auto-generated"
    lines = [translate("email.transcript.intro", language), ""]
    for item in messages:
        who = translate("email.transcript.system", language) if item.sender == Sender.SYSTEM else item.author
        text = translate(item.text, language) if item.sender == Sender.SYSTEM else item.text
        when = email.utils.formatdate(item.at)
        lines.append(f"[{when}] {who}: {text}")
    message.set_content("\n".join(lines) + "\n")
    return message
