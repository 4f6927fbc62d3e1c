"""English texts of call recordings: errors, the desktop's play controls, the supervisor's list."""

from __future__ import annotations

from typing import Final

TEXTS_EN_RECORDINGS: Final[dict[str, str]] = {
    # errors
    "recording.error": "The recording could not be handled.",
    "recording.not_found": "No such recording.",
    "recording.not_yours": "You may only play recordings of your own calls.",
    "recording.file_unavailable": "This recording's file is not available ({state}).",
    "recording.file_not_visible": (
        "The recording's file cannot be read by the server: check that the recordings directory is"
        " shared with the engine (recorder.engine_dir)."
    ),
    "media.range_not_satisfiable": "The requested range is past the end of the file.",
    # UI
    "ui.recordings.title": "Recordings",
    "ui.recordings.recent": "My recent recorded calls",
    "ui.recordings.none": "No recordings.",
    "ui.recordings.play": "Play",
    "ui.recordings.download": "Download",
    "ui.recordings.paused": "Paused (not recorded)",
    "ui.recordings.no_pauses": "No paused segments.",
    "ui.recordings.state.recording": "Recording",
    "ui.recordings.state.complete": "Complete",
    "ui.recordings.state.missing": "File missing",
    "ui.recordings.state.deleted": "Deleted (retention)",
    "ui.recordings.hold": "Legal hold",
    "ui.recordings.hold_set": "Legal hold set",
    "ui.recordings.hold_cleared": "Legal hold cleared",
    "ui.recordings.queue": "Queue",
    "ui.recordings.agents": "Agents",
    "ui.recordings.caller": "Caller",
    "ui.recordings.started": "Started",
    "ui.recordings.duration": "Duration",
    "ui.recordings.filter_agent": "Agent",
    "ui.recordings.filter": "Filter",
    "ui.recordings.retention_run": "Run retention now",
    "ui.recordings.retention_done": "Retention: {deleted} deleted, {held} on legal hold",
}
