"""gradcli plot and limit --plot: the sampled data against analytic values, the drawings'
sizes and content, the saved files, and what a missing plotting library says."""

from __future__ import annotations

import math
import re
import struct
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.autograd.differences import EPS
from gradcli.commands.inputs import over as parse_range
from gradcli.compute import bind, finite_differences
from gradcli.compute.plot import derivative_label, error_plot, sample
from gradcli.errors import UsageError
from gradcli.language import compile
from gradcli.render import plots
from gradcli.render.notes import note_text
from tests.clirun import run

BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


def sampled(source: str, over: str, order: int = 1, at: tuple[str, ...] = (), samples: int = 401):
    return sample(compile(source), bind(list(at)), parse_range(over), order, samples)


# --- the data ---------------------------------------------------------------------------------


def test_sin_and_its_derivatives_on_the_grid():
    result = sampled("sin(x)", "x=-3:3", order=4)
    x = np.linspace(-3, 3, 401)
    assert np.array_equal(result.x, x)
    expected = [np.sin(x), np.cos(x), -np.sin(x), -np.cos(x), np.sin(x)]
    assert [c.label for c in result.curves] == ["f", "f'", "f''", "f'''", "f⁽⁴⁾"]
    for curve, values in zip(result.curves, expected, strict=True):
        np.testing.assert_allclose(curve.values, values, rtol=1e-12, atol=1e-14)
    assert not result.clipped and result.warnings == []


def test_other_variables_are_bound_with_at_and_ranges_take_constant_expressions():
    result = sampled("a*x**3 - x", "x=-pi:2*pi", order=3, at=("a=0.5",), samples=101)
    x = np.linspace(-math.pi, 2 * math.pi, 101)
    np.testing.assert_allclose(result.x, x)
    for curve, values in zip(
        result.curves, [0.5 * x**3 - x, 1.5 * x**2 - 1, 3 * x, np.full_like(x, 3.0)], strict=True
    ):
        np.testing.assert_allclose(curve.values, values, rtol=1e-12, atol=1e-12)


def test_a_program_that_branches_is_sampled_row_by_row_with_the_same_answers():
    result = sampled(
        "if x > 0:\n    y = x**3\nelse:\n    y = -2*x\ny", "x=-1:1", order=2, samples=41
    )
    x = result.x
    f, d1, d2 = (c.values for c in result.curves)
    right, left = x > 0, x < 0
    np.testing.assert_allclose(f[right], x[right] ** 3, rtol=1e-13)
    np.testing.assert_allclose(d1[right], 3 * x[right] ** 2, rtol=1e-13)
    np.testing.assert_allclose(d2[right], 6 * x[right], rtol=1e-13)
    np.testing.assert_allclose(f[left], -2 * x[left])
    assert np.all(d1[left] == -2) and np.all(d2[left] == 0)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(-5, 5),
    st.floats(0.1, 5),
    st.integers(0, 3),
    st.integers(2, 60),
)
def test_exp_of_a_line_matches_its_derivatives_anywhere(low, width, order, samples):
    result = sampled("exp(0.5*x)", f"x={low!r}:{low + width!r}", order=order, samples=samples)
    assert len(result.curves) == order + 1 and result.x.size == samples
    for k, curve in enumerate(result.curves):
        np.testing.assert_allclose(curve.values, 0.5**k * np.exp(0.5 * result.x), rtol=1e-12)


def test_log_over_zero_leaves_gaps_where_it_is_undefined():
    result = sampled("log(x)", "x=-1:1", order=2)
    x = result.x
    f, d1, d2 = result.curves
    assert np.all(np.isnan(f.values[x < 0])) and f.values[x == 0] == -np.inf
    positive = x > 0
    np.testing.assert_allclose(f.values[positive], np.log(x[positive]), rtol=1e-13)
    np.testing.assert_allclose(d1.values[positive], 1 / x[positive], rtol=1e-13)
    np.testing.assert_allclose(d2.values[positive], -1 / x[positive] ** 2, rtol=1e-13)
    # The derivative's formula 1/x is finite at x < 0, but log is not defined there.
    assert np.all(np.isnan(d1.values[x < 0]))
    for curve in result.curves:
        shown = result.shown(curve)
        assert np.all(np.isnan(shown[x <= 0]))
    assert any(
        "f is not finite at 201 points in -1 ≤ x ≤ 0" in note_text(w) for w in result.warnings
    )


