"""Many points at once: the value and derivatives of one expression at every row of a chunk.

Each row gets exactly the answer the single-point command gives it. An
expression built only from elementwise operations of scalar row variables is
evaluated on the whole chunk at once: numpy broadcasting then never mixes rows,
because every row variable carries the row axis first and nothing reduces,
multiplies matrices or indexes across it. Anything else (reductions, ``@``,
indexing, array literals, array-valued row variables, derivatives by a constant
shared by all rows, a kink in some row) is evaluated row by row through the
single-point path, so the answers agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gradcli.autograd import engine
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.differentiate import differentiate
from gradcli.compute.evaluation import as_array
from gradcli.compute.higher import check_order
from gradcli.compute.results import Differentiation
from gradcli.errors import ExpressionError, ShapeError, UsageError, option
from gradcli.language import Expression


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
    are the bound values every row shares.
    """
    count = len(next(iter(rows.values()))) if rows else 0
    inputs = [(Part("input", (name,)), values) for name, values in rows.items()]
    if _batchable(expression, constants, rows, request):
        try:
            results = _batched(expression, constants, rows, request, count)
        except ExpressionError:
            results = None  # a kink or a jump in some row: those rows need the nested path
        if results is not None:
            return inputs + results
    return inputs + _row_by_row(expression, constants, rows, request, count)


def _batchable(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
) -> bool:
    shared = {b.name for b in constants}
    return (
        expression.elementwise
        and all(values.ndim == 1 for values in rows.values())
        and not shared.intersection(request.wrt)
    )


def _batched(
    expression: Expression,
    constants: Sequence[Binding],
    rows: Mapping[str, np.ndarray],
    request: Request,
    count: int,
) -> list[Block] | None:
    # Row variables get trailing unit axes so that the row axis stays first
    # whatever the shapes of the constants they meet.
    depth = max((b.value.ndim for b in constants), default=0)
    lifted = {name: values.reshape((count,) + (1,) * depth) for name, values in rows.items()}
    shared = {b.name: Tensor(b.value) for b in constants}
    tensors = {name: Tensor(v, requires_grad=name in request.wrt) for name, v in lifted.items()}
    value = expression.evaluate({**shared, **tensors})
    shape = np.broadcast_shapes(value.shape, (count,) + (1,) * depth)
    per_row = shape[1:]
    if request.wrt and any(n != 1 for n in per_row):
        _refuse_array_value(per_row)
    blocks: list[Block] = [(VALUE, _rows_of(as_array(value), count, per_row))]
    if not request.wrt:
        return blocks
    inputs = [tensors[name] for name in request.wrt]
    if value.requires_grad:
        firsts = engine.grad(
            value, inputs, Tensor(np.ones(value.shape)), create_graph=request.hessian,
            allow_unused=True,
        )  # fmt: skip
    else:
        firsts = [None] * len(inputs)
    for name, first in zip(request.wrt, firsts):
        blocks.append((derivative(name), _column(first, count)))
    if request.order is not None:
        blocks += _batched_orders(expression, shared, lifted, request, count)
    if request.hessian:
        matrix = _batched_hessian(firsts, inputs, count)
        blocks += _hessian_blocks(request.wrt, lambda i, j: matrix[:, i, j])
    return blocks


def _batched_orders(
    expression: Expression,
    shared: dict[str, Tensor],
    lifted: dict[str, np.ndarray],
    request: Request,
    count: int,
) -> list[Block]:
    from gradcli.compute.higher import taylor_algebra, taylor_along

    constants = {name: np.asarray(t.numpy()) for name, t in shared.items()}
    algebra = taylor_algebra()
    blocks = []
    for name in request.wrt:
        along = taylor_along(expression, {**constants, **lifted}, name, request.order, 1.0, algebra)
        if not along.exists:
            # A row without a finite Taylor series takes the single-point path,
            # which falls back to nested reverse mode there: the whole chunk goes.
            raise ExpressionError("the Taylor series does not exist at some rows")
        scaled = np.broadcast_to(
            along.derivatives, (request.order, count, *along.derivatives.shape[2:])
        )
        derivatives = scaled.reshape(request.order, count).T
        for k in range(2, request.order + 1):
            blocks.append((derivative(name, k), derivatives[:, k - 1]))
    return blocks


def _batched_hessian(
    firsts: Sequence[Tensor | None], inputs: list[Tensor], count: int
) -> np.ndarray:
    matrix = np.zeros((count, len(inputs), len(inputs)))
    for i, first in enumerate(firsts):
        if first is None or not first.requires_grad:
            continue
        seconds = engine.grad(
            first, inputs, Tensor(np.ones(first.shape)), retain_graph=True, allow_unused=True
        )
        for j, second in enumerate(seconds):
            matrix[:, i, j] = _column(second, count)
    return matrix


def _hessian_blocks(names: Sequence[str], entry: Callable[[int, int], np.ndarray]) -> list[Block]:
    """One column per second partial, in row-major order."""
    return [
        (hessian_entry(a, b), entry(i, j)) for i, a in enumerate(names) for j, b in enumerate(names)
    ]


def _column(gradient: Tensor | None, count: int) -> np.ndarray:
    """A derivative by a scalar row variable: one number per row."""
    if gradient is None:
        return np.zeros(count)
    return np.broadcast_to(as_array(gradient), (count, *gradient.shape[1:])).reshape(count)


def _rows_of(array: np.ndarray, count: int, per_row: tuple[int, ...]) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(array, (count, *per_row)))


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
) -> list[Block]:
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
        return []
    if len({tuple(part.shape for part in parts) for parts in per_row}) > 1:
        raise ShapeError("the results have different shapes at different rows")
    return [
        (part, np.stack([parts[i] for parts in per_row])) for i, part in enumerate(request.parts())
    ]


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
