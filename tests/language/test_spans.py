"""Where the steps are (positions' spans and carets, from parse_spans) is what Lark's
position tracking says: every node's span as its meta has it, every caret as before."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.errors import ExpressionError
from gradcli.language import positions
from gradcli.language.compiler import compile_tree
from gradcli.registry import OPS
from tests.language.test_fast_parse import PROGRAMS
from tests.test_startup_parts import PIECES

# The module (gradcli.language.parser is also the name of its function parser()).
language = importlib.import_module("gradcli.language.parser")


def _larks_places(source: str) -> list[tuple[int, int, int] | None]:
    """Each step's span and caret from the nodes of Lark's parse with positions."""
    places = []
    for step in compile_tree(language.parse(source, positions=True), source).steps:
        meta = step.node.meta
        if meta.empty:
            places.append(None)
            continue
        caret = meta.start_pos + 1
        left = step.node.children[0] if step.node.children else None
        if (
            step.node.data in OPS
            and len(step.node.children) == 2
            and isinstance(left, language.Tree)
            and not left.meta.empty
        ):
            at = left.meta.end_pos
            while at < len(source) and source[at] in " \t)":
                at += 1
            caret = at + 1
        places.append((meta.start_pos, meta.end_pos, caret))
    return places


def _places(source: str) -> list[tuple[int, int, int] | None]:
    count = len(compile_tree(language.parse(source), source).steps)
    found = []
    for index in range(count):
        span = positions.span(source, index)
        found.append(None if span is None else (*span, positions.column(source, index)))
    return found


def _check(source: str) -> None:
    try:
        expected = _larks_places(source)
    except ExpressionError:
        return  # does not parse or compile: no steps to place
    assert _places(source) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_spans_and_carets_are_larks(source):
    _check(source)


@pytest.mark.parametrize(
    "source",
    [
        *PROGRAMS,
        "((x)) * ( (x+1) ) / 2 + sin( (x) )",
        "x ** 2 + sin( x ) @ 3",
        "s = 0\nfor i in range(3):\n    s = s + x\n    if s > 1:\n        s = s - 1\ns",
        "def f(a):\n    b = a*a\n    return b\ny = f(x)\ny",
    ],
)
def test_programs_spans_and_carets_are_larks(source):
    _check(source)


def test_a_long_sum_is_placed_as_lark_places_it():
    _check("+".join(f"(sin(x{k % 7}) )*{k}" for k in range(2000)))