def test_one_over_x_has_a_gap_at_zero_and_a_clipped_axis_that_says_so():
    result = sampled("1/x", "x=-1:1", order=1)
    x = result.x
    f, d1 = result.curves
    assert f.values[x == 0] == np.inf
    np.testing.assert_allclose(f.values[x != 0], 1 / x[x != 0], rtol=1e-15)
    np.testing.assert_allclose(d1.values[x != 0], -1 / x[x != 0] ** 2, rtol=1e-15)
    assert result.clipped
    low, high = result.ylim
    # -1/x² reaches -40000 beside 0: the axis keeps f's shape visible instead.
    assert -1000 < low < -1 and 1 < high < 1000
    for curve in result.curves:
        shown = result.shown(curve)
        assert np.isnan(shown[x == 0]).all()
        assert np.all((shown[~np.isnan(shown)] >= low) & (shown[~np.isnan(shown)] <= high))
    assert any(
        "clipped" in note_text(w) and "reaches -4e+04" in note_text(w) for w in result.warnings
    )


@pytest.mark.parametrize(
    ("source", "over", "order"),
    [("1/x", "x=-1:1", 1), ("1/x", "x=-1:1", 2), ("1/x", "x=-1:1", 0), ("tan(x)", "x=-3:3", 1)],
)
def test_a_pole_is_clipped_alike_on_both_sides(source, over, order):
    """Its derivatives may all be of one sign (-1/x²), but f's two arms are cut at the same
    height, not f's negative arm at -152 and its positive one at 200."""
    result = sampled(source, over, order=order)
    low, high = result.ylim
    assert result.clipped and low == -high
    f = result.shown(result.curves[0])
    assert np.nanmax(f) == pytest.approx(-np.nanmin(f), rel=0.05)


def test_a_clip_of_data_on_one_side_of_zero_is_not_mirrored():
    # log(x) and 1/x over (0, 3]: only the top is cut; the bottom stays at log's -4.6.
    result = sampled("log(x)", "x=-1:3", order=1)
    low, high = result.ylim
    assert result.clipped and low == pytest.approx(math.log(0.01)) and high > 5


def test_an_exponential_is_not_clipped():
    result = sampled("exp(x)", "x=-3:10", order=0)
    assert not result.clipped
    # The range of the values themselves, each exp by numpy's kernel: an ulp or so from libm's.
    assert result.ylim == pytest.approx((math.exp(-3), math.exp(10)), rel=2 * EPS, abs=0)


def test_labels_of_high_orders():
    assert [derivative_label(k) for k in (0, 1, 3, 4, 12)] == ["f", "f'", "f'''", "f⁽⁴⁾", "f⁽¹²⁾"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "write NAME=LO:HI"),
        ("x=1", "write NAME=LO:HI"),
        ("x=3:1", "from low to high"),
        ("x=1:", "both ends"),
        ("x=0:inf", "one finite number"),
        ("1x=0:1", "not a variable name"),
        ("sin=0:1", "not a variable name"),
    ],
)
def test_bad_ranges(text, message):
    with pytest.raises(UsageError, match=message):
        parse_range(text)


# --- the command: the terminal --------------------------------------------------------------


def plot(*args: str) -> tuple[int, str, str]:
    return run("plot", *args)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 16), (120, 40), (40, 12)])
