"""gradcli.finite: finite-difference sweeps, checked against closed-form derivatives.

The only numbers written down here are the teaching loop's floats (forward differences of
3x^2 - 4x at x = 1, which the defaults must reproduce); everything else is compared with
analytic derivatives.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.autograd.differences import central_differences
from gradcli.errors import ShapeError, UsageError
from gradcli.finite import (
    DEFAULT_SWEEPS,
    EPS,
    MAX_STEPS,
    MIN_DEFAULT_STEPS,
    REAL_SCHEMES,
    SCHEMES,
    ExtrapolationColumn,
    Row,
    Sweep,
    best_step,
    nominal,
    steps_of,
    sweep,
    sweep_all,
    sweep_parameters,
)
from gradcli.render.sweeps import sweep_note

# (name, f, f', f'') with f usable on complex arguments.
SMOOTH = [
    ("exp", np.exp, np.exp, np.exp),
    ("sin", np.sin, np.cos, lambda x: -np.sin(x)),
    (
        "log1p_sq",
        lambda x: np.log(1 + x * x),
        lambda x: 2 * x / (1 + x * x),
        lambda x: 2 * (1 - x * x) / (1 + x * x) ** 2,
    ),
    ("cubic", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, lambda x: 6 * x),
]
POINTS = [-1.3, 0.4, 0.7, 2.1]


# The teaching loop: forward differences of 3x^2 - 4x at x = 1, h = 0.1 ... 1e-5.
TEACHING_LOOP = [
    2.3000000000000043,
    2.029999999999976,
    2.0029999999993104,
    2.000299999997956,
    2.0000300000155837,
]


def quadratic(x):
    return 3 * x**2 - 4 * x


def rounding(f, df, x, h, scheme):
    """A bound on the rounding error of one difference quotient of f at x, step h.

    Each value f(p) may be off by two ulps (its own rounding, and one more where another
    CPU's kernel differs from ours), and each rounded point x ± h by an ulp of x, which
    moves f by about |f'(x)|·ε|x|.
    """
    points, denominator = {
        "forward": ((x + h, x), h),
        "backward": ((x, x - h), h),
        "central": ((x + h, x - h), 2 * h),
    }[scheme]
    return sum(2 * EPS * abs(f(p)) + EPS * abs(x * df(x)) for p in points) / denominator


# ---------------------------------------------------------------------------
# The defaults reproduce the teaching loop bit for bit
# ---------------------------------------------------------------------------


def test_teaching_loop_estimates_are_exact():
    s = sweep(quadratic, 1, exact=2.0)
    assert [r.estimate for r in s.rows] == TEACHING_LOOP
    assert s.scheme == "forward"
    assert s.derivative_order == 1
    assert s.extrapolation is None


def test_teaching_loop_reports_nominal_steps():
    s = sweep(quadratic, 1.0, exact=2.0)
    assert [r.h for r in s.rows] == [0.1, 0.01, 0.001, 0.0001, 1e-05]


def test_teaching_loop_errors_and_best_row():
    s = sweep(quadratic, 1.0, exact=2.0)
    for r in s.rows:
        assert r.abs_error == abs(r.estimate - 2.0)
        assert r.rel_error == r.abs_error / 2.0
    assert s.best is s.rows[-1]
    assert s.best.h == 1e-05
    assert s.best.estimate == 2.0000300000155837
    assert s.rows[0].order is None
    assert all(abs(r.order - 1) < 1e-3 for r in s.rows[1:])


def test_steps_are_iterated_like_the_teaching_loop():
    expected, h = [], 0.1
    for _ in range(8):
        expected.append(h)
        h *= 0.1
    assert steps_of(0.1, 8, 10.0) == expected
    assert [r.h for r in sweep(quadratic, 1.0, exact=2.0, steps=8).rows] == [
        nominal(v) for v in expected
    ]


# ---------------------------------------------------------------------------
# Observed order of convergence in the truncation regime
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "order", "h", "steps", "shrink", "expected"),
    [
        ("forward", 1, 0.1, 4, 10.0, 1),
        ("backward", 1, 0.1, 4, 10.0, 1),
        ("central", 1, 0.1, 4, 10.0, 2),
        ("complex", 1, 0.1, 4, 10.0, 2),
        ("forward", 2, 0.01, 3, 4.0, 1),
        ("backward", 2, 0.01, 3, 4.0, 1),
        ("central", 2, 0.1, 3, 4.0, 2),
        ("complex", 2, 0.1, 3, 2.0, 4),
    ],
)
@pytest.mark.parametrize(("name", "f", "df", "d2f"), SMOOTH[:3])
def test_observed_order(scheme, order, h, steps, shrink, expected, name, f, df, d2f):
    x = 0.7
    exact = df(x) if order == 1 else d2f(x)
    s = sweep(f, x, exact=exact, scheme=scheme, h=h, steps=steps, shrink=shrink, order=order)
    assert s.rows[0].order is None
    for r in s.rows[1:]:
        assert r.order == pytest.approx(expected, abs=0.1), (name, r)


# ---------------------------------------------------------------------------
# The complex step
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("h", [1e-20, 1e-200])
@pytest.mark.parametrize("x", [-2.3, -0.5, 0.3, 1.0, 2.5, 7.0])
@pytest.mark.parametrize(("f", "df"), [(np.exp, np.exp), (np.sin, np.cos)])
def test_complex_step_is_exact_to_rounding(f, df, x, h):
    s = sweep(f, x, exact=df(x), scheme="complex", h=h, steps=1)
    assert s.rows[0].rel_error <= 1e-15


def test_complex_step_survives_where_real_differences_vanish():
    # x + 1e-200 == x, so every real difference is exactly 0.
    x = 0.9
    real = sweep(np.exp, x, exact=np.exp(x), scheme="central", h=1e-200, steps=1)
    cplx = sweep(np.exp, x, exact=np.exp(x), scheme="complex", h=1e-200, steps=1)
    assert real.rows[0].estimate == 0.0
    assert cplx.rows[0].rel_error <= 1e-15


def test_complex_step_needs_complex_evaluation():
    with pytest.raises(TypeError):
        sweep(math.exp, 1.0, exact=math.e, scheme="complex")


# ---------------------------------------------------------------------------
# Second derivatives
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "h", "steps", "shrink", "tol"),
    [
        ("forward", 0.1, 6, 10.0, 1e-4),
        ("backward", 0.1, 6, 10.0, 1e-4),
        ("central", 0.1, 6, 10.0, 1e-6),
        ("complex", 0.1, 8, 2.0, 1e-11),
        ("richardson", 0.4, 8, 2.0, 1e-9),
    ],
)
@pytest.mark.parametrize(("name", "f", "df", "d2f"), SMOOTH)
@pytest.mark.parametrize("x", [0.4, 2.1])
def test_second_differences_match_analytic(scheme, h, steps, shrink, tol, name, f, df, d2f, x):
    # The formulas themselves: their closest row to the exact value. How well the
    # exact-free best row does is the business of the default-sweep tests below.
    exact = d2f(x)
    s = sweep(f, x, exact=exact, scheme=scheme, h=h, steps=steps, shrink=shrink, order=2)
    assert s.derivative_order == 2
    assert min(r.rel_error for r in s.rows) < tol, name


def test_central_second_difference_of_a_cubic_is_exact_to_rounding():
    # The h² remainder is f''''/12·h², zero for a cubic.
    f = SMOOTH[3][1]
    s = sweep(f, 2.0, exact=12.0, scheme="central", h=0.5, steps=3, shrink=2.0, order=2)
    assert all(r.abs_error < 1e-12 for r in s.rows)


# ---------------------------------------------------------------------------
# Richardson extrapolation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "f", "df", "d2f"), SMOOTH)
@pytest.mark.parametrize("x", POINTS)
def test_richardson_beats_central(name, f, df, d2f, x):
    kw = {"exact": df(x), "h": 0.4, "steps": 10, "shrink": 2.0}
    central = sweep(f, x, scheme="central", **kw)
    richardson = sweep(f, x, scheme="richardson", **kw)
    assert richardson.best.abs_error <= central.best.abs_error
    assert richardson.best.rel_error < 1e-13


@pytest.mark.parametrize(("name", "f", "df", "d2f"), SMOOTH)
@pytest.mark.parametrize("x", POINTS)
def test_richardson_without_exact_picks_by_its_error_estimate(name, f, df, d2f, x):
    s = sweep(f, x, exact=None, scheme="richardson", h=0.4, steps=10, shrink=2.0)
    diagonal_errors = [col.error_estimates[0] for col in s.extrapolation]
    # Never less than twice the row's rounding bound: rows of noise do not win by agreeing.
    bounds = [
        central_differences(lambda p: f(float(p)), x, h).rounding for h in steps_of(0.4, 10, 2.0)
    ]
    picked = min(range(1, len(s.rows)), key=lambda k: max(diagonal_errors[k], 2 * bounds[k]))
    assert s.best is s.rows[picked]
    assert s.best.abs_error is None
    assert s.best.estimate == pytest.approx(df(x), rel=1e-12)
    # The estimate that never saw the exact value still bounds the real error to within
    # an order of magnitude, above the rounding error of the central differences the
    # picked row extrapolates, which the tableau cannot see (rows of rounding noise may
    # agree by chance) and the last bits of f decide. Its weights sum to less than 2 for
    # shrink 2 (the product of (4^j + 1)/(4^j - 1)), most on the smallest step.
    floor = 2 * rounding(f, df, x, s.best.h, "central") + 4 * EPS * abs(df(x))
    assert abs(s.best.estimate - df(x)) <= 10 * diagonal_errors[picked] + floor


def test_richardson_tableau_shape_and_consistency():
    f, df = np.exp, np.exp
    steps = 6
    s = sweep(f, 0.7, exact=df(0.7), scheme="richardson", h=0.2, steps=steps, shrink=2.0)
    central = sweep(f, 0.7, exact=df(0.7), scheme="central", h=0.2, steps=steps, shrink=2.0)
    cols = s.extrapolation
    assert len(cols) == steps
    for j, col in enumerate(cols):
        assert isinstance(col, ExtrapolationColumn)
        assert col.level == j
        assert len(col.estimates) == len(col.error_estimates) == len(col.h) == steps - j
        assert col.h == tuple(r.h for r in central.rows[j:])
        finite = [e for e in col.error_estimates if e is not None]
        assert col.error_estimate == min(finite)
        assert col.best == col.estimates[col.error_estimates.index(col.error_estimate)]
    assert cols[0].estimates == tuple(r.estimate for r in central.rows)
    assert cols[0].error_estimates[0] is None
    # Row k is the diagonal entry T[k][k].
    assert [r.estimate for r in s.rows] == [col.estimates[0] for col in cols]
    assert [r.h for r in s.rows] == [r.h for r in central.rows]


def test_richardson_columns_remove_even_powers():
    # Central differences of x⁵ are f' + h²f'''/6 + h⁴f⁽⁵⁾/120 exactly: a polynomial
    # in h² of degree 2, which column 2 of the tableau removes entirely.
    x = 1.3
    s = sweep(lambda t: t**5, x, exact=5 * x**4, scheme="richardson", h=0.5, steps=5, shrink=2.0)
    assert all(e == pytest.approx(5 * x**4, rel=1e-12) for e in s.extrapolation[2].estimates)
    assert all(e != pytest.approx(5 * x**4, rel=1e-9) for e in s.extrapolation[1].estimates)


def test_richardson_single_step_has_no_error_estimate():
    s = sweep(np.exp, 1.0, exact=None, scheme="richardson", steps=1)
    assert s.best is None
    assert s.extrapolation[0].error_estimate is None
    assert s.extrapolation[0].best == s.rows[0].estimate


# ---------------------------------------------------------------------------
# Best row, missing exact value, zero exact value
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_best_row_is_near_the_smallest_error_in_a_long_sweep(scheme):
    # 16 rows down to 1e-16: well past the breakdown of the real schemes.
    s = sweep(np.exp, 1.0, exact=math.e, scheme=scheme, h=0.1, steps=16, shrink=10.0)
    assert s.best in s.rows
    errors = [r.abs_error for r in s.rows]
    smallest = min(errors)
    allowed = 10 * smallest + 4 * EPS * math.e
    if scheme != "complex":
        # Rows whose differences are rounding noise look alike to the choice (by agreement
        # with the neighbours, or Richardson's error estimate), so the best row may be the
        # one a step past the most accurate, whose error is then its rounding error (up to
        # ten times the most accurate row's), as large as the last bits of exp make it.
        past = s.rows[errors.index(smallest)].h / 10.0
        if scheme == "richardson":  # its central differences, with weights summing to < 2
            allowed += 2 * rounding(np.exp, np.exp, 1.0, past, "central")
        else:
            allowed += rounding(np.exp, np.exp, 1.0, past, scheme)
    assert s.best.abs_error <= allowed
    # In the middle of the sweep for real differences: truncation error before it,
    # rounding error after it.
    if scheme in ("forward", "backward", "central"):
        assert s.rows.index(s.best) not in (0, len(s.rows) - 1)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_without_exact_there_are_no_errors_but_the_same_best(scheme):
    s = sweep(np.sin, 0.3, exact=None, scheme=scheme)
    assert all(r.abs_error is None and r.rel_error is None and r.order is None for r in s.rows)
    with_exact = sweep(np.sin, 0.3, exact=np.cos(0.3), scheme=scheme)
    assert s.best is not None
    assert s.rows.index(s.best) == with_exact.rows.index(with_exact.best)
    assert s.best.estimate == with_exact.best.estimate


def test_zero_exact_has_no_relative_error():
    s = sweep(np.cos, 0.0, exact=0.0, scheme="central", steps=3)
    assert all(r.rel_error is None for r in s.rows)
    assert all(r.abs_error == abs(r.estimate) for r in s.rows)


def test_exact_estimate_has_no_observed_order():
    # Central differences of a quadratic with dyadic numbers are exact: error 0.
    s = sweep(lambda x: x * x, 0.5, exact=1.0, scheme="central", h=0.25, steps=3, shrink=2.0)
    assert all(r.abs_error == 0.0 for r in s.rows)
    assert all(r.order is None for r in s.rows)
    assert s.best is s.rows[0]


# ---------------------------------------------------------------------------
# Default sweeps: each scheme at its best
# ---------------------------------------------------------------------------

# What the theory gives at each scheme's best step, with a margin: truncation
# h^p against rounding ε/h^q balance at an error of about ε^(p/(p+q)).
DEFAULT_ACCURACY = {
    ("forward", 1): 3e-4,  # the teaching loop stops at h = 1e-5: error ~ h·f''/2
    ("backward", 1): 5e-7,  # √ε
    ("central", 1): 1e-9,  # ε^(2/3)
    ("complex", 1): 1e-15,  # exact to rounding
    ("richardson", 1): 1e-13,  # a few hundred ε
    ("forward", 2): 5e-4,  # ε^(1/3)
    ("backward", 2): 5e-4,
    ("central", 2): 5e-7,  # ε^(1/2)
    ("complex", 2): 3e-11,  # ε^(4/5)
    ("richardson", 2): 3e-10,  # ε·|f|/h² at the steps where it stops improving
}


@pytest.mark.parametrize(("scheme", "order"), list(DEFAULT_ACCURACY))
@pytest.mark.parametrize(("name", "f", "df", "d2f"), SMOOTH)
@pytest.mark.parametrize("x", [-1.3, 0.4, 0.9, 2.1])
def test_default_sweep_best_is_as_accurate_as_the_scheme_allows(scheme, order, name, f, df, d2f, x):
    exact = df(x) if order == 1 else d2f(x)
    s = sweep(f, x, exact=exact, scheme=scheme, h=None, steps=None, shrink=None, order=order)
    assert s.best.rel_error <= DEFAULT_ACCURACY[scheme, order], (name, s.best)


def test_default_forward_sweep_is_the_teaching_loop():
    for s in (
        sweep(quadratic, 1.0, exact=2.0, h=None, steps=None, shrink=None),
        sweep_all(quadratic, 1.0, exact=2.0, h=None, steps=None, shrink=None, schemes=["forward"])[
            "forward"
        ],
    ):
        assert [r.h for r in s.rows] == [0.1, 0.01, 0.001, 0.0001, 1e-05]
        assert [r.estimate for r in s.rows] == TEACHING_LOOP
        assert s.best is s.rows[-1]


def test_default_complex_step_reaches_the_exact_region():
    # It used to stop at h = 1e-5, with an error of 1e-11.
    s = sweep(np.sin, 0.9, exact=np.cos(0.9), scheme="complex")
    assert s.rows[-1].h <= 1e-8
    assert s.best.h <= 1e-8
    assert s.best.rel_error <= 1e-15


@pytest.mark.parametrize(("scheme", "order"), list(DEFAULT_SWEEPS))
def test_default_sweeps_pass_the_best_step(scheme, order):
    # Past the rule-of-thumb best step ε^(1/(p+q)) (Richardson: into the steps
    # where the tableau's last columns drown in rounding).
    h, steps, shrink = DEFAULT_SWEEPS[scheme, order]
    smallest = nominal(steps_of(h, steps, shrink)[-1])
    best_step = {
        ("forward", 1): 1e-5,  # the teaching loop, which stops before √ε on purpose
        ("backward", 1): EPS ** (1 / 2),
        ("central", 1): EPS ** (1 / 3),
        ("complex", 1): 1e-8,
        ("forward", 2): EPS ** (1 / 3),
        ("backward", 2): EPS ** (1 / 3),
        ("central", 2): EPS ** (1 / 4),
        ("complex", 2): EPS ** (1 / 5),
        ("richardson", 1): 1e-3,
        ("richardson", 2): 1e-3,
    }[scheme, order]
    assert smallest <= best_step
    assert sweep_parameters(scheme, order, None, None, None) == (h, steps, shrink)


def test_a_given_step_gets_enough_rows_to_reach_the_default_smallest_step():
    assert sweep_parameters("central", 1, 0.5, None, None) == (0.5, 10, 10.0)
    assert sweep_parameters("central", 1, None, 3, None) == (0.1, 3, 10.0)
    assert sweep_parameters("central", 1, None, None, 100.0) == (0.1, 5, 100.0)
    assert sweep_parameters("richardson", 1, 0.5, None, None) == (0.5, 13, 2.0)
    # Already past it, or far too slow to get there: the floor and the cap.
    assert sweep_parameters("complex", 1, 1e-20, None, None)[1] == MIN_DEFAULT_STEPS
    assert sweep_parameters("central", 1, None, None, 1.0001)[1] == MAX_STEPS


@pytest.mark.parametrize(("scheme", "order"), list(DEFAULT_SWEEPS))
def test_default_steps_scale_with_x_as_the_best_step_does(scheme, order):
    h, steps, shrink = DEFAULT_SWEEPS[scheme, order]
    for x in (1.0, -1.0, 0.5, 0.0, -0.0, math.inf, math.nan):  # the steps as they were
        assert sweep_parameters(scheme, order, None, None, None, x) == (h, steps, shrink)
    for x in (1e10, -1e10, 37.5):
        scaled = sweep_parameters(scheme, order, None, None, None, x)
        assert scaled == (h * abs(x), steps, shrink)
        best = best_step(scheme, order, x)
        if best is not None and (scheme, order) != ("forward", 1):  # forward 1 stops early
            assert scaled[0] / shrink ** (steps - 1) <= best[0]
    # A given step is the user's; the count still reaches the scaled smallest step.
    assert sweep_parameters("central", 1, 0.5, None, None, 1e10) == (0.5, MIN_DEFAULT_STEPS, 10.0)
    assert sweep_parameters("central", 1, None, 3, None, 1e10) == (1e9, 3, 10.0)
    assert sweep_parameters("central", 1, 1e12, None, None, 1e10) == (1e12, 12, 10.0)


def test_a_sweep_at_a_large_x_is_as_accurate_as_at_one():
    at_one = sweep(np.log, 1.0, exact=1.0, scheme="central")
    far = sweep(np.log, 1e10, exact=1e-10, scheme="central")
    assert far.best.rel_error <= 1e-9 and at_one.best.rel_error <= 1e-9
    assert "h = 1e9 … 10, each ÷10, 9 rows" in sweep_note(far)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": 0.0}, "positive finite"),
        ({"h": math.inf}, "positive finite"),
        ({"shrink": 1.0}, "greater than 1"),
        ({"shrink": math.nan}, "greater than 1"),
        ({"order": 3}, "1 or 2"),
        ({"scheme": "upwind"}, "forward, backward"),
    ],
)
def test_default_step_count_is_computed_only_from_valid_arguments(kwargs, message):
    arguments = {"scheme": "central", "order": 1, "h": None, "steps": None, "shrink": None}
    arguments.update(kwargs)
    with pytest.raises(UsageError, match=message):
        sweep_parameters(**arguments)


def test_richardson_starts_its_tableau_after_steps_outside_the_domain():
    # log at 0.2: x - 0.25 < 0, so the first central difference is NaN; it must not
    # poison every extrapolation after it.
    s = sweep(np.log, 0.2, exact=5.0, scheme="richardson")
    assert math.isnan(s.rows[0].estimate)
    assert s.extrapolation[0].h[0] == s.rows[1].h
    assert s.best.rel_error <= 1e-12


# ---------------------------------------------------------------------------
# The best row never looks at the exact value
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    scheme=st.sampled_from(SCHEMES),
    order=st.sampled_from([1, 2]),
    case=st.sampled_from(SMOOTH),
    x=st.sampled_from(POINTS),
    wrong=st.floats(),
)
def test_best_row_does_not_depend_on_exact(scheme, order, case, x, wrong):
    name, f, df, d2f = case
    right = df(x) if order == 1 else d2f(x)
    picks = [sweep(f, x, exact=exact, scheme=scheme, order=order) for exact in (None, right, wrong)]
    indices = {s.rows.index(s.best) for s in picks}
    assert len(indices) == 1, (name, indices)
    assert len({s.best.estimate for s in picks}) == 1


def test_rows_of_rounding_noise_that_agree_are_not_best():
    # Second differences of a cubic at 2: below h ~ 1e-8 f(x+2h) - 2f(x+h) + f(x)
    # is exactly 0, so the last rows agree perfectly, with a wrong answer.
    s = sweep(lambda t: t**3 - 2 * t, 2.0, exact=12.0, h=0.1, steps=10, shrink=10.0, order=2)
    assert s.rows[-1].estimate == s.rows[-2].estimate == 0.0
    assert s.best.rel_error <= 1e-4


def test_a_derivative_that_is_zero_by_symmetry_still_has_a_best_row():
    # Every central difference of an even function at 0 is exactly 0, and so is its
    # derivative there. cos(|t|), not cos(t): cos is even, but another CPU's kernel need
    # not give cos(-h) the bits of cos(h), and then the rows would be rounding noise.
    s = sweep(lambda t: np.cos(abs(t)), 0.0, exact=0.0, scheme="central")
    assert all(r.estimate == 0.0 for r in s.rows)
    assert s.best is not None and s.best.abs_error == 0.0


def test_a_single_row_has_no_best():
    for scheme in SCHEMES:
        assert sweep(np.exp, 1.0, exact=math.e, scheme=scheme, steps=1).best is None


# ---------------------------------------------------------------------------
# Breakdown is data: underflow, NaN, infinity
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("order", [1, 2])
def test_underflowing_steps_show_the_breakdown_without_raising(scheme, order):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = sweep(
            lambda x: x * x * x,
            1.5,
            exact=6.75 if order == 1 else 9.0,
            scheme=scheme,
            h=1e-300,
            steps=40,
            shrink=10.0,
            order=order,
        )
    assert len(s.rows) == 40
    assert s.rows[-1].h == 0.0
    assert not math.isfinite(s.rows[-1].estimate)
    assert s.rows[-1].order is None


@pytest.mark.parametrize("scheme", REAL_SCHEMES)
@pytest.mark.parametrize("order", [1, 2])
def test_a_step_that_underflows_to_zero_evaluates_at_x_itself(scheme, order):
    # At x = -0.0, x + 0.0 is +0.0, where this f is 1, not -1: a zero step must
    # still mean f(x) - f(x), so its quotient is 0/0, not 2/0.
    points = []

    def f(x):
        points.append(x)
        return math.copysign(1.0, x)

    s = sweep(f, -0.0, exact=None, scheme=scheme, h=1e-320, steps=5, shrink=10.0, order=order)
    assert s.rows[-1].h == 0.0
    assert all(math.copysign(1.0, x) < 0 for x in points if x == 0)
    if scheme != "richardson":  # whose diagonal extrapolates through inf: NaN either way
        assert math.isnan(s.rows[-1].estimate)


def test_huge_shrink_and_long_richardson_sweep_do_not_raise():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = sweep(np.exp, 1.0, exact=math.e, scheme="richardson", h=1.0, steps=200, shrink=1e200)
    assert len(s.extrapolation) == 200


def test_nan_and_inf_values_are_data():
    def f(x):
        return math.inf if x > 1 else (math.nan if x < 1 else 1.0)

    for scheme in REAL_SCHEMES:
        s = sweep(f, 1.0, exact=1.0, scheme=scheme, steps=3)
        assert all(not math.isfinite(r.estimate) for r in s.rows)
        assert s.best is None


def test_complex_value_at_a_real_point_is_nan():
    s = sweep(lambda x: complex(x, 1.0), 0.5, exact=1.0, scheme="central", steps=2)
    assert all(math.isnan(r.estimate) for r in s.rows)


def test_numpy_scalar_and_zero_d_array_values():
    s1 = sweep(lambda x: np.float64(x) ** 2, 1.0, exact=2.0, scheme="central", steps=2)
    s2 = sweep(lambda x: np.array(x) ** 2, 1.0, exact=2.0, scheme="central", steps=2)
    assert [r.estimate for r in s1.rows] == [r.estimate for r in s2.rows]


def test_non_scalar_value_is_refused():
    with pytest.raises(ShapeError, match=r"one number.*shape \(3,\)"):
        sweep(lambda x: np.full(3, x), 1.0, exact=None)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": 0.0}, "positive finite"),
        ({"h": -0.1}, "positive finite"),
        ({"h": math.nan}, "positive finite"),
        ({"h": math.inf}, "positive finite"),
        ({"steps": 0}, "at least 1"),
        ({"steps": -2}, "at least 1"),
        ({"steps": 2.5}, "whole number"),
        ({"steps": MAX_STEPS + 1}, f"{MAX_STEPS} rows"),
        ({"shrink": 1.0}, "greater than 1"),
        ({"shrink": 0.5}, "greater than 1"),
        ({"shrink": math.inf}, "greater than 1"),
        ({"shrink": math.nan}, "greater than 1"),
        ({"scheme": "upwind"}, "forward, backward, central, complex, richardson"),
        ({"order": 0}, "1 or 2"),
        ({"order": 3}, "1 or 2"),
        ({"order": 1.5}, "1 or 2"),
    ],
)
def test_bad_arguments_are_usage_errors(kwargs, message):
    calls = []
    with pytest.raises(UsageError, match=message) as info:
        sweep(calls.append, 1.0, exact=None, **kwargs)
    assert isinstance(info.value, ValueError)
    assert calls == []


def test_max_steps_is_allowed():
    s = sweep(lambda x: x, 1.0, exact=1.0, scheme="central", steps=MAX_STEPS, shrink=1.001)
    assert len(s.rows) == MAX_STEPS


# ---------------------------------------------------------------------------
# sweep_all
# ---------------------------------------------------------------------------


def test_sweep_all_runs_each_scheme_in_order():
    result = sweep_all(np.exp, 1.0, exact=math.e, h=0.1, steps=4, shrink=10.0, order=1)
    assert list(result) == list(SCHEMES)
    for name, s in result.items():
        assert isinstance(s, Sweep)
        assert s == sweep(np.exp, 1.0, exact=math.e, scheme=name, h=0.1, steps=4, shrink=10.0)


@pytest.mark.parametrize("order", [1, 2])
def test_sweep_all_gives_each_scheme_its_own_defaults(order):
    result = sweep_all(np.exp, 1.0, exact=math.e, h=None, steps=None, shrink=None, order=order)
    for name, s in result.items():
        assert s == sweep(np.exp, 1.0, exact=math.e, scheme=name, order=order)
        h, steps, shrink = DEFAULT_SWEEPS[name, order]
        assert [r.h for r in s.rows] == [nominal(v) for v in steps_of(h, steps, shrink)]


def test_sweep_all_real_schemes_never_call_f_with_complex():
    def f(x):
        assert isinstance(x, float)
        return math.exp(x)

    result = sweep_all(f, 1.0, exact=math.e, schemes=REAL_SCHEMES)
    assert list(result) == list(REAL_SCHEMES)


@pytest.mark.parametrize("schemes", [(), ("forward", "nope")])
def test_sweep_all_validates_before_evaluating(schemes):
    calls = []
    with pytest.raises(UsageError):
        sweep_all(calls.append, 1.0, exact=None, schemes=schemes)
    assert calls == []


# ---------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("order", [1, 2])
def test_note_is_one_line(scheme, order):
    s = sweep(np.exp, 1.0, exact=None, scheme=scheme, order=order, steps=2)
    assert sweep_note(s) and "\n" not in sweep_note(s)


def test_notes_name_the_optimal_steps():
    forward = sweep_note(sweep(quadratic, 1.0, exact=2.0))
    central = sweep_note(sweep(quadratic, 1.0, exact=2.0, scheme="central"))
    assert f"{math.sqrt(EPS):.1e}" in forward
    assert f"{EPS ** (1 / 3):.1e}" in central
    # The scale grows with |x|.
    assert f"{100 * math.sqrt(EPS):.1e}" in sweep_note(sweep(quadratic, 100.0, exact=None))


def test_notes_say_which_steps_were_defaults_and_how_best_was_chosen():
    central = sweep_note(sweep(np.exp, 1.0, exact=None, scheme="central"))
    assert "default steps for central: h = 0.1 … 1e-9, each ÷10, 9 rows" in central
    partial = sweep_note(sweep(np.exp, 1.0, exact=None, scheme="central", h=0.5))
    assert "h = 0.5 … 5e-10, each ÷10, 10 rows (h as given; steps and shrink: central's" in partial
    given = sweep_note(sweep(np.exp, 1.0, exact=None, scheme="central", h=0.5, steps=3, shrink=4.0))
    assert "h = 0.5 … 0.0312, each ÷4, 3 rows, as given" in given
    richardson = sweep_note(sweep(np.exp, 1.0, exact=None, scheme="richardson"))
    assert "default steps for richardson: h = 0.25 … 0.000122, each ÷2, 12 rows" in richardson
    assert "smallest error estimate (never below its rounding), chosen without the exact value" in (
        richardson
    )
    for scheme in ("forward", "backward", "central", "complex"):
        note = sweep_note(sweep(np.exp, 1.0, exact=None, scheme=scheme))
        assert "differs least from its neighbours, chosen without the exact value" in note


def test_a_sweep_that_stops_short_says_how_many_steps_reach_the_best():
    # The teaching loop stops at 1e-5; √ε ≈ 1.5e-8 takes 8 steps from 0.1.
    assert "stopping before the best step (8 steps reach it)" in sweep_note(
        sweep(quadratic, 1.0, exact=2.0)
    )
    assert "stopping before" not in sweep_note(sweep(quadratic, 1.0, exact=2.0, scheme="central"))


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

TINY = 5e-324  # the subnormal spacing
coefficient = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
point = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
step = st.floats(1e-3, 1.0)


@settings(max_examples=200, deadline=None)
@given(a=coefficient, b=coefficient, c=coefficient, x=point, h=step)
def test_differences_of_quadratics_are_exact_to_rounding(a, b, c, x, h):
    def f(t):
        return a * t * t + b * t + c

    # Bound on |f| and its terms near x: each evaluation is off by a few ε of it,
    # and so is the rounded point x ± h; values in the subnormal range are off by
    # a few of the subnormal spacing instead.
    size = abs(a) * (abs(x) + 2 * h) ** 2 + abs(b) * (abs(x) + 2 * h) + abs(c)
    d1, d2 = 2 * a * x + b, 2 * a
    central = sweep(f, x, exact=d1, scheme="central", h=h, steps=1).rows[0]
    assert central.abs_error <= 16 * EPS * size / h + 4 * EPS * abs(d1) + 8 * TINY / h
    for scheme in ("forward", "backward", "central"):
        second = sweep(f, x, exact=d2, scheme=scheme, h=h, steps=1, order=2).rows[0]
        assert second.abs_error <= 64 * EPS * size / h**2 + 4 * EPS * abs(d2) + 16 * TINY / h**2


@settings(max_examples=200, deadline=None)
@given(a=coefficient, b=coefficient, c=coefficient, x=point, e=st.integers(-200, -1))
def test_complex_step_of_quadratics_is_exact_to_rounding_at_any_step(a, b, c, x, e):
    def f(t):
        return a * t * t + b * t + c

    d1 = 2 * a * x + b
    row = sweep(f, x, exact=d1, scheme="complex", h=10.0**e, steps=1).rows[0]
    # Im f(x+ih) = (2ax + b)h + 0: no cancellation, whatever h is. Only where
    # (2ax + b)h itself is subnormal does it lose digits, by the subnormal spacing.
    assert row.abs_error <= 8 * EPS * (2 * abs(a * x) + abs(b)) + 4 * TINY / row.h


@settings(max_examples=100, deadline=None)
@given(
    h=st.floats(1e-6, 1e3),
    steps=st.integers(1, 30),
    shrink=st.floats(1.01, 1e3),
)
def test_rows_follow_the_step_sequence(h, steps, shrink):
    s = sweep(lambda x: x, 0.0, exact=1.0, h=h, steps=steps, shrink=shrink)
    iterated = steps_of(h, steps, shrink)
    assert len(s.rows) == steps
    assert iterated[0] == h
    assert [r.h for r in s.rows] == [nominal(v) for v in iterated]
    assert all(a > b for a, b in itertools.pairwise(iterated))
    assert all(isinstance(r, Row) for r in s.rows)
