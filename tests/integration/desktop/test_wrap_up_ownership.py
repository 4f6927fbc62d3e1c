"""An agent wraps up only their own interactions: another agent's call record (its reference is
visible in the customer's 360° view) cannot be rewritten, nor a ticket or callback hung on it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.models import Interaction, Ticket
from crm_core.models_callbacks import ScheduledCallback
from tests.integration.desktop.conftest import Desktop


def _record_call_of_1002(desktop: Desktop, customer_id: int) -> None:
    started = datetime.now(UTC)
    record = InteractionRecord(
        "1700000000.42", "call", "inbound", started, customer_id=customer_id, queue="support",
        agent_id="1002", caller_number="4155550100", answered_at=started, ended_at=started,
        outcome="answered", disposition="resolved", notes="refund promised",
    )  # fmt: skip
    with desktop.engine.contact_center.sessions.begin() as session:
        InteractionLog().record(session, record)


def _stored(desktop: Desktop) -> tuple[str | None, str | None, int, int]:
    with desktop.engine.contact_center.sessions() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == "1700000000.42")).one()
        tickets = session.scalar(select(func.count()).select_from(Ticket)) or 0
        callbacks = session.scalar(select(func.count()).select_from(ScheduledCallback)) or 0
        return row.disposition, row.notes, tickets, callbacks


async def test_given_another_agents_call_when_an_agent_wraps_it_up_then_403_and_nothing_changes(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1001") as intruder:
        found = (await intruder.get("/api/customers", params={"q": "Wei Zhang"})).json()
        customer_id = found["items"][0]["id"]
        _record_call_of_1002(desktop, customer_id)
        before = _stored(desktop)
        view = (await intruder.get(f"/api/customers/{customer_id}")).json()
        ref = view["recent_interactions"][0]["interaction"]["external_ref"]
        assert ref == "1700000000.42"
        body = {
            "uniqueid": ref,
            "disposition": "sales",
            "notes": "overwritten",
            "ticket": {"subject": "planted"},
            "callback": {"at": "2030-01-01T10:00:00+00:00"},
        }
        refused = await intruder.post("/api/agent/wrap-up", json=body)
        assert refused.status_code == 403
        # Li Na (1001) works in Chinese: the refusal reaches her in her language.
        assert refused.json() == {
            "code": "desktop.not_your_interaction",
            "message": "这通电话由其他坐席处理；您只能为自己的电话做话后处理。",
        }
        assert _stored(desktop) == before
        await intruder.patch("/api/auth/me", json={"language": "en"})
        english = await intruder.post("/api/agent/wrap-up", json={"uniqueid": ref, "disposition": "sales"})
        assert english.status_code == 403
        assert english.json()["message"] == (
            "This call was handled by another agent; you can only wrap up your own calls."
        )
        assert _stored(desktop) == before

    async with desktop.signed_in("agent1002") as owner:
        mine = await owner.post("/api/agent/wrap-up", json={"uniqueid": ref, "disposition": "sales"})
        assert mine.status_code == 200, mine.text
        assert _stored(desktop)[0] == "sales"
