"""What the engine hands the conversation service when a caller left a message."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class IncomingVoicemail:
    voicemail_id: int  # the ``voicemails`` row (recorder.voicemail_store)
    caller_number: str
    caller_name: str
    queue: str
    duration_s: float
    language: str = "en"
