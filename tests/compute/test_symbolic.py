"""Derivatives as formulas: against SymPy's own derivative of the same text, read back
through the real command, beside the exact numbers, and along a program's path."""

import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.compute import symbolic
from gradcli.compute.bindings import bind
from gradcli.compute.differentiate import differentiate
from gradcli.errors import FormulaMismatch
from tests.clirun import run

X, Y = sp.symbols("x y", real=True)

UNARY = ["sin", "cos", "exp", "tanh", "atan", "sqrt", "log"]


@st.composite
def expressions(draw, depth=3):
    """Random expressions of x and y in syntax both gradcli and SymPy read alike."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "y", "2", "0.5", "3"]))
    kind = draw(st.sampled_from(["unary", "binary", "power"]))
    if kind == "unary":
        name = draw(st.sampled_from(UNARY))
        inner = draw(expressions(depth - 1))
        # sqrt and log on a positive argument, so the formulas are real at the test points.
        return f"{name}(1 + ({inner})**2)" if name in ("sqrt", "log") else f"{name}({inner})"
    if kind == "power":
        return f"({draw(expressions(depth - 1))})**{draw(st.sampled_from(['2', '3']))}"
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    right = draw(expressions(depth - 1))
    right = f"(2 + ({right})**2)" if op == "/" else f"({right})"
    return f"({draw(expressions(depth - 1))}) {op} {right}"


def _sympy(text: str) -> sp.Expr:
    return sp.sympify(text, locals={"x": X, "y": Y}, rational=True)


@settings(max_examples=40, deadline=None)
@given(expressions(), st.sampled_from([(0.3, 0.7), (-1.2, 0.4), (1.5, -2.0)]))
def test_each_formula_is_sympys_derivative_and_about_as_short(source, point):
    f = gradcli.compile(source)
    result = symbolic.derivatives(f)
    reference = _sympy(source)
    at = {"x": point[0], "y": point[1]}
    for name, symbol in (("x", X), ("y", Y)):
        if name not in f.variables:
            continue
        expected = float(sp.diff(reference, symbol).subs({X: at["x"], Y: at["y"]}))
        formula = _sympy(result.gradient[name])
        found = float(formula.subs({X: at["x"], Y: at["y"]}))
        assert math.isclose(found, expected, rel_tol=1e-12, abs_tol=1e-12)
        # As short as SymPy's simplify of the derivative, within a small factor.
        simplest = sp.simplify(sp.diff(reference, symbol))
        assert sp.count_ops(formula) <= 2 * sp.count_ops(simplest) + 2


def test_a_formula_reads_back_and_gives_the_numbers_of_diff_at_the_point():
    code, formula, err = run("diff", "x^2*sin(x)", "-o", "plain")
    assert code == 0, err
    assert _sympy(formula.strip()).equals(2 * X * sp.sin(X) + X**2 * sp.cos(X))
    code, read_back, _ = run("eval", formula.strip(), "--at", "x=1.3", "-o", "plain")
    code, exact, _ = run("diff", "x^2*sin(x)", "--at", "x=1.3", "-o", "plain")
    assert math.isclose(float(read_back), float(exact), rel_tol=4e-16)


def test_one_formula_per_variable_and_per_order_and_the_hessian():
    code, out, _ = run("diff", "x**2*y + sin(x*y)", "-o", "plain")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert _sympy(lines[0]).equals(2 * X * Y + Y * sp.cos(X * Y))
    assert _sympy(lines[1]).equals(X**2 + X * sp.cos(X * Y))
    code, out, _ = run("diff", "exp(sin(x))", "--order", "3", "-o", "plain")
    f = sp.exp(sp.sin(X))
    for k, line in enumerate(out.splitlines(), start=1):
        assert _sympy(line).equals(sp.diff(f, X, k))
    document = json.loads(run("diff", "x**2*y + sin(x*y)", "--hessian", "-o", "json")[1])
    matrix = document["hessian"]["matrix"]
    g = X**2 * Y + sp.sin(X * Y)
    for i, a in enumerate((X, Y)):
        for j, b in enumerate((X, Y)):
            assert _sympy(matrix[i][j]).equals(sp.diff(g, a, b))
    assert document["latex"]["hessian"]["matrix"][1][1] == r"- x^{2} \sin{\left(x y \right)}"


def test_latex_alone():
    code, out, _ = run("diff", "x^2*sin(x)", "-o", "latex")
    assert (
        code == 0
        and out.strip() == r"x \left(x \cos{\left(x \right)} + 2 \sin{\left(x \right)}\right)"
    )


def test_the_seed_program_along_its_path_at_the_point():
    program = "b = a*2; while b.norm() < 1000 { b = b*2 }; b if b.sum() > 0 else 100*b"
    document = json.loads(run("diff", program, "--at", "a=2", "--symbolic", "-o", "json")[1])
    assert document["formulas"]["value"] == "512*a"
    assert document["formulas"]["gradient"] == {"a": "512"}
    assert document["gradient"] == {"a": 512.0}
    code, out, err = run("diff", program)
    assert code == 2 and out == ""
    assert err.startswith("error: the program's path depends on the variables") and "--at" in err


def test_a_formula_that_disagrees_with_the_numbers_is_a_bug_reported_with_exit_1():
    f = gradcli.compile("x**3")
    result = differentiate(f, bind(["x=2"]))
    formulas = symbolic.derivatives(f, point={"x": 2.0})
    wrong = formulas._replace(gradient={"x": "3*x**2 + 1e-6"})
    with pytest.raises(FormulaMismatch, match="bug in gradcli"):
        symbolic.agreement(_with(result, wrong))
    symbolic.agreement(_with(result, formulas))


def _with(result, formulas):
    import dataclasses

    return dataclasses.replace(result, formulas=formulas)


def test_numbers_are_exact_as_written_and_constants_keep_their_names():
    assert symbolic.derivatives(gradcli.compile("0.1*x**1.5 + pi*x")).gradient["x"] == (
        "3*sqrt(x)/20 + pi"
    )


def test_kinks_are_piecewise_with_gradclis_conventions():
    formula = symbolic.derivatives(gradcli.compile("relu(x)")).gradient["x"]
    assert formula == "where(x > 0, 1, 0)"
    for x in (-1.0, 0.0, 2.0):
        exact = float(gradcli.compile("relu(x)").grad(x=x)["x"])
        assert float(gradcli.compile(formula)(x=x).item()) == exact


def test_a_large_derivative_is_given_unsimplified_with_a_note():
    source = " + ".join(f"sin({k}*x)*exp(x/{k + 1})" for k in range(1, 80))
    result = symbolic.derivatives(gradcli.compile(source))
    assert result.warnings and result.warnings[0].limit == symbolic.SIMPLIFY_LIMIT
    x = 0.7
    numeric = float(gradcli.compile(source).grad(x=x)["x"])
    assert math.isclose(
        float(gradcli.compile(result.gradient["x"])(x=x).item()), numeric, rel_tol=1e-12
    )


def test_an_array_value_or_a_plugin_operation_is_refused_clearly():
    code, out, err = run("diff", "stack([x, x**2])")
    assert code == 2 and out == "" and "single-number value" in err
    code, out, err = run("diff", "x**2", "--at", "x=1", "-o", "latex")
    assert code == 2 and "--symbolic" in err


def test_formulas_take_arrays_of_symbols_through_reductions_and_products():
    result = symbolic.derivatives(gradcli.compile("norm(stack([x, y])) + dot([x, y], [y, 1])"))
    r = sp.sqrt(X**2 + Y**2)
    assert _sympy(result.gradient["x"]).equals(X / r + Y)
    assert _sympy(result.gradient["y"]).equals(Y / r + X + 1)
    value = np.asarray([0.3, -0.8])
    numeric = gradcli.compile("norm(stack([x, y])) + dot([x, y], [y, 1])").grad(
        x=value[0], y=value[1]
    )
    found = float(_sympy(result.gradient["x"]).subs({X: 0.3, Y: -0.8}))
    assert math.isclose(found, float(numeric["x"]), rel_tol=1e-13)


def test_a_formula_too_large_for_seconds_is_refused_with_what_to_do():
    source = " + ".join(f"sin({k}*x)*exp(x/{k + 1})" for k in range(1, 400))
    code, out, err = run("diff", source)
    assert code == 2 and out == "" and "1,500" in err and "--at" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["x[0]*y", "--at", "x=[1,2]", "--at", "y=1", "--symbolic"], "x is an array"),
        (["x[0]"], "cannot be indexed"),
        (["x/(x-x)"], "undefined everywhere"),
    ],
)
def test_what_has_no_formula_is_refused_in_one_line(args, said):
    code, out, err = run("diff", *args)
    assert code == 2 and out == "" and err.startswith("error:") and said in err


@pytest.mark.parametrize(
    ("source", "gradient"),
    [
        ("erf(x)", "2*exp(-x**2)/sqrt(pi)"),
        ("erfc(x)", "-2*exp(-x**2)/sqrt(pi)"),
        ("floor(x)*x", "floor(x)"),  # floor' = 0, where SymPy's own floor stays unevaluated
        ("fmod(x, 3) + remainder(x, 3)", "2"),
        ("logsigmoid(x)", "1/(exp(x) + 1)"),
        ("elu(x)", "where(x > 0, 1, exp(x))"),
        ("leaky_relu(x, 0.5)", "where(x > 0, 1, 1/2)"),
    ],
)
def test_the_elementwise_operations_of_22_have_formulas(source, gradient):
    assert symbolic.derivatives(gradcli.compile(source)).gradient["x"] == gradient


@pytest.mark.parametrize("source", ["hardtanh(x)", "relu6(x)", "leaky_relu(x)", "elu(x, 2)"])
def test_the_activations_formulas_keep_pytorchs_derivatives_at_their_kinks(source):
    formula = symbolic.derivatives(gradcli.compile(source)).gradient["x"]
    for x in (-1.0, 0.0, 1.0, 6.0):
        exact = float(gradcli.compile(source).grad(x=x)["x"])
        assert float(gradcli.compile(formula)(x=x).item()) == exact, x


@pytest.mark.parametrize(
    ("source", "said"), [("isnan(x) + x", "isnan has no formula"), ("round(x, 1)", "only round(x)")]
)
def test_what_has_no_formula_among_22s_operations_is_refused_in_one_line(source, said):
    code, out, err = run("diff", source)
    assert code == 2 and out == "" and err.startswith("error:") and said in err
    assert len(err.strip().splitlines()) == 1


# The operations of #22 in the language: each has a formula, and it agrees with the engine.
SHAPE_OPS = [
    "sum(cumsum([x, y, x*y], 0) * [1, 2, 3])",
    "sum(cumprod([x, y, x*y], 0) * [1, 2, 3])",
    "logcumsumexp([x, y, 1], 0)[1] + logcumsumexp([x, y], -1)[0]",
    "var([x, y, 1]) + var([x, 2*y, x*y], 0, 0)",
    "std([x, y, 2]) + std([x, y], correction=0)",
    "sum(tril(reshape(stack([x, y, y, x*x]), 2, 2)) * [[1, 2], [3, 4]])",
    "sum(triu(reshape(stack([x, y, y, x*x]), 2, 2), 1))",
    "sum(diag([x, y], 1) * [[1, 2, 3], [4, 5, 6], [7, 8, 9]]) + sum(diag(reshape(stack([x, y, 1, x*y]), 2, 2)))",
    "trace(reshape(stack([x, y, y, x*x]), 2, 2))",
    "sum(flip([x, y, x*y], 0) * [1, 2, 3])",
    "sum(roll([x, y, x*y], 1) * [1, 2, 3]) + sum(roll(reshape(stack([x, y, 1, 2]), 2, 2), [1, 1], [0, 1]) * [[1, 2], [3, 4]])",
    "sum(outer([x, y], [y, 1, x]) * [[1, 2, 3], [4, 5, 6]])",
    "sum(cross([x, y, 1], [y, 1, x*x]) * [1, 2, 3])",
    "sum(mv(reshape(stack([x, y, y, x]), 2, 2), [x, 1]) * [1, 2])",
    "median(x*y)",
]


@pytest.mark.parametrize("source", SHAPE_OPS)
def test_the_shape_operations_have_formulas_that_agree_with_the_engine(source):
    result = symbolic.derivatives(gradcli.compile(source))
    numeric = gradcli.compile(source).grad(x=0.3, y=-1.2)
    for name in ("x", "y"):
        found = float(gradcli.compile(result.gradient[name])(x=0.3, y=-1.2).item())
        assert math.isclose(found, float(numeric[name]), rel_tol=1e-12, abs_tol=1e-12), name


def test_median_of_several_values_has_no_formula_and_says_to_give_a_point():
    code, out, err = run("diff", "median([x, y])")
    assert code == 2 and out == ""
    assert "median has no formula" in err and "--at" in err
    assert (
        "median has no formula"
        not in run("diff", "median([x, y])", "--at", "x=1", "--at", "y=2")[2]
    )


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("sum(tril([x, y]))", "tril: the tensor must have at least 2 dimensions"),
        ("cumsum([x, y], 3)[0]", "dim 3 is out of range for a tensor with 1 dimension"),
        ("flip([x, y], [0, 0])[0]", "flip: dims [0, 0] name one dimension more than once"),
        ("sum(mv([x, y], [x, y]))", "mv multiplies a matrix by a vector"),
    ],
)
def test_their_formulas_refuse_what_the_engine_refuses_in_its_words(source, said):
    code, out, err = run("diff", source)
    assert code == 2 and out == "" and said in err


def test_a_matrix_literal_of_symbols_has_formulas():
    # Its rows are object arrays of SymPy expressions, not numbers to read as float64.
    result = symbolic.derivatives(gradcli.compile("sum([[x, y], [y, 2*x]] @ [x, 1])"))
    assert result.gradient == {"x": "2*x + y + 2", "y": "x + 1"}
