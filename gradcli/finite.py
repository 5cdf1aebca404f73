"""Finite-difference derivatives as h shrinks: the numerical core of ``gradcli limit``.

A pure library module: it takes a Python callable ``f`` of one scalar and knows
nothing of expressions, the command line or rendering. :func:`sweep` evaluates one
scheme over a geometric sequence of steps and returns a :class:`Sweep` of
:class:`Row` objects (estimate, error against the exact derivative when it is
known, observed order of convergence) and the best row, with what a note on it needs
(:func:`gradcli.render.sweeps.sweep_note` writes it). :func:`sweep_all` does the same
for several schemes at once.

Schemes (``order=1`` / ``order=2``):

* ``forward``    (f(x+h) - f(x))/h              / (f(x+2h) - 2f(x+h) + f(x))/h²
* ``backward``   (f(x) - f(x-h))/h              / (f(x) - 2f(x-h) + f(x-2h))/h²
* ``central``    (f(x+h) - f(x-h))/(2h)         / (f(x+h) - 2f(x) + f(x-h))/h²
* ``complex``    Im f(x+ih)/h                   / Im[f(x+hω) + f(x-hω)]/h², ω = e^{iπ/4}
* ``richardson`` central differences extrapolated to h = 0 in powers of h²
  (a Neville tableau with ratio t = shrink); each column comes with an error
  estimate that does not use the exact value.

The first central difference, with its rounding bound, is the engine's
:func:`gradcli.autograd.differences.central_differences`, the one ``gradcheck`` uses.

The step sequence
-----------------
h_0 = h and h_{k+1} = h_k * (1/shrink), computed iteratively in floating point,
which is what the teaching loop ``h *= 0.1`` does; the estimates use these
iterated steps, so ``f(x) = 3x² - 4x`` at 1 reproduces the familiar
2.3000000000000043, 2.029999999999976, ... exactly. The iterated steps carry the
rounding of each multiplication (0.1 * 0.1 is 0.010000000000000002), so the step
*reported* in :attr:`Row.h` is the nominal one: the iterated step rounded to 15
significant digits, 0.01, 0.001, ... 1e-05. The two differ by a few ulps, far
below anything a difference quotient can resolve.

Any of h, steps and shrink left as None takes the scheme's default
(:data:`DEFAULT_SWEEPS`, :func:`sweep_parameters`): a sweep that runs from a large
step down past the step where that scheme is at its best, so the table shows the
truncation error falling, the best region and the rounding error taking over.
The default steps are scaled by max(1, |x|), as the best step is: at x = 1e10 a step
of 1e-5 is lost to rounding (x + h has 6 of its digits), and the central sweep runs
from 1e9 to 1. The forward scheme's default is the teaching loop of forward differences
(h = 0.1 ... 1e-5, ``h *= 0.1``), bit for bit wherever |x| <= 1.

The best row
------------
:attr:`Sweep.best` is chosen without the exact value, as a user without one
would have to: for Richardson the diagonal entry with the smallest error
estimate, for the other schemes the row whose estimate differs least from its
neighbours' (successive estimates agree where truncation and rounding error are
both small). The exact value only fills the error columns.

Nothing here raises or warns on floating-point trouble: a step that underflows
to 0, an ``f`` that returns NaN or infinity, a difference that overflows all
simply show up as 0/NaN/inf in the rows, because showing where the quotient
breaks down is the point of the sweep. Bad arguments (a step that is not a
positive finite number, too few or too many steps, a shrink factor ≤ 1, an
unknown scheme or order) raise :class:`gradcli.errors.UsageError`. Floating-point
warnings that ``f`` itself raises are left alone: they are ``f``'s to report.
"""

from __future__ import annotations

import cmath
import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcli.autograd.differences import EPS, central_differences
from gradcli.errors import ShapeError, UsageError

