"""A recorded graph as people and programs read it: a tree or an evaluation trace (rich
or plain text), Graphviz DOT, Mermaid, and a JSON document.

Every view is bounded: at most ``max_nodes`` nodes (0: all), with a note of what
was left out, and ``collapse`` folds repeated structure (``Graph.folds``) into
one line. Source text longer than :data:`TEXT_WIDTH` is shortened with an
ellipsis in the middle; numbers are never cut (arrays show their first and last
elements and say how many there are).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradcli.compute.results import Fold, Graph, Vertex
from gradcli.render.numbers import json_array, plain_number, short_number
from gradcli.render.tables import columns_that_fit, trimmed

TEXT_WIDTH = 32
"""Characters of source text a line shows (the JSON span locates the whole text)."""

MAX_DEPTH = 10
"""Levels a tree indents before a deeper subtree continues below, unindented."""

ARRAY_EDGE = 2
"""Elements shown at each end of a long array."""

WEIGHTS = {
    "1": "the output's adjoint is 1",
    "ones": "the output has several numbers: its adjoint is ones of its shape (--weights W to choose)",
    "given": "the output's adjoint is the weights given",
}


# --- pieces ----------------------------------------------------------------------------


def _number(value: float, digits: int | None) -> str:
    return plain_number(value) if digits is None else short_number(value, digits)


def value_text(array: np.ndarray | None, digits: int | None = None) -> str:
    """A value on one line: a number, or ``[a, b, …, y, z] (3, 4)`` with its shape; ``?`` when unknown."""
    if array is None:
        return "?"
    if array.ndim == 0:
        return _number(float(array), digits)
    flat = array.reshape(-1)
    if flat.size <= 2 * ARRAY_EDGE + 1:
        inner = ", ".join(_number(v, digits) for v in flat)
    else:
        head = [_number(v, digits) for v in flat[:ARRAY_EDGE]]
        tail = [_number(v, digits) for v in flat[-ARRAY_EDGE:]]
        inner = ", ".join([*head, "…", *tail])
    return f"[{inner}] {tuple(array.shape)}"


def source_text(graph: Graph, index: int, width: int = TEXT_WIDTH) -> str:
    """The vertex's source text on one line, shortened in the middle when long."""
    text = graph.text(index)
    if not text:
        return ""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return text[:half] + "…" + text[len(text) - (width - 1 - half) :]


def _inputs(graph: Graph, vertex: Vertex) -> str:
    return ", ".join(
        "const" if i is None else graph.vertices[i].label
        for k, i in enumerate(vertex.inputs)
        if k not in vertex.plain
    )


def _hidden(graph: Graph, collapse: bool) -> dict[int, Fold]:
    """Vertex -> the fold that hides it, under --collapse."""
    if not collapse:
        return {}
    return {i: fold for fold in graph.folds for i in fold.hidden}


def _fold_text(graph: Graph, fold: Fold) -> str:
    ops = ", ".join(graph.vertices[fold.first + k].op for k in range(fold.period))
    hidden = fold.hidden
    first, last = graph.vertices[hidden.start].label, graph.vertices[hidden.stop - 1].label
    copies = fold.repeats - 2
    unit = "operation" if fold.period == 1 else f"{fold.period} operations"
    return f"{first}…{last}: {copies:,} more repeats of the same {unit} ({ops}), folded"


def _heading(graph: Graph) -> str:
    ops, leaves = len(graph.operations), len(graph.leaves)
    source = " ".join((graph.source or "").split())
    if len(source) > 60:
        source = source[:29] + "…" + source[-30:]
    what = f" of {source}" if source else ""
    return (
        f"graph{what}: {ops:,} operation{'s' * (ops != 1)}, {leaves:,} lea"
        f"{'ves' if leaves != 1 else 'f'}; {WEIGHTS[graph.weights]}"
    )


def _elided_note(shown: int, total: int) -> str:
    return (
        f"showing {shown:,} of {total:,} nodes; --max-nodes N shows more (0: all), "
        "--collapse folds repeated structure"
    )


# --- the trace ---------------------------------------------------------------------------


Row = tuple[str, Any]  # ("vertex", index) | ("fold", Fold) | ("elided", count)


