"""The e-mail that tells a queue's team about a new voicemail, with the audio attached (pure: the
time, the id and the bytes come in). Sent through the e-mail channel's outbox (kind ``voicemail``)."""

from __future__ import annotations

import dataclasses
import email.utils
from email.message import EmailMessage

from callcenter.i18n import translate
from callcenter.settings_email import EmailSettings


@dataclasses.dataclass(frozen=True, slots=True)
class VoicemailNotice:
    to_address: str
    message_id: str
    at: float
    language: str
    caller_number: str
    customer_name: str
    queue: str
    duration_s: float


def notification(settings: EmailSettings, notice: VoicemailNotice, wav: bytes, filename: str) -> EmailMessage:
    language = notice.language
    caller = notice.customer_name or notice.caller_number or translate("ui.voicemail.no_number", language)
    message = EmailMessage()
    message["From"] = email.utils.formataddr((settings.display_name, settings.address))
    message["To"] = notice.to_address
    message["Subject"] = translate("voicemail.mail.subject", language, caller=caller)
    message["Date"] = email.utils.formatdate(notice.at, localtime=False)
    message["Message-ID"] = notice.message_id
    message["X-Loop"] = settings.address
    message["Auto-Submitted"] = "auto-generated"
    body = translate(
        "voicemail.mail.body", language, caller=caller, number=notice.caller_number or "-",
        queue=notice.queue, seconds=round(notice.duration_s),
    )  # fmt: skip
    message.set_content(body + "\n")
    message.add_attachment(wav, maintype="audio", subtype="wav", filename=filename)
    return message
