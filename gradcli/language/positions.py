"""Source positions: where in the text a step of the code comes from.

The everyday parse keeps no positions (tracking them halves its speed). Compiling is
deterministic, so step ``i`` of a parse with positions is step ``i`` of the
code that ran: a question about a step (an error's column, a graph node's text,
a warning's "line 2, column 5") compiles the source once more, with positions.
"""

from __future__ import annotations

import functools

from gradcli.language.compiler import Instruction, compile_tree
from gradcli.language.parser import Tree, parse
from gradcli.registry import OPS


@functools.lru_cache(maxsize=4)
def _positioned_steps(source: str) -> tuple[Instruction, ...]:
    # Kept for the next question about the same source (every node of a graph asks).
    return compile_tree(parse(source, positions=True), source).steps


def node_of(source: str, index: int) -> Tree | None:
    """The parse-tree node of step ``index``, from a parse that tracks positions."""
    if not source:
        return None
    steps = _positioned_steps(source)
    return steps[index].node if 0 <= index < len(steps) else None


def column(source: str, index: int) -> int | None:
    """The column (in the whole text) that a caret for step ``index`` points at."""
    node = node_of(source, index)
    return None if node is None else _caret(node, source)


def span(source: str, index: int) -> tuple[int, int] | None:
    """Where step ``index`` is in the source: 0-based start and end offsets."""
    node = node_of(source, index)
    if node is None or node.meta.empty:
        return None
    return node.meta.start_pos, node.meta.end_pos


def where(source: str, index: int) -> str:
    """Where step ``index`` is, for a message: its column, and its line in a program."""
    node = node_of(source, index)
    if node is None or node.meta.empty:
        return "column ?"
    at = _caret(node, source) or node.meta.start_pos + 1
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


def _caret(node: Tree, source: str) -> int | None:
    """The column to point at: a binary operator's symbol, else where the node starts."""
    meta = node.meta
    if meta.empty:
        return None
    left = node.children[0] if node.children else None
    if (
        node.data in OPS
        and len(node.children) == 2
        and isinstance(left, Tree)
        and not left.meta.empty
    ):
        position = left.meta.end_pos
        while position < len(source) and source[position] in " \t)":
            position += 1
        return position + 1
    return meta.start_pos + 1
