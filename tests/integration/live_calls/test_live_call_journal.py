"""The journal keeps ``live_calls`` equal to the engine's live calls: a row per call as it changes,
deleted once the call's interaction is in the CRM; a stop keeps the rows of calls still live."""

from __future__ import annotations

import asyncio

from acd.model import Agent
from callcenter.calls.live_journal import LiveCallJournal
from callcenter.contacts import lifecycle
from tests.crm_conftest_helpers import Db
from tests.integration.live_calls.office import open_office
from tests.waiting import wait_until

CALLER = "PJSIP/pstn-00000001"
LEG_1001 = "PJSIP/agent-1001-00000002"


async def test_given_a_call_through_its_life_then_its_row_follows_it_and_goes_after_the_interaction(
    db: Db,
) -> None:
    async with open_office(db, "engine-a") as office:
        call = office.arrives("u1", CALLER)
        await wait_until(lambda: "u1" in office.rows(), what="the row of the caller in the IVR")
        assert office.rows()["u1"].phase == "self_service"
        assert office.rows()["u1"].engine == "engine-a"

        await office.service.enqueue(call, "sales")
        await wait_until(lambda: office.rows()["u1"].phase == "queued", what="the row queued")
        assert office.rows()["u1"].queue == "sales"

        await office.router.login(Agent("1001", {"sales": 3}))
        await wait_until(lambda: office.rows()["u1"].phase == "ringing", what="the row offered")
        office.service.agent_ringing(CALLER, LEG_1001)
        office.clock.advance(5)
        await office.service.agent_answered(CALLER, LEG_1001)
        await wait_until(lambda: office.rows()["u1"].phase == "connected", what="the row connected")
        row = office.rows()["u1"]
        assert (row.agent_id, row.agent_channel, row.answered_at) == ("1001", LEG_1001, office.clock.now())

        await office.service.channel_hung_up(CALLER)
        await wait_until(lambda: office.rows() == {}, what="the row deleted")
        [written] = office.interactions("u1")
        assert (written.outcome, written.agent_id) == ("answered", "1001")
        await office.journal.close()


async def test_given_live_calls_when_the_journal_closes_then_their_rows_stay(db: Db) -> None:
    async with open_office(db, "engine-a", "1001") as office:
        await office.talking("u1", CALLER, LEG_1001)
        waiting = office.arrives("u2", "PJSIP/pstn-00000003")
        await office.service.enqueue(waiting, "sales")
        await office.journal.close()
        assert {uid: row.phase for uid, row in office.rows().items()} == {"u1": "connected", "u2": "queued"}
        # What the engine does to its calls after the journal closed (sessions cut at the stop) is
        # not written: the callers are still in Asterisk, and the next process finds their rows.
        await office.service.channel_hung_up("PJSIP/pstn-00000003")
        await office.journal.flush()
        assert set(office.rows()) == {"u1", "u2"}


async def test_given_a_caller_name_longer_than_its_column_then_the_row_is_written_cut(db: Db) -> None:
    async with open_office(db, "engine-a") as office:
        call = office.arrives("u1", CALLER)
        call.caller_name = "W" * 300  # a CallerID name as the trunk sent it
        office.arrives("u2", "PJSIP/pstn-00000003")
        await wait_until(lambda: set(office.rows()) == {"u1", "u2"}, what="both rows")
        assert office.rows()["u1"].caller_name == "W" * 200
        await office.journal.close()


async def test_given_a_call_changing_while_its_row_is_written_then_the_next_write_has_the_change(
    db: Db,
) -> None:
    async with open_office(db, "engine-a") as office:
        await office.journal.close()  # this test drives its own journal's writes
        journal = LiveCallJournal(db.sessions, office.service.calls.live, office.clock.now, "engine-a")
        call = office.arrives("u1", CALLER)
        writing = asyncio.create_task(journal.flush())
        await asyncio.sleep(0)  # the registry is read; the row is being written in a worker thread
        call.contact = lifecycle.queue(call.contact, office.clock.now())
        await writing
        assert office.rows()["u1"].phase == "self_service"
        await journal.flush()
        assert office.rows()["u1"].phase == "queued"
