"""`gradcli diff --order N` (Taylor mode and nested reverse mode) through the CLI."""

import json
import math
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from gradcli.cli import app
from tests.clirun import document, run

runner = CliRunner()


def derivatives(expression, *args):
    return document("diff", expression, *args)


def test_second_derivative_of_x_squared():
    doc = derivatives("x**2", "--at", "x=3", "--order", "2")
    assert doc["derivatives"] == {"x": [6.0, 2.0]} and doc["method"] == "taylor"


@pytest.mark.parametrize(
    "expression",
    [
        "exp(sin(x))",
        "sin(x)*exp(-x**2/2) + log(1+x**2)",
        "sqrt(1+x)/(2+cos(x))",
        "tanh(x)**3 - atan(x)",
    ],
)
def test_taylor_and_nested_agree(expression):
    taylor = derivatives(expression, "--at", "x=0.5", "--order", "6", "--method", "taylor")[
        "derivatives"
    ]["x"]
    nested = derivatives(expression, "--at", "x=0.5", "--order", "6", "--method", "nested")[
        "derivatives"
    ]["x"]
    assert taylor == pytest.approx(nested, rel=1e-11, abs=1e-11)


def test_high_order_closed_forms():
    doc = derivatives("1/(1-x)", "--at", "x=0.5", "--order", "30")
    expected = [math.factorial(k) / 0.5 ** (k + 1) for k in range(1, 31)]
    assert doc["derivatives"]["x"] == pytest.approx(expected, rel=1e-12)
    doc = derivatives("exp(2*x)", "--at", "x=0.25", "--order", "100")
    assert doc["derivatives"]["x"] == pytest.approx(
        [2.0**k * math.exp(0.5) for k in range(1, 101)], rel=1e-12
    )


def test_pure_derivatives_for_each_variable():
    doc = derivatives("x**2*y", "--at", "x=3", "--at", "y=2", "--order", "3")
    assert doc["derivatives"] == {"x": [12.0, 4.0, 0.0], "y": [9.0, 0.0, 0.0]}


def test_table_shows_order_value_and_taylor_coefficient():
    result = runner.invoke(app, ["diff", "exp(x)", "--at", "x=0", "--order", "3", "-o", "table"])
    assert result.exit_code == 0
    assert "f^(k)/k!" in result.stdout and "0.166667" in result.stdout  # 1/3!


def test_plain_is_one_line_of_derivatives():
    result = runner.invoke(app, ["diff", "x**3", "--at", "x=2", "--order", "3", "-o", "plain"])
    assert result.stdout == "12.0\t12.0\t6.0\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x", "--at", "x=1", "--order", "171"), "highest order is 170"),
        (("x", "--at", "x=1", "--order", "2", "--method", "fast"), "--method 'fast'"),
        (("x*x", "--at", "x=[1,2]", "--order", "2"), "use --hessian"),
        (("x*[1,2]", "--at", "x=1", "--order", "2"), "scalar value"),
        (("x", "--at", "x=1", "--order", "2", "--hessian"), "give one of them"),
    ],
)
def test_bad_orders(args, message):
    result = runner.invoke(app, ["diff", *args])
    assert result.exit_code == 2 and result.stdout == "" and message in result.stderr


def test_auto_falls_back_to_nested_at_a_kink_and_says_so():
    result = runner.invoke(
        app, ["diff", "abs(x) + x**2", "--at", "x=0", "--order", "2", "-o", "json"]
    )
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["method"] == "nested"
    assert doc["derivatives"]["x"] == [0.0, 2.0]  # abs'(0) = 0 by convention
    assert "Taylor mode" in doc["warnings"][0] and "abs" in result.stderr
    forced = runner.invoke(
        app, ["diff", "abs(x)", "--at", "x=0", "--order", "2", "--method", "taylor"]
    )
    assert forced.exit_code == 2 and "abs" in forced.stderr


def test_a_power_whose_value_underflows_is_not_reported_as_zero_derivatives():
    doc = derivatives("x**1.5", "--at", "x=1e-300", "--order", "2")
    assert doc["derivatives"]["x"] == pytest.approx([1.5e-150, 0.75e150], rel=1e-12)
    assert doc["method"] == "nested" and "Taylor mode" in doc["warnings"][0]
    # Taylor mode could not run; that is not a kink, and the warning does not say it is.
    assert "kink" not in doc["warnings"][0]


# --- constants stay constants in Taylor mode ------------------------------------------------------


def _exp_3_sin_derivatives(x, order):
    """d^k/dx^k exp(3 sin x), k = 1..order, by Leibniz's rule on f' = (3 sin x)' f."""
    g = [3 * math.sin(x + j * math.pi / 2) for j in range(order + 1)]
    f = [math.exp(3 * math.sin(x))]
    for n in range(order):
        f.append(sum(math.comb(n, k) * g[k + 1] * f[n - k] for k in range(n + 1)))
    return f[1:]


