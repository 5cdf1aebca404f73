"""What the plots show, as data: sampled curves (``gradcli plot``), error sweeps
(``gradcli limit --plot``), and the way of minimize, maximize and solve and the points of
critical (``--plot``: f with the iterates, or its contours, computed here by marching
squares, with the path). Nothing here draws; ``gradcli.render.plots`` does.

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
from gradcli.compute.evaluation import point_of
from gradcli.compute.points import VALUE, Request, at_points, derivative
from gradcli.compute.results import (
    AxisClipped,
    Critical,
    CriticalPoint,
    Curve,
    CurveGap,
    ErrorPlot,
    ErrorSweep,
    ExactEstimates,
    Level,
    Limit,
    Optimum,
    PathContours,
    PathCurve,
    Root,
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


# --- minimize, maximize, solve and critical --plot ------------------------------------------

GRID = 121
"""Points on each side of the contour grid: 14,641 values from one batched evaluation, a
grid finer than a terminal's braille dots across (about 150 at 80 columns)."""

LEVELS = 8
LEVEL_SPAN = 1e-3
"""Contours of f at LEVELS heights above its lowest value on the grid, spaced evenly in
log(f - lowest) from LEVEL_SPAN of the height of the 95th percentile up to it (each 2.7
times the one below). f's shape is at small heights, a valley's floor, a basin around a
minimum, while its walls rise a thousand times higher: on the box of Rosenbrock's classic
path the walls reach 920 and the valley's floor is below 5. Evenly spaced levels would
draw the walls only (the first at 43); log spacing gives the floor three of the eight
lines. The top is the 95th percentile rather than the highest value so that one steep
corner does not stretch the levels. For a maximum the same heights are measured down from
the highest value. Eight lines, because a terminal's braille lines closer than a few
characters merge."""

TOP_QUANTILE = 95.0

PATH_MARGIN = 0.2
MIN_WIDTH = 0.5
"""The range drawn around the iterates reaches PATH_MARGIN of their span beyond them on
each side, and is at least MIN_WIDTH times the larger of 1 and their distance from 0
wide: Newton on x**3 - 2*x - 5 from x = 2 moves by 0.1 in all, and a range of 0.14 would
show a straight line and a system's zero curves as two straight lines, where [1.5, 2.6]
shows the cubic's bend and the circle and the hyperbola that cross at the root."""


def check_drawable(shapes: dict[str, tuple[int, ...]], boxed: bool = False) -> None:
    """--plot draws one or two single-number variables: anything else is refused before
    a method runs (``shapes``: each variable varied, by name; ``boxed``: the variables
    are critical's box, not a method's)."""
    arrays = [name for name, shape in shapes.items() if shape != ()]
    if arrays:
        name = arrays[0]
        raise UsageError(
            f"--plot draws f of one or two single-number variables, and {name} is an "
            f"array of shape {shapes[name]}; give --trace -o tsv to write the iterations "
            "as rows and plot them with another tool"
        )
    if len(shapes) > 2:
        advice = (
            f"fix the others with {option('at')}"
            if boxed
            else "give --trace -o tsv to write the iterations as rows and plot them with "
            f"another tool, or vary two with {option('wrt')}"
        )
        raise UsageError(
            f"--plot draws f of one or two variables, and this varies {len(shapes)} "
            f"({', '.join(shapes)}); {advice}"
        )


def path(result: Any, expression: Expression | None = None) -> PathCurve | PathContours:
    """The data of ``--plot`` for a result of minimize, maximize, solve (an Optimum or a
    Root with its trace) or critical (a Critical): f over a range with the iterates or
    the critical points (one variable), or its contours with them (two).
    ``expression`` is the compiled expression of the result (compiled again from its
    source when not given)."""
    if expression is None:
        from gradcli.language import compile

        expression = compile(result.expression)
    if isinstance(result, Critical):
        names, ranges, moves = list(result.over), dict(result.over), None
        check_drawable({name: () for name in names})
        summary = ("critical", None, None, None)
        points = list(result.points)
    else:
        names = list(result.point)
        check_drawable({name: np.shape(result.point[name]) for name in names})
        moves = _iterates(result)
        shown = _before_divergence(moves) if result.stop == "diverged" else moves
        ranges = {name: _cover(shown[:, i]) for i, name in enumerate(names)}
        ranges.update(getattr(result, "bounds", None) or {})
        if isinstance(result, Optimum):
            summary = (result.goal, result.method, result.iterations, result.converged)
        else:
            summary = ("root", "newton", result.iterations, result.converged)
        points = []
    constants = [Binding(n, "", np.asarray(v)) for n, v in result.constants.items()]
    if len(names) == 1:
        (name,) = names
        return _on_curve(
            result, expression, constants, (name, *ranges[name]), moves, points, summary
        )
    return _on_contours(result, expression, constants, names, ranges, moves, points, summary)


