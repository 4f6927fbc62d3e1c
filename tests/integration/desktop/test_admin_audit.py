"""Admin changes (users, skills, queues) and forced agent states are applied and audited."""

from __future__ import annotations

from tests.integration.desktop.conftest import PASSWORD, Desktop


async def test_given_an_admin_when_changing_users_skills_and_queues_then_each_change_is_audited(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as admin:
        created = await admin.post(
            "/api/admin/users",
            json={
                "username": "agent2001",
                "password": "a-long-password",
                "role": "agent",
                "agent_id": "2001",
                "language": "zh_CN",
                "timezone": "Asia/Shanghai",
            },
        )
        assert created.status_code == 201, created.text
        duplicate = await admin.post(
            "/api/admin/users",
            json={
                "username": "agent2001",
                "password": "a-long-password",
                "role": "agent",
                "agent_id": "2002",
            },
        )
        assert duplicate.status_code == 422
        assert duplicate.json()["code"] == "crm.invalid_value"
        user_id = created.json()["id"]
        assert (await admin.patch(f"/api/admin/users/{user_id}", json={"role": "supervisor"})).is_success
        queue = await admin.put("/api/admin/queues/vip", json={"skills": {"vip": 2}, "wrap_up_s": 10})
        assert queue.is_success
        skills = await admin.put("/api/admin/agents/1003", json={"skills": {"support": 5, "vip": 3}})
        assert skills.json()["applied_now"] is True
        assert "vip" in {q["name"] for q in (await admin.get("/api/admin/queues")).json()}
        forced = await admin.post("/api/supervisor/agents/1002/state", json={"state": "paused"})
        assert forced.is_success
        actions = [e["action"] for e in (await admin.get("/api/supervisor/audit")).json()]
        assert actions == [
            "agent.force_state",
            "admin.agent_skills",
            "admin.queue",
            "admin.user_change",
            "admin.user_create",
        ]
    snapshot = await desktop.engine.contact_center.snapshot()
    assert next(a for a in snapshot.agents if a.agent_id == "1002").state.value == "paused"
    async with desktop.client() as client:
        login = await client.post(
            "/api/auth/login", json={"username": "agent2001", "password": "a-long-password"}
        )
        assert login.json()["role"] == "supervisor"
        assert login.json()["timezone"] == "Asia/Shanghai"


async def test_given_a_deactivated_user_when_signed_in_then_the_session_ends_and_sign_in_fails(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1003") as agent, desktop.signed_in("admin") as admin:
        users = (await admin.get("/api/admin/users")).json()
        target = next(u for u in users if u["username"] == "agent1003")
        assert (await admin.patch(f"/api/admin/users/{target['id']}", json={"active": False})).is_success
        assert (await agent.get("/api/agent/state")).status_code == 401
        again = await agent.post("/api/auth/login", json={"username": "agent1003", "password": PASSWORD})
        assert again.status_code == 401