def test_the_terminal_plot_fits_the_size_asked_for(width, height):
    code, out, err = plot("sin(x)", "--over", "x=-3:3", "--order", "2",
                          "--width", str(width), "--height", str(height))  # fmt: skip
    assert code == 0 and err == ""
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= height and max(len(line) for line in lines) <= width
    assert "\x1b" not in out  # no colour in a pipe
    assert "f(x) = sin(x)" in lines[0]
    assert "f = sin(x)" in lines[-1] and "•• f'" in lines[-1] and "++ f''" in lines[-1]


def _dots(out: str, marks: set[str]) -> list[tuple[int, int]]:
    """(row, column) of every character in ``marks`` inside the frame."""
    lines = out.split("\n")
    return [(r, c) for r, line in enumerate(lines) for c, ch in enumerate(line) if ch in marks]


def test_the_terminal_plot_draws_the_curve_where_it_is():
    # f(x) = x rises from the bottom left to the top right, f(x) = -x the other way.
    for source, rising in (("x", True), ("-x", False)):
        code, out, _ = plot(source, "--over", "x=-1:1", "--order", "0", "--width", "60",
                            "--height", "20")  # fmt: skip
        assert code == 0
        dots = _dots(out.rstrip("\n").rpartition("\n")[0], BRAILLE)  # without the legend
        assert len(dots) > 30
        rows = [r for r, _ in dots]
        columns = [c for _, c in dots]
        correlation = np.corrcoef(rows, columns)[0, 1]
        assert correlation < -0.99 if rising else correlation > 0.99


def test_the_derivative_is_drawn_with_its_own_marker():
    # f = x²: f' = 2x is a rising line of • while f is a parabola in braille.
    code, out, _ = plot("x**2", "--over", "x=-1:1", "--width", "70", "--height", "24")
    assert code == 0
    frame = out.split("\n")[:-2]  # without the axis labels and the legend
    bullets = _dots("\n".join(frame), {"•"})
    rows, columns = zip(*bullets, strict=True)
    assert np.corrcoef(rows, columns)[0, 1] < -0.98
    braille = _dots("\n".join(frame), BRAILLE)
    lowest = max(r for r, _ in braille)
    middle = np.mean([c for r, c in braille if r == lowest])
    left, right = min(c for _, c in braille), max(c for _, c in braille)
    assert abs(middle - (left + right) / 2) < 3  # the parabola's bottom is at x = 0


