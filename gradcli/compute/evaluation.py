"""The forward pass, and what every computation shares: the scope, the point, the warnings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.results import Evaluation
from gradcli.errors import UsageError, option
from gradcli.language import CONSTANTS, Expression


def tensors_of(bound: Sequence[Binding], wrt: Sequence[str] = ()) -> dict[str, Tensor]:
    """The bound values as tensors; those in ``wrt`` record the graph."""
    return {b.name: Tensor(b.value, requires_grad=b.name in wrt) for b in bound}


def point_of(bound: Sequence[Binding]) -> dict[str, np.ndarray]:
    return {b.name: b.value for b in bound}


def as_array(value: Tensor) -> np.ndarray:
    return np.asarray(value._data, dtype=np.float64)


def nonfinite_warnings(
    expression: Expression, values: dict[str, Tensor], value: Tensor
) -> list[str]:
    """Say where NaN or infinity first came from, by re-running with a trace."""
    if np.all(np.isfinite(value._data)):
        return []
    origins: list[str] = []
    with no_grad():
        expression.evaluate(values, trace=origins)
    kind = "NaN" if np.any(np.isnan(value._data)) else "infinite"
    where = origins[0] if origins else "the expression"
    return [f"the value is {kind}: it first appears at {where}"]


def evaluate_expression(expression: Expression, bound: Sequence[Binding]) -> Evaluation:
    """The forward pass only."""
    with creation.same_draws():
        values = tensors_of(bound)
        with no_grad():
            value = expression.evaluate(values)
        return Evaluation(
            expression=expression.source,
            at=point_of(bound),
            value=as_array(value),
            warnings=nonfinite_warnings(expression, values, value),
        )


def choose_wrt(
    expression: Expression, bound: Sequence[Binding], wrt: Sequence[str] | None
) -> list[str]:
    """The variables to differentiate by: ``wrt``, checked, or every bound one used."""
    names = [b.name for b in bound]
    if wrt:
        for name in wrt:
            if not name.isidentifier():
                raise UsageError(
                    f"{option('wrt')} {name!r} is not a variable name; separate names with commas: {option('wrt')} x,y"
                )
            if name not in names:
                raise UsageError(
                    f"{option('wrt')} {name}: no such variable; bind it with {option('at')} {name}=VALUE"
                )
        return list(dict.fromkeys(wrt))
    used = set(expression.names) - (set(CONSTANTS) - set(names))
    chosen = [name for name in names if name in used]
    if not chosen:
        # Evaluating first reports what is really wrong (an unbound name, a bad
        # call) with its caret; only an expression that works has nothing to vary.
        with no_grad():
            expression.evaluate(tensors_of(bound))
        raise UsageError(
            f"the expression uses none of the {option('at')} variables, so there is nothing to "
            f"differentiate; bind the variables it uses with {option('at')} NAME=VALUE"
        )
    return chosen
