"""What the plots show, as data: sampled curves (``gradcli plot``) and error sweeps
(``gradcli limit --plot``). Nothing here draws; ``gradcli.render.plots`` does.

The derivatives are exact: the grid goes through :func:`gradcli.compute.points.at_points`,
which runs Taylor mode on the whole grid at once for elementwise expressions and
row by row (the single-point path) for anything else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli import finite
from gradcli.autograd import creation
from gradcli.autograd.differences import EPS
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.points import VALUE, Request, at_points, derivative
from gradcli.compute.results import (
    AxisClipped,
    Curve,
    CurveGap,
    ErrorPlot,
    ErrorSweep,
    ExactEstimates,
    Limit,
    Sampled,
)
from gradcli.errors import UsageError, option
from gradcli.language import Expression

DEFAULT_SAMPLES = 401
"""Points on the grid: with the ends included, a range such as -1:1 samples 0 exactly."""

MAX_SAMPLES = 100_000
MAX_PLOT_ORDER = 6
"""f and six derivatives: seven curves are as many as one plot can keep apart."""

CHUNK = 128
"""Points per call of the vectorised path: a point without a Taylor series (a kink)
sends its chunk row by row, not the whole grid."""

CLIP_QUANTILES = (5.0, 95.0)
CLIP_FAR = 3.0
CLIP_MARGIN = 0.5
"""The y axis spans all the data unless a side reaches absurdly far: beyond the central 90%
of the values by more than ``CLIP_FAR`` times its span (a pole's 1e16, not an exponential's
growth). That side is then cut at ``CLIP_MARGIN`` spans beyond the central 90%. When the
data lie on both sides of 0 and a cut leaves its side the shorter one (1/x with -1/x²,
whose values are mostly negative, cut the negative side at -152 and left the positive one
at 200), that side reaches as far as the other: a pole's two arms are drawn alike."""


def derivative_label(order: int) -> str:
    """f, f', f'', f''' and then f⁽⁴⁾, f⁽⁵⁾, ... as textbooks write them."""
    if order <= 3:
        return "f" + "'" * order
    superscripts = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"f⁽{str(order).translate(superscripts)}⁾"


