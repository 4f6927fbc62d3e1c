"""English texts of voicemail: the agent's pane and its errors."""

from __future__ import annotations

from typing import Final

TEXTS_EN_VOICEMAIL: Final[dict[str, str]] = {
    "voicemail.not_found": "No such voicemail.",
    "voicemail.not_yours": "This voicemail is not assigned to you.",
    "voicemail.file_unreadable": "The voicemail's audio file cannot be read by the engine: {reason}",
    "voicemail.file_missing": "The audio of this voicemail is not available (the file cannot be read).",
    "voicemail.mail.subject": "New voicemail from {caller}",
    "voicemail.mail.body": (
        "{caller} ({number}) left a voicemail of {seconds} s for the {queue} queue. "
        "The recording is attached; an agent will get it in the desktop."
    ),
    "ui.voicemail.title": "Voicemail",
    "ui.voicemail.none": "No voicemail for you.",
    "ui.voicemail.from": "From",
    "ui.voicemail.duration": "Length",
    "ui.voicemail.seconds": "{seconds} s",
    "ui.voicemail.transcript": "Transcript",
    "ui.voicemail.no_transcript": "No transcript.",
    "ui.voicemail.call_back": "Call back",
    "ui.voicemail.calling": "Your phone rings; answer it to call the customer.",
    "ui.voicemail.no_number": "The caller's number was withheld.",
    "ui.voicemail.done": "Done — wrap up",
}
