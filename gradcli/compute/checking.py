"""Exact derivatives against numerical ones, element by element: ``gradcli check``.

For every element of every input, at every point, the exact derivatives are
compared with numerical estimates of the same quantity:

* order 1: the gradient by reverse mode, and the first derivative along the
  element by Taylor mode (where every operation has a Taylor rule);
* order 2 (``order=2`` checks orders 1 and 2): every Hessian entry by reverse
  over reverse mode, and the pure second derivative along each element by
  Taylor mode. A mixed entry H_ij is estimated from the second derivatives
  along e_i, e_j and e_i + e_j (H_ij = (D_(i+j) - D_ii - D_jj)/2), so the
  numbers come from values of the function alone, never from its gradient.

A value with more than one element is reduced to one number with fixed random
weights W (standard normal, seeded), sum(W * value): its derivatives are a
vector-Jacobian product, which every element of the value contributes to.

The numerical estimates are :mod:`gradcli.finite`'s sweeps of the function
along the element: central differences extrapolated by Richardson (the
tableau entry with the smallest error estimate, Ridders' choice), and the
complex step where every operation is analytic (``OpInfo.analytic``). Each
comes with its own error estimate: Richardson's, at least the rounding of
the function's values over the step (eps * sum|W * value| / h^order); the
complex step's, the spread between its best step and its neighbours, at least
eps * |estimate|. The estimate with the smaller error estimate is used.

Richardson's sweep is taken twice, from h = 0.25 and from below its smallest step
(and below the coordinate's size): when the two disagree beyond their error
estimates, a kink or pole lies closer than the steps, and the rows say so.

**Tolerance.** ``10 * error estimate + 1e-6 * max(|exact|, |numerical|)``, plus
``1e-9`` times the largest derivative of the same order at the point (for entries
that are 0 up to rounding):
rounding noise of an ill-conditioned but correct rule (``exp(100*x)``,
``x**20``, ``log1p`` near 0) stays inside, because the error estimate grows
with it and the relative term with the magnitudes; a wrong rule is off by
far more than both. An absolute error within the tolerance is ``agree``,
beyond it ``DISAGREE``.

**Not smooth.** Where Taylor mode finds the function has no Taylor expansion
along an element (``abs`` at 0, a comparison at its jump, ``sqrt`` at 0) or
the value is not finite, the element's rows say ``not smooth`` and why: a
derivative there is a convention (``abs'(0) = 0``), so they are not failures.

The work is bounded: the evaluations the sweeps take, times the size of the
expression, must fit :data:`MAX_CHECK_WORK`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcli import finite
from gradcli.autograd import creation
from gradcli.autograd.shapes import entry_labels
from gradcli.autograd.tensor import Tensor, wrap
from gradcli.compute.along import function_of_t
from gradcli.compute.bindings import Binding
from gradcli.compute.differentiate import gradients, hessian_of
from gradcli.compute.evaluation import choose_wrt, tensors_of
from gradcli.compute.higher import taylor_algebra, taylor_along, without_taylor_rule
from gradcli.compute.limit import non_analytic
from gradcli.compute.results import (
    AGREE,
    DISAGREE,
    NOT_SMOOTH,
    BuiltinsCheck,
    Check,
    CheckRow,
    NoSamplesChecked,
    SampleNotChecked,
    SampleNote,
    TaylorNotCompared,
)
from gradcli.compute.samples import all_samples, checked
from gradcli.errors import (
    ExpressionError,
    GradcliError,
    LimitError,
    NotAnalyticError,
    UsageError,
    option,
)
from gradcli.io.columns import point_columns, read_named
from gradcli.language import Expression, compile
from gradcli.registry import OPS

EPS = float(np.finfo(np.float64).eps)

SAFETY = 10.0
"""How many times its error estimate a numerical derivative may be off."""

RTOL = 1e-6
"""The relative part of the tolerance, on the larger of the exact and numerical values."""

ZERO_RTOL = 1e-9
"""The part of the tolerance relative to the largest derivative of the same order at the
point: a derivative that is 0 may come out as rounding noise of that size."""

MAX_CHECK_WORK = 1_000_000
"""Evaluations the sweeps take, times (operations + 5): an evaluation costs about 80 µs
and each operation about 15 µs more, so the budget is about 15 s."""

MAX_POINTS = 10_000
"""Points (``random`` or from a file) one check may take."""

# The sweeps: Richardson's default (h = 0.25 halved 11 times) suits any order; the
# complex step's first derivative is exact to rounding at any small step, so three
# steps show that it is (their spread is its error estimate).
_COMPLEX_STEPS = {1: (1e-10, 3, 1e5), 2: (None, None, None)}
_SETTLED = 1e-9
_EVALUATIONS = {("richardson", 1): 48, ("richardson", 2): 50, ("complex", 1): 3, ("complex", 2): 12}
"""At most, per derivative: Richardson's sweep at two scales, the complex step's."""


class _NoTaylor(Exception):
    """Taylor mode cannot evaluate the expression (for a reason other than a kink)."""


@dataclass(frozen=True)
class _Estimate:
    value: float
    error: float
    scheme: str
    unsettled: str = ""
    """Why the estimate cannot be trusted (sweeps at two scales disagree), if it cannot."""


@dataclass(frozen=True)
class _Element:
    name: str
    index: tuple[int, ...]
    label: str


def check(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    order: int = 1,
    points: Sequence[dict[str, np.ndarray]] | None = None,
    random: int | None = None,
    seed: int | None = None,
) -> Check:
    """Check the derivatives of ``expression`` (orders 1 to ``order``) with respect to
    ``wrt`` (default: every bound variable it uses).

    At the bound point; or at each of ``points`` (values that replace or add to the
    bound ones); or at ``random`` points drawn around the bound one (each element
    within ±50% of its value, keeping its sign; within ±0.5 where it is 0), seeded
    by ``seed``. The weights that reduce a non-scalar value come from ``seed`` too.
    """
    check_options(order, random, points is not None)
    base = {b.name: b.value for b in bound}
    rng = np.random.default_rng([0 if seed is None else seed, 0])
    if points is not None:
        if not points:
            raise UsageError(f"{option('points')}: there are no points to check")
        chosen = [{**base, **point} for point in points]
        first = [Binding(name, "", value) for name, value in chosen[0].items()]
        names = choose_wrt(expression, first, wrt)
    else:
        names = choose_wrt(expression, bound, wrt)
        chosen = [base]
    if random is not None:
        chosen = [_around(base, names, rng) for _ in range(random)]
    for point in chosen:
        missing = [name for name in names if name not in point]
        if missing:
            raise UsageError(
                f"{option('wrt')} {missing[0]}: no value; bind it with {option('at')} or a column"
            )
    _check_work(expression, chosen, names, order)
    plan = _Plan(expression, names, order, np.random.default_rng([0 if seed is None else seed, 1]))
    rows: list[CheckRow] = []
    for number, point in enumerate(chosen):
        rows.extend(plan.at(number, point))
    return Check(
        expression=expression.source,
        wrt=names,
        order=order,
        points=chosen,
        rows=rows,
        operations=list(dict.fromkeys(expression.operations)),
        weights=plan.weights,
        warnings=plan.warnings,
    )


def _around(base: dict[str, np.ndarray], names: list[str], rng: np.random.Generator) -> dict:
    point = dict(base)
    for name in names:
        centre = np.asarray(base[name], dtype=np.float64)
        spread = rng.uniform(-0.5, 0.5, centre.shape)
        point[name] = np.where(centre != 0, centre * (1 + spread), spread)
    return point


def check_options(order: int, random: int | None, points: bool) -> None:
    """The one check of ``check``'s settings, before any point is read or drawn."""
    if order not in (1, 2):
        raise UsageError(f"{option('order')} {order}: check compares orders 1 and 2 only")
    if points and random is not None:
        raise UsageError(f"give {option('points')} or {option('random')}, not both")
    if random is not None:
        if random < 1:
            raise UsageError(f"{option('random')} {random}: give at least one point")
        _check_points(random)