def _iterates(result: Optimum | Root) -> np.ndarray:
    """The trace's points in order as rows, ending where the method stopped (the last
    iterate, or the point a polish moved it to)."""
    names = list(result.point)
    trace = result.trace or []
    rows = [[float(np.asarray(it.point[n])) for n in names] for it in trace]
    end = [float(np.asarray(result.point[n])) for n in names]
    if not rows or rows[-1] != end:
        rows.append(end)
    return np.array(rows, dtype=np.float64)


DIVERGED_REACH = 10.0
"""A method that diverged is drawn over the iterates within this many times the start's
scale (the larger of 1 and its distance from 0) of the start: the way out leaves the
frame, where a range out to 1e150 would squash f and every iterate into one column."""


def _before_divergence(moves: np.ndarray) -> np.ndarray:
    """The iterates up to the first that is beyond :data:`DIVERGED_REACH` of the start."""
    start = moves[0]
    reach = DIVERGED_REACH * max(1.0, float(np.max(np.abs(start))))
    with np.errstate(all="ignore"):
        away = ~(np.max(np.abs(moves - start), axis=1) <= reach)
    return moves[: int(np.argmax(away))] if away.any() else moves


def _cover(values: np.ndarray) -> tuple[float, float]:
    """A range around the finite ``values`` with a margin (see :data:`PATH_MARGIN`)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -1.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    least = MIN_WIDTH * max(abs(low), abs(high), 1.0)
    margin = PATH_MARGIN * (high - low)
    low, high = low - margin, high + margin
    if high - low < least:
        centre = (low + high) / 2
        low, high = centre - least / 2, centre + least / 2
    return low, high


def _on_curve(
    result: Any,
    expression: Expression,
    constants: list[Binding],
    over: tuple[str, float, float],
    moves: np.ndarray | None,
    points: list[CriticalPoint],
    summary: tuple[Any, ...],
) -> PathCurve:
    goal, method, iterations, converged = summary
    curve = sample(expression, constants, over, order=0)
    iterates = line = None
    if moves is not None:
        x = moves[:, 0]
        if goal == "root":
            # The signed value: the trace keeps |f|, and the picture needs which side.
            y = _grid_values(expression, constants, {over[0]: x}).reshape(len(x), -1)[:, 0]
            # Newton's picture: from each iterate along the step down to y = 0, then up
            # to f at the next iterate (the tangent itself where the full step was taken).
            line = np.array(
                [(x[0], y[0])] + [p for k in range(1, len(x)) for p in ((x[k], 0.0), (x[k], y[k]))]
            )
            if curve.ylim is not None:
                low, high = curve.ylim
                curve.ylim = (min(low, 0.0), max(high, 0.0))
        else:
            y = np.array([it.value for it in result.trace or []], dtype=np.float64)
            if len(y) < len(x):  # the end a polish moved to
                y = np.append(y, result.value)
            line = np.column_stack([x, y])
        iterates = np.column_stack([x, y])
    critical = isinstance(result, Critical)
    return PathCurve(
        goal=goal,
        expression=expression.source,
        constants=point_of(constants),
        curve=curve,
        iterates=iterates,
        line=line,
        points=points,
        lowest=result.lowest if critical else None,
        highest=result.highest if critical else None,
        method=method,
        iterations=iterations,
        converged=converged,
        warnings=list(curve.warnings),
    )


def _grid_values(
    expression: Expression, constants: list[Binding], rows: dict[str, np.ndarray]
) -> np.ndarray:
    """The value at every row, from one batched evaluation (:func:`at_points`, the one
    path for many points), row axis first."""
    with np.errstate(all="ignore"), creation.same_draws():
        blocks = at_points(expression, constants, rows, Request())
    return np.asarray(blocks[-1][1], dtype=np.float64)


def _on_contours(
    result: Any,
    expression: Expression,
    constants: list[Binding],
    names: list[str],
    ranges: dict[str, tuple[float, float]],
    moves: np.ndarray | None,
    points: list[CriticalPoint],
    summary: tuple[Any, ...],
) -> PathContours:
    goal, method, iterations, converged = summary
    x = np.linspace(*ranges[names[0]], GRID)
    y = np.linspace(*ranges[names[1]], GRID)
    across, down = np.meshgrid(x, y)
    rows = {names[0]: across.reshape(-1), names[1]: down.reshape(-1)}
    found = _grid_values(expression, constants, rows).reshape(GRID * GRID, -1)
    if goal == "root":
        # solve checked the system is two equations in these two unknowns.
        values = found.T.reshape(2, GRID, GRID)
        levels = [Level(0.0, contour_lines(x, y, values[c], 0.0), c + 1) for c in range(2)]
    else:
        if found.shape[1] != 1:
            raise UsageError(
                f"{option('plot')} draws a single-number value, and this one has "
                f"{found.shape[1]} elements; reduce it first, e.g. sum(...)"
            )
        values = found[:, 0].reshape(GRID, GRID)
        heights = contour_levels(values, maximum=goal == "maximum")
        levels = [Level(h, contour_lines(x, y, values, h)) for h in heights]
    if not np.isfinite(values).any():
        box = ", ".join(f"{n}={lo:g}:{hi:g}" for n, (lo, hi) in ranges.items())
        raise UsageError(
            f"nothing to draw: f is NaN or infinite at every point of {box}; the plot "
            "needs points where the expression is defined"
        )
    return PathContours(
        goal=goal,
        expression=expression.source,
        names=(names[0], names[1]),
        constants=point_of(constants),
        x=x,
        y=y,
        values=values,
        levels=levels,
        iterates=moves,
        points=points,
        method=method,
        iterations=iterations,
        converged=converged,
        warnings=[],
    )


def contour_levels(values: np.ndarray, count: int = LEVELS, maximum: bool = False) -> list[float]:
    """Heights for the contours of ``values`` (see :data:`LEVELS`): log-spaced above the
    lowest value (below the highest, for a ``maximum``)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return []
    sign = -1.0 if maximum else 1.0
    heights = sign * finite
    base = float(heights.min())
    top = float(np.percentile(heights, TOP_QUANTILE)) - base
    if not top > 0:
        top = float(heights.max()) - base
    if not top > 0:  # f is constant on the grid
        return []
    steps = np.geomspace(LEVEL_SPAN * top, top, count)
    return [sign * (base + float(step)) for step in steps]


