"""Voicemail end to end through the simulator and the web app: a caller after hours leaves a message
(RECORD FILE over FastAGI), it becomes a record and a ``voicemail`` work item for the customer found
by number; the agent accepts it, plays it (an audit row; Range works), calls the customer back with
click-to-dial, ends and wraps it up: the interaction is in the customer's timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from callcenter.clock import SystemClock
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.models import Interaction
from crm_core.models_auth import AuditEntry
from tests.integration.desktop.conftest import live_socket, next_message
from tests.integration.voicemail.engine_helpers import after_hours, leave_message, voicemail_row, voicemails
from tests.waiting import wait_until


async def test_given_a_message_left_after_hours_then_the_agent_plays_it_calls_back_and_wraps_it_up(
    tmp_path: Path,
) -> None:
    async with after_hours(tmp_path) as desktop:
        engine = desktop.engine
        with engine.contact_center.sessions.begin() as session:
            customer = CustomerService(SystemClock(), "US").create(
                session, CustomerDraft("Ann Lee", phones=("+1 212 555 0142",))
            )
        outcome = await leave_message(engine, "2125550142")
        assert outcome.agent is None
        assert any(c.startswith("RECORD FILE " + str(tmp_path / "vm")) for c in outcome.agi_commands)
        assert not any(c.startswith("EXEC VoiceMail") for c in outcome.agi_commands)
        row = await voicemail_row(engine)
        assert (row.state, row.queue, row.customer_id, row.caller_number) == (
            "new",
            "general",
            customer,
            "2125550142",
        )
        assert row.duration_s >= 0.5
        assert row.size_bytes > 44
        assert Path(row.file_path).is_file()

        async with desktop.signed_in("agent1002") as agent, desktop.signed_in("agent1003") as other:
            offers: list[dict[str, Any]] = []

            async def offered() -> bool:
                offers[:] = (await agent.get("/api/agent/chats")).json()["offers"]
                return bool(offers)

            await wait_until(offered, what="the voicemail offered to agent 1002")
            assert offers[0]["channel"] == "voicemail"
            accepted = await agent.post(f"/api/agent/chats/offers/{offers[0]['offer_id']}/accept")
            assert accepted.status_code == 200, accepted.text
            cid = row.conversation_id
            listed = (await agent.get("/api/agent/voicemails")).json()
            assert [(v["conversation_id"], v["customer_name"]) for v in listed] == [(cid, "Ann Lee")]

            audio = await agent.get(listed[0]["audio_url"])
            assert (audio.status_code, audio.headers["content-type"]) == (200, "audio/wav")
            assert audio.content[:4] == b"RIFF"
            assert len(audio.content) == row.size_bytes
            part = await agent.get(listed[0]["audio_url"], headers={"Range": "bytes=100-199"})
            assert (part.status_code, len(part.content)) == (206, 100)
            assert part.content == audio.content[100:200]
            denied = await other.get(listed[0]["audio_url"])
            assert (denied.status_code, denied.json()["code"]) == (403, "voicemail.not_yours")
            async with desktop.signed_in("supervisor") as supervisor:
                assert (await supervisor.get(listed[0]["audio_url"])).status_code == 200  # supervisors: all

            async with live_socket(desktop, agent) as ws:
                await next_message(ws, "snapshot")
                dial = await agent.post(
                    "/api/agent/dial", json={"number": row.caller_number, "customer_id": customer}
                )
                assert dial.status_code == 200, dial.text
                await next_message(ws, "CallConnected", lambda m: m["uniqueid"] == dial.json()["uniqueid"])
                assert (await agent.post("/api/agent/call/hangup")).status_code == 200
                await next_message(ws, "CallEnded")

            assert (await agent.post(f"/api/agent/chats/{cid}/end")).status_code == 200
            done = await agent.post(
                f"/api/agent/chats/{cid}/wrap-up", json={"disposition": "resolved", "notes": "called back"}
            )
            assert done.status_code == 200, done.text

        await wait_until(lambda: voicemails(engine)[-1].state == "done", what="the voicemail done")

    with engine.contact_center.sessions() as session:
        plays = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "voicemail.play")))
        timeline = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"voicemail:{cid}")
        ).one()
    # The ranged request is no new playback; the other agent's refused one is none either.
    assert [(p.actor, p.target) for p in plays] == [
        ("agent1002", f"voicemail:{row.id}"),
        ("supervisor", f"voicemail:{row.id}"),
    ]
    assert (timeline.channel, timeline.customer_id, timeline.disposition) == (
        "voicemail",
        customer,
        "resolved",
    )
    assert timeline.notes == "called back"
