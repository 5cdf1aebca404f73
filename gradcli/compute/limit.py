"""Finite-difference sweeps beside the exact derivative (``gradcli limit``)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.tensor import Tensor
from gradcli.compute.along import function_of_t
from gradcli.compute.bindings import Binding
from gradcli.compute.evaluation import (
    Profile,
    choose_wrt,
    floating_point_reports,
    point_of,
    profile,
    tensors_of,
)
from gradcli.compute.results import (
    ComplexSkipped,
    EstimatesNotFinite,
    ExactNotFinite,
    Limit,
    NotSmooth,
    StepUnderflow,
    ValueNotFiniteAtPoint,
)
from gradcli.errors import LimitError, UsageError, option
from gradcli.language import Expression
from gradcli.registry import OPS

MAX_SWEEP_WORK = 1_000_000
"""Work a ``limit`` sweep may do in all: one evaluation's work (its operations, and one
more per 1,000 elements they touch: :attr:`~gradcli.compute.evaluation.Profile.work`)
times the evaluations its rows take. An operation on one number takes about 8 µs, so
about 8 s."""

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
    profiled = profile(expression, tensors_of(bound))
    _check_sweep_work(
        profiled,
        [finite.sweep_parameters(s, order, h, steps, shrink, float(point))[1] for s in schemes],
    )
    value = expression.evaluate(tensors_of(bound, [name]))
    if value.numel() != 1:
        raise UsageError(
            f"limit needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    value = value.reshape(())
    from gradcli.compute.higher import pure_derivatives

    with floating_point_reports() as reports:
        derivatives, _, _ = pure_derivatives(expression, bound, [name], order, "nested", value)
    exact = derivatives[name][order - 1]
    f = function_of_t(expression, {**at, name: np.zeros(())}, [(name, ())])

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
    trouble = _not_smooth(expression, at, name, order, profiled.events | reports)
    if trouble:
        # No row is the best estimate of a derivative that does not exist.
        sweeps = {
            key: dataclasses.replace(sweep, best=None, withheld=True)
            for key, sweep in sweeps.items()
        }
    result = Limit(expression.source, at, name, order, exact, sweeps)
    if trouble:
        result.warnings.append(trouble)
    if scheme == "all" and "complex" not in schemes:
        result.warnings.append(ComplexSkipped(non_analytic(expression)))
    if not math.isfinite(exact):
        result.warnings.append(ExactNotFinite(exact))
    result.warnings.extend(_limit_warnings(value, sweeps))
    return result


def _not_smooth(
    expression: Expression, point: dict[str, np.ndarray], name: str, order: int, events: set[str]
) -> NotSmooth | None:
    """Why the estimates need not approach the exact derivative at the point (a kink of
    abs, a jump of a comparison, 0/0, an overflow), or None where the expression has a
    Taylor expansion in ``name`` there. ``events`` are numpy's reports on the way to the
    value and the exact derivative (:class:`~gradcli.compute.evaluation.Profile`)."""
    # Taylor mode loads only when limit runs: this module is loaded by every command.
    from gradcli.compute.higher import kink, taylor_series_exists

    x = float(point[name])
    found = kink(expression, point, [name], order)
    if found:
        return NotSmooth("kink", name, x, reason=found)
    if taylor_series_exists(expression, point, name, order):
        return None
    if "0/0" in events:
        return NotSmooth("0/0", name, x, near=x + 1e-8 * max(1.0, abs(x)))
    if "overflow" in events and "divide" not in events:
        return NotSmooth("overflow", name, x)
    return NotSmooth("not finite", name, x)


def _check_sweep_work(evaluation: Profile, rows: list[int]) -> None:
    evaluations = _EVALUATIONS_PER_ROW * sum(rows)
    work = evaluation.work * evaluations
    if work > MAX_SWEEP_WORK:
        raise LimitError(
            f"this sweep evaluates the expression up to {evaluations:,} times ({sum(rows):,} rows) "
            f"and each evaluation runs {evaluation.operations:,} operations on "
            f"{evaluation.elements:,} elements, the work of {evaluation.work:,} operations on "
            f"single numbers: about {work:,} in all, over the budget of {MAX_SWEEP_WORK:,}; "
            f"ask for fewer {option('steps')} or one {option('scheme')}"
        )


def _limit_warnings(value: Tensor, sweeps: dict[str, Any]) -> list[Any]:
    """Say why NaN or infinity appear in a sweep."""
    notes = []
    if not np.isfinite(value.numpy()):
        notes.append(ValueNotFiniteAtPoint(float(value.item())))
    for sweep in sweeps.values():
        underflow = [row.h for row in sweep.rows if row.h == 0]
        if underflow:
            notes.append(StepUnderflow(sweep.scheme, len(underflow)))
        bad = [row for row in sweep.rows if not math.isfinite(row.estimate)]
        if bad and len(bad) > len(underflow):
            notes.append(EstimatesNotFinite(sweep.scheme, len(bad)))
    return notes
