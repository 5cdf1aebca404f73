"""Picking elements by value: sort, argsort, argmax/argmin, and max/min with PyTorch's three
meanings (the largest element; the largest along a dim with its index; the larger of two);
topk, kthvalue, median, cummax/cummin. Picking and placing them by index: gather, scatter,
scatter_add, scatter_reduce, index_select, masked_select, take_along_dim.

The values are gathered by indexing, so their gradient goes to the element picked:
a tie along a dim sends it to the one index returned, as in PyTorch. ``max(x)``
over all elements is ``amax``, which splits it evenly between ties (PyTorch too).
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _const, index_array, index_tensor
from gradcli.autograd.ops.arithmetic import maximum, minimum
from gradcli.autograd.ops.elementwise import where
from gradcli.autograd.ops.reductions import amax, amin, prod
from gradcli.autograd.ops.shape import Index, IndexAdd, IndexPut, broadcast_to, cat
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DimensionError,
    ShapeMismatchError,
)

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "argmax",
    "argmin",
    "sort",
    "argsort",
    "max",
    "min",
    "topk",
    "kthvalue",
    "median",
    "cummax",
    "cummin",
    "gather",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "index_select",
    "masked_select",
    "take_along_dim",
]

# PyTorch's torch.return_types: tuples whose fields are also named.
MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
MedianResult = namedtuple("median", ["values", "indices"])
CummaxResult = namedtuple("cummax", ["values", "indices"])
CumminResult = namedtuple("cummin", ["values", "indices"])


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
        return op.apply(x, ()), index_tensor(0)
    return op.apply(x, _along(index, axis, keepdim)), index_tensor(index)


def _arg(name: str, reduce: Any) -> Any:
    def function(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
        x = as_tensor(input)
        if dim is None:
            if x.numel() == 0:
                raise ShapeMismatchError(f"{name}() of an empty tensor: there is no element")
            found = np.asarray(reduce(x._data))
            return index_tensor(found.reshape((1,) * x.ndim) if keepdim else found)
        axis = _axis(name, x, dim)
        if axis is None:
            return index_tensor(0)
        return index_tensor(reduce(x._data, axis=axis, keepdims=keepdim))

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


# --- topk, kthvalue, median, cummax, cummin -------------------------------------------------


class TopkBackward(Index):
    node_name = "TopkBackward0"


class KthvalueBackward(Index):
    node_name = "KthvalueBackward0"


class MedianBackward(Index):
    node_name = "MedianBackward1"


class CummaxBackward(Index):
    node_name = "CummaxBackward0"


class CumminBackward(Index):
    node_name = "CumminBackward0"


def _ascending(a: np.ndarray, axis: int, descending: bool = False) -> np.ndarray:
    """The stable order along axis, NaN counted largest as in PyTorch (ties keep their
    order, one of the orders PyTorch allows: its own order of ties is unspecified)."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    nan = np.isnan(a)
    return np.lexsort((np.where(nan, 0.0, -a), ~nan), axis=axis)


def _k_in_range(name: str, k: Any, n: int, dim: Any, low: int) -> int:
    k = shapes.whole(k, f"{name}'s k")
    if not low <= k <= n:
        raise ArgumentValueError(
            f"{name}: k = {k} is out of range for dimension {dim}, of size {n} (k runs from "
            f"{low} to {n})"
        )
    return k


