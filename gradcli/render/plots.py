"""Plots of :mod:`gradcli.compute.plot`'s data: text for the terminal (plotext) and image
files (matplotlib): ``gradcli plot``'s curves, ``limit --plot``'s errors, and the paths of
minimize, maximize and solve and the points of critical (``--plot``).

Both libraries are imported here only, when a command draws: nothing else pays their
start-up. The terminal plot tells the curves apart by marker, not only by colour, and
carries its legend below the frame, where it hides no data.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gradcli.compute.results import (
    CriticalPoint,
    ErrorPlot,
    Level,
    PathContours,
    PathCurve,
    Sampled,
)
from gradcli.errors import UsageError

FILE_FORMATS = ("png", "svg", "pdf")
DPI = 100
"""Dots per inch of saved files: a size in pixels is the size in inches times this."""

MARKERS = ("braille", "•", "+", "x", "*", "o", "#")
"""One per curve: f as the finest line, each derivative as a symbol of its own."""
LEGEND_MARKS = ("⠤⠤", "••", "++", "xx", "**", "oo", "##")
COLORS = ("blue", "red", "green", "magenta", "cyan", "orange", "gray")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 3)))

SCHEME_MARKERS = {
    "forward": "•",
    "backward": "+",
    "central": "x",
    "complex": "o",
    "richardson": "*",
}
FILE_MARKERS = {"forward": "o", "backward": "s", "central": "^", "complex": "D", "richardson": "*"}
SCHEME_COLORS = {
    "forward": "blue",
    "backward": "orange",
    "central": "green",
    "complex": "red",
    "richardson": "magenta",
}

INSTALL = "pip install matplotlib (or, in a checkout of gradcli, pip install '.[plot]')"
"""gradcli is installed from its source, not from an index: ``pip install 'gradcli[plot]'``
finds no such distribution, so the message names what works from where the user stands."""


def _missing(library: str, what: str, install: str) -> UsageError:
    return UsageError(f"{what} needs {library}, which is not installed; install it with: {install}")


def _plotext() -> Any:
    try:
        import plotext
    except ImportError:
        raise _missing("plotext", "the terminal plot", "pip install plotext") from None
    return plotext


def _figure(width: int, height: int) -> Any:
    """A matplotlib figure of ``width`` x ``height`` pixels, drawn without pyplot (no GUI
    backend is chosen or imported)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise _missing("matplotlib", "--save", INSTALL) from None
    return Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")


def check_file(path: str) -> str:
    """The format of a file to save a plot in, by its suffix; refuses any other."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FILE_FORMATS:
        raise UsageError(
            f"--save {path}: the file name must end in .png, .svg or .pdf (the format it is saved in)"
        )
    return suffix


def _save(figure: Any, path: str) -> None:
    try:
        figure.savefig(path, dpi=DPI, format=check_file(path))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _runs(values: np.ndarray) -> Iterator[slice]:
    """The stretches of consecutive finite values: each is drawn as its own line, so a gap
    (NaN) stays a gap instead of a line jumping across it."""
    finite = np.concatenate([[False], np.isfinite(values), [False]])
    edges = np.flatnonzero(finite[1:] != finite[:-1])
    for start, stop in zip(edges[::2], edges[1::2]):
        yield slice(int(start), int(stop))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _bindings(at: dict[str, np.ndarray]) -> str:
    parts = []
    for name, value in at.items():
        array = np.asarray(value)
        parts.append(f"{name}={array.item():g}" if array.size == 1 else f"{name}: {array.shape}")
    return ", ".join(parts)


def _title(sampled: Sampled) -> str:
    at = _bindings(sampled.at)
    return f"f({sampled.variable}) = {sampled.expression}" + (f"  at {at}" if at else "")


def _wrap(items: list[str], width: int) -> list[str]:
    """Legend items side by side, three spaces apart, on lines of ``width``; an item longer
    than a line has lines of its own, wrapped under its words."""
    lines: list[str] = []
    current = ""
    for item in items:
        if len(item) > width:
            if current:
                lines.append(current)
                current = ""
            hanging = " " * (item.find(" ") + 1)
            lines += textwrap.wrap(item, width, subsequent_indent=hanging, break_on_hyphens=False)
            continue
        if current and len(current) + 3 + len(item) > width:
            lines.append(current)
            current = ""
        current += ("   " if current else "") + item
    if current:
        lines.append(current)
    return lines or [""]


TITLE_LINES = 3
"""Lines a plot's title may take; a longer one (a long program) ends in "…"."""


def _title_lines(title: str, width: int) -> list[str]:
    """The title wrapped to ``width`` (every space is one: a program's lines run on)."""
    lines = textwrap.wrap(" ".join(title.split()), max(width, 8), break_on_hyphens=False)
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = _shorten(lines[-1] + " …", max(width, 8))
    return lines or [""]


