"""Call recordings (``recorder:`` in the settings file).

Asterisk writes MixMonitor files under ``dialplan.recordings_dir`` on its host; the engine reads them
under ``engine_dir`` (a shared mount of that directory; empty: the same path, one host)::

    dialplan:
      recordings_dir: /var/spool/callcenter/recordings   # Asterisk's side
    recorder:
      engine_dir: /mnt/asterisk-recordings               # the engine's side of the same files
      agents_hear_own: true
      retention_days: 365
      retention_by_queue: {sales: 90}
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Days = Annotated[int, Field(ge=1, le=36_500)]


class RecorderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engine_dir: str = ""
    # Agents may play and download recordings of calls they were on; supervisors and admins all.
    agents_hear_own: bool = True
    retention_days: Days = 365
    retention_by_queue: dict[str, Days] = Field(default_factory=dict)
    # The retention job runs this often (an admin may also run it at once).
    retention_every_h: float = Field(24.0, gt=0)
    # Asterisk closes the file as the call hangs up: a file not ready at the end is looked at again
    # after this long before the recording is flagged missing.
    check_grace_s: float = Field(2.0, ge=0, le=60)
    # No call lasts longer: a recording still running after this (the engine was down when its call
    # ended) is checked and closed by an hourly sweep.
    max_call_h: float = Field(12.0, gt=0)
    # Recordings older than this many days are compressed to G.711 μ-law (half the size, what the call
    # carried) by the retention job, once their checksum is verified; None: never.
    compress_after_days: Days | None = None
