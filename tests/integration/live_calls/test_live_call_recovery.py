"""A second engine process finds the rows the first left at a crash and, from the channels Asterisk
reports live: writes the interaction of a call that ended meanwhile (once), takes a connected call
back so that its hang-up writes it (once, with its agent), and writes a waiting caller nobody took
back as abandoned once they hang up."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from acd.memory_store import MemoryStore
from acd.model import Agent, AgentState
from callcenter.asterisk.ami_event_types import ChannelRef, Hangup
from callcenter.asterisk.ami_system_events import AmiResynced, CoreShowChannel
from callcenter.calls.agent_calls import AgentCalls
from callcenter.calls.consult import Consults
from callcenter.calls.tracker import AmiCallTracker
from callcenter.events import CallEnded
from callcenter.settings import DialplanSettings
from crm_core.live_calls import save_live_calls
from tests.crm_conftest_helpers import Db
from tests.integration.live_calls.office import Office, open_office
from tests.waiting import wait_until

TALKING = "PJSIP/pstn-00000001"  # still connected to 1001 after the crash
GONE = "PJSIP/pstn-00000003"  # was connected to 1002, hung up while no engine ran
WAITING = "PJSIP/pstn-00000005"  # queued at the crash, still on the line
IVR_GONE = "PJSIP/pstn-00000007"  # queued at the crash, gone
LEG_1001 = "PJSIP/agent-1001-00000002"
LEG_1002 = "PJSIP/agent-1002-00000004"


async def _first_engine_crashes(db: Db) -> float:
    """Engine A has four calls when it dies: its journal wrote them, nothing ran at its end."""
    async with open_office(db, "engine-a") as a:
        await a.router.login(Agent("1001", {"sales": 3}))
        await a.talking("talking", TALKING, LEG_1001)
        await a.router.login(Agent("1002", {"sales": 3}))
        await a.talking("gone", GONE, LEG_1002)
        for uniqueid, channel in (("waiting", WAITING), ("left", IVR_GONE)):
            await a.service.enqueue(a.arrives(uniqueid, channel), "sales")
        await wait_until(lambda: len(a.rows()) == 4, what="engine A's four rows")
        return a.clock.now()


def _at(office: Office) -> datetime:
    return datetime.fromtimestamp(office.clock.now(), tz=UTC)


async def test_given_rows_of_a_crashed_engine_when_the_next_one_resyncs_then_each_call_is_written_once(
    db: Db,
) -> None:
    crashed_at = await _first_engine_crashes(db)
    async with open_office(db, "engine-b", start=crashed_at + 60) as b:
        live = {TALKING, LEG_1001, WAITING}
        await b.recovery.resynced(live, {})
        await b.service.resynced(live)  # the tracker's order: the recovery, then the service
        await b.recovery.resynced(live, {})  # a second resync (AMI reconnect) writes nothing again

        assert b.recovery.settled == ["gone", "left"]
        gone, left = b.interactions("gone") + b.interactions("left")
        assert (gone.outcome, gone.agent_id, gone.queue) == ("answered", "1002", "sales")
        assert gone.answered_at is not None
        assert gone.ended_at == _at(b)  # ended while no engine watched: when this one found out
        assert (left.outcome, left.agent_id) == ("abandoned", None)
        assert {e.uniqueid for e in b.published if isinstance(e, CallEnded)} == {"gone", "left"}

        # The connected call is back, with its agent and leg; its row is engine B's now.
        talking = b.service.calls.get("talking")
        assert talking is not None
        assert (talking.phase.value, talking.agent_id, talking.agent_channel) == ("talking", "1001", LEG_1001)
        await wait_until(lambda: b.rows()["talking"].engine == "engine-b", what="the row taken over")
        assert b.rows()["waiting"].engine == "engine-a"  # left for the resume route
        assert b.interactions("talking") == []

        b.clock.advance(30)
        await b.service.channel_hung_up(TALKING)
        await wait_until(lambda: "talking" not in b.rows(), what="the taken-back call's row deleted")
        [talked] = b.interactions("talking")
        assert (talked.outcome, talked.agent_id, talked.ended_at) == ("answered", "1001", _at(b))

        # The waiting caller nobody took back hangs up: abandoned, after the settling time.
        b.recovery.hung_up(WAITING)
        await b.recovery.tick()
        assert b.interactions("waiting") == []
        b.clock.advance(2.5)
        await b.recovery.tick()
        [abandoned] = b.interactions("waiting")
        assert (abandoned.outcome, abandoned.agent_id) == ("abandoned", None)
        assert b.rows() == {}
        assert [i.external_ref for i in b.interactions()] == ["gone", "left", "talking", "waiting"]
        await b.journal.close()


async def test_given_a_waiting_caller_taken_back_when_they_hang_up_then_only_the_ending_path_writes(
    db: Db,
) -> None:
    crashed_at = await _first_engine_crashes(db)
    async with open_office(db, "engine-b", "1003", start=crashed_at + 5) as b:
        await b.recovery.resynced({TALKING, LEG_1001, WAITING})
        # The resume route hands the caller back to this engine: queued again, offered to 1003.
        back = b.arrives("waiting", WAITING)
        await b.service.enqueue(back, "sales")
        await wait_until(lambda: b.rows()["waiting"].engine == "engine-b", what="the row taken back")
        await b.service.channel_hung_up(WAITING)
        b.recovery.hung_up(WAITING)
        b.clock.advance(5)
        await b.recovery.tick()
        [written] = b.interactions("waiting")
        assert written.outcome == "abandoned"
        assert "waiting" not in b.recovery.settled
        await wait_until(lambda: "waiting" not in b.rows(), what="the row deleted by the journal")
        await b.journal.close()


async def test_given_callers_ringing_agents_at_the_crash_when_the_agents_answer_unseen_then_answered_once(
    db: Db,
) -> None:
    leg_1002 = "PJSIP/agent-1002-00000006"
    async with open_office(db, "engine-a") as a:
        for agent_id, uniqueid, channel, leg in (
            ("1001", "early", TALKING, LEG_1001),
            ("1002", "late", WAITING, leg_1002),
        ):
            await a.router.login(Agent(agent_id, {"sales": 3}))
            call = a.arrives(uniqueid, channel)
            await a.service.enqueue(call, "sales")
            assert call.phase.value == "offering"  # the router offered it to the one agent free
            a.service.agent_ringing(channel, leg)
        await wait_until(lambda: {r.phase for r in a.rows().values()} == {"ringing"}, what="both ringing")
        crashed_at = a.clock.now()
    async with open_office(db, "engine-b", start=crashed_at + 5) as b:
        # 1001 answered before this engine started: the caller is in a bridge at the resync.
        await b.recovery.resynced(
            {TALKING, LEG_1001, WAITING, leg_1002}, bridged={TALKING: LEG_1001, LEG_1001: TALKING}
        )
        early = b.service.calls.get("early")
        assert early is not None
        assert (early.phase.value, early.agent_id, early.answered_at) == ("talking", "1001", b.clock.now())
        assert b.service.calls.get("late") is None
        # 1002 answers now: the caller's BridgeEnter.
        b.clock.advance(1)
        await b.recovery.bridged(WAITING, leg_1002)
        late = b.service.calls.get("late")
        assert late is not None
        assert (late.agent_id, late.agent_channel, late.answered_at) == ("1002", leg_1002, b.clock.now())
        await b.hang_up(TALKING, WAITING)
        assert b.outcomes() == [
            ("early", "answered", "1001"),
            ("late", "answered", "1002"),
        ]
        await wait_until(lambda: b.rows() == {}, what="no rows left")
        await b.journal.close()


def _ref(channel: str, uniqueid: str) -> ChannelRef:
    return ChannelRef(channel, uniqueid, uniqueid, "", "", "", "", 6, "Up")


async def test_given_a_hangup_while_the_resync_list_comes_then_the_call_is_written_not_taken_back(
    db: Db,
) -> None:
    """Asterisk lists the live channels, and a channel hangs up before the list is complete: its
    Hangup reaches the tracker before the resync. The call is over: written once, not taken back
    as a ghost call holding its agent busy for ever."""
    crashed_at = await _first_engine_crashes(db)
    async with open_office(db, "engine-b", start=crashed_at + 60) as b:
        agent_calls = AgentCalls(b.service, DialplanSettings(), "US")
        tracker = AmiCallTracker(b.service, agent_calls, Consults(b.service, agent_calls))
        tracker.recovery = b.recovery
        listed = tuple(
            CoreShowChannel(_ref(channel, uniqueid), "Dial", "", "00:01:00", "b1", "")
            for channel, uniqueid in ((TALKING, "talking"), (LEG_1001, "leg"), (WAITING, "waiting"))
        )
        running = asyncio.create_task(tracker.run())
        try:
            tracker.on_ami_event(Hangup(_ref(TALKING, "talking"), 16, "Normal Clearing"))
            tracker.on_ami_event(AmiResynced(listed))
            await wait_until(lambda: bool(b.interactions("talking")), what="the call written")
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        assert b.service.calls.get("talking") is None  # not taken back
        [talked] = b.interactions("talking")
        assert (talked.outcome, talked.agent_id) == ("answered", "1001")


async def test_given_an_answer_the_journal_had_not_written_at_the_crash_then_the_agent_the_acd_names_gets_it(
    db: Db,
) -> None:
    """The engine died within the journal's write interval after the agent answered: the row still
    says queued, the shared ACD store has the item active with its agent, Asterisk has the caller in
    a bridge with the agent's leg. Taken back as connected to that agent (before: left as a waiting
    caller, the item active for ever, the agent busy for ever, the call written as abandoned). A
    waiting caller nobody took back leaves the shared store's queue once written."""
    store = MemoryStore()  # outlives engine A, as Redis does
    async with open_office(db, "engine-a", store=store) as a:
        await a.router.login(Agent("1001", {"sales": 3}))
        await a.talking("answered", TALKING, LEG_1001)
        await a.service.enqueue(a.arrives("waiting", WAITING), "sales")
        await wait_until(lambda: len(a.rows()) == 2, what="both rows")
        crashed_at = a.clock.now()
    stale = a.rows()["answered"]
    with db.sessions() as session:
        save_live_calls(
            session, [replace(stale, phase="queued", agent_id=None, agent_channel=None, answered_at=None)]
        )
        session.commit()
    async with open_office(db, "engine-b", start=crashed_at + 5, store=store) as b:
        live = {TALKING, LEG_1001, WAITING}
        await b.recovery.resynced(live, bridged={TALKING: LEG_1001, LEG_1001: TALKING})
        taken = b.service.calls.get("answered")
        assert taken is not None
        assert (taken.phase.value, taken.agent_id, taken.agent_channel) == ("talking", "1001", LEG_1001)

        b.clock.advance(30)
        await b.hang_up(TALKING, WAITING)
        assert b.outcomes() == [
            ("answered", "answered", "1001"),
            ("waiting", "abandoned", None),
        ]
        assert await b.router.items() == []
        agent = await b.router.agent("1001")
        assert agent is not None
        assert agent.state is not AgentState.BUSY
        await b.journal.close()
