"""One live manager session: an asyncio protocol that frames, matches and routes.

The read path only parses and routes (Asterisk drops a manager session whose writes
to us block for 100 ms): responses go to the waiting action by ``ActionID``, events of
a running list action are collected until the ``EventList: Complete`` event, and every
other event is handed to ``on_event`` at once.

Nothing here re-sends: when the socket goes, every action still waiting fails with
:class:`AmiActionLost` and the session is over (``AmiClient`` opens a new one).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from callcenter.asterisk.ami_frames import GREETING_PREFIX, AmiMessage, encode_action, parse_buffer
from callcenter.asterisk.errors import AmiActionFailed, AmiActionLost, AmiNotConnected

log = logging.getLogger(__name__)

# A longer message (a peer that never ends one, or a runaway variable) is dropped, not buffered.
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_GREETING_BYTES = 1024
# Bytes parsed per event-loop iteration (see AmiConnection._drain).
PARSE_SLICE = 32 * 1024
_LOGGED_BYTES = 200


def _slice_end(buffer: bytes) -> int:
    """Where the next slice to parse ends: after the last message end within ``PARSE_SLICE``
    bytes, or after the first one when a single message is longer; 0 when none is complete."""
    head = buffer[:PARSE_SLICE]
    # Every message end ("\r\n\r\n", "\r\n\n", "\n\r\n", "\n\n") ends in one of these two.
    ends = [i + n for i, n in ((head.rfind(b"\n\r\n"), 3), (head.rfind(b"\n\n"), 2)) if i >= 0]
    return max(ends) if ends else _first_message_end(buffer)


def _first_message_end(buffer: bytes) -> int:
    ends = [i + n for i, n in ((buffer.find(b"\n\r\n"), 3), (buffer.find(b"\n\n"), 2)) if i >= 0]
    return min(ends, default=0)


@dataclass(frozen=True, slots=True)
class RawReply:
    """What an action got back: the response, and for list actions the items and the closing event."""

    response: AmiMessage
    items: tuple[AmiMessage, ...] = ()
    complete: AmiMessage | None = None


@dataclass(slots=True)
class _Pending:
    action: str
    future: asyncio.Future[RawReply]
    is_list: bool
    response: AmiMessage | None = None
    items: list[AmiMessage] = field(default_factory=list)


class AmiConnection(asyncio.Protocol):
    """The protocol object of one TCP manager connection (created by ``loop.create_connection``)."""

    def __init__(self, on_event: Callable[[AmiMessage], None], peer: str) -> None:
        loop = asyncio.get_running_loop()
        self._on_event = on_event
        self.peer = peer
        self.greeting: asyncio.Future[str] = loop.create_future()
        self.closed: asyncio.Future[str] = loop.create_future()
        self._transport: asyncio.Transport | None = None
        self._buffer = b""
        self._greeted = False
        self._pending: dict[str, _Pending] = {}
        self._close_reason: str | None = None
        self._draining = False
        self._discarding = False  # skipping the rest of a message over MAX_MESSAGE_BYTES

    # -- asyncio.Protocol -------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            data = self._discard_until_message_end(data)
        self._buffer = self._buffer + data if self._buffer else data
        if not self._draining:
            self._drain()

    def _drain(self) -> None:
        """Parse about ``PARSE_SLICE`` bytes per loop iteration, always cut at a message end.

        The transport hands over up to 256 KiB at once; parsing it in one go would hold the
        event loop for several milliseconds under an event storm. While a backlog remains,
        reading is paused and the rest is parsed in later iterations, so other tasks
        (AGI sessions, the web app) keep running and TCP flow control slows Asterisk down.
        A message longer than a slice is parsed whole (up to ``MAX_MESSAGE_BYTES``).
        """
        sliced = False
        while True:
            if not self._greeted and not self._read_greeting():
                break
            cut = _slice_end(self._buffer)
            if cut == 0:
                if self._drop_oversized_unfinished() and self._buffer:
                    continue
                break
            if sliced and self._transport is not None:  # one slice per loop iteration
                if not self._draining:
                    self._draining = True
                    self._transport.pause_reading()
                asyncio.get_running_loop().call_soon(self._drain)
                return
            head, self._buffer = self._buffer[:cut], self._buffer[cut:]
            sliced = True
            if cut > MAX_MESSAGE_BYTES:
                self._log_dropped(cut)
            else:
                self._parse(head)
        if self._draining:
            self._draining = False
            if self._transport is not None:
                self._transport.resume_reading()

    @property
    def draining(self) -> bool:
        """True while a backlog is being parsed (reading is paused meanwhile)."""
        return self._draining

    def _read_greeting(self) -> bool:
        line_end = self._buffer.find(b"\n")
        if line_end < 0:
            if len(self._buffer) > MAX_GREETING_BYTES:
                self._buffer = b""
                self._on_greeting("(no line end)")
            return False
        line, self._buffer = self._buffer[:line_end], self._buffer[line_end + 1 :]
        self._greeted = True
        self._on_greeting(line.rstrip(b"\r").decode("utf-8", "replace"))
        return True

    def _drop_oversized_unfinished(self) -> bool:
        """An unfinished message past the limit is dropped; its end is skipped as it arrives."""
        if len(self._buffer) <= MAX_MESSAGE_BYTES:
            return False
        self._log_dropped(len(self._buffer), unfinished=True)
        tail, self._buffer = self._buffer[-3:], b""  # a message end may straddle two reads
        self._discarding = True
        self._buffer = self._discard_until_message_end(tail)
        return True

    def _discard_until_message_end(self, data: bytes) -> bytes:
        end = _first_message_end(data)
        if end == 0:
            return b""
        self._discarding = False
        return data[end:]

    def _log_dropped(self, size: int, *, unfinished: bool = False) -> None:
        log.error(
            "AMI %s: a message of %s%d bytes is over the %d-byte limit; dropped",
            self.peer,
            "more than " if unfinished else "",
            size,
            MAX_MESSAGE_BYTES,
            extra={"ami_peer": self.peer, "block_bytes": size},
        )

    def _parse(self, buffer: bytes) -> None:
        chunk = parse_buffer(buffer)
        for raw in chunk.malformed:
            log.warning(
                "AMI %s: skipped a malformed message block: %r",
                self.peer,
                raw[:_LOGGED_BYTES],
                extra={"ami_peer": self.peer, "block_bytes": len(raw)},
            )
        for raw in chunk.undecodable:
            log.warning(
                "AMI %s: message with invalid UTF-8, bad bytes replaced: %r",
                self.peer,
                raw[:_LOGGED_BYTES],
                extra={"ami_peer": self.peer, "block_bytes": len(raw)},
            )
        route = self._route
        for message in chunk.messages:
            route(message)

    def connection_lost(self, exc: Exception | None) -> None:
        reason = self._close_reason or (f"socket error: {exc}" if exc else "connection closed by Asterisk")
        self._transport = None
        pending, self._pending = self._pending, {}
        for action_id, item in pending.items():
            if not item.future.done():
                item.future.set_exception(
                    AmiActionLost(
                        f"{item.action} (ActionID {action_id}): the AMI connection to {self.peer} was lost "
                        f"before the answer ({reason}); it was not re-sent, check the call state"
                    )
                )
        if not self.greeting.done():
            self.greeting.set_exception(AmiNotConnected(f"{self.peer} closed before the AMI greeting"))
        if not self.closed.done():
            self.closed.set_result(reason)

    # -- use by the client ------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._transport is not None and self._close_reason is None

    def send(
        self, action: str, action_id: str, headers: Iterable[tuple[str, str]], *, is_list: bool = False
    ) -> asyncio.Future[RawReply]:
        """Write one action; the future resolves with its reply (or fails, never re-sent)."""
        if self._transport is None or self._close_reason is not None:
            raise AmiNotConnected(f"no AMI session to {self.peer}")
        if action_id in self._pending:
            raise ValueError(f"ActionID {action_id!r} is already waiting for an answer")
        data = encode_action(action, action_id, headers)  # refuses CR/LF/NUL before anything is sent
        future: asyncio.Future[RawReply] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(action, future, is_list)
        self._transport.write(data)
        return future

    def forget(self, action_id: str) -> None:
        """Stop waiting for an action (its timeout passed); a late answer is then ignored."""
        self._pending.pop(action_id, None)

    def close(self, reason: str) -> None:
        if self._close_reason is None:
            self._close_reason = reason
        if self._transport is not None:
            self._transport.close()

    # -- routing ---------------------------------------------------------------------
    def _on_greeting(self, greeting: str) -> None:
        if self.greeting.done():
            return
        if greeting.encode("utf-8", "replace").startswith(GREETING_PREFIX):
            self.greeting.set_result(greeting)
        else:
            self.greeting.set_exception(
                AmiNotConnected(f"{self.peer} is not an AMI server: {greeting[:80]!r}")
            )
            self.close("not an AMI greeting")

    def _route(self, message: AmiMessage) -> None:
        fields = message.fields
        event = fields.get("Event") or message.event
        if event is None:
            self._route_response(message)
            return
        action_id = fields.get("ActionID")
        if action_id is not None:
            pending = self._pending.get(action_id)
            # Only list actions own their events; an OriginateResponse also carries the
            # Originate's ActionID but is an event for everybody.
            if pending is not None and pending.is_list:
                if message.is_list_complete:
                    del self._pending[action_id]
                    self._resolve(pending, message)
                else:
                    pending.items.append(message)
                return
        self._on_event(message)
        if event == "Shutdown":
            self.close("Asterisk shut down")

    def _route_response(self, message: AmiMessage) -> None:
        action_id = message.action_id
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None or action_id is None:
            log.debug("AMI %s: response to nobody (ActionID %s)", self.peer, action_id)
            return
        if (message.response or "").lower() == "error":
            del self._pending[action_id]
            if not pending.future.done():
                pending.future.set_exception(AmiActionFailed(pending.action, message.get("Message") or ""))
            return
        if pending.is_list and (message.get("EventList") or "").lower() == "start":
            pending.response = message  # items and the Complete event follow
            return
        del self._pending[action_id]
        if not pending.future.done():
            pending.future.set_result(RawReply(message))

    @staticmethod
    def _resolve(pending: _Pending, complete: AmiMessage) -> None:
        if pending.future.done():
            return
        response = pending.response or complete
        pending.future.set_result(RawReply(response, tuple(pending.items), complete))
