"""The fast parse gives Lark's trees to the attribute, and leaves what does not parse to Lark;
code compiled without positions keeps no parse tree."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.language import compile as compile_expression
from gradcli.language import positions
from gradcli.language.compiler import compile_tree
from tests.test_startup_parts import PIECES, _outcome

# The module (gradcli.language.parser is also the name of its function parser()).
language = importlib.import_module("gradcli.language.parser")


def _fast_outcome(source: str, positioned: bool) -> Any:
    tree = language._fast_parser(positioned).parse(source)
    return "left to Lark" if tree is None else _outcome(_Parsed(tree), source, positioned)


class _Parsed:
    """A parser whose parse gives a tree already made, for ``_outcome``."""

    def __init__(self, tree: Any):
        self.tree = tree

    def parse(self, source: str) -> Any:
        return self.tree


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_the_fast_parse_gives_larks_tree_or_leaves_the_text_to_lark(source):
    text = source + "\n"
    for positioned in (False, True):
        expected = _outcome(language.parser(positioned), text, positioned)
        found = _fast_outcome(text, positioned)
        if isinstance(expected[0], str) and expected[0].startswith(("Unexpected", "Layout")):
            assert found == "left to Lark"
        else:
            assert found == expected


PROGRAMS = [
    "sin(x)*exp(-x**2/2) + √x² - x⁻¹ + π",
    "a[0, 1:] @ b.T + sum(v, axis=0) + x.sum()",
    "x if x > 0 and y < 1 or not z else -x",
    "s = 0\nfor i in range(3):\n    if i == 1:\n        continue\n    s += i*x\ns",
    "def f(a, b):\n    return a*b\n\nf(x, 2) + f(x, b=3)",
    "b = a*2; while b.norm() < 1000 { b = b*2 }; b",
    "y = (x +\n     1)  # a comment\ny ** 2",
]


@pytest.mark.parametrize("source", PROGRAMS)
def test_programs_parse_as_lark_parses_them(source):
    for positioned in (False, True):
        text = source + "\n"
        assert _fast_outcome(text, positioned) == _outcome(
            language.parser(positioned), text, positioned
        )


def test_a_long_sum_parses_as_lark_parses_it():
    text = "+".join(f"sin(x{k % 7})*{k}" for k in range(2000)) + "\n"
    for positioned in (False, True):
        assert _fast_outcome(text, positioned) == _outcome(
            language.parser(positioned), text, positioned
        )


def test_code_without_positions_shares_its_steps_and_keeps_no_subtree():
    source = "+".join(["sin(x)"] * 1000)
    code = compile_tree(language.parse(source), source)
    assert len(code.steps) == 4 * 1000 - 1
    # x, (x), sin(x), sin(x) + sin(x), and the sum so far + sin(x)
    assert len({id(step) for step in code.steps}) == 5
    for step in code.steps:
        for child in step.node.children:
            assert not any(isinstance(g, language.Tree) for g in getattr(child, "children", ()))
    # With positions, each step has its own whole node: where spans come from.
    positioned = compile_tree(language.parse(source, positions=True), source)
    assert len({id(step.node) for step in positioned.steps}) == len(positioned.steps)


def test_steps_alike_but_for_a_token_are_not_shared():
    source = "sin(x) + cos(x) + sin(y) + x**2 + x² + x³ + 2 + 3"
    code = compile_tree(language.parse(source), source)
    positioned = compile_tree(language.parse(source, positions=True), source)
    assert [s.kind for s in code.steps] == [s.kind for s in positioned.steps]
    assert [s.template for s in code.steps] == [s.template for s in positioned.steps]
    assert [positions.describe(s.node) for s in code.steps] == [
        positions.describe(s.node) for s in positioned.steps
    ]
    assert code.operations == positioned.operations


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_nonfinite_value_is_traced_to_its_step_without_the_tree():
    trace: list[str] = []
    compile_expression("x + x⁻¹").evaluate({"x": 0.0}, trace=trace)
    assert trace == ["the power ⁻¹ (column 6)"]