def test_gaps_and_clipping_are_warnings_and_the_plot_still_draws():
    code, out, err = plot("1/x", "--over", "x=-1:1", "--width", "80", "--height", "24")
    assert code == 0 and _dots(out, BRAILLE)
    warnings = err.strip().split("\n")
    assert all(w.startswith("warning: ") for w in warnings)
    assert any("f is not finite at x = 0: drawn as a gap" in w for w in warnings)
    assert any("the y axis is clipped" in w for w in warnings)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x",), "give the variable and its range with --over"),
        (("x", "--over", "y=0:1"), "does not use y"),
        (("x", "--over", "x=0:1", "--at", "x=1"), "give it once"),
        (("x", "--over", "x=0:1", "--order", "7"), "up to 6 derivatives"),
        (("x", "--over", "x=0:1", "--samples", "1"), "choose from 2"),
        (("x*ones(3)", "--over", "x=0:1"), "single-number value"),
        (("log(x)", "--over", "x=-2:-1"), "nothing to draw"),
        (("x", "--over", "x=0:1", "--save", "plot.gif"), ".png, .svg or .pdf"),
        (("x +", "--over", "x=0:1"), "error: "),
    ],
)
def test_bad_requests_are_one_error_line(args, message):
    code, out, err = plot(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


# --- saved files ---------------------------------------------------------------------------------


def test_a_saved_png_has_the_pixel_size_asked_for(tmp_path):
    path = tmp_path / "plot.png"
    code, out, err = plot("tanh(x)", "--over", "x=-4:4", "--order", "3", "--save", str(path),
                          "--width", "800", "--height", "500")  # fmt: skip
    assert code == 0 and out == "" and err == f"saved {path}\n"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (800, 500)
    assert len(data) > 10_000  # four curves, axes and a legend, not an empty canvas


def test_a_saved_png_takes_the_default_size(tmp_path):
    path = tmp_path / "plot.png"
    assert plot("x**2", "--over", "x=-1:1", "--save", str(path))[0] == 0
    assert struct.unpack(">II", path.read_bytes()[16:24]) == (960, 600)


def test_svg_and_pdf_files(tmp_path):
    svg, pdf = tmp_path / "plot.svg", tmp_path / "plot.pdf"
    assert plot("sin(x)", "--over", "x=0:6", "--save", str(svg), "--width", "720")[0] == 0
    text = svg.read_text()
    # 720 px at 100 dpi is 7.2 in, which SVG states in points (72 per inch).
    assert "<svg" in text and 'width="518.4pt"' in text and "f(x) = sin(x)" in text
    assert plot("sin(x)", "--over", "x=0:6", "--save", str(pdf))[0] == 0
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000


def test_an_unwritable_file_is_an_error(tmp_path):
    code, out, err = plot("x", "--over", "x=0:1", "--save", str(tmp_path / "no" / "p.png"))
    assert code == 2 and out == "" and err.startswith("error: cannot write")


# --- a missing library ------------------------------------------------------------------------


def test_save_without_matplotlib_says_what_to_install(monkeypatch, tmp_path):
    # None in sys.modules makes `import matplotlib...` raise ImportError, as when not installed.
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    path = tmp_path / "plot.png"
    for args in (
        ("plot", "x", "--over", "x=0:1", "--save", str(path)),
        ("limit", "exp(x)", "--at", "x=1", "--save", str(path)),
    ):
        code, out, err = run(*args)
        assert (code, out) == (2, "")
        assert err == (
            "error: --save needs matplotlib, which is not installed; install it with: "
            "pip install matplotlib (or, in a checkout of gradcli, pip install '.[plot]')\n"
        )
        # gradcli is not on an index: 'gradcli[plot]' would fail with "No matching distribution".
        assert "gradcli[plot]" not in err
    assert not path.exists()


def test_the_terminal_plot_without_plotext_says_what_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, "plotext", raising=False)
    monkeypatch.setitem(sys.modules, "plotext", None)
    code, out, err = run("plot", "x", "--over", "x=0:1")
    assert (code, out) == (2, "")
    assert err == (
        "error: the terminal plot needs plotext, which is not installed; install it with: "
        "pip install plotext\n"
    )


# --- limit --plot ----------------------------------------------------------------------------------


def test_the_error_plot_data_is_the_limit_result():
    result = finite_differences(compile("exp(x)"), bind(["x=1"]), scheme="all")
    data = error_plot(result)
    assert [s.scheme for s in data.sweeps] == list(result.sweeps)
    # The exact derivative is exp(1) by numpy's kernel: e to an ulp, which another CPU's
    # kernel may round the other way.
    assert data.exact == pytest.approx(math.e, rel=EPS, abs=0)
    assert data.floor == EPS * data.exact and data.point == 1.0
    for series in data.sweeps:
        rows = result.sweeps[series.scheme].rows
        assert series.h.tolist() == [row.h for row in rows]
        assert series.error.tolist() == [row.abs_error for row in rows]
        # Each error is |estimate - exact|, recomputed here from the estimates.
        np.testing.assert_array_equal(series.error, [abs(r.estimate - data.exact) for r in rows])
    by = {s.scheme: s for s in data.sweeps}
    assert by["forward"].expected_order == 1 and by["central"].expected_order == 2
    assert by["forward"].observed_order == pytest.approx(1, abs=0.05)
    assert by["central"].observed_order == pytest.approx(2, abs=0.05)
    assert by["complex"].observed_order == pytest.approx(2, abs=0.05)
    assert by["richardson"].expected_order is None and by["richardson"].reference is None
    # The theoretical best steps: √ε for forward differences, ε^(1/3) for central ones (|x| = 1).
    assert by["forward"].best_h == pytest.approx(math.sqrt(EPS))
    assert by["central"].best_h == pytest.approx(EPS ** (1 / 3))
    assert by["forward"].chosen_h == result.sweeps["forward"].best.h
    # The reference line has the theory's slope on log-log axes.
    steps, line = by["central"].reference
    slope = np.diff(np.log(line)) / np.diff(np.log(steps))
    np.testing.assert_allclose(slope, 2)


