"""The editor's own errors (a YAML text it cannot work on), and the IVR core's errors as HTTP answers.

    EditorError          code "ivr_editor.*"     e.g. "ivr_editor.unknown_node" (params: node)

Every answer is ``{"code": ..., "message": ...}`` with the message translated for the person asking;
a refused flow also lists its ``issues``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ivr_flows.errors import InvalidFlow, IvrError, NothingToRollBack, UnknownFlow, UnknownVersion


class EditorError(Exception):
    """A request the editor cannot carry out; ``code`` is stable, ``params`` fill its message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params
        super().__init__(f"{code} {dict(params)}")


def status_of(exc: IvrError | EditorError) -> int:
    if isinstance(exc, UnknownFlow | UnknownVersion):
        return 404
    if isinstance(exc, NothingToRollBack):
        return 409
    if isinstance(exc, InvalidFlow):
        return 422
    return 400 if isinstance(exc, EditorError) else 422
