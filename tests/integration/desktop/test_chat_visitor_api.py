"""The visitors' chat API over the real web app and conversation service: hostile input gets coded,
translated refusals; a visitor key opens only its own chat; a retried message is stored once; CORS
answers only the sites allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event

from callcenter.i18n import translate
from tests.integration.desktop.chat_helpers import accepted_by, chat_settings, start_chat
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.conftest import sign_in_agents

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    """Agent 1002 (support) signed in; chat limits roomy except where a test says."""
    async with live_desktop(chat_settings(tmp_path, max_attachment_bytes=1024)) as running:
        await sign_in_agents(running.engine, "1002")
        yield running


async def test_given_a_pre_chat_form_when_started_then_the_visitor_gets_a_key_and_their_place(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        assert len(visitor.key) >= 20
        assert visitor.opened["conversation"]["status"] in ("waiting", "offered")
        assert set(visitor.opened["wait"]) == {"status", "position", "expected_wait_s"}
        assert "customer_id" not in visitor.opened["conversation"]  # CRM ids stay inside
        texts = [m["text"] for m in await visitor.messages()]
        assert texts == ["conversation.system.waiting"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "Ann", "topic": "no such"}, "desktop.invalid_request"),
        ({"name": "Ann", "topic": "stocks"}, "conversation.unknown_topic"),
        ({"name": "", "topic": "support"}, "conversation.name_required"),
        ({"name": "Ann", "topic": "support", "language": "fr"}, "desktop.invalid_request"),
        ({"name": "Ann", "topic": "support", "customer_token": "forged.token"}, "conversation.bad_token"),
    ],
)
async def test_given_bad_start_input_then_a_coded_refusal_in_the_visitors_language(
    desktop: Desktop, body: dict[str, str], code: str
) -> None:
    async with desktop.client() as client:
        response = await client.post("/api/chat/start", json=body, headers={"X-Chat-Lang": "zh_CN"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    if code.startswith("conversation."):
        assert response.json()["message"] == translate(code, "zh_CN", topic="stocks")
        assert response.json()["message"] != translate(code, "en", topic="stocks")


async def test_given_a_wrong_or_missing_key_then_nothing_of_the_chat_is_told(desktop: Desktop) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        other = await start_chat(client, name="Bob")
        assert (await visitor.messages()) != []  # the right key first: it is remembered as proven
        missing = await client.get(f"/api/chat/{visitor.cid}/messages")
        wrong = await client.get(f"/api/chat/{visitor.cid}/messages", headers={"X-Chat-Key": other.key})
        unknown = await client.get("/api/chat/nosuchchat/messages", headers={"X-Chat-Key": visitor.key})
        bad_path = await client.get("/api/chat/..%2F..%2Fetc/messages", headers=visitor.headers)
    assert (missing.status_code, missing.json()["code"]) == (401, "chat.key_required")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "chat.not_your_chat")
    assert (unknown.status_code, unknown.json()) == (403, wrong.json())
    assert bad_path.status_code in (404, 422)


async def test_given_a_retried_message_then_it_is_stored_once_and_answered_the_same(desktop: Desktop) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        first = await visitor.post("Hello <script>alert(1)</script>", "m-1")
        again = await visitor.post("Hello <script>alert(1)</script>", "m-1")
        stored = [m for m in await visitor.messages() if m["sender"] == "customer"]
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert [m["text"] for m in stored] == ["Hello <script>alert(1)</script>"]  # kept as text


@pytest.mark.parametrize(
    ("text", "client_id", "status", "code"),
    [
        ("x" * 2001, "m-1", 422, "conversation.message_too_long"),
        ("   ", "m-1", 422, "conversation.empty_message"),
        ("hi", "bad id!", 422, "desktop.invalid_request"),
        ("bell \x07", "m-1", 422, "conversation.bad_text"),
    ],
)
async def test_given_a_bad_message_then_refused_with_its_code(
    desktop: Desktop, text: str, client_id: str, status: int, code: str
) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        response = await visitor.post(text, client_id)
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_given_too_many_messages_then_rate_limited(tmp_path: Path) -> None:
    async with (
        live_desktop(chat_settings(tmp_path, messages_per_10s=3)) as running,
        running.client() as client,
    ):
        visitor = await start_chat(client)
        answers = [await visitor.post(f"m{i}", f"m-{i}") for i in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[-1].json()["code"] == "conversation.rate_limited"


async def test_given_too_many_chats_from_one_address_then_refused(tmp_path: Path) -> None:
    async with (
        live_desktop(chat_settings(tmp_path, max_open_per_address=2)) as running,
        running.client() as client,
    ):
        await start_chat(client)
        await start_chat(client)
        third = await client.post("/api/chat/start", json={"name": "C", "topic": "support"})
    assert (third.status_code, third.json()["code"]) == (429, "conversation.too_many_open_chats")


async def test_given_files_then_type_and_size_are_checked_and_downloads_never_run(desktop: Desktop) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        url = f"/api/chat/{visitor.cid}/attachments"
        big = await client.post(
            url, files={"file": ("a.png", PNG * 20, "image/png")}, headers=visitor.headers
        )
        html = await client.post(
            url, files={"file": ("x.png", b"<html><script>1</script>", "image/png")}, headers=visitor.headers
        )
        good = await client.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=visitor.headers)
        assert good.status_code == 200, good.text
        ref = good.json()
        sent = await client.post(
            f"/api/chat/{visitor.cid}/messages",
            json={"text": "", "client_id": "f-1", "attachments": [ref["attachment_id"]]},
            headers=visitor.headers,
        )
        download = await client.get(f"{url}/{ref['attachment_id']}", headers=visitor.headers)
    assert (big.status_code, big.json()["code"]) == (413, "chat.attachment_too_large")
    assert html.status_code == 415
    assert html.json()["code"] in ("conversation.attachment_mismatch", "conversation.attachment_type")
    assert sent.status_code == 200, sent.text
    assert sent.json()["attachments"][0]["filename"] == "a.png"
    assert download.content == PNG
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]


async def test_given_an_embedding_site_then_cors_answers_only_allowed_origins(desktop: Desktop) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-chat-key"}
    async with desktop.client() as client:
        allowed = await client.options(
            "/api/chat/start", headers={"Origin": "https://shop.example", **preflight}
        )
        denied = await client.options(
            "/api/chat/start", headers={"Origin": "https://evil.example", **preflight}
        )
        texts = await client.get("/api/chat/i18n/zh_CN", headers={"Origin": "https://shop.example"})
        agent_api = await client.get("/api/agent/state", headers={"Origin": "https://shop.example"})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert "x-chat-key" in allowed.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in allowed.headers
    assert denied.status_code == 403
    assert "access-control-allow-origin" not in denied.headers
    assert texts.headers["access-control-allow-origin"] == "https://shop.example"
    assert texts.json()["texts"]["ui.chat.start"] == translate("ui.chat.start", "zh_CN")
    assert "access-control-allow-origin" not in agent_api.headers


async def test_given_an_ended_chat_then_the_visitor_can_ask_for_the_transcript_and_write_no_more(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        visitor = await start_chat(client)
        await accepted_by(agent, visitor)
        assert (await visitor.post("Thanks, bye", "m-1")).status_code == 200
        ended = await client.post(f"/api/chat/{visitor.cid}/end", headers=visitor.headers)
        late = await visitor.post("one more", "m-2")
        bad_mail = await client.post(
            f"/api/chat/{visitor.cid}/transcript", json={"email": "not-an-address"}, headers=visitor.headers
        )
    assert ended.json()["conversation"]["status"] in ("wrap_up", "ended")
    assert (late.status_code, late.json()["code"]) == (409, "conversation.closed")
    assert bad_mail.status_code == 422


async def test_given_a_chat_just_started_when_the_visitor_writes_then_the_conversation_is_not_read_again(
    desktop: Desktop,
) -> None:
    """The key was proven when the chat started: a message costs only its append (the first
    message of each of 1000 visitors read the conversation in ``bench/chat_bench.py``)."""
    async with desktop.client() as client:
        visitor = await start_chat(client)
        reads: list[str] = []

        def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            if statement.lstrip().upper().startswith("SELECT") and "FROM conversations " in statement:
                reads.append(statement)

        event.listen(desktop.engine.db_engine, "before_cursor_execute", note)
        try:
            response = await visitor.post("hello", "first")
        finally:
            event.remove(desktop.engine.db_engine, "before_cursor_execute", note)
        assert response.status_code == 200, response.text
        assert reads == []
