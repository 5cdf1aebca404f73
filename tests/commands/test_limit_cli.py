"""`gradcli limit` through the CLI: the teaching loop (forward differences of 3x^2 - 4x at
x = 1, h = 0.1 ... 1e-5) and the contract's JSON shape."""

import json
import math
import time

import pytest

from gradcli.autograd.differences import EPS
from tests import clirun

TEACHING_LOOP_ESTIMATES = [
    2.3000000000000043,
    2.029999999999976,
    2.0029999999993104,
    2.000299999997956,
    2.0000300000155837,
]


def run(*args):
    return clirun.run("limit", *args)


def test_json_rows_carry_the_unrounded_floats():
    code, out, _ = run("3*x**2-4*x", "--at", "x=1", "-o", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["expression"], doc["at"], doc["wrt"], doc["scheme"], doc["exact"]) == (
        "3*x**2-4*x", {"x": 1.0}, "x", "forward", 2.0,
    )  # fmt: skip
    assert [r["estimate"] for r in doc["rows"]] == TEACHING_LOOP_ESTIMATES
    assert [r["h"] for r in doc["rows"]] == [0.1, 0.01, 0.001, 0.0001, 1e-05]
    for row in doc["rows"]:
        assert row["abs_error"] == abs(row["estimate"] - 2.0)
        assert row["rel_error"] == row["abs_error"] / 2.0
    assert doc["best"] == {
        "h": 1e-05,
        "estimate": 2.0000300000155837,
        "abs_error": abs(2.0000300000155837 - 2.0),
    }


def test_table_shows_the_teaching_loops_columns():
    code, out, _ = run("3*x**2-4*x", "--at", "x=1", "-o", "table")
    assert code == 0
    for h, estimate in zip(["0.10000", "0.01000", "0.00100", "0.00010", "0.00001"],
                           ["2.30000", "2.03000", "2.00300", "2.00030", "2.00003"]):  # fmt: skip
        assert h in out and estimate in out
    assert "◀ best" in out and "exact (autograd) f' = 2" in out


def test_plain_is_one_tab_separated_line_per_row():
    lines = run("3*x**2-4*x", "--at", "x=1", "-o", "plain")[1].splitlines()
    assert len(lines) == 5
    assert [float(line.split("\t")[1]) for line in lines] == TEACHING_LOOP_ESTIMATES


def test_observed_orders_show_forward_one_and_central_two():
    for scheme, expected in (("forward", 1.0), ("central", 2.0)):
        doc = json.loads(
            run(
                "exp(x)",
                "--at",
                "x=0.5",
                "--scheme",
                scheme,
                "--h",
                "0.1",
                "--steps",
                "3",
                "-o",
                "json",
            )[1]
        )
        assert doc["rows"][-1]["order"] == pytest.approx(expected, abs=0.05)


def test_complex_step_is_exact_at_tiny_h():
    doc = json.loads(
        run(
            "sin(x)*exp(x)",
            "--at",
            "x=0.5",
            "--scheme",
            "complex",
            "--h",
            "1e-200",
            "--steps",
            "2",
            "-o",
            "json",
        )[1]
    )
    exact = math.exp(0.5) * (math.sin(0.5) + math.cos(0.5))
    assert doc["exact"] == pytest.approx(exact, rel=1e-15)
    assert all(r["rel_error"] <= 1e-15 for r in doc["rows"])


def test_second_differences_against_autograd():
    doc = json.loads(
        run("x**4", "--at", "x=2", "--order", "2", "--scheme", "central", "-o", "json")[1]
    )
    assert doc["exact"] == 48.0 and doc["best"]["abs_error"] < 1e-4


def test_all_schemes_give_one_block_each():
    doc = json.loads(run("exp(x)", "--at", "x=1", "--scheme", "all", "-o", "json")[1])
    assert set(doc["schemes"]) == {"forward", "backward", "central", "complex", "richardson"}
    assert "error_estimate" in doc["schemes"]["richardson"]["extrapolation"][0]


