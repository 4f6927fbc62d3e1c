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
      tls_ca_file: /etc/callcenter/internal-ca.pem   # optional: a private CA, trusted besides the system's
      routes:
        - {from_domain: bigcorp.example, queue: vip, skills: {english: 2}}
        - {subject_contains: invoice, queue: billing}
      signatures: {support: "Example Ltd. support team"}
"""

from __future__ import annotations

import ssl
from pathlib import Path

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
    # PEM bundle of CAs trusted for IMAP and SMTP besides the system store (a private/internal CA).
    # Certificates and host names are always verified; there is no setting to turn that off.
    tls_ca_file: str | None = None
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

    @field_validator("tls_ca_file")
    @classmethod
    def _readable_pem(cls, value: str | None) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser().resolve()
        try:
            text = path.read_text(encoding="ascii", errors="replace")
        except OSError as exc:
            raise ValueError(f"cannot read the CA file {value!r}: {exc.strerror}") from exc
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise ValueError(f"the CA file {value!r} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        try:
            ssl.create_default_context(cafile=str(path))
        except ssl.SSLError as exc:
            raise ValueError(f"the CA file {value!r} is not a valid PEM certificate bundle: {exc}") from exc
        return str(path)

    def tls_context(self) -> ssl.SSLContext:
        """The client TLS context for IMAP and SMTP: the system's CAs plus ``tls_ca_file``, with
        certificate and host-name verification (the default context's) always on."""
        context = ssl.create_default_context()
        if self.tls_ca_file:
            context.load_verify_locations(cafile=self.tls_ca_file)
        return context

    def ours(self) -> frozenset[str]:
        return frozenset((self.address, *self.own_addresses))


def tls_failure(exc: BaseException) -> str | None:
    """Why TLS failed, when ``exc`` (or what caused it) is a TLS error; None otherwise.

    A certificate the CAs do not vouch for, or one made out to another host name, reads e.g.
    ``certificate verify failed: unable to get local issuer certificate``."""
    seen: BaseException | None = exc
    for _depth in range(10):  # a chain of causes can loop
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {seen.verify_message}"
        if isinstance(seen, ssl.SSLError):
            return str(seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    return None
