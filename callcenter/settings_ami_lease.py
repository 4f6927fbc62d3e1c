"""The AMI ownership lease (``ami.owner_lease`` and friends in the ``ami:`` section); off by default.

With several engines on one Redis, exactly one of them owns the AMI connection to an Asterisk at a
time (``callcenter.asterisk.ami_lease``); the others stand by and take over within about
``lease_ttl_s`` × 4/3 when the owner dies::

    ami:
      owner_lease: true
      lease_redis_url: redis://10.0.0.7:6379/0
      lease_ttl_s: 5
      engine_id: engine-a     # unique per engine process; default: <hostname>-<pid>
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator


def default_engine_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class AmiLeaseSettings(BaseModel):
    owner_lease: bool = False
    lease_redis_url: str = "redis://127.0.0.1:6379/0"
    # Keys: <lease_prefix>:ami-owner:<host>:<port> and <lease_prefix>:ami-fence:<host>:<port>.
    lease_prefix: str = Field("callcenter", pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    lease_ttl_s: float = Field(5.0, ge=0.3, le=120)
    engine_id: str = Field(default_factory=default_engine_id)

    @field_validator("lease_redis_url")
    @classmethod
    def _redis_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
            raise ValueError(
                f"ami.lease_redis_url must be a Redis URL (redis://host:port/db, rediss:// or unix://), "
                f"not {url!r}"
            )
        return url

    @field_validator("engine_id")
    @classmethod
    def _engine_id(cls, engine_id: str) -> str:
        if not engine_id or len(engine_id) > 100 or "|" in engine_id or not engine_id.isprintable():
            raise ValueError(
                "ami.engine_id must be 1 to 100 printable characters without '|', "
                f"unique per engine process; got {engine_id!r}"
            )
        return engine_id
