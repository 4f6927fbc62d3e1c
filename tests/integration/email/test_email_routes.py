"""The e-mail routes over the real web app (uvicorn) and engine, with real dovecot and aiosmtpd:
sanitized HTML, attachments, reply, suggestions, sender linking, the admin quarantine; roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.clock import SystemClock
from crm_core.knowledge import ArticleDraft, KnowledgeBase
from crm_core.models import CustomerEmail
from crm_core.models_auth import AuditEntry
from tests.email_servers import ImapServer, SmtpServer
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.email.mail_helpers import accepted_mail, email_options
from tests.integration.engine.conftest import engine_settings
from tests.unit.email.test_parsing import BROKEN_MULTIPART
from tests.waiting import wait_until


@pytest.fixture
async def desktop(tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer) -> AsyncIterator[Desktop]:
    email = email_options(imap_server, smtp_server)
    async with live_desktop(engine_settings(tmp_path, email=email)) as running:
        yield running


async def test_given_an_accepted_mail_when_read_then_html_is_sanitized_and_the_attachment_downloads(
    desktop: Desktop, imap_server: ImapServer
) -> None:
    cid = await accepted_mail(desktop.engine, imap_server, "1002")
    async with desktop.signed_in("agent1002") as agent:
        answer = await agent.get(f"/api/agent/emails/{cid}")
        assert answer.status_code == 200, answer.text
        mails = answer.json()["mails"]
        assert (mails[0]["direction"], mails[0]["status"]) == ("in", "processed")
        assert {m["direction"] for m in mails[1:]} == {"out"}  # our acknowledgement
        mail = mails[0]
        html = mail["safe_html"]
        assert "<b>refund</b>" in html
        for hostile in ("onclick", "<script", "alert(1)", "tracker.example", "javascript:"):
            assert hostile not in html
        assert mail["attachments"] == [
            {"index": 0, "filename": "receipt.pdf", "content_type": "application/pdf", "size": 16}
        ]
        file = await agent.get(f"/api/agent/emails/{cid}/mails/{mail['id']}/attachments/0")
        assert file.status_code == 200
        assert file.content == b"%PDF-1.4 receipt"
        assert file.headers["content-disposition"] == 'attachment; filename="receipt.pdf"'
        assert file.headers["content-type"] == "application/octet-stream"
        missing = await agent.get(f"/api/agent/emails/{cid}/mails/{mail['id']}/attachments/1")
        assert missing.json()["code"] == "email.not_found"
    async with desktop.signed_in("agent1003") as other:
        refused = await other.get(f"/api/agent/emails/{cid}")
        assert (refused.status_code, refused.json()["code"]) == (403, "email.not_yours")


async def test_given_an_agent_when_replying_and_linking_the_sender_then_mail_goes_out_and_the_customer_has_it(
    desktop: Desktop, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    cid = await accepted_mail(desktop.engine, imap_server, "1002")
    with desktop.engine.contact_center.sessions.begin() as session:
        KnowledgeBase(SystemClock()).add(
            session, ArticleDraft("Kettle refunds", "How we refund a kettle within 30 days.")
        )
    async with desktop.signed_in("agent1002") as agent:
        hints = await agent.get(f"/api/agent/emails/{cid}/suggestions")
        assert [h["title"] for h in hints.json()] == ["Kettle refunds"]
        empty = await agent.post(f"/api/agent/emails/{cid}/reply", json={"text": "   ", "client_id": "r-0"})
        assert (empty.status_code, empty.json()["code"]) == (422, "email.empty_reply")
        sent = await agent.post(
            f"/api/agent/emails/{cid}/reply", json={"text": "Refunded.", "client_id": "r-1"}
        )
        assert sent.status_code == 200, sent.text
        bad = await agent.post(f"/api/agent/emails/{cid}/customer", json={})
        assert (bad.status_code, bad.json()["code"]) == (422, "email.bad_customer_link")
        linked = await agent.post(f"/api/agent/emails/{cid}/customer", json={"name": "Carol Jones"})
        assert linked.status_code == 200, linked.text
        customer_id = linked.json()["customer_id"]
    mails = await smtp_server.wait_for(2)
    assert mails[1].message["Subject"].startswith("Re: Refund for my kettle [#T-")
    with desktop.engine.contact_center.sessions() as session:
        owners = session.scalars(
            select(CustomerEmail.customer_id).where(CustomerEmail.email == "carol@newcustomer.example")
        ).all()
        audited = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "email.link_sender")
        ).all()
    assert owners == [customer_id]
    assert (await desktop.engine.conversations.view(cid)).customer_id == customer_id
    assert audited == ["email.link_sender"]


async def test_given_a_quarantined_mail_then_admins_list_and_download_it_and_others_cannot(
    desktop: Desktop, imap_server: ImapServer
) -> None:
    imap_server.deliver(BROKEN_MULTIPART)
    async with desktop.signed_in("admin") as admin:

        async def listed() -> bool:
            return bool((await admin.get("/api/admin/email/quarantine")).json())

        await wait_until(listed, timeout=10, what="the quarantined mail")
        [row] = (await admin.get("/api/admin/email/quarantine")).json()
        assert row["reason"] == "email.quarantine.broken_mime"
        assert row["reason_text"] == "The message's MIME structure is broken."
        raw = await admin.get(f"/api/admin/email/raw/{row['id']}")
        assert raw.content == BROKEN_MULTIPART
        assert raw.headers["content-type"].startswith("message/rfc822")
    async with desktop.signed_in("supervisor") as supervisor:
        assert (await supervisor.get("/api/admin/email/quarantine")).status_code == 403
        assert (await supervisor.get(f"/api/admin/email/raw/{row['id']}")).status_code == 403