def _finish(plt: Any, title: list[str], legend: list[str], width: int, color: bool) -> str:
    text = plt.build()
    if not color:
        text = plt.uncolorize(text)
    lines = [_rstrip(line) for line in text.splitlines()]
    # The title is centred over the frame, as plotext centres its own one-line title.
    frame = next((plt.uncolorize(line) for line in lines if "┐" in plt.uncolorize(line)), "")
    left, right = (frame.find("┌"), frame.find("┐")) if "┌" in frame else (0, width - 1)
    centred = [
        " " * max(0, left + (right - left + 1 - len(line)) // 2) + line
        if len(line) <= right - left + 1
        else line
        for line in title
    ]
    return "\n".join([*centred, *lines, *(" " + line for line in _wrap(legend, width - 1))])


_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_TRAILING = re.compile(r"(?:\s|\x1b\[[0-9;]*m)*$")


def _rstrip(line: str) -> str:
    """The line without trailing spaces, even among the codes that end its colours."""
    match = _TRAILING.search(line)
    end = match.start() if match else len(line)
    return line[:end] + "".join(_COLOUR.findall(line[end:]))


FRAME = 7
"""Columns of a plot that are not its drawing: the y axis's labels (up to 6) and the frame."""


def _start(plt: Any, width: int, height: int, title: int, legend: int) -> None:
    plt.clear_figure()
    plt.theme("clear")
    # plotext would shrink the plot to the terminal (80 columns in a pipe) without a word;
    # the size asked for is the size drawn.
    plt.limitsize(False, False)
    plt.plotsize(width, max(height - title - legend, 8))


# --- gradcli plot -----------------------------------------------------------------------------


@functools.singledispatch
def text(data: Any, width: int, height: int, color: bool = False) -> str:
    """A plot as terminal text, chosen by the data's type (each type registers below)."""
    raise TypeError(f"no plot of a {type(data).__name__}")


@functools.singledispatch
def save(data: Any, path: str, width: int, height: int) -> None:
    """A plot saved to ``path``, chosen by the data's type (each type registers below)."""
    raise TypeError(f"no plot of a {type(data).__name__}")


@text.register
def curves_text(sampled: Sampled, width: int, height: int, color: bool = False) -> str:
    """f and its derivatives as a text plot of at most ``width`` x ``height`` characters."""
    plt = _plotext()
    legend = [
        f"{LEGEND_MARKS[i]} {curve.label}" + (" = " + sampled.expression if i == 0 else "")
        for i, curve in enumerate(sampled.curves)
    ]
    legend[0] = _shorten(" ".join(legend[0].split()), width - 2)
    title = _title_lines(_title(sampled), width - FRAME)
    _start(plt, width, height, len(title), len(_wrap(legend, width - 1)))
    x = sampled.x
    for i, curve in enumerate(sampled.curves):
        y = sampled.shown(curve)
        for run in _runs(y):
            plt.plot(
                x[run].tolist(), y[run].tolist(), marker=MARKERS[i],
                color=COLORS[i] if color else None,
            )  # fmt: skip
    plt.xlim(float(x[0]), float(x[-1]))
    if sampled.ylim is not None:
        plt.ylim(*sampled.ylim)
    plt.xlabel(sampled.variable)
    return _finish(plt, title, legend, width, color)


@save.register
def save_curves(sampled: Sampled, path: str, width: int, height: int) -> None:
    """f and its derivatives to a PNG, SVG or PDF file of ``width`` x ``height`` pixels."""
    check_file(path)
    figure = _figure(width, height)
    axes = figure.add_subplot()
    for i, curve in enumerate(sampled.curves):
        label = f"{curve.label}({sampled.variable})" + (
            " = " + sampled.expression if i == 0 else ""
        )
        axes.plot(
            sampled.x, sampled.shown(curve), LINE_STYLES[i], color=f"C{i}", linewidth=1.6,
            label=_shorten(label, 60),
        )  # fmt: skip
    axes.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    axes.set_xlim(sampled.x[0], sampled.x[-1])
    if sampled.ylim is not None:
        low, high = sampled.ylim
        pad = 0.03 * (high - low)
        axes.set_ylim(low - pad, high + pad)
    axes.set_xlabel(sampled.variable)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="best", fontsize="small")
    axes.set_title(_shorten(_title(sampled), 90), fontsize="medium")
    if sampled.clipped and sampled.ylim is not None:
        axes.annotate(
            f"y axis clipped to [{sampled.ylim[0]:.4g}, {sampled.ylim[1]:.4g}]",
            (0.01, 0.01), xycoords="axes fraction", fontsize="x-small", color="0.35",
        )  # fmt: skip
    _save(figure, path)


# --- gradcli limit --plot ---------------------------------------------------------------------


