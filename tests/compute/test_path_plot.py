"""The data of --plot for minimize, maximize, solve and critical: the range and the grid
around the iterates, f sampled by gradcli plot's own sampler, contours by marching squares
that lie on their levels, the refusals, and critical's points from hand-built records."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradcli.compute import bind
from gradcli.compute.optimize import optimize, solve
from gradcli.compute.plot import (
    GRID,
    check_drawable,
    contour_levels,
    contour_lines,
    path,
    sample,
)
from gradcli.compute.results import Critical, CriticalPoint, PathContours, PathCurve, Sampled
from gradcli.errors import UsageError
from gradcli.language import compile
from gradcli.render import plots

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


def _path(source: str, *at: str, goal: str = "minimum", **options):
    compiled = compile(source)
    if goal == "root":
        result = solve(compiled, bind(list(at)), trace=True, **options)
    else:
        result = optimize(compiled, bind(list(at)), goal=goal, trace=True, **options)
    return result, path(result, compiled)


def _himmelblau() -> Critical:
    def f(x: float, y: float) -> float:
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    found = [
        ("minimum", 3.0, 2.0),
        ("minimum", -2.805118, 3.131312),
        ("minimum", -3.779310, -3.283186),
        ("minimum", 3.584428, -1.848126),
        ("maximum", -0.270845, -0.923039),
        ("saddle", 0.086678, 2.884255),
        ("saddle", 3.385154, 0.073852),
        ("saddle", -3.073026, -0.081353),
        ("saddle", -0.127961, -1.953715),
    ]
    points = [
        CriticalPoint("stationary", {"x": x, "y": y}, f(x, y), kind, [1.0, 1.0])
        for kind, x, y in found
    ]
    return Critical(
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        {"x": (-5.0, 5.0), "y": (-5.0, 5.0)},
        {},
        points,
        None,
        None,
        64,
        [],
    )


def _quartic() -> Critical:
    found = [
        ("end", -2.0, "maximum"),
        ("stationary", -1.0, "minimum"),
        ("stationary", 0.0, "maximum"),
        ("stationary", 1.0, "minimum"),
        ("end", 2.0, "maximum"),
    ]
    points = [CriticalPoint(w, {"x": x}, x**4 - 2 * x**2, kind) for w, x, kind in found]
    lowest = [p for p in points if p.value == -1]
    highest = [p for p in points if p.value == 8]
    return Critical("x**4 - 2*x**2", {"x": (-2.0, 2.0)}, {}, points, lowest, highest, 16, [])


# --- one variable ---------------------------------------------------------------------------


def test_the_range_covers_every_iterate_of_gradient_descent_with_a_margin():
    _, plot = _path("x**2", "x=1", method="gd", lr=0.1, steps=3)
    assert isinstance(plot, PathCurve)
    xs = plot.iterates[:, 0]
    np.testing.assert_allclose(xs, [1.0, 0.8, 0.64, 0.512])
    low, high = plot.curve.x[0], plot.curve.x[-1]
    assert low < xs.min() and xs.max() < high
    assert xs.min() - low >= 0.2 * (xs.max() - xs.min()) * 0.999
    # The iterates sit on f: the trace's values are f there.
    np.testing.assert_allclose(plot.iterates[:, 1], xs**2)
    np.testing.assert_array_equal(plot.line, plot.iterates)


def test_f_is_sampled_by_gradcli_plots_own_sampler():
    _, plot = _path("x*exp(-x)", "x=0.3", goal="maximum")
    assert isinstance(plot.curve, Sampled)
    same = sample(compile("x*exp(-x)"), [], ("x", plot.curve.x[0], plot.curve.x[-1]), order=0)
    np.testing.assert_array_equal(plot.curve.curves[0].values, same.curves[0].values)
    assert plot.goal == "maximum" and plot.converged
    assert plot.iterates[-1, 0] == pytest.approx(1.0)


def test_other_bound_variables_are_constants_of_the_plot():
    _, plot = _path("(x-a)**2", "x=0", "a=3", wrt=["x"])
    assert plot.constants == {"a": 3.0}
    np.testing.assert_allclose(plot.curve.curves[0].values, (plot.curve.x - 3) ** 2)


def test_bounds_are_the_range():
    compiled = compile("x*log(x)")
    result = optimize(compiled, bind(["x=1"]), bounds=[("x", 0.01, 2.0)], trace=True)
    plot = path(result, compiled)
    assert (plot.curve.x[0], plot.curve.x[-1]) == (0.01, 2.0)


def test_solve_draws_newtons_steps_down_to_zero_and_the_signed_values():
    _, plot = _path("x**3 - 2*x - 5", "x=2", goal="root")
    x = plot.iterates[:, 0]
    np.testing.assert_allclose(plot.iterates[:, 1], x**3 - 2 * x - 5, atol=1e-12)
    assert plot.iterates[0, 1] == -1.0  # signed, where the trace keeps |f|
    # From each iterate along the step to y = 0, then up to f at the next.
    for k in range(1, len(x)):
        assert tuple(plot.line[2 * k - 1]) == (x[k], 0.0)
        assert tuple(plot.line[2 * k]) == (x[k], plot.iterates[k, 1])
    # The first step is Newton's full step, so its line is the tangent at x = 2 (f' = 10).
    assert plot.line[1, 0] == pytest.approx(2 - (-1) / 10)
    low, high = plot.curve.ylim
    assert low < 0 < high
    assert x[-1] == 2.0945514815423265 and plot.converged


def test_a_diverged_run_is_drawn_near_its_start_not_out_to_1e150():
    result, plot = _path("-x**2", "x=1", method="gd", lr=0.5)
    assert result.stop == "diverged" and not plot.converged
    assert plot.curve.x[-1] < 100 and plot.iterates[-1, 0] > 1e6 * plot.curve.x[-1]


# --- two variables --------------------------------------------------------------------------


def test_rosenbrock_the_grid_covers_the_path_and_the_levels_show_the_valley():
    _, plot = _path(ROSENBROCK, "x=-1.2", "y=1")
    assert isinstance(plot, PathContours) and plot.names == ("x", "y")
    assert plot.x.shape == plot.y.shape == (GRID,) and plot.values.shape == (GRID, GRID)
    for axis, grid in enumerate((plot.x, plot.y)):
        assert grid[0] < plot.iterates[:, axis].min() and plot.iterates[:, axis].max() < grid[-1]
    assert tuple(plot.iterates[0]) == (-1.2, 1.0)
    assert tuple(plot.iterates[-1]) == (1.0, 1.0)  # where it stopped, the last row
    across, down = np.meshgrid(plot.x, plot.y)
    np.testing.assert_allclose(plot.values, (1 - across) ** 2 + 100 * (down - across**2) ** 2)
    heights = [level.level for level in plot.levels]
    # Spaced evenly in log(f - min): the valley's floor (f < 5) gets contours of its own.
    above = np.array(heights) - plot.values.min()
    ratios = above[1:] / above[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    assert sum(h < 5 for h in heights) >= 3


def test_contours_of_rosenbrock_lie_on_their_levels():
    _, plot = _path(ROSENBROCK, "x=-1.2", "y=1")
    step = plot.x[1] - plot.x[0]
    for level in plot.levels:
        assert level.lines
        for line in level.lines:
            x, y = line[:, 0], line[:, 1]
            values = (1 - x) ** 2 + 100 * (y - x**2) ** 2
            # Along a horizontal edge f is a quartic in x, along a vertical one a parabola in
            # y (f_yy = 200); the interpolation is off by at most h²/8 · max|f''| on the box.
            curvature = 1200 * np.max(plot.x**2) + 400 * np.max(np.abs(plot.y)) + 202
            assert np.max(np.abs(values - level.level)) <= step**2 / 8 * curvature


def test_marching_squares_on_a_circle_finds_each_known_circle():
    x = np.linspace(-2, 2, 81)
    y = np.linspace(-2, 2, 81)
    across, down = np.meshgrid(x, y)
    values = across**2 + down**2
    h = x[1] - x[0]
    for level in (0.25, 1.0, 2.0, 3.5):
        (line,) = contour_lines(x, y, values, level)
        assert np.array_equal(line[0], line[-1])  # closed
        on = line[:, 0] ** 2 + line[:, 1] ** 2
        # f'' = 2 along every edge: linear interpolation is off by at most h²/4.
        assert np.max(np.abs(on - level)) <= h**2 / 4 + 1e-12
        assert np.all(on <= level + 1e-12)  # the chord lies inside the convex level set
        angles = np.sort(np.arctan2(line[:, 1], line[:, 0]))
        assert np.max(np.diff(angles)) < 4 * h / math.sqrt(level)  # all the way round
    # A circle larger than the box leaves an open arc in each corner, from edge to edge.
    lines = contour_lines(x, y, values, 5.0)
    assert len(lines) == 4
    for line in lines:
        assert not np.array_equal(line[0], line[-1])
        assert np.all(np.max(np.abs(line[[0, -1]]), axis=1) == 2.0)


def test_a_saddle_cell_is_split_by_the_value_at_its_centre():
    x = y = np.array([0.0, 1.0])
    # Bottom-left and top-right above 0.5, the others below; the centre (mean 0.5) is above,
    # so the two low corners are cut off, each by its own segment.
    lines = contour_lines(x, y, np.array([[1.0, 0.0], [0.0, 1.0]]), 0.5)
    got = sorted(tuple(sorted(map(tuple, np.round(line, 12).tolist()))) for line in lines)
    assert got == [((0.0, 0.5), (0.5, 1.0)), ((0.5, 0.0), (1.0, 0.5))]
    # Below the centre, the two high corners are.
    lines = contour_lines(x, y, np.array([[1.0, 0.0], [0.0, 1.0]]), 0.6)
    got = sorted(tuple(sorted(map(tuple, np.round(line, 12).tolist()))) for line in lines)
    assert got == [((0.0, 0.4), (0.4, 0.0)), ((0.6, 1.0), (1.0, 0.6))]


def test_cells_where_f_is_undefined_have_no_segments():
    x = np.linspace(-1, 1, 41)
    y = np.linspace(-1, 1, 41)
    across, down = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        values = np.log(across) + down
    lines = contour_lines(x, y, values, 0.0)
    points = np.concatenate(lines)
    assert np.all(np.isfinite(points)) and np.all(points[:, 0] > 0)


def test_levels_are_log_spaced_above_the_minimum_or_below_the_maximum():
    values = np.linspace(0, 100, 1001)
    low = contour_levels(values, count=5)
    assert low[0] > 0 and np.allclose(np.diff(np.log(low)), np.log(low[1] / low[0]))
    high = contour_levels(values, count=5, maximum=True)
    np.testing.assert_allclose(high, [100 - v for v in low])
    assert contour_levels(np.full((3, 3), 2.0)) == []  # a constant has no contours


def test_a_system_of_two_equations_draws_both_zero_curves_crossing_at_the_root():
    _, plot = _path("[x**2 + y**2 - 4, x*y - 1]", "x=2", "y=0.5", goal="root")
    assert [(level.component, level.level) for level in plot.levels] == [(1, 0.0), (2, 0.0)]
    circle, hyperbola = (np.concatenate(level.lines) for level in plot.levels)
    step = plot.x[1] - plot.x[0]
    assert np.max(np.abs(circle[:, 0] ** 2 + circle[:, 1] ** 2 - 4)) <= step**2 / 2
    assert np.max(np.abs(hyperbola[:, 0] * hyperbola[:, 1] - 1)) <= step**2
    root = plot.iterates[-1]
    for curve in (circle, hyperbola):
        assert np.min(np.linalg.norm(curve - root, axis=1)) < step
    assert plot.values.shape == (2, GRID, GRID)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ({"x": (), "y": (), "z": ()}, "one or two variables, and this varies 3 (x, y, z)"),
        ({"w": (3,)}, "w is an array of shape (3,)"),
    ],
)
def test_more_than_two_variables_or_an_array_is_refused(shapes, message):
    with pytest.raises(UsageError, match=r"--trace -o tsv") as caught:
        check_drawable(shapes)
    assert message in str(caught.value)


def test_path_refuses_a_result_of_three_variables():
    compiled = compile("x**2 + y**2 + z**2")
    result = optimize(compiled, bind(["x=1", "y=1", "z=1"]), trace=True)
    with pytest.raises(UsageError, match="one or two variables"):
        path(result, compiled)


# --- critical -------------------------------------------------------------------------------


def test_critical_in_one_variable_is_f_on_the_interval_with_its_points():
    plot = path(_quartic())
    assert isinstance(plot, PathCurve) and plot.iterates is None
    assert (plot.curve.x[0], plot.curve.x[-1]) == (-2.0, 2.0)
    assert [p.kind for p in plot.points].count("maximum") == 3
    assert [p.point["x"] for p in plot.lowest] == [-1.0, 1.0]
    text = plots.text(plot, 80, 24)
    assert text.count("▼") == 1 + 2 and text.count("▲") == 1 + 3  # the legend's and the plot's
    assert "minima at x = -1, 1" in text and "lowest f = -1 at x = -1, 1" in text


def test_himmelblau_critical_points_on_its_contours():
    plot = path(_himmelblau())
    assert isinstance(plot, PathContours) and plot.iterates is None
    assert (plot.x[0], plot.x[-1], plot.y[0], plot.y[-1]) == (-5.0, 5.0, -5.0, 5.0)
    kinds = [p.kind for p in plot.points]
    assert (kinds.count("minimum"), kinds.count("maximum"), kinds.count("saddle")) == (4, 1, 4)

    def f(x, y):
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    step = plot.x[1] - plot.x[0]
    for level in plot.levels:
        for line in level.lines:
            # f'' along an edge is at most 12·25 + 4·5 + 2 on the box.
            values = f(line[:, 0], line[:, 1])
            assert np.max(np.abs(values - level.level)) <= step**2 / 8 * 322
    text = plots.text(plot, 80, 40)
    assert "4 minima" in text and "1 maximum" in text and "4 saddles" in text
    frame = text.split("\n")[:-4]
    assert sum(line.count("▼") for line in frame) == 4
    assert sum(line.count("▲") for line in frame) == 1
