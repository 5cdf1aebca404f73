"""``gradcli diff``: the value and its derivatives (gradient, Jacobian, vector-Jacobian
product, f', f'', ..., Hessian), at one point or at every ``--points`` row."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.differentiate import differentiate
from gradcli.errors import UsageError


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    weights: str | None,
    order: int | None,
    hessian: bool,
    method: str | None,
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
    if method is not None and order is None:
        raise UsageError(
            f"--method {method} chooses how --order N computes higher derivatives; "
            "give --order N too, or leave --method out"
        )
    if order is not None and hessian:
        raise UsageError("--order and --hessian are separate requests; give one of them")
    if weights is not None and (order is not None or hessian):
        raise UsageError(
            "--weights weights a first derivative; it does not combine with --order or --hessian"
        )
    inputs.only_with_points(points, points_format=points_format, on_error=on_error, columns=columns)
    if points is not None and (weights is not None or method is not None):
        flag = "--weights" if weights is not None else "--method"
        raise UsageError(f"{flag} applies to one point; it does not combine with --points")
    compiled = inputs.expression(expression, file, max_iterations, stdin_taken=points == "-")
    if points is not None:
        # Loaded for --points only: the readers and writers are tens of milliseconds of start-up.
        from gradcli.commands import stream

        stream.run(
            compiled, at, seed, points, points_format, on_error, output, digits,
            differentiate=True, wrt=inputs.names(wrt), order=order, hessian=hessian,
            columns=columns,
        )  # fmt: skip
        return
    fmt = display.document_format(output, digits)
    result = differentiate(
        compiled,
        inputs.point(at, seed),
        wrt=inputs.names(wrt),
        weights=inputs.weights(weights),
        order=order,
        hessian=hessian,
        method=method or "auto",
    )
    display.warn([inputs.unused_seed(seed)])
    display.show(result, fmt, digits)
