"""Plots of :mod:`gradcli.compute.plot`'s data: text for the terminal (plotext) and image
files (matplotlib).

Both libraries are imported here only, when a command draws: nothing else pays their
start-up. The terminal plot tells the curves apart by marker, not only by colour, and
carries its legend below the frame, where it hides no data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gradcli.compute.plot import ErrorPlot, Sampled
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
    lines = [""]
    for item in items:
        if lines[-1] and len(lines[-1]) + 3 + len(item) > width:
            lines.append("")
        lines[-1] += ("   " if lines[-1] else "") + item
    return lines


def _finish(plt: Any, legend: list[str], width: int, color: bool) -> str:
    text = plt.build()
    if not color:
        text = plt.uncolorize(text)
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join([*lines, *(" " + line for line in _wrap(legend, width - 1))])


def _start(plt: Any, width: int, height: int, legend: int) -> None:
    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(width, max(height - legend, 8))


# --- gradcli plot -----------------------------------------------------------------------------


def curves_text(sampled: Sampled, width: int, height: int, color: bool = False) -> str:
    """f and its derivatives as a text plot of at most ``width`` x ``height`` characters."""
    plt = _plotext()
    legend = [
        f"{LEGEND_MARKS[i]} {curve.label}" + (" = " + sampled.expression if i == 0 else "")
        for i, curve in enumerate(sampled.curves)
    ]
    legend[0] = _shorten(legend[0], width - 2)
    _start(plt, width, height, len(_wrap(legend, width - 1)))
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
    plt.title(_shorten(_title(sampled), width - 4))
    return _finish(plt, legend, width, color)


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


def errors_text(plot: ErrorPlot, width: int, height: int, color: bool = False) -> str:
    """The error of each scheme against h, log-log, as text: slopes, best steps, the floor."""
    plt = _plotext()
    legend = [
        f"{SCHEME_MARKERS[s.scheme] * 2} {_scheme_label(plot, i)}"
        for i, s in enumerate(plot.sweeps)
    ]
    legend.append(f"⠤⠤ slope of the theory   ── ε·|{_prime(plot.derivative_order)}|")
    legend.append("│ marks each scheme's best h")
    _start(plt, width, height, len(_wrap(legend, width - 1)))
    plt.xscale("log")
    plt.yscale("log")
    hs = np.concatenate([s.h[s.h > 0] for s in plot.sweeps])
    errors = np.concatenate([plot.shown(s) for s in plot.sweeps])
    errors = errors[np.isfinite(errors) & (errors > 0)]
    if errors.size == 0:
        raise UsageError("no estimate has a finite error to plot")
    low, high = min(errors.min(), plot.floor / 2), errors.max()
    for sweep in plot.sweeps:
        tint = SCHEME_COLORS[sweep.scheme] if color else None
        if sweep.reference is not None:
            steps, line = sweep.reference
            plt.plot(steps.tolist(), line.tolist(), marker="braille", color=tint)
        y = plot.shown(sweep)
        for run in _runs(np.where(sweep.h > 0, y, np.nan)):
            plt.plot(
                sweep.h[run].tolist(), y[run].tolist(), marker=SCHEME_MARKERS[sweep.scheme],
                color=tint,
            )  # fmt: skip
        if sweep.best_h is not None and hs.min() <= sweep.best_h <= hs.max():
            plt.vline(sweep.best_h, color=tint)
    plt.hline(plot.floor)
    xticks = _log_ticks(hs.min(), hs.max())
    plt.xticks(*xticks)
    plt.yticks(*_log_ticks(low, high))
    plt.xlabel("h")
    plt.title(_shorten(_error_title(plot), width - 4))
    return _finish(plt, legend, width, color)


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
