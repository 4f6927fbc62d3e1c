"""Fax through the engine and the simulator: a fax in becomes a PDF, a ``fax`` work item, linked to
the customer; a failed fax is kept; a fax out is sent, a busy line is tried again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.clock import SystemClock
from callcenter.conversations.api import ConversationStatus, Sender
from callcenter.fax.errors import FaxError
from callcenter.fax_wiring import FaxParts
from callcenter.pbxsim.actors import SimulatedCaller, SimulatedFax
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.faxes import FaxView
from crm_core.models import Interaction
from crm_core.models_fax import Fax
from recorder.fax_files import tiff_to_pdf
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

RECEIVED = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "received-fax.tif"
FAX_NUMBER = "5559999"
SENDER = "4155550166"


@pytest.fixture
def pdf_bytes(tmp_path: Path) -> bytes:
    """A one-page PDF: the recorded fax page."""
    tiff_to_pdf(RECEIVED, tmp_path / "page.pdf")
    return (tmp_path / "page.pdf").read_bytes()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    fax = {
        "enabled": True, "numbers": [FAX_NUMBER], "queue": "general", "asterisk_dir": str(tmp_path / "fax"),
        "retry_interval_s": 0.3, "send_attempts": 3,
    }  # fmt: skip
    running = Engine(engine_settings(tmp_path, fax=fax), simulator_mode=True)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def _parts(engine: Engine) -> FaxParts:
    assert engine.fax is not None
    return engine.fax


def _customer(engine: Engine, name: str, phone: str) -> int:
    with engine.contact_center.sessions() as session:
        customer_id = CustomerService(SystemClock(), "US").create(
            session, CustomerDraft(display_name=name, phones=(phone,)), shared_number_ok=True
        )
        session.commit()
    return customer_id


def _faxes(engine: Engine) -> list[Fax]:
    with engine.contact_center.sessions() as session:
        return list(session.scalars(select(Fax).order_by(Fax.id)))


async def test_given_fax_call_then_pdf_work_item_linked_to_customer_and_wrapped_up(engine: Engine) -> None:
    customer_id = _customer(engine, "Fax Sender Ltd", SENDER)
    await sign_in_agents(engine, "1003")
    offers = Offers(engine.bus.subscribe())
    assert engine.simulator is not None
    fax = SimulatedFax(
        number=SENDER, dialed=FAX_NUMBER, station_id="ACME FAX", document=RECEIVED, transfer_s=2.0
    )
    call = await engine.simulator.place_fax_call(fax)
    await call.finished(15)
    await wait_until(
        lambda: bool(_faxes(engine)) and _faxes(engine)[0].conversation_id is not None, timeout=10
    )
    (row,) = _faxes(engine)
    assert (row.direction, row.status, row.pages, row.remote_station_id, row.error) == (
        "in",
        "done",
        1,
        "ACME FAX",
        None,
    )
    assert (row.number, row.local_number, row.resolution, row.transfer_rate) == (
        SENDER,
        FAX_NUMBER,
        "8031x7700",
        14400,
    )
    assert row.customer_id == customer_id
    with engine.contact_center.sessions() as session:  # in the customer's history before anyone took it
        received = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"fax:{row.id}")
        ).one()
        assert (received.channel, received.direction, received.outcome) == ("fax", "inbound", "received")
        assert (received.customer_id, received.document_path) == (customer_id, row.pdf_path)
    assert row.tiff_path is not None
    assert Path(row.tiff_path).read_bytes() == RECEIVED.read_bytes()
    assert row.pdf_path is not None
    assert Path(row.pdf_path).read_bytes().startswith(b"%PDF-")
    cid = row.conversation_id
    assert cid is not None
    offer = await offers.next_for(cid, timeout=10)
    assert (offer.channel.value, offer.agent_id, offer.customer_name) == ("fax", "1003", "Fax Sender Ltd")
    chats = engine.conversations
    await chats.accept("1003", offer.offer_id)
    await chats.end(cid, Sender.AGENT, "1003")
    await chats.wrap_up(cid, "1003", None, "filed")
    assert (await chats.view(cid)).status is ConversationStatus.ENDED
    with engine.contact_center.sessions() as session:
        interaction = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"fax:{row.id}")
        ).one()
        assert (interaction.channel, interaction.customer_id, interaction.agent_id) == (
            "fax",
            customer_id,
            "1003",
        )


async def test_given_fax_that_fails_on_the_line_then_recorded_failed_and_still_a_work_item(
    engine: Engine,
) -> None:
    assert engine.simulator is not None
    fax = SimulatedFax(
        number=SENDER, dialed=FAX_NUMBER, document=RECEIVED, error="RETRAIN_FAILED", transfer_s=1.0
    )
    call = await engine.simulator.place_fax_call(fax)
    await call.finished(15)
    await wait_until(
        lambda: bool(_faxes(engine)) and _faxes(engine)[0].conversation_id is not None, timeout=10
    )
    (row,) = _faxes(engine)
    assert (row.status, row.error, row.pdf_path) == ("failed", "RETRAIN_FAILED: remote channel hungup", None)
    assert row.conversation_id is not None


async def test_given_pdf_when_sent_then_done_and_in_the_customers_history(
    engine: Engine, pdf_bytes: bytes
) -> None:
    customer_id = _customer(engine, "Receiver Inc", "4155550177")
    assert engine.simulator is not None
    # "+1 415 555 0177" goes over the trunk as its digits without "+" (as click-to-dial does).
    engine.simulator.set_fax_machine("14155550177", SimulatedFax(station_id="RCV", transfer_s=1.0))
    sender = _parts(engine).sender
    settled = sender.watch()
    queued = await sender.submit("1002", "+1 415 555 0177", pdf_bytes, customer_id)
    assert (queued.status, queued.pages, queued.attempts) == ("sending", 1, 1)
    done = await _settled(settled, 15)
    assert (done.id, done.status, done.pages, done.remote_station_id, done.error) == (
        queued.id,
        "done",
        1,
        "RCV",
        None,
    )
    with engine.contact_center.sessions() as session:
        interaction = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"fax:{done.id}")
        ).one()
        assert (interaction.channel, interaction.direction, interaction.outcome) == (
            "fax",
            "outbound",
            "sent",
        )
        assert (interaction.customer_id, interaction.document_path) == (customer_id, done.pdf_path)


@pytest.mark.parametrize(("busy_attempts", "status", "attempts"), [(2, "done", 3), (5, "failed", 3)])
async def test_given_busy_line_when_sending_then_retried_until_sent_or_given_up(
    engine: Engine, pdf_bytes: bytes, busy_attempts: int, status: str, attempts: int
) -> None:
    assert engine.simulator is not None
    sim = engine.simulator
    sim.set_customer_behaviour("4155550188", "busy")
    sim.set_fax_machine("4155550188", SimulatedFax(transfer_s=0.5))
    sender = _parts(engine).sender
    settled = sender.watch()
    await sender.submit("1002", "4155550188", pdf_bytes, None)

    async def free_line_after_busy_tries() -> None:
        def busy_tries_over() -> bool:
            row = _faxes(engine)[0]
            return row.attempts >= busy_attempts and row.status == "pending"

        await wait_until(busy_tries_over, timeout=10)
        sim.set_customer_behaviour("4155550188", "answer")

    freeing = asyncio.create_task(free_line_after_busy_tries()) if busy_attempts < attempts else None
    done = await _settled(settled, 20)
    if freeing is not None:
        await freeing
    assert (done.status, done.attempts) == (status, attempts)
    if status == "failed":
        assert (done.error or "").startswith("fax.line_not_taken: ")


async def test_given_not_a_pdf_when_sent_then_refused_and_nothing_stored(engine: Engine) -> None:
    with pytest.raises(FaxError) as caught:
        await _parts(engine).sender.submit("1002", "4155550177", b"GIF89a...", None)
    assert caught.value.code == "fax.not_pdf"
    with pytest.raises(FaxError) as bad_number:
        await _parts(engine).sender.submit("1002", "call me", b"%PDF-1.4", None)
    assert bad_number.value.code == "fax.bad_number"
    with pytest.raises(FaxError) as no_customer:
        await _parts(engine).sender.submit("1002", "4155550177", b"%PDF-1.4", 999_999)
    assert no_customer.value.code == "fax.unknown_customer"
    assert _faxes(engine) == []


async def _settled(settled: asyncio.Queue[FaxView], timeout: float) -> FaxView:  # noqa: ASYNC109
    return await asyncio.wait_for(settled.get(), timeout)


async def test_given_fax_enabled_when_a_voice_call_to_another_number_then_the_ivr_answers(
    engine: Engine,
) -> None:
    assert engine.simulator is not None
    call = await engine.simulator.place_call(SimulatedCaller(dialed="5551234", patience_s=3.0))
    await call.finished(15)
    assert "hello-world" in call.outcome.prompts  # the fixed menu's greeting, not ReceiveFAX
    assert not any(c.startswith("EXEC ReceiveFAX") for c in call.outcome.agi_commands)
    assert _faxes(engine) == []


async def test_given_engine_dir_not_the_shared_one_when_fax_arrives_then_kept_failed_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fax = {
        "enabled": True, "numbers": [FAX_NUMBER], "queue": "general",
        "asterisk_dir": str(tmp_path / "asterisk"), "engine_dir": str(tmp_path / "not-mounted"),
    }  # fmt: skip
    running = Engine(engine_settings(tmp_path, fax=fax), simulator_mode=True)
    await running.start()
    try:
        assert running.simulator is not None
        sender = SimulatedFax(number=SENDER, dialed=FAX_NUMBER, document=RECEIVED, transfer_s=1.0)
        await (await running.simulator.place_fax_call(sender)).finished(15)
        await wait_until(
            lambda: bool(_faxes(running)) and _faxes(running)[0].conversation_id is not None, timeout=10
        )
        (row,) = _faxes(running)
        assert row.status == "failed"
        assert row.error == f"fax.file_missing: {tmp_path / 'not-mounted' / 'fax-in-'}{row.uniqueid}.tif"
        assert (row.pages, row.pdf_path, row.tiff_path) == (1, None, None)
        assert "is fax.engine_dir the shared path?" in caplog.text
    finally:
        await running.stop()


async def test_given_unknown_number_when_station_id_is_a_customers_number_then_linked_by_it(
    engine: Engine,
) -> None:
    customer_id = _customer(engine, "Station Owner", "4155550199")
    assert engine.simulator is not None
    fax = SimulatedFax(
        number="4155550000",
        dialed=FAX_NUMBER,
        station_id="+1 415 555 0199",
        document=RECEIVED,
        transfer_s=1.0,
    )
    await (await engine.simulator.place_fax_call(fax)).finished(15)
    await wait_until(
        lambda: bool(_faxes(engine)) and _faxes(engine)[0].conversation_id is not None, timeout=10
    )
    (row,) = _faxes(engine)
    assert (row.customer_id, row.remote_station_id) == (customer_id, "+1 415 555 0199")


async def test_given_a_fax_call_whose_end_is_never_seen_then_failed_after_the_send_timeout(
    tmp_path: Path, pdf_bytes: bytes
) -> None:
    fax = {
        "enabled": True, "numbers": [FAX_NUMBER], "queue": "general",
        "asterisk_dir": str(tmp_path / "fax"), "send_timeout_s": 0.5,
    }  # fmt: skip
    running = Engine(engine_settings(tmp_path, fax=fax), simulator_mode=True)
    await running.start()
    try:
        assert running.simulator is not None
        # A machine that takes an hour (simulated) for its page: the engine stops waiting first.
        running.simulator.set_fax_machine("4155550155", SimulatedFax(transfer_s=3600.0))
        sender = _parts(running).sender
        settled = sender.watch()
        await sender.submit("1002", "4155550155", pdf_bytes, None)
        done = await _settled(settled, 10)
        assert (done.status, done.attempts) == ("failed", 1)
        assert (done.error or "").startswith("fax.no_result")
    finally:
        await running.stop()
