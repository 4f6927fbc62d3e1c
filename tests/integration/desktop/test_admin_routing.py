"""Agents' routing profiles and queues on the admin page: stored, applied live, kept over a restart."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from acd.model import AgentState, Channel, Customer, WorkItem
from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from agent_desktop.state import desktop_of
from callcenter.app import Engine
from callcenter.composition import web_app
from callcenter.errors import ConfigError
from callcenter.settings import Settings
from tests.integration.desktop.conftest import PASSWORD, Desktop, StepClock
from tests.integration.engine.conftest import engine_settings, sign_in_agents

FILE_AGENTS_CHANGED = [
    {"agent_id": "1001", "name": "Li Na", "skills": {"sales": 4}},
    {"agent_id": "1002", "name": "Alice Smith", "skills": {"support": 5}},
    {"agent_id": "1003", "name": "Chen Jie", "skills": {"sales": 1}},  # the admin's change must win
    {"agent_id": "1004", "name": "New Hire", "skills": {"general": 2}},  # new in the file: seeded
]


@contextlib.asynccontextmanager
async def running_desktop(settings: Settings) -> AsyncIterator[Desktop]:
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        clock = StepClock()
        app = web_app(engine, clock=clock, wallboard_interval_s=0.05)
        async with running_server(app) as url:
            yield Desktop(engine, app, url, clock)
    finally:
        await engine.stop()


async def _by_key(client: httpx.AsyncClient, path: str, key: str) -> dict[str, dict[str, Any]]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return {row[key]: row for row in response.json()}


async def _offer_to(desktop: Desktop, item_id: str, channel: Channel, queue: str) -> str | None:
    """Queue a work item straight in the live router; the agent it is offered to at once, if any."""
    item = WorkItem(item_id, channel, queue, Customer(f"customer-{item_id}"), time.time())
    offer = await desktop.engine.router.enqueue(item)
    return offer.agent_id if offer else None


async def test_given_admin_changes_when_the_engine_restarts_then_the_database_wins_over_the_file(
    tmp_path: Path,
) -> None:
    async with running_desktop(engine_settings(tmp_path)) as desktop, desktop.signed_in("admin") as admin:
        await sign_in_agents(desktop.engine)
        changes = [
            # The queue first: an agent's new skill must be one some queue asks for.
            await admin.put("/api/admin/queues/vip", json={"skills": {"vip": 2}, "wrap_up_s": 10}),
            await admin.put(
                "/api/admin/agents/1003",
                json={"skills": {"support": 5, "vip": 3}, "capacity": {"chat": 2, "email": 0}},
            ),
            await admin.put("/api/admin/queues/support", json={"wrap_up_s": 7.5, "max_missed_offers": 0}),
            await admin.delete("/api/admin/agents/1002"),
            await admin.delete("/api/admin/queues/general"),
        ]
        assert [r.status_code for r in changes] == [200] * 5, [r.text for r in changes]
        assert changes[1].json()["applied_now"] is True
        actions = [e["action"] for e in (await admin.get("/api/supervisor/audit")).json()]
        assert actions == [
            "admin.queue_delete",
            "admin.agent_delete",
            "admin.queue",
            "admin.agent_skills",
            "admin.queue",
        ]

    restarted = engine_settings(tmp_path, agents=FILE_AGENTS_CHANGED)
    async with running_desktop(restarted) as desktop, desktop.signed_in("admin") as admin:
        agents = await _by_key(admin, "/api/admin/agents", "agent_id")
        assert sorted(agents) == ["1001", "1003", "1004"]
        assert agents["1003"]["skills"] == {"support": 5, "vip": 3}
        assert agents["1003"]["capacity"] == {"voice": 1, "chat": 2, "email": 0}
        assert (agents["1003"]["updated_by"], agents["1004"]["seeded"]) == ("admin", True)
        queues = await _by_key(admin, "/api/admin/queues", "name")
        assert sorted(queues) == ["sales", "support", "vip"]
        assert (queues["vip"]["skills"], queues["vip"]["wrap_up_s"]) == ({"vip": 2}, 10)
        assert (queues["support"]["wrap_up_s"], queues["support"]["max_missed_offers"]) == (7.5, 0)

        snapshot = await desktop.engine.contact_center.snapshot()
        # Back as they were; 1004, new in the file, has never signed in.
        assert snapshot.agents_by_state[AgentState.AVAILABLE] == ("1001", "1003")
        assert "1004" not in {a.agent_id for a in snapshot.agents}
        assert "general" not in {q.queue for q in snapshot.queues}
        # The live router has the stored profile: no e-mail capacity, chat taken by the vip agent.
        assert await _offer_to(desktop, "mail-1", Channel.EMAIL, "vip") is None
        assert await _offer_to(desktop, "chat-1", Channel.CHAT, "vip") == "1003"
        assert "1002" not in desktop_of(desktop.app.state).agent_skills


async def test_given_an_idle_agent_when_the_admin_changes_the_profile_then_routing_uses_it_at_once(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        await admin.put("/api/admin/queues/vip", json={"skills": {"vip": 2}})
        assert await _offer_to(desktop, "chat-0", Channel.CHAT, "vip") is None  # nobody has the skill yet
        await desktop.engine.router.abandon("chat-0")
        paused = await admin.post(
            "/api/supervisor/agents/1003/state", json={"state": "paused", "reason": "lunch"}
        )
        assert paused.status_code == 200, paused.text

        changed = await admin.put(
            "/api/admin/agents/1003", json={"skills": {"vip": 3}, "capacity": {"email": 0}}
        )

        assert changed.json() == {
            "agent_id": "1003",
            "skills": {"vip": 3},
            "capacity": {"voice": 1, "chat": 3, "email": 0},
            "applied_now": True,
        }
        snapshot = await desktop.engine.contact_center.snapshot()
        assert "1003" in snapshot.agents_by_state[AgentState.PAUSED]  # the pause is kept
        assert (await admin.post("/api/supervisor/agents/1003/state", json={"state": "available"})).is_success
        assert await _offer_to(desktop, "mail-1", Channel.EMAIL, "vip") is None
        assert await _offer_to(desktop, "chat-1", Channel.CHAT, "vip") == "1003"


async def test_given_bad_input_then_the_error_is_clear_translated_and_nothing_is_stored(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        before = (
            await _by_key(admin, "/api/admin/agents", "agent_id"),
            await _by_key(admin, "/api/admin/queues", "name"),
        )
        refusals = {
            "level": await admin.put("/api/admin/agents/1003", json={"skills": {"support": 9}}),
            "timeout": await admin.put("/api/admin/queues/support", json={"offer_timeout_s": 0}),
            "name": await admin.put("/api/admin/agents/bad%20id", json={}),
            "channel": await admin.put("/api/admin/agents/1003", json={"capacity": {"fax": 2}}),
            "json": await admin.put(
                "/api/admin/queues/support", content=b"[1, 2]", headers={"content-type": "application/json"}
            ),
            "missing agent": await admin.delete("/api/admin/agents/9999"),
            "missing queue": await admin.delete("/api/admin/queues/nope"),
        }
        assert {k: (r.status_code, r.json()["code"]) for k, r in refusals.items()} == {
            "level": (422, "crm.routing.invalid_level"),
            "timeout": (422, "crm.routing.not_positive"),
            "name": (422, "crm.routing.invalid_name"),
            "channel": (422, "crm.routing.unknown_channel"),
            "json": (422, "desktop.bad_json"),
            "missing agent": (404, "crm.routing.unknown_agent"),
            "missing queue": (404, "crm.routing.unknown_queue"),
        }
        assert refusals["level"].json()["message"] == (
            "Skill support cannot have level 9: levels are whole numbers from 1 to 5."
        )
        assert refusals["timeout"].json()["message"] == (
            "Offer timeout (s) must be a number above 0 and at most 600, not 0."
        )
        assert refusals["name"].json()["message"].startswith("Agent id “bad id” is not valid")

        assert (await admin.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        chinese = await admin.put("/api/admin/queues/support", json={"offer_timeout_s": 0})
        assert chinese.json()["message"] == "分配超时（秒）必须是大于 0 且不超过 600 的数字，不能为 0。"

        after = (
            await _by_key(admin, "/api/admin/agents", "agent_id"),
            await _by_key(admin, "/api/admin/queues", "name"),
        )
        assert after == before
        audit = (await admin.get("/api/supervisor/audit", params={"action": "admin."})).json()
        assert audit == []
    assert desktop_of(desktop.app.state).agent_skills["1003"] == before[0]["1003"]["skills"]


async def test_given_a_supervisor_or_an_agent_when_changing_agents_or_queues_then_403(
    desktop: Desktop,
) -> None:
    requests = [
        ("GET", "/api/admin/agents", None),
        ("PUT", "/api/admin/agents/1001", {"skills": {"vip": 5}}),
        ("DELETE", "/api/admin/agents/1002", None),
        ("GET", "/api/admin/queues", None),
        ("PUT", "/api/admin/queues/vip", {"skills": {"vip": 1}}),
        ("DELETE", "/api/admin/queues/sales", None),
    ]
    for username in ("supervisor", "agent1001"):
        async with desktop.signed_in(username) as client:
            for method, path, body in requests:
                response = await client.request(method, path, json=body)
                assert (response.status_code, response.json()["code"]) == (403, "auth.forbidden"), (
                    username,
                    path,
                )
    async with desktop.client() as anonymous:
        assert (await anonymous.put("/api/admin/queues/vip", json={})).status_code == 401
    async with desktop.signed_in("admin") as admin:
        agents = await _by_key(admin, "/api/admin/agents", "agent_id")
        assert sorted(agents) == ["1001", "1002", "1003"]
        assert "vip" not in agents["1001"]["skills"]
        assert sorted(await _by_key(admin, "/api/admin/queues", "name")) == ["general", "sales", "support"]


async def test_given_ivr_flows_when_the_admin_adds_or_deletes_queues_then_flows_follow(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    async with running_desktop(settings) as desktop, desktop.signed_in("admin") as admin:
        in_use = await admin.delete("/api/admin/queues/support")
        assert (in_use.status_code, in_use.json()["code"]) == (409, "desktop.queue_in_use")
        assert "support_hotline" in in_use.json()["message"]

        flow = "\n".join(
            [
                "name: vip_line",
                "numbers: ['5552000']",
                "start: q",
                "fallback: q",
                "nodes:",
                "  q: {type: queue, queue: vip}",
            ]
        )
        unknown = (await admin.post("/api/ivr/validate", json={"yaml": flow})).json()
        assert "unknown_queue" in {i["code"].rsplit(".", 1)[-1] for i in unknown["issues"]}
        assert (await admin.put("/api/admin/queues/vip", json={"skills": {"vip": 1}})).is_success
        known = (await admin.post("/api/ivr/validate", json={"yaml": flow})).json()
        assert "unknown_queue" not in {i["code"].rsplit(".", 1)[-1] for i in known["issues"]}

        assert (await admin.delete("/api/admin/queues/vip")).is_success
        again = (await admin.post("/api/ivr/validate", json={"yaml": flow})).json()
        assert "unknown_queue" in {i["code"].rsplit(".", 1)[-1] for i in again["issues"]}


async def test_given_a_settings_file_with_a_bad_queue_when_the_engine_starts_then_a_clear_config_error(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path, queues=[{"name": "sales", "wrap_up_s": 7200}])
    with pytest.raises(ConfigError, match="wrap_up_s must be a number from 0 to 3600, not 7200"):
        await Engine(settings, simulator_mode=True).start()
