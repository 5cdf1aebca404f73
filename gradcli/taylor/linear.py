"""Linear operations, one family: the op applied to every coefficient.

An op L that is linear in its tensor arguments needs no recurrence:
L(Σ c_k·tᵏ) = Σ L(c_k)·tᵏ, so its Taylor rule applies the array operation to
each coefficient in turn (JAX's ``jet.py`` does the same with ``deflinear``).
Reductions, reshapes, indexing, joining, selection with ``where``, running sums,
flips, rolls, triangles, diagonals and products with a constant are written once,
as the array operation on one coefficient, and :func:`linear` makes the rule.

Also here: the coefficient arrays the other rules work on, shape ``(n, *shape)``,
where a plain constant is an array with one row that stands for a series whose
higher coefficients are all 0.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.errors import ExpressionError, ShapeError
from gradcli.taylor import recurrences as rec
from gradcli.taylor.series import Series

Coefficient = Callable[..., np.ndarray]
"""A linear op on one coefficient of each of its series arguments."""

# --- coefficient arrays ---------------------------------------------------------------------


def raw(value: Any) -> np.ndarray:
    """The coefficients of a Series, or a constant (a list holding series is stacked) as one row."""
    if isinstance(value, Series):
        return value.coefficients
    if isinstance(value, (list, tuple)) and any(isinstance(v, Series) for v in value):
        return stack(value).coefficients
    return np.asarray(value, dtype=np.float64)[None]


def common_order(op: str, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Coefficient arrays with one number of rows: constants are cut or padded with zeros."""
    rows = {len(a) for a in arrays}
    if len(rows) <= 1:
        return arrays
    varying = {len(a) for a in arrays if not rec.is_constant(a)}
    if len(varying) > 1:
        raise ShapeError(f"{op}: Taylor series of different orders {sorted(varying)} meet")
    n = varying.pop() if varying else max(rows)
    return [rec.with_rows(a, n) for a in arrays]


def lift_dims(a: np.ndarray, ndim: int) -> np.ndarray:
    """Insert size-1 axes after the coefficient axis, so trailing shapes align as numpy's do."""
    return a.reshape((len(a),) + (1,) * (ndim - a.ndim) + a.shape[1:])


def operands(op: str, *values: Any) -> list[np.ndarray]:
    """The coefficients of ``values`` with one order and one broadcast shape."""
    arrays = common_order(op, [raw(v) for v in values])
    if all(a.shape == arrays[0].shape for a in arrays):
        return arrays
    ndim = max(a.ndim for a in arrays)
    try:
        return np.broadcast_arrays(*(lift_dims(a, ndim) for a in arrays))
    except ValueError:
        shapes_ = " and ".join(str(a.shape[1:]) for a in arrays)
        raise ShapeError(f"{op}: shapes {shapes_} cannot be broadcast together") from None


# --- the family -----------------------------------------------------------------------------


def linear(*slots: str) -> Callable[[Callable[..., Coefficient]], Callable[..., Series]]:
    """The Taylor rule of an op that is linear in its arguments named ``slots``.

    The decorated function takes the op's arguments with each series in a slot
    replaced by its value (its first coefficient), checks them once, and returns
    the op on one coefficient of each slot, in order; the rule applies it to
    every coefficient. A slot named ``*tensors`` holds a sequence of tensors,
    passed on as a list. A constant in a slot has higher coefficients 0; every
    other argument (a dim, an index, the constant side of a product) is the same
    for every coefficient, and a series there stands for its value.
    """

    def make(setup: Callable[..., Coefficient]) -> Callable[..., Series]:
        signature = inspect.signature(setup)
        names = [slot.lstrip("*") for slot in slots]
        many = [slot.startswith("*") for slot in slots]
        sequences = any(many)

        @functools.wraps(setup)
        def rule(*args: Any, **kwargs: Any) -> Series:
            bound = signature.bind(*args, **kwargs)
            given = [bound.arguments[name] for name in names]
            counts = [len(value) if several else 1 for value, several in zip(given, many)]
            tensors = [
                t for value, several in zip(given, many) for t in (value if several else [value])
            ]
            arrays = common_order(setup.__name__, [raw(t) for t in tensors])

            def slotted(rows: tuple[np.ndarray, ...]) -> Sequence[Any]:
                """One coefficient of every tensor, grouped back into the slots."""
                if not sequences:
                    return rows
                row = iter(rows)
                return [
                    [next(row) for _ in range(count)] if several else next(row)
                    for count, several in zip(counts, many)
                ]

            bound.arguments.update(zip(names, slotted(tuple(a[0] for a in arrays))))
            with np.errstate(all="ignore"):
                apply = setup(*bound.args, **bound.kwargs)
                coefficients = zip(*arrays)
                first = apply(*slotted(next(coefficients)))
                out = np.empty((len(arrays[0]), *np.shape(first)))
                out[0] = first
                for k, rows in enumerate(coefficients, start=1):
                    out[k] = apply(*slotted(rows))
            return Series(out)

        return rule

    return make


