"""The node graph of a flow: which node refers to which, reachability, and loops without input."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ivr_flows.schema import (
    CollectNode,
    ConditionNode,
    CrmLookupNode,
    Flow,
    MenuNode,
    Node,
    PlayNode,
    SetNode,
    SpeechMenuNode,
    SubflowNode,
)


def references(node: Node) -> list[tuple[str, str]]:
    """(field, target node id) for every place ``node`` can continue to."""
    refs: list[tuple[str, str]] = []
    if isinstance(node, PlayNode | SetNode | CollectNode):
        refs.append(("next", node.next))
    if isinstance(node, SpeechMenuNode):
        refs.extend((f"keywords.{word}", target) for word, target in node.keywords.items())
    if isinstance(node, MenuNode | SpeechMenuNode):
        refs.extend((f"options.{digit}", target) for digit, target in node.options)
    if isinstance(node, MenuNode | SpeechMenuNode | CollectNode):
        for name, branch in (("invalid", node.invalid), ("timeout", node.timeout)):
            if branch.next is not None:
                refs.append((f"{name}.next", branch.next))
        if node.on_fail is not None:
            refs.append(("on_fail", node.on_fail))
    if isinstance(node, CrmLookupNode):
        refs.extend([("found", node.found), ("not_found", node.not_found)])
    if isinstance(node, ConditionNode):
        refs.extend((f"branches.{i}.then", b.then) for i, b in enumerate(node.branches))
        refs.append(("else", node.else_))
    if isinstance(node, SubflowNode):
        refs.append(("return", node.return_to))
    return refs


def reachable(flow: Flow) -> set[str]:
    roots = [flow.start] + ([flow.fallback] if flow.fallback in flow.nodes else [])
    seen: set[str] = set()
    todo = [r for r in roots if r in flow.nodes]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        todo.extend(t for _f, t in references(flow.nodes[node_id]) if t in flow.nodes and t not in seen)
    return seen


def silent_loops(flow: Flow, waits: Callable[[str, Node], bool]) -> list[list[str]]:
    """Cycles made only of nodes that do not wait for the caller (strongly connected components of
    the non-waiting subgraph), each in declaration order."""
    order = {node_id: i for i, node_id in enumerate(flow.nodes)}
    quiet = {n for n, node in flow.nodes.items() if not waits(n, node)}
    edges = {n: [t for _f, t in references(flow.nodes[n]) if t in quiet] for n in quiet}
    loops = [c for c in _components(sorted(quiet, key=order.__getitem__), edges) if _is_cycle(c, edges)]
    return sorted((sorted(c, key=order.__getitem__) for c in loops), key=lambda c: order[c[0]])


def _is_cycle(component: list[str], edges: Mapping[str, list[str]]) -> bool:
    return len(component) > 1 or component[0] in edges[component[0]]


def _components(nodes: Iterable[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (flows may be large)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = edges[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def subflow_cycle(name: str, flows: Mapping[str, Flow]) -> list[str] | None:
    """A chain of subflow calls that leads from ``name`` back to itself, e.g. ``[a, b, a]``."""

    def calls(flow_name: str) -> list[str]:
        flow = flows.get(flow_name)
        if flow is None:
            return []
        return [n.flow for n in flow.nodes.values() if isinstance(n, SubflowNode)]

    todo: list[list[str]] = [[name, callee] for callee in calls(name)]
    seen: set[str] = set()
    while todo:
        chain = todo.pop(0)
        last = chain[-1]
        if last == name:
            return chain
        if last in seen:
            continue
        seen.add(last)
        todo.extend([*chain, callee] for callee in calls(last))
    return None