SCHEMES = ("forward", "backward", "central", "complex", "richardson")
REAL_SCHEMES = tuple(s for s in SCHEMES if s != "complex")
"""The schemes that only evaluate ``f`` at real points (``f`` need not accept complex)."""

MAX_STEPS = 1000
"""Most rows one sweep may have; the Richardson tableau grows as steps²/2."""

DEFAULT_SWEEPS: dict[tuple[str, int], tuple[float, int, float]] = {
    # (scheme, derivative order): (first step h, rows, shrink). Each runs past the
    # scheme's best step (see _note) by a decade or more, so the table shows where
    # rounding takes over; forward order 1 is the teaching loop and stops at 1e-5.
    ("forward", 1): (0.1, 5, 10.0),
    ("backward", 1): (0.1, 10, 10.0),
    ("central", 1): (0.1, 9, 10.0),
    ("complex", 1): (0.1, 12, 10.0),
    ("forward", 2): (0.1, 8, 10.0),
    ("backward", 2): (0.1, 8, 10.0),
    ("central", 2): (0.1, 7, 10.0),
    ("complex", 2): (0.1, 6, 10.0),
    # Extrapolation gains most from large steps and a ratio of 2: over a battery of
    # smooth functions (bench/finite_differences.py) this beats starting at 0.1 or
    # shrinking by 4 or 10, and matches numdifftools' default Derivative.
    ("richardson", 1): (0.25, 12, 2.0),
    ("richardson", 2): (0.25, 12, 2.0),
}
"""The sweep each scheme gets when h, steps and shrink are not given."""

MIN_DEFAULT_STEPS = 5
"""Fewest rows a default step count gives (a given h may already be past the best region)."""

# e^{iπ/4}: its square is i, so f(x+hω) + f(x-hω) = 2f + i·h²f'' - h⁴f''''/12 - ...
# and the imaginary part isolates f'' with an O(h⁴) remainder.
_OMEGA = cmath.rect(1.0, math.pi / 4)

