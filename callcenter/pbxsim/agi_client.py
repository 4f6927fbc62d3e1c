"""The FastAGI client side: Asterisk's ``AGI(agi://host:port/script,args)`` for one channel.

The session opens with the environment, one ``agi_*: value`` line each and a blank line::

    agi_network: yes
    agi_network_script: ivr
    agi_request: agi://127.0.0.1:4573/ivr
    agi_channel: PJSIP/pstn-00000006
    ...
    agi_arg_1: 5551234

then answers one command line at a time (see :mod:`agi_commands`). When the engine closes the
socket the channel continues in the dialplan (or at its Redirect target).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from callcenter.pbxsim.agi_commands import AgiCommands
from callcenter.pbxsim.channels import Channel
from callcenter.pbxsim.pbx import Pbx

log = logging.getLogger(__name__)


def agi_environment(pbx: Pbx, chan: Channel, url: str, args: list[str]) -> list[tuple[str, str]]:
    """The ``agi_*`` pairs in the order Asterisk 22 sends them."""
    parts = urlsplit(url)
    tech = chan.name.split("/", 1)[0]
    env = [
        ("agi_network", "yes"),
        ("agi_network_script", parts.path.lstrip("/")),
        ("agi_request", url),
        ("agi_channel", chan.name),
        ("agi_language", "en"),
        ("agi_type", tech),
        ("agi_uniqueid", chan.uniqueid),
        ("agi_version", "22.10.1"),
        ("agi_callerid", chan.cid_num),
        ("agi_calleridname", chan.cid_name),
        ("agi_callingpres", "0"),
        ("agi_callingani2", "0"),
        ("agi_callington", "0"),
        ("agi_callingtns", "0"),
        ("agi_dnid", chan.dnid or "unknown"),
        ("agi_rdnis", "unknown"),
        ("agi_context", chan.context),
        ("agi_extension", chan.exten),
        ("agi_priority", str(chan.priority)),
        ("agi_enhanced", "0.0"),
        ("agi_accountcode", ""),
        ("agi_threadid", str(139693909493440 + pbx.rng.randrange(1 << 20))),
    ]
    env.extend((f"agi_arg_{i}", arg) for i, arg in enumerate(args, start=1))
    return env


async def agi_app(pbx: Pbx, chan: Channel, data: str) -> None:
    """The AGI() application: run one FastAGI session, then let the dialplan continue."""
    url, *args = data.split(",")
    parts = urlsplit(url)
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 4573)
    except OSError as exc:
        # Asterisk logs "Connection refused" and the dialplan goes on (to Hangup()).
        log.warning("pbxsim AGI server unreachable", extra={"url": url, "error": str(exc)})
        pbx.set_var(chan, "AGISTATUS", "FAILURE")
        return
    session = AgiSession(pbx, chan, reader, writer)
    chan.in_agi = True
    try:
        env = agi_environment(pbx, chan, url, args)
        writer.write("".join(f"{k}: {v}\n" for k, v in env).encode() + b"\n")
        await session.loop()
    finally:
        chan.in_agi = False
        writer.close()
        with contextlib.suppress(OSError, ConnectionError):
            await writer.wait_closed()
    if not chan.is_gone():
        hung_up = (
            chan.is_interrupted() or session.commands.hangup_line_due or session.commands.hangup_line_sent
        )
        pbx.set_var(chan, "AGISTATUS", "HANGUP" if hung_up else "SUCCESS")


class AgiSession:
    """Reads command lines until the engine closes the socket."""

    def __init__(
        self, pbx: Pbx, chan: Channel, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.chan = chan
        self.reader = reader
        self.writer = writer
        self.commands = AgiCommands(pbx, chan, self.send)

    def send(self, line: str) -> None:
        if not self.writer.is_closing():
            self.writer.write(line.encode() + b"\n")

    async def loop(self) -> None:
        while True:
            try:
                raw = await self._next_line()
            except (ConnectionError, OSError):
                return
            if not raw:
                return
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            await self.commands.execute(line)
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.drain()

    async def _next_line(self) -> bytes:
        """The next command; a hangup while idle sends the bare ``HANGUP`` line at once."""
        read = asyncio.ensure_future(self.reader.readline())
        try:
            while True:
                if self.chan.is_interrupted() and not self.commands.hangup_line_sent:
                    if not self.commands.hangup_line_due:
                        self.commands.hangup_line_sent = True
                        self.send("HANGUP")
                    return await read
                if self.commands.hangup_line_sent or self.commands.hangup_line_due:
                    return await read
                waiter = asyncio.ensure_future(self.chan.wake.wait())
                done, _ = await asyncio.wait({read, waiter}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                await asyncio.gather(waiter, return_exceptions=True)
                if read in done:
                    return read.result()
                self.chan.wake.clear()
        finally:
            if not read.done():
                read.cancel()
                await asyncio.gather(read, return_exceptions=True)
