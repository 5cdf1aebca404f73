"""``gradcli solve``: a root of f(x) = 0 by Newton's method with the exact derivative."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import inputs
from gradcli.commands.optimize import Output, _varied
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
    out = Output("solve", output, digits, plot, save, width, height, trace)
    compiled = inputs.expression(expression, file, max_iterations)
    bound = inputs.point(at, seed)
    out.check_plot(_varied(compiled, bound, inputs.names(wrt)))
    with out.rows("residual_norm", None) as observe:
        result = solve(
            compiled, bound, wrt=inputs.names(wrt), steps=steps, trace=out.tracing,
            observe=observe,
        )  # fmt: skip
    out.finish(result, compiled, seed)
