"""English texts of the e-mail channel: intake, acknowledgements, replies, quarantine."""

from __future__ import annotations

from typing import Final

TEXTS_EN_EMAIL: Final[dict[str, str]] = {
    # errors
    "email.error": "The e-mail channel failed.",
    "email.not_found": "No such e-mail.",
    "email.not_email_conversation": "This conversation is not an e-mail conversation.",
    "email.outgoing_failed": "The mail could not be sent yet; it stays queued and is retried.",
    "email.disabled": "The e-mail channel is not enabled.",
    "email.bad_customer_link": "Give either an existing customer or the name of a new one.",
    "email.empty_reply": "The reply is empty.",
    "email.not_yours": "This e-mail conversation is not assigned to you.",
    # quarantine reasons
    "email.quarantine.unparsable": "The message could not be read at all.",
    "email.quarantine.broken_mime": "The message's MIME structure is broken.",
    "email.quarantine.no_sender": "The message has no usable sender address.",
    "email.quarantine.too_large": "The message is larger than allowed.",
    # what the customer receives
    "email.ack.subject": "We received your message {tag}",
    "email.ack.body": (
        "Hello {name},\n\n"
        "Thank you for writing to us. Your request has the number {ticket}; an agent will answer"
        " you as soon as possible. Please keep {tag} in the subject when you write about it again.\n\n"
        "This is an automatic message."
    ),
    "email.reply.quote_intro": "On {date}, {name} wrote:",
    "email.transcript.subject": "Your chat transcript",
    "email.transcript.intro": "Here is the transcript of your chat with us.",
    "email.transcript.system": "(system)",
    # agent desktop
    "ui.email.title": "E-mail",
    "ui.email.from": "From",
    "ui.email.subject": "Subject",
    "ui.email.attachments": "Attachments",
    "ui.email.reply": "Reply",
    "ui.email.send": "Send reply",
    "ui.email.sent": "Reply queued for sending",
    "ui.email.suggestions": "Knowledge base suggestions",
    "ui.email.unknown_sender": "Unknown sender",
    "ui.email.link_customer": "Link to customer id",
    "ui.email.create_customer": "Create customer",
    "ui.email.linked": "Linked to the customer",
    "ui.email.open": "Open e-mail",
    "ui.email.none": "No e-mail waiting for you.",
    "ui.email.new_name": "New customer's name",
    "ui.email.quarantine": "Quarantined mails",
}
