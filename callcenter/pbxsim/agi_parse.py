"""Splitting an AGI command line into the command name and its (shell-quoted) arguments."""

from __future__ import annotations

import shlex

COMMANDS = (
    "control stream file",
    "stream file",
    "wait for digit",
    "get data",
    "get option",
    "say number",
    "say digits",
    "say alpha",
    "set variable",
    "get full variable",
    "get variable",
    "verbose",
    "noop",
    "record file",
    "exec",
    "channel status",
    "set music",
    "set callerid",
    "hangup",
    "answer",
)


def split_command(line: str) -> tuple[str | None, list[str]]:
    """Split a command line into its name and arguments.

    ``'STREAM FILE hello-world "0123456789#*"'`` -> ``("stream file", ["hello-world", "0123456789#*"])``
    """
    lowered = line.lower()
    for name in COMMANDS:
        if lowered == name or lowered.startswith(name + " "):
            rest = line[len(name) :].strip()
            try:
                return name, shlex.split(rest)
            except ValueError:
                return name, rest.split()
    return None, []
