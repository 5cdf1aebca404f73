"""Pure higher derivatives d^k f / dx^k, k = 1..N, for each scalar variable.

Two exact methods: Taylor mode (one forward pass of truncated Taylor series,
O(N^2) per operation; ``gradcli.taylor``) and nested reverse mode
(``create_graph=True`` N times; its cost grows steeply with N). ``auto`` takes
Taylor mode when every operation in the expression has a Taylor rule.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from gradcli import taylor
from gradcli.autograd import engine
from gradcli.autograd.tensor import Tensor
from gradcli.batching import Batched, batched_algebra
from gradcli.compute.bindings import Binding
from gradcli.compute.evaluation import profile
from gradcli.compute.results import TaylorFallback
from gradcli.errors import (
    ExpressionError,
    LimitError,
    NotAnalyticError,
    PluginError,
    UsageError,
    option,
)
from gradcli.language import Algebra, Expression
from gradcli.registry import BUILT_IN, OPS, OpInfo, taylor_rule
from gradcli.taylor import Series

MAX_ORDER = 170
"""Beyond 170, k! overflows float64, and with it every derivative's scale."""

METHODS = ("auto", "taylor", "nested")

TAYLOR_WORK_BUDGET = 2_000_000
"""Steps Taylor mode may run, about 10 s: each operation takes one per order (its
recurrence runs once per order, about 5 µs each time), and the elements it touches one
per 10,000 per order squared (the recurrences do about order² multiply-adds per element,
2 ns each)."""

_ELEMENTS_PER_TAYLOR_STEP = 10_000

NESTED_NODE_BUDGET = 250_000
"""Operations the last derivative's graph may hold in nested reverse mode.

Each order differentiates the whole graph of the one before, so the graph
grows about 2-3x per order (``exp(sin(x))``: 28,645 nodes at order 10,
1.8 million at 14). At this budget the last order takes about 4 s and 150 MB.
The growth is measured order by order, and a request that would pass the
budget is refused as soon as that is foreseeable, not when it is reached.
"""


Derivatives = dict[str, list[float]]


def check_order(order: int, method: str = "auto") -> None:
    """The one check of ``order`` and ``method``, for a point, for many points and for the
    library alike, so that no route accepts what another refuses."""
    if method not in METHODS:
        raise UsageError(f"{option('method')} {method!r}: choose one of {', '.join(METHODS)}")
    if order < 1:
        raise UsageError(f"{option('order')} {order}: the order must be at least 1")
    if order > MAX_ORDER:
        raise LimitError(f"{option('order')} {order}: the highest order is {MAX_ORDER}")


