"""`gradcli minimize`, `maximize` and `solve` through the real command: the issue's
examples, the JSON documents' keys, the --trace rows and the exit codes (0 converged or at
--steps with a warning, 1 no answer with the result shown and one error: line, 2 refused
with one error: line and nothing on standard output)."""

import json
import math

import pytest

from tests.clirun import document, run

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"

# The keys each command's --help promises for -o json (with "trace" under --trace).
MINIMUM_KEYS = {
    "expression", "goal", "method", "start", "point", "value", "gradient", "gradient_norm",
    "iterations", "evaluations", "converged", "stop", "message",
}  # fmt: skip
ROOT_KEYS = {
    "expression", "start", "root", "residual", "residual_norm", "iterations", "evaluations",
    "converged", "stop", "message",
}  # fmt: skip
MINIMUM_ROW_KEYS = {"iteration", "point", "value", "gradient_norm", "step"}
ROOT_ROW_KEYS = {"iteration", "point", "residual_norm", "step"}

GD_ROWS = [
    "iteration\tx\tvalue\tgradient_norm\tstep",
    "0\t1.0\t1.0\t2.0\t0.0",
    "1\t0.8\t0.6400000000000001\t1.6\t0.19999999999999996",
    "2\t0.64\t0.4096\t1.28\t0.16000000000000003",
    "3\t0.512\t0.262144\t1.024\t0.128",
]
GD = ("minimize", "x**2", "--at", "x=1", "--method", "gd", "--lr", "0.1", "--steps", "3")


def errors(stderr):
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def refused(*args):
    """The stderr of a request refused as bad input: exit 2, one error: line, no output."""
    code, out, err = run(*args)
    assert code == 2, (code, out, err)
    assert out == ""
    assert len(errors(err)) == 1, err
    return err


# --- the examples ------------------------------------------------------------------


def test_rosenbrock_from_the_classic_start():
    doc = document("minimize", ROSENBROCK, "--at", "x=-1.2", "--at", "y=1")
    assert doc["point"] == {"x": 1.0, "y": 1.0}
    assert (doc["value"], doc["gradient_norm"]) == (0.0, 0.0)
    assert (doc["converged"], doc["stop"], doc["method"], doc["goal"]) == (
        True, "gradient", "trust", "minimum",
    )  # fmt: skip
    assert doc["start"] == {"x": -1.2, "y": 1.0}
    assert doc.keys() >= MINIMUM_KEYS


def test_plain_is_one_line_per_variable():
    code, out, err = run("minimize", ROSENBROCK, "--at", "x=-1.2", "--at", "y=1", "-o", "plain")
    assert (code, out, err) == (0, "1.0\n1.0\n", "")


def test_plain_writes_a_vector_on_its_line():
    code, out, _ = run(
        "minimize", "sum((w-[1,2,3])**2) + (v-1)**2", "--at", "w=zeros(3)", "--at", "v=0",
        "-o", "plain",
    )  # fmt: skip
    assert (code, out) == (0, "1.0\t2.0\t3.0\n1.0\n")


def test_maximize_x_exp_minus_x():
    doc = document("maximize", "x*exp(-x)", "--at", "x=0.3")
    assert doc["goal"] == "maximum" and doc["converged"]
    assert abs(doc["point"]["x"] - 1.0) <= 4 * math.ulp(1.0)
    assert abs(doc["value"] - math.exp(-1)) <= 4 * math.ulp(math.exp(-1))


def test_gradient_descent_trace_rows_as_tsv():
    code, out, err = run(*GD, "--trace", "-o", "tsv")
    assert code == 0
    assert out.splitlines() == GD_ROWS
    # Stopped at --steps: a warning, not an error.
    assert errors(err) == [] and len(err.splitlines()) == 1 and err.startswith("warning:")


def test_gradient_descent_trace_as_csv_has_the_same_rows():
    code, out, _ = run(*GD, "--trace", "-o", "csv")
    assert code == 0
    assert out.splitlines() == [row.replace("\t", ",") for row in GD_ROWS]


def test_trace_as_jsonl_is_one_object_per_iteration():
    code, out, _ = run(*GD, "--trace", "-o", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["iteration"] for row in rows] == [0, 1, 2, 3]
    assert [row["point"]["x"] for row in rows] == [1.0, 0.8, 0.64, 0.512]
    assert all(row.keys() == MINIMUM_ROW_KEYS for row in rows)


