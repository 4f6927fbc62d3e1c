"""The status page's summary: live and queued calls, agents' states, calls just ended."""

from __future__ import annotations

from callcenter.calls.registry import LiveCall
from callcenter.services.status import EngineStatus, RecentCall
from tests.unit.calls.desk import CALLER, LEG_1001
from tests.unit.services.conftest import Centre


async def test_given_one_caller_talking_and_one_waiting_when_summarised_then_both_are_counted(
    centre: Centre,
) -> None:
    await centre.cc.agent_pause("1002", "lunch")
    await centre.desk.talking_to("1001", LEG_1001)
    service = centre.desk.service
    waiting = service.calls.add(LiveCall("u2", "PJSIP/pstn-2", "+14155550199", "Li", "5551234", 0.0))
    await service.enqueue(waiting, "sales")

    summary = await EngineStatus(centre.cc, service, lambda: True).summary()

    assert (summary.ami_connected, summary.calls_live, summary.calls_queued) == (True, 2, 1)
    assert summary.agents == {"1001": "busy", "1002": "paused"}
    assert summary.recent == ()


async def test_given_a_call_that_ended_when_summarised_then_it_is_among_the_recent_ones(
    centre: Centre,
) -> None:
    await centre.cc.agent_pause("1002", "lunch")
    await centre.desk.talking_to("1001", LEG_1001)
    centre.desk.clock.advance(42.0)
    await centre.desk.service.channel_hung_up(CALLER)

    summary = await EngineStatus(centre.cc, centre.desk.service, lambda: False).summary()

    assert not summary.ami_connected
    assert summary.calls_live == 0
    assert summary.recent == (RecentCall("+14155550100", "sales", "1001", "answered", 42.0),)
