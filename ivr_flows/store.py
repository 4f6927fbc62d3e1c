"""Flow versions: every save is a new numbered version; publishing picks the one new calls get.

On disk (``FileFlowRepository``)::

    <root>/<flow>/v0001.yaml     the text exactly as saved
    <root>/<flow>/v0002.yaml
    <root>/<flow>/meta.json      versions (author, time, comment, sha256), the publish stack, the audit log

An invalid flow is refused at save (``InvalidFlow``), so it can never replace a valid one. ``publish``
validates again (queues or prompts may have gone since the save); ``rollback`` returns to the version
published before the current one and, being the emergency exit, does not re-validate.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from ivr_flows.errors import FlowSchemaError, InvalidFlow, NothingToRollBack, UnknownFlow, UnknownVersion
from ivr_flows.issues import ValidationIssue, errors_of
from ivr_flows.loader import parse_flow_yaml
from ivr_flows.ports import Clock
from ivr_flows.schema import Flow
from ivr_flows.validation import PromptCatalog, validate

FlowCheck = Callable[[Flow, Mapping[str, Flow]], list[ValidationIssue]]
PublishListener = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class FlowVersion:
    flow: str
    number: int
    author: str
    created_at: datetime
    comment: str
    content: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    flow: str
    action: Literal["publish", "rollback"]
    version: int
    previous: int | None
    author: str
    at: datetime


class FlowRepository(Protocol):
    def save(self, flow_yaml: str, author: str, comment: str = "") -> FlowVersion: ...
    def publish(self, flow: str, version: int, author: str) -> AuditEntry: ...
    def rollback(self, flow: str, author: str) -> AuditEntry: ...
    def diff(self, flow: str, v1: int, v2: int) -> str: ...
    def published(self, flow: str) -> FlowVersion | None: ...
    def history(self, flow: str) -> list[FlowVersion]: ...
    def audit(self, flow: str) -> list[AuditEntry]: ...
    def load(self, flow: str, version: int) -> Flow: ...
    def flow_names(self) -> list[str]: ...
    def add_listener(self, listener: PublishListener) -> None: ...


def make_check(
    known_queues: Collection[str],
    known_skills: Collection[str],
    prompt_store: PromptCatalog,
    speech_available: bool,
) -> FlowCheck:
    """The usual ``FlowCheck``: ``validate`` against the site's queues, skills and prompts."""

    def check(flow: Flow, others: Mapping[str, Flow]) -> list[ValidationIssue]:
        return validate(flow, known_queues, known_skills, prompt_store, speech_available, others)

    return check


