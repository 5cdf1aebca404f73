"""``gradcli plot``: f and its exact derivatives over a range, in the terminal or to a file."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.plot import DEFAULT_SAMPLES, sample
from gradcli.errors import UsageError


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    over: str | None,
    order: int,
    at: Sequence[str] | None,
    samples: int | None,
    save: str | None,
    width: int | None,
    height: int | None,
    seed: int | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    display.check_drawing(True, None, None, width, height, "plot", save is not None)
    if over is None:
        raise UsageError("give the variable and its range with --over, e.g. --over x=-3:3")
    compiled = inputs.expression(expression, file, max_iterations)
    result = sample(
        compiled, inputs.point(at, seed), inputs.over(over), order, samples or DEFAULT_SAMPLES
    )
    display.warn([inputs.unused_seed(seed)])
    display.draw(result, save, width, height)
