"""Finite-difference sweeps beside the exact derivative (``gradcli limit``)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor, _wrap
from gradcli.compute.bindings import Binding
from gradcli.compute.evaluation import choose_wrt, point_of, tensors_of
from gradcli.compute.results import Limit
from gradcli.errors import ExpressionError, LimitError, UsageError, option
from gradcli.language import Expression
from gradcli.registry import OPS

MAX_SWEEP_WORK = 1_000_000
"""Operations a ``limit`` sweep may run in all: the expression's operations times the
evaluations its rows take (about 8 µs each on the compiled expression: 8 s)."""

_EVALUATIONS_PER_ROW = 4
"""At most, for any scheme: central second differences take f(x+h), f(x), f(x-h)."""


def non_analytic(expression: Expression) -> str:
    """The operations in the expression that are not holomorphic (no complex step through
    them), as the user wrote them (``abs``, ``>``), or "" if there are none."""
    found = []
    for name in expression.operations:
        info = OPS.get(name)
        if info is not None and not info.analytic:
            # A comparison's signature is "x > y": the user wrote its operator.
            found.append(info.signature.split()[1] if info.category == "comparison" else name)
    names = list(dict.fromkeys(found))
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]} are"
    return f"{names[0]} is" if names else ""


def finite_differences(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    h: float | None = None,
    steps: int | None = None,
    shrink: float | None = None,
    scheme: str = "forward",
    order: int = 1,
) -> Limit:
    """A sweep of finite-difference estimates as h shrinks, beside the exact derivative.

    Random draws in the expression are the same in every evaluation it takes.
    """
    with creation.same_draws():
        return _finite_differences(expression, bound, wrt, h, steps, shrink, scheme, order)


def _finite_differences(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None,
    h: float | None,
    steps: int | None,
    shrink: float | None,
    scheme: str,
    order: int,
) -> Limit:
    from gradcli import finite

    names = choose_wrt(expression, bound, wrt)
    if len(names) != 1:
        raise UsageError(
            f"limit differentiates by one variable; pick one with {option('wrt')} ({', '.join(names)})"
        )
    (name,) = names
    at = point_of(bound)
    point = at[name]
    if point.ndim != 0:
        raise UsageError(
            f"limit needs a scalar variable, and {name} has shape {tuple(point.shape)}; "
            f"bind a number, or differentiate by a scalar one with {option('wrt')}"
        )
    schemes = list(finite.SCHEMES) if scheme == "all" else [scheme]
    if "complex" in schemes:
        blocked = non_analytic(expression)
        if blocked and scheme == "complex":
            raise UsageError(
                f"the complex step needs an analytic expression, and {blocked} not; "
                f"use {option('scheme')} central or richardson"
            )
        if blocked:
            schemes.remove("complex")
    _check_sweep_work(
        expression.work(tensors_of(bound)),
        [finite.sweep_parameters(s, order, h, steps, shrink)[1] for s in schemes],
    )
    value = expression.evaluate(tensors_of(bound, [name]))
    if value.numel() != 1:
        raise UsageError(
            f"limit needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    value = value.reshape(())
    from gradcli.compute.higher import pure_derivatives

    derivatives, _, _ = pure_derivatives(expression, bound, [name], order, "nested", value)
    exact = derivatives[name][order - 1]
    others = {k: _wrap(v) for k, v in at.items() if k != name}

    def f(t: complex | float) -> Any:
        with no_grad():
            return expression.evaluate(dict(others, **{name: _wrap(np.asarray(t))}))._data

    sweeps = finite.sweep_all(
        f,
        float(point.item()),
        exact=exact,
        h=h,
        steps=steps,
        shrink=shrink,
        order=order,
        schemes=schemes,
    )
    kink = _not_smooth(expression, at, name, order)
    if kink:
        # No row is the best estimate of a derivative that does not exist.
        sweeps = {
            key: dataclasses.replace(
                sweep,
                best=None,
                note=f"{sweep.note.rstrip('.')}. No row is marked best: see the warning.",
            )
            for key, sweep in sweeps.items()
        }
    result = Limit(expression.source, at, name, order, exact, sweeps)
    if kink:
        result.warnings.append(
            f"the function is not smooth at {name} = {float(point.item())!r}: {kink}"
        )
    if scheme == "all" and "complex" not in schemes:
        result.warnings.append(
            f"the complex step was skipped: {non_analytic(expression)} not analytic"
        )
    if not math.isfinite(exact):
        result.warnings.append(f"the exact derivative is {exact} at this point")
    result.warnings.extend(_limit_warnings(value, sweeps))
    return result


def _not_smooth(expression: Expression, point: dict[str, np.ndarray], name: str, order: int) -> str:
    """Why the expression has no Taylor expansion in ``name`` at the point (a kink of abs,
    a jump of a comparison, ...), or "" where it has one."""
    from gradcli.compute.higher import taylor_series_exists

    try:
        if taylor_series_exists(expression, point, name, order):
            return ""
        return "its derivatives are not finite there, so the estimates cannot converge"
    except ExpressionError as error:
        return (
            f"{error.message}; the schemes estimate one-sided or averaged slopes, and the exact "
            "value follows the engine's convention there (abs'(0) = 0, ties split evenly), "
            "so they need not agree"
        )


def _check_sweep_work(operations: int, rows: list[int]) -> None:
    evaluations = _EVALUATIONS_PER_ROW * sum(rows)
    if operations * evaluations > MAX_SWEEP_WORK:
        raise LimitError(
            f"this sweep evaluates the expression up to {evaluations:,} times ({sum(rows):,} rows) "
            f"and each evaluation runs {operations:,} operations: about "
            f"{operations * evaluations:,.0f} in all, over the budget of {MAX_SWEEP_WORK:,}; "
            f"ask for fewer {option('steps')} or one {option('scheme')}"
        )


def _limit_warnings(value: Tensor, sweeps: dict[str, Any]) -> list[str]:
    """Say why NaN or infinity appear in a sweep."""
    notes = []
    if not np.isfinite(value._data):
        notes.append(f"the value at the point is {float(value.item())}")
    for sweep in sweeps.values():
        underflow = [row.h for row in sweep.rows if row.h == 0]
        if underflow:
            notes.append(f"{sweep.scheme}: the step underflowed to 0 in {len(underflow)} rows")
        bad = [row for row in sweep.rows if not math.isfinite(row.estimate)]
        if bad and len(bad) > len(underflow):
            notes.append(
                f"{sweep.scheme}: {len(bad)} estimates are NaN or infinite (f is not finite "
                "at some of the points x ± h)"
            )
    return notes
