"""``gradcli eval``: the value of an expression (the forward pass only), at one point or at
every ``--points`` row."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.evaluation import evaluate_expression


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    seed: int | None,
    output: str | None,
    digits: int | None,
    points: str | None,
    points_format: str | None,
    columns: str | None,
    on_error: str | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    inputs.only_with_points(points, points_format=points_format, on_error=on_error, columns=columns)
    compiled = inputs.expression(expression, file, max_iterations, stdin_taken=points == "-")
    if points is not None:
        # Loaded for --points only: the readers and writers are tens of milliseconds of start-up.
        from gradcli.commands import stream

        stream.run(
            compiled, at, seed, points, points_format, on_error, output, digits, columns=columns
        )
        return
    fmt = display.document_format(output, digits)
    result = evaluate_expression(compiled, inputs.point(at, seed))
    display.warn([inputs.unused_seed(seed)])
    display.show(result, fmt, digits)