def _prime(order: int) -> str:
    return "f" + "'" * order


def _error_title(plot: ErrorPlot) -> str:
    return (
        f"error of {_prime(plot.derivative_order)}({plot.variable}) estimates, "
        f"{plot.expression} at {plot.variable}={plot.point:g}"
    )


def _scheme_label(plot: ErrorPlot, index: int) -> str:
    sweep = plot.sweeps[index]
    parts = []
    if sweep.observed_order is not None:
        parts.append(f"slope {sweep.observed_order:.2f}")
    if sweep.expected_order is not None:
        parts.append(f"theory {sweep.expected_order}")
    if sweep.best_h is not None:
        parts.append(f"best h ≈ {sweep.best_h:.1e}")
    return sweep.scheme + (": " + ", ".join(parts) if parts else "")


def _log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Decades between ``low`` and ``high``, thinned to at most 7 labels."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, math.ceil((last - first) / 6))
    powers = list(range(first, last + 1, step))
    return [10.0**p for p in powers], [f"1e{p}" for p in powers]


COINCIDING = {
    frozenset({"forward", "backward"}): "±",
    frozenset({"central", "complex"}): "⊗",
}
SEVERAL = "#"
"""One marker where several schemes' estimates fall on one character of the plot, which
would otherwise show only the last drawn: forward and backward differences have the same
error to first order, central differences and the complex step to second, so their
curves coincide wherever truncation dominates."""

AXES_ROWS = 4
"""Rows of a plot that are not its drawing: the frame's two, the x axis's labels and name."""


def _coinciding(
    plot: ErrorPlot, points: list[tuple[int, int, float, float]], columns: int, rows: int
) -> dict[tuple[int, int], frozenset[str]]:
    """(sweep, row) -> the schemes whose points share its character: points of different
    schemes less than a character apart, across and down (log-log), go together."""
    if not points:
        return {}
    xs = [p[2] for p in points]
    ys = [p[3] for p in points]
    across = (max(xs) - min(xs)) / max(columns - 1, 1) or 1.0
    down = (max(ys) - min(ys)) / max(rows - 1, 1) or 1.0
    parent = list(range(len(points)))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, (i, _, x, y) in enumerate(points):
        for b in range(a):
            j, _, x2, y2 = points[b]
            if i != j and abs(x - x2) < across and abs(y - y2) < down:
                parent[root(a)] = root(b)
    groups: dict[int, set[str]] = {}
    for a, (i, _, _, _) in enumerate(points):
        groups.setdefault(root(a), set()).add(plot.sweeps[i].scheme)
    return {
        (i, k): frozenset(groups[root(a)])
        for a, (i, k, _, _) in enumerate(points)
        if len(groups[root(a)]) > 1
    }


def _coinciding_legend(plot: ErrorPlot, shared: set[frozenset[str]]) -> list[str]:
    order = [s.scheme for s in plot.sweeps]
    named = sorted(shared & COINCIDING.keys(), key=lambda group: sorted(map(order.index, group)))
    legend = [
        f"{COINCIDING[schemes] * 2} {' and '.join(sorted(schemes, key=order.index))} coincide"
        for schemes in named
    ]
    others = shared - COINCIDING.keys()
    if len(others) == 1:
        (schemes,) = others
        legend.append(f"{SEVERAL * 2} {' and '.join(sorted(schemes, key=order.index))} coincide")
    elif others:
        legend.append(f"{SEVERAL * 2} several schemes coincide")
    return legend


