"""Gradients, Jacobians, vector-Jacobian products and Hessians at a point."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import creation, engine
from gradcli.autograd.functional import jacobian_of
from gradcli.autograd.shapes import entry_labels
from gradcli.autograd.tensor import Tensor, wrap
from gradcli.compute.bindings import Binding
from gradcli.compute.evaluation import (
    as_array,
    choose_wrt,
    nonfinite_warnings,
    point_of,
    tensors_of,
)
from gradcli.compute.results import AtKink, Differentiation, NotFiniteDerivative
from gradcli.errors import LimitError, ShapeError, UsageError, option
from gradcli.language import Expression
from gradcli.registry import OPS

MAX_JACOBIAN_ROWS = 10_000
"""Backward passes a Jacobian may take; beyond it, ask for a vector-Jacobian product."""

MAX_JACOBIAN_ENTRIES = 10**6
"""Numbers a Jacobian may hold (rows times the wrt variables' elements): 8 MB as an
array, about 20 MB and 1 s as JSON."""

MAX_HESSIAN_SIZE = 2_000
"""Variables (flattened) a Hessian may span."""

MAX_BACKWARD_WORK = 500_000
"""Graph operations that the backward passes of a Jacobian or Hessian may walk in all
(rows times the graph's size; about 16 µs each, so about 8 s)."""


def differentiate(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    weights: np.ndarray | None = None,
    order: int | None = None,
    hessian: bool = False,
    method: str = "auto",
) -> Differentiation:
    """Value and derivatives of ``expression`` at the bound point.

    Random draws in the expression are the same in every evaluation it takes.
    """
    with creation.same_draws():
        names = choose_wrt(expression, bound, wrt)
        values = tensors_of(bound, names)
        inputs = [values[name] for name in names]
        value = expression.evaluate(values)
        result = Differentiation(
            expression=expression.source,
            at=point_of(bound),
            value=as_array(value),
            warnings=nonfinite_warnings(expression, values, value),
            wrt=names,
        )
        if weights is not None:
            result.gradient = _vjp(value, inputs, names, wrap(weights))
            result.weighted = True
        elif value.numel() == 1:
            result.gradient = _vjp(value, inputs, names, None, retain_graph=hessian)
        else:
            result.jacobian = _jacobian(value, inputs, names)
        if order is not None:
            from gradcli.compute.higher import pure_derivatives

            result.derivatives, result.coefficients, result.method = pure_derivatives(
                expression, bound, names, order, method, value, result.warnings
            )
        elif hessian:
            result.hessian = hessian_of(value, inputs, names)
        if order is None:  # --order says so itself, when it leaves Taylor mode
            _kink_warning(expression, result)
        _gradient_warnings(result)
        return result


def _kink_warning(expression: Expression, result: Differentiation) -> None:
    """Say where the engine gives a derivative that does not exist (abs at 0 gives 0, its
    convention), as --order, limit and check do."""
    # Only these operations have kinks or jumps; anything else need not load Taylor mode.
    if all(
        OPS[name].analytic or OPS[name].category == "creation"
        for name in expression.operations
        if name in OPS
    ):
        return
    from gradcli.compute.higher import kink

    found = kink(expression, result.at, result.wrt)
    if found:
        result.warnings.append(AtKink(found))


def gradients(
    output: Tensor, inputs: list[Tensor], weight: Tensor | None, **options: Any
) -> list[np.ndarray]:
    """d(output)/d(inputs) as arrays; zeros where an input is not used."""
    if not output.requires_grad:
        return [np.zeros(t.shape) for t in inputs]
    grads = engine.grad(output, inputs, weight, allow_unused=True, **options)
    return [np.zeros(t.shape) if g is None else as_array(g) for g, t in zip(grads, inputs)]


def _vjp(
    value: Tensor,
    inputs: list[Tensor],
    names: list[str],
    weights: Tensor | None,
    **options: Any,
) -> dict[str, np.ndarray]:
    if weights is not None and weights.shape != value.shape:
        raise ShapeError(
            f"{option('weights')} has shape {tuple(weights.shape)} but the expression's value has "
            f"shape {tuple(value.shape)}; give weights of the value's shape"
        )
    if weights is None:
        weights = wrap(np.ones_like(value.numpy()))
    return dict(zip(names, gradients(value, inputs, weights, **options)))


def _jacobian(value: Tensor, inputs: list[Tensor], names: list[str]) -> dict[str, np.ndarray]:
    rows = value.numel()
    if rows > MAX_JACOBIAN_ROWS:
        raise LimitError(
            f"the value has {rows:,} elements, so its Jacobian needs {rows:,} backward passes "
            f"(the limit is {MAX_JACOBIAN_ROWS:,}); pass {option('weights')} W for a vector-Jacobian product"
        )
    entries = rows * sum(t.numel() for t in inputs)
    if entries > MAX_JACOBIAN_ENTRIES:
        raise LimitError(
            f"the Jacobian would hold {entries:,} numbers ({rows:,} value elements times "
            f"{entries // rows:,} variable elements; the limit is {MAX_JACOBIAN_ENTRIES:,}); pass "
            f"{option('weights')} W for a vector-Jacobian product, or differentiate a part of the value"
        )
    _check_backward_work(
        "the Jacobian",
        rows,
        value,
        f"pass {option('weights')} W for one vector-Jacobian product instead",
    )
    blocks = jacobian_of(value, inputs)
    return {name: as_array(block) for name, block in zip(names, blocks)}


def hessian_of(
    value: Tensor, inputs: list[Tensor], names: list[str]
) -> tuple[list[str], np.ndarray]:
    if value.numel() != 1:
        raise UsageError(
            f"{option('hessian')} needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    size = sum(t.numel() for t in inputs)
    if size > MAX_HESSIAN_SIZE:
        raise LimitError(
            f"a Hessian over {size:,} variables is above the limit of {MAX_HESSIAN_SIZE:,}"
        )
    labels = [label for name, t in zip(names, inputs) for label in entry_labels(name, t.shape)]
    matrix = np.zeros((size, size))
    if not value.requires_grad:
        return labels, matrix
    offsets = np.cumsum([0] + [t.numel() for t in inputs])
    firsts = engine.grad(value.reshape(()), inputs, create_graph=True, allow_unused=True)
    for first in firsts:
        if first is not None:
            _check_backward_work(
                "the Hessian", size, first, f"differentiate by fewer variables with {option('wrt')}"
            )
    for k, first in enumerate(firsts):
        if first is None:  # the value does not depend on this variable: its rows stay 0
            continue
        blocks = jacobian_of(first, inputs)
        rows = first.numel()
        matrix[offsets[k] : offsets[k] + rows] = np.concatenate(
            [as_array(block).reshape(rows, -1) for block in blocks], axis=1
        )
    return labels, matrix


def _check_backward_work(what: str, rows: int, output: Tensor, advice: str) -> None:
    size = engine.graph_size(output)
    if rows * size > MAX_BACKWARD_WORK:
        raise LimitError(
            f"{what} needs {rows:,} backward passes through a graph of {size:,} operations: "
            f"about {rows * size:,} in all, over the budget of {MAX_BACKWARD_WORK:,}; {advice}"
        )


def _gradient_warnings(result: Differentiation) -> None:
    parts = [
        ("gradient", result.gradient),
        ("Jacobian", result.jacobian),
    ]
    for label, table in parts:
        for name, array in (table or {}).items():
            if not np.all(np.isfinite(array)):
                result.warnings.append(NotFiniteDerivative(label, name))
    if result.hessian is not None and not np.all(np.isfinite(result.hessian[1])):
        result.warnings.append(NotFiniteDerivative("Hessian"))
    for name, values in (result.derivatives or {}).items():
        if not all(math.isfinite(v) for v in values):
            result.warnings.append(NotFiniteDerivative("derivatives", name))