def _check_points(count: int) -> None:
    if count > MAX_POINTS:
        raise LimitError(
            f"{count:,} points are more than the {MAX_POINTS:,} one check may take; "
            "check fewer (they are all compared, not sampled)"
        )


def _check_work(
    expression: Expression, points: list[dict[str, np.ndarray]], names: list[str], order: int
) -> None:
    analytic = _analytic(expression)
    per_direction = {
        k: _EVALUATIONS["richardson", k] + (_EVALUATIONS["complex", k] if analytic else 0)
        for k in (1, 2)
    }
    evaluations = 0
    for point in points:
        n = sum(np.size(point[name]) for name in names)
        evaluations += n * per_direction[1]
        if order == 2:
            evaluations += n * (n + 1) // 2 * per_direction[2]
    work = evaluations * (len(expression.operations) + 5)
    if work > MAX_CHECK_WORK:
        raise LimitError(
            f"this check evaluates the expression about {evaluations:,} times "
            f"({len(points):,} point(s), {len(expression.operations):,} operations each): about "
            f"{work:,} steps, over the budget of {MAX_CHECK_WORK:,}; check fewer points, fewer "
            f"variables with {option('wrt')}"
            + (f", or first derivatives only ({option('order')} 1)" if order == 2 else "")
        )


def _analytic(expression: Expression) -> bool:
    return not non_analytic(expression)


