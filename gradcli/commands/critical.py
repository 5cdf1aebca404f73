"""``gradcli critical``: the critical points of f in a box, classified; in one variable the
kinks and ends too, and the global extremes on the interval."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import inputs
from gradcli.commands.optimize import Output
from gradcli.compute.critical import critical_points


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    over: Sequence[str] | None,
    at: Sequence[str] | None,
    starts: int | None,
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
    out = Output("critical", output, digits, plot, save, width, height, trace=None)
    compiled = inputs.expression(expression, file, max_iterations)
    boxes = [inputs.over(text) for text in over or []]
    out.check_plot({name: () for name, _, _ in boxes}, boxed=True)
    result = critical_points(compiled, inputs.point(at, seed), boxes, starts)
    out.finish(result, compiled, seed)
