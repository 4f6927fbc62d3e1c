"""Real mail servers for the e-mail tests: Debian's dovecot (IMAP) and aiosmtpd (SMTP).

``dovecot`` runs as a non-daemon child (``-F``) with a generated config in its own directory, a
passwd-file user and a maildir, listening on a free port of 127.0.0.1. As root dovecot refuses to
run its login and mail processes as root, so they run as ``nobody`` (the directory is made theirs);
as any other user everything runs as that user.

The SMTP server records every message it accepts; ``stop()``/``start()`` on the same port stand for
an outage of the outgoing server.

With ``tls`` (a :class:`TlsFiles` from :func:`make_certificates`: a throwaway CA and a server
certificate it signed, made by the openssl CLI) dovecot speaks only IMAPS (``ssl = required``, no
plaintext listener) and aiosmtpd demands STARTTLS before any mail (``require_starttls``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email
import email.policy
import email.utils
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

DOVECOT = "/usr/sbin/dovecot"
IMAP_USER = "support"
IMAP_PASSWORD = 'imap-"Se\\cret-7f3a'  # a quote and a backslash: the log test


@dataclasses.dataclass(frozen=True)
class TlsFiles:
    ca: Path  # the CA certificate (what a client must trust)
    cert: Path  # the server certificate, signed by the CA
    key: Path  # the server's private key

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)  # noqa: S603, S607


def make_ca(directory: Path, name: str = "Test Mail CA") -> tuple[Path, Path]:
    """A throwaway CA (certificate, key) valid for two days."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "ca.pem", directory / "ca.key"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={name}",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return cert, key


def make_certificates(
    directory: Path, names: tuple[str, ...] = ("127.0.0.1", "localhost"), ca: tuple[Path, Path] | None = None
) -> TlsFiles:
    """A server certificate for ``names`` (IP addresses and DNS names), signed by ``ca`` or by a
    new CA made in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = ca or make_ca(directory)
    cert, key, request = directory / "server.pem", directory / "server.key", directory / "server.csr"
    alt = ",".join(f"IP:{n}" if n.replace(".", "").isdigit() else f"DNS:{n}" for n in names)
    extensions = directory / "server.ext"
    extensions.write_text(
        f"subjectAltName={alt}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n",
        encoding="ascii",
    )
    _openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", request, "-subj", f"/CN={names[0]}",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", extensions,
    )  # fmt: skip
    return TlsFiles(ca_cert, cert, key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    directory: Path
    tls: TlsFiles | None = None

    def _client(self) -> imaplib.IMAP4:
        client: imaplib.IMAP4
        if self.tls is None:
            client = imaplib.IMAP4(self.host, self.port)
        else:
            # This client stands in for the MTA; it checks the chain but not the name, since a test
            # server may be made out to another host on purpose (the channel must refuse that one).
            context = self.tls.client_context()
            context.check_hostname = False
            client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox as an MTA would (IMAP APPEND)."""
        client = self._client()
        try:
            answer: Any = client.append(folder, "", "", raw)  # typeshed says str; it is (status, data)
            assert answer[0] == "OK", answer
        finally:
            client.logout()

    def deliver_many(self, raws: list[bytes], folder: str = "INBOX") -> None:
        client = self._client()
        try:
            for raw in raws:
                answer: Any = client.append(folder, "", "", raw)
                assert answer[0] == "OK", answer
        finally:
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        client = self._client()
        try:
            status, data = client.select(folder, readonly=True)
            assert status == "OK", data
            return int(data[0] or b"0")
        finally:
            client.logout()


def _ssl(tls: TlsFiles | None) -> str:
    if tls is None:
        return "ssl = no\n"
    return f"ssl = required\nssl_cert = <{tls.cert}\nssl_key = <{tls.key}\n"


