"""Recordings over the real web app (uvicorn) and engine on the simulator: a call recorded, listed by
its agent, played by Range and downloaded with audit rows; denied to another agent; held by the
supervisor; expired by the admin's retention run; a file the server cannot see is said so."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from callcenter.pbxsim.recordings import SAMPLE
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.integration.recorder.calls import recorded_call


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    settings = engine_settings(tmp_path, recorder={"check_grace_s": 0.2, "retention_days": 30})
    async with live_desktop(settings) as running:
        await sign_in_agents(running.engine)
        yield running


async def _audit(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/supervisor/audit?action=recording.")
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_given_a_recorded_call_then_its_agent_plays_it_by_range_and_each_access_is_audited(
    desktop: Desktop,
) -> None:
    uniqueid = await recorded_call(desktop.engine)
    sample = SAMPLE.read_bytes()
    async with (
        desktop.signed_in("agent1001") as agent,
        desktop.signed_in("agent1002") as other,
        desktop.signed_in("supervisor") as supervisor,
    ):
        mine = (await agent.get("/api/recordings")).json()
        assert [r["uniqueid"] for r in mine] == [uniqueid]
        one = mine[0]
        assert (one["state"], one["agents"], one["queue"], one["size"]) == (
            "complete",
            ["1001"],
            "sales",
            len(sample),
        )
        details = (await agent.get(f"/api/recordings/{one['id']}")).json()
        assert len(details["pauses"]) == 1

        first = await agent.get(one["audio_url"], headers={"Range": "bytes=0-1023"})
        assert first.status_code == 206
        assert first.content == sample[:1024]
        assert first.headers["content-type"] == "audio/wav"
        seek = await agent.get(one["audio_url"], headers={"Range": "bytes=50000-"})
        assert (seek.status_code, seek.content) == (206, sample[50000:])
        whole = await agent.get(one["download_url"])
        assert whole.status_code == 200
        assert whole.content == sample
        assert whole.headers["content-disposition"].startswith("attachment")

        denied = await other.get(one["audio_url"])
        assert denied.status_code == 403
        assert denied.json()["code"] == "recording.not_yours"
        assert denied.json()["message"] == "You may only play recordings of your own calls."
        assert (await other.get("/api/recordings")).json() == []
        assert (await other.get("/api/recordings?agent=1001")).status_code == 403

        # Two range requests of one player are one playback; the download is its own row.
        rows = await _audit(supervisor)
        assert [(r["actor"], r["action"], r["target"]) for r in rows] == [
            ("agent1001", "recording.downloaded", f"recording:{one['id']}"),
            ("agent1001", "recording.played", f"recording:{one['id']}"),
        ]
        assert rows[0]["details"] == {"uniqueid": uniqueid}

        everyone = (await supervisor.get("/api/recordings?agent=1001&queue=sales")).json()
        assert [r["id"] for r in everyone] == [one["id"]]
        assert (await supervisor.get("/api/recordings?queue=support")).json() == []
        assert (await supervisor.get(one["audio_url"], headers={"Range": "bytes=0-9"})).status_code == 206


async def test_given_retention_then_held_recordings_stay_and_others_go_with_audit(desktop: Desktop) -> None:
    uniqueid = await recorded_call(desktop.engine)
    index = desktop.engine.recorder.calls.index
    found = index.by_uniqueid(uniqueid)
    assert found is not None
    async with (
        desktop.signed_in("agent1001") as agent,
        desktop.signed_in("supervisor") as supervisor,
        desktop.signed_in("admin") as admin,
    ):
        assert (await agent.put(f"/api/recordings/{found.id}/hold", json={"hold": True})).status_code == 403
        held = await supervisor.put(f"/api/recordings/{found.id}/hold", json={"hold": True})
        assert held.json()["legal_hold"] is True
        assert (await agent.post("/api/admin/recordings/retention")).status_code == 403

        desktop.engine.recorder.desk.clock = lambda: time.time() + 31 * 86_400  # a month later
        report = (await admin.post("/api/admin/recordings/retention")).json()
        assert report == {"deleted": 0, "held": 1, "failed": [], "compressed": 0}
        await supervisor.put(f"/api/recordings/{found.id}/hold", json={"hold": False})
        report = (await admin.post("/api/admin/recordings/retention")).json()
        assert report == {"deleted": 1, "held": 0, "failed": [], "compressed": 0}
        assert not Path(found.path).exists()

        gone = await agent.get(f"/api/recordings/{found.id}/audio")
        assert gone.status_code == 410
        assert gone.json()["code"] == "recording.file_unavailable"
        assert gone.json()["message"] == "该录音文件不可用（已删除（保留期满））。"  # Li Na reads Chinese
        actions = [r["action"] for r in await _audit(supervisor)]
        assert actions[:5] == [
            "recording.retention_run",
            "recording.deleted",
            "recording.hold_cleared",
            "recording.retention_run",
            "recording.hold_set",
        ]


async def test_given_the_file_is_not_visible_then_the_player_is_told_so(desktop: Desktop) -> None:
    uniqueid = await recorded_call(desktop.engine)
    found = desktop.engine.recorder.calls.index.by_uniqueid(uniqueid)
    assert found is not None
    Path(found.path).unlink()  # e.g. the shared mount went away after the call
    async with desktop.signed_in("agent1001") as agent:
        response = await agent.get(f"/api/recordings/{found.id}/audio")
        assert response.status_code == 404
        assert response.json()["code"] == "recording.file_not_visible"
        assert "recorder.engine_dir" in response.json()["message"]
