"""``gradcli minimize`` and ``maximize`` (one request, two goals), and the ``--trace`` rows
that ``solve`` writes the same way."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.commands import display, inputs
from gradcli.compute.bindings import Binding
from gradcli.compute.optimize import optimize
from gradcli.compute.results import Iterate
from gradcli.errors import NotConverged, UsageError
from gradcli.language import Expression

ROWS = ("tsv", "csv", "jsonl", "plain")
"""What ``--trace`` writes to a pipe: one row per iteration, as each is made."""


def run(
    *,
    goal: str,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    over: Sequence[str] | None,
    method: str,
    lr: float | None,
    momentum: float | None,
    steps: int | None,
    tol: float | None,
    trace: bool,
    plot: bool,
    save: str | None,
    width: int | None,
    height: int | None,
    seed: int | None,
    output: str | None,
    digits: int | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    out = Output(goal[:3] + "imize", output, digits, plot, save, width, height, trace)
    compiled = inputs.expression(expression, file, max_iterations)
    bounds = [inputs.over(text) for text in over or []]
    bound = inputs.point([*(at or []), *_middles(bounds, at)], seed)
    out.check_plot(_varied(compiled, bound, inputs.names(wrt)))
    with out.rows("value", "gradient_norm") as observe:
        result = optimize(
            compiled, bound, goal=goal, method=method, wrt=inputs.names(wrt), bounds=bounds,
            steps=steps, tolerance=tol, lr=lr, momentum=momentum, trace=out.tracing,
            observe=observe,
        )  # fmt: skip
    out.finish(result, compiled, seed)


class Output:
    """Where the result of minimize, maximize, solve or critical goes, checked before the
    work starts: a plot (--plot, --save), rows of iterations as they come (--trace in a
    pipe or -o tsv/csv/jsonl), or one document. ``trace`` None: the command has no
    --trace (critical)."""

    def __init__(
        self,
        what: str,
        output: str | None,
        digits: int | None,
        plot: bool,
        save: str | None,
        width: int | None,
        height: int | None,
        trace: bool | None,
    ) -> None:
        self.drawing = plot or save is not None
        self.save, self.width, self.height, self.digits = save, width, height, digits
        display.check_drawing(self.drawing, output, digits, width, height, what, save is not None)
        if self.drawing and trace:
            raise UsageError(
                "--trace writes the iterations as rows and --plot draws them; give one of the "
                "two (the rows for another tool: --trace -o tsv)"
            )
        self.fmt: str | None = None
        if not self.drawing:
            plain = trace is None
            self.fmt = (
                display.document_format(output, digits)
                if plain
                else trace_format(output, digits, trace)
            )
        self.trace = bool(trace)
        self.tracing = self.trace or self.drawing
        """Whether the result keeps its iterates: for the rows, or for the plot's path."""

    def check_plot(self, shapes: dict[str, tuple[int, ...]], boxed: bool = False) -> None:
        """A plot draws f of one or two single-number variables, to a file of a format
        matplotlib writes: anything else is refused before the method runs."""
        if not self.drawing:
            return
        from gradcli.compute.plot import check_drawable
        from gradcli.render.plots import check_file

        if self.save is not None:
            check_file(self.save)
        check_drawable(shapes, boxed)

    def rows(self, value: str, gradient: str | None) -> trace_rows:
        return trace_rows(self.fmt if self.trace else None, value, gradient)

    def finish(self, result: Any, compiled: Expression, seed: int | None) -> None:
        """The result as the format asks (rows were written already), or the plot; then
        exit 1 with the reason when the method found no answer."""
        from gradcli.render.optima import failure

        display.warn([inputs.unused_seed(seed)])
        if self.drawing:
            from gradcli.compute.plot import path

            display.warn(result.warnings)
            display.draw(path(result, compiled), self.save, self.width, self.height)
        elif self.fmt in ROWS and getattr(result, "trace", None) is not None:
            display.warn(result.warnings)  # the rows are out already
        else:
            display.show(result, self.fmt, self.digits)
        if (reason := failure(result)) is not None:
            sys.stdout.flush()
            raise NotConverged(reason)


def _varied(
    compiled: Expression, bound: Sequence[Binding], wrt: Sequence[str] | None
) -> dict[str, tuple[int, ...]]:
    """The variables a method varies, with their shapes."""
    from gradcli.compute.evaluation import choose_wrt

    values = {b.name: b.value for b in bound}
    return {name: np.shape(values[name]) for name in choose_wrt(compiled, bound, wrt, doing="vary")}


def _middles(bounds: list[tuple[str, float, float]], at: Sequence[str] | None) -> list[str]:
    """A variable with a range and no --at starts in the middle of its range."""
    given = {text.partition("=")[0].strip() for text in at or []}
    return [f"{name}={(lo + hi) / 2!r}" for name, lo, hi in bounds if name not in given]


def trace_format(choice: str | None, digits: int | None, trace: bool) -> str:
    """A document (table, plain, json), or with --trace rows of iterations to a pipe."""
    if trace and choice in ("tsv", "csv", "jsonl"):
        display.refuse_digits(choice, digits)
        return choice
    if not trace and choice in ("tsv", "csv", "jsonl"):
        raise UsageError(
            f"-o {choice} writes one row per iteration: give --trace, or choose table, plain "
            "or json"
        )
    if choice == "npy":
        raise UsageError("-o npy writes --points rows; choose table, plain, json, or with "
                         "--trace tsv, csv or jsonl")  # fmt: skip
    return display.document_format(choice, digits)


class trace_rows:
    """With a row format, a writer of one row per iterate to standard output, flushed as
    each comes; otherwise nothing (``None``: the iterates stay in the result)."""

    def __init__(self, fmt: str | None, value: str, gradient: str | None) -> None:
        self.rows = fmt if fmt in ROWS else None
        self.labels = (value, gradient)
        self.writer: Any = None

    def __enter__(self) -> Callable[[Iterate], None] | None:
        return None if self.rows is None else self.write

    def write(self, iterate: Iterate) -> None:
        from gradcli.io.writers import open_writer

        value, gradient = self.labels
        point = iterate.point
        columns = [("iteration", np.array([iterate.iteration]))]
        columns += [(name, np.asarray(v)[None]) for name, v in point.items()]
        columns.append((value, np.array([iterate.value])))
        if gradient is not None:
            columns.append((gradient, np.array([iterate.gradient_norm])))
        columns.append(("step", np.array([iterate.step])))
        if self.writer is None:
            layout: dict[str, Any] = {"iteration": "iteration"}
            layout["point"] = {name: name for name in point}
            layout.update({name: name for name, _ in columns[len(point) + 1 :]})
            self.writer = open_writer(sys.stdout.buffer, self.rows, layout)
        self.writer.write(columns)

    def __exit__(self, *exc: Any) -> None:
        if self.writer is not None:
            self.writer.close()