def _taylor_applies(expression: Expression) -> bool:
    return not without_taylor_rule(expression)


class _Plan:
    """What every point shares: the expression, the methods that apply, the weights."""

    def __init__(
        self, expression: Expression, names: list[str], order: int, rng: np.random.Generator
    ) -> None:
        self.expression = expression
        self.names = names
        self.order = order
        self.rng = rng
        self.analytic = _analytic(expression)
        self.taylor = _taylor_applies(expression)
        self.weights: np.ndarray | None = None
        self.warnings: list[Any] = []
        self.algebra: Any = None
        """Taylor mode's, made once: it is built from the whole registry."""

    def _weights(self, shape: tuple[int, ...]) -> np.ndarray | None:
        if int(np.prod(shape)) == 1:
            return None
        if self.weights is None or self.weights.shape != shape:
            self.weights = self.rng.standard_normal(shape)
        return self.weights

    def at(self, number: int, point: dict[str, np.ndarray]) -> list[CheckRow]:
        with creation.same_draws():
            return _Point(self, number, point).rows()


class _Point:
    """The checks at one point."""

    def __init__(self, plan: _Plan, number: int, point: dict[str, np.ndarray]) -> None:
        self.plan = plan
        self.number = number
        self.point = {name: np.asarray(v, dtype=np.float64) for name, v in point.items()}
        self.elements = [
            _Element(name, index, label)
            for name in plan.names
            for index, label in zip(
                np.ndindex(self.point[name].shape), entry_labels(name, self.point[name].shape)
            )
        ]
        self.weights: np.ndarray | None = None
        self.magnitude = 0.0
        """sum|W * value|: what the differences of values subtract, for their rounding."""
        self.mixed: dict[tuple[int, int], _Estimate] = {}

    # --- the exact side ---------------------------------------------------------------------

    def _reverse(self) -> tuple[Tensor, np.ndarray, np.ndarray | None]:
        """The reduced value, the gradient and (order 2) the Hessian, flattened."""
        plan = self.plan
        bound = [Binding(name, "", value) for name, value in self.point.items()]
        values = tensors_of(bound, plan.names)
        inputs = [values[name] for name in plan.names]
        value = plan.expression.evaluate(values)
        self.weights = plan._weights(tuple(value.shape))
        reduced = value.reshape(()) if self.weights is None else (value * wrap(self.weights)).sum()
        grads = gradients(reduced, inputs, None, retain_graph=plan.order == 2)
        gradient = np.concatenate([g.reshape(-1) for g in grads])
        hessian = hessian_of(reduced, inputs, plan.names)[1] if plan.order == 2 else None
        return value, gradient, hessian

    def _taylor(self, element: int) -> tuple[list[float] | None, str]:
        """Pure derivatives along the element by Taylor mode, or why there are none."""
        chosen = self.elements[element]
        direction = np.zeros(self.point[chosen.name].shape)
        direction[chosen.index] = 1.0
        if self.plan.algebra is None:
            self.plan.algebra = taylor_algebra()
        try:
            along = taylor_along(
                self.plan.expression, self.point, chosen.name, self.plan.order, direction,
                self.plan.algebra,
            )  # fmt: skip
        except NotAnalyticError as error:  # a kink or a jump
            return None, error.message
        except ExpressionError as error:  # Taylor mode cannot run this expression
            raise _NoTaylor(error.message) from None
        if not along.exists:
            return None, "its Taylor series does not exist here (a coefficient is not finite)"
        derivatives = along.derivatives
        if self.weights is not None:
            derivatives = (derivatives * self.weights).reshape(self.plan.order, -1).sum(axis=1)
        return [float(d) for d in np.asarray(derivatives).reshape(self.plan.order)], ""

    # --- the numerical side -------------------------------------------------------------------

    def _along(self, elements: Iterable[int]) -> Callable[[Any], Any]:
        """t -> the reduced value at the point moved by t along the sum of the elements."""
        moves = [(self.elements[k].name, self.elements[k].index) for k in elements]
        return function_of_t(self.plan.expression, self.point, moves, self.weights)

    def _numerical(self, elements: tuple[int, ...], order: int) -> _Estimate:
        f = self._along(elements)
        candidates = []
        if self.plan.analytic:
            h, steps, shrink = _COMPLEX_STEPS[order]
            sweep = finite.sweep(
                f, 0.0, exact=None, scheme="complex", order=order, h=h, steps=steps, shrink=shrink
            )
            if sweep.best is not None:
                found = _Estimate(sweep.best.estimate, _spread(sweep), "complex")
                # Settled to a part in 10^9: Richardson could only be less sure.
                if found.error <= _SETTLED * abs(found.value):
                    return found
                candidates.append(found)
        h, steps, shrink = finite.DEFAULT_SWEEPS["richardson", order]
        wide = self._richardson(f, order, h, steps, shrink)
        # A second sweep carries on below the first one's smallest step (and below the
        # coordinate's size, where a kink at 0 may be): a kink or pole that close to the
        # point shows as two sweeps that disagree (abs(x - 1) at 1 + 1e-7), instead of as
        # a rule that looks wrong.
        size = min(
            abs(float(self.point[e.name][e.index]))
            for e in map(self.elements.__getitem__, elements)
        )
        start = h * min(shrink**-steps, size or 1.0)
        local = self._richardson(f, order, start, steps, shrink)
        if wide and local and abs(wide.value - local.value) > SAFETY * (wide.error + local.error):
            return dataclasses.replace(
                local,
                unsettled=f"numerical estimates with steps from {h:g} and from {start:.2g} "
                "differ: a kink or jump may be that close to the point",
            )
        candidates.extend(estimate for estimate in (wide, local) if estimate is not None)
        if not candidates:
            return _Estimate(math.nan, math.nan, "richardson")
        return min(candidates, key=lambda c: (c.error, c.scheme))

    def _richardson(
        self, f: Callable[[Any], Any], order: int, h: float, steps: int, shrink: float
    ) -> _Estimate | None:
        """The tableau entry with the smallest error estimate, which is at least the
        rounding of the values over its step."""
        sweep = finite.sweep(
            f, 0.0, exact=None, scheme="richardson", order=order, h=h, steps=steps, shrink=shrink
        )
        entries = [
            (column.error_estimate, column.best, column.best_h)
            for column in sweep.extrapolation or ()
            if column.error_estimate is not None and math.isfinite(column.error_estimate)
        ]
        if not entries:
            return None
        error, best, step = min(entries)
        rounding = EPS * self.magnitude / step**order
        return _Estimate(best, max(error, rounding), "richardson")

    # --- the rows -----------------------------------------------------------------------------

    def rows(self) -> list[CheckRow]:
        value, gradient, hessian = self._reverse()
        data = np.asarray(value.numpy(), dtype=np.float64)
        reduced = data if self.weights is None else self.weights * data
        self.magnitude = float(np.sum(np.abs(reduced)))
        n = len(self.elements)
        order = self.plan.order
        reasons = [""] * n
        taylor: list[list[float] | None] = [None] * n
        if not np.all(np.isfinite(data)):
            reasons = ["the value is not finite here"] * n
        elif self.plan.taylor:
            try:
                for k in range(n):
                    taylor[k], reasons[k] = self._taylor(k)
            except _NoTaylor as error:
                self.plan.taylor = False
                taylor = [None] * n
                self.plan.warnings.append(TaylorNotCompared(str(error)))
        pure = [[self._numerical((k,), o) for k in range(n)] for o in range(1, order + 1)]
        rows = []
        scale = _largest(gradient)
        for k, element in enumerate(self.elements):
            row = self._row(element.label, 1, scale, reasons[k])
            rows.append(row("reverse", gradient[k], pure[0][k]))
            if taylor[k] is not None:
                rows.append(row("taylor", taylor[k][0], pure[0][k]))
        if hessian is None:
            return rows
        scale = _largest(hessian)
        for i, first in enumerate(self.elements):
            for j, second in enumerate(self.elements):
                if i == j:
                    row = self._row(first.label, 2, scale, reasons[i])
                    rows.append(row("reverse", hessian[i, i], pure[1][i]))
                    if taylor[i] is not None:
                        rows.append(row("taylor", taylor[i][1], pure[1][i]))
                    continue
                row = self._row(f"{first.label},{second.label}", 2, scale, reasons[i] or reasons[j])
                rows.append(
                    row("reverse", hessian[i, j], self._mixed(min(i, j), max(i, j), pure[1]))
                )
        return rows

    def _mixed(self, i: int, j: int, pure: list[_Estimate]) -> _Estimate:
        """H_ij from the second derivatives along e_i, e_j and e_i + e_j."""
        if (i, j) not in self.mixed:
            both = self._numerical((i, j), 2)
            self.mixed[i, j] = _Estimate(
                (both.value - pure[i].value - pure[j].value) / 2,
                (both.error + pure[i].error + pure[j].error) / 2,
                both.scheme,
                both.unsettled or pure[i].unsettled or pure[j].unsettled,
            )
        return self.mixed[i, j]

    def _row(
        self, label: str, order: int, scale: float, reason: str
    ) -> Callable[[str, float, _Estimate], CheckRow]:
        """The row of one derivative, given the method, its exact value and the estimate.

        ``scale`` is the largest exact derivative of this order at the point: an entry
        that is 0 up to its rounding is compared with that in mind.
        """

        def make(method: str, exact: float, estimate: _Estimate) -> CheckRow:
            exact, numerical = float(exact), float(estimate.value)
            with np.errstate(all="ignore"):
                abs_error = abs(exact - numerical)
            size = max(abs(exact), abs(numerical))
            rel_error = abs_error / size if size > 0 and math.isfinite(size) else None
            tolerance = SAFETY * estimate.error + RTOL * size + ZERO_RTOL * scale
            why = reason or estimate.unsettled
            verdict, why = _verdict(exact, numerical, abs_error, tolerance, estimate, why)
            return CheckRow(
                point=self.number,
                input=label,
                order=order,
                method=method,
                exact=exact,
                numerical=numerical,
                scheme=estimate.scheme,
                abs_error=abs_error,
                rel_error=rel_error,
                tolerance=tolerance,
                verdict=verdict,
                reason=why,
            )

        return make