@text.register
def errors_text(plot: ErrorPlot, width: int, height: int, color: bool = False) -> str:
    """The error of each scheme against h, log-log, as text: slopes, best steps, the floor;
    where schemes' estimates coincide, one marker says which."""
    plt = _plotext()
    hs = np.concatenate([s.h[s.h > 0] for s in plot.sweeps])
    errors = np.concatenate([plot.shown(s) for s in plot.sweeps])
    errors = errors[np.isfinite(errors) & (errors > 0)]
    if errors.size == 0:
        raise UsageError("no estimate has a finite error to plot")
    low, high = min(errors.min(), plot.floor / 2), errors.max()
    points = [
        (i, k, math.log10(h), math.log10(y))
        for i, sweep in enumerate(plot.sweeps)
        for k, (h, y) in enumerate(zip(sweep.h, plot.shown(sweep)))
        if h > 0 and np.isfinite(y) and y > 0
    ]
    legend = [
        f"{SCHEME_MARKERS[s.scheme] * 2} {_scheme_label(plot, i)}"
        for i, s in enumerate(plot.sweeps)
    ]
    legend.append(f"⠤⠤ slope of the theory   ── ε·|{_prime(plot.derivative_order)}|")
    legend.append("│ marks each scheme's best h")
    title = _title_lines(_error_title(plot), width - FRAME)
    shared: dict[tuple[int, int], frozenset[str]] = {}
    for _ in range(2):  # the legend's length sets the rows, which set what coincides
        lines = len(_wrap(legend + _coinciding_legend(plot, set(shared.values())), width - 1))
        rows = max(height - len(title) - lines, 8) - AXES_ROWS
        shared = _coinciding(plot, points, width - FRAME, rows)
    legend += _coinciding_legend(plot, set(shared.values()))
    _start(plt, width, height, len(title), len(_wrap(legend, width - 1)))
    plt.xscale("log")
    plt.yscale("log")
    together: dict[frozenset[str], list[tuple[int, int, int]]] = {}  # segments drawn as one
    for sweep in plot.sweeps:
        tint = SCHEME_COLORS[sweep.scheme] if color else None
        if sweep.reference is not None:
            steps, line = sweep.reference
            plt.plot(steps.tolist(), line.tolist(), marker="braille", color=tint)
        if sweep.best_h is not None and hs.min() <= sweep.best_h <= hs.max():
            plt.vline(sweep.best_h, color=tint)
    for i, sweep in enumerate(plot.sweeps):
        tint = SCHEME_COLORS[sweep.scheme] if color else None
        y = plot.shown(sweep)
        for k in range(len(sweep.h) - 1):
            if not all(sweep.h[j] > 0 and np.isfinite(y[j]) and y[j] > 0 for j in (k, k + 1)):
                continue
            first, second = shared.get((i, k)), shared.get((i, k + 1))
            if first is not None and first == second:
                together.setdefault(first, []).append((i, k, k + 1))
                continue
            plt.plot(sweep.h[k : k + 2].tolist(), y[k : k + 2].tolist(),
                     marker=SCHEME_MARKERS[sweep.scheme], color=tint)  # fmt: skip
    for i, sweep in enumerate(plot.sweeps):
        tint = SCHEME_COLORS[sweep.scheme] if color else None
        y = plot.shown(sweep)
        own = [k for k in range(len(sweep.h)) if (i, k) not in shared]
        drawn = [k for k in own if sweep.h[k] > 0 and np.isfinite(y[k]) and y[k] > 0]
        if drawn:
            plt.scatter(sweep.h[drawn].tolist(), y[drawn].tolist(),
                        marker=SCHEME_MARKERS[sweep.scheme], color=tint)  # fmt: skip
    for schemes, segments in together.items():
        marker = COINCIDING.get(schemes, SEVERAL)
        for i, k, j in segments:
            sweep = plot.sweeps[i]
            y = plot.shown(sweep)
            plt.plot([sweep.h[k], sweep.h[j]], [y[k], y[j]], marker=marker)
    for (i, k), schemes in shared.items():
        sweep = plot.sweeps[i]
        plt.scatter([sweep.h[k]], [plot.shown(sweep)[k]], marker=COINCIDING.get(schemes, SEVERAL))
    plt.hline(plot.floor)
    xticks = _log_ticks(hs.min(), hs.max())
    plt.xticks(*xticks)
    plt.yticks(*_log_ticks(low, high))
    plt.xlabel("h")
    return _finish(plt, title, legend, width, color)


@save.register
def save_errors(plot: ErrorPlot, path: str, width: int, height: int) -> None:
    """The error plot of ``limit --plot`` to a PNG, SVG or PDF file of ``width`` x ``height``
    pixels: each scheme's errors, its reference slope and best step, and the rounding floor."""
    check_file(path)
    figure = _figure(width, height)
    axes = figure.add_subplot()
    axes.set_xscale("log")
    axes.set_yscale("log")
    for i, sweep in enumerate(plot.sweeps):
        tint = f"C{i}"
        keep = sweep.h > 0
        axes.plot(
            sweep.h[keep], plot.shown(sweep)[keep], marker=FILE_MARKERS[sweep.scheme],
            color=tint, linewidth=1.2, markersize=5, label=_scheme_label(plot, i),
        )  # fmt: skip
        if sweep.reference is not None:
            steps, line = sweep.reference
            axes.plot(steps, line, "--", color=tint, linewidth=0.9, alpha=0.7)
            axes.annotate(
                f"slope {sweep.expected_order}", (steps[-1], line[-1]), color=tint,
                fontsize="x-small", textcoords="offset points", xytext=(4, -10),
            )  # fmt: skip
        if sweep.best_h is not None:
            axes.axvline(sweep.best_h, color=tint, linestyle=":", linewidth=1)
    axes.axhline(plot.floor, color="0.4", linewidth=1)
    axes.annotate(
        f"ε·|{_prime(plot.derivative_order)}| = {plot.floor:.1e}", (0.01, plot.floor),
        xycoords=("axes fraction", "data"), textcoords="offset points", xytext=(0, 3),
        fontsize="x-small", color="0.3",
    )  # fmt: skip
    axes.set_xlabel("step h")
    axes.set_ylabel(f"|estimate - {_prime(plot.derivative_order)}|")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="best", fontsize="x-small")
    axes.set_title(_shorten(_error_title(plot), 90), fontsize="medium")
    _save(figure, path)