def test_a_negative_index_is_a_constant_in_taylor_mode():
    # -1 is neg(1): it reached Taylor mode as a series, was refused as an index, and
    # order 20 fell back to nested reverse mode, over its budget, with a kink warning.
    expected = _exp_3_sin_derivatives(0.5, 20)
    results = {}
    for index in ("-1", "3"):
        code, out, err = run("diff", f"exp(sin(x)*arange(4))[{index}]", "--at", "x=0.5",
                             "--order", "20", "-o", "json")  # fmt: skip
        assert code == 0 and err == "", err
        results[index] = json.loads(out)
        assert results[index]["method"] == "taylor"
        assert results[index]["derivatives"]["x"] == pytest.approx(expected, rel=1e-12)
    assert results["-1"]["derivatives"] == results["3"]["derivatives"]


@pytest.mark.parametrize(
    "expression",
    [
        "sum(softmax(x*arange(3), dim=-1)*arange(3))",
        "sum(log_softmax(x*arange(3), -1)**2)",
        "sum(reshape(exp(x*arange(4)), -1, 1)[-2:])",
        "sum(exp(x*arange(4))[arange(4) > 1])",
        "exp(x*arange(4))[2 - 3]",
    ],
)
def test_negative_dims_shapes_and_constant_indices_run_in_taylor_mode(expression):
    taylor = run("diff", expression, "--at", "x=0.5", "--order", "4", "--method", "taylor",
                 "-o", "json")  # fmt: skip
    assert taylor[0] == 0 and taylor[2] == "", taylor[2]
    nested = derivatives(expression, "--at", "x=0.5", "--order", "4", "--method", "nested")
    assert json.loads(taylor[1])["derivatives"]["x"] == pytest.approx(
        nested["derivatives"]["x"], rel=1e-12
    )


# --- the budget counts elements -------------------------------------------------------------------


def test_taylor_modes_budget_counts_the_elements_operations_touch():
    start = time.perf_counter()
    code, out, err = run("diff", "sum(exp(x*ones(1000000)))", "--at", "x=0.1", "--order", "100")
    assert time.perf_counter() - start < 5
    assert code == 2 and out == ""
    assert "4 operations on 4,000,000 elements" in err and "over the budget" in err
    doc = derivatives("sum(exp(x*ones(1000)))", "--at", "x=0.1", "--order", "20")
    assert doc["derivatives"]["x"] == pytest.approx([1000 * math.exp(0.1)] * 20, rel=1e-13)


# --- plain diff says where the engine's convention stands in for a derivative ----------------------


@pytest.mark.parametrize(
    ("expression", "at", "gradient", "op"),
    [
        ("abs(x)", ["x=0"], {"x": 0.0}, "abs"),
        ("relu(x) + x", ["x=0"], {"x": 1.0}, "relu"),
        ("abs(x - y)", ["x=1", "y=1"], {"x": 0.0, "y": 0.0}, "abs"),
        ("max(x, y)", ["x=2", "y=2"], {"x": 0.5, "y": 0.5}, "maximum"),
        ("sum(abs(x))", ["x=[0, 1]"], {"x": [0.0, 1.0]}, "abs"),
        ("x * (x > 0)", ["x=0"], {"x": 0.0}, ">"),
    ],
)
def test_plain_diff_warns_at_a_kink_and_keeps_the_convention(expression, at, gradient, op):
    args = [a for value in at for a in ("--at", value)]
    code, out, err = run("diff", expression, *args, "-o", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["gradient"] == gradient
    (line,) = err.splitlines()
    assert line.startswith(f"warning: {op} is not ") and "at this point" in line
    assert "PyTorch's conventions (abs'(0) = 0, ties split evenly)" in line
    assert doc["warnings"] == [line.removeprefix("warning: ")]


@pytest.mark.parametrize(
    "args",
    [
        ("abs(x)", "--at", "x=0.25"),
        ("abs(x**2)", "--at", "x=0"),  # touching, not crossing: smooth
        ("abs(y) * x", "--at", "x=1", "--at", "y=0", "--wrt", "x"),  # the kink is in y
        ("exp(sin(x))", "--at", "x=0"),
    ],
)
def test_plain_diff_is_quiet_where_the_function_is_smooth(args):
    code, _, err = run("diff", *args)
    assert code == 0 and err == ""


_TAYLOR_LOADED = """
import sys
from gradcli.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print("gradcli.taylor" in sys.modules)
"""


@pytest.mark.parametrize(("expression", "loaded"), [("sin(x)*x", "False"), ("abs(x)", "True")])
def test_plain_diff_loads_taylor_mode_only_to_look_for_kinks(expression, loaded):
    # Start-up: only an expression with an operation that can have a kink needs the look.
    result = subprocess.run(
        [sys.executable, "-c", _TAYLOR_LOADED, "diff", expression, "--at", "x=1"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.splitlines()[-1] == loaded
