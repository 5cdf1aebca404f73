"""``gradcli critical``: the critical points of f in a box, classified; in one variable the
kinks and ends too, and the global extremes on the interval."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
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
    drawing = plot or save is not None
    display.check_drawing(drawing, output, digits, width, height, "critical", save is not None)
    fmt = None if drawing else display.document_format(output, digits)
    compiled = inputs.expression(expression, file, max_iterations)
    boxes = [inputs.over(text) for text in over or []]
    result = critical_points(compiled, inputs.point(at, seed), boxes, starts)
    display.warn([inputs.unused_seed(seed)])
    if drawing:
        from gradcli.compute.plot import path

        display.warn(result.warnings)
        display.draw(path(result), save, width, height)
    else:
        display.show(result, fmt, digits)