# --- minimize, maximize, solve and critical --plot -----------------------------------------

START, ITERATE, END, STEP = "○", "•", "★", "·"
"""The path in the terminal: its start, each iterate, where it stopped, and the line of
dots from one iterate to the next (contours and f are braille lines, thinner)."""
PATH_COLOR = "magenta+"
"""The path, with colour: a colour no contour has."""

KIND_MARKS = {
    "minimum": "▼",
    "maximum": "▲",
    "saddle": "x",
    "degenerate": "◆",
    "inflection": "◇",
    "neither": "□",
}
"""critical's points in the terminal, by kind; ``KIND_COLORS`` with colour, and in files
``KIND_FILE``'s marker and colour."""
KIND_COLORS = {
    "minimum": "cyan+",
    "maximum": "red+",
    "saddle": "magenta+",
    "degenerate": "default",
    "inflection": "orange+",
    "neither": "gray",
}
KIND_FILE = {
    "minimum": ("v", "tab:blue"),
    "maximum": ("^", "tab:red"),
    "saddle": ("X", "tab:green"),
    "degenerate": ("D", "tab:purple"),
    "inflection": ("d", "tab:orange"),
    "neither": ("s", "0.4"),
}
KIND_WORDS = {
    "minimum": ("minimum", "minima"),
    "maximum": ("maximum", "maxima"),
    "saddle": ("saddle", "saddles"),
    "degenerate": ("degenerate point", "degenerate points"),
    "inflection": ("inflection point", "inflection points"),
}
LEVEL_COLORS = ("blue", "blue+", "cyan", "cyan+", "green", "green+", "orange", "red")
"""Contours from the lowest (blue) to the highest (red), when colour is on (plotext's
names: "orange" is the terminal's yellow)."""
ZERO_MARKERS = ("braille", "+")
"""A system's zero curves, f1 = 0 and f2 = 0, told apart without colour."""
ZERO_LEGEND = ("⠤⠤", "++")
ZERO_COLORS = ("blue", "green")
GOALS = {"minimum": "minimize", "maximum": "maximize", "root": "solve"}

LEVEL_COLUMNS = 9
"""Columns of the drawing per contour a terminal plot draws at most: braille lines closer
than a few characters merge into a grey field (at 80 columns all 8 levels, at 40 every
third)."""


def _number(value: float) -> str:
    return f"{value:.6g}"


def _at(names: list[str], values: Any) -> str:
    return ", ".join(f"{n} = {_number(float(v))}" for n, v in zip(names, values))


def _path_title(plot: PathCurve | PathContours, names: list[str]) -> str:
    """What was asked: "minimize f(x, y) = ...", "solve ... = 0", "critical points of
    f(x) = ... on [-2, 2]", and the constants bound with --at."""
    if plot.goal == "root":
        title = f"solve {plot.expression} = 0"
    elif plot.goal == "critical":
        box = " × ".join(f"[{low:g}, {high:g}]" for low, high in _ranges(plot))  # noqa: RUF001
        title = f"critical points of f({', '.join(names)}) = {plot.expression} on {box}"
    else:
        title = f"{GOALS[plot.goal]} f({', '.join(names)}) = {plot.expression}"
    at = _bindings(plot.constants)
    return title + (f"  at {at}" if at else "")


def _ranges(plot: PathCurve | PathContours) -> list[tuple[float, float]]:
    if isinstance(plot, PathCurve):
        return [(float(plot.curve.x[0]), float(plot.curve.x[-1]))]
    return [(float(plot.x[0]), float(plot.x[-1])), (float(plot.y[0]), float(plot.y[-1]))]


def _where(plot: PathCurve | PathContours, row: np.ndarray, names: list[str]) -> str:
    """An iterate by its variables (a row of a curve's iterates is x and f(x))."""
    return _at(names, row[:1] if isinstance(plot, PathCurve) else row)


def _stopped(plot: PathCurve | PathContours) -> str:
    return plot.goal if plot.converged else "stopped"


def _path_legend(plot: PathCurve | PathContours, names: list[str]) -> list[str]:
    """The path's items: the iterations, the start, where it stopped."""
    if plot.iterates is None:
        return []
    start, end = plot.iterates[0], plot.iterates[-1]
    count = plot.iterations or 0
    value = (
        f", f = {_number(end[1])}" if isinstance(plot, PathCurve) and plot.goal != "root" else ""
    )
    return [
        f"{STEP}{ITERATE} {count:,} iteration{'s' * (count != 1)} ({plot.method})",
        f"{START} start {_where(plot, start, names)}",
        f"{END} {_stopped(plot)} at {_where(plot, end, names)}{value}",
    ]


