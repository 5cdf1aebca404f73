"""diff --steps: the textbook table of reverse mode, checked adjoint by adjoint."""

import json
import math

import pytest

import gradcli
from gradcli.compute import steps as steps_module
from gradcli.compute.bindings import bind
from gradcli.compute.steps import steps
from gradcli.errors import FormulaMismatch
from tests.clirun import run


def test_the_seed_example_every_value_partial_and_adjoint():
    # S2.1: (x+w)*(w+1) at w = 1, x = 2, worked by hand: gradient 5 and 2.
    result = steps(gradcli.compile("(x+w)*(w+1)"), bind(["w=1", "x=2"]), None)
    assert [(s.name, s.formula, s.value) for s in result.forward] == [
        ("v1", "w + x", 3.0), ("v2", "w + 1", 2.0), ("v3", "v1*v2", 6.0),
    ]  # fmt: skip
    assert {(p.of, p.by): (p.formula, p.value) for p in result.partials} == {
        ("v1", "w"): ("1", 1.0), ("v1", "x"): ("1", 1.0), ("v2", "w"): ("1", 1.0),
        ("v3", "v1"): ("v2", 2.0), ("v3", "v2"): ("v1", 3.0),
    }  # fmt: skip
    assert [(a.of, a.users, a.value) for a in result.backward] == [
        ("v3", [], 1.0), ("v2", ["v3"], 3.0), ("v1", ["v3"], 2.0),
        ("w", ["v1", "v2"], 5.0), ("x", ["v1"], 2.0),
    ]  # fmt: skip
    assert result.gradient == {"w": 5.0, "x": 2.0}


def test_a_shared_value_sums_its_users_and_the_gradient_is_the_engines():
    source = "t = x*y; t + sin(t)"
    result = steps(gradcli.compile(source), bind(["x=2", "y=3"]), None)
    adjoint = {a.of: a for a in result.backward}
    assert adjoint["v1"].users == ["v2", "v3"]
    assert math.isclose(adjoint["v1"].value, 1 + math.cos(6.0), rel_tol=1e-15)
    exact = gradcli.compile(source).grad(x=2.0, y=3.0)
    assert math.isclose(result.gradient["x"], float(exact["x"]), rel_tol=1e-15)
    assert math.isclose(result.gradient["y"], float(exact["y"]), rel_tol=1e-15)


def test_an_adjoint_that_disagrees_with_the_engine_is_reported_as_a_bug(monkeypatch):
    monkeypatch.setattr(steps_module.sp, "diff", lambda f, by: 2 * f.diff(by))
    with pytest.raises(FormulaMismatch, match="bug in gradcli"):
        steps(gradcli.compile("(x+w)*(w+1)"), bind(["w=1", "x=2"]), None)


def test_through_the_command():
    code, out, err = run(
        "diff", "(x+w)*(w+1)", "--at", "w=1", "--at", "x=2", "--steps", "-o", "plain"
    )
    assert code == 0, err
    assert out.splitlines()[-2:] == ["w̄\tv̄1·∂v1/∂w + v̄2·∂v2/∂w\t5.0", "x̄\tv̄1·∂v1/∂x\t2.0"]
    document = json.loads(
        run("diff", "(x+w)*(w+1)", "--at", "w=1", "--at", "x=2", "--steps", "-o", "json")[1]
    )
    assert document["gradient"] == {"w": 5.0, "x": 2.0}
    assert [s["kind"] for s in document["steps"]].count("adjoint") == 5


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["x**2", "--steps"], "--at"),
        (["x**2", "--steps", "--points", "-"], "--points"),
        (["sum(v*v)", "--at", "v=[1,2]", "--steps"], "graph"),
        (["x**2", "--at", "x=1", "--steps", "--order", "2"], "--order"),
    ],
)
def test_what_it_does_not_do_is_refused_in_one_line(args, said):
    code, out, err = run("diff", *args)
    assert code == 2 and out == "" and err.startswith("error:") and said in err
    assert len(err.strip().splitlines()) == 1


def test_a_comparison_is_a_step_with_no_adjoint_and_a_constant_is_its_number():
    result = steps(gradcli.compile("where(x > 0, x*x, 0)"), bind(["x=1"]), None)
    assert result.gradient == {"x": 2.0}
    assert {a.of: a.value for a in result.backward}["v1"] == 0.0
    # y is not differentiated by: it is its number in the formulas.
    result = steps(gradcli.compile("x*y"), bind(["x=1", "y=2"]), ["x"])
    assert [(s.formula, s.value) for s in result.forward] == [("2*x", 2.0)]
