"""`gradcli limit` through the CLI: seed row S0.1 and the contract's JSON shape."""

import json
import math

import clirun
import pytest

SEED_ESTIMATES = [
    2.3000000000000043,
    2.029999999999976,
    2.0029999999993104,
    2.000299999997956,
    2.0000300000155837,
]


def run(*args):
    return clirun.run("limit", *args)


def test_s0_1_json_rows_carry_the_unrounded_floats():
    code, out, _ = run("3*x**2-4*x", "--at", "x=1", "-o", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["expression"], doc["at"], doc["wrt"], doc["scheme"], doc["exact"]) == (
        "3*x**2-4*x", {"x": 1.0}, "x", "forward", 2.0,
    )  # fmt: skip
    assert [r["estimate"] for r in doc["rows"]] == SEED_ESTIMATES
    assert [r["h"] for r in doc["rows"]] == [0.1, 0.01, 0.001, 0.0001, 1e-05]
    for row in doc["rows"]:
        assert row["abs_error"] == abs(row["estimate"] - 2.0)
        assert row["rel_error"] == row["abs_error"] / 2.0
    assert doc["best"] == {
        "h": 1e-05,
        "estimate": 2.0000300000155837,
        "abs_error": abs(2.0000300000155837 - 2.0),
    }


def test_s0_1_table_shows_the_seed_columns():
    code, out, _ = run("3*x**2-4*x", "--at", "x=1", "-o", "table")
    assert code == 0
    for h, estimate in zip(["0.10000", "0.01000", "0.00100", "0.00010", "0.00001"],
                           ["2.30000", "2.03000", "2.00300", "2.00030", "2.00003"]):  # fmt: skip
        assert h in out and estimate in out
    assert "◀ best" in out and "exact (autograd) f' = 2" in out


def test_plain_is_one_tab_separated_line_per_row():
    lines = run("3*x**2-4*x", "--at", "x=1", "-o", "plain")[1].splitlines()
    assert len(lines) == 5
    assert [float(line.split("\t")[1]) for line in lines] == SEED_ESTIMATES


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
