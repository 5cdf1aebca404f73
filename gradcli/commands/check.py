"""``gradcli check``: exact derivatives (reverse mode, Taylor mode) against numerical ones,
at the ``--at`` point, at every ``--points`` row, at ``--random`` points, or for every
operation of the registry (``--builtins``); exit 1 when any disagrees."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from gradcli.commands import display, inputs
from gradcli.compute.checking import check, check_builtins, check_options, read_points
from gradcli.errors import CheckFailed, UsageError


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    order: int,
    points: str | None,
    points_format: str | None,
    columns: str | None,
    random: int | None,
    builtins: bool,
    seed: int | None,
    output: str | None,
    digits: int | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    check_options(order, random, points is not None)
    inputs.only_with_points(points, points_format=points_format, columns=columns)
    fmt = display.document_format(output, digits)
    if builtins:
        given = [flag for flag, value in (("EXPR", expression), ("--file", file), ("--at", at),
                 ("--wrt", wrt), ("--points", points)) if value]  # fmt: skip
        if given:
            raise UsageError(
                f"--builtins checks the registry's operations on their own samples; leave out "
                f"{', '.join(given)}"
            )
        result: Any = check_builtins(order, random or 1, seed)
    else:
        compiled = inputs.expression(expression, file, max_iterations, stdin_taken=points == "-")
        bound = inputs.point(at, seed)
        rows = None
        if points is not None:
            source = inputs.points_source(points)
            rows = read_points(source, compiled, bound, points_format, columns)
        result = check(
            compiled,
            bound,
            wrt=inputs.names(wrt),
            order=order,
            points=rows,
            random=random,
            seed=seed,
        )
    display.show(result, fmt, digits)
    if not result.passed:
        from gradcli.render.failures import failure

        sys.stdout.flush()
        raise CheckFailed(failure(result))
