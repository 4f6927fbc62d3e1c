"""English texts of statistics and wallboard per channel, and of moving waiting chats / e-mails."""

from __future__ import annotations

from typing import Final

TEXTS_EN_CHSTATS: Final[dict[str, str]] = {
    # The supervisor's "Queues by channel" table.
    "ui.chstats.title": "Queues by channel",
    "ui.chstats.channel": "Channel",
    "ui.chstats.waiting": "Waiting",
    "ui.chstats.longest_wait": "Longest wait",
    "ui.chstats.offered": "Offered",
    "ui.chstats.answered": "Answered",
    "ui.chstats.abandoned": "Abandoned",
    "ui.chstats.service_level": "Service level",
    "ui.chstats.target": "Target",
    "ui.chstats.asa": "ASA",
    "ui.chstats.within_s": "answered within {n} s",
    "ui.chstats.within_h": "first response within {n} h",
    "ui.chstats.channel.voice": "Phone",
    "ui.chstats.channel.chat": "Chat",
    "ui.chstats.channel.email": "E-mail",
    "ui.chstats.channel.callback": "Callback",
    "ui.chstats.channel.fax": "Fax",
    "ui.chstats.channel.voicemail": "Voicemail",
    # The waiting list: chats and e-mails beside the callers.
    "ui.chstats.waiting_title": "Waiting contacts",
    "ui.chstats.item_moved": "Moved to the other queue, keeping its wait time.",
    "ui.audit.waiting.move_item": "Waiting chat / e-mail moved",
    # Refusals.
    "chstats.not_waiting": "This chat or e-mail is no longer waiting in a queue (taken, offered or gone).",
    "chstats.phone_item": "A waiting caller is moved from their call's row, not as a chat or e-mail.",
}
