"""The grammar and the tree -> graph step."""

import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.errors import ExpressionError
from gradcli.language import STRUCTURAL, compile, grammar_path
from gradcli.registry import OPS

ROOT = Path(__file__).parents[2]


def value(source, **variables):
    return compile(source).evaluate({k: gradcli.tensor(v) for k, v in variables.items()}).numpy()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("1e-5", 1e-5), ("2.5E+3", 2500.0),
        ("-2**2", -4.0), ("2**3**2", 512.0), ("2^3^2", 512.0), ("2**-1", 0.5), ("-2^2", -4.0),
        ("1-2-3", -4.0), ("8/4/2", 1.0), ("2+3*4", 14.0), ("(2+3)*4", 20.0), ("+3", 3.0),
        ("pi", math.pi), ("e", math.e), ("2*pi", 2 * math.pi), ("1 < 2", 1.0), ("2 <= 1", 0.0),
        ("3 == 3", 1.0), ("3 != 3", 0.0), ("1 + 2 > 2", 1.0),
    ],
)  # fmt: skip
def test_numbers_and_python_precedence(source, expected):
    assert value(source) == expected


def test_literals_indexing_slicing_transpose():
    assert value("[1, 2, 3]").tolist() == [1.0, 2.0, 3.0]
    assert value("[[1, 0], [0, 1]]").tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert value("x[1:3]", x=[0.0, 1, 2, 3]).tolist() == [1.0, 2.0]
    assert value("x[::2]", x=[0.0, 1, 2, 3]).tolist() == [0.0, 2.0]
    assert value("x[-1]", x=[0.0, 1, 2, 3]) == 3.0
    assert value("m[0, 1]", m=[[1.0, 2], [3, 4]]) == 2.0
    assert value("m.T", m=[[1.0, 2], [3, 4]]).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert value("sum(m, dim=0)", m=[[1.0, 2], [3, 4]]).tolist() == [4.0, 6.0]
    assert value("sum(m, 1, 1)", m=[[1.0, 2], [3, 4]]).tolist() == [[3.0], [7.0]]


def test_gradients_flow_through_literals_and_indexing():
    x = gradcli.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = compile("sum([x[0]*x[1], x[2]] ) + x[[0, 0]] @ [1, 1]").evaluate({"x": x})
    y.backward()
    assert x.grad.tolist() == [2.0 + 2.0, 1.0, 1.0]


def test_variable_names_in_order_of_use():
    assert compile("sin(x)*y + x").variables == ("x", "y")


def test_every_grammar_alias_is_an_op_or_a_structural_node():
    aliases = set(re.findall(r"->\s*(\w+)", grammar_path().read_text()))
    assert aliases - set(OPS) <= set(STRUCTURAL)
    assert {"add", "sub", "mul", "div", "pow", "matmul", "neg", "lt", "eq"} <= aliases


def test_deep_nesting_and_long_sums_do_not_recurse():
    x = gradcli.tensor(2.0, requires_grad=True)
    compile("(" * 3000 + "x" + ")" * 3000).evaluate({"x": x}).backward()
    assert x.grad.item() == 1.0
    x = gradcli.tensor(2.0, requires_grad=True)
    compile("+".join(["x"] * 50_000)).evaluate({"x": x}).backward()
    assert x.grad.item() == 50_000.0
    x = gradcli.tensor(2.0, requires_grad=True)
    compile("-" * 4000 + "x").evaluate({"x": x}).backward()
    assert x.grad.item() == 1.0


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "x.__class__",
        "open('f')",
        "eval('1')",
        "exec",
        "lambda: 1",
        "x; y",
        "import os",
    ],
)
def test_nothing_reaches_python(source):
    with pytest.raises(ExpressionError):
        compile(source).evaluate({"x": gradcli.tensor(1.0)})


small = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(small, min_size=2, max_size=5),
    st.lists(st.sampled_from("+-*"), min_size=4, max_size=4),
)
def test_arithmetic_agrees_with_python(numbers, operators):
    parts = [repr(numbers[0])]
    for n, op in zip(numbers[1:], operators):
        parts += [op, f"({n!r})"]
    source = " ".join(parts)
    expected = eval(source)  # the test's own oracle: plain Python on a string it built
    assert value(source) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_grammar_ships_in_the_wheel(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("gradcli-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "gradcli/_grammar/gradcli.lark" in archive.namelist()
        shipped = archive.read("gradcli/_grammar/gradcli.lark").decode()
    assert shipped == (ROOT / "grammar" / "gradcli.lark").read_text()


def test_the_grammar_is_found_from_a_source_checkout():
    assert grammar_path().read_text() == (ROOT / "grammar" / "gradcli.lark").read_text()
    assert np.isclose(value("sin(pi/2)"), 1.0)
