"""The admin page's users and agents: what a real site's administrator may and may not set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from callcenter.cli import app
from tests.integration.desktop.conftest import PASSWORD, Desktop
from tests.integration.desktop.test_admin_routing import running_desktop
from tests.integration.engine.conftest import engine_settings


async def _user(admin: httpx.AsyncClient, username: str) -> dict[str, Any]:
    users = (await admin.get("/api/admin/users")).json()
    found: dict[str, Any] = next(u for u in users if u["username"] == username)
    return found


async def test_given_an_agent_role_without_an_agent_id_when_saving_the_user_then_422_and_nothing_changes(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        created = await admin.post(
            "/api/admin/users", json={"username": "newagent", "password": "a-long-password", "role": "agent"}
        )
        assert created.status_code == 422, created.text
        assert created.json()["code"] == "crm.user.agent_without_id"
        assert created.json()["message"] == "User newagent has the agent role and needs an agent id."
        assert "newagent" not in {u["username"] for u in (await admin.get("/api/admin/users")).json()}

        supervisor = await _user(admin, "supervisor")
        promoted = await admin.patch(f"/api/admin/users/{supervisor['id']}", json={"role": "agent"})
        assert (promoted.status_code, promoted.json()["code"]) == (422, "crm.user.agent_without_id")
        agent = await _user(admin, "agent1001")
        unlinked = await admin.patch(f"/api/admin/users/{agent['id']}", json={"clear_agent": True})
        assert unlinked.status_code == 422
        assert (await _user(admin, "supervisor"))["role"] == "supervisor"
        assert (await _user(admin, "agent1001"))["agent_id"] == "1001"

        linked = await admin.patch(
            f"/api/admin/users/{supervisor['id']}", json={"role": "agent", "agent_id": "1009"}
        )
        assert linked.status_code == 200, linked.text
        assert (linked.json()["role"], linked.json()["agent_id"]) == ("agent", "1009")


async def test_given_a_skill_no_queue_asks_for_when_saving_an_agent_then_422_naming_the_known_skills(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        before = {a["agent_id"]: a for a in (await admin.get("/api/admin/agents")).json()}
        typo = await admin.put("/api/admin/agents/1003", json={"skills": {"suport": 3}})
        assert typo.status_code == 422, typo.text
        assert typo.json()["code"] == "crm.routing.unknown_skill"
        assert typo.json()["message"].startswith("No queue asks for skill suport; the queues' skills are: ")
        assert "support" in typo.json()["message"]
        after = {a["agent_id"]: a for a in (await admin.get("/api/admin/agents")).json()}
        assert after["1003"]["skills"] == before["1003"]["skills"]

        assert (await admin.put("/api/admin/queues/vip", json={"skills": {"vip": 2}})).is_success
        vip = await admin.put("/api/admin/agents/1003", json={"skills": {"vip": 3}})
        assert vip.status_code == 200, vip.text
        assert vip.json()["skills"] == {"vip": 3}


async def test_given_an_admin_when_resetting_a_password_and_changing_a_role_then_both_apply_and_are_audited(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1002") as agent, desktop.signed_in("admin") as admin:
        target = await _user(admin, "agent1002")
        reset = await admin.patch(f"/api/admin/users/{target['id']}", json={"password": "a-new-password-42"})
        assert reset.status_code == 200, reset.text
        assert (await agent.get("/api/agent/state")).status_code == 401  # the old session ended
        promoted = await admin.patch(f"/api/admin/users/{target['id']}", json={"role": "supervisor"})
        assert promoted.json()["role"] == "supervisor"
        audit = (await admin.get("/api/supervisor/audit", params={"action": "admin.user"})).json()
        assert [(e["action"], e["details"]) for e in audit] == [
            ("admin.user_change", {"role": "supervisor"}),
            ("admin.user_change", {"password": "changed"}),
        ]
    async with desktop.client() as client:
        old = await client.post("/api/auth/login", json={"username": "agent1002", "password": PASSWORD})
        assert old.status_code == 401
        new = await client.post(
            "/api/auth/login", json={"username": "agent1002", "password": "a-new-password-42"}
        )
        assert new.json()["role"] == "supervisor"


async def test_given_an_admin_when_demoting_or_disabling_themselves_then_409_and_they_stay_admin(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        me = await _user(admin, "admin")
        for change in ({"role": "agent", "agent_id": "1099"}, {"active": False}):
            refused = await admin.patch(f"/api/admin/users/{me['id']}", json=change)
            assert refused.status_code == 409, refused.text
            assert refused.json()["code"] == "desktop.own_account"
        assert (await admin.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        chinese = await admin.patch(f"/api/admin/users/{me['id']}", json={"active": False})
        assert chinese.json()["message"] == "不能更改自己的角色，也不能停用自己的账户。"
        assert (await _user(admin, "admin"))["role"] == "admin"
        assert (await admin.get("/api/admin/users")).status_code == 200


async def test_given_an_admin_created_with_the_cli_when_the_web_app_starts_then_they_sign_in(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    created = CliRunner().invoke(
        app,
        ["users", "create", "boss", "--role", "admin", "--password-stdin"],
        input="boss-password-1\n",
        env={"CC_DATABASE__URL": settings.database.url, "CC_CONFIG": ""},
    )
    assert created.exit_code == 0, created.output
    async with running_desktop(settings) as desktop, desktop.client() as client:
        signed_in = await client.post(
            "/api/auth/login", json={"username": "boss", "password": "boss-password-1"}
        )
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["role"] == "admin"
        assert [u["username"] for u in (await client.get("/api/admin/users")).json()] == ["boss"]


async def test_given_a_user_id_beyond_any_database_integer_when_changing_it_then_422_not_a_server_error(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        response = await admin.patch(f"/api/admin/users/{2**70}", json={"display_name": "x"})
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "desktop.invalid_request"
        assert response.json()["errors"][0]["field"] == "user_id"
