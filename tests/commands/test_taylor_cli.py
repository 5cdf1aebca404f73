"""``gradcli taylor`` through the real command (#20)."""

import pytest
import sympy as sp

from tests.clirun import document, run


def test_one_variable_is_sympys_series():
    code, out, err = run("taylor", "sin(x)", "--at", "x=0", "--order", "5", "-o", "plain")
    assert (code, out, err) == (0, "x - 0.16666666666666666*x**3 + 0.008333333333333333*x**5\n", "")
    x = sp.Symbol("x")
    exact = sp.series(sp.sin(x), x, 0, 6).removeO()
    assert sp.Poly(sp.sympify(out), x).all_coeffs() == pytest.approx(
        [float(c) for c in sp.Poly(exact, x).all_coeffs()], rel=1e-16
    )


def test_plain_output_reads_back_in_eval():
    code, out, _ = run(
        "taylor", "exp(x)*sin(y)", "--at", "x=0.5", "--at", "y=1", "--order", "4", "-o", "plain"
    )
    assert code == 0
    polynomial = out.strip()
    code, value, _ = run("eval", polynomial, "--at", "x=0.5", "--at", "y=1", "-o", "plain")
    assert code == 0
    assert float(value) == pytest.approx(float(sp.exp(0.5) * sp.sin(1)), rel=1e-15)
    code, value, _ = run("eval", polynomial, "--at", "x=0.6", "--at", "y=0.9", "-o", "plain")
    exact = sp.series(sp.exp(0.5 + 0.1 * sp.Symbol("t")) * sp.sin(1 - 0.1 * sp.Symbol("t")),
                      sp.Symbol("t"), 0, 5).removeO().subs("t", 1)  # fmt: skip
    assert float(value) == pytest.approx(float(exact), rel=1e-13)


def test_exact_json_carries_every_mixed_term():
    found = document("taylor", "exp(x)*sin(y)", "--at", "x=0", "--at", "y=0", "--order", "3",
                     "--exact")  # fmt: skip
    assert found["polynomial"] == "y + x*y + x**2*y/2 - y**3/6"
    assert found["coefficients"] == [
        {"powers": {"x": 0, "y": 1}, "coefficient": "1"},
        {"powers": {"x": 1, "y": 1}, "coefficient": "1"},
        {"powers": {"x": 2, "y": 1}, "coefficient": "1/2"},
        {"powers": {"x": 0, "y": 3}, "coefficient": "-1/6"},
    ]
    assert found["latex"] == r"y + x y + \frac{1}{2} x^{2} y - \frac{1}{6} y^{3}"


def test_latex():
    code, out, _ = run("taylor", "log(x)", "--at", "x=1", "--order", "2", "--exact", "-o", "latex")
    assert (code, out) == (0, r"\left(x - 1\right) - \frac{1}{2} \left(x - 1\right)^{2}" + "\n")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["x*y", "--at", "x=1", "--order", "2"], "give y a value with --at"),
        (["x", "--at", "x=1"], "--order N"),
        (["x", "--at", "x=1", "--order", "-1"], "at least 0"),
        (
            ["x*y*z", "--at", "x=1", "--at", "y=1", "--at", "z=1", "--order", "40"],
            "in 3 variables the highest degree is 29",
        ),
        (["sum(v)", "--at", "v=[1,2]", "--order", "2"], "scalar variables"),
        (["x*ones(2)", "--at", "x=1", "--order", "2"], "single-number value"),
        (["abs(x)", "--at", "x=0", "--order", "2"], "abs"),
        (["sqrt(x)", "--at", "x=0", "--order", "2"], "does not exist"),
    ],
)
def test_refusals(args, says):
    code, out, err = run("taylor", *args)
    assert (code, out) == (2, "")
    # One error: line; an error in the expression points at it below (a caret).
    assert err.startswith("error: ") and err.count("error:") == 1, err
    assert says in err.splitlines()[0], err


def test_a_row_format_is_refused_for_the_one_polynomial():
    code, out, err = run("taylor", "sin(x)", "--at", "x=0", "--order", "3", "-o", "tsv")
    assert code == 2 and out == "" and "one polynomial" in err
