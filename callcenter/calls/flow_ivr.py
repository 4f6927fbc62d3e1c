"""Runs the published IVR flow of the dialed number on the caller's channel.

The flows live in a versioned repository (``ivr_flows.store``) under ``flows_dir``; on first
start it is filled with the shipped flows (``ivr_flows/flows/*.yaml``), each published.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from pathlib import Path

from callcenter.caller_media import CallerMedia
from callcenter.calls.ivr_adapters import FlowCallerChannel, SystemClock
from callcenter.calls.speech import KeywordSpotter
from ivr_flows.catalog import FlowCatalog
from ivr_flows.errors import InvalidFlow, IvrError
from ivr_flows.interpreter import RunPorts, run_flow
from ivr_flows.loader import SHIPPED_FLOWS
from ivr_flows.outcome import CallContext, FlowOutcome
from ivr_flows.ports import PromptStore
from ivr_flows.schema import TEXT_PREFIX, Flow, split_text_prompt
from ivr_flows.store import FileFlowRepository, make_check

log = logging.getLogger(__name__)


def open_flow_repository(
    flows_dir: Path, known_queues: Collection[str], known_skills: Collection[str], ports: RunPorts
) -> FileFlowRepository:
    repository = FileFlowRepository(
        flows_dir,
        SystemClock(),
        make_check(known_queues, known_skills, ports.prompts, ports.speech_available),
    )
    if not repository.flow_names():
        for path in sorted(SHIPPED_FLOWS.glob("*.yaml")):
            try:
                version = repository.save(
                    path.read_text(encoding="utf-8"), author="system", comment="shipped flow"
                )
            except InvalidFlow as exc:
                # The example flows name the demo's queues and skills; a site without them starts
                # anyway (callers get the built-in menu) and writes its own flows in the editor.
                log.warning(
                    "shipped IVR flow does not fit this site; not published", extra={"error": str(exc)}
                )
                continue
            repository.publish(version.flow, version.number, author="system")
            log.info("published shipped IVR flow", extra={"flow": version.flow, "version": version.number})
    return repository


def text_prompts(flows: Iterable[Flow]) -> set[tuple[str, str]]:
    """(text, language) of every fixed text prompt in ``flows`` (templated ones need a call)."""
    found: set[tuple[str, str]] = set()

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and "{" not in value:
            spec = value if value.startswith(TEXT_PREFIX) else (TEXT_PREFIX + value if key == "text" else "")
            if spec:
                cjk = any("\u4e00" <= ch <= "\u9fff" for ch in spec)
                found.add(split_text_prompt(spec, "zh" if cjk else "en"))

    for flow in flows:
        walk(flow.model_dump())
    return found


async def warm_text_prompts(flows: Iterable[Flow], prompts: PromptStore) -> int:
    """Speak every fixed text prompt once, so the first callers hear no TTS delay."""
    spoken = 0
    for text, language in sorted(text_prompts(flows)):
        try:
            await prompts.prompt_for_text(text, language)
            spoken += 1
        except IvrError as exc:
            log.warning("text prompt not prepared", extra={"text": text[:40], "error": str(exc)})
    return spoken


class FlowIvr:
    def __init__(
        self,
        catalog: FlowCatalog,
        ports: RunPorts,
        language: str,
        speech: KeywordSpotter | None = None,
        record_dir: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self._ports = ports
        self._language = language
        self._speech = speech
        self._record_dir = record_dir

    def has_flow(self, dialed: str) -> bool:
        return self.catalog.for_number(dialed) is not None

    async def run(self, media: CallerMedia, caller_number: str, dialed: str) -> FlowOutcome | None:
        """The flow's outcome, or None when no published flow answers ``dialed``."""
        start = self.catalog.for_number(dialed)
        if start is None:
            return None
        context = CallContext(caller_number=caller_number, dialed_number=dialed, language=self._language)
        channel = FlowCallerChannel(media, self._speech, self._record_dir)
        outcome = await run_flow(start.flows, start.flow, context, channel, self._ports)
        log.info(
            "IVR flow finished",
            extra={
                "flow": start.flow,
                "version": start.version,
                "action": type(outcome.action).__name__,
                "path": " > ".join(outcome.path),
                "errors": len(outcome.errors),
            },
        )
        return outcome
