"""``{var}`` templates in prompt names, TTS text, mailboxes and numbers.

Safe by construction: only plain variable names are allowed (no ``{a.b}``, ``{a[0]}``, conversions
or format specs), so a flow author cannot reach Python attributes. A variable that is not set renders
as an empty string. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter

from ivr_flows.errors import TemplateError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORMATTER = Formatter()


def template_names(template: str) -> list[str]:
    """The variable names a template uses; raises ``TemplateError`` when it is malformed."""
    names: list[str] = []
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise TemplateError(template=template, reason=str(exc)) from exc
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not _NAME.match(name) or spec or conversion:
            raise TemplateError(template=template, reason=f"{{{name}}} must be a plain variable name")
        names.append(name)
    return names


def render(template: str, variables: Mapping[str, str]) -> str:
    out: list[str] = []
    template_names(template)
    for literal, name, _spec, _conversion in _FORMATTER.parse(template):
        out.append(literal)
        if name is not None:
            out.append(variables.get(name, ""))
    return "".join(out)


def is_template(text: str) -> bool:
    return "{" in text.replace("{{", "").replace("}}", "")


def value_text(value: str | int | float | bool) -> str:
    """A ``set`` node's YAML value as template text (``true``/``false`` for booleans, as YAML writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
