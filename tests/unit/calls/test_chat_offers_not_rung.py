"""The call service puts calls through to phones; chat and e-mail offers are not its business
(before, it found no call for a chat item and withdrew the offer, so no chat ever reached an agent)."""

from __future__ import annotations

from acd.model import AgentState, Channel
from tests.fakes.acd_factories import agent, item
from tests.fakes.pbx import ConnectToAgent
from tests.unit.calls.desk import open_desk
from tests.waiting import wait_until


async def test_given_a_chat_offer_when_the_call_service_delivers_offers_then_it_leaves_it_pending() -> None:
    async with open_desk("1001") as desk:
        await desk.router.login(agent("1003"))
        for channel in (Channel.CHAT, Channel.EMAIL):  # one offer each to 1001 and 1003
            offer = await desk.router.enqueue(item(f"c-{channel}", desk.clock.now(), channel=channel))
            assert offer is not None
        # A call after them: once it is put through, the service has handled the offers before it.
        await desk.router.login(agent("1002"))
        await desk.caller_queues()
        await wait_until(lambda: bool(desk.pbx.of_type(ConnectToAgent)), what="the call put through")

        assert [c.agent_id for c in desk.pbx.of_type(ConnectToAgent)] == ["1002"]
        snapshot = await desk.router.snapshot()
        # The chat and e-mail offers are still pending (1002 is being rung for the call).
        assert snapshot.agents_by_state[AgentState.RESERVED] == ("1001", "1002", "1003")