def trace_rows(graph: Graph, max_nodes: int, collapse: bool) -> list[Row]:
    """Leaves, then operations as recorded; folds as one row; the middle elided past the limit."""
    hidden = _hidden(graph, collapse)
    rows: list[Row] = []
    folds = {fold.hidden.start: fold for fold in graph.folds} if collapse else {}
    i = 0
    while i < len(graph.vertices):
        if i in folds:
            rows.append(("fold", folds[i]))
            i = folds[i].hidden.stop
            continue
        if i not in hidden:
            rows.append(("vertex", i))
        i += 1
    if max_nodes and len(rows) > max_nodes:
        head = max_nodes - max_nodes // 2
        tail = max_nodes // 2
        dropped = rows[head : len(rows) - tail]
        count = sum(len(r[1].hidden) if r[0] == "fold" else 1 for r in dropped)
        rows = [*rows[:head], ("elided", count), *rows[len(rows) - tail :]]
    return rows


def _shown_count(graph: Graph, rows: list[Row]) -> int:
    return sum(1 for kind, _ in rows if kind == "vertex")


def trace_lines(graph: Graph, max_nodes: int, collapse: bool, digits: int | None) -> list[str]:
    """The evaluation trace as plain text: the forward sweep, then the reverse sweep."""
    rows = trace_rows(graph, max_nodes, collapse)
    forward: list[list[str]] = []
    backward: list[list[str]] = []
    for kind, item in rows:
        if kind == "vertex":
            v = graph.vertices[item]
            if v.leaf:
                forward.append([v.label, "leaf", "", "", value_text(v.value, digits)])
                backward.append([f"{v.label}̄", "gradient", value_text(v.adjoint, digits)])
            else:
                forward.append(
                    [v.label, v.op, _inputs(graph, v), source_text(graph, item),
                     value_text(v.value, digits)]
                )  # fmt: skip
                backward.append([f"{v.label}̄", "adjoint", value_text(v.adjoint, digits)])
        elif kind == "fold":
            forward.append(["⋮", _fold_text(graph, item)])
            backward.append(["⋮", _fold_text(graph, item)])
        else:
            forward.append(["⋮", f"{item:,} nodes not shown"])
            backward.append(["⋮", f"{item:,} nodes not shown"])
    lines = [
        _heading(graph),
        "",
        "forward (in the order recorded): node  operation  inputs  source  value",
    ]
    lines += _aligned(forward)
    lines += ["", "reverse (adjoints, from the output back): node  adjoint"]
    lines += _aligned(backward[::-1])
    shown = _shown_count(graph, rows)
    if shown < len(graph.vertices) and not _all_folded(graph, shown, collapse):
        lines += ["", _elided_note(shown, len(graph.vertices))]
    return lines