def _kinds(points: list[CriticalPoint]) -> dict[str, list[CriticalPoint]]:
    """The points by kind, in the order of :data:`KIND_MARKS`."""
    found: dict[str, list[CriticalPoint]] = {}
    for kind in KIND_MARKS:
        if chosen := [p for p in points if p.kind == kind]:
            found[kind] = chosen
    return found


def _kind_label(kind: str, points: list[CriticalPoint], names: list[str]) -> str:
    """ "minima at x = -1, 1" in one variable, "4 minima" in two; a kink or an end that is
    no extremum by what it is."""
    if kind == "neither":
        wheres = sorted({p.where for p in points})
        words = " or ".join(w + "s" * (len(points) > 1) for w in wheres) + " (no extremum)"
    else:
        words = KIND_WORDS[kind][len(points) > 1]
    if len(names) == 1:
        return f"{words} at {names[0]} = {', '.join(_number(p.point[names[0]]) for p in points)}"
    return f"{len(points)} {words}"


def _extremes(plot: PathCurve) -> list[str]:
    """critical's lowest and highest values on the interval, and where f takes them."""
    name = plot.curve.variable
    return [
        f"{word} f = {_number(points[0].value)} at {name} = "
        + ", ".join(_number(p.point[name]) for p in points)
        for word, points in (("lowest", plot.lowest), ("highest", plot.highest))
        if points
    ]


@text.register
def path_curve_text(plot: PathCurve, width: int, height: int, color: bool = False) -> str:
    """f over the range with the iterates on it (solve: and y = 0), or critical's points
    by kind, as a text plot of at most ``width`` x ``height`` characters."""
    plt = _plotext()
    sampled = plot.curve
    names = [sampled.variable]
    legend = [f"⠤⠤ f({names[0]})"] + (["── y = 0"] if plot.goal == "root" else [])
    legend += _path_legend(plot, names)
    kinds = _kinds(plot.points)
    legend += [f"{KIND_MARKS[k]} {_kind_label(k, ps, names)}" for k, ps in kinds.items()]
    legend += _extremes(plot)
    title = _title_lines(_path_title(plot, names), width - FRAME)
    _start(plt, width, height, len(title), len(_wrap(legend, width - 1)))
    x = sampled.x
    y = sampled.shown(sampled.curves[0])
    for run in _runs(y):
        plt.plot(x[run].tolist(), y[run].tolist(), marker="braille",
                 color="blue" if color else None)  # fmt: skip
    if plot.goal == "root":
        plt.hline(0.0, color="gray" if color else None)
    box = np.array([(x[0], x[-1]), sampled.ylim or (-np.inf, np.inf)], dtype=np.float64)
    _draw_path(plt, plot.line, plot.iterates, box, color)
    for kind, points in kinds.items():
        plt.scatter([p.point[names[0]] for p in points], [p.value for p in points],
                    marker=KIND_MARKS[kind], color=KIND_COLORS[kind] if color else None)  # fmt: skip
    plt.xlim(float(x[0]), float(x[-1]))
    if sampled.ylim is not None:
        plt.ylim(*sampled.ylim)
    plt.xlabel(names[0])
    return _finish(plt, title, legend, width, color)


