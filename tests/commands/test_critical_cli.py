"""gradcli critical through the real command: formats, JSON shape, bad input."""

import json

import pytest

from tests.clirun import document, run


def test_json_document_has_the_documented_shape():
    doc = document("critical", "x**4 - 2*x**2", "--over", "x=-2:2")
    assert set(doc) == {
        "expression",
        "over",
        "starts",
        "points",
        "global_minimum",
        "global_maximum",
    }
    assert doc["over"] == {"x": [-2.0, 2.0]}
    assert [p["where"] for p in doc["points"]] == [
        "end",
        "stationary",
        "stationary",
        "stationary",
        "end",
    ]
    assert set(doc["points"][1]) == {"where", "kind", "point", "value", "eigenvalues", "order"}
    assert doc["global_minimum"] == {"value": -1.0, "points": [{"x": -1.0}, {"x": 1.0}]}
    assert doc["global_maximum"] == {"value": 8.0, "points": [{"x": -2.0}, {"x": 2.0}]}


def test_plain_is_one_line_per_point():
    code, out, err = run("critical", "abs(x-0.5) + x**2", "--over", "x=-1:1", "-o", "plain")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "end\tmaximum\t-1.0\t2.5",
        "kink\tminimum\t0.5\t0.25",
        "end\tmaximum\t1.0\t1.5",
    ]


def test_the_table_names_the_global_extremes_and_counts():
    code, out, _ = run("critical", "x**4 - 2*x**2", "--over", "x=-2:2", "-o", "table")
    assert code == 0
    assert "global minimum │ -1 at x = -1 and x = 1" in out
    assert "3 stationary points, 2 ends" in out


def test_himmelblau_two_variables_with_other_variables_fixed():
    doc = document(
        "critical", "(x**2 + y - 11)**2 + (x + y**2 - a)**2", "--over", "x=-5:5",
        "--over", "y=-5:5", "--at", "a=7",
    )  # fmt: skip
    kinds = [p["kind"] for p in doc["points"]]
    assert (kinds.count("minimum"), kinds.count("maximum"), kinds.count("saddle")) == (4, 1, 4)
    assert doc["at"] == {"a": 7.0} and "global_minimum" not in doc


def test_a_flat_region_is_a_warning():
    code, out, err = run("critical", "relu(x)", "--over", "x=-1:1", "-o", "json")
    assert code == 0
    assert err.startswith("warning: f is flat") and err.count("\n") == 1
    assert json.loads(out)["warnings"][0].startswith("f is flat")


@pytest.mark.parametrize(
    "args, words",
    [
        (["x**2"], "--over"),
        (["x**2", "--over", "x=2:1"], "from low to high"),
        (["x**2", "--over", "y=0:1"], "does not use y"),
        (["x**2", "--over", "x=0:1", "--starts", "0"], "--starts 0"),
        (["x**2", "--over", "x=0:1", "-o", "tsv"], "'tsv' is not one of"),
        (["sum(v)", "--over", "x=0:1", "--at", "v=[1,2]"], "does not use x"),
        (["[x, 2*x]", "--over", "x=0:1"], "single-number"),
        (["x**2", "--over", "x=0:1", "--width", "50"], "--width"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(args, words):
    code, out, err = run("critical", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and words in err, err
