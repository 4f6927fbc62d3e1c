"""Fax (``fax:`` in the settings file); off by default.

A call to one of ``numbers`` (the dialed number, as the IVR's FastAGI sees it in ``agi_arg_1``) is
answered by ``ReceiveFAX``; the fax becomes a ``fax`` work item in ``queue``. Asterisk writes and
reads the TIFF files in ``asterisk_dir`` on its host; the engine sees the same directory as
``engine_dir`` (the same path on one host, or a shared mount)::

    fax:
      enabled: true
      numbers: ["5559999"]
      queue: fax
      asterisk_dir: /var/spool/callcenter/fax
      engine_dir: /mnt/asterisk/fax
      send_attempts: 3           # a busy or unanswered line is tried again, this many tries in all
      retry_interval_s: 300
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FaxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    numbers: tuple[str, ...] = ()
    queue: str = "fax"
    asterisk_dir: str = "/var/spool/callcenter/fax"
    engine_dir: str = ""  # empty: the same path as asterisk_dir (Asterisk on this host)
    send_attempts: int = Field(3, ge=1, le=20)
    retry_interval_s: float = Field(300.0, gt=0)
    # ghostscript's limit for one PDF → TIFF-F conversion; a PDF that takes longer is refused.
    convert_timeout_s: float = Field(60.0, gt=0)
    max_upload_bytes: int = Field(20_000_000, gt=0)
    # How long a SendFAX call may take before the engine counts it as failed (no result seen).
    send_timeout_s: float = Field(900.0, gt=0)

    def engine_path(self) -> str:
        return self.engine_dir or self.asterisk_dir
