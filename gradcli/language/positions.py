"""Source positions: where in the text a step of the code comes from.

The everyday parse keeps no positions (tracking them halves its speed). Compiling is
deterministic, so step ``i`` of the code compiled once more from a parse that knows
where its nodes are is step ``i`` of the code that ran: a question about a step (an
error's column, a graph node's text, a warning's "line 2, column 5") is answered
from that compile, of which only each step's span and caret are kept.
"""

from __future__ import annotations

import functools

from gradcli.language.compiler import compile_tree
from gradcli.language.parser import Tree, parse_spans
from gradcli.registry import OPS

_Place = tuple[int, int, int] | None
"""A step's start and end offsets and the 1-based column of its caret; None where its
node has no position."""


@functools.lru_cache(maxsize=4)
def _places(source: str) -> tuple[_Place, ...]:
    # Kept for the next question about the same source (every node of a graph asks).
    tree, spans = parse_spans(source)
    nodes: list[Tree] = []
    compile_tree(tree, source, origins=nodes)
    return tuple([_place(node, spans, source) for node in nodes])


def _place(node: Tree, spans: dict, source: str) -> _Place:
    span = spans.get(id(node))
    if span is None:
        return None
    return span[1], span[2], _caret(node, span[1], spans, source)


def _step(source: str, index: int) -> _Place:
    if not source:
        return None
    places = _places(source)
    return places[index] if 0 <= index < len(places) else None


def column(source: str, index: int) -> int | None:
    """The column (in the whole text) that a caret for step ``index`` points at."""
    place = _step(source, index)
    return None if place is None else place[2]


def span(source: str, index: int) -> tuple[int, int] | None:
    """Where step ``index`` is in the source: 0-based start and end offsets."""
    place = _step(source, index)
    return None if place is None else place[:2]


def where(source: str, index: int) -> str:
    """Where step ``index`` is, for a message: its column, and its line in a program."""
    place = _step(source, index)
    if place is None:
        return "column ?"
    at = place[2] or place[0] + 1
    if "\n" not in source.strip():
        return f"column {at}"
    line = source.count("\n", 0, at - 1) + 1
    return f"line {line}, column {at - source.rfind(chr(10), 0, at - 1) - 1}"


def describe(node: Tree) -> str:
    """What a node computes, in a few words for a message: ``sin(...)``, ``/``."""
    if node.data == "name":
        return f"the value of {node.children[0]}"
    if node.data == "call":
        return f"{node.children[0]}(...)"
    exponent = node.children[-1]
    if node.data == "pow" and getattr(exponent, "data", None) == "superscript":
        return f"the power {exponent.children[0]}"
    symbols = {
        "add": "+",
        "sub": "-",
        "mul": "*",
        "div": "/",
        "pow": "**",
        "matmul": "@",
        "neg": "unary -",
        "sqrt": "√",
    }
    return symbols.get(node.data, node.data)


def _caret(node: Tree, start: int, spans: dict, source: str) -> int:
    """The column to point at: a binary operator's symbol, else where the node starts."""
    left = spans.get(id(node.children[0])) if node.children else None
    if node.data in OPS and len(node.children) == 2 and left is not None:
        position = left[2]
        while position < len(source) and source[position] in " \t)":
            position += 1
        return position + 1
    return start + 1