ScalarFunction = Callable[[Any], Any]


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One step of a sweep.

    ``order`` is the observed order of convergence against the previous row,
    log(err_prev/err) / log(h_prev/h): about 1 for forward differences and 2 for
    central ones while truncation error dominates, erratic once rounding takes
    over. It is None on the first row, without an exact value, or when either
    error is 0 or not finite.
    """

    h: float  # nominal step, see the module docstring
    estimate: float
    abs_error: float | None  # |estimate - exact|; None when exact is None
    rel_error: float | None  # abs_error/|exact|; None when exact is None or 0
    order: float | None


@dataclass(frozen=True)
class ExtrapolationColumn:
    """Column ``level`` of the Richardson tableau.

    Level 0 holds the central differences themselves; level j has eliminated the
    error terms in h², h⁴, ..., h^(2j), so its truncation error is O(h^(2j+2)).
    Entry i of the column is T[j+i][j], built from steps h_i ... h_{j+i}; its
    ``h`` is the smallest of these (nominal). The error estimate of T[k][j] is
    max(|T[k][j] - T[k][j-1]|, |T[k][j] - T[k-1][j-1]|) (Ridders' choice), and
    |T[k][0] - T[k-1][0]| in column 0; it is None for T[0][0], which has no
    neighbour. None of this uses the exact value.
    """

    level: int
    h: tuple[float, ...]
    estimates: tuple[float, ...]
    error_estimates: tuple[float | None, ...]
    best: float  # the entry with the smallest finite error estimate
    best_h: float
    error_estimate: float | None  # that entry's error estimate


@dataclass(frozen=True)
class Sweep:
    """The result of :func:`sweep`.

    For ``richardson``, row k is the diagonal entry T[k][k] of the tableau (the
    highest-order extrapolation of steps h_0 ... h_k), and its error estimate is
    ``extrapolation[k].error_estimates[0]``. Leading rows whose central
    difference is not finite (a step that leaves the function's domain) are
    left out of the tableau and show that central difference; the tableau
    starts at the first finite one.

    ``best`` never depends on the exact value (see the module docstring); it is
    None when no row can be compared with another, or when ``withheld`` (the
    caller found no derivative to estimate there). ``x``, ``shrink`` and
    ``defaults`` (which of h, steps and shrink were the scheme's defaults) are
    what a note on the sweep tells (:func:`gradcli.render.sweeps.sweep_note`).
    """

    scheme: str
    derivative_order: int
    rows: tuple[Row, ...]
    best: Row | None
    extrapolation: tuple[ExtrapolationColumn, ...] | None
    x: float
    shrink: float
    defaults: tuple[str, ...]
    withheld: bool = False


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _check_arguments(scheme: str, h: float, steps: int, shrink: float, order: int) -> None:
    _check_scheme_and_order(scheme, order)
    if not _is_positive_finite(h):
        raise UsageError(
            f"the step h must be a positive finite number, got {h!r}; try h=0.1 "
            "(tiny steps such as 1e-300 are allowed and show the breakdown)"
        )
    if not _is_int(steps) or steps < 1:
        raise UsageError(f"steps must be a whole number of rows, at least 1, got {steps!r}")
    if steps > MAX_STEPS:
        raise UsageError(
            f"steps={steps} is more than the {MAX_STEPS} rows a sweep may have; "
            "use fewer steps or a larger shrink factor to reach small h sooner"
        )
    if not _is_positive_finite(shrink) or shrink <= 1:
        raise UsageError(
            f"the shrink factor must be a finite number greater than 1 (each step is "
            f"the previous one divided by it), got {shrink!r}; try shrink=10 or 2"
        )


def _check_scheme_and_order(scheme: str, order: int) -> None:
    if scheme not in SCHEMES:
        raise UsageError(f"unknown scheme {scheme!r}: choose one of {', '.join(SCHEMES)}")
    if not _is_int(order) or order not in (1, 2):
        raise UsageError(f"the derivative order must be 1 or 2, got {order!r}")


def _is_positive_finite(value: Any) -> bool:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(v) and v > 0


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


# ---------------------------------------------------------------------------
# Steps and evaluation
# ---------------------------------------------------------------------------


def steps_of(h: float, steps: int, shrink: float) -> list[float]:
    """The iterated steps h_0 ... h_{steps-1}, multiplied down as the teaching loop does."""
    # Multiplying by the reciprocal, not dividing by shrink, is what reproduces the
    # teaching loop's `h *= 0.1` floats bit for bit.
    factor = 1.0 / float(shrink)
    out = [float(h)]
    for _ in range(steps - 1):
        out.append(out[-1] * factor)
    return out


def nominal(h: float) -> float:
    """The step as a person would write it: ``h`` rounded to 15 significant digits."""
    return float(f"{h:.15g}")


def _one_value(value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.size != 1:
        raise ShapeError(
            f"the function must return one number, got an array of shape {array.shape}; "
            "reduce it to a scalar (sum, index, ...) first"
        )
    return array.reshape(())


def _real(value: Any) -> np.float64:
    """f's value at a real point, as float64; a genuinely complex value is NaN."""
    array = _one_value(value)
    if np.iscomplexobj(array):
        # A function that leaves the reals at a real point has no real derivative
        # there; NaN shows that in the table instead of silently dropping Im.
        if array.imag != 0:
            return np.float64(np.nan)
        array = array.real
    return np.float64(array)


def _complex(value: Any) -> np.complex128:
    return np.complex128(_one_value(value))


class _Evaluator:
    """Calls f at real or complex points, computing f(x) at most once."""

    def __init__(self, f: ScalarFunction, x: float):
        self.f = f
        self.x = x
        self._fx: np.float64 | None = None

    def at(self, dx: float) -> np.float64:
        return self.at_point(self.x + dx)

    def at_point(self, point: float) -> np.float64:
        # A step that underflowed to 0 means x itself, also at x = -0.0, where x + 0
        # is +0.0 and f may differ (1/x); any other point equal to x has its bits.
        if point == self.x:
            return self.fx()
        return _real(self.f(point))

    def fx(self) -> np.float64:
        if self._fx is None:
            self._fx = _real(self.f(self.x))
        return self._fx

    def at_complex(self, dz: complex) -> np.complex128:
        return _complex(self.f(self.x + dz))

    def central(self, h: float) -> tuple[float, float]:
        """The central difference at step h, and the bound on its rounding error."""
        # f takes a Python float here as at the other schemes' points.
        est, noise = central_differences(lambda point: self.at_point(float(point)), self.x, h)
        return float(est), float(noise)


def _quotient(ev: _Evaluator, scheme: str, order: int, h: float) -> tuple[float, float]:
    """One difference quotient, and a bound on its rounding error.

    Every branch is the formula in the module docstring. The bound is ε times
    the sizes of the values the numerator adds up, over the denominator: the
    error of rounding each value once. It is what makes tiny steps look bad even
    where their estimates agree exactly (f(x+h) == f(x) gives 0 for every tiny h).
    """
    hh = np.float64(h)
    # Underflowed steps divide by 0 and overflowing values subtract inf - inf: both
    # are the breakdown the sweep exists to show, not errors.
    with np.errstate(all="ignore"):
        if scheme == "complex" and order == 1:
            # No difference of nearby values, so no cancellation: always resolved.
            est = ev.at_complex(complex(0.0, h)).imag / hh
            return float(est), float(EPS * abs(est))
        if scheme == "complex":
            # The f(x) and first-derivative terms cancel exactly in the algebra,
            # but numerically Im f(x±hω) ≈ ±h·f'/√2 still cancel: the rounding
            # error grows like ε/h (not ε/h² as for real second differences),
            # so unlike the first-order complex step this one does break down
            # as h shrinks.
            dz = h * _OMEGA
            plus, minus = ev.at_complex(dz).imag, ev.at_complex(-dz).imag
            difference, size = plus + minus, abs(plus) + abs(minus)
            denominator = hh * hh
        elif order == 1:
            if scheme in ("central", "richardson"):
                return ev.central(h)
            if scheme == "forward":
                a, b = ev.at(h), ev.fx()
            else:  # backward
                a, b = ev.fx(), ev.at(-h)
            difference, size = a - b, abs(a) + abs(b)
            denominator = hh
        else:
            if scheme == "forward":
                a, b, c = ev.at(2 * h), ev.at(h), ev.fx()
            elif scheme == "backward":
                a, b, c = ev.fx(), ev.at(-h), ev.at(-2 * h)
            else:  # central, richardson
                a, b, c = ev.at(h), ev.fx(), ev.at(-h)
            difference, size = a - 2 * b + c, abs(a) + 2 * abs(b) + abs(c)
            denominator = hh * hh
        est = difference / denominator
        noise = EPS * size / abs(denominator)
    return float(est), float(noise)


# ---------------------------------------------------------------------------
# Errors, observed order, best row
# ---------------------------------------------------------------------------


def _rows(estimates: list[float], hs: list[float], exact: float | None) -> tuple[Row, ...]:
    rows: list[Row] = []
    prev_err: float | None = None
    prev_h: float | None = None
    for est, h in zip(estimates, hs, strict=True):
        abs_err = rel_err = order = None
        if exact is not None:
            abs_err = abs(est - exact)
            if exact != 0:
                rel_err = abs_err / abs(exact)
            order = _observed_order(prev_err, abs_err, prev_h, h)
        rows.append(
            Row(h=nominal(h), estimate=est, abs_error=abs_err, rel_error=rel_err, order=order)
        )
        prev_err, prev_h = abs_err, h
    return tuple(rows)


def _observed_order(
    err_prev: float | None, err: float | None, h_prev: float | None, h: float
) -> float | None:
    if err_prev is None or err is None or h_prev is None:
        return None
    if not (_positive_finite(err_prev) and _positive_finite(err) and h > 0):
        return None
    log_h = math.log(h_prev / h)
    if not math.isfinite(log_h) or log_h <= 0:
        return None
    result = math.log(err_prev / err) / log_h
    return result if math.isfinite(result) else None


def _positive_finite(v: float) -> bool:
    return math.isfinite(v) and v > 0


def _argmin_finite(values: Iterable[float | None]) -> int | None:
    """Index of the smallest finite value (the first on ties), or None."""
    best_i: int | None = None
    best_v = math.inf
    for i, v in enumerate(values):
        if v is not None and math.isfinite(v) and (best_i is None or v < best_v):
            best_i, best_v = i, v
    return best_i


# ---------------------------------------------------------------------------
# Richardson extrapolation
# ---------------------------------------------------------------------------


def _tableau(central: list[float], shrink: float) -> np.ndarray:
    """The Neville tableau T[k][j] of polynomial extrapolation in h² to h = 0.

    T[k][0] is the central difference at h_k, and
    T[k][j] = T[k][j-1] + (T[k][j-1] - T[k-1][j-1]) / (t^(2j) - 1), t = shrink,
    which removes the h^(2j) term of the error expansion. Entries above the
    diagonal are NaN.
    """
    n = len(central)
    table = np.full((n, n), np.nan)
    table[:, 0] = central
    # A product, not **, so that a huge shrink gives inf instead of OverflowError.
    t2 = float(shrink) * float(shrink)
    factor = 1.0
    with np.errstate(all="ignore"):
        for j in range(1, n):
            # Grows past the float range for long sweeps with a big shrink; the
            # correction then vanishes, which is the right limit.
            factor *= t2
            upper, lower = table[j:, j - 1], table[j - 1 : -1, j - 1]
            table[j:, j] = upper + (upper - lower) / (factor - 1.0)
    return table


def _tableau_errors(table: np.ndarray) -> np.ndarray:
    """Error estimate of each tableau entry from its neighbours (NaN where there is none)."""
    n = table.shape[0]
    errors = np.full((n, n), np.nan)
    with np.errstate(all="ignore"):
        errors[1:, 0] = np.abs(table[1:, 0] - table[:-1, 0])
        for j in range(1, n):
            here = table[j:, j]
            errors[j:, j] = np.maximum(
                np.abs(here - table[j:, j - 1]), np.abs(here - table[j - 1 : -1, j - 1])
            )
    return errors


def _extrapolation(
    table: np.ndarray, errors: np.ndarray, hs: list[float]
) -> tuple[ExtrapolationColumn, ...]:
    n = table.shape[0]
    columns = []
    for j in range(n):
        estimates = tuple(float(v) for v in table[j:, j])
        # T[0][0] has no neighbour to compare with; every other entry has one.
        errs = tuple(None if (k, j) == (0, 0) else float(errors[k, j]) for k in range(j, n))
        h_col = tuple(nominal(h) for h in hs[j:])
        i = _argmin_finite(errs)
        if i is None:
            i = 0
        columns.append(
            ExtrapolationColumn(
                level=j,
                h=h_col,
                estimates=estimates,
                error_estimates=errs,
                best=estimates[i],
                best_h=h_col[i],
                error_estimate=errs[i],
            )
        )
    return tuple(columns)


# ---------------------------------------------------------------------------
# Default sweeps
# ---------------------------------------------------------------------------


def sweep_parameters(
    scheme: str,
    order: int,
    h: float | None,
    steps: int | None,
    shrink: float | None,
    x: float = 0.0,
) -> tuple[float, int, float]:
    """The (h, steps, shrink) a sweep at ``x`` uses: the given ones, the scheme's default
    for None, its steps scaled by max(1, |x|) (see :func:`best_step`).

    A step count left as None is the number of rows that takes the given (or
    default) h, at the given (or default) shrink, down to the smallest step of
    the scheme's default sweep, and at least :data:`MIN_DEFAULT_STEPS`, at most
    :data:`MAX_STEPS`. Raises :class:`~gradcli.errors.UsageError` for anything
    :func:`sweep` would refuse.

    >>> sweep_parameters("central", 1, None, None, None)
    (0.1, 9, 10.0)
    >>> sweep_parameters("central", 1, None, None, 100.0)
    (0.1, 5, 100.0)
    >>> sweep_parameters("central", 1, None, None, None, x=1e10)
    (1000000000.0, 9, 10.0)
    """
    _check_scheme_and_order(scheme, order)
    default_h, default_steps, default_shrink = DEFAULT_SWEEPS[scheme, order]
    default_h *= _scale(x)
    h = default_h if h is None else h
    shrink = default_shrink if shrink is None else shrink
    if steps is None:
        # Checked here because the step count is computed from them.
        _check_arguments(scheme, h, 1, shrink, order)
        if (h, shrink) == (default_h, default_shrink):
            steps = default_steps
        else:
            smallest = default_h / default_shrink ** (default_steps - 1)
            # The 1e-9 keeps h = 0.1 and shrink 10 from rounding up to an extra row.
            needed = 1 + math.ceil(math.log(h / smallest) / math.log(shrink) - 1e-9)
            steps = min(max(needed, MIN_DEFAULT_STEPS), MAX_STEPS)
    _check_arguments(scheme, h, steps, shrink, order)
    return float(h), int(steps), float(shrink)


# ---------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------


def best_step(scheme: str, order: int, x: float) -> tuple[float, str] | None:
    """Rule-of-thumb best step (value, formula), or None where there is no single one.

    Truncation error ~ h^p against rounding error ~ ε/h^q is smallest near
    h ≈ ε^(1/(p+q))·scale, with scale |x| (or 1 near 0).
    """
    scale = _scale(x)
    roots = {
        ("forward", 1): (2, "√ε"),
        ("backward", 1): (2, "√ε"),
        ("forward", 2): (3, "ε^(1/3)"),
        ("backward", 2): (3, "ε^(1/3)"),
        ("central", 1): (3, "ε^(1/3)"),
        ("central", 2): (4, "ε^(1/4)"),
        ("complex", 1): (2, "√ε"),
        ("complex", 2): (5, "ε^(1/5)"),
    }
    if (scheme, order) not in roots:
        return None
    root, text = roots[scheme, order]
    return EPS ** (1 / root) * scale, text


def _scale(x: float) -> float:
    """What steps are measured against: |x|, or 1 near 0 (where h has no scale to keep)."""
    return max(1.0, abs(x)) if math.isfinite(x) else 1.0


# ---------------------------------------------------------------------------
# The best row, without the exact value
# ---------------------------------------------------------------------------


def _best_by_agreement(estimates: list[float], noise: list[float]) -> int | None:
    """The row whose estimate is closest to both of its neighbours'.

    A row's score is its larger difference to a neighbour (one neighbour at the
    ends; a non-finite neighbour says nothing), but never less than its own
    rounding error bound: rows of noise that agree by chance do not win. Ties
    go to the row with the smaller other difference (so a row at the end loses
    to the one beside it), then to the later row: on the complex step's plateau
    of equal estimates the smaller step has the smaller truncation error.
    """
    best_i: int | None = None
    best_score = (math.inf, math.inf)
    for i, est in enumerate(estimates):
        if not math.isfinite(est):
            continue
        gaps = [
            abs(est - estimates[j])
            for j in (i - 1, i + 1)
            if 0 <= j < len(estimates) and math.isfinite(estimates[j])
        ]
        if not gaps:
            continue
        score = (max(max(gaps), noise[i]), min(gaps))
        if score <= best_score:
            best_i, best_score = i, score
    return best_i


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def sweep(
    f: ScalarFunction,
    x: float,
    *,
    exact: float | None,
    scheme: str = "forward",
    h: float | None = None,
    steps: int | None = None,
    shrink: float | None = None,
    order: int = 1,
) -> Sweep:
    """Estimate the ``order``-th derivative of ``f`` at ``x`` over shrinking steps.

    ``f`` takes one scalar (a float; a complex for ``scheme="complex"``) and
    returns one (float, complex or a numpy scalar; NaN and infinity are fine).
    ``exact`` is the true derivative, used only for the error columns, never to
    choose the best row. The steps are h, h/shrink, ... (``steps`` of them, see
    the module docstring for the exact arithmetic); each of h, steps and shrink
    left as None takes the scheme's default (:func:`sweep_parameters`).

    >>> s = sweep(lambda x: 3 * x**2 - 4 * x, 1.0, exact=2.0)
    >>> [r.h for r in s.rows]
    [0.1, 0.01, 0.001, 0.0001, 1e-05]
    >>> s.rows[0].estimate
    2.3000000000000043

    Raises :class:`~gradcli.errors.UsageError` for a bad scheme, step, step
    count, shrink factor or order.
    """
    defaults = [o for o, v in (("h", h), ("steps", steps), ("shrink", shrink)) if v is None]
    x = float(x)
    h, steps, shrink = sweep_parameters(scheme, order, h, steps, shrink, x)
    exact = None if exact is None else float(exact)
    hs = steps_of(h, steps, shrink)
    ev = _Evaluator(f, x)
    quotients = [_quotient(ev, scheme, order, step) for step in hs]
    estimates = [est for est, _ in quotients]
    noise = [bound for _, bound in quotients]

    if scheme != "richardson":
        rows = _rows(estimates, hs, exact)
        i = _best_by_agreement(estimates, noise)
        best = None if i is None else rows[i]
        return Sweep(scheme, order, rows, best, None, x, shrink, tuple(defaults))

    # Steps that leave f's domain come first: extrapolating through their NaN would
    # poison every diagonal entry, so the tableau starts after them.
    start = next((k for k, v in enumerate(estimates) if math.isfinite(v)), 0)
    table = _tableau(estimates[start:], shrink)
    errors = _tableau_errors(table)
    columns = _extrapolation(table, errors, hs[start:])
    diagonal = estimates[:start] + [float(v) for v in np.diag(table)]
    rows = _rows(diagonal, hs, exact)
    # As for the other schemes, a row's score is never less than its rounding bound (the
    # tableau's weights sum to less than 2, most on the smallest step): rows of rounding
    # noise that agree by chance do not win.
    i = _argmin_finite(
        None if e is None else max(e, 2 * bound)
        for e, bound in zip((col.error_estimates[0] for col in columns), noise[start:])
    )
    best = None if i is None else rows[start + i]
    return Sweep(scheme, order, rows, best, columns, x, shrink, tuple(defaults))


def sweep_all(
    f: ScalarFunction,
    x: float,
    *,
    exact: float | None,
    h: float | None = None,
    steps: int | None = None,
    shrink: float | None = None,
    order: int = 1,
    schemes: Iterable[str] = SCHEMES,
) -> dict[str, Sweep]:
    """:func:`sweep` for each of ``schemes``, in that order (``--scheme all``).

    Each of h, steps and shrink left as None takes each scheme's own default.
    Pass ``schemes=REAL_SCHEMES`` when ``f`` cannot be evaluated at complex points.
    All arguments are checked before ``f`` is called at all.
    """
    names = list(dict.fromkeys(schemes))
    if not names:
        raise UsageError(f"no schemes given: choose from {', '.join(SCHEMES)}")
    for name in names:
        sweep_parameters(name, order, h, steps, shrink, float(x))
    return {
        name: sweep(f, x, exact=exact, scheme=name, h=h, steps=steps, shrink=shrink, order=order)
        for name in names
    }
