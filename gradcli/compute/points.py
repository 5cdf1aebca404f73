"""Many points at once: the value and derivatives of one expression at every row of a chunk.

Each row gets exactly the answer the single-point command gives it. The rows
are evaluated together, with a row axis first in every value
(:mod:`gradcli.batching`): one evaluation gives every row's value, one backward
pass every row's gradient (the rows never meet, so the gradient of their sum is
each row's own), one Taylor pass every row's higher derivatives. A program whose
rows take different paths runs once per group of rows on one path. Rows where
the batched evaluation cannot give the single point's answer (a kink for
``--order``, an operation without a Taylor rule, an error to word for the user)
go through the single-point path itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from gradcli.autograd import creation, engine
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.batching import Batched, Diverged, batched_algebra
from gradcli.compute.bindings import Binding
from gradcli.compute.differentiate import differentiate
from gradcli.compute.evaluation import as_array
from gradcli.compute.higher import check_order
from gradcli.compute.results import Differentiation
from gradcli.errors import ExpressionError, ShapeError, UsageError, option
from gradcli.language import Expression
from gradcli.language.values import Algebra


class Part(NamedTuple):
    """What a block of output columns holds, by its structure: an ``input`` (``names`` is
    the variable), the ``value``, a ``derivative`` of ``order`` by one variable, or a
    ``hessian`` entry (``names`` is the pair)."""

    kind: str
    names: tuple[str, ...] = ()
    order: int = 0

    @property
    def label(self) -> str:
        """The column's header: x, value, d/dx, d3/dx3, d2/dxdy."""
        if self.kind == "input":
            return self.names[0]
        if self.kind == "value":
            return "value"
        if self.kind == "hessian":
            return f"d2/d{self.names[0]}d{self.names[1]}"
        name = self.names[0]
        return f"d/d{name}" if self.order == 1 else f"d{self.order}/d{name}{self.order}"


VALUE = Part("value")


def derivative(name: str, order: int = 1) -> Part:
    return Part("derivative", (name,), order)


def hessian_entry(a: str, b: str) -> Part:
    return Part("hessian", (a, b), 2)


Block = tuple[Part, np.ndarray]
"""A block of output columns: what it holds and an array with the row axis first."""


@dataclass(frozen=True)
class Request:
    """What to compute at every row: ``wrt`` empty for values only (``eval``)."""

    wrt: tuple[str, ...] = ()
    order: int | None = None
    hessian: bool = False

    def __post_init__(self) -> None:
        if self.order is not None:
            check_order(self.order)

    def parts(self) -> list[Part]:
        """The result blocks of a row, in the order :func:`at_points` gives them."""
        parts = [VALUE] + [derivative(name) for name in self.wrt]
        if self.order is not None:
            parts += [derivative(n, k) for n in self.wrt for k in range(2, self.order + 1)]
        if self.hessian:
            parts += [hessian_entry(a, b) for a in self.wrt for b in self.wrt]
        return parts


def at_points(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
) -> list[Block]:
    """The output blocks for one chunk: each row variable, the value, the derivatives.

    ``rows`` maps each row variable to its values, row axis first; ``constants``
    are the bound values every row shares. Random draws are the same at every row.
    """
    count = len(next(iter(rows.values()))) if rows else 0
    inputs = [(Part("input", (name,)), values) for name, values in rows.items()]
    with creation.same_draws():
        found = _by_paths(expression, constants, rows, request, count)
    return inputs + list(zip(request.parts(), found))


