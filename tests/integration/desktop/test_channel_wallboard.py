"""The wallboard per channel over the real web app (engine on the PBX simulator, uvicorn, /ws): the
figures per queue × channel with each queue's chat and e-mail targets from the settings file, the
chats and e-mails waiting beside the callers, and a supervisor moving one to another queue (its
wait kept, audited; clear coded refusals in both languages). The chat and e-mail items are put on
the engine's router directly, as the conversation service does."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from acd.model import Channel, Customer, WorkItem
from crm_core.audit import AuditLog
from tests.integration.desktop.conftest import Desktop, live_desktop, live_socket, next_message
from tests.integration.engine.conftest import engine_settings

QUEUES = [
    {"name": "sales", "skills": {"sales": 2}, "service_level_chat_s": 10, "service_level_email_h": 2},
    {"name": "support", "skills": {"support": 2}},
]


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    """Nobody signed in: what is queued stays waiting."""
    async with live_desktop(engine_settings(tmp_path, queues=QUEUES)) as running:
        yield running


def _row(board: dict[str, Any], queue: str, channel: str) -> dict[str, Any]:
    return next(c for c in board["channels"] if c["queue"] == queue and c["channel"] == channel)


async def _queue(desktop: Desktop, item_id: str, channel: Channel, queue: str = "sales") -> float:
    arrived = time.time() - 5
    await desktop.engine.router.enqueue(WorkItem(item_id, channel, queue, Customer(f"c-{item_id}"), arrived))
    return arrived


async def test_the_wallboard_has_every_queue_per_channel_with_its_targets_and_what_waits(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("supervisor") as boss, live_socket(desktop, boss) as ws:
        board = await next_message(ws, "wallboard")  # validated against the protocol's schema on the way
        assert {(c["queue"], c["channel"]) for c in board["channels"]} >= {
            (q, ch) for q in ("sales", "support") for ch in ("voice", "chat", "email")
        }
        assert _row(board, "sales", "chat")["service_level_seconds"] == 10
        assert _row(board, "sales", "email")["service_level_seconds"] == 7200
        assert _row(board, "support", "chat")["service_level_seconds"] == 30
        assert _row(board, "support", "email")["service_level_seconds"] == 4 * 3600
        assert _row(board, "sales", "voice")["service_level_seconds"] == 20

        chat_at = await _queue(desktop, "chat-1", Channel.CHAT)
        await _queue(desktop, "mail-1", Channel.EMAIL)
        await _queue(desktop, "bare-call", Channel.VOICE)  # a phone item: listed by its call, not here
        board = await next_message(ws, "wallboard", lambda m: len(m["waiting_items"]) == 2)
        assert [(w["item_id"], w["channel"], w["queue"]) for w in board["waiting_items"]] == [
            ("chat-1", "chat", "sales"),
            ("mail-1", "email", "sales"),
        ]
        assert board["waiting_items"][0]["arrived_at"] == chat_at
        chat = _row(board, "sales", "chat")
        assert (chat["waiting"], chat["offered"], chat["answered"], chat["service_level"]) == (1, 1, 0, None)
        assert chat["longest_wait"] >= 5
        assert _row(board, "sales", "voice")["waiting"] == 1
        same = await boss.get("/api/supervisor/wallboard")
        assert _row(same.json(), "sales", "email")["waiting"] == 1


async def test_a_supervisor_moves_a_waiting_chat_and_it_keeps_its_wait(desktop: Desktop) -> None:
    chat_at = await _queue(desktop, "chat-1", Channel.CHAT)
    async with (
        desktop.signed_in("supervisor") as boss,
        desktop.signed_in("agent1002") as agent,
        live_socket(desktop, boss) as ws,
    ):
        refused = await agent.post("/api/supervisor/items/chat-1/queue", json={"queue": "support"})
        assert refused.status_code == 403
        moved = await boss.post("/api/supervisor/items/chat-1/queue", json={"queue": "support"})
        assert moved.status_code == 200, moved.text
        assert moved.json() == {"item_id": "chat-1", "channel": "chat", "from": "sales", "queue": "support"}
        board = await next_message(ws, "wallboard", lambda m: m["waiting_items"][0]["queue"] == "support")
        assert board["waiting_items"][0]["arrived_at"] == chat_at
        assert (_row(board, "sales", "chat")["waiting"], _row(board, "support", "chat")["waiting"]) == (0, 1)
    with desktop.engine.contact_center.sessions() as session:
        entries = AuditLog().recent(session, limit=5, action_prefix="waiting.")
    assert [(e.actor, e.action, e.target, e.details) for e in entries] == [
        (
            "supervisor",
            "waiting.move_item",
            "chat:chat-1",
            {"queue": "support", "from": "sales", "channel": "chat"},
        )
    ]


async def test_moves_that_cannot_be_done_are_refused_with_a_clear_translated_code(desktop: Desktop) -> None:
    await _queue(desktop, "bare-call", Channel.VOICE)
    await _queue(desktop, "mail-1", Channel.EMAIL)
    async with desktop.signed_in("supervisor") as boss:
        gone = await boss.post("/api/supervisor/items/nobody/queue", json={"queue": "support"})
        assert (gone.status_code, gone.json()["code"]) == (409, "chstats.not_waiting")
        assert "no longer waiting" in gone.json()["message"]
        phone = await boss.post("/api/supervisor/items/bare-call/queue", json={"queue": "support"})
        assert (phone.status_code, phone.json()["code"]) == (409, "chstats.phone_item")
        outbound = await boss.post("/api/supervisor/items/mail-1/queue", json={"queue": "outbound"})
        assert (outbound.status_code, outbound.json()["code"]) == (422, "desktop.bad_transfer_target")
        unknown = await boss.post("/api/supervisor/items/mail-1/queue", json={"queue": "nowhere"})
        assert (unknown.status_code, unknown.json()["code"]) == (409, "acd.unknown_queue")
        bad_id = await boss.post("/api/supervisor/items/a%20b/queue", json={"queue": "support"})
        assert bad_id.status_code == 422
        assert (await boss.patch("/api/auth/me", json={"language": "zh_CN"})).is_success
        gone = await boss.post("/api/supervisor/items/nobody/queue", json={"queue": "support"})
        assert gone.json()["message"] == "该聊天或邮件已不在队列中等待（已被接待、正在分配或已结束）。"
    with desktop.engine.contact_center.sessions() as session:
        assert AuditLog().recent(session, limit=5, action_prefix="waiting.") == []
    waiting = await desktop.engine.router.waiting_item("mail-1")
    assert waiting is not None
    assert waiting.queue == "sales"


async def test_an_admin_edit_of_a_queue_keeps_its_chat_and_email_targets(desktop: Desktop) -> None:
    async with desktop.signed_in("admin") as admin:
        changed = await admin.put("/api/admin/queues/sales", json={"wrap_up_s": 7.5})
        assert changed.status_code == 200, changed.text
        board = (await admin.get("/api/supervisor/wallboard")).json()
    assert (
        _row(board, "sales", "chat")["service_level_seconds"],
        _row(board, "sales", "email")["service_level_seconds"],
    ) == (
        10,
        7200,
    )
