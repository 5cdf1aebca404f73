"""gradcli check through the real command: exact derivatives against numerical ones.

The oracle is the function's values: a rule that is wrong must be caught with exit 1,
naming the operation, the input and the size of the error, and a correct one, however
ill-conditioned, must pass with exit 0.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.autograd.ops import elementwise
from gradcli.autograd.tensor import Tensor
from gradcli.compute import bind
from gradcli.compute.checking import check
from gradcli.compute.samples import SAMPLES, checked
from gradcli.language import compile
from gradcli.registry import OPS
from tests.clirun import run

MULTIPLY_ADD = """
from gradcli.autograd import Function


class MultiplyAdd(Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        return grad_output * {w_grad}, grad_output * w, grad_output
"""


@pytest.fixture(autouse=True)
def registry():
    """Plugins register into the one registry; put it back as it was."""
    from gradcli import plugins

    saved, loaded = dict(OPS), set(plugins._loaded)
    yield
    OPS.clear()
    OPS.update(saved)
    plugins._loaded.clear()
    plugins._loaded.update(loaded)


def plugin(tmp_path, w_grad):
    path = tmp_path / f"muladd_{w_grad.replace('*', '_')}.py"
    path.write_text(MULTIPLY_ADD.format(w_grad=w_grad))
    return str(path)


AT = ("--at", "w=2", "--at", "x=3", "--at", "b=1")


def test_a_wrong_backward_is_caught_naming_the_op_the_input_and_the_error(tmp_path):
    bad = plugin(tmp_path, "w")  # d/dw (w*x + b) is x, not w
    code, out, err = run("check", "multiply_add(w, x, b)", "--plugin", bad, *AT, "-o", "plain")
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines()]
    verdicts = {row[1]: (float(row[5]), float(row[6]), row[-1]) for row in rows}
    assert verdicts == {
        "w": (2.0, 3.0, "DISAGREE"),
        "x": (2.0, 2.0, "agree"),
        "b": (1.0, 1.0, "agree"),
    }
    (line,) = err.splitlines()
    assert line.startswith("error: the rule of multiply_add (from ")
    assert "∂/∂w (w = 2, x = 3, b = 1) is 2 by reverse mode and 3 numerically, off by 1 " in line
    assert "1 of 3 derivatives disagree" in line


def test_the_correct_backward_passes(tmp_path):
    good = plugin(tmp_path, "x")
    code, out, err = run("check", "multiply_add(w, x, b)", "--plugin", good, *AT, "-o", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["passed"] is True
    assert {r["input"]: r["exact"] for r in doc["rows"]} == {"w": 3.0, "x": 2.0, "b": 1.0}
    assert {r["verdict"] for r in doc["rows"]} == {"agree"}


def test_a_lucky_point_hides_the_wrong_rule_and_random_points_find_it(tmp_path):
    bad = plugin(tmp_path, "w")
    lucky = ("--at", "w=2", "--at", "x=2", "--at", "b=1")  # w == x: grad*w is grad*x here
    assert run("check", "multiply_add(w, x, b)", "--plugin", bad, *lucky)[0] == 0
    code, out, err = run(
        "check", "multiply_add(w, x, b)", "--plugin", bad, *lucky, "--random", "3",
        "--seed", "7", "-o", "json",
    )  # fmt: skip
    assert code == 1 and "∂/∂w at point " in err
    doc = json.loads(out)
    assert len(doc["points"]) == 3 and {r["point"] for r in doc["rows"]} == {0, 1, 2}
    for row in doc["rows"]:
        point = doc["points"][row["point"]]
        expected = {"w": point["x"], "x": point["w"], "b": 1.0}[row["input"]]
        assert row["numerical"] == pytest.approx(expected, rel=1e-9)
        assert row["verdict"] == ("DISAGREE" if row["input"] == "w" else "agree")
    # Each element within ±50% of its --at value, keeping its sign.
    assert all(1 <= p["w"] <= 3 and 1 <= p["x"] <= 3 for p in doc["points"])


def test_second_order_catches_the_wrong_rule_at_the_lucky_point(tmp_path):
    bad = plugin(tmp_path, "w")
    lucky = ("--at", "w=2", "--at", "x=2", "--at", "b=1")
    code, out, _ = run("check", "multiply_add(w, x, b)", "--plugin", bad, *lucky, "--order", "2", "-o", "json")  # fmt: skip
    assert code == 1
    hessian = {r["input"]: r for r in json.loads(out)["rows"] if r["order"] == 2}
    # d²/dw² of w*x + b is 0 and d²/dw dx is 1; the wrong rule gives 1 and 0.
    assert (hessian["w"]["exact"], hessian["w"]["numerical"]) == (1.0, pytest.approx(0, abs=1e-9))
    assert hessian["w,x"]["exact"] == 0.0
    assert hessian["w,x"]["numerical"] == pytest.approx(1.0, rel=1e-9)
    assert hessian["x,w"]["verdict"] == "agree"


def test_order_two_checks_every_hessian_entry_and_taylor_mode():
    code, out, _ = run("check", "sin(x)*y**3", "--at", "x=0.5", "--at", "y=2", "--order", "2", "-o", "json")  # fmt: skip
    assert code == 0
    rows = json.loads(out)["rows"]
    exact = {(r["input"], r["order"], r["method"]): r["exact"] for r in rows}
    x, y = 0.5, 2.0
    assert exact["x", 2, "reverse"] == pytest.approx(-np.sin(x) * y**3)
    assert exact["x,y", 2, "reverse"] == pytest.approx(3 * np.cos(x) * y**2)
    assert exact["y,x", 2, "reverse"] == pytest.approx(3 * np.cos(x) * y**2)
    assert exact["y", 2, "taylor"] == pytest.approx(6 * np.sin(x) * y)
    assert {r["scheme"] for r in rows} == {"complex"}  # every operation is analytic


@pytest.mark.parametrize(
    ("expression", "at"),
    [("log1p(x)", "x=1e-10"), ("exp(100*x)", "x=1"), ("x**20", "x=3"), ("abs(x)*x**20", "x=3")],
)
def test_correct_but_ill_conditioned_rules_pass(expression, at):
    code, out, err = run("check", expression, "--at", at, "--order", "2", "-o", "json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert {r["verdict"] for r in rows} == {"agree"}
    # The tolerance is a little above rounding, far below any wrong rule.
    assert all(r["tolerance"] <= 1e-5 * abs(r["exact"]) for r in rows)


def test_a_kink_is_not_smooth_and_not_a_failure():
    code, out, err = run("check", "abs(x)", "--at", "x=0", "-o", "json")
    assert code == 0 and err == ""
    (row,) = json.loads(out)["rows"]
    assert row["verdict"] == "not smooth" and "kink" in row["reason"]


def test_a_kink_closer_than_the_steps_is_not_mistaken_for_a_wrong_rule():
    result = check(compile("abs(x - 1)*x"), bind(["x=1.0000001"]))
    assert result.passed
    assert {row.verdict for row in result.rows} == {"not smooth"}


def test_a_non_scalar_value_is_reduced_with_fixed_weights():
    code, out, _ = run("check", "v*exp(w)", "--at", "v=[1,2]", "--at", "w=[0.5,-1]", "--seed", "3", "-o", "json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    weights = np.array(doc["weights"])
    exact = {r["input"]: r["exact"] for r in doc["rows"] if r["method"] == "reverse"}
    assert exact["v[1]"] == pytest.approx(weights[1] * np.exp(-1))
    assert exact["w[0]"] == pytest.approx(weights[0] * 1 * np.exp(0.5))


def test_points_from_a_file(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n0.5,2\n-1,3\n")
    code, out, _ = run("check", "x*y**2", "--points", str(path), "-o", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["points"] == [{"x": 0.5, "y": 2.0}, {"x": -1.0, "y": 3.0}]
    grads = {(r["point"], r["input"]): r["exact"] for r in doc["rows"] if r["method"] == "reverse"}
    assert grads == {(0, "x"): 4.0, (0, "y"): 2.0, (1, "x"): 9.0, (1, "y"): -6.0}


def test_a_table_on_a_terminal_and_plain_text_in_a_pipe(tmp_path):
    code, out, _ = run("check", "sin(x)", "--at", "x=1", "-o", "table")
    assert code == 0
    assert "derivative" in out and "all 2 derivatives agree" in out
    code, out, _ = run("check", "sin(x)", "--at", "x=1")
    assert out.splitlines()[0].split("\t")[:5] == ["1", "x", "1", "reverse", "complex"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x**2", "--at", "x=1", "--order", "3"), "--order 3"),
        (("x**2", "--at", "x=1", "--random", "0"), "--random 0"),
        (("x**2", "--at", "x=1", "--random", "2", "--points", "p.csv"), "not both"),
        (("x**2", "--builtins"), "leave out EXPR"),
        (("x**2", "--at", "y=1"), "unknown name 'x'"),
        (("x**2 +", "--at", "x=1"), "error:"),
        (("x**2", "--at", "x=1", "--wrt", "z"), "--wrt z"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(args, message):
    code, out, err = run("check", *args)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err


def test_a_huge_input_is_refused_before_any_work():
    code, out, err = run("check", "sum(v**2)", "--at", "v=ones(100)", "--order", "2")
    assert code == 2 and out == ""
    assert "over the budget" in err and "--order 1" in err


def test_builtins_cover_every_operation_and_pass():
    code, out, err = run("check", "--builtins", "-o", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["operations"]) == {name for name, info in OPS.items() if checked(info)}
    assert set(doc["operations"]) == set(SAMPLES)
    for name, checks in doc["operations"].items():
        assert len(checks) == len(SAMPLES[name])
        assert all(c["passed"] and c["rows"] for c in checks), name
        assert all(name in compile(c["expression"]).operations for c in checks)


def test_builtins_check_a_plugins_operations_and_catch_a_wrong_one(tmp_path):
    code, out, err = run("check", "--builtins", "--plugin", plugin(tmp_path, "w"), "-o", "json")
    assert code == 1
    doc = json.loads(out)
    shapes = [np.shape(c["points"][0]["w"]) for c in doc["operations"]["multiply_add"]]
    assert shapes == [(), (3,), (2, 3)]
    assert not any(c["passed"] for c in doc["operations"]["multiply_add"])
    assert all(
        c["passed"] for name, cs in doc["operations"].items() if name != "multiply_add" for c in cs
    )
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: the derivatives of multiply_add")


@settings(max_examples=25, deadline=None)
@given(
    x=st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3),
    scale=st.floats(1e-3, 1e3),
)
def test_correct_rules_agree_and_a_perturbed_gradient_does_not(x, scale):
    expression = compile("exp(sin(s*x)*x**2)")
    bound = bind([f"x={x!r}", f"s={scale!r}"])
    assert check(expression, bound, wrt=["x"]).passed
    # The same value with a gradient 1% off: the outer exp's rule scaled by 1.01.
    original = elementwise.Exp.backward
    try:
        elementwise.Exp.backward = staticmethod(
            lambda ctx, grad_output: original(ctx, grad_output) * Tensor(1.01)
        )
        assert not check(expression, bound, wrt=["x"]).passed
    finally:
        elementwise.Exp.backward = original
