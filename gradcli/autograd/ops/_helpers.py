"""What every primitive shares: axes, broadcasting undone, binary arithmetic, the wrappers.

Broadcasting is undone in exactly one place, :func:`unbroadcast`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.shapes import Dim
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentTypeError, ShapeMismatchError, WholeNumberError


def unbroadcast(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``grad`` down to ``shape``, undoing numpy broadcasting (the one place)."""
    if grad._data.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return sum(grad, dim=axes, keepdim=True).reshape(shape)


def _reduction(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> tuple[int, ...]:
    """Record a reduction's axes and keepdim on ``ctx``; returns the axes."""
    ctx.axes, ctx.keepdim = shapes.axes(dim, x.ndim), keepdim
    return ctx.axes


def _expand_back(
    grad: Tensor, shape: tuple[int, ...], axes: tuple[int, ...], keepdim: bool
) -> Tensor:
    """Broadcast the gradient of a reduction over ``axes`` back to the input's ``shape``."""
    if not keepdim and shape:
        grad = grad.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return broadcast_to(grad, shape)


def _const(array: Any) -> Tensor:
    """A constant (non-differentiable) tensor, e.g. a mask inside a backward formula."""
    return wrap(np.asarray(array, dtype=np.float64))


_FLOAT64 = np.float64


def _numeric(a: Any) -> Any:
    """Booleans (comparison results) as float64 0/1, integers (indices) as float64.

    numpy would compute ``exp(True)`` in float16 and ``True + True`` as a
    logical or; gradcli's comparisons are 0/1 numbers to arithmetic, and
    arithmetic is float64 (PyTorch keeps int64 for int64 operands).
    """
    if type(a) is _FLOAT64:  # most values of a scalar graph: no dtype to look up
        return a
    return a.astype(np.float64) if a.dtype.kind in "biu" else a


def _binary(ufunc: Callable, x: Tensor, y: Tensor, symbol: str) -> Tensor:
    """``ufunc`` applied to the arrays, booleans taken as 0/1.

    Arithmetic passes Python's operator (``operator.mul``) rather than the ufunc:
    on numpy scalars it is the same operation, about ten times faster.
    """
    a, b = x._data, y._data
    if type(a) is _FLOAT64 and type(b) is _FLOAT64:  # nothing to broadcast nor convert
        return wrap(ufunc(a, b))
    if a.shape != b.shape:  # equal shapes make nothing larger than an input
        try:
            shape = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ShapeMismatchError(
                f"{symbol}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast "
                "together (trailing dimensions must be equal or 1)"
            ) from None
        check_size(math.prod(shape), symbol, shape)
    elif not a.shape:
        # 0-d (a scalar leaf's array): numpy computes the same operation on its scalars,
        # which skips the ufunc's array machinery and gives the same scalar result.
        return wrap(ufunc(_numeric(a)[()], _numeric(b)[()]))
    return wrap(ufunc(_numeric(a), _numeric(b)))


def _analytic_or_real(real: Callable, complex_: Callable) -> Callable:
    """A numpy function that uses a stable real formula and an analytic one for complex input."""
    return lambda a: complex_(a) if np.iscomplexobj(a) else real(a)


# --- indices: the one place that reads index tensors and makes them ------------------------


def index_array(index: Any, name: str) -> np.ndarray:
    """``index`` (a tensor, a list, a number) as a numpy int64 array of whole numbers.

    PyTorch takes int64 index tensors; gradcli's ``tensor([0, 2])`` is float64 (until integer
    tensors come), so whole floats are taken too, and fractions, NaN and booleans refused.
    """
    array = np.asarray(index.numpy() if isinstance(index, Tensor) else index)
    if array.dtype.kind == "b" or array.dtype.kind not in "fiu":
        raise ArgumentTypeError(
            f"{name}: an index holds whole numbers (an int64 tensor or a list), not "
            f"{'booleans' if array.dtype.kind == 'b' else 'this'}"
        )
    if array.dtype.kind == "f":
        bad = array[~np.isfinite(array) | (array != np.round(array))]
        if bad.size:
            raise WholeNumberError(f"{name}: an index must be a whole number, not {bad.flat[0]}")
    return array.astype(np.int64)


def index_tensor(array: Any) -> Tensor:
    """The indices an operation returns (argmax, sort, topk, ...), as int64 tensors."""
    return wrap(np.asarray(array, dtype=np.int64))


# --- the functions users call --------------------------------------------------------


def _named(function: Callable[..., Tensor], op: type[Function], doc: str) -> Callable[..., Tensor]:
    function.__name__ = function.__qualname__ = op.__name__.lower()
    function.__doc__ = doc
    return function


def _unary(op: type[Function], doc: str) -> Callable[[Any], Tensor]:
    """The function users call for a one-input op (constants become tensors)."""

    def function(input: Any) -> Tensor:
        return op.apply(as_tensor(input))

    return _named(function, op, doc)


def _two_input(op: type[Function], doc: str) -> Callable[[Any, Any], Tensor]:
    """The function users call for a two-input op (constants become tensors)."""

    def function(input: Any, other: Any) -> Tensor:
        return op.apply(as_tensor(input), as_tensor(other))

    return _named(function, op, doc)


# At the bottom: a reduction's backward broadcasts and broadcasting's backward
# reduces, so those two modules build on these helpers and these call them back.
from gradcli.autograd.ops.reductions import sum  # noqa: E402
from gradcli.autograd.ops.shape import broadcast_to  # noqa: E402