# --- the linear ops -------------------------------------------------------------------------


@linear("x")
def sum(x: Any, dim: shapes.Dim = None, keepdim: Any = False) -> Coefficient:
    """Sum over dim (all dimensions by default)."""
    axes = shapes.axes(dim, x.ndim)
    return lambda c: c.sum(axis=axes, keepdims=bool(keepdim))


@linear("x")
def mean(x: Any, dim: shapes.Dim = None, keepdim: Any = False) -> Coefficient:
    """Mean over dim (all dimensions by default)."""
    axes = shapes.axes(dim, x.ndim)
    count = int(np.prod([x.shape[i] for i in axes]))
    return lambda c: c.sum(axis=axes, keepdims=bool(keepdim)) / count


@linear("x")
def reshape(x: Any, *shape: Any) -> Coefficient:
    """The same elements in a new shape (one entry may be -1)."""
    new = shapes.sizes(shape)
    try:
        np.reshape(x, new)
    except ValueError:
        raise ShapeError(f"reshape: shape {x.shape} cannot take the shape {new}") from None
    return lambda c: c.reshape(new)


@linear("x")
def permute(x: Any, *dims: Any) -> Coefficient:
    """Reorder the dimensions."""
    order = shapes.permutation(shapes.sizes(dims), x.ndim)
    return lambda c: c.transpose(order)


@linear("x")
def transpose(x: Any, dim0: Any = 0, dim1: Any = 1) -> Coefficient:
    """Swap two dimensions; a tensor of fewer than two is its own transpose."""
    if x.ndim < 2:
        return lambda c: c
    (i,), (j,) = shapes.axes(dim0, x.ndim), shapes.axes(dim1, x.ndim)
    return lambda c: c.swapaxes(i, j)


@linear("x")
def index(x: Any, key: Any) -> Coefficient:
    """x[key] (whole numbers, slices, integer or boolean arrays)."""
    keys = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, Series) for k in keys):
        raise ExpressionError(
            "an index must be a constant, not a value that depends on the variable"
        )
    numpy_key = shapes.index_key(keys)
    try:
        x[numpy_key]
    except IndexError as error:
        raise ShapeError(f"index {key!r} does not fit shape {x.shape}: {error}") from None
    return lambda c: c[numpy_key]


def _vectors(tensors: list[np.ndarray]) -> list[np.ndarray]:
    """Scalars as one-element vectors, as cat joins them in the language."""
    return [t.reshape(1) if t.ndim == 0 else t for t in tensors]


@linear("*tensors")
def cat(tensors: Sequence[Any], dim: Any = 0) -> Coefficient:
    """Join along an existing dimension; scalars join as one-element vectors."""
    if not tensors:
        raise ShapeError("cat/stack: needs at least one tensor")
    (axis,) = shapes.axes(dim, max(tensors[0].ndim, 1))
    try:
        np.concatenate(_vectors(tensors), axis=axis)
    except ValueError:
        listed = ", ".join(str(t.shape) for t in _vectors(tensors))
        raise ShapeError(f"cat: shapes {listed} must match except in dimension {axis}") from None
    return lambda cs: np.concatenate(_vectors(cs), axis=axis)


