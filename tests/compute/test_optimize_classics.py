"""minimize, maximize and solve through the library, held to what is known without gradcli:
the Moré-Garbow-Hillstrom classics (ACM TOMS 7, 1981: problems 1, 2, 5, 7 and 13) at
their known minima, roots of textbook equations against their analytic values, and the
teaching methods' traces against their update formulas computed here by hand."""

import itertools
import math

import mpmath
import numpy as np
import pytest

import gradcli
from gradcli.compute.bindings import bind
from gradcli.compute.optimize import DEFAULT_TOLERANCE, optimize, solve
from gradcli.errors import LimitError, UsageError


def minimum(source, *at, **settings):
    return optimize(gradcli.compile(source), bind(list(at)), **settings)


def root(source, *at, **settings):
    return solve(gradcli.compile(source), bind(list(at)), **settings)


def vector(point):
    return np.concatenate([np.reshape(value, -1) for value in point.values()])


def ulps(got, expected):
    return abs(got - expected) / math.ulp(expected)


def trace_of(result, name):
    return [float(np.asarray(row.point[name])) for row in result.trace]


# --- the classics -------------------------------------------------------------------------

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"
POWELL = "(a+10*b)**2 + 5*(c-d)**2 + (b-2*c)**4 + 10*(a-d)**4"
BEALE = "(1.5-x+x*y)**2 + (2.25-x+x*y**2)**2 + (2.625-x+x*y**3)**2"
FREUDENSTEIN_ROTH = "(-13+x+((5-y)*y-2)*y)**2 + (-29+x+((y+1)*y-14)*y)**2"
# The paper's theta is arctan(y/x)/(2 pi) for x > 0 and that plus 1/2 for x < 0 (it is
# undefined at x = 0): the case split of atan2, which the language writes with where.
HELICAL_VALLEY = (
    "t = where(x > 0, atan(y/x)/(2*pi), atan(y/x)/(2*pi) + 0.5); "
    "100*((z - 10*t)**2 + (sqrt(x**2 + y**2) - 1)**2) + z**2"
)

METHODS = ["auto", "bfgs", "lbfgs"]

# Stopping at |grad f| <= 1e-8 puts a point within 1e-8/lambda_min of a minimum whose
# Hessian has smallest eigenvalue lambda_min: 0.40 (Rosenbrock), 0.30 (Beale), 1.43
# (helical valley), 0.82 (Freudenstein-Roth's local minimum), so within 3.4e-8. Every
# robust method is then polished by Newton steps to the float64 minimum, where the
# gradient's own rounding (about 1e-13 here) over lambda_min leaves ~1e-12: 1e-10 holds
# that with room for another CPU's last bits and fails for scipy's answer unpolished.
POLISHED = 1e-10

