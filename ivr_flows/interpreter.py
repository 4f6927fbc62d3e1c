"""The flow interpreter: a pure step machine over a ``CallerChannel``.

``run_flow`` walks nodes until a terminal one (queue, voicemail, callback offer, transfer, hangup) and
returns a frozen ``FlowOutcome``. The safety net: when a node breaks at run time (CRM error, missing
prompt, crashing validator, step limit, dangling reference) the error is logged and recorded, and the
caller goes to the flow's ``fallback`` (a node id or a queue name); if the fallback breaks too, to
``RunPorts.default_queue`` — never to silence. ``CallerGone`` is not an error: the run stops at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ivr_flows.conditions import holds
from ivr_flows.errors import (
    CallerGone,
    CrmUnavailable,
    IvrError,
    NodeFailed,
    PromptMissing,
    StepLimitExceeded,
)
from ivr_flows.flow_set import FlowSet as FlowSet
from ivr_flows.flow_set import RunPorts as RunPorts
from ivr_flows.outcome import (
    CallbackOffer,
    CallContext,
    CallerLeft,
    FlowOutcome,
    Hangup,
    Queue,
    RunError,
    TerminalAction,
    Transfer,
    Voicemail,
)
from ivr_flows.ports import CallerChannel
from ivr_flows.schema import (
    TEXT_PREFIX,
    CallbackOfferNode,
    CollectNode,
    ConditionNode,
    CrmLookupNode,
    Flow,
    HangupNode,
    MenuNode,
    Node,
    PlayNode,
    QueueNode,
    Retry,
    ReturnNode,
    SetNode,
    SpeechMenuNode,
    SubflowNode,
    TransferNode,
    VoicemailNode,
    option_targets,
    split_text_prompt,
)
from ivr_flows.templates import render, value_text
from ivr_flows.type_ahead import listened_keys

log = logging.getLogger(__name__)
MAX_SUBFLOW_DEPTH = 8


class _Fallback:
    """A handler's answer meaning "go to the fallback" without an error (menu retries exhausted)."""


_FALLBACK = _Fallback()
Step = str | TerminalAction | _Fallback


async def run_flow(
    flows: FlowSet | Mapping[str, Flow],
    start_flow: str,
    context: CallContext,
    channel: CallerChannel,
    ports: RunPorts,
    max_steps: int = 200,
) -> FlowOutcome:
    flow_set = flows if isinstance(flows, FlowSet) else FlowSet(dict(flows))
    return await _Run(flow_set, context, channel, ports, max_steps).run(start_flow)


@dataclass(frozen=True, slots=True)
class _Frame:
    flow: str
    return_to: str


