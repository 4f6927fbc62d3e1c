"""Versions: save, publish, rollback, diff; invalid flows refused; calls keep their version."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ivr_flows.catalog import FlowCatalog
from ivr_flows.errors import InvalidFlow, NothingToRollBack, UnknownFlow, UnknownVersion
from ivr_flows.interpreter import run_flow
from ivr_flows.outcome import CallContext, Queue
from ivr_flows.store import FileFlowRepository, make_check
from tests.unit.ivr.fakes import FakeChannel, FakePrompts, make_ports

V1 = """name: hotline
numbers: ["5551000"]
start: menu
fallback: general
nodes:
  menu: {type: menu, prompt: menu, options: {1: sales}}
  sales: {type: queue, queue: sales}
"""
V2 = V1.replace("queue: sales}", "queue: support}")
BROKEN = V1.replace("options: {1: sales}", "options: {1: salez}")


class StepClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.at += timedelta(minutes=1)
        return self.at


@pytest.fixture
def repo(tmp_path: Path) -> FileFlowRepository:
    check = make_check({"sales", "support", "general"}, set(), FakePrompts(names={"menu"}), False)
    return FileFlowRepository(tmp_path / "flows", StepClock(), check)


def test_save_writes_numbered_versions_with_metadata(repo: FileFlowRepository, tmp_path: Path) -> None:
    v1 = repo.save(V1, "alice", "first cut")
    v2 = repo.save(V2, "bob")
    assert (v1.number, v1.author, v1.comment, v1.content) == (1, "alice", "first cut", V1)
    assert v2.number == 2
    assert (tmp_path / "flows/hotline/v0001.yaml").read_text() == V1
    assert (tmp_path / "flows/hotline/v0002.yaml").read_text() == V2
    meta = json.loads((tmp_path / "flows/hotline/meta.json").read_text())
    assert [v["author"] for v in meta["versions"]] == ["alice", "bob"]
    assert [(h.number, h.author, h.created_at) for h in repo.history("hotline")] == [
        (1, "alice", datetime(2026, 11, 23, 9, 1, tzinfo=UTC)),
        (2, "bob", datetime(2026, 11, 23, 9, 2, tzinfo=UTC)),
    ]
    assert repo.published("hotline") is None
    assert repo.flow_names() == ["hotline"]


def test_publish_and_rollback_keep_an_audit_trail(repo: FileFlowRepository) -> None:
    repo.save(V1, "alice")
    repo.save(V2, "alice")
    repo.publish("hotline", 1, "carol")
    repo.publish("hotline", 2, "carol")
    published = repo.published("hotline")
    assert published is not None
    assert published.number == 2
    entry = repo.rollback("hotline", "dave")
    assert (entry.action, entry.version, entry.previous, entry.author) == ("rollback", 1, 2, "dave")
    published = repo.published("hotline")
    assert published is not None
    assert published.number == 1
    assert [(a.action, a.version, a.previous, a.author) for a in repo.audit("hotline")] == [
        ("publish", 1, None, "carol"),
        ("publish", 2, 1, "carol"),
        ("rollback", 1, 2, "dave"),
    ]
    with pytest.raises(NothingToRollBack, match="no earlier published version"):
        repo.rollback("hotline", "dave")


def test_invalid_save_is_refused_and_the_published_version_is_unchanged(repo: FileFlowRepository) -> None:
    repo.save(V1, "alice")
    repo.publish("hotline", 1, "alice")
    with pytest.raises(InvalidFlow) as caught:
        repo.save(BROKEN, "mallory")
    assert [i.message for i in caught.value.issues] == [
        "flow 'hotline', node 'menu', field 'options.1': refers to node 'salez', which does not exist"
    ]
    assert caught.value.code == "ivr.invalid_flow"
    with pytest.raises(InvalidFlow, match="field 'nodes': this field is required"):
        repo.save("name: hotline\nstart: a\nfallback: general\n", "mallory")
    assert [v.number for v in repo.history("hotline")] == [1]
    published = repo.published("hotline")
    assert published is not None
    assert published.content == V1


def test_publish_revalidates_against_the_site_of_today(tmp_path: Path) -> None:
    queues = {"sales", "general"}
    repo = FileFlowRepository(
        tmp_path, StepClock(), make_check(queues, set(), FakePrompts(everything=True), False)
    )
    repo.save(V1, "alice")
    queues.discard("sales")
    with pytest.raises(InvalidFlow, match="queue 'sales' does not exist"):
        repo.publish("hotline", 1, "alice")
    assert repo.published("hotline") is None


def test_diff_is_a_unified_diff_between_versions(repo: FileFlowRepository) -> None:
    repo.save(V1, "alice")
    repo.save(V2, "alice")
    assert repo.diff("hotline", 1, 2) == (
        "--- hotline/v0001.yaml\n"
        "+++ hotline/v0002.yaml\n"
        "@@ -4,4 +4,4 @@\n"
        " fallback: general\n"
        " nodes:\n"
        "   menu: {type: menu, prompt: menu, options: {1: sales}}\n"
        "-  sales: {type: queue, queue: sales}\n"
        "+  sales: {type: queue, queue: support}\n"
    )
    assert repo.diff("hotline", 2, 2) == ""


def test_unknown_flow_and_version(repo: FileFlowRepository) -> None:
    with pytest.raises(UnknownFlow):
        repo.history("nope")
    repo.save(V1, "alice")
    with pytest.raises(UnknownVersion, match="Flow 'hotline' has no version 7"):
        repo.publish("hotline", 7, "alice")


def test_catalog_resolves_dialed_numbers_to_the_published_version(repo: FileFlowRepository) -> None:
    catalog = FlowCatalog(repo)
    assert catalog.for_number("5551000") is None
    repo.save(V1, "alice")
    assert catalog.for_number("5551000") is None  # saved is not published
    repo.publish("hotline", 1, "alice")
    start = catalog.for_number("5551000")
    assert start is not None
    assert (start.flow, start.version) == ("hotline", 1)
    assert catalog.for_number("5559999") is None


async def test_a_call_started_on_v1_finishes_on_v1_after_v2_is_published(repo: FileFlowRepository) -> None:
    catalog = FlowCatalog(repo)
    repo.save(V1, "alice")
    repo.save(V2, "alice")
    repo.publish("hotline", 1, "alice")
    old_call = catalog.for_number("5551000")
    assert old_call is not None

    class PublishWhileInMenu(FakeChannel):
        async def wait_for_digit(self, timeout_ms: int) -> str | None:
            repo.publish("hotline", 2, "bob")  # the admin publishes while this caller listens
            return await super().wait_for_digit(timeout_ms)

    ctx = CallContext("4155550100", "5551000")
    out = await run_flow(old_call.flows, old_call.flow, ctx, PublishWhileInMenu(["1"]), make_ports())
    assert out.action == Queue("sales")
    assert out.flow_versions == {"hotline": 1}

    new_call = catalog.for_number("5551000")
    assert new_call is not None
    assert new_call.version == 2
    out = await run_flow(new_call.flows, new_call.flow, ctx, FakeChannel(["1"]), make_ports())
    assert out.action == Queue("support")
    assert out.flow_versions == {"hotline": 2}


def test_a_second_repository_on_the_same_directory_sees_the_versions(
    repo: FileFlowRepository, tmp_path: Path
) -> None:
    repo.save(V1, "alice")
    repo.publish("hotline", 1, "alice")
    again = FileFlowRepository(tmp_path / "flows", StepClock(), repo.check)
    published = again.published("hotline")
    assert published is not None
    assert (published.number, published.author) == (1, "alice")
