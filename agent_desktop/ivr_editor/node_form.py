"""One node of a flow's YAML as form fields, and the form's values written back into the YAML text.

Fields are flat: ``next``, ``prompt``, ``options.1``, ``skills.sales``; a value that is neither a
scalar nor a mapping of scalars (condition ``branches``, ``invalid: {prompt, next}``) is one field
holding a line of YAML. Writing back replaces only that node's lines, so the comments and layout of
the rest of the file survive (comments inside the edited node do not). An empty value removes the
field. Values keep their type: a field that was text stays text even when it looks like a number
(``"{priority}"``, ``"5551234"``); other values are read as YAML scalars (``5000`` is a number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from agent_desktop.ivr_editor.errors import EditorError

_SCALARS = (str, int, float, bool)


def document_of(text: str) -> dict[Any, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EditorError("ivr_editor.bad_yaml", reason=str(exc).splitlines()[0]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        raise EditorError("ivr_editor.no_nodes")
    return data


def _node_of(data: Mapping[Any, Any], node: str) -> dict[Any, Any]:
    found = data["nodes"].get(node)
    if not isinstance(found, dict):
        raise EditorError("ivr_editor.unknown_node", node=node)
    return found


def node_fields(text: str, node: str) -> dict[str, Any]:
    """``{"node": id, "type": t, "fields": [{"path", "value", "kind"}]}`` (kind: text/yaml)."""
    data = _node_of(document_of(text), node)
    fields: list[dict[str, str]] = []
    for key, value in data.items():
        if key == "type":
            continue
        if isinstance(value, dict) and all(isinstance(v, _SCALARS) for v in value.values()):
            fields.extend(
                {"path": f"{key}.{k}", "value": _scalar_text(v), "kind": "text"} for k, v in value.items()
            )
        elif value is None or isinstance(value, _SCALARS):
            fields.append({"path": str(key), "value": _scalar_text(value), "kind": "text"})
        else:
            fields.append({"path": str(key), "value": _flow_yaml(value), "kind": "yaml"})
    return {"node": node, "type": str(data.get("type", "")), "fields": fields}


def apply_node_fields(text: str, node: str, fields: Mapping[str, str]) -> str:
    """The YAML text with ``node`` rebuilt from ``fields`` (paths as :func:`node_fields` gives them;
    a path not there before adds a field; an empty value removes one). ``type`` is kept."""
    document = document_of(text)
    old = _node_of(document, node)
    new: dict[Any, Any] = {"type": old.get("type")}
    for path, raw in fields.items():
        head, dot, sub = path.partition(".")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", head) or head == "type":
            raise EditorError("ivr_editor.bad_field", field=path)
        if dot:
            previous = old.get(head)
            before: dict[Any, Any] = previous if isinstance(previous, dict) else {}
            key = next((k for k in before if str(k) == sub), None)
            if key is None:
                key = _typed(sub, None)
            if raw.strip():
                target = new.setdefault(head, {})
                if isinstance(target, dict):
                    target[key] = _typed(raw, before.get(key))
        elif raw.strip():
            new[head] = _typed(raw, old.get(head))
    document["nodes"][node] = new
    return _replace_block(text, node, new, document)


def _typed(raw: str, previous: object) -> Any:
    if isinstance(previous, str):
        return raw
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise EditorError("ivr_editor.bad_yaml", reason=str(exc).splitlines()[0]) from exc
    if value is not None and not isinstance(value, (*_SCALARS, dict, list)):
        return raw  # a date or the like: keep the text as written
    # "{priority}" reads as a mapping in YAML; a single word in braces is a template, i.e. text.
    if isinstance(value, dict) and re.fullmatch(r"\{[A-Za-z_][A-Za-z0-9_]*\}", raw.strip()):
        return raw.strip()
    return value


def _scalar_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flow_yaml(value: object) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**6)
    return dumped.strip().removesuffix("...").strip()


_NODES_LINE = re.compile(r"^nodes:\s*(#.*)?$")


def _replace_block(text: str, node: str, new: Mapping[Any, Any], document: Mapping[Any, Any]) -> str:
    """Swap the node's lines; when the file's shape is unusual, re-write the whole document."""
    lines = text.splitlines(keepends=True)
    span = _block_span(lines, node)
    if span is not None:
        start, end, indent, inline = span
        if inline:
            block = f"{indent}{node}: {_flow_yaml(dict(new))}\n"
        else:
            body = "".join(_block_field(k, v) for k, v in new.items())
            block = f"{indent}{node}:\n" + "".join(f"{indent}  {line}\n" for line in body.splitlines())
        result = "".join([*lines[:start], block, *lines[end:]])
        if _same_node(result, node, new):
            return result
    return yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, default_flow_style=None)


def _block_field(key: object, value: object) -> str:
    """``key: value`` in block style, with a mapping or list of scalars inline (``options: {1: a}``)."""
    style = False if value is None or isinstance(value, _SCALARS) else None
    return yaml.safe_dump({key: value}, default_flow_style=style, allow_unicode=True, sort_keys=False)


def _same_node(text: str, node: str, new: Mapping[Any, Any]) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and isinstance(data.get("nodes"), dict) and data["nodes"].get(node) == new


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_span(lines: list[str], node: str) -> tuple[int, int, str, bool] | None:
    """(first line, line after, indent, written inline) of ``node`` under a block ``nodes:``."""
    top = next((i for i, line in enumerate(lines) if _NODES_LINE.match(line.rstrip("\n"))), None)
    if top is None:
        return None
    own = re.compile(rf"^( +){re.escape(node)}\s*:(.*)$")
    child_indent: int | None = None
    for i in range(top + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(lines[i]) == 0:
            return None
        if child_indent is None:
            child_indent = _indent(lines[i])
        m = own.match(lines[i].rstrip("\n"))
        if m and len(m.group(1)) == child_indent:
            return i, _block_end(lines, i, child_indent), m.group(1), m.group(2).strip().startswith("{")
    return None


def _block_end(lines: list[str], first: int, child_indent: int) -> int:
    end = first + 1
    last_content = first + 1
    while end < len(lines):
        stripped = lines[end].strip()
        if stripped and _indent(lines[end]) <= child_indent:
            break
        end += 1
        if stripped and not stripped.startswith("#"):
            last_content = end
    return last_content
