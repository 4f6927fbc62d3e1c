"""E-mail intake benchmark: mails taken in from a real dovecot, stored raw, threaded and queued.

    .venv/bin/python bench/email_bench.py [--mails 10000] [--pg] [--replies 0.3] [--broken 0.005]

A dovecot (tests/email_servers.py) is started and filled over IMAP APPEND (not timed). Then the
e-mail channel takes everything in: UID FETCH in batches, every mail stored raw, parsed, threaded
(a share of the mails answer an earlier one by In-Reply-To, some by the subject tag) and handed to
the conversation service (``open_email`` / ``add_customer_email``); new conversations get an
acknowledgement in the outbox, sent to a real aiosmtpd afterwards (timed apart). SQLite by default
(a temporary file), ``--pg`` a throw-away PostgreSQL database on 127.0.0.1.

Checked at the end, "0 lost": every mail delivered is stored raw; every one is processed or
quarantined (the broken ones on purpose); every good one reached the conversation service once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import random
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callcenter.app import Engine
from callcenter.conversations.api import ConversationPort
from callcenter.email.channel import EmailChannel, build_email_channel
from callcenter.settings_email import EmailSettings
from crm_core import mail_store
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.models_conversations import Conversation, ConversationMessage
from tests.email_servers import SmtpServer, make_mail, running_dovecot
from tests.fakes.conversations import FakeConversations
from tests.integration.engine.conftest import engine_settings
from tests.unit.email.test_parsing import BROKEN_MULTIPART

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


class _Clock:
    def now(self) -> float:
        return time.time()


@contextmanager
def database(pg: bool) -> Iterator[str]:
    if not pg:
        with tempfile.TemporaryDirectory(prefix="email-bench-") as directory:
            url = f"sqlite:///{directory}/crm.sqlite3"
            migrate(url)
            yield url
        return
    name = f"cc_bench_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def corpus(count: int, replies: float, broken: float, seed: int = 14) -> tuple[list[bytes], int, int]:
    """(mails, how many answer an earlier one, how many are broken MIME)."""
    rng = random.Random(seed)
    mails: list[bytes] = []
    first_ids: list[str] = []
    answering = broken_count = 0
    for n in range(count):
        if rng.random() < broken:
            mails.append(BROKEN_MULTIPART.replace(b"broken-1", f"broken-{n}".encode()))
            broken_count += 1
            continue
        message_id = f"<bench-{n}@customer{n % 500}.example>"
        if first_ids and rng.random() < replies:
            parent = rng.choice(first_ids)
            sender = parent.split("@", 1)[1].rstrip(">")
            mails.append(
                make_mail(
                    sender=f"Customer <c@{sender}>",
                    subject="Re: my order",
                    message_id=message_id,
                    headers={"In-Reply-To": parent, "References": parent},
                )
            )
            answering += 1
            continue
        first_ids.append(message_id)
        mails.append(make_mail(sender=f"Customer <c@customer{n % 500}.example>", message_id=message_id))
    return mails, answering, broken_count


@contextlib.asynccontextmanager
async def conversation_service(kind: str, url: str, directory: str) -> AsyncIterator[ConversationPort]:
    """``engine``: the real service of a started engine (simulator, ACD, this database); ``fake``:
    the recording fake (the channel alone)."""
    if kind == "fake":
        yield FakeConversations()
        return
    settings = engine_settings(Path(directory), database={"url": url})
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        yield engine.conversations
    finally:
        await engine.stop()


def _handed_over(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(conversations, customer messages) the conversation service stored."""
    with sessions() as session:
        conversations = session.scalar(select(func.count()).select_from(Conversation)) or 0
        messages = session.scalar(
            select(func.count())
            .select_from(ConversationMessage)
            .where(ConversationMessage.sender == "customer")
        )
    return int(conversations), int(messages or 0)