def test_estimates_equal_to_the_exact_value_are_drawn_below_the_rounding_floor():
    # x*x*x takes only * and /, which round alike on every CPU, so the complex step's
    # estimates at 1 for small h are 3.0, the exact derivative, to the last bit. (Those of
    # exp(x) or exp(sin(x)) equal theirs only where the real and complex kernels agree.)
    data = error_plot(finite_differences(compile("x*x*x"), bind(["x=1"]), scheme="complex"))
    (series,) = data.sweeps
    zeros = series.error == 0
    assert data.exact == 3.0 and zeros.any() and not zeros.all()
    shown = data.shown(series)
    assert np.all(shown[zeros] == data.floor / 2) and np.all(shown[~zeros] == series.error[~zeros])
    code, _, err = run("limit", "x*x*x", "--at", "x=1", "--scheme", "complex", "--plot")
    assert code == 0
    assert f"{zeros.sum()} estimate(s) equal the exact value to the last bit" in err


def test_the_error_plot_of_a_second_derivative_uses_its_orders():
    result = finite_differences(compile("sin(x)"), bind(["x=0.5"]), scheme="central", order=2)
    (series,) = error_plot(result).sweeps
    assert series.expected_order == 2 and series.best_h == pytest.approx(EPS**0.25)
    assert series.observed_order == pytest.approx(2, abs=0.05)


def _parts(out: str) -> tuple[str, list[str], list[str]]:
    """A terminal plot's title (its lines joined), drawing (the frame's lines) and legend."""
    lines = out.rstrip("\n").split("\n")
    top = next(r for r, line in enumerate(lines) if "┌" in line)
    bottom = next(r for r, line in enumerate(lines) if "└" in line)
    label = next(r for r in range(bottom + 1, len(lines)) if lines[r].strip() in ("h", "x"))
    return " ".join(" ".join(lines[:top]).split()), lines[top : bottom + 1], lines[label + 1 :]


def _markers_explained(drawing: list[str], legend: list[str]) -> None:
    """Every marker drawn is one the legend names, and the schemes that coincide are named."""
    explained = {m for line in legend for m in re.findall(r"(?:^ |   )(\S)\1 ", line)}
    drawn = set("".join(drawing)) & (set("•+xo*") | set(plots.COINCIDING.values()) | {"#"})
    assert drawn <= explained, (drawn, explained)


def test_limit_plot_in_the_terminal():
    code, out, _ = run("limit", "exp(sin(x))", "--at", "x=0.7", "--scheme", "all", "--plot",
                         "--width", "80", "--height", "34")  # fmt: skip
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= 34 and max(len(line) for line in lines) <= 80
    title, drawing, legend = _parts(out)
    assert title == "error of f'(x) estimates, exp(sin(x)) at x=0.7"
    legend_text = "\n".join(legend)
    assert "•• forward: slope 1.0" in legend_text and "theory 1" in legend_text
    assert "xx central: slope 2.00, theory 2, best h ≈ 6.1e-06" in legend_text
    assert "1e-12" in out and "1e-16" in out  # the log axes reach the smallest step and ε
    # Forward and backward errors coincide where truncation dominates (the same to first
    # order), central and complex where theirs does: each pair is drawn with a marker of its
    # own, which the legend names, instead of the one drawn last hiding the other.
    assert "±± forward and backward coincide" in legend_text
    assert "⊗⊗ central and complex coincide" in legend_text
    plotted = "".join(drawing)
    assert "±" in plotted and "⊗" in plotted
    for marker in "+xo*":
        assert marker in plotted
    _markers_explained(drawing, legend)