def test_all_schemes_skip_the_complex_step_for_non_analytic_expressions():
    code, out, err = run("abs(x)", "--at", "x=1", "--scheme", "all", "-o", "json")
    assert code == 0 and "complex" not in json.loads(out)["schemes"] and "abs" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("abs(x)", "--at", "x=1", "--scheme", "complex"), "abs is not"),
        (("x > 0", "--at", "x=1", "--scheme", "complex"), "> is not"),
        (("x", "--at", "x=1", "--h", "0"), "positive"),
        (("x", "--at", "x=1", "--steps", "0"), "steps"),
        (("x", "--at", "x=1", "--steps", "1000000"), "steps"),
        (("x", "--at", "x=1", "--scheme", "upwind"), "upwind"),
        (("sum(v)", "--at", "v=[1,2]"), "scalar variable"),
        (("x*y", "--at", "x=1", "--at", "y=2"), "--wrt"),
    ],
)
def test_bad_input(args, message):
    code, out, err = run(*args)
    assert code == 2 and out == "" and err.startswith("error:") and message in err


def test_underflowing_steps_show_the_breakdown():
    code, out, _ = run("x**2", "--at", "x=1", "--h", "1e-300", "--steps", "4", "-o", "json")
    assert code == 0 and len(json.loads(out)["rows"]) == 4


# ---------------------------------------------------------------------------
# Each scheme's own default sweep, and a best row chosen without the exact value
# ---------------------------------------------------------------------------


def test_default_complex_step_reaches_the_region_where_it_is_exact():
    doc = json.loads(run("sin(x)", "--at", "x=0.9", "--scheme", "complex", "-o", "json")[1])
    assert doc["rows"][-1]["h"] <= 1e-8
    assert doc["best"]["h"] <= 1e-8
    assert abs(doc["best"]["estimate"] - math.cos(0.9)) <= 1e-15 * math.cos(0.9)
    assert "default steps for complex: h = 0.1 … 1e-12, each ÷10, 12 rows" in doc["note"]


@pytest.mark.parametrize(("scheme", "tolerance"), [("central", 1e-9), ("richardson", 1e-13)])
def test_default_sweeps_answer_as_well_as_the_scheme_can(scheme, tolerance):
    doc = json.loads(run("exp(sin(x))", "--at", "x=0.7", "--scheme", scheme, "-o", "json")[1])
    exact = math.cos(0.7) * math.exp(math.sin(0.7))
    assert doc["exact"] == pytest.approx(exact, rel=1e-15)
    assert abs(doc["best"]["estimate"] - exact) <= tolerance * exact
    assert "chosen without the exact value" in doc["note"]


def test_every_scheme_says_its_default_steps():
    doc = json.loads(run("exp(x)", "--at", "x=1", "--scheme", "all", "-o", "json")[1])
    rows = {"forward": 5, "backward": 10, "central": 9, "complex": 12, "richardson": 12}
    for scheme, block in doc["schemes"].items():
        assert f"default steps for {scheme}: " in block["note"]
        assert f", {rows[scheme]} rows" in block["note"]
        assert len(block["rows"]) == rows[scheme]


def test_the_table_says_which_steps_were_defaults():
    code, out, _ = run("exp(x)", "--at", "x=1", "--scheme", "central", "--h", "0.5", "-o", "table")
    text = " ".join(out.split())  # the note wraps at the terminal's width
    assert code == 0
    assert "h = 0.5 … 5e-10, each ÷10, 10 rows (h as given; steps and shrink: central's" in text
    assert "chosen without the exact value" in text


# ---------------------------------------------------------------------------
# Default steps scale with x, as the best step does
# ---------------------------------------------------------------------------


def test_default_steps_at_a_large_x_reach_the_best_step():
    # At x = 1e10, h = 0.1 … 1e-9 is rounding noise (x + h keeps 6 digits of h at most).
    doc = json.loads(run("log(x)", "--at", "x=1e10", "--scheme", "central", "-o", "json")[1])
    assert [row["h"] for row in doc["rows"]] == [10.0**k for k in range(9, 0, -1)]
    assert doc["exact"] == 1e-10
    assert doc["best"]["abs_error"] / 1e-10 < 1e-9
    assert "default steps for central: h = 1e9 … 10, each ÷10, 9 rows" in doc["note"]
    everything = json.loads(run("log(-x)", "--at", "x=-1e10", "--scheme", "all", "-o", "json")[1])
    # What each gets at x = 1 (forward stops before its best step there too); with the
    # unscaled steps every one but the complex step was off by about 1e-4.
    tolerances = {"forward": 1e-5, "backward": 1e-7, "central": 1e-9, "complex": 1e-15,
                  "richardson": 1e-12}  # fmt: skip
    for scheme, block in everything["schemes"].items():
        assert abs(block["best"]["estimate"] + 1e-10) < tolerances[scheme] * 1e-10, scheme


