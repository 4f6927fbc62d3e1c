"""Voicemail (``voicemail:`` in the settings file): the engine records the caller over FastAGI.

Asterisk writes the file on its host into ``asterisk_dir``; the engine reads the same file from
``engine_dir`` (the same directory on one host, or a shared mount; empty: the same path). A relative
``asterisk_dir`` means Asterisk runs beside the engine: it is resolved from the engine's working
directory and created at start::

    voicemail:
      asterisk_dir: /var/spool/callcenter/voicemail     # as Asterisk sees it
      engine_dir: /mnt/asterisk-spool/voicemail         # as the engine sees it
      max_seconds: 180
      mailboxes: {"1000@default": support}              # a flow's mailbox -> queue
      speech_model: /opt/vosk-model-small-en-us         # transcripts; empty: none
      notify: {support: support-team@example.com}       # e-mail with the audio (email.enabled)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class VoicemailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Relative: on the engine's host (the demo, Asterisk beside the engine), made absolute and created.
    asterisk_dir: str = "var/voicemail"
    engine_dir: str = ""
    max_seconds: int = Field(180, ge=5, le=3600)
    silence_s: int = Field(5, ge=1, le=60)  # this much silence ends the message
    min_seconds: float = Field(1.0, ge=0)  # shorter messages (a hang-up at the beep) are not kept
    review: bool = True  # the caller may listen to the message and record it again
    intro_prompt: str = "vm-intro"  # "Please leave your message after the tone…"
    saved_prompt: str = "vm-msgsaved"
    review_prompt: str = "vm-review"  # 1 accept, 2 listen, 3 re-record (Asterisk's stock sound)
    # A flow's mailbox names a queue ("general@default" -> general); this maps other names.
    mailboxes: dict[str, str] = Field(default_factory=dict)
    # Queue -> an address told of each new voicemail, the audio attached (needs ``email.enabled``).
    notify: dict[str, str] = Field(default_factory=dict)
    # A vosk model directory for transcripts ("bundled": an installed model package); None: none.
    speech_model: str | None = None

    @property
    def engine_path(self) -> str:
        return self.engine_dir or self.asterisk_dir
