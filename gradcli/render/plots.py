"""Plots of :mod:`gradcli.compute.plot`'s data: text for the terminal (plotext) and image
files (matplotlib).

Both libraries are imported here only, when a command draws: nothing else pays their
start-up. The terminal plot tells the curves apart by marker, not only by colour, and
carries its legend below the frame, where it hides no data.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gradcli.compute.results import ErrorPlot, Sampled
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