NON_SINGULAR = {
    # name: (expression, start, minimum, f at the minimum)
    "Rosenbrock": (ROSENBROCK, ["x=-1.2", "y=1"], [1.0, 1.0], 0.0),
    "Beale": (BEALE, ["x=1", "y=1"], [3.0, 0.5], 0.0),
    "helical valley": (HELICAL_VALLEY, ["x=-1", "y=0", "z=0"], [1.0, 0.0, 0.0], 0.0),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", NON_SINGULAR)
def test_the_classics_reach_their_minima(name, method):
    source, start, best, lowest = NON_SINGULAR[name]
    result = minimum(source, *start, method=method)
    assert (result.stop, result.kind) == ("gradient", "minimum")
    assert result.gradient_norm <= DEFAULT_TOLERANCE
    assert np.max(np.abs(vector(result.point) - best)) <= POLISHED
    # f rises quadratically away from the minimum: lambda_max * POLISHED**2 is ~1e-17.
    assert abs(result.value - lowest) <= 1e-15


@pytest.mark.parametrize("method", METHODS)
def test_rosenbrock_lands_on_one_one_exactly(method):
    # Only +, -, * and squares: (1, 1) is the float64 minimum, where f and its gradient are
    # exactly 0, and a Newton step from scipy's answer (1e-9 away) lands on it.
    result = minimum(ROSENBROCK, "x=-1.2", "y=1", method=method)
    assert result.point == {"x": 1.0, "y": 1.0}
    assert result.value == 0.0
    assert result.gradient_norm == 0.0
    if method == "auto":
        assert result.method == "trust"


@pytest.mark.parametrize("method", METHODS)
def test_powell_singular_reaches_zero_to_the_cube_root_of_the_tolerance(method):
    # The Hessian at 0 has eigenvalues (0, 0, 20, 202): along its null space (a = -10b,
    # c = d) f is quartic and its gradient cubic, so |grad f| <= 1e-8 places the point
    # only within about (1e-8)**(1/3) = 2.2e-3 of 0, and f within about 10 * that**4.
    reach = DEFAULT_TOLERANCE ** (1 / 3)
    result = minimum(POWELL, "a=3", "b=-1", "c=0", "d=1", method=method)
    assert result.stop == "gradient"
    # Near 0 the Hessian is singular to float64, so it cannot confirm the minimum.
    assert result.kind in ("minimum", "degenerate")
    assert np.max(np.abs(vector(result.point))) <= reach
    assert 0 <= result.value <= 10 * reach**4


def _freudenstein_roth_local_minimum():
    """Freudenstein-Roth's local minimum near (11.41, -0.8968) to 40 digits: the analytic
    gradient 2 r1 grad r1 + 2 r2 grad r2 set to 0 by mpmath, and f there."""

    def residuals(x, y):
        return -13 + x + ((5 - y) * y - 2) * y, -29 + x + ((y + 1) * y - 14) * y

    def gradient(x, y):
        r1, r2 = residuals(x, y)
        return 2 * (r1 + r2), 2 * (r1 * (10 * y - 3 * y**2 - 2) + r2 * (3 * y**2 + 2 * y - 14))

    with mpmath.workdps(40):
        x, y = mpmath.findroot(gradient, (mpmath.mpf("11.41"), mpmath.mpf("-0.8968")))
        r1, r2 = residuals(x, y)
        return [float(x), float(y)], float(r1**2 + r2**2)


@pytest.mark.parametrize("method", METHODS)
def test_freudenstein_roth_from_the_standard_start_settles_in_the_local_minimum(method):
    # The paper's start (0.5, -2) lies in the basin of the local minimum (11.41...,
    # -0.8968...), f = 48.98...: every robust method goes there, as scipy's do, and
    # reports it as converged (it is a minimum; only not the global one, (5, 4)).
    best, lowest = _freudenstein_roth_local_minimum()
    assert best[0] == pytest.approx(11.412778986902094) and lowest == pytest.approx(48.984253679)
    result = minimum(FREUDENSTEIN_ROTH, "x=0.5", "y=-2", method=method)
    assert (result.stop, result.kind) == ("gradient", "minimum")
    assert np.max(np.abs(vector(result.point) - best)) <= POLISHED
    assert result.value == pytest.approx(lowest, rel=1e-14)


@pytest.mark.parametrize("method", METHODS)
def test_freudenstein_roth_from_nearer_reaches_the_global_minimum(method):
    result = minimum(FREUDENSTEIN_ROTH, "x=6", "y=3", method=method)
    assert result.stop == "gradient"
    # lambda_min at (5, 4) is 2.9: polished, the point is within a few ulps of it.
    assert np.max(np.abs(vector(result.point) - [5.0, 4.0])) <= 1e-14
    assert result.value <= 1e-28


# --- roots ---------------------------------------------------------------------------------


def test_the_classic_cubic_root_to_the_last_bit():
    # Newton's own example (Wallis, 1685): the nearest float64 to 2.0945514815423265914...
    result = root("x**3 - 2*x - 5", "x=2")
    assert result.stop in ("exact", "rounding")
    assert float(result.point["x"]) == 2.0945514815423265
    assert result.residual_norm <= 4 * math.ulp(5.0)


def test_the_dottie_number():
    result = root("cos(x) - x", "x=1")
    assert result.converged
    assert ulps(float(result.point["x"]), 0.7390851332151607) <= 2  # cos: the CPU's kernel
    assert result.residual_norm <= 4 * math.ulp(1.0)


def test_the_square_root_of_two_within_one_ulp():
    result = root("x**2 - 2", "x=1")
    assert result.converged
    assert ulps(float(result.point["x"]), math.sqrt(2)) <= 1


def test_a_circle_meets_a_hyperbola_at_the_analytic_root():
    # x**2 + y**2 = 4, x*y = 1: x**2 = 2 + sqrt(3) (the root nearer the start), y = 1/x,
    # to 40 digits, then rounded once.
    with mpmath.workdps(40):
        x = mpmath.sqrt(2 + mpmath.sqrt(3))
        expected = {"x": float(x), "y": float(1 / x)}
    result = root("[x**2 + y**2 - 4, x*y - 1]", "x=2", "y=0.5")
    assert result.converged
    for name, value in expected.items():
        assert ulps(float(result.point[name]), value) <= 2
    assert result.residual.shape == (2,)
    assert np.max(np.abs(result.residual)) <= 4 * math.ulp(4.0)


def test_a_three_by_three_system_reaches_one_two_three():
    # x + y + z = 6, xyz = 6, x**2 + y**2 + z**2 = 14: the permutations of (1, 2, 3);
    # from (0.5, 1.8, 3.5) Newton reaches (1, 2, 3), where each equation is exact.
    source = "[x + y + z - 6, x*y*z - 6, x**2 + y**2 + z**2 - 14]"
    result = root(source, "x=0.5", "y=1.8", "z=3.5")
    assert result.converged
    assert np.max(np.abs(vector(result.point) - [1.0, 2.0, 3.0])) <= 8 * math.ulp(3.0)
    assert result.residual_norm <= 8 * math.ulp(14.0)


def test_no_real_root_is_a_stall_not_an_answer():
    result = root("x**2 + 1", "x=2")
    assert not result.converged
    assert result.stop in ("stalled", "singular")
    assert result.residual_norm >= 1.0  # |x**2 + 1| >= 1 everywhere


def test_a_singular_start_is_said_to_be_singular():
    # f'(0) = 0 and f(0) = 1: no Newton step exists and no step lowers |f|.
    result = root("x**2 + 1", "x=0")
    assert result.stop == "singular"
    assert result.point == {"x": 0.0}


def test_a_root_at_the_start_is_exact_at_once():
    result = root("x**2", "x=0")
    assert (result.stop, result.iterations) == ("exact", 0)


# --- the teaching methods against their formulas ---------------------------------------------


def test_gradient_descent_is_x_minus_lr_times_the_gradient():
    result = minimum("x**2", "x=1", method="gd", lr=0.1, steps=3, trace=True)
    x = [1.0]
    for _ in range(3):
        x.append(x[-1] - 0.1 * (2 * x[-1]))
    assert trace_of(result, "x") == x == [1.0, 0.8, 0.64, 0.512]
    assert [row.value for row in result.trace] == [v * v for v in x]
    assert [row.gradient_norm for row in result.trace] == [2 * v for v in x]
    assert [row.step for row in result.trace] == [0.0] + [a - b for a, b in itertools.pairwise(x)]
    assert (result.stop, result.iterations) == ("steps", 3)


def test_momentum_is_pytorchs_heavy_ball():
    # torch.optim.SGD: the buffer starts as the first gradient, then v = v*mu + g, and
    # x -= lr*v. The gradient (2x, 6y) is exact in float64 as the engine computes it.
    lr, mu = 0.05, 0.9
    result = minimum("x**2 + 3*y**2", "x=1", "y=1", method="momentum", lr=lr, steps=5, trace=True)
    x, y, vx, vy = 1.0, 1.0, None, None
    xs, ys = [x], [y]
    for _ in range(5):
        gx, gy = 2 * x, 6 * y
        vx = gx if vx is None else vx * mu + gx
        vy = gy if vy is None else vy * mu + gy
        x, y = x - lr * vx, y - lr * vy
        xs.append(x)
        ys.append(y)
    assert trace_of(result, "x") == xs
    assert trace_of(result, "y") == ys


def test_adam_is_pytorchs_with_bias_correction():
    # torch.optim.Adam, operation for operation: m += (1-b1)*(g-m) (lerp), v = v*b2 +
    # (1-b2)*g*g (addcmul), x -= (lr/(1-b1**t)) * m / (sqrt(v)/sqrt(1-b2**t) + eps).
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    result = minimum("(x-2)**2", "x=0", method="adam", lr=lr, steps=5, trace=True)
    x, m, v, xs = 0.0, 0.0, 0.0, [0.0]
    for t in range(1, 6):
        g = 2 * (x - 2)
        m = m + (1 - b1) * (g - m)
        v = v * b2 + (1 - b2) * g * g
        x = x - (lr / (1 - b1**t)) * m / (math.sqrt(v) / (1 - b2**t) ** 0.5 + eps)
        xs.append(x)
    assert trace_of(result, "x") == xs


def test_rmsprop_is_pytorchs():
    # torch.optim.RMSprop: s = s*alpha + (1-alpha)*g*g, x -= lr*g / (sqrt(s) + eps).
    lr, alpha, eps = 0.1, 0.99, 1e-8
    result = minimum("(x-2)**2", "x=0", method="rmsprop", lr=lr, steps=3, trace=True)
    x, s, xs = 0.0, 0.0, [0.0]
    for _ in range(3):
        g = 2 * (x - 2)
        s = s * alpha + (1 - alpha) * g * g
        x = x - lr * g / (math.sqrt(s) + eps)
        xs.append(x)
    assert trace_of(result, "x") == xs


def test_newton_is_x_minus_f1_over_f2():
    # gradcli solves H step = -g (LAPACK) and takes x**3 from numpy's power, where the
    # hand computation divides and uses Python's: the same numbers up to the last bits,
    # which Newton's iteration does not amplify; held to 4 ulps.
    result = minimum("x**4 - 2*x**2", "x=2", method="newton", trace=True)
    xs = [2.0]
    for _ in range(result.iterations):
        x = xs[-1]
        xs.append(x - (4 * x**3 - 4 * x) / (12 * x**2 - 4))
    got = trace_of(result, "x")
    assert len(got) == len(xs) == 7
    assert all(ulps(a, b) <= 4 for a, b in zip(got, xs))
    assert result.stop == "gradient"
    assert abs(got[-1] - 1.0) <= 1e-11  # the minimum at 1, quadratically


# --- maximize, bounds, unbounded --------------------------------------------------------------


def test_maximize_finds_the_peak_of_x_exp_minus_x():
    result = minimum("x*exp(-x)", "x=0.3", goal="maximum")
    assert (result.stop, result.kind) == ("gradient", "maximum")
    assert ulps(float(result.point["x"]), 1.0) <= 4
    assert ulps(result.value, math.exp(-1)) <= 4


def test_a_bound_holds_the_minimum_at_the_edge():
    result = minimum("(x-3)**2", "x=1", bounds=[("x", 0, 2)])
    assert result.method == "lbfgs"
    assert result.point == {"x": 2.0}
    assert result.value == 1.0
    # Converged by the projected gradient: f' = -2 there, and the answer says it is on a bound.
    assert (result.stop, result.at_bounds) == ("gradient", ["x"])


def test_x_log_x_over_a_range_reaches_one_over_e():
    # Inside the range, so polished like an unbounded minimum: 1/e to the last bits (log
    # is the CPU's kernel). L-BFGS-B alone stops within |f'|/f''(1/e) = 1e-8/e.
    result = minimum("x*log(x)", "x=1", bounds=[("x", 0.01, 2)])
    assert (result.stop, result.at_bounds) == ("gradient", [])
    assert ulps(float(result.point["x"]), 1 / math.e) <= 4
    assert ulps(result.value, -1 / math.e) <= 4


@pytest.mark.parametrize("source", ["-x**2", "x"])
def test_an_unbounded_function_diverges_quickly(source):
    # Quickly: no timing here, a bounded number of iterations (the default allows 1,000).
    result = minimum(source, "x=0.5")
    assert result.stop == "diverged"
    assert result.iterations < 2000
    # Either the point ran past 1e150 or a probe along -∇f found f falling past -1e150;
    # the result is where the method was then.
    assert result.value < -1e6


def test_lbfgs_runs_off_a_concave_function_quickly():
    result = minimum("-x**2", "x=0.5", method="lbfgs")
    assert result.stop == "diverged"
    assert result.iterations < 2000


@pytest.mark.parametrize("method", ["bfgs", "lbfgs"])
@pytest.mark.parametrize("source", ["-x**2", "x"])
def test_a_line_search_that_fails_or_crawls_on_an_unbounded_function_is_a_divergence(
    source, method
):
    # BFGS's line search fails on -x**2 after one step (x = 1024.5), and L-BFGS-B moves x
    # by 1e10 a step: without the probe these were "stalled" and 18,000 evaluations.
    result = minimum(source, "x=0.5", method=method)
    assert result.stop == "diverged"
    assert result.iterations <= 60 and result.evaluations < 5000


# --- what is refused ------------------------------------------------------------------------


def test_a_vector_objective_is_refused_with_a_way_to_reduce_it():
    with pytest.raises(UsageError, match=r"sum\(\.\.\.\)"):
        minimum("[x, y]", "x=1", "y=2")


def test_an_expression_without_variables_is_refused():
    with pytest.raises(UsageError, match="none of the .* nothing to vary"):
        minimum("2+3", "x=1")


def test_a_start_where_f_is_not_finite_is_refused():
    with np.errstate(invalid="ignore"), pytest.raises(UsageError, match="finite"):
        minimum("log(x)", "x=-1")


@pytest.mark.parametrize("method", ["trust", "newton"])
def test_a_hessian_method_on_300_variables_is_refused(method):
    with pytest.raises(LimitError, match="lbfgs"):
        minimum("sum(w**2)", "w=ones(300)", method=method)


def test_solve_refuses_more_equations_than_unknowns():
    with pytest.raises(UsageError, match="as many equations as unknowns"):
        root("[x - 1, x + 1]", "x=0")
