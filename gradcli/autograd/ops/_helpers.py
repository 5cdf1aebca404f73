"""What every primitive shares: axes, broadcasting undone, binary arithmetic, the wrappers.

Broadcasting is undone in exactly one place, :func:`unbroadcast`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.shapes import Dim
from gradcli.autograd.tensor import Tensor, as_tensor, floating, wrap
from gradcli.errors import ArgumentTypeError, WholeNumberError


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


_FLOAT64, _INT64 = np.float64, np.int64


def _numeric(a: Any) -> Any:
    """Booleans and integers as float64, for the functions computed in floating point
    (``exp``, ``sqrt``, a norm): numpy would compute ``exp(True)`` in float16, PyTorch
    computes it in its default float type, which is gradcli's float64."""
    if type(a) is _FLOAT64:  # most values of a scalar graph: no dtype to look up
        return a
    return floating(a)


def _binary(ufunc: Callable, x: Tensor, y: Tensor, symbol: str) -> Tensor:
    """``ufunc`` applied to the arrays, with PyTorch's type promotion, which numpy's is for
    the four types a tensor holds: by kind, bool < int64 < float64 < complex128 (bool + bool
    is bool, int + float is float, a comparison is bool).

    Arithmetic passes Python's operator (``operator.mul``) rather than the ufunc:
    on numpy scalars it is the same operation, about ten times faster.
    """
    a, b = x._data, y._data
    if type(a) is _FLOAT64:  # nothing to broadcast nor convert
        if type(b) is _FLOAT64:
            return wrap(ufunc(a, b))
        if type(b) is _INT64:  # x * 2: as a Python int, numpy's fast weak scalar, same result
            return wrap(ufunc(a, int(b)))
    if a.shape != b.shape:  # equal shapes make nothing larger than an input
        shape = shapes.broadcast(symbol, a.shape, b.shape)
        check_size(math.prod(shape), symbol, shape)
    elif not a.shape:
        # 0-d (a scalar leaf's array): numpy computes the same operation on its scalars,
        # which skips the ufunc's array machinery and gives the same scalar result.
        return wrap(ufunc(a[()], b[()]))
    return wrap(ufunc(a, b))


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


def numpy_names(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` taking numpy's ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``
    too, as PyTorch's argument parser does (``x.sum(axis=1)``, ``torch.max(x, axis=0)``);
    ``function`` itself when it has neither parameter."""
    code = getattr(function, "__code__", None)
    parameters = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] if code else ()
    if "dim" not in parameters and "keepdim" not in parameters:
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs or "keepdims" in kwargs:
            for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
                if numpy_name in kwargs:
                    if name in kwargs:
                        raise ArgumentTypeError(
                            f"{function.__name__}() got {name}= and {numpy_name}=, numpy's name "
                            f"for the same argument (as in PyTorch, give one)"
                        )
                    kwargs[name] = kwargs.pop(numpy_name)
        return function(*args, **kwargs)

    return call


# At the bottom: a reduction's backward broadcasts and broadcasting's backward
# reduces, so those two modules build on these helpers and these call them back.
from gradcli.autograd.ops.reductions import sum  # noqa: E402
from gradcli.autograd.ops.shape import broadcast_to  # noqa: E402
