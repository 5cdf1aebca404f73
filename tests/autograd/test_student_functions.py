"""The functions a student writes (#20): sec, csc, cot, cbrt, the arc- spellings and
log(x, base), through the real command and the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import gradcli
from tests.clirun import document, run


def test_sec_derivative_at_a_point_is_sec_tan():
    result = document("diff", "sec(x)", "--at", "x=0.5")
    assert result["gradient"]["x"] == pytest.approx(math.tan(0.5) / math.cos(0.5), rel=1e-15)


def test_sec_derivative_as_a_formula_is_sympys():
    x = sp.Symbol("x", real=True)
    formula = sp.sympify(document("diff", "sec(x)")["gradient"]["x"], locals={"x": x})
    assert sp.simplify(formula - sp.diff(sp.sec(x), x)) == 0


@pytest.mark.parametrize("name", ["sec", "csc", "cot", "cbrt"])
def test_formulas_read_back_and_agree_with_reverse_mode(name):
    # --symbolic with --at evaluates each formula at the point and exits 1 on a disagreement
    code, out, err = run("diff", f"{name}(x)", "--at", "x=-0.7", "--symbolic", "--order", "3")
    assert code == 0, err
    assert f"{name}(x)" in out or name == "cot"  # cot's derivatives are written with csc


def test_cbrt_is_the_real_root_exactly():
    assert document("eval", "cbrt(-8)")["value"] == -2.0
    assert document("eval", "cbrt(27)")["value"] == 3.0


def test_cbrt_derivative_is_inf_at_0_and_a_third_of_x_to_minus_two_thirds_elsewhere():
    x = gradcli.tensor([0.0, -8.0, 8.0], requires_grad=True)
    (grad,) = gradcli.autograd.grad(gradcli.cbrt(x).sum(), x)
    assert grad.tolist() == [math.inf, pytest.approx(1 / 12), pytest.approx(1 / 12)]
    assert document("diff", "cbrt(x)")["gradient"]["x"] == "1/(3*cbrt(x)**2)"


def test_log_to_a_base():
    assert document("eval", "log(8, 2)")["value"] == pytest.approx(3.0, rel=2**-52)
    # bases 2 and 10 are log2 and log10, exact at their powers
    assert document("eval", "log(1000, 10)")["value"] == 3.0
    assert document("eval", "log(81, base=3)")["value"] == pytest.approx(4.0, rel=2**-52)
    at = document("diff", "log(x, y)", "--at", "x=5", "--at", "y=3")
    np.testing.assert_allclose(
        [at["gradient"]["x"], at["gradient"]["y"]],
        [1 / (5 * math.log(3)), -math.log(5) / (3 * math.log(3) ** 2)],
        rtol=1e-14,
    )


def test_log_with_a_base_in_taylor_mode():
    taylor = document("diff", "log(x, 3)", "--at", "x=2", "--order", "2")
    np.testing.assert_allclose(
        taylor["derivatives"]["x"],
        [1 / (2 * math.log(3)), -1 / (4 * math.log(3))],
        rtol=1e-14,
    )


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
        ("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh"),
    ],
)  # fmt: skip
def test_the_arc_spellings_are_the_same_functions(spelling, name):
    at = "x=1.5" if name == "acosh" else "x=0.5"
    assert document("diff", f"{spelling}(x)", "--at", at) == {
        **document("diff", f"{name}(x)", "--at", at),
        "expression": f"{spelling}(x)",
    }
    listing = run("functions", "-o", "plain")[1]
    (line,) = [line for line in listing.splitlines() if line.startswith(f"{name}(x)")]
    assert f", {spelling}(x)" in line


def test_sec_is_known_rather_than_a_misspelled_mse():
    code, out, err = run("eval", "sec(0)")
    assert code == 0 and "mse" not in err
    assert float(out) == 1.0
