"""Checks a flow must pass before it can be saved or published.

``validate`` returns every problem at once (errors block a save, warnings do not); each issue has a
stable ``code`` and a message naming the flow, node and field, e.g.
``flow 'main', node 'menu', field 'options.1': refers to node 'salez', which does not exist``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Protocol
from zoneinfo import ZoneInfo

from ivr_flows.digit_rules import BUILTIN_VALIDATORS
from ivr_flows.errors import FlowSchemaError, TemplateError
from ivr_flows.graph import reachable, references, silent_loops, subflow_cycle
from ivr_flows.issues import ValidationIssue, issue
from ivr_flows.loader import parse_flow_yaml
from ivr_flows.schema import (
    INPUT_TYPES,
    TEXT_PREFIX,
    BusinessHoursTest,
    CallbackOfferNode,
    CollectNode,
    ConditionNode,
    CrmLookupNode,
    Flow,
    MenuNode,
    Node,
    PlayNode,
    QueueNode,
    SpeechMenuNode,
    SubflowNode,
    VariableTest,
)
from ivr_flows.templates import is_template, template_names
from ivr_flows.type_ahead import keys_asked_for, listened_keys

DIGITS = frozenset("0123456789*#")


class PromptCatalog(Protocol):
    def exists(self, name: str) -> bool: ...


def validate(
    flow: Flow | str,
    known_queues: Collection[str],
    known_skills: Collection[str],
    prompt_store: PromptCatalog,
    speech_available: bool,
    other_flows: Mapping[str, Flow] | None = None,
    validators: Collection[str] = tuple(BUILTIN_VALIDATORS),
) -> list[ValidationIssue]:
    """All problems of ``flow`` (a loaded ``Flow`` or its YAML text). ``other_flows`` are the flows a
    ``subflow`` node may call (this flow itself is added)."""
    if isinstance(flow, str):
        try:
            flow = parse_flow_yaml(flow)
        except FlowSchemaError as exc:
            return list(exc.issues)
    flows = {**(other_flows or {}), flow.name: flow}
    checker = _Checker(flow, known_queues, known_skills, prompt_store, speech_available, flows, validators)
    return checker.run()


class _Checker:
    def __init__(
        self,
        flow: Flow,
        queues: Collection[str],
        skills: Collection[str],
        prompts: PromptCatalog,
        speech: bool,
        flows: Mapping[str, Flow],
        validators: Collection[str],
    ) -> None:
        self.flow, self.queues, self.skills, self.prompts = flow, queues, skills, prompts
        self.speech, self.flows, self.validators = speech, flows, validators
        self.out: list[ValidationIssue] = []

    def err(self, code: str, problem: str, node: str | None = None, field: str | None = None) -> None:
        self.out.append(issue("error", code, problem, self.flow.name, node, field))

    def warn(self, code: str, problem: str, node: str | None = None, field: str | None = None) -> None:
        self.out.append(issue("warning", code, problem, self.flow.name, node, field))

    def run(self) -> list[ValidationIssue]:
        flow = self.flow
        if flow.start not in flow.nodes:
            self.err("dangling_reference", f"start node {flow.start!r} does not exist", field="start")
        if flow.fallback not in flow.nodes and flow.fallback not in self.queues:
            self.err(
                "unknown_fallback",
                f"{flow.fallback!r} is neither a node of this flow nor a known queue",
                field="fallback",
            )
        for node_id, node in flow.nodes.items():
            for field, target in references(node):
                if target not in flow.nodes:
                    self.err(
                        "dangling_reference",
                        f"refers to node {target!r}, which does not exist",
                        node_id,
                        field,
                    )
            self._prompts(node_id, node)
            self._node(node_id, node)
        if flow.start in flow.nodes:
            seen = reachable(flow)
            for node_id in flow.nodes:
                if node_id not in seen:
                    self.warn("unreachable_node", "no path from the start leads here", node_id)
        for loop in silent_loops(flow, self._waits):
            names = ", ".join(repr(n) for n in loop)
            self.err("silent_loop", f"nodes {names} form a loop that never waits for the caller", loop[0])
        return self.out

    def _waits(self, node_id: str, node: Node) -> bool:
        if node.type in INPUT_TYPES:
            return True
        if isinstance(node, SubflowNode):
            target = self.flows.get(node.flow)
            return target is None or any(n.type in INPUT_TYPES for n in target.nodes.values())
        return False

    def _prompts(self, node_id: str, node: Node) -> None:
        specs: list[tuple[str, str | None]] = []
        if isinstance(node, PlayNode):
            if (node.prompt is None) == (node.text is None):
                self.err("bad_prompt", "give exactly one of 'prompt' or 'text'", node_id, "prompt")
            specs.append(
                ("text", TEXT_PREFIX + node.text) if node.text is not None else ("prompt", node.prompt)
            )
            self._keys_heard(node_id, node, *specs[-1])
        elif isinstance(node, MenuNode) and not isinstance(node.prompt, str):
            if not node.prompt:
                self.err("bad_prompt", "a menu needs at least one prompt", node_id, "prompt")
            specs.extend((f"prompt.{i}", spec) for i, spec in enumerate(node.prompt))
        else:
            specs.append(("prompt", getattr(node, "prompt", None)))
        for name in ("invalid", "timeout"):
            branch = getattr(node, name, None)
            if branch is not None:
                specs.append((f"{name}.prompt", branch.prompt))
        for field, spec in specs:
            if spec is None:
                continue
            try:
                template_names(spec)
            except TemplateError as exc:
                self.err("bad_template", str(exc.params["reason"]), node_id, field)
                continue
            if not spec.startswith(TEXT_PREFIX) and not is_template(spec) and not self.prompts.exists(spec):
                self.err("missing_prompt", f"prompt file {spec!r} does not exist", node_id, field)

    def _keys_heard(self, node_id: str, node: PlayNode, field: str, spec: str | None) -> None:
        """A text that says "press 1" while nothing listens for 1: Asterisk drops that key (fact 18)."""
        if spec is None or not spec.startswith(TEXT_PREFIX):
            return
        target = self.flow.nodes.get(node.next)
        heard = listened_keys(target)
        if isinstance(target, CollectNode):  # "… then press pound": the terminator ends the entry
            heard += target.terminator
        lost = [key for key in keys_asked_for(spec) if key not in heard]
        if lost:
            self.warn(
                "key_not_heard",
                f"asks the caller to press {', '.join(lost)}, but node {node.next!r} after it does not "
                "listen for that key, so a key pressed during this prompt is lost; lead straight into a "
                "menu with that option or make this text one of the menu's prompts",
                node_id,
                field,
            )

    def _node(self, node_id: str, node: Node) -> None:
        if isinstance(node, MenuNode | SpeechMenuNode):
            self._digits(node_id, node.options)
        if isinstance(node, MenuNode) and not node.options:
            self.err("no_options", "a menu needs at least one option", node_id, "options")
        if isinstance(node, SpeechMenuNode) and not self.speech:
            if node.options:
                self.warn(
                    "speech_unavailable",
                    "no speech model is installed; callers will use the DTMF options instead",
                    node_id,
                )
            else:
                self.err(
                    "speech_unavailable",
                    "no speech model is installed and there are no DTMF options to fall back to",
                    node_id,
                    "options",
                )
        if isinstance(node, CollectNode):
            self._collect(node_id, node)
        if isinstance(node, QueueNode):
            self._queue(node_id, node)
        if isinstance(node, CallbackOfferNode) and node.queue not in self.queues:
            self.err("unknown_queue", f"queue {node.queue!r} does not exist", node_id, "queue")
        if isinstance(node, CrmLookupNode) and node.by == "variable" and not node.variable:
            self.err("missing_field", "a lookup by variable needs 'variable'", node_id, "variable")
        if isinstance(node, ConditionNode):
            self._condition(node_id, node)
        if isinstance(node, SubflowNode):
            if node.flow not in self.flows:
                self.err("unknown_subflow", f"flow {node.flow!r} does not exist", node_id, "flow")
            elif (cycle := subflow_cycle(self.flow.name, self.flows)) is not None:
                chain = " → ".join(cycle)
                self.err("subflow_recursion", f"subflows call each other in a loop: {chain}", node_id, "flow")

    def _digits(self, node_id: str, options: tuple[tuple[str, str], ...]) -> None:
        seen: set[str] = set()
        for digit, _target in options:
            if digit not in DIGITS:
                self.err("invalid_digit", f"{digit!r} is not a single key 0-9, * or #", node_id, "options")
            elif digit in seen:
                self.err("duplicate_digit", f"digit {digit!r} is used more than once", node_id, "options")
            seen.add(digit)

    def _collect(self, node_id: str, node: CollectNode) -> None:
        if node.min_length > node.max_length:
            self.err(
                "bad_length",
                f"min_length {node.min_length} is greater than max_length {node.max_length}",
                node_id,
                "min_length",
            )
        if node.terminator and node.terminator not in ("#", "*"):
            self.err(
                "terminator_clash",
                f"terminator {node.terminator!r} must be '#' or '*' (a digit would end the entry early)",
                node_id,
                "terminator",
            )
        if node.regex is not None:
            try:
                re.compile(node.regex)
            except re.error as exc:
                self.err(
                    "bad_regex", f"regular expression {node.regex!r} is invalid: {exc}", node_id, "regex"
                )
        if node.validator is not None and node.validator not in self.validators:
            known = ", ".join(sorted(self.validators))
            self.err(
                "unknown_validator",
                f"unknown validator {node.validator!r} (known: {known})",
                node_id,
                "validator",
            )

    def _queue(self, node_id: str, node: QueueNode) -> None:
        if node.queue not in self.queues:
            self.err("unknown_queue", f"queue {node.queue!r} does not exist", node_id, "queue")
        for skill in node.skills:
            if skill not in self.skills:
                self.err("unknown_skill", f"skill {skill!r} does not exist", node_id, "skills")
        if isinstance(node.priority, str) and not re.fullmatch(
            r"\{[A-Za-z_][A-Za-z0-9_]*\}|-?\d+", node.priority
        ):
            self.err(
                "bad_priority",
                f"priority {node.priority!r} must be a number or one {{variable}}",
                node_id,
                "priority",
            )

    def _condition(self, node_id: str, node: ConditionNode) -> None:
        for i, branch in enumerate(node.branches):
            test = branch.when
            field = f"branches.{i}.when"
            if isinstance(test, BusinessHoursTest):
                tz = test.business_hours.timezone
                try:
                    ZoneInfo(tz)
                except (ValueError, KeyError, OSError):
                    self.err("unknown_timezone", f"unknown time zone {tz!r}", node_id, field)
            elif isinstance(test, VariableTest) and test.op == "matches":
                try:
                    re.compile(str(test.value))
                except re.error as exc:
                    self.err(
                        "bad_regex", f"regular expression {test.value!r} is invalid: {exc}", node_id, field
                    )
