"""Where the ACD keeps its state (``acd:`` in the settings file).

``memory`` (the default): in the engine's process; a restart starts with empty queues and the
day's statistics at zero. ``redis``: in Redis under ``redis_prefix``, so queues, waiting items,
agents' states and the day's live statistics outlive a restart, and several engines may share
them (one prefix per installation)::

    acd:
      store: redis
      redis_url: redis://127.0.0.1:6379/0
      redis_prefix: cc
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

_PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,40}(:[A-Za-z0-9_.-]{1,40})*$")
_SCHEMES = ("redis", "rediss", "unix")


class AcdSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Literal["memory", "redis"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "cc"

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in _SCHEMES:
            raise ValueError(f"acd.redis_url {value!r} must start with redis://, rediss:// or unix://")
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError(f"acd.redis_url {value!r} names no host")
        try:
            parts.port  # noqa: B018 - urlsplit checks the port only when it is read
        except ValueError as exc:
            raise ValueError(f"acd.redis_url {value!r} has an invalid port") from exc
        db = parts.path.strip("/")
        if parts.scheme != "unix" and db and not db.isdigit():
            raise ValueError(f"acd.redis_url {value!r}: the database after the host is a number")
        return value

    @field_validator("redis_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError(
                f"acd.redis_prefix {value!r}: letters, digits, '_', '.', '-' (parts joined by ':'), "
                "no spaces or wildcards"
            )
        return value