def _largest(array: np.ndarray | None) -> float:
    finite = np.abs(array[np.isfinite(array)]) if array is not None else np.zeros(0)
    return float(finite.max()) if finite.size else 0.0


def _verdict(
    exact: float,
    numerical: float,
    abs_error: float,
    tolerance: float,
    estimate: _Estimate,
    reason: str,
) -> tuple[str, str]:
    if reason:
        return NOT_SMOOTH, reason
    if math.isfinite(exact) and math.isfinite(numerical):
        return (AGREE if abs_error <= tolerance else DISAGREE), ""
    if math.isfinite(numerical) and math.isfinite(estimate.error):
        return DISAGREE, ""  # a rule that gives NaN or infinity where f is smooth
    if not math.isfinite(exact):
        return NOT_SMOOTH, "the derivative is not finite here"
    return NOT_SMOOTH, "the numerical estimates do not settle here"


def _spread(sweep: Any) -> float:
    """The complex step's error estimate: how far its best step is from its neighbours."""
    rows = sweep.rows
    i = rows.index(sweep.best)
    gaps = [
        abs(rows[i].estimate - rows[j].estimate)
        for j in (i - 1, i + 1)
        if 0 <= j < len(rows) and math.isfinite(rows[j].estimate)
    ]
    return max([*gaps, EPS * abs(rows[i].estimate)])