def topk(input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """(values, indices) of the k largest (or smallest) elements along dim, largest first;
    the gradient goes to the elements picked."""
    x = as_tensor(input)
    if x.ndim == 0:
        _k_in_range("topk", k, 1, dim, 0)
        shapes.axis(dim, 0, "topk")
        return TopkResult(*_pick(TopkBackward, x, None, None, True))
    axis = shapes.axis(dim, x.ndim, "topk")
    count = _k_in_range("topk", k, x.shape[axis], dim, 0)
    order = _ascending(x._data, axis, descending=largest)
    index = np.take(order, np.arange(count), axis=axis)
    return TopkResult(*_pick(TopkBackward, x, index, axis, True))


def kthvalue(input: Any, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """(values, indices) of the k-th smallest element along dim (k from 1)."""
    x = as_tensor(input)
    if x.ndim == 0:
        _k_in_range("kthvalue", k, 1, dim, 1)
        shapes.axis(dim, 0, "kthvalue")
        return KthvalueResult(*_pick(KthvalueBackward, x, None, None, keepdim))
    axis = shapes.axis(dim, x.ndim, "kthvalue")
    count = _k_in_range("kthvalue", k, x.shape[axis], dim, 1)
    index = np.take(_ascending(x._data, axis), [count - 1] if keepdim else count - 1, axis=axis)
    return KthvalueResult(*_pick(KthvalueBackward, x, index, axis, keepdim))


class Median(Function):
    """The lower median of all elements; tied elements share the gradient evenly, as in
    PyTorch (median along a dim sends it to the one index returned instead)."""

    node_name = "MedianBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Tensor:
        a = x._data
        if a.size == 0 or np.isnan(a).any():
            middle = np.float64(np.nan)
        else:
            middle = np.sort(a, axis=None)[(a.size - 1) // 2]
        ties = (a == middle) | (np.isnan(a) & np.isnan(middle))
        ctx.share = ties / builtins.max(int(ties.sum()), 1)
        return wrap(np.asarray(middle, dtype=np.float64))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> Tensor:
        return grad_output * wrap(ctx.share)


def median(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """median(x): the lower of the two middle elements (NaN if any is NaN); median(x, dim,
    keepdim=False): (values, indices) of the lower medians along dim."""
    x = as_tensor(input)
    if dim is None:
        if keepdim:
            raise ArgumentTypeError("median(x, keepdim=True) needs a dim: median(x, dim, True)")
        if x._data.dtype.kind in "biu" and x.numel():  # an element itself, of its own dtype
            return wrap(np.sort(x._data, axis=None)[(x.numel() - 1) // 2])
        return Median.apply(x)
    axis = _axis("median", x, dim)
    if axis is None:
        return MedianResult(*_pick(MedianBackward, x, None, None, keepdim))
    a = x._data
    order = _ascending(a, axis)
    index = np.take(order, [(a.shape[axis] - 1) // 2], axis=axis)
    nan = np.isnan(a)
    # A slice with a NaN has the median NaN, at its first NaN (PyTorch's index).
    index = np.where(nan.any(axis=axis, keepdims=True), np.argmax(nan, axis, keepdims=True), index)
    return MedianResult(
        *_pick(MedianBackward, x, index if keepdim else index.squeeze(axis), axis, keepdim)
    )


def _running(name: str, accumulate: np.ufunc, op: type[Index], result: Any):
    def function(input: Any, dim: int) -> Any:
        x = as_tensor(input)
        axis = shapes.axis(dim, x.ndim, name)
        if x.ndim == 0:
            return result(*_pick(op, x, None, None, True))
        a = x._data
        running = accumulate.accumulate(a, axis=axis)
        # The index of the latest element equal to the running extreme (PyTorch's >= and <=),
        # or of the latest NaN once one is met.
        latest = (a == running) | np.isnan(a)
        steps = np.arange(a.shape[axis]).reshape((-1,) + (1,) * (a.ndim - axis - 1))
        index = np.maximum.accumulate(np.where(latest, steps, 0), axis=axis)
        return result(*_pick(op, x, index, axis, True))

    function.__name__ = function.__qualname__ = name
    largest = "largest" if name == "cummax" else "smallest"
    function.__doc__ = (
        f"(values, indices) of the {largest} element so far along dim; a tie takes the latest "
        "index, as in PyTorch."
    )
    return function


cummax = _running("cummax", np.maximum, CummaxBackward, CummaxResult)
cummin = _running("cummin", np.minimum, CumminBackward, CumminResult)


# --- gather and scatter: elements picked and placed by index along a dim -----------------------


class GatherBackward(Index):
    node_name = "GatherBackward0"


class IndexSelectBackward(Index):
    node_name = "IndexSelectBackward0"


class MaskedSelectBackward(Index):
    node_name = "MaskedSelectBackward0"


class ScatterBackward(IndexPut):
    node_name = "ScatterBackward0"


class ScatterAdd(Function):
    """``x`` with ``src`` added at ``key`` (repeated positions add up)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, src: Tensor, key: Any) -> Tensor:
        ctx.key = key
        out = np.array(x._data, dtype=np.result_type(x._data, src._data, np.float64))
        np.add.at(out, key, src._data)
        return wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        gx = grad_output if ctx.needs_input_grad[0] else None
        gsrc = Index.apply(grad_output, ctx.key) if ctx.needs_input_grad[1] else None
        return gx, gsrc, None


def _placed(name: str, x: Tensor, dim: Any, index: Any, src: Tensor | None = None) -> Any:
    """The key that picks (or places) ``index``'s positions along dim of x: PyTorch's
    rules for gather and scatter (index as many dims as x, no larger than x apart from dim
    nor than src, every index inside the dimension)."""
    axis = shapes.axis(dim, x.ndim, name)
    positions = index_array(index, name)
    ndim = builtins.max(x.ndim, 1)
    if positions.ndim != ndim and not (x.ndim == 0 and positions.ndim == 0):
        raise ShapeMismatchError(
            f"{name}: the index must have as many dimensions as the tensor ({x.ndim}), not "
            f"{positions.ndim}"
        )
    if src is not None and builtins.max(src.ndim, 1) != ndim:
        raise ShapeMismatchError(
            f"{name}: src must have as many dimensions as the tensor ({x.ndim}), not {src.ndim}"
        )
    shape = x.shape if x.ndim else (1,)
    positions = positions.reshape(positions.shape or (1,))
    for d in range(ndim):
        if (d != axis and positions.shape[d] > shape[d]) or (
            src is not None and positions.shape[d] > (src.shape or (1,))[d]
        ):
            against = f" and to be no larger than src {tuple(src.shape)}" if src is not None else ""
            raise ShapeMismatchError(
                f"{name}: expected index {tuple(positions.shape)} to be no larger than the "
                f"tensor {tuple(x.shape)} apart from dimension {axis}{against}"
            )
    outside = positions[(positions < 0) | (positions >= shape[axis])]
    if outside.size:
        raise ShapeMismatchError(
            f"{name}: index {outside.flat[0]} is out of range for dimension {axis}, of size "
            f"{shape[axis]} (indices run from 0 to {shape[axis] - 1})"
        )
    return _along(positions, axis, True)


def _source(src: Tensor, key: Any) -> Tensor:
    """The part of src the index covers (its leading corner), as PyTorch's scatter uses."""
    shape = np.broadcast_shapes(*(np.shape(k) for k in key))
    if src.shape == shape:
        return src
    return src[tuple(slice(0, n) for n in shape)]


def gather(input: Any, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """out[i][j] = x[index[i][j]][j] (dim 0), and so on: the elements of x at index along
    dim; the gradient goes back to them (adding up where an index repeats)."""
    x = as_tensor(input)
    key = _placed("gather", x, dim, index)
    if x.ndim == 0:
        return GatherBackward.apply(x.reshape(1), key).reshape(
            np.shape(index_array(index, "gather"))
        )
    return GatherBackward.apply(x, key)


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Tensor:
    """x with src added at index along dim: out[index[i][j]][j] += src[i][j] (dim 0);
    repeated indices add up."""
    x, source = as_tensor(input), as_tensor(src)
    key = _placed("scatter_add", x, dim, index, source)
    if x.ndim == 0:
        return ScatterAdd.apply(x.reshape(1), _source(source.reshape(-1), key), key).reshape(())
    return ScatterAdd.apply(x, _source(source, key), key)


def scatter(
    input: Any,
    dim: int,
    index: Any,
    src: Any = None,
    *,
    value: Any = None,
    reduce: str | None = None,
) -> Tensor:
    """x with src's elements (or one value) written at index along dim:
    out[index[i][j]][j] = src[i][j] (dim 0). ``reduce="add"`` adds them instead,
    ``"multiply"`` multiplies (as scatter_reduce's sum and prod)."""
    x = as_tensor(input)
    if (src is None) == (value is None):
        raise ArgumentTypeError("scatter: give src (a tensor) or value (a number), one of them")
    if src is None or not isinstance(src, Tensor):
        source = as_tensor(src if value is None else value)
        if source.ndim:
            raise ArgumentTypeError("scatter: value is a single number; a tensor goes in src")
        positions = np.shape(index_array(index, "scatter"))
        source = broadcast_to(source, positions)
    else:
        source = src
    if reduce is not None:
        methods = {"add": "sum", "multiply": "prod"}
        if reduce not in methods:
            raise ArgumentValueError(f'scatter: reduce must be "add" or "multiply", not {reduce!r}')
        return scatter_reduce(x, dim, index, source, methods[reduce])
    key = _placed("scatter", x, dim, index, source)
    if x.ndim == 0:
        return ScatterBackward.apply(x.reshape(1), _source(source.reshape(-1), key), key).reshape(
            ()
        )
    return ScatterBackward.apply(x, _source(source, key), key)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(
    input: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True
) -> Tensor:
    """x with src's elements reduced into it at index along dim: ``reduce`` is "sum",
    "prod", "mean", "amax" or "amin"; ``include_self=False`` leaves x's own value out of
    the positions that src reaches. Ties of amax/amin share the gradient evenly, and prod's
    gradient is exact at zeros, as in PyTorch."""
    x, source = as_tensor(input), as_tensor(src)
    if reduce not in _REDUCTIONS:
        raise ArgumentValueError(
            f"scatter_reduce: reduce must be one of {', '.join(_REDUCTIONS)}, not {reduce!r}"
        )
    if x.ndim == 0:
        flat = scatter_reduce(
            x.reshape(1),
            0,
            index_array(index, "scatter_reduce").reshape(-1),
            source.reshape(-1),
            reduce,
            include_self=include_self,
        )
        return flat.reshape(())
    key = _placed("scatter_reduce", x, dim, index, source)
    part = _source(source, key)
    # Where each element of src lands, in x flattened, and which of x's own elements count.
    target = np.ravel_multi_index(np.broadcast_arrays(*key), x.shape).reshape(-1)
    hits = np.bincount(target, minlength=x.numel())
    own = np.ones(x.numel(), bool) if include_self else hits == 0
    if reduce in ("sum", "mean"):
        kept = x if include_self else where(_const(hits.reshape(x.shape) > 0), 0.0, x)
        total = ScatterAdd.apply(kept, part, key)
        if reduce == "sum":
            return total
        return total / _const((hits + own).reshape(x.shape))
    # prod, amax, amin: each position's values (its own if counted, then src's) in a row of
    # a padded table, reduced along the row by prod, amax or amin, whose gradients (exact at
    # zeros; split evenly between ties) are PyTorch's for scatter_reduce.
    values = cat([x.reshape(-1)[np.flatnonzero(own)], part.reshape(-1)])
    groups = np.concatenate([np.flatnonzero(own), target])
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups, minlength=x.numel())
    slots = np.empty_like(groups)
    slots[order] = np.arange(groups.size) - (np.cumsum(counts) - counts)[groups[order]]
    table_shape = (x.numel(), int(counts.max(initial=1)))
    filled = np.zeros(table_shape, dtype=bool)
    filled[groups, slots] = True
    pad = {"prod": 1.0, "amax": -np.inf, "amin": np.inf}[reduce]
    table = IndexAdd.apply(values, (groups, slots), table_shape) + _const(
        np.where(filled, 0.0, pad)
    )
    fold = {"prod": prod, "amax": amax, "amin": amin}[reduce]
    return fold(table, dim=1).reshape(x.shape)


def index_select(input: Any, dim: int, index: Any) -> Tensor:
    """The slices of x at index (a vector of whole numbers) along dim."""
    x = as_tensor(input)
    axis = shapes.axis(dim, x.ndim, "index_select")
    positions = index_array(index, "index_select")
    if positions.ndim > 1:
        raise DimensionError("index_select: the index must be a vector (or a single number)")
    n = x.shape[axis] if x.ndim else 1
    outside = positions[(positions < 0) | (positions >= n)]
    if outside.size:
        raise DimensionError(
            f"index_select: index {outside.flat[0]} is out of range for dimension {axis}, of "
            f"size {n} (indices run from 0 to {n - 1})"
        )
    if x.ndim == 0:
        return IndexSelectBackward.apply(x.reshape(1), positions.reshape(-1)).reshape(())
    return IndexSelectBackward.apply(x, (slice(None),) * axis + (positions.reshape(-1),))


def masked_select(input: Any, mask: Any) -> Tensor:
    """The elements of x where the (bool) mask is true, as a vector; x and mask broadcast."""
    x, chosen = as_tensor(input), as_tensor(mask)
    if chosen._data.dtype.kind != "b":
        raise ArgumentValueError(
            f"masked_select: the mask must be a bool tensor (a comparison such as x > 0), "
            f"not {chosen.dtype.name}"
        )
    shape = shapes.broadcast("masked_select", x.shape, chosen.shape)
    return MaskedSelectBackward.apply(broadcast_to(x, shape), np.broadcast_to(chosen._data, shape))


def take_along_dim(input: Any, indices: Any, dim: int | None = None) -> Tensor:
    """The elements of x at ``indices`` along dim, x and indices broadcast in the other dims
    (numpy's take_along_axis); without dim, of x flattened. Negative indices count from the end."""
    x = as_tensor(input)
    positions = index_array(indices, "take_along_dim")
    if dim is None:
        x, positions, axis = x.reshape(-1), positions.reshape(-1), 0
    else:
        axis = shapes.axis(dim, x.ndim, "take_along_dim")
        if positions.ndim != x.ndim:
            raise ShapeMismatchError(
                f"take_along_dim: x ({x.ndim} dimensions) and indices ({positions.ndim}) "
                "must have as many dimensions"
            )
    if x.ndim == 0:
        x, positions = x.reshape(1), positions.reshape(1)
    n = x.shape[axis]
    outside = positions[(positions < -n) | (positions >= n)]
    if outside.size:
        raise ShapeMismatchError(
            f"take_along_dim: index {outside.flat[0]} is out of range for dimension {axis}, "
            f"of size {n}"
        )
    positions = np.where(positions < 0, positions + n, positions)
    try:
        shape = np.broadcast_shapes(_at(x.shape, axis, 1), _at(positions.shape, axis, 1))
    except ValueError:
        raise ShapeMismatchError(
            f"take_along_dim: shapes {tuple(x.shape)} and {tuple(positions.shape)} cannot be "
            f"broadcast together outside dimension {axis}"
        ) from None
    x = broadcast_to(x, _at(shape, axis, n))
    positions = np.broadcast_to(positions, _at(shape, axis, positions.shape[axis]))
    return GatherBackward.apply(x, _along(positions, axis, True))


def _at(shape: tuple[int, ...], axis: int, n: int) -> tuple[int, ...]:
    """``shape`` with ``n`` at ``axis``."""
    return (*shape[:axis], n, *shape[axis + 1 :])
