"""The IVR editor's API: listing, drawing, validation, save, publish/roll back (audited), diff, dry run."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.integration.ivr_editor.conftest import MAIN_YAML, OPEN, Editor

GREETING = 'text: "Thank you for calling Example Trading."\n    next: hours'
BROKEN = MAIN_YAML.replace(GREETING, GREETING.replace("next: hours", "next: hourz")).replace(
    "sales_en: {type: queue, queue: sales,", "sales_en: {type: queue, queue: salez,"
)
EDITED = MAIN_YAML.replace("Thank you for calling Example Trading.", "Thanks for calling Example Trading.")
DANGLING = {
    "level": "error",
    "code": "ivr.flow.dangling_reference",
    "title": "Refers to a missing node",
    "message": "flow 'main', node 'greeting', field 'next': refers to node 'hourz', which does not exist",
    "flow": "main",
    "node": "greeting",
    "field": "next",
}
UNKNOWN_QUEUE = {
    "level": "error",
    "code": "ivr.flow.unknown_queue",
    "title": "Unknown queue",
    "message": "flow 'main', node 'sales_en', field 'queue': queue 'salez' does not exist",
    "flow": "main",
    "node": "sales_en",
    "field": "queue",
}


async def test_given_the_shipped_flow_when_listing_and_opening_it_then_v1_is_published_and_drawable(
    editor: Editor,
) -> None:
    async with editor.client("supervisor") as client:
        flows = (await client.get("/api/ivr/flows")).json()
        assert flows == [
            {
                "name": "main",
                "description": "Demo main line — hours, language, service menu, order status, VIP priority",
                "numbers": ["5551234"],
                "published": 1,
                "latest": 1,
            }
        ]
        v1 = (await client.get("/api/ivr/flows/main/versions/1")).json()
    assert v1["yaml"] == MAIN_YAML
    assert (v1["version"], v1["author"], v1["published"]) == (1, "system", True)
    nodes = {n["id"]: n for n in v1["graph"]["nodes"]}
    assert nodes["init"]["start"]
    assert nodes["init"]["layer"] == 0
    assert nodes["general_queue"]["fallback"]
    assert nodes["service_en"]["type"] == "menu"
    assert nodes["service_en"]["layer"] < nodes["sales_en"]["layer"]
    edges = v1["graph"]["edges"]
    assert {"source": "service_en", "target": "sales_en", "field": "options.1", "label": "1"} in edges
    assert {
        "source": "hours",
        "target": "language",
        "field": "branches.0.then",
        "label": "open hours",
    } in (edges)
    assert {"source": "identify", "target": "greeting", "field": "not_found", "label": "not found"} in edges


async def test_given_a_broken_flow_when_validated_then_every_issue_comes_back_exactly(editor: Editor) -> None:
    async with editor.client("supervisor") as client:
        result = (await client.post("/api/ivr/validate", json={"yaml": BROKEN})).json()
        schema = (
            await client.post(
                "/api/ivr/validate", json={"yaml": MAIN_YAML.replace("type: set", "type: sett", 1)}
            )
        ).json()
    assert result["valid"] is False
    assert result["issues"] == [DANGLING, UNKNOWN_QUEUE]
    # the text still parses, so it is drawn, with the dangling target as a "missing" box
    missing = [n for n in result["graph"]["nodes"] if n["type"] == "missing"]
    assert [n["id"] for n in missing] == ["hourz"]
    assert schema["graph"] is None
    assert [(i["code"], i["node"], i["field"]) for i in schema["issues"]] == [
        ("ivr.flow.unknown_node_type", "init", "type")
    ]


async def test_given_a_chinese_admin_when_validating_then_issue_titles_are_translated(editor: Editor) -> None:
    async with editor.client("wang") as client:
        result = (await client.post("/api/ivr/validate", json={"yaml": BROKEN})).json()
    assert [i["title"] for i in result["issues"]] == ["引用了不存在的节点", "未知队列"]
    assert result["issues"][0]["message"] == DANGLING["message"]


async def test_given_an_invalid_flow_when_saved_then_it_is_refused_and_nothing_changes(
    editor: Editor,
) -> None:
    async with editor.client("admin") as client:
        refused = await client.post("/api/ivr/flows", json={"yaml": BROKEN, "comment": "typo"})
        flows = (await client.get("/api/ivr/flows")).json()
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "ivr.invalid_flow"
    assert body["message"] == f"Flow main was refused: {DANGLING['message']}; {UNKNOWN_QUEUE['message']}"
    assert body["issues"] == [DANGLING, UNKNOWN_QUEUE]
    assert [v.number for v in editor.repo.history("main")] == [1]
    assert flows[0]["published"] == 1
    assert flows[0]["latest"] == 1


async def test_given_roles_when_changing_flows_then_only_admins_save_publish_and_roll_back(
    editor: Editor,
) -> None:
    async with editor.client("supervisor") as supervisor:
        save = await supervisor.post("/api/ivr/flows", json={"yaml": EDITED})
        publish = await supervisor.post("/api/ivr/flows/main/publish", json={"version": 1})
        rollback = await supervisor.post("/api/ivr/flows/main/rollback")
        dry = await supervisor.post("/api/ivr/flows/main/dry-run", json={"digits": ["1", "1"]})
    assert [r.status_code for r in (save, publish, rollback)] == [403, 403, 403]
    assert publish.json() == {"code": "auth.forbidden", "message": publish.json()["message"]}
    assert dry.status_code == 200
    async with editor.client("agent1001") as agent:
        assert (await agent.get("/api/ivr/flows")).status_code == 403
    async with editor.client(None) as anonymous:
        listing = await anonymous.get("/api/ivr/flows")
        assert (listing.status_code, listing.json()["code"]) == (401, "auth.not_signed_in")
    assert editor.audit.written == []
    assert [v.number for v in editor.repo.history("main")] == [1]


async def test_given_a_saved_version_when_published_then_rolled_back_then_both_are_audited(
    editor: Editor,
) -> None:
    async with editor.client("admin") as admin:
        saved = await admin.post("/api/ivr/flows", json={"yaml": EDITED, "comment": "shorter greeting"})
        assert saved.status_code == 201
        assert saved.json() == {
            "flow": "main",
            "version": 2,
            "author": "admin",
            "created_at": "2026-11-23T09:00:00+00:00",
            "comment": "shorter greeting",
            "published": False,
        }
        editor.clock.advance(60)
        published = await admin.post("/api/ivr/flows/main/publish", json={"version": 2})
        assert published.json() == {
            "flow": "main",
            "action": "publish",
            "version": 2,
            "previous": 1,
            "author": "admin",
            "at": "2026-11-23T09:01:00+00:00",
        }
        assert (await admin.get("/api/ivr/flows")).json()[0]["published"] == 2
        editor.clock.advance(60)
        rolled = await admin.post("/api/ivr/flows/main/rollback")
        assert (rolled.json()["version"], rolled.json()["previous"]) == (1, 2)
        history = (await admin.get("/api/ivr/flows/main/history")).json()
        again = await admin.post("/api/ivr/flows/main/rollback")
    assert editor.audit.written == [
        (
            "admin",
            "ivr.publish",
            "flow:main",
            {"flow": "main", "version": "2", "previous": "1", "at": "2026-11-23T09:01:00+00:00"},
        ),
        (
            "admin",
            "ivr.rollback",
            "flow:main",
            {"flow": "main", "version": "1", "previous": "2", "at": "2026-11-23T09:02:00+00:00"},
        ),
    ]
    assert history["published"] == 1
    assert [(v["version"], v["published"]) for v in history["versions"]] == [(1, True), (2, False)]
    assert [(a["action"], a["version"], a["author"]) for a in history["audit"]] == [
        ("publish", 1, "system"),
        ("publish", 2, "admin"),
        ("rollback", 1, "admin"),
    ]
    assert again.status_code == 409
    assert again.json() == {
        "code": "ivr.nothing_to_roll_back",
        "message": "Flow main has no earlier published version to roll back to.",
    }
    assert len(editor.audit.written) == 2


async def test_given_a_chinese_admin_when_rollback_is_impossible_then_the_message_is_chinese(
    editor: Editor,
) -> None:
    async with editor.client("wang") as admin:
        refused = await admin.post("/api/ivr/flows/main/rollback")
        unknown = await admin.get("/api/ivr/flows/nope/versions/1")
    assert refused.json() == {
        "code": "ivr.nothing_to_roll_back",
        "message": "流程 main 没有可回滚的早期发布版本。",
    }
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"code": "ivr.unknown_flow", "message": "流程 nope 不存在。"},
    )


async def test_given_two_versions_when_diffed_then_the_changed_line_is_shown(editor: Editor) -> None:
    async with editor.client("admin") as admin:
        await admin.post("/api/ivr/flows", json={"yaml": EDITED})
        diff = (await admin.get("/api/ivr/flows/main/diff", params={"v1": 1, "v2": 2})).json()["diff"]
    lines = diff.splitlines()
    assert lines[:2] == ["--- main/v0001.yaml", "+++ main/v0002.yaml"]
    assert [line for line in lines[2:] if line[:1] in "+-"] == [
        '-    text: "Thank you for calling Example Trading."',
        '+    text: "Thanks for calling Example Trading."',
    ]


async def test_given_office_hours_when_dry_running_1_1_then_the_caller_reaches_english_sales(
    editor: Editor,
) -> None:
    async with editor.client("supervisor") as client:
        result = (
            await client.post(
                "/api/ivr/flows/main/dry-run", json={"caller": "4155550100", "digits": ["1", "1"]}
            )
        ).json()
    assert result["at"] == OPEN.isoformat()
    assert result["path"] == [
        "main:init",
        "main:identify",
        "main:greeting",
        "main:hours",
        "main:language",
        "main:english",
        "main:service_en",
        "main:sales_en",
    ]
    assert result["result"] == "queue sales (skills: english>=1, sales>=1; priority 0; announcements on)"
    assert result["action"] == "queue"
    assert result["prompts"][0] == "tts:en:Thank you for calling Example Trading."
    assert result["variables"]["language"] == "en"
    assert result["digits"] == ["1", "1"]
    assert result["errors"] == []


async def test_given_a_closed_office_and_edited_text_when_dry_running_then_the_edit_is_what_runs(
    editor: Editor,
) -> None:
    sunday_night = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    async with editor.client("admin") as client:
        result = (
            await client.post(
                "/api/ivr/flows/main/dry-run",
                json={"digits": [], "at": sunday_night.isoformat(), "yaml": EDITED},
            )
        ).json()
        naive = await client.post("/api/ivr/flows/main/dry-run", json={"at": "2026-11-22T23:00:00"})
    assert result["path"][-2:] == ["main:closed", "main:after_hours_voicemail"]
    assert result["result"] == "voicemail general@default"
    assert result["prompts"][0] == "tts:en:Thanks for calling Example Trading."
    assert naive.status_code == 400
    assert naive.json()["code"] == "ivr_editor.time_without_zone"


async def test_given_a_node_form_when_applied_then_only_that_node_changes_and_validation_sees_it(
    editor: Editor,
) -> None:
    async with editor.client("admin") as client:
        form = (await client.post("/api/ivr/node-form", json={"yaml": MAIN_YAML, "node": "greeting"})).json()
        assert form == {
            "node": "greeting",
            "type": "play",
            "fields": [
                {"path": "text", "value": "Thank you for calling Example Trading.", "kind": "text"},
                {"path": "next", "value": "hours", "kind": "text"},
            ],
        }
        fields = {"text": "Thank you for calling Example Trading.", "next": "hourz"}
        applied = (
            await client.post(
                "/api/ivr/node-apply", json={"yaml": MAIN_YAML, "node": "greeting", "fields": fields}
            )
        ).json()["yaml"]
        issues = (await client.post("/api/ivr/validate", json={"yaml": applied})).json()["issues"]
        unknown = await client.post("/api/ivr/node-form", json={"yaml": MAIN_YAML, "node": "nope"})
    changed = [(a, b) for a, b in zip(MAIN_YAML.splitlines(), applied.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            '    text: "Thank you for calling Example Trading."',
            "    text: Thank you for calling Example Trading.",
        ),
        ("    next: hours", "    next: hourz"),
    ]
    assert issues == [DANGLING]
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"code": "ivr_editor.unknown_node", "message": "Node nope is not in this flow."},
    )


async def test_given_a_menu_when_a_digit_is_added_in_the_form_then_the_option_is_a_new_edge(
    editor: Editor,
) -> None:
    async with editor.client("admin") as client:
        form = (await client.post("/api/ivr/node-form", json={"yaml": MAIN_YAML, "node": "sales_en"})).json()
        fields = {f["path"]: f["value"] for f in form["fields"]}
        assert fields == {
            "queue": "sales",
            "skills.sales": "1",
            "skills.english": "1",
            "priority": "{priority}",
            "announce": "true",
        }
        applied = (
            await client.post(
                "/api/ivr/node-apply",
                json={"yaml": MAIN_YAML, "node": "sales_en", "fields": {**fields, "skills.sales": "3"}},
            )
        ).json()["yaml"]
        result = (await client.post("/api/ivr/validate", json={"yaml": applied})).json()
    line = next(x for x in applied.splitlines() if x.startswith("  sales_en:"))
    assert line == (
        "  sales_en: {type: queue, queue: sales, skills: {sales: 3, english: 1}, "
        "priority: '{priority}', announce: true}"
    )
    assert result["valid"] is True


async def test_given_a_menu_with_a_list_of_prompts_when_drawn_and_edited_then_the_list_round_trips(
    editor: Editor,
) -> None:
    async with editor.client("admin") as client:
        v1 = (await client.get("/api/ivr/flows/main/versions/1")).json()
        form = (await client.post("/api/ivr/node-form", json={"yaml": MAIN_YAML, "node": "language"})).json()
        prompt = next(f for f in form["fields"] if f["path"] == "prompt")
        fields = {f["path"]: f["value"] for f in form["fields"]}
        fields["prompt"] = prompt["value"].replace("For English, press 1.", "English: press 1.")
        applied = (
            await client.post(
                "/api/ivr/node-apply", json={"yaml": MAIN_YAML, "node": "language", "fields": fields}
            )
        ).json()["yaml"]
        result = (await client.post("/api/ivr/validate", json={"yaml": applied})).json()
        run = (
            await client.post(
                "/api/ivr/flows/main/dry-run", json={"caller": "4155559999", "digits": ["2"], "yaml": applied}
            )
        ).json()
    label = next(n["label"] for n in v1["graph"]["nodes"] if n["id"] == "language")
    assert label.startswith("For English, press 1.")
    assert prompt == {
        "path": "prompt",
        "value": "['text:For English, press 1.', 'text:[zh]中文服务请按2。']",
        "kind": "yaml",
    }
    assert "    prompt: ['text:English: press 1.', 'text:[zh]中文服务请按2。']" in applied.splitlines()
    assert result["valid"] is True
    assert run["prompts"][1:3] == ["tts:en:English: press 1.", "tts:zh:中文服务请按2。"]
    assert run["path"][-4:-1] == ["main:language", "main:chinese", "main:service_zh"]


async def test_given_users_when_opening_the_page_then_language_and_role_shape_it(editor: Editor) -> None:
    async with editor.client("wang") as admin:
        page = await admin.get("/admin/ivr")
        script = await admin.get("/admin/ivr/static/ivr_editor.js")
        other = await admin.get("/admin/ivr/static/secret.py")
    assert page.status_code == 200
    assert "<title>语音导航流程编辑器</title>" in page.text
    assert 'id="publish"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert script.status_code == 200
    assert "drawGraph" in script.text
    assert other.status_code == 404
    async with editor.client("supervisor") as supervisor:
        page = await supervisor.get("/admin/ivr")
    assert "<title>IVR flow editor</title>" in page.text
    assert 'id="publish"' not in page.text
    assert 'id="read-only"' in page.text
    async with editor.client("agent1001") as agent:
        refused = await agent.get("/admin/ivr")
    assert (refused.status_code, refused.headers["location"]) == (303, "/login")


async def test_given_a_dot_dot_flow_name_when_used_then_it_is_an_unknown_flow(editor: Editor) -> None:
    """``%2E%2E`` reaches the router as ``..``: it must not read or write next to the repository."""
    (editor.repo.root.parent / "meta.json").write_text('{"versions": [], "published": [], "audit": []}')
    async with editor.client("admin") as admin:
        history = await admin.get("/api/ivr/flows/%2E%2E/history")
        rollback = await admin.post("/api/ivr/flows/%2E%2E/rollback")
    assert (history.status_code, history.json()["code"]) == (404, "ivr.unknown_flow")
    assert (rollback.status_code, rollback.json()["code"]) == (404, "ivr.unknown_flow")
