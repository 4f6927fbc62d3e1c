"""English texts of the demo's simulated chat visitors, e-mail senders and agents."""

from __future__ import annotations

from typing import Final

TEXTS_EN_DEMO: Final[dict[str, str]] = {
    # What simulated visitors write when their chat opens
    "demo.chat.question.order": "Hello, my order has not arrived yet. Can you check where it is?",
    "demo.chat.question.points": "Hi! How many loyalty points do I have, and how can I use them?",
    "demo.chat.question.address": "Good morning, I moved last week. How do I change my delivery address?",
    # Simulated e-mails
    "demo.email.subject.invoice": "Copy of my last invoice",
    "demo.email.body.invoice": "Hello,\n\n"
    "could you send me a copy of my last invoice, please?\n\nBest regards",
    "demo.email.subject.return": "Returning an item",
    "demo.email.body.return": "Hello,\n\n"
    "the shoes I bought are too small. How do I return them?\n\nThank you",
    # What simulated agents answer
    "demo.agent.chat_answer": "Thank you, {name}. I have checked your account and taken care of it. "
    "Is there anything else I can do for you?",
    "demo.agent.email_answer": "Dear {name},\n\nthank you for your message. We have taken care of it and "
    "you will receive a confirmation shortly.\n\nKind regards",
    "demo.agent.wrap_up_notes": "Answered by a simulated demo agent.",
}
