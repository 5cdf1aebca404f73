"""Pure higher derivatives d^k f / dx^k, k = 1..N, for each scalar variable.

Two exact methods: Taylor mode (one forward pass of truncated Taylor series,
O(N^2) per operation; ``gradcli.taylor``) and nested reverse mode
(``create_graph=True`` N times; its cost grows steeply with N). ``auto`` takes
Taylor mode when every operation in the expression has a Taylor rule.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from gradcli.autograd import engine
from gradcli.autograd.table import OPS, OpInfo
from gradcli.autograd.tensor import Tensor
from gradcli.errors import ExpressionError, LimitError, UsageError
from gradcli.language import STRUCTURAL, Scope, evaluate, postorder

MAX_ORDER = 170
"""Beyond 170, k! overflows float64, and with it every derivative's scale."""

METHODS = ("auto", "taylor", "nested")


def pure_derivatives(
    tree: Any,
    scope: Scope,
    names: list[str],
    order: int,
    method: str,
    value: Tensor,
    warnings: list[str] | None = None,
) -> tuple[dict[str, list[float]], str]:
    """For each variable, [f', f'', ..., f^(order)] at the scope's point, and the method used.

    ``value`` is the expression's value there, which must be a scalar. With
    ``auto``, a point where Taylor mode finds an operation non-analytic (``abs``
    at 0) falls back to nested reverse mode and its conventions, noted in
    ``warnings``.
    """
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
    if value.numel() != 1:
        raise UsageError(
            f"--order needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    missing = _without_taylor_rule(tree)
    if method == "taylor" and missing:
        raise UsageError(
            f"--method taylor: no Taylor rule for {', '.join(missing)}; use --method nested"
        )
    if method == "nested" or missing:
        return {name: _nested(tree, scope, name, order) for name in names}, "nested"
    try:
        found = {name: _taylor(tree, scope, name, order) for name in names}
    except ExpressionError as error:
        if method == "taylor":
            raise
        if warnings is not None:
            warnings.append(
                f"Taylor mode: {error.message}; nested reverse mode was used instead "
                "(at a kink, with its conventions: abs'(0) = 0, ties split evenly)"
            )
        return {name: _nested(tree, scope, name, order) for name in names}, "nested"
    if method == "auto" and not all(np.isfinite(d) for ds in found.values() for d in ds):
        # Taylor recurrences give NaN where a series does not exist at the point
        # (x**1.5 at 0) or overflows; nested reverse mode gives the limits there.
        return {name: _nested(tree, scope, name, order) for name in names}, "nested"
    return found, "taylor"


def _operations(tree: Any) -> list[str]:
    """The op-table names an expression uses (operators and calls)."""
    found = []
    for node in postorder(tree):
        if node.data == "call":
            found.append(str(node.children[0]))
        elif node.data not in STRUCTURAL:
            found.append(node.data)
    return list(dict.fromkeys(found))


def _without_taylor_rule(tree: Any) -> list[str]:
    from gradcli.taylor import RULES

    return [
        name
        for name in _operations(tree)
        if name in OPS and name not in RULES and OPS[name].category != "creation"
    ]


def _taylor_functions() -> dict[str, OpInfo]:
    """The op table with each name bound to its Taylor rule; creation ops make constants."""
    from gradcli.taylor import RULES

    def constant_of(make: Any) -> Any:
        return lambda *args, **kwargs: np.asarray(make(*args, **kwargs)._data)

    return {
        name: dataclasses.replace(
            info, function=RULES[name] if name in RULES else constant_of(info.function)
        )
        for name, info in OPS.items()
        if name in RULES or info.category == "creation"
    }


def _taylor(tree: Any, scope: Scope, name: str, order: int) -> list[float]:
    """One forward pass on truncated Taylor series in ``name``; the others are constants."""
    from gradcli import taylor

    variables = {
        key: taylor.Series.variable(float(value.item()), order)
        if key == name
        else np.asarray(value._data)
        for key, value in scope.variables.items()
    }
    taylor_scope = Scope(
        variables=variables,
        source=scope.source,
        functions=_taylor_functions(),
        stack=taylor.RULES["stack"],
        constant=lambda value: value,
    )
    result = evaluate(tree, taylor_scope)
    if not isinstance(result, taylor.Series):  # the expression does not depend on the variable
        return [0.0] * order
    return [float(d) for d in np.asarray(result.derivatives()).reshape(order)]


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
