"""``gradcli solve``: a root of f(x) = 0 by Newton's method with the exact derivative."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.commands.optimize import check_plot, finish, trace_format, trace_rows
from gradcli.compute.optimize import solve


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    steps: int | None,
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
    drawing = plot or save is not None
    display.check_drawing(drawing, output, digits, width, height, "solve", save is not None)
    fmt = None if drawing else trace_format(output, digits, trace)
    compiled = inputs.expression(expression, file, max_iterations)
    bound = inputs.point(at, seed)
    if drawing:
        check_plot(compiled, bound, inputs.names(wrt), trace, save)
    with trace_rows(fmt if trace else None, "residual_norm", None) as observe:
        result = solve(
            compiled, bound, wrt=inputs.names(wrt), steps=steps, trace=trace or drawing,
            observe=observe,
        )  # fmt: skip
    finish(result, compiled, fmt, digits, seed, drawing, save, width, height)