@linear("*tensors")
def stack(tensors: Sequence[Any], dim: Any = 0) -> Coefficient:
    """Join tensors of equal shape along a new dimension."""
    if not tensors:
        raise ShapeError("cat/stack: needs at least one tensor")
    (axis,) = shapes.axes(dim, tensors[0].ndim + 1)
    if any(t.shape != tensors[0].shape for t in tensors):
        listed = ", ".join(str(t.shape) for t in tensors)
        raise ShapeError(f"stack: all shapes must be equal, got {listed}")
    return lambda cs: np.stack(cs, axis=axis)


@linear("x", "y")
def where(condition: Any, x: Any, y: Any) -> Coefficient:
    """x where condition (its value, if a Series) is non-zero, else y."""
    chosen = np.asarray(condition.primal if isinstance(condition, Series) else condition) != 0
    try:
        np.broadcast_shapes(chosen.shape, x.shape, y.shape)
    except ValueError:
        raise ShapeError(
            f"where: shapes {chosen.shape}, {x.shape} and {y.shape} cannot be broadcast together"
        ) from None
    return lambda a, b: np.where(chosen, a, b)


@linear("x")
def matmul_constant(x: Any, y: Any) -> Coefficient:
    """x @ y for a constant y."""
    return lambda c: np.matmul(c, y)


@linear("y")
def constant_matmul(x: Any, y: Any) -> Coefficient:
    """x @ y for a constant x."""
    return lambda c: np.matmul(x, c)


@linear("x")
def cumsum(x: Any, dim: Any) -> Coefficient:
    """Running sums along dim."""
    axis = shapes.axis(dim, x.ndim, "cumsum")
    return (lambda c: np.cumsum(c, axis)) if x.ndim else (lambda c: c)


@linear("x")
def flip(x: Any, *dims: Any) -> Coefficient:
    """The elements in reverse order along dims."""
    axes = shapes.distinct_axes(dims[0] if len(dims) == 1 else dims, x.ndim, "flip")
    return lambda c: np.flip(c, axes)


@linear("x")
def roll(x: Any, shifts: Any, dims: Any = None) -> Coefficient:
    """The elements shifted along dims, those leaving at one end coming back at the other."""
    moves, axes = shapes.rolls(shifts, dims, x.ndim)
    return lambda c: np.roll(c, moves, axes)


def _matrices(name: str, x: Any) -> None:
    if x.ndim < 2:
        raise ShapeError(f"{name}: the tensor must have at least 2 dimensions, not shape {x.shape}")


@linear("x")
def tril(x: Any, diagonal: Any = 0) -> Coefficient:
    """The lower triangle of the last two dimensions."""
    _matrices("tril", x)
    k = shapes.whole(diagonal, "tril's diagonal")
    return lambda c: np.tril(c, k)


@linear("x")
def triu(x: Any, diagonal: Any = 0) -> Coefficient:
    """The upper triangle of the last two dimensions."""
    _matrices("triu", x)
    k = shapes.whole(diagonal, "triu's diagonal")
    return lambda c: np.triu(c, k)


@linear("x")
def diag(x: Any, diagonal: Any = 0) -> Coefficient:
    """A vector on a diagonal of a square matrix, or a matrix's diagonal as a vector."""
    if x.ndim not in (1, 2):
        raise ShapeError(f"diag takes a vector or a matrix, not a tensor of shape {x.shape}")
    k = shapes.whole(diagonal, "diag's diagonal")
    return lambda c: np.diag(c, k)


@linear("x")
def trace(x: Any) -> Coefficient:
    """The sum of a matrix's diagonal."""
    if x.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, but got a tensor of shape {x.shape}")
    return np.trace


LINEAR: dict[str, Callable[..., Series]] = {
    rule.__name__: rule
    for rule in (
        sum,
        mean,
        reshape,
        permute,
        transpose,
        index,
        cat,
        stack,
        where,
        cumsum,
        flip,
        roll,
        tril,
        triu,
        diag,
        trace,
    )
}
"""The rules of this family, by the expression language's names."""
