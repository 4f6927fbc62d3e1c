"""Web chat and conversations (``chat:`` in the settings file)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatTopic(_Section):
    """What a visitor picks in the pre-chat form: the queue and the skills their chat needs."""

    queue: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    skills: dict[str, int] = Field(default_factory=dict)
    priority: float = 0.0


class OpeningHours(_Section):
    """When a queue takes chats: ``days`` 0 = Monday … 6 = Sunday, from ``opens`` to ``closes``
    (local time in ``timezone``); outside them a chat becomes a left message."""

    timezone: str = "UTC"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(18, 0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"chat.hours: unknown time zone {value!r}") from exc
        return value

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 0 or d > 6 for d in value):
            raise ValueError("chat.hours: days are 0 (Monday) to 6 (Sunday)")
        return value

    @model_validator(mode="after")
    def _order(self) -> OpeningHours:
        if self.closes <= self.opens:
            raise ValueError("chat.hours: closes must be after opens")
        return self


def _default_topics() -> dict[str, ChatTopic]:
    return {
        "sales": ChatTopic(queue="sales", skills={"sales": 1}),
        "support": ChatTopic(queue="support", skills={"support": 1}),
        "general": ChatTopic(queue="general"),
    }


class ChatSettings(_Section):
    # Topic name (the pre-chat form's choice) → queue and skills.
    topics: dict[str, ChatTopic] = Field(default_factory=_default_topics)
    # Opening hours per queue; a queue not listed takes chats at any time.
    hours: dict[str, OpeningHours] = Field(default_factory=dict)
    # Signs customer tokens (HMAC-SHA256 of the CRM customer id); empty: tokens are refused.
    customer_token_secret: SecretStr = SecretStr("")
    max_message_chars: int = Field(2000, ge=1, le=20_000)
    # Messages one visitor may send in 10 seconds.
    messages_per_10s: int = Field(10, ge=1)
    # New chats one address (IP) may open per minute, and chats it may have open at once.
    new_chats_per_minute: int = Field(5, ge=1)
    max_open_per_address: int = Field(3, ge=1)
    max_attachment_bytes: int = Field(5 * 1024 * 1024, ge=1, le=50 * 1024 * 1024)
    # How often a waiting visitor's place and expected wait are pushed (at most).
    wait_update_s: float = Field(2.0, gt=0)
    # A chat transferred to a named agent waits for them alone this long.
    transfer_reserve_s: float = Field(30.0, gt=0)

    # -- the web chat's pages (chatweb) ------------------------------------------------------------
    # Sites allowed to embed the widget and call the visitor API from their pages
    # (origins as https://host[:port]); the app's own origin is always allowed.
    allowed_origins: tuple[str, ...] = ()
