"""The IVR flow core: schema, validation, versions, and the interpreter (a pure step machine).

Imports nothing else of ours. The engine (``callcenter``) provides the adapters for the ports in
``ivr_flows.ports`` (FastAGI ``CallerChannel``, CRM lookup, clock, prompt store with TTS).
"""

from ivr_flows.catalog import CallStart, FlowCatalog
from ivr_flows.dry_run import DryRunReport, ScriptedChannel, dry_run, format_report
from ivr_flows.interpreter import FlowSet, RunPorts, run_flow
from ivr_flows.issues import ValidationIssue
from ivr_flows.loader import load_flow_files, parse_flow_yaml
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
from ivr_flows.schema import Flow
from ivr_flows.store import AuditEntry, FileFlowRepository, FlowRepository, FlowVersion, make_check
from ivr_flows.validation import validate

__all__ = [
    "AuditEntry",
    "CallContext",
    "CallStart",
    "CallbackOffer",
    "CallerLeft",
    "DryRunReport",
    "FileFlowRepository",
    "Flow",
    "FlowCatalog",
    "FlowOutcome",
    "FlowRepository",
    "FlowSet",
    "FlowVersion",
    "Hangup",
    "Queue",
    "RunError",
    "RunPorts",
    "ScriptedChannel",
    "TerminalAction",
    "Transfer",
    "ValidationIssue",
    "Voicemail",
    "dry_run",
    "format_report",
    "load_flow_files",
    "make_check",
    "parse_flow_yaml",
    "run_flow",
    "validate",
]