def _drawn_levels(plot: PathContours, width: int) -> list[Level]:
    """The contours the terminal draws: every one, or every k-th from the lowest (where
    the valleys are) when the plot is too narrow for them all."""
    if plot.goal == "root" or not plot.levels:
        return list(plot.levels)
    most = max(3, (width - FRAME) // LEVEL_COLUMNS)
    return list(plot.levels[:: math.ceil(len(plot.levels) / most)])


def _level_legend(plot: PathContours, levels: list[Level]) -> list[str]:
    if plot.goal == "root":
        return [f"{ZERO_LEGEND[c]} f{c + 1} = 0" for c in range(2)]
    if not levels:
        return ["f is constant here: no contours"]
    low, high = levels[0].level, levels[-1].level
    return [f"⠤⠤ f = {low:.3g} to {high:.3g}, {len(levels)} contours spaced in log(f - min)"]


@text.register
def path_contours_text(plot: PathContours, width: int, height: int, color: bool = False) -> str:
    """f's contours (a system: its zero curves) with the path or critical's points, as a
    text plot of at most ``width`` x ``height`` characters."""
    plt = _plotext()
    names = list(plot.names)
    levels = _drawn_levels(plot, width)
    legend = _level_legend(plot, levels) + _path_legend(plot, names)
    kinds = _kinds(plot.points)
    legend += [f"{KIND_MARKS[k]} {_kind_label(k, ps, names)}" for k, ps in kinds.items()]
    title = _title_lines(_path_title(plot, names), width - FRAME)
    _start(plt, width, height, len(title), len(_wrap(legend, width - 1)))
    last = max(len(levels) - 1, 1)
    for k, level in enumerate(levels):
        if plot.goal == "root":
            marker = ZERO_MARKERS[level.component - 1]
            tint = ZERO_COLORS[level.component - 1]
        else:
            marker, tint = "braille", LEVEL_COLORS[round(k * (len(LEVEL_COLORS) - 1) / last)]
        for line in level.lines:
            plt.plot(line[:, 0].tolist(), line[:, 1].tolist(), marker=marker,
                     color=tint if color else None)  # fmt: skip
    box = np.array([(plot.x[0], plot.x[-1]), (plot.y[0], plot.y[-1])], dtype=np.float64)
    _draw_path(plt, plot.iterates, plot.iterates, box, color)
    for kind, points in kinds.items():
        plt.scatter([p.point[names[0]] for p in points], [p.point[names[1]] for p in points],
                    marker=KIND_MARKS[kind], color=KIND_COLORS[kind] if color else None)  # fmt: skip
    plt.xlim(float(plot.x[0]), float(plot.x[-1]))
    plt.ylim(float(plot.y[0]), float(plot.y[-1]))
    plt.xlabel(names[0])
    plt.ylabel(names[1])
    return _finish(plt, title, legend, width, color)


def _draw_path(
    plt: Any, line: np.ndarray | None, iterates: np.ndarray | None, box: np.ndarray, color: bool
) -> None:
    """The line through the iterates in dots, each iterate, then the start and the end on
    top of them; only what lies in ``box`` ((low, high) per axis), for plotext draws a
    line point by point however far it runs (a diverged path reaches 1e150)."""
    if iterates is None:
        return
    tint = PATH_COLOR if color else None
    runs: list[list[np.ndarray]] = []
    for start, end in itertools.pairwise(line) if line is not None else ():
        if (piece := _clip(start, end, box)) is None:
            continue
        if runs and np.array_equal(runs[-1][-1], piece[0]):
            runs[-1].append(piece[1])
        else:
            runs.append([piece[0], piece[1]])
    for run in runs:
        xs, ys = zip(*run, strict=True)
        plt.plot([float(v) for v in xs], [float(v) for v in ys], marker=STEP, color=tint)
    for marker, points in ((ITERATE, iterates), (START, iterates[:1]), (END, iterates[-1:])):
        inside = points[np.all((points >= box[:, 0]) & (points <= box[:, 1]), axis=1)]
        if len(inside):
            plt.scatter(inside[:, 0].tolist(), inside[:, 1].tolist(), marker=marker, color=tint)


def _clip(start: np.ndarray, end: np.ndarray, box: np.ndarray) -> np.ndarray | None:
    """The part of the segment from ``start`` to ``end`` inside ``box`` (Liang and Barsky's
    clipping: the range of the segment's parameter that every side of the box keeps), or
    None when none of it is inside."""
    if not (np.all(np.isfinite(start)) and np.all(np.isfinite(end))):
        return None
    low, high = 0.0, 1.0
    step = end - start
    for axis in range(2):
        for p, q in (
            (-step[axis], start[axis] - box[axis, 0]),
            (step[axis], box[axis, 1] - start[axis]),
        ):
            if p == 0:
                if q < 0:
                    return None
                continue
            if p < 0:
                low = max(low, q / p)
            else:
                high = min(high, q / p)
    if low > high:
        return None
    return np.array([start + low * step, start + high * step])


DOTS = 100
"""Iterates up to which a file marks each with a full-size dot."""


def _file_path(axes: Any, plot: PathCurve | PathContours, names: list[str]) -> None:
    """The path in a file: the line through the iterates, a dot at each, the start as a
    ring and where it stopped as a star."""
    if plot.iterates is None:
        return
    path = plot.iterates
    line = plot.line if isinstance(plot, PathCurve) and plot.line is not None else path
    count = plot.iterations or 0
    axes.plot(
        line[:, 0], line[:, 1], "-", color="tab:red", linewidth=1.1, alpha=0.9, zorder=3,
        label=f"{count:,} iteration{'s' * (count != 1)} ({plot.method})",
    )  # fmt: skip
    # A dot per iterate; small ones where there are many (gd's thousands), so that the
    # path stays a line and does not become a band.
    dots = 3.5 if len(path) <= DOTS else 1.2
    axes.plot(path[:, 0], path[:, 1], "o", color="tab:red", markersize=dots, zorder=4)
    axes.plot(
        path[0, 0], path[0, 1], "o", markersize=10, markerfacecolor="white",
        markeredgecolor="tab:red", markeredgewidth=2, zorder=5,
        label=f"start {_where(plot, path[0], names)}",
    )  # fmt: skip
    axes.plot(
        path[-1, 0], path[-1, 1], "*", markersize=16, color="gold", markeredgecolor="black",
        markeredgewidth=0.8, zorder=6,
        label=f"{_stopped(plot)} at {_where(plot, path[-1], names)}",
    )  # fmt: skip


def _file_points(axes: Any, points: list[CriticalPoint], names: list[str]) -> None:
    """critical's points, one marker and colour per kind (in one variable, at (x, f))."""
    for kind, chosen in _kinds(points).items():
        marker, tint = KIND_FILE[kind]
        xs = [p.point[names[0]] for p in chosen]
        ys = [p.value if len(names) == 1 else p.point[names[1]] for p in chosen]
        axes.plot(
            xs, ys, marker, color=tint, markersize=9, markeredgecolor="black",
            markeredgewidth=0.6, linestyle="none", zorder=5, clip_on=False,
            label=_kind_label(kind, chosen, names),
        )  # fmt: skip


@save.register
def save_path_curve(plot: PathCurve, path: str, width: int, height: int) -> None:
    """f over the range with the iterates (or critical's points) to a PNG, SVG or PDF file
    of ``width`` x ``height`` pixels."""
    check_file(path)
    figure = _figure(width, height)
    axes = figure.add_subplot()
    sampled = plot.curve
    name = sampled.variable
    axes.plot(sampled.x, sampled.shown(sampled.curves[0]), "-", color="tab:blue",
              linewidth=1.6, label=f"f({name})")  # fmt: skip
    if plot.goal == "root":
        axes.axhline(0, color="0.3", linewidth=1, label="y = 0")
    else:
        axes.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    _file_path(axes, plot, [name])
    _file_points(axes, plot.points, [name])
    for line in _extremes(plot):  # text alone in the legend, after the points it names
        axes.plot([], [], " ", label=line)
    axes.set_xlim(sampled.x[0], sampled.x[-1])
    if sampled.ylim is not None:
        low, high = sampled.ylim
        pad = 0.05 * (high - low)
        axes.set_ylim(low - pad, high + pad)
    axes.set_xlabel(name)
    axes.set_ylabel(f"f({name})")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="best", fontsize="small")
    axes.set_title(_shorten(_path_title(plot, [name]), 90), fontsize="medium")
    _save(figure, path)


