"""gradcli critical: stationary points found and classified, kinks, ends and global extremes,
against the analytic answers; the library's minimize/maximize/solve/critical."""

import doctest
import math

import numpy as np
import pytest

import gradcli
from gradcli import extrema
from gradcli.errors import LimitError, UsageError

HIMMELBLAU = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
# Himmelblau's nine critical points in [-5, 5]^2 (the literature's values, to 6 places).
HIMMELBLAU_POINTS = {
    "minimum": [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
    "maximum": [(-0.270845, -0.923039)],
    "saddle": [(0.086678, 2.884255), (3.385154, 0.073852), (-3.073026, -0.081353),
               (-0.127961, -1.953715)],
}  # fmt: skip


def found(source, **over):
    return extrema.critical(source, over=over)


def test_himmelblau_has_nine_points_classified():
    result = found(HIMMELBLAU, x=(-5, 5), y=(-5, 5))
    assert len(result.points) == 9
    for kind, expected in HIMMELBLAU_POINTS.items():
        got = sorted((p.point["x"], p.point["y"]) for p in result.points if p.kind == kind)
        assert len(got) == len(expected), kind
        for point, truth in zip(got, sorted(expected)):
            assert point == pytest.approx(truth, abs=1e-6)
    for point in result.points:
        x, y = point.point["x"], point.point["y"]
        # Each is a critical point to float64: the gradient, computed by hand, vanishes.
        gx = 4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7)
        gy = 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)
        assert math.hypot(gx, gy) < 1e-10
    minimum = next(p for p in result.points if p.point == {"x": 3.0, "y": 2.0})
    assert minimum.value == 0.0 and minimum.kind == "minimum"
    # In two variables the box's boundary is not searched, so no global extreme is named.
    assert result.lowest is None and result.highest is None


def test_quartic_on_an_interval_stationary_points_ends_and_global_extremes():
    result = found("x**4 - 2*x**2", x=(-2, 2))
    rows = [(p.where, p.kind, p.point["x"], p.value) for p in result.points]
    assert rows == [
        ("end", "maximum", -2.0, 8.0),
        ("stationary", "minimum", -1.0, -1.0),
        ("stationary", "maximum", 0.0, 0.0),
        ("stationary", "minimum", 1.0, -1.0),
        ("end", "maximum", 2.0, 8.0),
    ]
    assert [p.point["x"] for p in result.lowest] == [-1.0, 1.0]
    assert [p.point["x"] for p in result.highest] == [-2.0, 2.0]
    # f'' decides: 12x^2 - 4.
    assert [p.eigenvalues for p in result.points if p.where == "stationary"] == [
        [8.0],
        [-4.0],
        [8.0],
    ]


def test_the_minimum_of_abs_plus_square_is_at_its_kink():
    result = found("abs(x-0.5) + x**2", x=(-1, 1))
    kinks = [p for p in result.points if p.where == "kink"]
    assert [(p.point["x"], p.value, p.kind) for p in kinks] == [(0.5, 0.25, "minimum")]
    assert [(p.point["x"], p.value) for p in result.lowest] == [(0.5, 0.25)]
    assert [(p.point["x"], p.value) for p in result.highest] == [(-1.0, 2.5)]
    # Nothing at the kink is called stationary: f has no derivative there.
    assert all(p.where != "stationary" for p in result.points)


def test_a_kink_that_is_no_extremum_and_one_that_is_a_maximum():
    neither = found("abs(x) + 2*x", x=(-1, 1))
    assert [(p.where, p.kind, p.point["x"]) for p in neither.points if p.where == "kink"] == [
        ("kink", "neither", 0.0)
    ]
    peak = found("1 - abs(x - 1/3)", x=(-1, 1))
    (kink,) = [p for p in peak.points if p.where == "kink"]
    assert kink.kind == "maximum"
    assert kink.point["x"] == pytest.approx(1 / 3, abs=1e-15)
    assert peak.highest == [kink]


@pytest.mark.parametrize(
    "source, kind, order",
    [
        ("x**3", "inflection", 3),
        ("x**4", "minimum", 4),
        ("-x**6", "maximum", 6),
        ("x**5", "inflection", 5),
    ],
)
def test_a_degenerate_point_in_one_variable_is_settled_by_the_first_nonzero_derivative(
    source, kind, order
):
    result = found(source, x=(-1, 2))
    (point,) = [p for p in result.points if p.where == "stationary"]
    assert (point.point["x"], point.kind, point.order) == (0.0, kind, order)