def _by_paths(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
    count: int,
) -> list[np.ndarray]:
    """Every row's results, the rows evaluated together in groups that take one path
    through the program: where a condition, a loop's end or an index differs between the
    rows of a group, it splits and each part runs again on its own."""
    if not count:
        return [np.empty((0,)) for _ in request.parts()]
    pending, done = [np.arange(count)], []
    while pending:
        index = pending.pop()
        group = rows if len(index) == count else {n: v[index] for n, v in rows.items()}
        try:
            done.append((index, batched(expression, constants, group, request, len(index))))
        except Diverged as split:
            pending += [index[split.labels == label] for label in np.unique(split.labels)]
    if len(done) == 1:
        return done[0][1]
    shapes = {tuple(a.shape[1:] for a in arrays) for _, arrays in done}
    if len(shapes) > 1:
        raise ShapeError("the results have different shapes at different rows")
    merged = [np.empty((count, *a.shape[1:])) for a in done[0][1]]
    for index, arrays in done:
        for into, array in zip(merged, arrays):
            into[index] = array
    return merged


def batched(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
    count: int,
) -> list[np.ndarray]:
    """The results of :meth:`Request.parts` at every row, computed for all rows at once
    by one batched evaluation (and one backward pass); rows where that cannot give the
    single point's answer (a kink, no Taylor series) go through the single-point path.

    Raises :class:`~gradcli.batching.Diverged` where the rows take different paths.
    """
    try:
        found, alone = _all_at_once(expression, constants, rows, request, count)
    except ExpressionError:
        # A kink or a jump at some row, or an error the single point words for the user.
        return _row_by_row(expression, constants, rows, request, count)
    if alone.any():
        index = np.flatnonzero(alone)
        subset = {name: values[index] for name, values in rows.items()}
        found = [np.array(array) for array in found]
        for into, part in zip(
            found, _row_by_row(expression, constants, subset, request, len(index))
        ):
            into[index] = part
    return found


def _all_at_once(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
    count: int,
) -> tuple[list[np.ndarray], np.ndarray]:
    """The results for every row, and which rows need the single-point path instead."""
    wrt = set(request.wrt)
    # A variable each row is differentiated by has its own copy in each row, so that no
    # row's derivative collects another's; a constant stays one value for all.
    per_row = dict(rows)
    per_row.update(
        (b.name, np.broadcast_to(b.value, (count, *b.value.shape)).copy())
        for b in constants if b.name in wrt
    )  # fmt: skip
    shared = {b.name: b.value for b in constants if b.name not in wrt}
    tensors = {name: Tensor(values, requires_grad=name in wrt) for name, values in per_row.items()}
    algebra = batched_algebra(Algebra())
    values = {
        **{n: Tensor(v) for n, v in shared.items()},
        **{n: Batched(t) for n, t in tensors.items()},
    }
    if not wrt:
        with no_grad():
            value = _rows_of(expression.evaluate(values, algebra), count)
        return [as_array(value)], np.zeros(count, dtype=bool)
    value = _rows_of(expression.evaluate(values, algebra), count)
    if value.ndim > 1:
        _refuse_array_value(tuple(value.shape[1:]))
    found = [as_array(value)]
    inputs = [tensors[name] for name in request.wrt]
    if value.requires_grad:
        firsts = engine.grad(
            value, inputs, Tensor(np.ones(value.shape)), create_graph=request.hessian,
            allow_unused=True,
        )  # fmt: skip
    else:
        firsts = [None] * len(inputs)
    found += [_gradient(first, tensor) for first, tensor in zip(firsts, inputs)]
    alone = np.zeros(count, dtype=bool)
    higher = request.order is not None or request.hessian
    if higher and any(tensor.ndim != 1 for tensor in inputs):
        raise ExpressionError("higher derivatives by array variables go point by point")
    if request.order is not None:
        derivatives, alone = _orders(expression, shared, per_row, request, count)
        found += derivatives
    if request.hessian:
        matrix = _hessian(firsts, inputs, count)
        found += [matrix[:, i, j] for i in range(len(inputs)) for j in range(len(inputs))]
    return found, alone


def _rows_of(value: Any, count: int) -> Tensor:
    """The value with its row axis: one that no row variable reaches is every row's."""
    if isinstance(value, Batched):
        return value.value
    value = as_tensor(value)
    return value.expand((count, *value.shape))