def _aligned(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell; a row of two cells (a note) is not aligned."""
    full = [r for r in rows if len(r) > 2]
    widths = [max((len(r[k]) for r in full if k < len(r)), default=0) for k in range(5)]
    lines = []
    for row in rows:
        if len(row) == 2:
            lines.append(f"  {row[0]}  {row[1]}")
        else:
            cells = [c.ljust(widths[k]) for k, c in enumerate(row[:-1])]
            lines.append(("  " + "  ".join([*cells, row[-1]])).rstrip())
    return lines


# --- the tree ----------------------------------------------------------------------------

Line = tuple[str, str, Any]  # (prefix, kind, payload)


def tree_lines(graph: Graph, max_nodes: int, collapse: bool) -> tuple[list[Line], int]:
    """The graph as a tree from the output: (prefix, kind, payload) lines and how many
    vertices were shown. A vertex is expanded once; later uses refer to it (``ref``).
    Deeper than :data:`MAX_DEPTH` a subtree continues below (``continued``)."""
    hidden = _hidden(graph, collapse)
    expanded: set[int] = set()
    folds_shown: set[Fold] = set()
    lines: list[Line] = []
    sections: deque[int] = deque([graph.output])
    budget = max_nodes or len(graph.vertices) + 1
    shown = 0
    while sections and shown < budget:
        start = sections.popleft()
        if start in expanded:
            continue
        if lines:
            lines.append(("", "section", start))
        # (item kind, payload, prefix of its children, connector)
        stack: list[tuple[str, Any, str, str, int]] = [("vertex", start, "", "", 0)]
        while stack:
            kind, item, indent, connector, depth = stack.pop()
            prefix = indent + connector
            if kind == "const":
                lines.append((prefix, "const", None))
                continue
            if kind == "vertex" and item in hidden:
                kind, item = "fold", hidden[item]
            if kind == "fold":
                if item in folds_shown:
                    lines.append((prefix, "fold-ref", item))
                    continue
                folds_shown.add(item)
                children: list[int | None] = list(_boundary(graph, item, hidden))
                lines.append((prefix, "fold", item))
            else:
                vertex = graph.vertices[item]
                if item in expanded:
                    lines.append((prefix, "ref", item))
                    continue
                if shown >= budget:
                    lines.append((prefix, "stopped", item))
                    continue
                if depth >= MAX_DEPTH and any(
                    j is not None and not graph.vertices[j].leaf for j in vertex.inputs
                ):
                    lines.append((prefix, "continued", item))
                    sections.append(item)
                    continue
                expanded.add(item)
                shown += 1
                lines.append((prefix, "vertex", item))
                children = [j for k, j in enumerate(vertex.inputs) if k not in vertex.plain]
            child_indent = indent + (
                "" if not connector else ("   " if connector == "└─ " else "│  ")
            )
            for k in range(len(children) - 1, -1, -1):
                child = children[k]
                joint = "└─ " if k == len(children) - 1 else "├─ "
                if child is None:
                    stack.append(("const", None, child_indent, joint, depth + 1))
                else:
                    stack.append(("vertex", child, child_indent, joint, depth + 1))
    return lines, shown


def _boundary(graph: Graph, fold: Fold, hidden: dict[int, Fold]) -> Iterator[int]:
    """What the folded vertices use from outside the fold, each once, in order."""
    seen: set[int] = set()
    for i in fold.hidden:
        for j in graph.vertices[i].inputs:
            if j is not None and hidden.get(j) is not fold and j not in seen:
                seen.add(j)
                yield j


def tree_line_text(graph: Graph, kind: str, item: Any, digits: int | None) -> str:
    """The words of one tree line (after its prefix)."""
    if kind == "const":
        return "(a constant)"
    if kind in ("fold", "fold-ref"):
        return _fold_text(graph, item) + (" (shown above)" if kind == "fold-ref" else "")
    vertex = graph.vertices[item]
    if kind == "ref":
        return f"{vertex.label} ↑ (shown above)"
    if kind == "stopped":
        return f"{vertex.label} … (not shown: --max-nodes)"
    if kind == "continued":
        return f"{vertex.label} {vertex.op} ↓ (continued below)"
    if kind == "section":
        return f"{vertex.label} (continued):"
    if vertex.leaf:
        return (
            f"{vertex.label}  leaf  value {value_text(vertex.value, digits)}  "
            f"gradient {value_text(vertex.adjoint, digits)}"
        )
    text = source_text(graph, item)
    return (
        f"{vertex.label} {vertex.op}" + (f"  {text}" if text else "")
        + f"  value {value_text(vertex.value, digits)}"
        f"  adjoint {value_text(vertex.adjoint, digits)}"
    )  # fmt: skip


def _tree_plain(graph: Graph, max_nodes: int, collapse: bool) -> list[str]:
    lines, shown = tree_lines(graph, max_nodes, collapse)
    out = [_heading(graph), ""]
    for prefix, kind, item in lines:
        if kind == "section":
            out.append("")
        out.append(prefix + tree_line_text(graph, kind, item, None))
    if shown < len(graph.vertices) and not _all_folded(graph, shown, collapse):
        out += ["", _elided_note(shown, len(graph.vertices))]
    return out


def _all_folded(graph: Graph, shown: int, collapse: bool) -> bool:
    """Whether every vertex not shown is inside a fold (so nothing was elided)."""
    return collapse and shown + len(_hidden(graph, True)) >= len(graph.vertices)


def graph_plain(graph: Graph, view: str, max_nodes: int, collapse: bool) -> str:
    """The tree or the trace as plain text, every number exact."""
    if view == "tree":
        return "\n".join(_tree_plain(graph, max_nodes, collapse))
    return "\n".join(trace_lines(graph, max_nodes, collapse, None))


# --- rich (a terminal) -----------------------------------------------------------------

NARROWEST_WORDS = 10
"""Columns a tree line's words keep however deep its guides reach."""


class _TreeLine:
    """A tree line whose words wrap under themselves; each wrapped line carries the guides
    of its depth (``│`` where a sibling follows), so the tree stays readable when narrow."""

    def __init__(self, prefix: str, words: Any) -> None:
        self.prefix = prefix
        self.words = words
        # Below its first line, a node's connector becomes the guide of the siblings after it.
        self.continuation = prefix[:-3] + ("│  " if prefix.endswith("├─ ") else "   ")
        if not prefix:
            self.continuation = ""

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len
        from rich.text import Text

        width = max(options.max_width - cell_len(self.prefix), NARROWEST_WORDS)
        lines = self.words.wrap(console, width, overflow="fold")
        for number, line in enumerate(lines):
            line.rstrip()
            guides = self.continuation if number else self.prefix
            yield Text.assemble((guides, "dim"), line)


def graph_table(graph: Graph, view: str, max_nodes: int, collapse: bool, digits: int) -> Any:
    """The tree, or the trace's two tables, for a terminal: lines fold, nothing is cut."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [Text(_heading(graph), style="bold"), Text("")]
    if view == "tree":
        lines, shown = tree_lines(graph, max_nodes, collapse)
        for prefix, kind, item in lines:
            if kind == "section":
                parts.append(Text(""))
            words = tree_line_text(graph, kind, item, digits)
            style = {"vertex": "", "const": "dim", "ref": "dim", "fold": "yellow",
                     "fold-ref": "dim", "stopped": "dim", "continued": "cyan",
                     "section": "cyan"}[kind]  # fmt: skip
            if kind == "vertex" and graph.vertices[item].leaf:
                style = "green"
            parts.append(_TreeLine(prefix, Text(words, style=style)))
        if shown < len(graph.vertices) and not _all_folded(graph, shown, collapse):
            parts += [Text(""), Text(_elided_note(shown, len(graph.vertices)), style="dim")]
        return trimmed(Group(*parts))

    rows = trace_rows(graph, max_nodes, collapse)
    # (text, style) cells, so that the columns' widths can be chosen from the texts.
    forward_rows: list[list[tuple[str, str]]] = []
    back_rows: list[list[tuple[str, str]]] = []
    for kind, item in rows:
        if kind == "vertex":
            v = graph.vertices[item]
            if v.leaf:
                forward_rows.append([(v.label, "green"), ("leaf", ""), ("", ""), ("", ""),
                                     (value_text(v.value, digits), "")])  # fmt: skip
                back_rows.append([(f"{v.label}̄", "green"), ("gradient", ""),
                                  (value_text(v.adjoint, digits), "")])  # fmt: skip
            else:
                forward_rows.append([(v.label, ""), (v.op, ""), (_inputs(graph, v), ""),
                                     (source_text(graph, item), ""),
                                     (value_text(v.value, digits), "")])  # fmt: skip
                back_rows.append([(f"{v.label}̄", ""), ("", ""),
                                  (value_text(v.adjoint, digits), "")])  # fmt: skip
        else:
            note = _fold_text(graph, item) if kind == "fold" else f"{item:,} nodes not shown"
            forward_rows.append([("⋮", ""), (note, "yellow"), ("", ""), ("", ""), ("", "")])
            back_rows.append([("⋮", ""), ("", ""), (note, "yellow")])
    forward = _trace_table(["node", "operation", "inputs", "source", "value"], forward_rows)
    backward = _trace_table(["node", "", "adjoint"], back_rows[::-1])
    parts += [
        Text("forward, in the order recorded", style="bold"),
        forward,
        Text(""),
        Text("reverse: adjoints v̄ = ∂output/∂v, from the output back", style="bold"),
        backward,
    ]
    shown = _shown_count(graph, rows)
    if shown < len(graph.vertices) and not _all_folded(graph, shown, collapse):
        parts += [Text(""), Text(_elided_note(shown, len(graph.vertices)), style="dim")]
    return trimmed(Group(*parts))


def _trace_table(headers: list[str], rows: list[list[tuple[str, str]]]) -> Any:
    """A table of the trace whose columns share the width so that no number or node name
    is split (the last column holds the numbers, the first the names)."""
    from rich.table import Table
    from rich.text import Text

    def build(widths: list[int] | None) -> Any:
        table = Table(box=None, padding=(0, 1))
        for k, header in enumerate(headers):
            table.add_column(header, overflow="fold", width=widths[k] if widths else None)
        for row in rows:
            table.add_row(*(Text(text, style=style, overflow="fold") for text, style in row))
        return table

    columns = [[header, *(row[k][0] for row in rows)] for k, header in enumerate(headers)]
    whole = [k in (0, len(headers) - 1) for k in range(len(headers))]
    return columns_that_fit(build, columns, overhead=2 * len(headers), whole=whole)


# --- documents: JSON, DOT, Mermaid -------------------------------------------------------


def selection(graph: Graph, max_nodes: int, collapse: bool) -> tuple[list[int], list[Fold]]:
    """The vertices a document holds: breadth-first from the output, at most ``max_nodes``
    (0: all), with the folds that stand for hidden ones."""
    hidden = _hidden(graph, collapse)
    budget = max_nodes or len(graph.vertices)
    chosen: list[int] = []
    folds: list[Fold] = []
    seen = {graph.output}
    queue = deque([graph.output])
    while queue and len(chosen) < budget:
        i = queue.popleft()
        fold = hidden.get(i)
        if fold is not None:
            folds.append(fold)
            nexts: list[int] = list(_boundary(graph, fold, hidden))
            seen.update(fold.hidden)
        else:
            chosen.append(i)
            nexts = [j for j in graph.vertices[i].inputs if j is not None]
        for j in nexts:
            if j not in seen:
                seen.add(j)
                queue.append(j)
    chosen.sort()
    return chosen, folds


def _fold_id(fold: Fold) -> str:
    return f"fold{fold.first}"


def _target(graph: Graph, j: int, hidden: dict[int, Fold]) -> str:
    fold = hidden.get(j)
    return _fold_id(fold) if fold is not None else graph.vertices[j].label


def _edges(
    graph: Graph, chosen: list[int], folds: list[Fold], hidden: dict[int, Fold]
) -> list[tuple[str, str, int]]:
    """(from, to, argument) in the direction values flow: an input to the operation using it."""
    present = {graph.vertices[i].label for i in chosen} | {_fold_id(f) for f in folds}
    edges: list[tuple[str, str, int]] = []
    for i in chosen:
        for k, j in enumerate(graph.vertices[i].inputs):
            if j is not None and _target(graph, j, hidden) in present:
                edges.append((_target(graph, j, hidden), graph.vertices[i].label, k))
    for fold in folds:
        for j in _boundary(graph, fold, hidden):
            if _target(graph, j, hidden) in present:
                edges.append((_target(graph, j, hidden), _fold_id(fold), 0))
    return list(dict.fromkeys(edges))


JSON_TEXT = 200
"""Characters of source text a JSON node holds; a longer text (each partial sum of a long
sum is a prefix of it) keeps its two ends around an ellipsis, and ``span`` locates it all."""


def _document_text(text: str | None) -> str | None:
    if text is None or len(text) <= JSON_TEXT:
        return text
    half = (JSON_TEXT - 1) // 2
    return text[:half] + "…" + text[len(text) - (JSON_TEXT - 1 - half) :]


def graph_document(graph: Graph, max_nodes: int, collapse: bool) -> dict[str, Any]:
    """The JSON document: ``nodes`` (id, kind, op, name, text, span, column, shape, value,
    adjoint, inputs), ``edges`` (from, to, argument), ``folds``, and counts."""
    hidden = _hidden(graph, collapse)
    chosen, folds = selection(graph, max_nodes, collapse)
    nodes = []
    for i in chosen:
        v = graph.vertices[i]
        span = graph.span(i)
        nodes.append({
            "id": v.label,
            "kind": "leaf" if v.leaf else "operation",
            "op": v.op,
            "name": v.label if v.leaf else None,
            "text": _document_text(graph.text(i)),
            "span": list(span) if span else None,
            "column": graph.column(i),
            "shape": list(v.shape) if v.shape is not None else None,
            "value": None if v.value is None else json_array(v.value),
            "adjoint": None if v.adjoint is None else json_array(v.adjoint),
            "inputs": [None if j is None else _target(graph, j, hidden) for j in v.inputs],
        })  # fmt: skip
    return {
        "expression": graph.source,
        "output": graph.vertices[graph.output].label,
        "weights": graph.weights,
        "nodes_total": len(graph.vertices),
        "nodes_shown": len(chosen),
        "elided": len(graph.vertices) - len(chosen) - sum(len(f.hidden) for f in folds),
        "nodes": nodes,
        "edges": [{"from": a, "to": b, "argument": k} for a, b, k in _edges(graph, chosen, folds, hidden)],
        "folds": [
            {"id": _fold_id(f), "first": graph.vertices[f.hidden.start].label,
             "last": graph.vertices[f.hidden.stop - 1].label, "period": f.period,
             "repeats": f.repeats - 2, "nodes": len(f.hidden),
             "ops": [graph.vertices[f.first + k].op for k in range(f.period)]}
            for f in folds
        ],
    }  # fmt: skip


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: quotes and backslashes escaped, lines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def _label_lines(graph: Graph, i: int) -> list[str]:
    v = graph.vertices[i]
    if v.leaf:
        return [f"{v.label} (leaf)", f"value {value_text(v.value, 6)}",
                f"gradient {value_text(v.adjoint, 6)}"]  # fmt: skip
    text = source_text(graph, i)
    return [f"{v.label} {v.op}", *([text] if text else []),
            f"value {value_text(v.value, 6)}", f"adjoint {value_text(v.adjoint, 6)}"]  # fmt: skip


def graph_dot(graph: Graph, max_nodes: int, collapse: bool) -> str:
    """Graphviz DOT: a box per operation, an ellipse per leaf, edges as values flow."""
    hidden = _hidden(graph, collapse)
    chosen, folds = selection(graph, max_nodes, collapse)
    out = [
        "digraph gradcli {",
        "  rankdir=BT;",
        '  node [shape=box, fontname="monospace", fontsize=10];',
    ]
    if graph.source is not None:
        out.append(
            f"  label={_dot_string(graph.source if len(graph.source) < 200 else source_text(graph, graph.output, 80))};"
        )
    for i in chosen:
        v = graph.vertices[i]
        style = ", shape=ellipse, style=filled, fillcolor=lightblue" if v.leaf else ""
        if i == graph.output:
            style += ", penwidth=2"
        out.append(
            f"  {_dot_string(v.label)} [label={_dot_string(chr(10).join(_label_lines(graph, i)))}{style}];"
        )
    for fold in folds:
        out.append(
            f"  {_dot_string(_fold_id(fold))} [label={_dot_string(_fold_text(graph, fold))}, shape=note];"
        )
    for a, b, _ in _edges(graph, chosen, folds, hidden):
        out.append(f"  {_dot_string(a)} -> {_dot_string(b)};")
    elided = len(graph.vertices) - len(chosen) - sum(len(f.hidden) for f in folds)
    if elided:
        out.append(
            f"  elided [label={_dot_string(f'{elided:,} more nodes not shown')}, shape=plaintext];"
        )
    out.append("}")
    return "\n".join(out)


def _mermaid_text(text: str) -> str:
    """Text inside a Mermaid quoted label: its quotes as entities, lines as <br/>."""
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def graph_mermaid(graph: Graph, max_nodes: int, collapse: bool) -> str:
    """A Mermaid flowchart (for Markdown): the same nodes and edges as the DOT form."""
    hidden = _hidden(graph, collapse)
    chosen, folds = selection(graph, max_nodes, collapse)
    ids = {graph.vertices[i].label: f"n{i}" for i in chosen}
    ids.update({_fold_id(f): _fold_id(f) for f in folds})
    out = ["flowchart BT"]
    for i in chosen:
        label = "<br/>".join(_mermaid_text(line) for line in _label_lines(graph, i))
        shape = ('(["', '"])') if graph.vertices[i].leaf else ('["', '"]')
        out.append(f"  {ids[graph.vertices[i].label]}{shape[0]}{label}{shape[1]}")
    for fold in folds:
        out.append(f'  {_fold_id(fold)}["{_mermaid_text(_fold_text(graph, fold))}"]')
    for a, b, _ in _edges(graph, chosen, folds, hidden):
        out.append(f"  {ids[a]} --> {ids[b]}")
    elided = len(graph.vertices) - len(chosen) - sum(len(f.hidden) for f in folds)
    if elided:
        out.append(f'  elided["{elided:,} more nodes not shown"]')
    return "\n".join(out)
