"""English texts of the chat and conversation core (work items, waiting, transcripts)."""

from __future__ import annotations

from typing import Final

TEXTS_EN_CHAT: Final[dict[str, str]] = {
    # Refusals (callcenter.conversations.errors)
    "conversation.refused": "This cannot be done in this conversation.",
    "conversation.not_found": "This conversation does not exist (or has been removed).",
    "conversation.bad_visitor_key": "This chat cannot be opened from here. Please start a new chat.",
    "conversation.closed": "This conversation has ended; it takes no more messages.",
    "conversation.unknown_attachment": "This file is not in this conversation, or was already sent.",
    "conversation.empty_message": "Type a message (or attach a file) before sending.",
    "conversation.message_too_long": "The message is {length} characters long; the maximum is {max_length}.",
    "conversation.bad_text": "The message contains control characters that cannot be sent.",
    "conversation.name_required": "Please enter your name.",
    "conversation.bad_name": "The name must be at most {max_length} characters, without control characters.",
    "conversation.bad_client_id": "The message id must be 1 to 64 letters, digits or . _ : -",
    "conversation.bad_language": "The language must be one of: {allowed}.",
    "conversation.bad_token": "The sign-in token from the site is not valid. Please use the form.",
    "conversation.unknown_topic": "There is no topic {topic}. Please choose one from the list.",
    "conversation.too_many_new_chats": "Too many new chats from your address. Try again in {seconds} s.",
    "conversation.too_many_open_chats": "You already have {max_open} chats open. Please finish one first.",
    "conversation.rate_limited": "You are sending messages too fast. Please wait {seconds} s.",
    "conversation.not_yours": "This conversation is handled by someone else.",
    "conversation.offer_gone": "This chat is no longer offered to you (taken back or timed out).",
    "conversation.attachment_too_large": "The file is {size} bytes; the maximum is {max_size} bytes.",
    "conversation.attachment_empty": "The file is empty.",
    "conversation.attachment_type": "This kind of file cannot be sent. Allowed: {allowed}.",
    "conversation.attachment_mismatch": "The file says it is {claimed} but its content is {actual}.",
    "conversation.transcript_unavailable": "Sending the transcript by e-mail is not available right now.",
    "conversation.bad_email": "Please enter a valid e-mail address.",
    "conversation.bad_phone": "Please enter a valid phone number.",
    "conversation.bad_transfer": "Transfer to either a queue or another agent.",
    "conversation.unknown_queue": "There is no queue {queue}.",
    "conversation.bad_transfer_agent": "Agent {agent_id} cannot take this chat now; it is back in its queue.",
    "conversation.not_ended": "End the conversation before the wrap-up.",
    "conversation.not_email": "This conversation is not an e-mail conversation.",
    "conversation.unavailable": "This is not available right now.",
    # System messages in a conversation (the text of a message sent by "system")
    "conversation.system.waiting": "Thank you. An agent will be with you shortly.",
    "conversation.system.left_message": (
        "No agent is available right now. Leave your message here: we will answer it as soon as we can."
    ),
    "conversation.system.agent_joined": "An agent has joined the chat.",
    "conversation.system.transferred": "You are being transferred. Please wait a moment.",
    "conversation.system.customer_left": "The customer has left the chat.",
    "conversation.system.ended": "The chat has ended.",
    "conversation.system.supervisor_joined": "A supervisor has joined the chat.",
}