def test_limit_plot_at_40_columns_shows_its_whole_title_and_every_scheme():
    code, out, _ = run("limit", "exp(sin(x))", "--at", "x=0.7", "--scheme", "all", "--plot",
                       "--width", "40", "--height", "40")  # fmt: skip
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= 40 and max(len(line) for line in lines) <= 40
    title, drawing, legend = _parts(out)
    assert title == "error of f'(x) estimates, exp(sin(x)) at x=0.7"
    # A legend entry too long for a line wraps under its words, and none is lost.
    legend_text = " ".join(" ".join(legend).split())
    for scheme in ("forward", "backward", "central", "complex"):
        assert f"{scheme}: slope" in legend_text
    assert "best h ≈ 1.5e-08" in legend_text
    _markers_explained(drawing, legend)
    plotted = "".join(drawing)
    assert ("•" in plotted or "±" in plotted) and ("+" in plotted or "±" in plotted)


def test_forward_differences_alone_are_drawn_as_their_own_marker():
    code, out, _ = run("limit", "exp(sin(x))", "--at", "x=0.7", "--plot", "--width", "60",
                       "--height", "24")  # fmt: skip
    assert code == 0
    _, drawing, legend = _parts(out)
    assert "•" in "".join(drawing) and "coincide" not in "\n".join(legend)


def test_a_long_title_wraps_instead_of_being_cut():
    source = "sin(x)*exp(-x**2/4) + cos(3*x)/(1 + x**2) - tanh(x/2)"
    code, out, _ = plot(source, "--over", "x=-3:3", "--width", "40", "--height", "30")
    assert code == 0
    title, _, _ = _parts(out)
    assert title == f"f(x) = {source}"
    assert max(len(line) for line in out.split("\n")) <= 40


def test_limit_save(tmp_path):
    path = tmp_path / "errors.png"
    code, out, err = run("limit", "exp(x)", "--at", "x=1", "--scheme", "central", "--save",
                         str(path), "--width", "640", "--height", "480")  # fmt: skip
    assert code == 0 and out == "" and err.endswith(f"saved {path}\n")
    assert struct.unpack(">II", path.read_bytes()[16:24]) == (640, 480)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plot", "-o", "json"), "-o shapes the table"),
        (("--plot", "--digits", "3"), "--digits shapes the table"),
        (("--width", "50"), "give --plot or --save too"),
    ],
)
def test_limit_plot_options_that_do_not_fit(args, message):
    code, out, err = run("limit", "exp(x)", "--at", "x=1", *args)
    assert code == 2 and out == "" and message in err


def test_limit_plot_without_an_exact_derivative():
    code, out, err = run("limit", "sqrt(x)", "--at", "x=0", "--plot")
    assert code == 2 and out == "" and "no error to plot" in err


@pytest.mark.parametrize("width", [60, 150, 300])
def test_a_terminal_plot_is_as_wide_as_asked_in_a_pipe_too(width):
    code, out, _ = run("plot", "sin(x)", "--over", "x=0:1", "--width", str(width))
    assert code == 0
    assert max(len(line) for line in out.splitlines()) == width


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--width", "1001"), "--width 1001: a plot is at most 1,000 characters wide"),
        (("--height", "5000"), "--height 5000: a plot is at most 1,000 characters tall"),
        (("--save", "big.png", "--width", "10001"), "at most 10,000 pixels wide"),
    ],
)
def test_a_plot_larger_than_its_cap_is_refused_not_shrunk(args, message):
    code, out, err = run("plot", "sin(x)", "--over", "x=0:1", *args)
    assert (code, out) == (2, "")
    assert message in err