async def run(count: int, pg: bool, replies: float, broken: float, service: str) -> int:
    mails, answering, broken_count = corpus(count, replies, broken)
    smtp = SmtpServer()
    smtp.start()
    try:
        with running_dovecot() as imap, database(pg) as url:
            started = time.monotonic()
            for start in range(0, len(mails), 500):
                imap.deliver_many(mails[start : start + 500])
            print(f"delivered {count} mails to dovecot in {time.monotonic() - started:.1f} s (not timed)")
            engine = make_engine(url)
            sessions = make_session_factory(engine)
            settings = EmailSettings(
                enabled=True,
                imap_host=imap.host,
                imap_port=imap.port,
                imap_ssl=False,
                imap_user=imap.user,
                imap_password=SecretStr(imap.password),
                smtp_host=smtp.host,
                smtp_port=smtp.port,
                smtp_starttls=False,
            )
            with tempfile.TemporaryDirectory(prefix="email-bench-engine-") as directory:
                async with conversation_service(service, url, directory) as port:
                    channel = build_email_channel(settings, sessions, port, _Clock())
                    backend = "postgresql" if pg else "sqlite"
                    run = _Run(
                        channel, sessions, port, count, answering, broken_count, smtp, backend, service
                    )
                    return await _measure(run)
    finally:
        smtp.stop()


@dataclasses.dataclass(frozen=True)
class _Run:
    channel: EmailChannel
    sessions: sessionmaker[Session]
    port: ConversationPort
    count: int
    answering: int
    broken: int
    smtp: SmtpServer
    backend: str
    service: str


async def _measure(run: _Run) -> int:
    channel, sessions, port, count, smtp = run.channel, run.sessions, run.port, run.count, run.smtp
    answering, broken_count, backend = run.answering, run.broken, run.backend
    started = time.monotonic()
    fetched = await channel.intake.fetch_new()
    fetched_at = time.monotonic()
    outcomes = await channel.processor.process_pending()
    done = time.monotonic()
    await channel.intake.close()
    sent_started = time.monotonic()
    while await channel.outbox.flush():
        pass
    sent_s = time.monotonic() - sent_started
    with sessions() as session:
        by_status = mail_store.count_by_status(session)
    total_s = done - started
    print(f"backend: {backend}, conversation service: {run.service}")
    print(f"fetched and stored raw: {fetched} in {fetched_at - started:.2f} s")
    print(f"processed: {dict((k.value, v) for k, v in outcomes.items())} in {done - fetched_at:.2f} s")
    print(f"intake total: {count} mails in {total_s:.2f} s = {count / total_s:.0f} mails/s (target >= 50)")
    print(f"acknowledgements sent over SMTP: {len(smtp.received)} in {sent_s:.2f} s")
    stored = sum(by_status.values())
    conversations, handed = _handed_over(sessions) if run.service == "engine" else (0, 0)
    if run.service == "fake":
        handed = len(getattr(port, "opened", ())) + len(getattr(port, "added", ()))
        conversations = len(getattr(port, "opened", ()))
    lost = (count - stored) + by_status.get("new", 0) + (count - broken_count - by_status.get("processed", 0))
    print(
        f"raw stored: {stored}, by status: {by_status}; answers threaded: {answering}; broken: {broken_count}"
    )
    print(f"conversation service ({run.service}): {conversations} conversations, {handed} customer messages")
    lost += count - broken_count - handed
    print(f"lost: {lost}")
    return 0 if lost == 0 and count / total_s >= 50 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--replies", type=float, default=0.3, help="share of mails answering an earlier one")
    parser.add_argument("--broken", type=float, default=0.005, help="share of broken MIME mails")
    parser.add_argument(
        "--service", default="engine", choices=("engine", "fake"), help="conversation service"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the broken mails' quarantine warnings are expected
    return asyncio.run(run(args.mails, args.pg, args.replies, args.broken, args.service))


if __name__ == "__main__":
    raise SystemExit(main())