@pytest.mark.parametrize("x", [1.0, -1.0, 0.5, 0.0])
def test_default_forward_steps_within_one_of_zero_are_the_teaching_loop(x):
    def f(t):
        return 3 * t**2 - 4 * t

    h, loop = 0.1, []
    for _ in range(5):  # the teaching loop: h *= 0.1
        loop.append((f(x + h) - f(x)) / h)
        h *= 0.1
    doc = json.loads(run("3*x**2-4*x", "--at", f"x={x!r}", "-o", "json")[1])
    assert [row["estimate"] for row in doc["rows"]] == loop
    assert [row["h"] for row in doc["rows"]] == [0.1, 0.01, 0.001, 0.0001, 1e-05]


# ---------------------------------------------------------------------------
# Warnings that say what is wrong at the point
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "at", "shown"),
    [
        ("x**2", "x=1e308", "x = 1e+308"),
        ("exp(x)", "x=710", "x = 710.0"),
        ("sin(1e200*x)", "x=1", "x = 1.0"),
    ],
)
def test_an_overflow_is_called_one(expression, at, shown):
    # The last one's value is finite; its second derivative, about 1e400, is not.
    code, out, err = run(expression, "--at", at, "--order", "2", "-o", "json")
    doc = json.loads(out)
    assert code == 0 and doc["best"] is None and "not smooth" not in err
    assert doc["warnings"][0] == (
        f"the function overflows at {shown}: its value or a derivative there is beyond the "
        "range of float64 (about ±1.8e308), so they are infinite or NaN and the estimates "
        "cannot converge; scale the expression down or choose another point"
    )


def test_zero_over_zero_at_the_point_is_called_so():
    code, out, err = run("sin(x)/x", "--at", "x=0", "-o", "json")
    doc = json.loads(out)
    assert code == 0 and doc["best"] is None
    assert doc["warnings"][0] == (
        "the expression is 0/0 (NaN) at x = 0.0 itself: a point it does not define, a "
        "removable singularity if its limit exists there (as for sin(x)/x at 0), so neither "
        "its value nor its exact derivative is a number; write it in a form defined there, or "
        "evaluate near it, at x = 1e-08"
    )
    assert "not smooth" not in err
    # Near the point the function is defined, and its slope is that of the limit: -x/3,
    # nearly 0. The exact derivative cos(x)/x - sin(x)/x² subtracts two numbers near
    # 1/x = 1e8, so it is that only to a few of their ulps (1.5e-8 each), which multiple
    # decided by the last bits of sin and cos.
    near = json.loads(run("sin(x)/x", "--at", "x=1e-08", "--scheme", "central", "-o", "json")[1])
    assert "warnings" not in near and abs(near["exact"]) <= 4 * EPS / 1e-8


def test_a_pole_and_a_kink_keep_their_words():
    pole = json.loads(run("1/x", "--at", "x=0", "-o", "json")[1])["warnings"][0]
    assert pole.startswith("the function is not smooth at x = 0.0: its derivatives are not finite")
    kink = json.loads(run("abs(x)", "--at", "x=0", "-o", "json")[1])["warnings"][0]
    assert kink.startswith("the function is not smooth at x = 0.0: abs is not differentiable")


# ---------------------------------------------------------------------------
# The work budget counts the elements operations touch
# ---------------------------------------------------------------------------


def test_a_sweep_over_large_tensors_is_refused_at_once():
    start = time.perf_counter()
    code, out, err = run("sum(exp(x*ones(1000000)))", "--at", "x=0.1", "--steps", "1000",
                         "--scheme", "all")  # fmt: skip
    assert time.perf_counter() - start < 5  # it ran for 20-40 s when only operations counted
    assert code == 2 and out == "" and err.startswith("error: this sweep evaluates")
    assert "4 operations on 4,000,000 elements" in err and "over the budget of 1,000,000" in err
    doc = json.loads(run("sum(exp(x*ones(1000)))", "--at", "x=0.1", "--steps", "50",
                         "--scheme", "central", "-o", "json")[1])  # fmt: skip
    assert doc["exact"] == pytest.approx(1000 * math.exp(0.1), rel=1e-15)


def test_large_steps_read_short_in_the_table():
    code, out, _ = run(
        "log(x)", "--at", "x=1e10", "--scheme", "central", "--steps", "2", "-o", "table"
    )
    assert code == 0
    steps = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert steps == ["1e+09", "1e+08"]