def _write_config(
    directory: Path, port: int, user: str, group: str, uid: int, gid: int, tls: TlsFiles | None = None
) -> Path:
    home = directory / "home"
    (home / IMAP_USER).mkdir(parents=True)
    for sub in ("run", "state"):
        (directory / sub).mkdir()
    (directory / "passwd").write_text(
        f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}:{uid}:{gid}::{home / IMAP_USER}::\n", encoding="utf-8"
    )
    config = directory / "dovecot.conf"
    config.write_text(
        f"""base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
protocols = imap
listen = 127.0.0.1
{_ssl(tls)}disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{home}/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {directory}/passwd
}}
userdb {{
  driver = passwd-file
  args = {directory}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {0 if tls else port}
  }}
  inet_listener imaps {{
    port = {port if tls else 0}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
""",
        encoding="utf-8",
    )
    return config


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text(errors='replace') if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening within 10 s")


@contextlib.contextmanager
def running_dovecot(tls: TlsFiles | None = None) -> Iterator[ImapServer]:
    directory = Path(tempfile.mkdtemp(prefix="cc-dovecot-"))
    directory.chmod(0o755)
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user, uid, gid = "nobody", nobody.pw_uid, nobody.pw_gid
        group = "nogroup"
    else:
        me = pwd.getpwuid(os.getuid())
        user, uid, gid = me.pw_name, me.pw_uid, me.pw_gid
        group = _group_name(gid)
    port = free_port()
    config = _write_config(directory, port, user, group, uid, gid, tls)
    if os.getuid() == 0:
        os.chown(directory / "home" / IMAP_USER, uid, gid)
    process = subprocess.Popen(  # noqa: S603 (our fixed path and generated config)
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process, directory / "dovecot.log")
        yield ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, directory, tls)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    with running_dovecot() as server:
        yield server


# -- SMTP ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    tls: bool = False  # the session was TLS (after STARTTLS) when the mail came

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Recorder:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: list[str]
    ) -> str:
        if address.lower() in self.server.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        self.server.received.append(
            ReceivedMail(
                envelope.mail_from,
                tuple(envelope.rcpt_tos),
                bytes(envelope.original_content),
                session.ssl is not None,
            )
        )
        return "250 OK"


class SmtpServer:
    """aiosmtpd in its own thread; ``received`` lists what it accepted, in order. With ``tls`` it
    offers STARTTLS and refuses mail before it (``530``)."""

    def __init__(self, tls: TlsFiles | None = None, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.tls = tls
        self.received: list[ReceivedMail] = []
        self.refuse: set[str] = set()  # recipients answered with 550
        self._controller: Controller | None = None

    def start(self) -> None:
        if self.tls is None:
            self._controller = Controller(_Recorder(self), hostname=self.host, port=self.port)
        else:
            self._controller = Controller(
                _Recorder(self),
                hostname=self.host,
                port=self.port,
                tls_context=self.tls.server_context(),
                require_starttls=True,
            )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def wait_for(self, count: int, within_s: float = 10.0) -> list[ReceivedMail]:
        deadline = time.monotonic() + within_s
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} mails, the SMTP server got {len(self.received)}")
            await asyncio.sleep(0.02)
        return list(self.received)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_mail(
    *,
    sender: str = "Alice Customer <alice@customer.example>",
    to: str = "support@example.com",
    subject: str = "My order has not arrived",
    body: str = "Hello, my order 1234 has not arrived yet.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or email.utils.make_msgid(domain="customer.example")
    message["Date"] = email.utils.formatdate()
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=email.policy.SMTP)  # CRLF, as on the wire and in the maildir


@dataclasses.dataclass(frozen=True)
class MailCertificates:
    good: TlsFiles  # for 127.0.0.1 and localhost, signed by the CA the tests configure
    wrong_name: TlsFiles  # signed by the same CA, but for mail.other.example only
    foreign: TlsFiles  # for 127.0.0.1, signed by another CA


@pytest.fixture(scope="session")
def mail_certificates(tmp_path_factory: pytest.TempPathFactory) -> MailCertificates:
    directory = tmp_path_factory.mktemp("mail_tls")
    ca = make_ca(directory / "ca")
    return MailCertificates(
        good=make_certificates(directory / "good", ca=ca),
        wrong_name=make_certificates(directory / "wrong_name", names=("mail.other.example",), ca=ca),
        foreign=make_certificates(directory / "foreign"),
    )