class FileFlowRepository:
    def __init__(self, root: Path, clock: Clock, check: FlowCheck) -> None:
        self.root = root
        self.clock = clock
        self.check = check
        self._lock = threading.Lock()
        self._listeners: list[PublishListener] = []
        self._loaded: dict[tuple[str, int], Flow] = {}

    # --- queries -------------------------------------------------------------------------------

    def flow_names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "meta.json").is_file())

    def history(self, flow: str) -> list[FlowVersion]:
        meta = self._meta(flow)
        return [self._version(flow, v) for v in meta["versions"]]

    def version(self, flow: str, number: int) -> FlowVersion:
        for v in self._meta(flow)["versions"]:
            if v["number"] == number:
                return self._version(flow, v)
        raise UnknownVersion(flow=flow, version=number)

    def published(self, flow: str) -> FlowVersion | None:
        stack = self._meta(flow)["published"]
        return self.version(flow, stack[-1]) if stack else None

    def audit(self, flow: str) -> list[AuditEntry]:
        return [
            AuditEntry(
                flow, a["action"], a["version"], a["previous"], a["author"], datetime.fromisoformat(a["at"])
            )
            for a in self._meta(flow)["audit"]
        ]

    def load(self, flow: str, version: int) -> Flow:
        """The parsed, immutable flow of one version (cached: a version never changes)."""
        key = (flow, version)
        if key not in self._loaded:
            self._loaded[key] = parse_flow_yaml(self.version(flow, version).content)
        return self._loaded[key]

    def diff(self, flow: str, v1: int, v2: int) -> str:
        a, b = self.version(flow, v1), self.version(flow, v2)
        return "".join(
            difflib.unified_diff(
                a.content.splitlines(keepends=True),
                b.content.splitlines(keepends=True),
                fromfile=f"{flow}/v{v1:04d}.yaml",
                tofile=f"{flow}/v{v2:04d}.yaml",
            )
        )

    # --- changes -------------------------------------------------------------------------------

    def add_listener(self, listener: PublishListener) -> None:
        self._listeners.append(listener)

    def save(self, flow_yaml: str, author: str, comment: str = "") -> FlowVersion:
        try:
            flow = parse_flow_yaml(flow_yaml)
        except FlowSchemaError as exc:
            raise InvalidFlow(exc.issues[0].flow if exc.issues else "?", exc.issues) from exc
        self._refuse_invalid(flow)
        with self._lock:
            directory = self.root / flow.name
            directory.mkdir(parents=True, exist_ok=True)
            meta = self._meta(flow.name) if (directory / "meta.json").is_file() else _new_meta(flow.name)
            number = len(meta["versions"]) + 1
            now = self.clock.now()
            _write(directory / f"v{number:04d}.yaml", flow_yaml)
            meta["versions"].append(
                {
                    "number": number,
                    "author": author,
                    "created_at": now.isoformat(),
                    "comment": comment,
                    "sha256": hashlib.sha256(flow_yaml.encode()).hexdigest(),
                }
            )
            self._write_meta(flow.name, meta)
        return FlowVersion(flow.name, number, author, now, comment, flow_yaml)

    def publish(self, flow: str, version: int, author: str) -> AuditEntry:
        self._refuse_invalid(self.load(flow, version))
        return self._move(flow, "publish", author, version)

    def rollback(self, flow: str, author: str) -> AuditEntry:
        return self._move(flow, "rollback", author, None)

    # --- internals -----------------------------------------------------------------------------

    def _refuse_invalid(self, flow: Flow) -> None:
        others = {name: self._current(name) for name in self.flow_names() if name != flow.name}
        issues = errors_of(self.check(flow, {n: f for n, f in others.items() if f is not None}))
        if issues:
            raise InvalidFlow(flow.name, issues)

    def _current(self, name: str) -> Flow | None:
        """The published version of a flow, else its latest save (what a subflow call would reach)."""
        meta = self._meta(name)
        number = meta["published"][-1] if meta["published"] else len(meta["versions"])
        return self.load(name, number) if number else None

    def _move(
        self, flow: str, action: Literal["publish", "rollback"], author: str, version: int | None
    ) -> AuditEntry:
        with self._lock:
            meta = self._meta(flow)
            stack: list[int] = meta["published"]
            previous = stack[-1] if stack else None
            if version is None:  # rollback
                if len(stack) < 2:
                    raise NothingToRollBack(flow=flow)
                stack.pop()
                version = stack[-1]
            elif version != previous:
                stack.append(version)
            entry = AuditEntry(flow, action, version, previous, author, self.clock.now())
            meta["audit"].append(
                {
                    "action": action,
                    "version": version,
                    "previous": previous,
                    "author": author,
                    "at": entry.at.isoformat(),
                }
            )
            self._write_meta(flow, meta)
        for listener in self._listeners:
            listener(flow, version)
        return entry

    def _meta(self, flow: str) -> dict[str, Any]:
        path = self.root / flow / "meta.json"
        if not path.is_file():
            raise UnknownFlow(flow=flow)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _write_meta(self, flow: str, meta: dict[str, Any]) -> None:
        _write(self.root / flow / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    def _version(self, flow: str, v: Mapping[str, Any]) -> FlowVersion:
        number = int(v["number"])
        content = (self.root / flow / f"v{number:04d}.yaml").read_text(encoding="utf-8")
        return FlowVersion(
            flow, number, v["author"], datetime.fromisoformat(v["created_at"]), v["comment"], content
        )


def _new_meta(flow: str) -> dict[str, Any]:
    return {"flow": flow, "versions": [], "published": [], "audit": []}


def _write(path: Path, text: str) -> None:
    """Write-then-rename, so a crash never leaves half a file behind."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
