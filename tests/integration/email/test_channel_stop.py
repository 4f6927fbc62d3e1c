"""Stopping the running channel always ends its loops, even when a cancellation lands as a loop's
own short wait times out (Python 3.11's ``asyncio.wait_for`` can swallow it)."""

from __future__ import annotations

import asyncio

from callcenter.email.channel import build_email_channel
from tests.crm_conftest_helpers import Db, FakeClock
from tests.email_servers import ImapServer, SmtpServer
from tests.fakes.conversations import FakeConversations
from tests.integration.email.mail_helpers import email_settings


async def test_given_very_short_waits_when_the_channel_is_stopped_many_times_then_it_always_stops(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    settings = email_settings(imap_server, smtp_server, retry_interval_s=0.001, poll_interval_s=0.001)
    for _ in range(40):
        channel = build_email_channel(settings, db.sessions, FakeConversations(), clock)
        await channel.start()
        await asyncio.sleep(0.01)
        await asyncio.wait_for(channel.stop(), 10)
