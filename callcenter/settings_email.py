"""The e-mail channel (``email:`` in the settings file); off by default.

A mail arrives in one IMAP folder (``imap_folder``) of one mailbox (``address``); it goes to
``default_queue`` unless a routing rule (first match wins) sends it elsewhere::

    email:
      enabled: true
      address: support@example.com
      imap_host: imap.example.com
      imap_user: support
      imap_password: "…"
      smtp_host: smtp.example.com
      routes:
        - {from_domain: bigcorp.example, queue: vip, skills: {english: 2}}
        - {subject_contains: invoice, queue: billing}
      signatures: {support: "Example Ltd. support team"}
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class EmailRoute(BaseModel):
    """One routing rule: every condition given must hold (case-insensitive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_domain: str | None = None  # the sender's domain, or a parent domain of it
    from_address: str | None = None
    subject_contains: str | None = None
    queue: str
    skills: dict[str, int] = Field(default_factory=dict)

    @field_validator("from_domain", "from_address", "subject_contains")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.strip().lower() if value else None


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    address: str = "support@example.com"  # our mailbox: the From of what we send
    display_name: str = "Support"
    own_addresses: tuple[str, ...] = ()  # other addresses of ours (never acknowledged: loops)
    imap_host: str = "127.0.0.1"
    imap_port: int = Field(993, ge=1, le=65535)
    imap_ssl: bool = True
    imap_user: str = ""
    imap_password: SecretStr = SecretStr("")
    imap_folder: str = "INBOX"
    use_idle: bool = True  # IDLE when the server offers it, else poll
    poll_interval_s: float = Field(30.0, gt=0)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    retry_interval_s: float = Field(30.0, gt=0)  # outgoing mail while the SMTP server is down
    default_queue: str = "support"
    routes: tuple[EmailRoute, ...] = ()
    signatures: dict[str, str] = Field(default_factory=dict)  # per queue
    acknowledge: bool = True
    first_response_sla_h: float = Field(4.0, gt=0)
    max_mail_bytes: int = Field(25_000_000, gt=0)  # larger mails are quarantined
    process_concurrency: int = Field(4, ge=1, le=64)  # mails handed over side by side (in order per thread)

    @field_validator("address", "own_addresses")
    @classmethod
    def _lower_addresses(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if isinstance(value, str):
            return value.strip().lower()
        return tuple(v.strip().lower() for v in value)

    def ours(self) -> frozenset[str]:
        return frozenset((self.address, *self.own_addresses))
