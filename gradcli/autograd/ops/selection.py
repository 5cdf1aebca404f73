"""Picking elements by value: sort, argsort, argmax/argmin, and max/min with PyTorch's three
meanings (the largest element; the largest along a dim with its index; the larger of two).

The values are gathered by indexing, so their gradient goes to the element picked:
a tie along a dim sends it to the one index returned, as in PyTorch. ``max(x)``
over all elements is ``amax``, which splits it evenly between ties (PyTorch too).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.ops.arithmetic import maximum, minimum
from gradcli.autograd.ops.reductions import amax, amin
from gradcli.autograd.ops.shape import Index
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentTypeError, ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = ["argmax", "argmin", "sort", "argsort", "max", "min"]

# PyTorch's torch.return_types: tuples whose fields are also named.
MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])
SortResult = namedtuple("sort", ["values", "indices"])


class SortBackward(Index):
    node_name = "SortBackward0"


class MaxBackward(Index):
    node_name = "MaxBackward0"


class MinBackward(Index):
    node_name = "MinBackward0"


def _along(index: np.ndarray, axis: int, keepdim: bool) -> tuple[np.ndarray, ...]:
    """The key that picks ``index[...]`` along ``axis`` and keeps every other position
    (numpy's take_along_axis as an index, so the indexing op records it)."""
    grids: list[Any] = list(np.indices(index.shape, sparse=True))
    if not keepdim:
        grids.insert(axis, None)
    return tuple(index if a == axis else grids[a] for a in range(len(grids)))


def _axis(name: str, x: Tensor, dim: Any) -> int | None:
    """The one axis ``dim`` names (None for a single number), refusing an empty tensor."""
    if x.numel() == 0:
        raise ShapeMismatchError(f"{name}() of an empty tensor: there is no element to pick")
    axis = shapes.axis(dim, x.ndim, f"{name}(x, dim)")
    return axis if x.ndim else None


def _pick(op: type[Index], x: Tensor, index: np.ndarray, axis: int | None, keepdim: bool) -> Any:
    if axis is None:  # a single number picks itself, at index 0
        return op.apply(x, ()), wrap(np.zeros((), dtype=np.int64))
    return op.apply(x, _along(index, axis, keepdim)), wrap(index)


def _arg(name: str, reduce: Any) -> Any:
    def function(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
        x = as_tensor(input)
        if dim is None:
            if x.numel() == 0:
                raise ShapeMismatchError(f"{name}() of an empty tensor: there is no element")
            found = np.asarray(reduce(x._data), dtype=np.int64)
            return wrap(found.reshape((1,) * x.ndim) if keepdim else found)
        axis = _axis(name, x, dim)
        if axis is None:
            return wrap(np.zeros((), dtype=np.int64))
        return wrap(np.asarray(reduce(x._data, axis=axis, keepdims=keepdim), dtype=np.int64))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (
        f"The index of the {'largest' if 'max' in name else 'smallest'} element (of the "
        "flattened tensor, or along dim), as an int64 tensor; the first of ties."
    )
    return function


argmax = _arg("argmax", np.argmax)
argmin = _arg("argmin", np.argmin)


def sort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """(values, indices) sorted along dim; the gradient goes back to where each value was.

    Ties keep their order (a stable sort), which is one of the orders PyTorch allows.
    """
    x = as_tensor(input)
    if x.ndim == 0:
        return SortResult(*_pick(SortBackward, x, np.zeros(()), None, True))
    axis = shapes.axis(dim, x.ndim, "sort")
    # Descending is ascending of the negated values (ties keep their order); booleans are
    # negated as 0/1, which numpy's minus refuses to do to them.
    keys = x._data.astype(np.int64) if x._data.dtype.kind == "b" else x._data
    order = np.argsort(-keys if descending else keys, axis=axis, kind="stable")
    return SortResult(*_pick(SortBackward, x, order, axis, True))


def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort x along dim (int64)."""
    return sort(input, dim, descending).indices


def _extremum(name: str, reduce: Any, pick: Any, elementwise: Any, op: type[Index], result: Any):
    def function(input: Any, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
        x = as_tensor(input)
        if isinstance(dim, Tensor):
            dim, other = None, dim
        if other is not None:
            if keepdim:
                raise ArgumentTypeError(f"{name}(x, other) is elementwise and takes no keepdim")
            return elementwise(x, other)
        if dim is None:
            if keepdim:
                raise ArgumentTypeError(
                    f"{name}(x, keepdim=True) needs a dim: {name}(x, dim, True)"
                )
            return reduce(x)
        axis = _axis(name, x, dim)
        index = None if axis is None else pick(x._data, axis=axis, keepdims=keepdim)
        return result(*_pick(op, x, index, axis, keepdim))

    function.__name__ = function.__qualname__ = name
    largest = "largest" if name == "max" else "smallest"
    function.__doc__ = (
        f"{name}(x): the {largest} element; {name}(x, dim, keepdim=False): (values, indices) "
        f"of the {largest} along dim; {name}(x, other): the elementwise {name}imum."
    )
    return function


max = _extremum("max", amax, np.argmax, maximum, MaxBackward, MaxResult)
min = _extremum("min", amin, np.argmin, minimum, MinBackward, MinResult)
