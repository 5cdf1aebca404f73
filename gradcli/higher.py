"""Pure higher derivatives d^k f / dx^k, k = 1..N, for each scalar variable.

Two exact methods: Taylor mode (one forward pass of truncated Taylor series,
O(N^2) per operation; ``gradcli.taylor``) and nested reverse mode
(``create_graph=True`` N times; its cost grows steeply with N). ``auto`` takes
Taylor mode when every operation in the expression has a Taylor rule.
"""

from __future__ import annotations

from typing import Any

from gradcli.autograd import engine
from gradcli.autograd.tensor import Tensor
from gradcli.errors import LimitError, UsageError
from gradcli.language import Scope, evaluate

MAX_ORDER = 170
"""Beyond 170, k! overflows float64, and with it every derivative's scale."""

METHODS = ("auto", "taylor", "nested")


def pure_derivatives(
    tree: Any, scope: Scope, names: list[str], order: int, method: str
) -> tuple[dict[str, list[float]], str]:
    """For each variable, [f', f'', ..., f^(order)] at the scope's point, and the method used."""
    if method not in METHODS:
        raise UsageError(f"--method {method!r}: choose one of {', '.join(METHODS)}")
    if order < 1:
        raise UsageError(f"--order {order}: the order must be at least 1")
    if order > MAX_ORDER:
        raise LimitError(f"--order {order}: the highest order is {MAX_ORDER}")
    for name in names:
        if scope.variables[name].numel() != 1:
            shape = tuple(scope.variables[name].shape)
            raise UsageError(
                f"--order applies to scalar variables, and {name} has shape {shape}; "
                "use --hessian for the second partials of an array variable"
            )
    return {name: _nested(tree, scope, name, order) for name in names}, "nested"


def _nested(tree: Any, scope: Scope, name: str, order: int) -> list[float]:
    """Differentiate ``order`` times, keeping each derivative's graph for the next."""
    variables = {
        key: Tensor(value._data, requires_grad=key == name)
        for key, value in scope.variables.items()
    }
    x = variables[name]
    current = evaluate(tree, Scope(variables=variables, source=scope.source)).reshape(())
    results = []
    for k in range(order):
        if not current.requires_grad:
            results.extend([0.0] * (order - k))
            break
        (current,) = engine.grad(current, x, create_graph=k + 1 < order, allow_unused=True)
        if current is None:
            results.extend([0.0] * (order - k))
            break
        current = current.reshape(())
        results.append(float(current.item()))
    return results
