"""The CC_DONE mark (fact 19): a session the engine ends on purpose sets ``CC_DONE`` before the socket
closes, so the crash-safe dialplan ends the call; a channel hung up or Redirected away gets no mark
(it is not in the dialplan after AGI any more); a handler that fails leaves none, so the dialplan
loops the caller back into an engine instead of hanging up on them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from callcenter.asterisk.agi_session import AgiSession
from callcenter.asterisk.errors import AgiChannelGone
from callcenter.asterisk.fastagi import FastAgiServer
from tests.integration.asterisk.agi_peer import CLOSE, AgiPeer, Step, expect, recorded_environment, send

ANSWER = [expect("ANSWER\n"), send("200 result=0\n")]
MARK = [expect("SET VARIABLE CC_DONE 1\n"), send("200 result=1\n")]


async def _served(steps: list[Step], handler: Callable[[AgiSession], Awaitable[None]]) -> list[str]:
    server = FastAgiServer("127.0.0.1", 0, {"ivr": handler}, allowed_hosts=["127.0.0.1"], command_timeout=2.0)
    await server.start()
    try:
        report = await AgiPeer(steps, read_timeout=3.0).run(server.port)
    finally:
        await server.stop()
    assert report.mismatch is None
    return report.received


async def test_given_a_handler_that_ends_normally_then_cc_done_is_set_before_the_close() -> None:
    async def handler(session: AgiSession) -> None:
        await session.answer()

    received = await _served([*recorded_environment(), *ANSWER, *MARK, expect(CLOSE)], handler)
    assert received == ["ANSWER\n", "SET VARIABLE CC_DONE 1\n", CLOSE]


async def test_given_the_caller_redirected_away_then_no_mark() -> None:
    async def handler(session: AgiSession) -> None:
        try:
            await session.exec("MusicOnHold", "default,20")
        except AgiChannelGone:  # the Redirect: the handler returns
            return

    steps = [
        *recorded_environment(),
        expect("EXEC MusicOnHold default,20\n"),
        send("200 result=-1\n"),
        expect(CLOSE),
    ]
    received = await _served(steps, handler)
    assert received == ["EXEC MusicOnHold default,20\n", CLOSE]


async def test_given_the_caller_hung_up_then_no_mark() -> None:
    async def handler(session: AgiSession) -> None:
        await session.noop()

    steps = [*recorded_environment(), expect("NOOP\n"), send("HANGUP\n200 result=0\n"), expect(CLOSE)]
    received = await _served(steps, handler)
    assert received == ["NOOP\n", CLOSE]


async def test_given_a_handler_that_fails_then_no_mark_and_the_dialplan_takes_the_caller_back() -> None:
    async def handler(session: AgiSession) -> None:
        await session.answer()
        raise RuntimeError("a bug in our code")

    received = await _served([*recorded_environment(), *ANSWER, expect(CLOSE)], handler)
    assert received == ["ANSWER\n", CLOSE]
