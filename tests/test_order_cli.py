"""`gradcli diff --order N` (Taylor mode and nested reverse mode) through the CLI."""

import json
import math

import pytest
from clirun import document
from typer.testing import CliRunner

from gradcli.cli import app

runner = CliRunner()


def derivatives(expression, *args):
    return document("diff", expression, *args)


def test_s2_3_second_derivative_of_x_squared():
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