def _orders(
    expression: Expression,
    shared: dict[str, np.ndarray],
    per_row: dict[str, np.ndarray],
    request: Request,
    count: int,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Derivatives of orders 2..N by each variable, one Taylor pass each for all rows, and
    the rows where the Taylor series does not exist (the single point falls back there)."""
    from gradcli.compute.higher import taylor_algebra, taylor_along, without_taylor_rule

    if without_taylor_rule(expression):
        raise ExpressionError("no Taylor rule: nested reverse mode, point by point")
    point = {**shared, **{name: Batched(values) for name, values in per_row.items()}}
    algebra = taylor_algebra()
    alone = np.zeros(count, dtype=bool)
    blocks = []
    for name in request.wrt:
        along = taylor_along(expression, point, name, request.order, 1.0, algebra)
        # (A value no row variable reaches has one series for all rows.)
        shape = (request.order, count)
        coefficients = np.broadcast_to(along.coefficients.reshape(request.order, -1), shape)
        alone |= ~np.isfinite(coefficients).all(axis=0)
        derivatives = np.broadcast_to(along.derivatives.reshape(request.order, -1), shape)
        blocks += [derivatives[k - 1] for k in range(2, request.order + 1)]
    return blocks, alone


def _hessian(firsts: Sequence[Tensor | None], inputs: list[Tensor], count: int) -> np.ndarray:
    """Every row's second partials: the rows are independent, so the derivatives of the
    sum over rows of a first derivative are each row's own."""
    matrix = np.zeros((count, len(inputs), len(inputs)))
    for i, first in enumerate(firsts):
        if first is None or not first.requires_grad:
            continue
        seconds = engine.grad(
            first, inputs, Tensor(np.ones(first.shape)), retain_graph=True, allow_unused=True
        )
        for j, (second, tensor) in enumerate(zip(seconds, inputs)):
            matrix[:, i, j] = _gradient(second, tensor)
    return matrix


def _gradient(gradient: Tensor | None, variable: Tensor) -> np.ndarray:
    """Each row's derivative by a variable, in the variable's shape."""
    if gradient is None:
        return np.zeros(variable.shape)
    return np.ascontiguousarray(np.broadcast_to(as_array(gradient), variable.shape))


def _refuse_array_value(shape: tuple[int, ...]) -> None:
    raise UsageError(
        f"over {option('points')}, diff gives the derivatives of a single-number value at "
        f"each row, and this value has shape {shape}; reduce it (e.g. sum(...)), or use eval"
    )


def _row_by_row(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
    count: int,
) -> list[np.ndarray]:
    """The results of :meth:`Request.parts` at each row, one single-point evaluation each."""
    per_row: list[list[np.ndarray]] = []
    for r in range(count):
        bound = [*constants, *(Binding(n, "", np.asarray(v[r])) for n, v in rows.items())]
        if not request.wrt:
            with no_grad():
                value = expression.evaluate({b.name: Tensor(b.value) for b in bound})
            parts = [as_array(value)]
        else:
            result = differentiate(
                expression, bound, wrt=list(request.wrt), order=request.order,
                hessian=request.hessian,
            )  # fmt: skip
            if result.jacobian is not None:
                _refuse_array_value(result.value.shape)
            parts = _row_parts(result, request)
        per_row.append(parts)
    if not per_row:
        return [np.empty((0,)) for _ in request.parts()]
    if len({tuple(part.shape for part in parts) for parts in per_row}) > 1:
        raise ShapeError("the results have different shapes at different rows")
    return [np.stack([parts[i] for parts in per_row]) for i in range(len(per_row[0]))]


def _row_parts(result: Differentiation, request: Request) -> list[np.ndarray]:
    """A row's results in the order of :meth:`Request.parts`."""
    parts = [np.asarray(result.value)]
    parts += [np.asarray(result.gradient[name]) for name in request.wrt]
    if request.order is not None:
        for name in request.wrt:
            parts += [
                np.asarray(result.derivatives[name][k - 1]) for k in range(2, request.order + 1)
            ]
    if request.hessian:
        parts += list(np.asarray(result.hessian[1]).reshape(-1))
    return parts
