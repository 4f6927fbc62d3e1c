"""A chat's wrap-up over the real web app follows the rules of a call in the same queue: where the
queue requires a disposition, none (or one not in the list) is refused with the call wrap-up's own
code and text, in the agent's language; the desktop's options say which queues require one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.i18n import translate
from crm_core.models import Interaction
from tests.integration.desktop.chat_helpers import ROOMY_LIMITS, accepted_by, start_chat
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.conftest import engine_settings, sign_in_agents


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    settings = engine_settings(
        tmp_path,
        chat={**ROOMY_LIMITS, "allowed_origins": ["https://shop.example"]},
        queues=[
            {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": 0.2},
            {"name": "support", "skills": {"support": 2}, "wrap_up_s": 0.2, "disposition_required": True},
            {"name": "general", "wrap_up_s": 0.2},
        ],
    )
    async with live_desktop(settings) as running:
        await sign_in_agents(running.engine, "1002")
        yield running


async def test_given_a_queue_that_requires_a_disposition_then_a_chat_wraps_up_only_with_one_of_the_list(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        options = (await agent.get("/api/agent/options")).json()
        visitor = await start_chat(client, topic="support")
        await accepted_by(agent, visitor)
        assert (await agent.post(f"/api/agent/chats/{visitor.cid}/end")).status_code == 200
        wrap_up = f"/api/agent/chats/{visitor.cid}/wrap-up"

        missing = await agent.post(wrap_up, json={"notes": "no code"})
        made_up = await agent.post(wrap_up, json={"disposition": "made_up"})
        bad_sub = await agent.post(wrap_up, json={"disposition": "resolved", "sub_disposition": "sold"})
        assert (await agent.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        missing_zh = await agent.post(wrap_up, json={"disposition": None})
        still = (await agent.get(f"/api/agent/chats/{visitor.cid}")).json()["status"]
        done = await agent.post(
            wrap_up,
            json={"disposition": "resolved", "sub_disposition": "problem_fixed", "notes": "new parcel"},
        )

    assert options["disposition_required"]["support"] is True
    assert "problem_fixed" in options["dispositions"]["resolved"]
    assert (missing.status_code, missing.json()["code"]) == (422, "desktop.disposition_required")
    assert missing.json()["message"] == translate("desktop.disposition_required", "en")
    assert (missing_zh.status_code, missing_zh.json()["message"]) == (
        422,
        translate("desktop.disposition_required", "zh_CN"),
    )
    for refused in (made_up, bad_sub):
        assert (refused.status_code, refused.json()["code"]) == (422, "desktop.bad_disposition")
    assert still == "wrap_up"  # nothing was stored by the refusals
    assert done.status_code == 200, done.text
    with desktop.engine.contact_center.sessions() as session:
        row = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"chat:{visitor.cid}")
        ).one()
    assert (row.disposition, row.notes) == ("resolved/problem_fixed", "new parcel")


async def test_given_a_queue_without_the_rule_then_a_chat_wraps_up_without_a_disposition(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        visitor = await start_chat(client, topic="general")
        await accepted_by(agent, visitor)
        await agent.post(f"/api/agent/chats/{visitor.cid}/end")
        made_up = await agent.post(f"/api/agent/chats/{visitor.cid}/wrap-up", json={"disposition": "made_up"})
        done = await agent.post(f"/api/agent/chats/{visitor.cid}/wrap-up", json={})
    assert made_up.json()["code"] == "desktop.bad_disposition"
    assert done.status_code == 200, done.text
