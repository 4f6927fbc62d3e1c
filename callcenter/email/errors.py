"""Errors of the e-mail channel (codes ``email.*``, texts in callcenter/i18n_*_email.py).

CallCenterError
 └── EmailError
      ├── MailNotFound           no such raw mail / conversation mail
      ├── NotAnEmailConversation the conversation is not one of the e-mail channel's
      └── OutgoingMailFailed     the SMTP server refused or was unreachable (the mail stays queued)

Quarantine reasons are codes too (``email.quarantine.*``), stored with the raw mail.
"""

from __future__ import annotations

from callcenter.errors import CallCenterError

QUARANTINE_UNPARSABLE = "email.quarantine.unparsable"
QUARANTINE_BROKEN_MIME = "email.quarantine.broken_mime"
QUARANTINE_NO_SENDER = "email.quarantine.no_sender"
QUARANTINE_TOO_LARGE = "email.quarantine.too_large"
QUARANTINE_REASONS = (
    QUARANTINE_UNPARSABLE,
    QUARANTINE_BROKEN_MIME,
    QUARANTINE_NO_SENDER,
    QUARANTINE_TOO_LARGE,
)


class EmailError(CallCenterError):
    code = "email.error"


class MailNotFound(EmailError):
    code = "email.not_found"


class NotAnEmailConversation(EmailError):
    code = "email.not_email_conversation"


class OutgoingMailFailed(EmailError):
    code = "email.outgoing_failed"