# --- points from a file -------------------------------------------------------------------------


def read_points(
    source: Any,
    expression: Expression,
    bound: Sequence[Binding],
    points_format: str | None = None,
    columns: str | Sequence[str] | None = None,
) -> list[dict[str, np.ndarray]]:
    """The points of ``source`` (a path or a binary stream; any format of
    :func:`gradcli.io.readers.read_points`), each a variable -> value mapping.

    Columns are named as for every command's points
    (:func:`gradcli.io.columns.point_columns`): by the input, or by ``columns``.
    """
    rule = point_columns(expression, [b.name for b in bound], columns)
    variables = list(expression.variables)
    points: list[dict[str, np.ndarray]] = []
    for chunk in read_named(source, rule, points_format):
        unknown = [name for name in chunk.columns if name not in variables]
        if unknown:
            raise UsageError(
                f"{option('points')}: the column {unknown[0]!r} is not a variable of the "
                f"expression ({', '.join(variables)})"
            )
        for row in range(chunk.rows):
            points.append({name: column[row] for name, column in chunk.columns.items()})
        _check_points(len(points))
    if not points:
        raise UsageError(f"{option('points')}: there are no points to check")
    return points


# --- every operation of the registry ------------------------------------------------------------


def check_builtins(order: int = 1, draws: int = 1, seed: int | None = None) -> BuiltinsCheck:
    """Every operation with derivatives (built in, or added by a plugin) checked on its
    samples (:mod:`gradcli.compute.samples`, the test suite's), ``draws`` times each."""
    if draws < 1:
        raise UsageError(f"{option('random')} {draws}: give at least one draw per sample")
    rng = np.random.default_rng(0 if seed is None else seed)
    result = BuiltinsCheck(
        order=order,
        checks={},
        unchecked=[name for name, info in OPS.items() if not checked(info)],
    )
    for name, samples in all_samples().items():
        result.checks[name] = []
        for sample in samples:
            expression = compile(sample.source)
            for _ in range(draws):
                values = sample.draw(rng)
                bound = [Binding(n, "", v) for n, v in values.items()]
                try:
                    done = check(expression, bound, order=order, seed=seed)
                except GradcliError as error:
                    result.warnings.append(SampleNotChecked(sample.source, str(error)))
                    continue
                result.checks[name].append(done)
                result.warnings.extend(SampleNote(sample.source, w) for w in done.warnings)
        if not result.checks[name]:
            result.warnings.append(NoSamplesChecked(name))
    return result
