"""``gradcli diff``: the value and its derivatives (gradient, Jacobian, vector-Jacobian
product, f', f'', ..., Hessian), at one point or at every ``--points`` row."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.differentiate import differentiate
from gradcli.errors import UsageError
from gradcli.language import Expression


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
    symbolic: bool = False,
    steps: bool = False,
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
    if steps:
        _steps(compiled, at, seed, wrt, output, digits, points, order, hessian, weights, symbolic)
        return
    if symbolic and points is not None:
        raise UsageError("--symbolic gives formulas at one point; it does not go with --points")
    if points is not None:
        # Loaded for --points only: the readers and writers are tens of milliseconds of start-up.
        from gradcli.commands import stream

        stream.run(
            compiled, at, seed, points, points_format, on_error, output, digits,
            differentiate=True, wrt=inputs.names(wrt), order=order, hessian=hessian,
            columns=columns,
        )  # fmt: skip
        return
    if (symbolic or not at) and compiled.variables:
        _formulas(compiled, at, seed, wrt, weights, order, hessian, method, output, digits)
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


def _formulas(
    compiled: Expression,
    at: Sequence[str] | None,
    seed: int | None,
    wrt: str | None,
    weights: str | None,
    order: int | None,
    hessian: bool,
    method: str | None,
    output: str | None,
    digits: int | None,
) -> None:
    """The derivatives as formulas; with a point, beside the exact numbers and checked
    against them."""
    # Loaded here only: SymPy is a second or so of start-up that numbers never pay.
    from gradcli.compute import symbolic

    for flag, given in (("--weights", weights), ("--method", method)):
        if given is not None:
            raise UsageError(f"{flag} applies to numbers; give a point with --at")
    fmt = display.formula_format(output, digits)
    names = inputs.names(wrt)
    if not at:
        display.show(symbolic.derivatives(compiled, names, order, hessian), fmt, digits)
        return
    bound = inputs.point(at, seed)
    arrays = [b.name for b in bound if b.value.ndim and b.name in compiled.variables]
    if arrays:
        raise UsageError(
            f"--symbolic writes formulas in single-number variables, and {arrays[0]} is an "
            "array; leave out --symbolic for its derivatives' numbers"
        )
    result = differentiate(compiled, bound, wrt=names, order=order, hessian=hessian)
    if result.gradient is None:
        raise UsageError(
            "--symbolic gives formulas for a single-number value; reduce it first, e.g. sum(...)"
        )
    point = {b.name: b.value for b in bound}
    formulas = symbolic.derivatives(compiled, result.wrt, order, hessian, point)
    shown = dataclasses.replace(result, formulas=formulas)
    display.warn([inputs.unused_seed(seed)])
    display.show(shown, fmt, digits)
    symbolic.agreement(shown)


def _steps(
    compiled: Expression,
    at: Sequence[str] | None,
    seed: int | None,
    wrt: str | None,
    output: str | None,
    digits: int | None,
    points: str | None,
    order: int | None,
    hessian: bool,
    weights: str | None,
    symbolic: bool,
) -> None:
    """The textbook table of reverse mode at one point."""
    others = {
        "--points": points is not None, "--order": order is not None, "--hessian": hessian,
        "--weights": weights is not None, "--symbolic": symbolic,
    }  # fmt: skip
    given = [flag for flag, on in others.items() if on]
    if given:
        raise UsageError(f"--steps shows the gradient at one point; it does not go with {given[0]}")
    if not at:
        raise UsageError("--steps follows the numbers at a point: give it with --at NAME=VALUE")
    fmt = display.document_format(output, digits)
    # Loaded here only: the steps' formulas come from SymPy.
    from gradcli.compute.steps import steps

    result = steps(compiled, inputs.point(at, seed), inputs.names(wrt))
    display.warn([inputs.unused_seed(seed)])
    display.show(result, fmt, digits)