class _Run:
    def __init__(
        self, flows: FlowSet, context: CallContext, channel: CallerChannel, ports: RunPorts, max_steps: int
    ) -> None:
        self.flows = flows
        self.channel = channel
        self.ports = ports
        self.max_steps = max_steps
        self.caller_number = context.caller_number
        self.vars: dict[str, str] = {
            "caller_number": context.caller_number,
            "dialed_number": context.dialed_number,
            "language": context.language,
            **context.variables,
        }
        self.path: list[str] = []
        self.prompts: list[str] = []
        self.digits: list[str] = []
        self.errors: list[RunError] = []
        self.frames: list[_Frame] = []
        self.in_fallback = False
        self.typed_ahead: str | None = None  # a key pressed during the play node before an input node

    async def run(self, start_flow: str) -> FlowOutcome:
        try:
            flow = self.flows.get(start_flow)
        except IvrError as exc:
            self._record(start_flow, "-", exc)
            return self._outcome(Queue(self.ports.default_queue))
        node_id = flow.start
        steps = 0
        while True:
            steps += 1
            try:
                if steps > self.max_steps:
                    raise StepLimitExceeded(flow=flow.name, steps=self.max_steps)
                node = flow.nodes.get(node_id)
                if node is None:
                    raise NodeFailed(flow=flow.name, node=node_id, reason="no such node")
                self.path.append(f"{flow.name}:{node_id}")
                step = await self._step(flow, node_id, node)
                if isinstance(step, tuple):
                    flow, node_id = step
                    continue
            except CallerGone:
                log.info("caller left the IVR", extra={"flow": flow.name, "node": node_id})
                return self._outcome(CallerLeft(flow.name, node_id))
            except Exception as exc:
                self._record(flow.name, node_id, exc)
                step = _FALLBACK
            if isinstance(step, str):
                node_id = step
            elif isinstance(step, _Fallback):
                target = self._fallback(flow)
                if isinstance(target, str):
                    node_id, steps = target, 0
                else:
                    return self._outcome(target)
            else:
                return self._outcome(step)

    def _record(self, flow: str, node: str, exc: Exception) -> None:
        code = exc.code if isinstance(exc, IvrError) else "ivr.node_failed"
        message = str(exc) if isinstance(exc, IvrError) else f"{type(exc).__name__}: {exc}"
        self.errors.append(RunError(flow, node, code, message))
        log.warning(
            "IVR node failed; sending the caller to the fallback",
            extra={"flow": flow, "node": node, "code": code, "error": message},
            exc_info=not isinstance(exc, IvrError),
        )

    def _fallback(self, flow: Flow) -> str | TerminalAction:
        if flow.fallback in flow.nodes and not self.in_fallback:
            self.in_fallback = True
            return flow.fallback
        name = flow.fallback if flow.fallback not in flow.nodes and not self.in_fallback else None
        return Queue(name or self.ports.default_queue, priority=_int_or(self.vars.get("priority"), 0))

    def _outcome(self, action: TerminalAction) -> FlowOutcome:
        return FlowOutcome(
            action=action,
            path=tuple(self.path),
            prompts=tuple(self.prompts),
            digits=tuple(self.digits),
            variables=dict(self.vars),
            errors=tuple(self.errors),
            flow_versions=dict(self.flows.versions),
        )

    # --- nodes -------------------------------------------------------------------------------

    async def _step(self, flow: Flow, node_id: str, node: Node) -> Step | tuple[Flow, str]:
        typed, self.typed_ahead = self.typed_ahead, None
        if isinstance(node, PlayNode):
            # Asterisk drops a key pressed during a playback without escape digits (fact 18):
            # listen for the keys of the input node that follows and hand the key on to it.
            self.typed_ahead = await self._play(node.prompt_spec(), listened_keys(flow.nodes.get(node.next)))
            return node.next
        if isinstance(node, MenuNode):
            return await self._menu(node, option_targets(node.options), typed)
        if isinstance(node, CollectNode):
            return await self._collect(flow, node_id, node, typed)
        if isinstance(node, SpeechMenuNode):
            return await self._speech_menu(node, typed)
        if isinstance(node, CrmLookupNode):
            return await self._crm_lookup(node)
        if isinstance(node, ConditionNode):
            now = self.ports.clock.now()
            for branch in node.branches:
                if holds(branch.when, self.vars, now):
                    return branch.then
            return node.else_
        if isinstance(node, SetNode):
            for name, value in node.variables.items():
                await self._set(name, render(value_text(value), self.vars))
            return node.next
        if isinstance(node, SubflowNode):
            if len(self.frames) >= MAX_SUBFLOW_DEPTH:
                raise NodeFailed(flow=flow.name, node=node_id, reason="subflows nest too deep")
            target = self.flows.get(node.flow)
            self.frames.append(_Frame(flow.name, node.return_to))
            return target, target.start
        if isinstance(node, ReturnNode):
            if not self.frames:
                raise NodeFailed(flow=flow.name, node=node_id, reason="'return' outside a subflow")
            frame = self.frames.pop()
            return self.flows.get(frame.flow), frame.return_to
        return await self._terminal(flow, node_id, node)

    async def _terminal(self, flow: Flow, node_id: str, node: Node) -> TerminalAction:
        prompt = getattr(node, "prompt", None)
        if prompt:
            await self._play(prompt, "")
        if isinstance(node, QueueNode):
            priority = node.priority
            if isinstance(priority, str):
                text = render(priority, self.vars)
                if not re.fullmatch(r"-?\d+", text):
                    raise NodeFailed(
                        flow=flow.name, node=node_id, reason=f"priority {text!r} is not a number"
                    )
                priority = int(text)
            return Queue(node.queue, tuple(sorted(node.skills.items())), priority, node.announce)
        if isinstance(node, VoicemailNode):
            return Voicemail(render(node.mailbox, self.vars))
        if isinstance(node, CallbackOfferNode):
            return CallbackOffer(node.queue, self.caller_number)
        if isinstance(node, TransferNode):
            return Transfer(render(node.number, self.vars))
        if isinstance(node, HangupNode):
            return Hangup()
        raise NodeFailed(flow=flow.name, node=node_id, reason=f"unsupported node {type(node).__name__}")

    async def _resolve(self, spec: str) -> str:
        text = render(spec, self.vars)
        if text.startswith(TEXT_PREFIX):
            spoken, language = split_text_prompt(text, self.vars["language"])
            name = await self.ports.prompts.prompt_for_text(spoken, language)
        else:
            name = text
        # STREAM FILE of a missing file looks like a hangup (result=-1), so check before playing.
        if not name or not self.ports.prompts.exists(name):
            raise PromptMissing(prompt=name)
        return name

    async def _play(self, spec: str, escape_digits: str) -> str | None:
        name = await self._resolve(spec)
        self.prompts.append(name)
        return await self.channel.play(name, escape_digits)

    async def _play_each(self, specs: tuple[str, ...], escape_digits: str) -> str | None:
        """Play the prompts in turn until a key among ``escape_digits`` interrupts one."""
        for spec in specs:
            if (digit := await self._play(spec, escape_digits)) is not None:
                return digit
        return None

    async def _set(self, name: str, value: str) -> None:
        self.vars[name] = value
        await self.channel.set_variable(name, value)

    async def _retry(self, branch: Retry) -> str | None:
        """After a timeout or an invalid entry: the branch's ``next`` if any, else play its prompt."""
        if branch.next is not None:
            return branch.next
        if branch.prompt:
            await self._play(branch.prompt, "")
        return None

    async def _menu(
        self, node: MenuNode | SpeechMenuNode, options: Mapping[str, str], typed: str | None = None
    ) -> Step:
        escape = "".join(options)
        specs = node.prompt_specs() if isinstance(node, MenuNode) else (node.prompt,)
        for _attempt in range(node.retries + 1):
            digit, typed = typed, None
            if digit is None:
                digit = await self._play_each(specs, escape)
            if digit is None:
                digit = await self.channel.wait_for_digit(node.timeout_ms)
            if digit is None:
                jump = await self._retry(node.timeout)
            else:
                self.digits.append(digit)
                if digit in options:
                    return options[digit]
                jump = await self._retry(node.invalid)
            if jump is not None:
                return jump
        return node.on_fail or _FALLBACK

    async def _speech_menu(self, node: SpeechMenuNode, typed: str | None) -> Step:
        options = option_targets(node.options)
        if not self.ports.speech_available or not node.keywords:
            return await self._menu(node, options, typed)
        if typed is not None and typed in options:
            self.digits.append(typed)
            return options[typed]
        for _attempt in range(node.retries + 1):
            name = await self._resolve(node.prompt)
            self.prompts.append(name)
            heard = await self.channel.listen_for_keywords(
                name, list(node.keywords), node.timeout_ms, "".join(options)
            )
            if heard is not None:
                self.digits.append(heard)
                if heard in node.keywords:
                    return node.keywords[heard]
                if heard in options:  # a key pressed during the prompt
                    return options[heard]
            jump = await self._retry(node.timeout if heard is None else node.invalid)
            if jump is not None:
                return jump
        return node.on_fail or _FALLBACK

    async def _collect(self, flow: Flow, node_id: str, node: CollectNode, typed: str | None) -> Step:
        validator = None
        if node.validator is not None:
            validator = self.ports.validators.get(node.validator)
            if validator is None:
                raise NodeFailed(flow=flow.name, node=node_id, reason=f"unknown validator {node.validator!r}")
        for _attempt in range(node.retries + 1):
            value = await self._read_entry(node, typed)
            typed = None
            if node.terminator:
                value = value.removesuffix(node.terminator)
            if value == "":
                jump = await self._retry(node.timeout)
            else:
                self.digits.append(value)
                ok = node.min_length <= len(value) <= node.max_length
                ok = ok and (node.regex is None or re.fullmatch(node.regex, value) is not None)
                ok = ok and (validator is None or validator(value))
                if ok:
                    await self._set(node.variable, value)
                    return node.next
                jump = await self._retry(node.invalid)
            if jump is not None:
                return jump
        return node.on_fail or _FALLBACK

    async def _read_entry(self, node: CollectNode, typed: str | None) -> str:
        """The caller's digits; after a key typed ahead the prompt is skipped and the rest read."""
        if typed is None:
            name = await self._resolve(node.prompt)
            self.prompts.append(name)
            return await self.channel.read_digits(name, node.timeout_ms, node.max_length, node.terminator)
        if node.max_length == 1:
            return typed
        return typed + await self.channel.read_digits(
            None, node.timeout_ms, node.max_length - 1, node.terminator
        )

    async def _crm_lookup(self, node: CrmLookupNode) -> Step:
        if node.by == "caller":
            kind, key = "caller_number", self.caller_number
        else:
            kind = node.variable or ""
            key = self.vars.get(kind, "")
        if not key:
            return node.not_found
        try:
            found = await self.ports.crm.lookup(kind, key)
        except CallerGone:
            raise
        except Exception as exc:
            raise CrmUnavailable(reason=f"{type(exc).__name__}: {exc}") from exc
        if found is None:
            return node.not_found
        pairs = (
            [(v, found[k]) for v, k in node.assign.items() if k in found] if node.assign else found.items()
        )
        for name, value in pairs:
            await self._set(name, str(value))
        return node.found


def _int_or(text: str | None, default: int) -> int:
    if text is not None and re.fullmatch(r"-?\d+", text):
        return int(text)
    return default