@save.register
def save_path_contours(plot: PathContours, path: str, width: int, height: int) -> None:
    """f's contours (a system: its zero curves) with the path or critical's points to a PNG,
    SVG or PDF file of ``width`` x ``height`` pixels."""
    check_file(path)
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection

    figure = _figure(width, height)
    axes = figure.add_subplot()
    names = list(plot.names)
    if plot.goal == "root":
        for level in plot.levels:
            tint = f"C{level.component - 1}"
            axes.add_collection(LineCollection(
                list(level.lines), colors=tint, linewidths=1.6,
                linestyles="-" if level.component == 1 else "--",
                label=f"f{level.component} = 0",
            ))  # fmt: skip
    else:
        palette = colormaps["viridis"]
        count = max(len(plot.levels) - 1, 1)
        tints = [palette(0.9 * k / count) for k in range(len(plot.levels))]
        for level, tint in zip(plot.levels, tints):
            axes.add_collection(LineCollection(list(level.lines), colors=[tint], linewidths=1.1))
        if plot.levels:
            _level_bar(figure, axes, [level.level for level in plot.levels], tints)
    _file_path(axes, plot, names)
    _file_points(axes, plot.points, names)
    axes.set_xlim(plot.x[0], plot.x[-1])
    axes.set_ylim(plot.y[0], plot.y[-1])
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.grid(True, alpha=0.2)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="best", fontsize="small", framealpha=0.9)
    axes.set_title(_shorten(_path_title(plot, names), 90), fontsize="medium")
    _save(figure, path)


def _level_bar(figure: Any, axes: Any, heights: list[float], tints: list[Any]) -> None:
    """A bar beside the plot with each contour's colour and the value of f on it (the
    contours are spaced in log(f - min), so the values are the bar's labels, evenly)."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import BoundaryNorm, ListedColormap

    count = len(heights)
    norm = BoundaryNorm(np.arange(count + 1) - 0.5, count)
    bar = figure.colorbar(
        ScalarMappable(norm=norm, cmap=ListedColormap(tints)), ax=axes, ticks=range(count),
        fraction=0.04, pad=0.02,
    )  # fmt: skip
    bar.ax.set_yticklabels([f"{height:.3g}" for height in heights], fontsize="small")
    bar.set_label("f on each contour (spaced in log(f - min))", fontsize="small")
