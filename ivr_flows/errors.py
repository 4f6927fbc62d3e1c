"""The IVR exception tree.

    IvrError                      code "ivr.error"
    ├── CallerGone                "ivr.caller_gone"          hangup/Redirect: stop at once, no fallback
    ├── PromptMissing             "ivr.prompt_missing"       a sound file does not exist (→ safety net)
    ├── CrmUnavailable            "ivr.crm_unavailable"      the CRM port failed (→ safety net)
    ├── NodeFailed                "ivr.node_failed"          any other run-time failure (→ safety net)
    ├── StepLimitExceeded         "ivr.step_limit"           the run-time loop guard tripped (→ safety net)
    ├── TemplateError             "ivr.bad_template"         a ``{var}`` template is malformed
    ├── FlowSchemaError           "ivr.flow_schema"          a flow file does not match the schema
    ├── InvalidFlow               "ivr.invalid_flow"         a save/publish was refused by validation
    ├── UnknownFlow               "ivr.unknown_flow"
    ├── UnknownVersion            "ivr.unknown_version"
    └── NothingToRollBack         "ivr.nothing_to_roll_back"

``CallerGone`` and ``PromptMissing`` are the two errors a ``CallerChannel`` adapter raises.
Every error carries a stable ``code``, a ``params`` dict and an English default message; the
engine translates ``code`` + ``params`` at its edge (``callcenter/i18n.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ivr_flows.issues import ValidationIssue


class IvrError(Exception):
    """Base of every IVR error."""

    code: ClassVar[str] = "ivr.error"
    template: ClassVar[str] = "IVR error"

    def __init__(self, **params: object) -> None:
        self.params: dict[str, object] = params
        super().__init__(self.template.format(**params))

    @property
    def message(self) -> str:
        return str(self)


class CallerGone(IvrError):
    """The caller hung up, or the channel was redirected/bridged away (AGI ``200 result=-1``
    on a live prompt, then ``HANGUP``). The interpreter stops at once; nothing may be played."""

    code = "ivr.caller_gone"
    template = "The caller left the IVR ({reason})"


class PromptMissing(IvrError):
    code = "ivr.prompt_missing"
    template = "Prompt {prompt!r} does not exist; record it or fix the flow"


class CrmUnavailable(IvrError):
    code = "ivr.crm_unavailable"
    template = "CRM lookup failed: {reason}"


class NodeFailed(IvrError):
    code = "ivr.node_failed"
    template = "Node {node!r} of flow {flow!r} failed: {reason}"


class StepLimitExceeded(IvrError):
    code = "ivr.step_limit"
    template = "Flow {flow!r} ran {steps} steps without ending; it probably loops"


class TemplateError(IvrError):
    code = "ivr.bad_template"
    template = "Template {template!r} is invalid: {reason}"


class FlowSchemaError(IvrError):
    code = "ivr.flow_schema"
    template = "The flow does not match the schema: {summary}"

    def __init__(self, issues: Sequence[ValidationIssue]) -> None:
        self.issues: tuple[ValidationIssue, ...] = tuple(issues)
        super().__init__(summary="; ".join(i.message for i in self.issues))


class InvalidFlow(IvrError):
    code = "ivr.invalid_flow"
    template = "Flow {flow!r} was refused: {summary}"

    def __init__(self, flow: str, issues: Sequence[ValidationIssue]) -> None:
        self.issues: tuple[ValidationIssue, ...] = tuple(issues)
        super().__init__(flow=flow, summary="; ".join(i.message for i in self.issues))


class UnknownFlow(IvrError):
    code = "ivr.unknown_flow"
    template = "Flow {flow!r} does not exist"


class UnknownVersion(IvrError):
    code = "ivr.unknown_version"
    template = "Flow {flow!r} has no version {version}"


class NothingToRollBack(IvrError):
    code = "ivr.nothing_to_roll_back"
    template = "Flow {flow!r} has no earlier published version to roll back to"
