"""A flow as something to draw: boxes in layers (one per step away from the start) and labelled arrows.

The layout is computed here so the page's script only draws, top to bottom: layer = the shortest
number of steps from ``start`` (or the fallback node), nodes no path reaches go in a last layer, and
within a layer nodes follow their parents' order (one barycentre pass keeps most arrows from
crossing); each layer is centred.
An arrow to a node that does not exist ends at a "missing" box, so a dangling reference is visible.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Any

from ivr_flows.graph import references
from ivr_flows.schema import (
    BusinessHoursTest,
    ConditionNode,
    Flow,
    Node,
    ValueTierTest,
    VariableTest,
)

NODE_WIDTH = 150
NODE_HEIGHT = 40
NODE_GAP = 22  # between neighbours in a layer
LAYER_GAP = 52  # between layers: room for the arrows' labels
MARGIN = 16
_LABEL_CHARS = 22


@dataclass(frozen=True, slots=True)
class DrawnNode:
    id: str
    type: str  # a node type, or "missing" for the target of a dangling reference
    label: str
    layer: int
    x: int
    y: int
    start: bool = False
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class DrawnEdge:
    source: str
    target: str
    field: str  # where in the source node the reference is, e.g. "options.1"
    label: str  # what to write on the arrow: the digit, keyword or branch


def flow_drawing(flow: Flow) -> dict[str, Any]:
    """JSON for the page: ``{"nodes": [...], "edges": [...], "width": w, "height": h}``."""
    edges = [
        DrawnEdge(node_id, target, field, edge_label(node, field))
        for node_id, node in flow.nodes.items()
        for field, target in references(node)
    ]
    missing = sorted({e.target for e in edges if e.target not in flow.nodes})
    layers = _layers(flow, edges, missing)
    places = _places(flow, edges, missing, layers)
    widest = max(len([n for n in layers.values() if n == layer]) for layer in set(layers.values()))
    nodes = [
        DrawnNode(
            node_id,
            "missing" if node_id in missing else flow.nodes[node_id].type,
            "" if node_id in missing else node_label(flow.nodes[node_id]),
            layers[node_id],
            MARGIN + _x(places[node_id], widest),
            MARGIN + layers[node_id] * (NODE_HEIGHT + LAYER_GAP),
            node_id == flow.start,
            node_id == flow.fallback,
        )
        for node_id in [*flow.nodes, *missing]
    ]
    width = max(n.x for n in nodes) + NODE_WIDTH + MARGIN
    height = max(n.y for n in nodes) + NODE_HEIGHT + MARGIN
    return {
        "nodes": [_node_json(n) for n in nodes],
        "edges": [
            {"source": e.source, "target": e.target, "field": e.field, "label": e.label} for e in edges
        ],
        "width": width,
        "height": height,
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
    }


def _node_json(n: DrawnNode) -> dict[str, Any]:
    return {
        "id": n.id,
        "type": n.type,
        "label": n.label,
        "layer": n.layer,
        "x": n.x,
        "y": n.y,
        "start": n.start,
        "fallback": n.fallback,
    }


def _layers(flow: Flow, edges: list[DrawnEdge], missing: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    todo: deque[str] = deque()
    for root in (flow.start, flow.fallback):
        if root in flow.nodes and root not in out:
            out[root] = 0
            todo.append(root)
    successors: dict[str, list[str]] = {}
    for e in edges:
        successors.setdefault(e.source, []).append(e.target)
    while todo:
        node_id = todo.popleft()
        for target in successors.get(node_id, []):
            if target not in out:
                out[target] = out[node_id] + 1
                todo.append(target)
    last = max(out.values(), default=-1) + 1
    for node_id in [*flow.nodes, *missing]:
        out.setdefault(node_id, last)
    return out


def _x(place: tuple[int, int], widest: int) -> int:
    """Left edge of the ``index``-th of ``count`` boxes in a layer centred on the widest layer."""
    index, count = place
    step = NODE_WIDTH + NODE_GAP
    return (widest - count) * step // 2 + index * step


def _places(
    flow: Flow, edges: list[DrawnEdge], missing: list[str], layers: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """(index in its layer, size of its layer) of every node."""
    order = {node_id: i for i, node_id in enumerate([*flow.nodes, *missing])}
    parents: dict[str, list[str]] = {}
    for e in edges:
        if layers[e.source] < layers[e.target]:
            parents.setdefault(e.target, []).append(e.source)
    centres: dict[str, float] = {}  # a placed node's centre, as a fraction of its layer's width
    out: dict[str, tuple[int, int]] = {}
    for layer in range(max(layers.values()) + 1):
        members = [n for n in order if layers[n] == layer]

        def key(node_id: str) -> tuple[float, int]:
            placed = [centres[p] for p in parents.get(node_id, []) if p in centres]
            return (sum(placed) / len(placed) if placed else 1.0, order[node_id])

        for index, node_id in enumerate(sorted(members, key=key)):
            centres[node_id] = (index + 0.5) / len(members)
            out[node_id] = (index, len(members))
    return out


def edge_label(node: Node, field: str) -> str:
    """``options.1`` → ``1``; ``keywords.sales`` → ``"sales"``; a condition branch → its test."""
    head, _, rest = field.partition(".")
    if head == "options":
        return rest
    if head == "keywords":
        return f'"{rest}"'
    if head in ("invalid", "timeout"):
        return head
    if head == "on_fail":
        return "fail"
    if head == "not_found":
        return "not found"
    if head == "branches" and isinstance(node, ConditionNode):
        return _test_label(node, int(rest.split(".")[0]))
    if head in ("found", "else", "return"):
        return head
    return ""


def _test_label(node: ConditionNode, index: int) -> str:
    test = node.branches[index].when
    if isinstance(test, BusinessHoursTest):
        return "open hours"
    if isinstance(test, ValueTierTest):
        return "tier " + "/".join(test.value_tier)
    assert isinstance(test, VariableTest)
    value = "" if test.value is None else f" {test.value}"
    return _short(f"{test.variable} {test.op}{value}")


def node_label(node: Node) -> str:
    """One short line saying what the node does (the type is drawn separately)."""
    data = node.model_dump(by_alias=True, exclude_none=True)
    for key in ("text", "prompt", "queue", "mailbox", "number", "flow", "variable"):
        value = data.get(key)
        if isinstance(value, list | tuple) and value:  # a menu's list of prompts: the first one
            value = value[0]
        if isinstance(value, str) and value:
            return _short(value.removeprefix("text:"))
    if node.type == "set":
        return _short(", ".join(f"{k}={v}" for k, v in data["variables"].items()))
    if node.type == "crm_lookup":
        return "by caller"
    return ""


def _short(text: str) -> str:
    """At most ``_LABEL_CHARS`` Latin-width cells; a CJK character takes two."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > _LABEL_CHARS - 1 and i < len(text) - 1:
            return text[:i] + "…"
    return text
