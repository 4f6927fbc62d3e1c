"""The fax routes over the real web app and engine (simulator): the fax work item's PDF for its
agent, by Range, audited; refused to another agent, open to a supervisor; sending a PDF; bad input."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.pbxsim.actors import SimulatedFax
from crm_core.models_auth import AuditEntry
from crm_core.models_fax import Fax
from recorder.fax_files import tiff_to_pdf
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

RECEIVED = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "received-fax.tif"


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    fax = {"enabled": True, "numbers": ["5559999"], "queue": "general", "asterisk_dir": str(tmp_path / "fax")}
    async with live_desktop(engine_settings(tmp_path, fax=fax)) as running:
        yield running


async def _received_fax_held_by(desktop: Desktop, agent_id: str) -> int:
    """A fax arrives from the simulator and ``agent_id`` accepts its work item; its fax id."""
    engine = desktop.engine
    await sign_in_agents(engine, agent_id)
    offers = Offers(engine.bus.subscribe())
    assert engine.simulator is not None
    fax = SimulatedFax(number="4155550166", dialed="5559999", document=RECEIVED, transfer_s=1.0)
    await (await engine.simulator.place_fax_call(fax)).finished(15)

    def linked() -> Fax | None:
        with engine.contact_center.sessions() as session:
            return session.scalars(select(Fax).where(Fax.conversation_id.is_not(None))).first()

    await wait_until(lambda: linked() is not None, timeout=10)
    row = linked()
    assert row is not None
    assert row.conversation_id is not None
    offer = await offers.next_for(row.conversation_id, timeout=10)
    await engine.conversations.accept(agent_id, offer.offer_id)
    return row.id


def _audit(desktop: Desktop, action: str) -> list[AuditEntry]:
    with desktop.engine.contact_center.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_given_fax_work_item_then_its_agent_reads_the_pdf_by_range_and_each_read_is_audited(
    desktop: Desktop,
) -> None:
    fax_id = await _received_fax_held_by(desktop, "1002")
    async with desktop.signed_in("agent1002") as agent:
        listed = (await agent.get("/api/agent/faxes")).json()
        (item,) = listed["items"]
        assert (item["fax"]["id"], item["fax"]["pages"], item["fax"]["has_document"]) == (fax_id, 1, True)
        whole = await agent.get(f"/api/agent/faxes/{fax_id}/document")
        assert whole.status_code == 200
        assert whole.headers["content-type"] == "application/pdf"
        assert whole.headers["content-disposition"].startswith("inline;")
        assert whole.content.startswith(b"%PDF-")
        part = await agent.get(f"/api/agent/faxes/{fax_id}/document", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206
        assert part.content == whole.content[:100]
        assert part.headers["content-range"] == f"bytes 0-99/{len(whole.content)}"
        download = await agent.get(f"/api/agent/faxes/{fax_id}/document?download=true")
        assert download.headers["content-disposition"].startswith("attachment;")
    rows = _audit(desktop, "fax.view")
    assert [(r.actor, r.target) for r in rows] == [("agent1002", f"fax:{fax_id}")] * 3
    assert [json.loads(r.details)["range"] for r in rows] == ["", "bytes=0-99", ""]
    async with desktop.signed_in("agent1003") as other:
        refused = await other.get(f"/api/agent/faxes/{fax_id}/document")
        assert (refused.status_code, refused.json()["code"]) == (403, "fax.not_yours")
        assert (await other.get("/api/agent/faxes")).json()["items"] == []
    async with desktop.signed_in("supervisor") as supervisor:
        assert (await supervisor.get(f"/api/agent/faxes/{fax_id}/document")).status_code == 200
    assert len(_audit(desktop, "fax.view")) == 4


async def test_given_fax_whose_file_is_gone_then_a_clear_404(desktop: Desktop) -> None:
    fax_id = await _received_fax_held_by(desktop, "1002")
    with desktop.engine.contact_center.sessions() as session:
        row = session.get(Fax, fax_id)
        assert row is not None
        assert row.pdf_path is not None
        Path(row.pdf_path).unlink()
    async with desktop.signed_in("agent1002") as agent:
        gone = await agent.get(f"/api/agent/faxes/{fax_id}/document")
        assert (gone.status_code, gone.json()["code"]) == (404, "fax.file_missing")
        assert "shared fax directory" in gone.json()["message"]


async def test_given_agent_when_sending_a_pdf_then_sent_and_bad_uploads_refused(
    desktop: Desktop, tmp_path: Path
) -> None:
    assert desktop.engine.simulator is not None
    desktop.engine.simulator.set_fax_machine("4155550177", SimulatedFax(transfer_s=0.5))
    tiff_to_pdf(RECEIVED, tmp_path / "page.pdf")
    pdf = (tmp_path / "page.pdf").read_bytes()
    async with desktop.signed_in("agent1002") as agent:
        sent = await agent.post(
            "/api/agent/faxes",
            data={"number": "4155550177"},
            files={"document": ("page.pdf", pdf, "application/pdf")},
        )
        assert sent.status_code == 200, sent.text
        fax_id = sent.json()["id"]

        async def done() -> bool:
            status: str = (await agent.get(f"/api/agent/faxes/{fax_id}")).json()["status"]
            return status == "done"

        await wait_until(done, timeout=10)
        not_pdf = await agent.post(
            "/api/agent/faxes",
            data={"number": "4155550177"},
            files={"document": ("a.txt", b"hello", "text/plain")},
        )
        assert (not_pdf.status_code, not_pdf.json()["code"]) == (422, "fax.not_pdf")
        bad_number = await agent.post(
            "/api/agent/faxes",
            data={"number": "call me"},
            files={"document": ("a.pdf", pdf, "application/pdf")},
        )
        assert (bad_number.status_code, bad_number.json()["code"]) == (422, "fax.bad_number")
        listed = (await agent.get("/api/agent/faxes")).json()
        assert [f["id"] for f in listed["sent"]] == [fax_id]
    assert [(r.actor, r.target) for r in _audit(desktop, "fax.send")] == [("agent1002", f"fax:{fax_id}")]