def pure_derivatives(
    expression: Expression,
    bound: Sequence[Binding],
    names: list[str],
    order: int,
    method: str,
    value: Tensor,
    warnings: list[Any] | None = None,
) -> tuple[Derivatives, Derivatives, str]:
    """For each variable, [f', f'', ..., f^(order)] at the bound point, the Taylor
    coefficients [f'/1!, ..., f^(order)/order!] beside them, and the method used.

    ``value`` is the expression's value there, which must be a scalar. With
    ``auto``, a point where Taylor mode finds an operation non-analytic (``abs``
    at 0) falls back to nested reverse mode and its conventions, noted in
    ``warnings``.
    """
    check_order(order, method)
    point = {b.name: b.value for b in bound}
    for name in names:
        if point[name].size != 1:
            shape = point[name].shape
            raise UsageError(
                f"{option('order')} applies to scalar variables, and {name} has shape {shape}; "
                f"use {option('hessian')} for the second partials of an array variable"
            )
    if value.numel() != 1:
        raise UsageError(
            f"{option('order')} needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    if method != "nested":
        _check_taylor_work(expression, point, order, len(names))
    missing = without_taylor_rule(expression)
    if method == "taylor" and missing:
        raise UsageError(
            f"{option('method')} taylor: {_no_taylor_rule(missing)}; use {option('method')} nested"
        )
    if method == "nested" or missing:
        reason = _no_taylor_rule(missing) if missing else None
        return (*_all_nested(expression, point, names, order, reason), "nested")
    try:
        found = {name: _taylor(expression, point, name, order) for name in names}
    except ExpressionError as error:
        if method == "taylor":
            raise
        nested = _all_nested(expression, point, names, order, f"Taylor mode: {error.message}")
        _note(warnings, TaylorFallback(error.message, kink=isinstance(error, NotAnalyticError)))
        return (*nested, "nested")
    failed = [name for name, (_, _, series_exists) in found.items() if not series_exists]
    if method == "auto" and failed:
        reason = (
            f"Taylor mode: the Taylor series in {', '.join(failed)} does not exist at this point "
            "(a coefficient is NaN or infinite, as for sqrt(x) or x**1.5 at 0)"
        )
        nested = _all_nested(expression, point, names, order, reason)
        _note(warnings, TaylorFallback("", names=tuple(failed)))
        return (*nested, "nested")
    derivatives = {name: series[0] for name, series in found.items()}
    coefficients = {name: series[1] for name, series in found.items()}
    return derivatives, coefficients, "taylor"


def _check_taylor_work(
    expression: Expression, point: dict[str, np.ndarray], order: int, variables: int
) -> None:
    found = profile(expression, {k: Tensor(v) for k, v in point.items()})
    elements = found.elements * order // _ELEMENTS_PER_TAYLOR_STEP
    steps = variables * order * (found.operations + elements)
    if steps > TAYLOR_WORK_BUDGET:
        raise LimitError(
            f"order {order} in {variables} variable(s) of an expression of "
            f"{found.operations:,} operations on {found.elements:,} elements is about "
            f"{steps:,} steps of Taylor mode, over the budget of {TAYLOR_WORK_BUDGET:,}; ask "
            "for a lower order or fewer variables"
        )


def _note(warnings: list[Any] | None, note: TaylorFallback) -> None:
    if warnings is not None:
        warnings.append(note)


def _no_taylor_rule(missing: list[str]) -> str:
    """Why Taylor mode cannot run, and for a plugin's operations how it could."""
    added = [name for name in missing if OPS[name].origin != BUILT_IN]
    how = ""
    if added:
        files = ", ".join(dict.fromkeys(OPS[name].origin for name in added))
        how = f" (its plugin {files} can give one: register(..., taylor=rule))"
    return f"no Taylor rule for {', '.join(missing)}{how}"


def without_taylor_rule(expression: Expression) -> list[str]:
    return [
        name
        for name in dict.fromkeys(expression.operations)
        if name in OPS and taylor_rule(name) is None and OPS[name].category != "creation"
    ]


def _taylor_functions() -> dict[str, OpInfo]:
    """The registry with each name bound to its Taylor rule; creation ops make constants."""

    def holds_series(values: Any) -> bool:
        return any(
            isinstance(v, Series) or (isinstance(v, (list, tuple)) and holds_series(v))
            for v in values
        )

    def constant_of(make: Any) -> Any:
        def constant(*args: Any, **kwargs: Any) -> Any:
            array = np.asarray(make(*args, **kwargs).numpy())
            return array[()] if array.ndim == 0 else array

        return constant

    def folding(rule: Any, constant: Any) -> Any:
        # An operation on constants only is a constant, as in the engine: the -1 of
        # x[-1] or dim=-1 is neg(1), and a series there would be refused as an index.
        def apply(*args: Any, **kwargs: Any) -> Any:
            if holds_series(args) or holds_series(kwargs.values()):
                return rule(*args, **kwargs)
            return constant(*args, **kwargs)

        return apply

    functions = {}
    for name, info in OPS.items():
        rule = taylor_rule(name)
        if rule is not None or info.category == "creation":
            constant = constant_of(info.function)
            function = constant if rule is None else folding(rule, constant)
            functions[name] = dataclasses.replace(info, function=function)
    return functions


def taylor_algebra() -> Algebra:
    """Truncated Taylor series: each name's Taylor rule (built in or registered, so it is
    made afresh: an operation may be registered at any time). Constants stay numbers and
    arrays, and an operation on constants only is computed by the engine, as a constant."""
    return Algebra("taylor", _taylor_functions(), taylor.RULES["stack"], lambda value: value)


class Along(NamedTuple):
    """One pass of Taylor mode with one variable moving: the value's derivatives in t."""

    derivatives: np.ndarray
    """d^k(value)/dt^k for k = 1..order: shape ``(order, *value's shape)``."""
    coefficients: np.ndarray
    """The Taylor coefficients beside them, d^k/k!."""
    exists: bool
    """Whether every coefficient is finite. A derivative that overflows only when scaled by
    k! is a result (infinity); a coefficient that is itself NaN or infinite means there is
    no series (sqrt(x) at 0)."""


def taylor_along(
    expression: Expression,
    point: Mapping[str, Any],
    name: str | Mapping[str, Any],
    order: int,
    direction: Any = 1.0,
    algebra: Algebra | None = None,
) -> Along:
    """The one forward pass of Taylor mode every route takes: ``name`` moves as
    ``point[name] + direction·t`` (any shape: rows of many points, one element of an array),
    every other variable is a constant; values of ``point`` that are
    :class:`~gradcli.batching.Batched` are rows evaluated together. ``name`` may instead map
    several names to their directions, to move them together (mixed partials by
    polarization: gradcli.compute.polynomial). Raises NotAnalyticError at a kink or a jump."""
    algebra = algebra or taylor_algebra()
    moving = {name: direction} if isinstance(name, str) else name
    values = dict(point)
    for key, towards in moving.items():
        start = point[key]
        if isinstance(start, Batched):
            # Many rows at once (gradcli.compute.points): the row axis stays first.
            values[key] = Batched(taylor.Series.variable(start.value, order, towards))
        else:
            values[key] = taylor.Series.variable(start, order, towards)
    if any(isinstance(point[key], Batched) for key in moving):
        algebra = batched_algebra(algebra)
    try:
        result = expression.evaluate(values, algebra)
    except ExpressionError as error:
        # A plugin's Taylor rule that fails is a bug to report, not a kink to work around
        # (the language words every error in an expression, so the cause is its context).
        if isinstance(error.__context__, PluginError):
            raise error.__context__ from None
        raise
    if isinstance(result, Batched):
        result = result.value
    # A result that does not depend on the variable is a number, or a series of
    # order 0 (a constant such as sum(x > 0), whose comparisons have no derivatives).
    if not isinstance(result, taylor.Series) or result.order < order:
        shape = result.shape if isinstance(result, taylor.Series) else np.shape(result)
        zeros = np.zeros((order, *shape))
        return Along(zeros, zeros, True)
    exists = bool(np.all(np.isfinite(result.coefficients)))
    return Along(np.asarray(result.derivatives()), result.coefficients[1:], exists)


def _taylor(
    expression: Expression, point: dict[str, np.ndarray], name: str, order: int
) -> tuple[list[float], list[float], bool]:
    """The pure derivatives of a scalar value in the scalar ``name``, their Taylor
    coefficients, and whether the series exists."""
    along = taylor_along(expression, dict(point, **{name: point[name].reshape(())}), name, order)
    derivatives = [float(d) for d in along.derivatives.reshape(order)]
    coefficients = [float(c) for c in along.coefficients.reshape(order)]
    return derivatives, coefficients, along.exists


def kink(
    expression: Expression, point: dict[str, np.ndarray], names: Sequence[str], order: int = 1
) -> str:
    """What Taylor mode says of a kink or a jump at the point (``abs`` at 0, ``x > 0`` at 0),
    where derivatives up to ``order`` in the variables ``names`` do not exist; "" where
    it finds none, or cannot look (an operation without a Taylor rule, a rule that fails).

    One pass moves every element of the variables together, along a fixed direction whose
    components have no relation to each other, so that a kink in any of them shows
    (``abs(x - y)`` at x = y as well).
    """
    if without_taylor_rule(expression):
        return ""
    directions = np.random.default_rng(0)
    values: dict[str, Any] = dict(point)
    for name in names:
        direction = directions.uniform(1.0, 2.0, np.shape(point[name]))
        values[name] = taylor.Series.variable(point[name], order, direction)
    try:
        expression.evaluate(values, taylor_algebra())
    except NotAnalyticError as error:
        return error.message
    except ExpressionError:
        return ""  # Taylor mode cannot run it here (a plugin's rule too): no word on kinks
    return ""


def taylor_series_exists(
    expression: Expression, point: dict[str, np.ndarray], name: str, order: int
) -> bool:
    """Whether the expression has finite Taylor coefficients in ``name`` up to ``order``;
    True where that cannot be told (a plugin's operation without a Taylor rule).

    Raises NotAnalyticError where it is not smooth at the point (a kink, a jump).
    """
    if without_taylor_rule(expression):
        return True
    return _taylor(expression, point, name, order)[2]


def _all_nested(
    expression: Expression,
    point: dict[str, np.ndarray],
    names: list[str],
    order: int,
    reason: str | None,
) -> tuple[Derivatives, Derivatives]:
    derivatives = {name: _nested(expression, point, name, order, reason) for name in names}
    coefficients = {
        name: [d / math.factorial(k) for k, d in enumerate(ds, start=1)]
        for name, ds in derivatives.items()
    }
    return derivatives, coefficients


def _nested(
    expression: Expression,
    point: dict[str, np.ndarray],
    name: str,
    order: int,
    reason: str | None,
) -> list[float]:
    """Differentiate ``order`` times, keeping each derivative's graph for the next.

    Refused with a LimitError as soon as the graph's growth so far shows that
    the last order would pass ``NESTED_NODE_BUDGET``.
    """
    values = {key: Tensor(value, requires_grad=key == name) for key, value in point.items()}
    x = values[name]
    current = expression.evaluate(values).reshape(())
    results: list[float] = []
    size = engine.graph_size(current)
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
        if k + 1 < order:
            size, previous = engine.graph_size(current), size
            _check_budget(size, previous, k + 1, order, name, float(point[name]), reason)
    return results


_CHEAP_GRAPH = 2_000
"""Below this many nodes an order costs milliseconds, and the growth per order is still
too irregular to extrapolate, so the budget is judged from here on."""


def _check_budget(
    size: int,
    previous: int,
    done: int,
    order: int,
    name: str,
    at: float,
    reason: str | None,
) -> None:
    if size < _CHEAP_GRAPH:
        return
    growth = max(size / max(previous, 1), 1.0)
    foreseen = size * growth ** (order - done)
    if foreseen <= NESTED_NODE_BUDGET:
        return
    reachable = (
        done + int(np.log(NESTED_NODE_BUDGET / size) / np.log(growth)) if growth > 1 else order
    )
    point = f"{name} = {at!r}"
    why = f"{reason}, so " if reason else ""
    raise LimitError(
        f"{why}order {order} needs nested reverse mode, whose graph grows {growth:.1f}x per "
        f"order here: about {foreseen:.2g} operations at {point}, over the budget of "
        f"{NESTED_NODE_BUDGET:,} (order {max(reachable, done)} fits); ask for a lower order, "
        "move the point a little, or estimate numerically with gradcli limit"
    )
