"""Real mail servers for the e-mail tests: Debian's dovecot (IMAP) and aiosmtpd (SMTP).

``dovecot`` runs as a non-daemon child (``-F``) with a generated config in its own directory, a
passwd-file user and a maildir, listening on a free port of 127.0.0.1. As root dovecot refuses to
run its login and mail processes as root, so they run as ``nobody`` (the directory is made theirs);
as any other user everything runs as that user.

The SMTP server records every message it accepts; ``stop()``/``start()`` on the same port stand for
an outage of the outgoing server.
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

    def _client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port)
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


def _write_config(directory: Path, port: int, user: str, group: str, uid: int, gid: int) -> Path:
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
ssl = no
disable_plaintext_auth = no
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
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
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
def running_dovecot() -> Iterator[ImapServer]:
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
    config = _write_config(directory, port, user, group, uid, gid)
    if os.getuid() == 0:
        os.chown(directory / "home" / IMAP_USER, uid, gid)
    process = subprocess.Popen(  # noqa: S603 (our fixed path and generated config)
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process, directory / "dovecot.log")
        yield ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, directory)
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

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.server.received.append(
            ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 OK"


class SmtpServer:
    """aiosmtpd in its own thread; ``received`` lists what it accepted, in order."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[ReceivedMail] = []
        self.refuse: set[str] = set()  # recipients answered with 550
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Recorder(self), hostname=self.host, port=self.port)
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