# The edges of a cell by number: 0 bottom (y[i]), 1 right (x[j+1]), 2 top (y[i+1]), 3 left
# (x[j]); its corners by bit: 1 bottom-left, 2 bottom-right, 4 top-right, 8 top-left. An
# edge is crossed where its two corners lie on different sides of the level.
_EDGE_CORNERS = ((1, 2), (2, 4), (4, 8), (8, 1))
_CROSSED = [
    [e for e, (a, b) in enumerate(_EDGE_CORNERS) if bool(case & a) != bool(case & b)]
    for case in range(16)
]


def contour_lines(
    x: np.ndarray, y: np.ndarray, values: np.ndarray, level: float
) -> list[np.ndarray]:
    """The curve ``values == level`` by marching squares: on every grid cell whose corners
    lie on both sides of the level, a segment between the points where the level crosses
    its edges (linear interpolation along each edge), joined into polylines. A cell with a
    corner that is NaN or infinite has no segment; a saddle cell (the level crosses all
    four edges) is split by the value at its centre, the mean of its corners."""
    rows, columns = values.shape
    above = values >= level
    finite = np.isfinite(values)
    with np.errstate(all="ignore"):
        # Crossings on the horizontal edges (between columns j, j+1 of row i) and the
        # vertical ones (between rows i, i+1 of column j), numbered h then v.
        t_h = (level - values[:, :-1]) / (values[:, 1:] - values[:, :-1])
        t_v = (level - values[:-1, :]) / (values[1:, :] - values[:-1, :])
    h_points = np.stack(
        np.broadcast_arrays(x[:-1] + t_h * np.diff(x), y[:, None] + 0 * t_h), axis=-1
    ).reshape(-1, 2)
    v_points = np.stack(
        np.broadcast_arrays(x[None, :] + 0 * t_v, y[:-1, None] + t_v * np.diff(y)[:, None]),
        axis=-1,
    ).reshape(-1, 2)
    points = np.concatenate([h_points, v_points])
    offset = rows * (columns - 1)
    corners = above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8
    usable = finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    cases = np.where(usable, corners, 0)
    segments: list[tuple[int, int]] = []
    for i, j in zip(*np.nonzero((cases != 0) & (cases != 15))):
        case = int(cases[i, j])
        edges = (
            i * (columns - 1) + j,  # bottom
            offset + i * columns + j + 1,  # right
            (i + 1) * (columns - 1) + j,  # top
            offset + i * columns + j,  # left
        )
        crossed = _CROSSED[case]
        if len(crossed) == 2:
            segments.append((edges[crossed[0]], edges[crossed[1]]))
            continue
        centre = values[i : i + 2, j : j + 2].mean() >= level
        # The corners on the other side of the centre are cut off, each by its own segment.
        if centre == bool(case & 1):  # bottom-right and top-left are cut off
            segments += [(edges[0], edges[1]), (edges[2], edges[3])]
        else:  # bottom-left and top-right
            segments += [(edges[3], edges[0]), (edges[1], edges[2])]
    return [points[chain] for chain in _chains(segments)]


def _chains(segments: list[tuple[int, int]]) -> list[list[int]]:
    """The segments joined where they share a crossing point: open chains from their ends,
    then closed loops (each crossing lies on one edge, which two cells share at most, so a
    point joins at most two segments)."""
    touching: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(segments):
        touching.setdefault(a, []).append(k)
        touching.setdefault(b, []).append(k)
    used = [False] * len(segments)
    chains = []
    ends = [p for p, ks in touching.items() if len(ks) == 1]
    for start in [*ends, *(a for a, _ in segments)]:
        if not any(not used[k] for k in touching[start]):
            continue
        chain, point = [start], start
        while True:
            k = next((k for k in touching[point] if not used[k]), None)
            if k is None:
                break
            used[k] = True
            a, b = segments[k]
            point = b if point == a else a
            chain.append(point)
        chains.append(chain)
    return chains
