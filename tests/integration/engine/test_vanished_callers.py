"""A waiting caller whose channel is gone (a FastAGI session for a channel Asterisk does not know,
or a caller who vanished without a Hangup event) leaves the queue as abandoned, once: Asterisk's
"No such channel" / "Channel does not exist" answer means the caller is gone, not "try again"."""

from __future__ import annotations

import asyncio
import time

from acd.events import ItemAbandoned, OfferMade, OfferReleased
from callcenter.app import Engine
from tests.integration.engine.agi_caller import AgiCaller
from tests.waiting import wait_until

GHOST = "PJSIP/pstn-0000dead"
GHOST_ID = "1795382159.901"


async def test_given_an_agi_session_for_a_missing_channel_when_offered_then_abandoned_once(
    engine: Engine,
) -> None:
    await engine.ami.wait_connected(5)
    events: list[object] = []
    engine.bus.listen(events.append)
    ghost = AgiCaller(GHOST, GHOST_ID)
    ghost.start(engine.agi.port)
    try:

        def mine(kind: type) -> list[object]:
            return [e for e in events if isinstance(e, kind) and GHOST_ID in str(e)]

        await wait_until(lambda: bool(mine(ItemAbandoned)), timeout=5, what="the ghost caller abandoned")
        # The engine ends its side too: the hold loop stops and the AGI socket is closed.
        await asyncio.wait_for(ghost.closed_by_engine.wait(), 5)
        for _ in range(3):
            await engine.calls.tick()  # dispatch runs: nothing may be offered again
        assert len(mine(OfferMade)) == 1
        assert len(mine(ItemAbandoned)) == 1
        [released] = mine(OfferReleased)
        assert isinstance(released, OfferReleased)
        assert (released.reason, released.requeued) == ("abandoned", False)
        assert engine.calls.calls.get(GHOST_ID) is None
        assert engine.router.stats.queue_stats("general", time.time()).abandoned == 1
        snapshot = await engine.router.snapshot()
        agent = next(a for a in snapshot.agents if a.agent_id == released.agent_id)
        assert agent.state.value == "available"  # the agent was freed, not charged a missed offer
        assert engine.calls.recent[0].outcome == "abandoned"
    finally:
        await ghost.stop()