def sample(
    expression: Expression,
    bound: Sequence[Binding],
    over: tuple[str, float, float],
    order: int = 1,
    samples: int = DEFAULT_SAMPLES,
) -> Sampled:
    """f and f', ..., f^(order) by the variable of ``over`` at ``samples`` evenly spaced
    points of its range (ends included); ``bound`` holds the other variables."""
    name, lo, hi = over
    if not 0 <= order <= MAX_PLOT_ORDER:
        raise UsageError(
            f"{option('order')} {order}: a plot shows f and up to {MAX_PLOT_ORDER} derivatives"
        )
    if not 2 <= samples <= MAX_SAMPLES:
        raise UsageError(f"{option('samples')} {samples}: choose from 2 to {MAX_SAMPLES:,}")
    if name in {b.name for b in bound}:
        raise UsageError(f"{name} is bound by {option('over')} and by {option('at')}; give it once")
    if name not in expression.variables:
        raise UsageError(
            f"{option('over')} {name}: the expression does not use {name} "
            f"(its variables: {', '.join(expression.variables) or 'none'})"
        )
    x = np.linspace(lo, hi, samples)
    _check_scalar(expression, bound, name, x[samples // 2])
    request = Request(wrt=(name,), order=order if order >= 2 else None) if order else Request()
    columns: dict[str, list[np.ndarray]] = {}
    # Infinities and NaN are the plot's gaps, reported in its notes, not numpy's warnings.
    with np.errstate(all="ignore"), creation.same_draws():
        for start in range(0, samples, CHUNK):
            rows = {name: x[start : start + CHUNK]}
            for part, block in at_points(expression, bound, rows, request)[1:]:
                columns.setdefault(part, []).append(np.asarray(block, np.float64).reshape(-1))
    parts = [VALUE, *(derivative(name, k) for k in range(1, order + 1))]
    curves = [
        Curve(derivative_label(k), k, np.concatenate(columns[part])) for k, part in enumerate(parts)
    ]
    # Where f is undefined (log of a negative number) so are its derivatives, whatever
    # number the derivative's formula gives there (1/x).
    undefined = np.isnan(curves[0].values)
    for curve in curves[1:]:
        curve.values[undefined] = np.nan
    ylim, clipped = _y_range([c.values for c in curves])
    if ylim is None:
        raise UsageError(
            f"nothing to draw: f and its derivatives are NaN or infinite at every point of "
            f"{name}={lo:g}:{hi:g}; choose a range where the expression is defined"
        )
    at = {b.name: b.value for b in bound}
    result = Sampled(expression.source, name, at, x, curves, ylim, clipped)
    result.warnings.extend(_gap_notes(result))
    return result


def _check_scalar(
    expression: Expression, bound: Sequence[Binding], name: str, point: float
) -> None:
    values = {b.name: Tensor(b.value) for b in bound}
    with no_grad(), np.errstate(all="ignore"):
        value = expression.evaluate({**values, name: Tensor(np.asarray(point))})
    if value.numel() != 1:
        raise UsageError(
            f"plot draws a single-number value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )


SYMMETRY_ROUNDING = 1e-9


def _y_range(curves: Sequence[np.ndarray]) -> tuple[tuple[float, float] | None, bool]:
    """The y range to draw, and whether it cuts off some values (see :data:`CLIP_FAR`)."""
    finite = np.concatenate([c[np.isfinite(c)] for c in curves])
    if finite.size == 0:
        return None, False
    low, high = float(finite.min()), float(finite.max())
    q_low, q_high = (float(q) for q in np.percentile(finite, CLIP_QUANTILES))
    span = (q_high - q_low) or max(abs(q_low), abs(q_high), 1.0)
    cut_low = low < q_low - CLIP_FAR * span
    cut_high = high > q_high + CLIP_FAR * span
    if cut_low:
        low = q_low - CLIP_MARGIN * span
    if cut_high:
        high = q_high + CLIP_MARGIN * span
    # A cut that leaves its side shorter than the other (a pole's arm cut lower than its
    # twin) goes out as far as the other side.
    if low < 0 < high and ((cut_low and -low < high) or (cut_high and high < -low)):
        # A little further, so that the twin of the farthest value is drawn even when the
        # grid's rounding makes it a few ulps larger (1/x at x = -0.005 is -200.0000000000046).
        reach = max(-low, high) * (1 + SYMMETRY_ROUNDING)
        low, high = -reach, reach
    return _padded(low, high), cut_low or cut_high


def _padded(low: float, high: float) -> tuple[float, float]:
    """A flat curve still gets a range of its own (a constant 0 draws in [-1, 1])."""
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    return low, high


def _gap_notes(result: Sampled) -> list[Any]:
    """Why parts of the curves are missing: not finite there, or outside the y range."""
    notes: list[Any] = []
    name = result.variable
    for curve in result.curves:
        bad = ~np.isfinite(curve.values)
        if bad.any():
            xs = result.x[bad]
            notes.append(
                CurveGap(curve.label, name, int(xs.size), float(xs.min()), float(xs.max()))
            )
    if result.clipped and result.ylim is not None:
        lo, hi = result.ylim
        extremes = []
        for curve in result.curves:
            finite = np.isfinite(curve.values)
            outside = finite & ((curve.values < lo) | (curve.values > hi))
            if outside.any():
                i = int(np.argmax(np.where(outside, np.abs(curve.values), -1.0)))
                extremes.append((curve.label, float(curve.values[i]), name, float(result.x[i])))
        notes.append(AxisClipped(lo, hi, tuple(extremes)))
    return notes


# --- limit --plot ---------------------------------------------------------------------------

TRUNCATION_ORDER: dict[tuple[str, int], int] = {
    ("forward", 1): 1,
    ("backward", 1): 1,
    ("central", 1): 2,
    ("complex", 1): 2,
    ("forward", 2): 1,
    ("backward", 2): 1,
    ("central", 2): 2,
    ("complex", 2): 4,
}
"""The power of h in each scheme's truncation error (gradcli.finite's module docstring);
Richardson raises its order with every row, so it has no single slope."""


def error_plot(limit: Limit) -> ErrorPlot:
    """The data of ``limit --plot`` from the Limit result the command already computed."""
    if not math.isfinite(limit.exact):
        raise UsageError(
            f"the exact derivative is {limit.exact} at this point, so the estimates have no "
            "error to plot; choose another point"
        )
    point = float(np.asarray(limit.at[limit.wrt]).item())
    floor = EPS * abs(limit.exact) if limit.exact != 0 else EPS
    sweeps = []
    for sweep in limit.sweeps.values():
        h = np.array([row.h for row in sweep.rows], dtype=np.float64)
        error = np.array(
            [np.nan if row.abs_error is None else row.abs_error for row in sweep.rows],
            dtype=np.float64,
        )
        expected = TRUNCATION_ORDER.get((sweep.scheme, limit.derivative_order))
        best = finite.best_step(sweep.scheme, limit.derivative_order, point)
        best_h = None if best is None else best[0]
        orders = [
            row.order
            for row in sweep.rows
            if row.order is not None
            and math.isfinite(row.order)
            and (best_h is None or row.h > best_h)
        ]
        observed = float(np.median(orders)) if orders and sweep.scheme != "richardson" else None
        sweeps.append(
            ErrorSweep(
                scheme=sweep.scheme,
                h=h,
                error=error,
                expected_order=expected,
                observed_order=observed,
                best_h=best_h,
                chosen_h=None if sweep.best is None else sweep.best.h,
                reference=_reference(h, error, expected, best_h),
            )
        )
    result = ErrorPlot(
        limit.expression, limit.wrt, point, limit.derivative_order, limit.exact, sweeps, floor
    )
    zeros = sum(int(np.sum(s.error == 0)) for s in sweeps)
    if zeros:
        result.warnings.append(ExactEstimates(zeros, floor))
    return result


def _reference(
    h: np.ndarray, error: np.ndarray, order: int | None, best_h: float | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """C·h^p over the steps above the best one, through the middle of their errors: the
    slope the errors follow while truncation dominates."""
    usable = np.isfinite(error) & (error > 0) & (h > 0) & (h > (best_h or 0.0))
    if order is None or usable.sum() < 2:
        return None
    steps_used, errors_used = h[usable], error[usable]
    middle = len(steps_used) // 2
    steps = np.geomspace(steps_used.max(), steps_used.min(), 20)
    return steps, errors_used[middle] * (steps / steps_used[middle]) ** order
