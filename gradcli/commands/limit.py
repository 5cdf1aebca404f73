"""``gradcli limit``: the derivative as a limit, finite differences as h shrinks beside the
exact derivative, as a table or as a plot of each scheme's error against h."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.limit import finite_differences


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    h: float | None,
    steps: int | None,
    shrink: float | None,
    scheme: str,
    order: int,
    seed: int | None,
    output: str | None,
    digits: int | None,
    plugin: Sequence[str] | None,
    plot: bool,
    save: str | None,
    width: int | None,
    height: int | None,
) -> None:
    inputs.load_plugins(plugin)
    drawing = plot or save is not None
    display.check_drawing(drawing, output, digits, width, height, "--plot", save is not None)
    fmt = None if drawing else display.document_format(output, digits)
    result = finite_differences(
        inputs.expression(expression, file, max_iterations),
        inputs.point(at, seed),
        wrt=inputs.names(wrt),
        h=h,
        steps=steps,
        shrink=shrink,
        scheme=scheme,
        order=order,
    )
    display.warn([inputs.unused_seed(seed)])
    if fmt is None:
        # The error plot's data is made only when it is drawn.
        from gradcli.compute.plot import error_plot

        display.draw(error_plot(result), save, width, height)
    else:
        display.show(result, fmt, digits)
