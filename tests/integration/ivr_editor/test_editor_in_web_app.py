"""The editor mounted in the real web app: the real sign-in decides, publishes land in the audit trail."""

from __future__ import annotations

from pathlib import Path

import httpx

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.composition import web_app
from tests.integration.engine.conftest import engine_settings
from tests.integration.ivr_editor.conftest import MAIN_YAML
from tests.integration.ivr_editor.live import PASSWORD, live_editor

EDITED = MAIN_YAML.replace("Thank you for calling", "Thanks for calling")


async def test_given_the_web_app_when_an_admin_publishes_and_rolls_back_then_the_audit_log_shows_both(
    tmp_path: Path,
) -> None:
    async with live_editor(tmp_path) as live:
        async with live.signed_in("supervisor") as supervisor:
            assert (await supervisor.get("/api/ivr/flows")).status_code == 200
            refused = await supervisor.post("/api/ivr/flows/main/publish", json={"version": 1})
            assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
        async with live.signed_in("agent1002") as agent:
            assert (await agent.get("/api/ivr/flows")).status_code == 403
            page = await agent.get("/admin/ivr", follow_redirects=False)
            assert (page.status_code, page.headers["location"]) == (303, "/login")
        async with live.signed_in("admin") as admin:
            page = await admin.get("/admin/ivr")
            assert page.status_code == 200
            assert 'id="publish"' in page.text
            saved = await admin.post("/api/ivr/flows", json={"yaml": EDITED, "comment": "shorter"})
            assert saved.status_code == 201
            assert (await admin.post("/api/ivr/flows/main/publish", json={"version": 2})).is_success
            assert (await admin.post("/api/ivr/flows/main/rollback")).is_success
            trail = (await admin.get("/api/supervisor/audit", params={"action": "ivr."})).json()
        assert live.repo.published("main") is not None
        assert live.repo.published("main").number == 1  # type: ignore[union-attr]
    assert [(e["action"], e["actor"], e["actor_role"], e["target"]) for e in trail] == [
        ("ivr.rollback", "admin", "admin", "flow:main"),
        ("ivr.publish", "admin", "admin", "flow:main"),
    ]
    assert trail[1]["details"] == {
        "flow": "main",
        "version": "2",
        "previous": "1",
        "at": "2026-11-23T09:00:00+00:00",
    }


async def test_given_the_composition_roots_editor_when_a_crm_vip_is_dry_run_then_the_vip_branch_is_taken(
    tmp_path: Path,
) -> None:
    """The editor the engine mounts looks callers up in the engine's CRM (it knew nobody before)."""
    settings = engine_settings(
        tmp_path, ivr={"use_flows": True, "flows_dir": f"{tmp_path}/flows", "sounds_dir": f"{tmp_path}/s"}
    )
    engine = Engine(settings, simulator_mode=True)  # the demo CRM always has Wei Zhang, a VIP
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with (
            running_server(web_app(engine)) as url,
            httpx.AsyncClient(base_url=url) as admin,
        ):
            login = {"username": "admin", "password": PASSWORD}
            assert (await admin.post("/api/auth/login", json=login)).is_success
            run = {"caller": "4155550100", "digits": ["1", "2"], "at": "2026-11-23T10:00:00+08:00"}
            vip = await admin.post("/api/ivr/flows/main/dry-run", json=run)
            stranger = await admin.post("/api/ivr/flows/main/dry-run", json={**run, "caller": "2125550000"})
            french = await admin.post("/api/ivr/flows/main/dry-run", json={**run, "language": "fr"})
    finally:
        await engine.stop()
    assert vip.status_code == 200, vip.text
    assert "main:vip_greeting" in vip.json()["path"]
    assert vip.json()["variables"]["value_tier"] == "vip"
    assert "main:vip_greeting" not in stranger.json()["path"]
    assert (french.status_code, french.json()["code"]) == (422, "desktop.invalid_request")