def test_a_degenerate_point_in_two_variables_is_said_to_be_degenerate():
    result = found("x**3*y**2 + y**4", x=(-1, 1), y=(-1, 1))
    assert {p.kind for p in result.points} <= {"degenerate"}
    assert any(p.point == {"x": 0.0, "y": 0.0} for p in result.points)


def test_a_flat_region_is_a_note_not_hundreds_of_points():
    result = found("relu(x - 1)", x=(-1, 2))
    assert [p.where for p in result.points] == ["end", "kink", "end"]
    (note,) = result.warnings
    assert type(note).__name__ == "FlatRegion" and note.values == (0.0, 0.0)
    assert note.low["x"] < -0.99 and 0.99 < note.high["x"] < 1.0


def test_the_egg_crate_has_every_point_of_the_grid():
    # sin(10x) sin(10y) on [-1, 1]^2: maxima and minima where both sines are ±1 (6 x 6),
    # saddles where both are 0 (7 x 7).
    result = found("sin(10*x)*sin(10*y)", x=(-1, 1), y=(-1, 1))
    kinds = [p.kind for p in result.points]
    assert kinds.count("saddle") == 49
    assert kinds.count("minimum") == kinds.count("maximum") == 18


def test_other_variables_are_fixed_by_at():
    result = extrema.critical("(x - a)**2", over={"x": (-5, 5)}, at={"a": 1.5})
    (point,) = [p for p in result.points if p.where == "stationary"]
    assert point.point == {"x": 1.5} and point.kind == "minimum"


@pytest.mark.parametrize(
    "source, over, at, error, words",
    [
        ("x**2", {}, None, UsageError, "range with over"),
        ("x**2", {"y": (0, 1)}, None, UsageError, "does not use y"),
        ("x**2 + a", {"x": (0, 1), "a": (0, 1)}, {"a": 1}, UsageError, "give it once"),
        ("[x, x]", {"x": (0, 1)}, None, UsageError, "single-number"),
        ("a+b+c+d+e+f+g", {n: (0, 1) for n in "abcdefg"}, None, LimitError, "at most 6"),
    ],
)
def test_bad_input_is_refused(source, over, at, error, words):
    with pytest.raises(error, match=words):
        extrema.critical(source, over=over, at=at)


def test_the_library_takes_python_functions_and_text():
    assert doctest.testmod(extrema).failed == 0
    found = gradcli.minimize(
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, at={"x": -1.2, "y": 1}
    )
    assert {n: float(v) for n, v in found.point.items()} == {"x": 1.0, "y": 1.0}
    peak = gradcli.maximize("x*exp(-x)", at={"x": 0.3})
    assert float(peak.point["x"]) == 1.0 and peak.value == pytest.approx(math.exp(-1), rel=1e-15)
    weights = gradcli.minimize(lambda w: ((w - 1) ** 2).sum(), at={"w": np.zeros(3)})
    assert weights.point["w"].tolist() == [1.0, 1.0, 1.0]
    # critical runs a Python function one start at a time, to the same points.
    quartic = gradcli.critical(lambda x: x**4 - 2 * x**2, over={"x": (-2, 2)}, starts=40)
    assert [p.point["x"] for p in quartic.points] == [-2.0, -1.0, 0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("1/x", "not finite at x = 0"),  # the fine grid has 0 itself
        ("1/(x - 0.3)", "jumps between"),  # a pole between two grid points
        ("tan(x)", "jumps between"),  # poles at ±pi/2, f' > 0 on both sides of each
        ("floor(x) + x/10", "jumps between"),  # steps
        ("log(x)*x", "not finite"),  # nan for x < 0
    ],
)
def test_no_global_extreme_is_named_where_f_is_not_continuous(source, said):
    # The ends of 1/x on [-2, 2] are -0.5 and 0.5, but f takes every value: naming them the
    # least and greatest would be a wrong answer.
    result = found(source, x=(-2, 2))
    assert result.lowest is None and result.highest is None
    (note,) = [n for n in result.warnings if type(n).__name__ == "Discontinuous"]
    from gradcli.render.notes import note_text

    assert said in note_text(note)


@pytest.mark.parametrize("source", ["exp(10*x)", "sin(50*x)", "x**4 - 2*x**2", "abs(x) + 2*x"])
def test_a_steep_or_wiggly_continuous_f_still_has_its_extremes_named(source):
    result = found(source, x=(-1, 1))
    assert result.lowest is not None and result.highest is not None
    assert not [n for n in result.warnings if type(n).__name__ == "Discontinuous"]