def test_trace_in_the_json_document():
    code, out, _ = run(*GD, "--trace", "-o", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc.keys() >= MINIMUM_KEYS | {"trace"}
    assert [row["point"]["x"] for row in doc["trace"]] == [1.0, 0.8, 0.64, 0.512]
    assert all(row.keys() == MINIMUM_ROW_KEYS for row in doc["trace"])
    assert (doc["stop"], doc["converged"], doc["iterations"]) == ("steps", False, 3)


def test_solve_the_classic_cubic():
    code, out, err = run("solve", "x**3 - 2*x - 5", "--at", "x=2", "-o", "plain")
    assert (code, out, err) == (0, "2.0945514815423265\n", "")
    doc = document("solve", "x**3 - 2*x - 5", "--at", "x=2")
    assert doc["root"] == {"x": 2.0945514815423265}
    assert doc["converged"] and doc["stop"] in ("exact", "rounding")
    assert doc.keys() >= ROOT_KEYS


def test_solve_a_system():
    doc = document("solve", "[x**2 + y**2 - 4, x*y - 1]", "--at", "x=2", "--at", "y=0.5")
    x = math.sqrt(2 + math.sqrt(3))
    assert abs(doc["root"]["x"] - x) <= 2 * math.ulp(x)
    assert abs(doc["root"]["y"] - 1 / x) <= 2 * math.ulp(1 / x)
    assert len(doc["residual"]) == 2 and doc["residual_norm"] <= 1e-15
    code, out, _ = run(
        "solve", "[x**2 + y**2 - 4, x*y - 1]", "--at", "x=2", "--at", "y=0.5", "-o", "plain"
    )
    assert code == 0 and len(out.splitlines()) == 2


def test_solve_trace_rows():
    code, out, _ = run("solve", "cos(x) - x", "--at", "x=1", "--trace", "-o", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [row["iteration"] for row in rows] == list(range(len(rows)))
    assert all(row.keys() == ROOT_ROW_KEYS for row in rows)
    assert rows[0]["point"] == {"x": 1.0} and rows[-1]["residual_norm"] <= 1e-15
    code, out, _ = run("solve", "cos(x) - x", "--at", "x=1", "--trace", "-o", "tsv")
    assert out.splitlines()[0] == "iteration\tx\tresidual_norm\tstep"


def test_over_starts_in_the_middle_and_stops_at_the_edge():
    doc = document("minimize", "(x-3)**2", "--over", "x=0:2")
    assert doc["start"] == {"x": 1.0}
    assert doc["point"] == {"x": 2.0}
    assert doc["bounds"] == {"x": [0.0, 2.0]}
    assert doc["at_bounds"] == ["x"] and doc["converged"]
    assert doc["method"] == "lbfgs"


def test_the_help_names_every_json_key_the_tests_hold_it_to():
    for command, keys in (("minimize", MINIMUM_KEYS), ("solve", ROOT_KEYS)):
        code, out, _ = run(command, "--help")
        assert code == 0
        words = " ".join(out.split())
        assert all(f'"{key}"' in words for key in keys), command


# --- exit 1: no answer, the result shown and why -------------------------------------------


@pytest.mark.parametrize("source", ["-x**2", "x"])
def test_an_unbounded_objective_exits_1_with_the_result_and_one_error(source):
    code, out, err = run("minimize", source, "--at", "x=0.5", "-o", "json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["stop"], doc["converged"]) == ("diverged", False)
    assert doc["iterations"] < 2000
    assert len(errors(err)) == 1 and "unbounded below" in err


def test_too_large_a_learning_rate_exits_1_and_says_so():
    # x <- x - 1.5*2x = -2x: |x| doubles each step, and f = x**2 passes 1e150 at step 250.
    code, out, err = run("minimize", "x**2", "--at", "x=1", "--method", "gd", "--lr", "1.5",
                         "--steps", "100000", "-o", "json")  # fmt: skip
    assert code == 1
    doc = json.loads(out)
    assert doc["stop"] == "diverged" and doc["iterations"] < 2000
    assert len(errors(err)) == 1 and "--lr" in err


def test_no_root_exits_1_with_the_point_and_one_error():
    code, out, err = run("solve", "x**2 + 1", "--at", "x=2", "-o", "plain")
    assert code == 1
    assert len(out.splitlines()) == 1 and float(out)  # the point where it stopped
    assert len(errors(err)) == 1 and "no root" in err
    code, out, err = run("solve", "x**2 + 1", "--at", "x=0", "-o", "json")
    assert code == 1 and json.loads(out)["stop"] == "singular"
    assert len(errors(err)) == 1 and "singular" in err


# --- exit 2: refused ---------------------------------------------------------------------------


def test_a_vector_objective_is_refused_with_sum_suggested():
    assert "sum(...)" in refused("minimize", "[x, y]", "--at", "x=1", "--at", "y=2")


def test_no_variables_is_refused():
    refused("minimize", "2+3", "--at", "x=1")


def test_a_start_where_f_is_not_finite_is_refused():
    assert "finite" in refused("minimize", "log(x)", "--at", "x=-1")


def test_a_hessian_method_on_300_variables_is_refused():
    err = refused("minimize", "sum(w**2)", "--at", "w=ones(300)", "--method", "trust")
    assert "lbfgs" in err


def test_more_equations_than_unknowns_is_refused():
    assert "as many equations" in refused("solve", "[x - 1, x + 1]", "--at", "x=0")


def test_tsv_without_trace_is_refused():
    assert "--trace" in refused("minimize", "x**2", "--at", "x=1", "-o", "tsv")


def test_a_learning_rate_for_auto_is_refused():
    assert "--lr" in refused("minimize", "x**2", "--at", "x=1", "--lr", "0.1")


def test_an_unknown_method_is_refused():
    assert "choose" in refused("minimize", "x**2", "--at", "x=1", "--method", "sgd")


def test_momentum_without_its_method_is_refused():
    refused("minimize", "x**2", "--at", "x=1", "--method", "gd", "--momentum", "0.5")


def test_a_start_outside_the_range_is_refused():
    refused("minimize", "(x-3)**2", "--over", "x=0:2", "--at", "x=5")
