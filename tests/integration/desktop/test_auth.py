"""Sign-in, sessions, rate limiting and roles, over HTTP against the real app and engine."""

from __future__ import annotations

from tests.integration.desktop.conftest import PASSWORD, Desktop


async def test_given_demo_users_when_an_agent_signs_in_then_a_strict_httponly_session_cookie_is_set(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        response = await client.post("/api/auth/login", json={"username": "agent1002", "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["role"] == "agent"
        assert response.json()["agent_id"] == "1002"
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cc_session="))
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        me = await client.get("/api/auth/me")
        assert me.status_code == 200
        assert me.json()["username"] == "agent1002"
        await client.post("/api/auth/logout")
        assert (await client.get("/api/auth/me")).status_code == 401


async def test_given_a_wrong_password_when_signing_in_then_401_with_a_translated_message(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        wrong = {"username": "agent1001", "password": "nope"}
        response = await client.post("/api/auth/login", json=wrong)
        assert response.status_code == 401
        assert response.json() == {"code": "auth.bad_credentials", "message": "Wrong username or password."}
        chinese = await client.post("/api/auth/login", json=wrong, headers={"Accept-Language": "zh-CN"})
        assert chinese.json()["message"] == "用户名或密码错误。"
        unknown = await client.post("/api/auth/login", json={"username": "ghost", "password": "x"})
        assert unknown.json()["code"] == "auth.bad_credentials"


async def test_given_five_failures_for_a_username_when_trying_again_then_429_even_with_the_right_password(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        for _ in range(5):
            response = await client.post("/api/auth/login", json={"username": "admin", "password": "guess"})
            assert response.status_code == 401
        blocked = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "auth.rate_limited"
        assert "Try again in" in blocked.json()["message"]
        assert int(blocked.headers["retry-after"]) > 0
        # Another user from the same address is not blocked yet (the per-IP limit is higher).
        other = await client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
        assert other.status_code == 200
        desktop.clock.shift += 301
        again = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        assert again.status_code == 200


async def test_given_many_usernames_from_one_address_when_guessing_then_the_per_ip_limit_answers_429(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        for i in range(20):
            await client.post("/api/auth/login", json={"username": f"user{i}", "password": "guess"})
        blocked = await client.post("/api/auth/login", json={"username": "agent1003", "password": PASSWORD})
        assert blocked.status_code == 429


async def test_given_an_idle_session_when_it_passes_the_idle_timeout_then_401_not_signed_in(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("supervisor") as client:
        assert (await client.get("/api/supervisor/wallboard")).status_code == 200
        desktop.clock.shift += 30
        assert (await client.get("/api/supervisor/wallboard")).status_code == 200  # activity renews it
        desktop.clock.shift += 61
        expired = await client.get("/api/supervisor/wallboard")
        assert expired.status_code == 401
        assert expired.json()["code"] == "auth.not_signed_in"


async def test_given_an_active_session_when_it_reaches_the_absolute_timeout_then_it_ends(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("admin") as client:
        for _ in range(10):
            desktop.clock.shift += 55
            assert (await client.get("/api/auth/me")).status_code == 200
        desktop.clock.shift += 55
        assert (await client.get("/api/auth/me")).status_code == 401


async def test_given_each_role_when_calling_another_roles_api_then_403_forbidden(desktop: Desktop) -> None:
    async with desktop.signed_in("agent1001") as agent, desktop.signed_in("supervisor") as supervisor:
        refused = await agent.get("/api/supervisor/wallboard")
        assert refused.status_code == 403
        assert refused.json()["code"] == "auth.forbidden"
        assert refused.json()["message"] == "您的角色无权执行此操作。"  # agent1001 works in Chinese
        assert (
            await agent.post("/api/supervisor/agents/1002/supervise", json={"mode": "listen"})
        ).status_code == 403
        assert (await supervisor.get("/api/admin/users")).status_code == 403
        assert (await supervisor.get("/api/agent/state")).status_code == 403
    async with desktop.client() as anonymous:
        assert (await anonymous.get("/api/agent/state")).status_code == 401
        page = await anonymous.get("/agent")
        assert page.status_code == 303
        assert page.headers["location"] == "/login"


async def test_given_a_signed_in_user_when_a_post_comes_from_another_origin_then_403(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1003") as client:
        evil = {"Origin": "https://evil.example"}
        response = await client.post("/api/agent/state", json={"state": "logged_out"}, headers=evil)
        assert response.status_code == 403
        assert response.json()["code"] == "auth.bad_origin"
        same = {"Origin": desktop.url}
        assert (
            await client.post("/api/agent/state", json={"state": "available"}, headers=same)
        ).status_code == 200


async def test_given_a_user_who_switched_language_when_refused_then_the_error_follows_the_new_language(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1002") as agent:  # signs in in English
        assert (await agent.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        invalid = await agent.post("/api/agent/state", json={"state": "dancing"})
        not_found = await agent.get("/api/customers/99999999")
    assert invalid.status_code == 422
    assert not invalid.json()["message"].isascii(), invalid.json()
    assert not_found.status_code == 404
    assert not not_found.json()["message"].isascii(), not_found.json()


async def test_given_a_body_that_is_not_json_or_an_unknown_route_then_the_error_has_the_apis_body(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1001") as agent:  # works in Chinese
        garbled = await agent.post(
            "/api/agent/state", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
        )
        missing = await agent.get("/api/no-such-thing")
        wrong_method = await agent.delete("/api/agent/state")
    assert (garbled.status_code, garbled.json()["code"]) == (400, "desktop.bad_json")
    assert garbled.json()["message"] == "请求内容必须是 JSON 对象。"
    assert (missing.status_code, missing.json()["code"]) == (404, "desktop.not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "desktop.method_not_allowed")
    assert "detail" not in garbled.json()
