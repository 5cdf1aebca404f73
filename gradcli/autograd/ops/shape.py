"""Shapes, indexing and joining: reshape, permute, broadcast_to, index, cat, stack; the
triangles and diagonals (tril, triu, diag, diagonal); flip, roll; repeat, tile,
repeat_interleave, unfold; split, chunk, meshgrid.

reshape (and view, squeeze, unsqueeze, flatten), permute (transpose, t), broadcast_to
(expand) and basic indexing return views, as in PyTorch, when numpy can make one:
the result shares its input's memory (see :func:`_view`), and an in-place change of
either is seen by the other.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import index_array, index_tensor, unbroadcast
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentTypeError, DimensionError, ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "reshape",
    "permute",
    "select",
    "narrow",
    "transpose",
    "broadcast_to",
    "cat",
    "stack",
    "clone",
    "squeeze",
    "unsqueeze",
    "flatten",
    "t",
    "masked_fill",
    "index_add",
    "tril",
    "triu",
    "diag",
    "diagonal",
    "flip",
    "roll",
    "tile",
    "repeat_interleave",
    "chunk",
    "split",
    "meshgrid",
]


class Reshape(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        try:
            return wrap(np.reshape(x._data, shape))
        except ValueError:
            raise ShapeMismatchError(
                f"reshape: a tensor of shape {tuple(x.shape)} ({x.numel()} elements) "
                f"cannot take the shape {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return grad_output.reshape(ctx.input_shapes[0]), None


class Permute(Function):
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: tuple[int, ...]) -> Tensor:
        ctx.dims = dims = shapes.permutation(dims, x.ndim)
        return wrap(np.transpose(x._data, dims))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return grad_output.permute(tuple(np.argsort(ctx.dims))), None


class BroadcastTo(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        check_size(math.prod(shape), "expand", shape)
        try:
            expanded = np.broadcast_to(x._data, shape)
        except ValueError:
            raise ShapeMismatchError(
                f"expand: a tensor of shape {tuple(x.shape)} cannot be broadcast to {tuple(shape)}"
            ) from None
        if expanded.size == np.size(x._data):
            # Only dimensions of size 1 were added: a reshape, whose view numpy lets one
            # write through (a broadcast view is read-only).
            return wrap(np.reshape(x._data, shape))
        return wrap(expanded)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return unbroadcast(grad_output, ctx.input_shapes[0]), None


class Index(Function):
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, key: Any) -> Tensor:
        ctx.key = shapes.index_key(key)
        return wrap(_indexed(x._data, ctx.key))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return IndexAdd.apply(grad_output, ctx.key, ctx.input_shapes[0]), None


def _indexed(array: np.ndarray, key: Any) -> np.ndarray:
    """``array[key]``, numpy's refusals in gradcli's words (IndexError, as in PyTorch)."""
    try:
        return array[key]
    except IndexError as error:
        raise DimensionError(_index_message(str(error), array.shape)) from None
    except (TypeError, ValueError):
        raise ArgumentTypeError(
            f"a tensor of shape {tuple(array.shape)} is indexed by whole numbers, slices, "
            "boolean masks, integer tensors or lists, ... and None; not by this"
        ) from None


def _index_message(numpy_message: str, shape: tuple[int, ...]) -> str:
    bounds = re.match(
        r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", numpy_message
    )
    if bounds:
        i, axis, n = map(int, bounds.groups())
        return f"index {i} is out of range for dimension {axis}, of size {n}" + (
            f" (indices run from {-n} to {n - 1})" if n else " (it is empty)"
        )
    if numpy_message.startswith("too many indices"):
        return f"too many indices for a tensor of shape {tuple(shape)}"
    if "boolean" in numpy_message:
        return f"a boolean mask must have the shape of the dimensions it selects, {tuple(shape)}"
    return f"cannot index a tensor of shape {tuple(shape)} that way ({numpy_message})"


class IndexAdd(Function):
    """Scatter-add ``values`` into zeros of ``shape`` at ``key``: the adjoint of indexing."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx: Node, values: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
        ctx.key = key
        out = np.zeros(shape, dtype=values._data.dtype)
        np.add.at(out, key, values._data)
        return wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Index.apply(grad_output, ctx.key), None, None


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Tensor:
        if not tensors:
            raise ShapeMismatchError("cat: needs at least one tensor")
        if any(t.ndim == 0 for t in tensors):
            raise ShapeMismatchError("cat: zero-dimensional tensors cannot be joined; use stack")
        ctx.axis = shapes.axis(dim, tensors[0].ndim, "cat")
        check_size(builtins.sum(t.numel() for t in tensors), "cat")
        try:
            return wrap(np.concatenate([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            listed = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeMismatchError(
                f"cat: shapes {listed} must match except in dimension {ctx.axis}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        grads: list[Tensor | None] = [None]
        start = 0
        lead = (slice(None),) * ctx.axis
        for shape in ctx.input_shapes[1:]:
            stop = start + shape[ctx.axis]
            grads.append(grad_output[(*lead, slice(start, stop))])
            start = stop
        return tuple(grads)


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Tensor:
        if not tensors:
            raise ShapeMismatchError("stack: needs at least one tensor")
        ctx.axis = shapes.axis(dim, tensors[0].ndim + 1, "stack")
        check_size(builtins.sum(t.numel() for t in tensors), "stack")
        try:
            return wrap(np.stack([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            listed = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeMismatchError(f"stack: all shapes must be equal, got {listed}") from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        lead = (slice(None),) * ctx.axis
        return (None, *tuple(grad_output[(*lead, i)] for i in range(len(ctx.input_shapes) - 1)))


def _view(op: type[Function], x: Tensor, *args: Any) -> Tensor:
    """``op.apply(x, *args)``, a view of ``x`` when numpy made one (it shares x's memory);
    a copy otherwise, as PyTorch's reshape of a transposed tensor is."""
    data = x._share()
    out = op.apply(x, *args)
    made = out._data
    if made is data or made.base is (data if data.base is None else data.base):
        out._view_of(x, (op, args))
    return out


def replay(base: Tensor, steps: tuple[tuple[Any, tuple[Any, ...]], ...]) -> Tensor:
    """The view of ``base`` that ``steps`` (a view's ``_view_steps``) make, recorded."""
    for op, args in steps:
        base = op.apply(base, *args)
    return base


def region(shape: tuple[int, ...], steps: tuple[tuple[Any, tuple[Any, ...]], ...]) -> Any:
    """Which elements of an array of ``shape`` (flat, row-major) the view made by ``steps``
    shows: the steps replayed on the element numbers, whatever the array's layout."""
    return replay(wrap(np.arange(math.prod(shape)).reshape(shape)), steps)._data


class CopySlices(Function):
    """``base`` with the region a view shows replaced by ``value``: what an in-place
    change of a view records on its base (PyTorch's ``CopySlices``). The gradient of
    the region goes to ``value``, that of the rest to ``base``."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx: Node, base: Tensor, value: Tensor, steps: Any) -> Tensor:
        ctx.steps = steps
        out = np.array(base._data, dtype=np.result_type(base._data, value._data))
        np.put(out, region(base.shape, steps), value._data)
        return wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        gb = gv = None
        if ctx.needs_input_grad[0]:
            zeros = wrap(np.zeros(ctx.input_shapes[1], grad_output._data.dtype))
            gb = CopySlices.apply(grad_output, zeros, ctx.steps)
        if ctx.needs_input_grad[1]:
            gv = replay(grad_output, ctx.steps)
        return gb, gv, None


def reshape(input: Any, *sizes: Any, shape: Any = None) -> Tensor:
    """The same elements in a new shape (one entry may be -1): a view of ``input`` when
    numpy can make one, else a copy (as PyTorch's reshape)."""
    x = as_tensor(input)
    return _view(Reshape, x, shapes.sizes(sizes if shape is None else (shape,)))


def view(input: Any, *sizes: Any, shape: Any = None) -> Tensor:
    """The same elements in a new shape, always sharing ``input``'s memory; a shape that
    needs a copy (a transposed tensor flattened) is refused, as in PyTorch."""
    x = as_tensor(input)
    out = reshape(x, *sizes, shape=shape)
    if out._base is None:
        raise ShapeMismatchError(
            f"view: a tensor of shape {tuple(x.shape)} laid out as this one is (transposed, "
            "or sliced with steps) cannot be seen in the shape "
            f"{tuple(out.shape)} without copying it; use reshape(...), which copies, instead"
        )
    return out


def permute(input: Any, *order: Any, dims: Any = None) -> Tensor:
    """Reorder the dimensions (a view)."""
    x = as_tensor(input)
    if not order and dims is None:
        raise ArgumentTypeError("permute() needs the new order of the dimensions: x.permute(1, 0)")
    return _view(Permute, x, shapes.sizes(order if dims is None else (dims,)))


def _view_key(key: Any) -> Any:
    """A basic index (whole numbers, slices, None) that makes numpy return a view: with the
    trailing ``...`` numpy gives a 0-d view where ``a[0]`` of a vector gives a copy."""
    parts = key if type(key) is tuple else (key,)
    for part in parts:
        if part is Ellipsis or not (
            part is None
            or type(part) is slice
            or (isinstance(part, (int, np.integer)) and not isinstance(part, bool))
        ):
            return key
    return (*parts, Ellipsis)


def index(input: Any, key: Any) -> Tensor:
    """``input[key]``: a view for whole numbers, slices and None (as in PyTorch); a copy for
    masks and integer tensors or lists."""
    x = as_tensor(input)
    return _view(Index, x, _view_key(shapes.index_key(key)))


def select(input: Any, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, that dimension removed (a view)."""
    x = as_tensor(input)
    axis = shapes.axis(dim, x.ndim, "select")
    return x[(slice(None),) * axis + (shapes.whole(index, "select's index"),)]


def narrow(input: Any, dim: int, start: int, length: int) -> Tensor:
    """``length`` elements from ``start`` along ``dim`` (a view)."""
    x = as_tensor(input)
    axis = shapes.axis(dim, x.ndim, "narrow")
    first = shapes.whole(start, "narrow's start")
    count = shapes.whole(length, "narrow's length")
    size = x.shape[axis]
    if first < 0:
        first += size
    if not 0 <= first <= size or count < 0 or first + count > size:
        raise DimensionError(
            f"narrow: start {start} and length {length} do not fit in dimension {dim}, of size "
            f"{size}"
        )
    return x[(slice(None),) * axis + (slice(first, first + count),)]


def transpose(input: Any, dim0: int = 0, dim1: int = 1) -> Tensor:
    """Swap two dimensions."""
    x = as_tensor(input)
    dim0, dim1 = shapes.whole(dim0, "dim"), shapes.whole(dim1, "dim")
    if x.ndim < 2:
        for dim in (dim0, dim1):
            shapes.axis(dim, x.ndim, "transpose")
        return x if x.ndim == 0 or dim0 == dim1 else permute(x, 0)
    order = list(range(x.ndim))
    a, b = shapes.axis(dim0, x.ndim, "transpose"), shapes.axis(dim1, x.ndim, "transpose")
    order[a], order[b] = order[b], order[a]
    return permute(x, order)


def broadcast_to(input: Any, size: Sequence[int]) -> Tensor:
    """x repeated along new or size-1 dimensions (``Tensor.expand``), a view of x."""
    x = as_tensor(input)
    shape = tuple(int(n) for n in size)
    if x.shape == shape:
        return x
    return _view(BroadcastTo, x, shape)


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    return Cat.apply(dim, *[as_tensor(t) for t in tensors])


def stack(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    return Stack.apply(dim, *[as_tensor(t) for t in tensors])


class IndexPut(Function):
    """``x`` with ``x[key] = value`` (PyTorch's ``CopySlices``): the gradient of the
    assigned elements goes to ``value``, that of the others to ``x``."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx: Node, x: Tensor, value: Tensor, key: Any) -> Tensor:
        ctx.key = key
        out = np.array(x._data, copy=True)
        selected = np.shape(_indexed(out, key))
        try:
            out[key] = value._data
        except (ValueError, TypeError):
            raise ShapeMismatchError(
                f"x[index] = value: a value of shape {tuple(value.shape)} cannot fill the "
                f"selected elements, of shape {selected} (it must broadcast to them)"
            ) from None
        return wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        value_shape = ctx.input_shapes[1]
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = IndexPut.apply(grad_output, wrap(np.zeros((), grad_output._data.dtype)), ctx.key)
        if ctx.needs_input_grad[1]:
            gv = Index.apply(grad_output, ctx.key)
            if gv.ndim < len(value_shape):  # numpy drops a value's leading 1s when it assigns
                gv = gv.reshape((1,) * (len(value_shape) - gv.ndim) + gv.shape)
            gv = unbroadcast(gv, value_shape)
        return gx, gv, None


class Clone(Function):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Tensor:
        return wrap(x._data.copy())

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> Tensor:
        return grad_output


def index_put(x: Any, key: Any, value: Any) -> Tensor:
    """A copy of x with ``x[key] = value`` (what item assignment records)."""
    return IndexPut.apply(as_tensor(x), as_tensor(value), shapes.index_key(key))


def clone(input: Any) -> Tensor:
    """A copy that stays in the graph (the gradient passes straight through)."""
    return Clone.apply(as_tensor(input))


def contiguous(input: Any) -> Tensor:
    """``input`` itself when its elements lie in row-major order, else a copy that does, so
    that ``view`` can reshape it (PyTorch's ``x.t().contiguous().view(-1)``)."""
    x = as_tensor(input)
    data = x._data
    return x if type(data) is not np.ndarray or data.flags.c_contiguous else clone(x)


def squeeze(input: Any, dim: Any = None) -> Tensor:
    """Drop dimensions of size 1 (all of them, or those in ``dim``)."""
    x = as_tensor(input)
    axes = [a for a in shapes.axes(dim, x.ndim) if x.shape[a] == 1]
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def unsqueeze(input: Any, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    x = as_tensor(input)
    axis = shapes.axis(dim, x.ndim + 1, "unsqueeze")
    return x.reshape((*x.shape[:axis], 1, *x.shape[axis:]))


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions start_dim to end_dim merged into one."""
    x = as_tensor(input)
    start_dim, end_dim = shapes.whole(start_dim, "start_dim"), shapes.whole(end_dim, "end_dim")
    if x.ndim == 0:
        return x.reshape((1,))
    start = shapes.axis(start_dim, x.ndim, "flatten")
    end = shapes.axis(end_dim, x.ndim, "flatten")
    if start > end:
        raise ShapeMismatchError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return x.reshape((*x.shape[:start], -1, *x.shape[end + 1 :]))


def t(input: Any) -> Tensor:
    """The transpose of a matrix (a vector or a number is returned as it is)."""
    x = as_tensor(input)
    if x.ndim > 2:
        raise ShapeMismatchError(
            f"t() transposes a matrix; this tensor has {x.ndim} dimensions: use "
            "transpose(x, dim0, dim1) or x.mT"
        )
    return transpose(x, 0, 1) if x.ndim == 2 else x


def expand(input: Any, *sizes: Any) -> Tensor:
    """x repeated along new leading or size-1 dimensions; -1 keeps a size."""
    x = as_tensor(input)
    if not sizes:
        raise ArgumentTypeError("expand() needs the new sizes: x.expand(3, -1)")
    shape = shapes.sizes(sizes, "a size")
    lead = len(shape) - x.ndim
    if lead < 0:
        raise ShapeMismatchError(
            f"expand: {tuple(shape)} has fewer dimensions than the tensor's shape {tuple(x.shape)}"
        )
    if -1 in shape[:lead]:
        raise ShapeMismatchError(
            f"expand: the size -1 (keep the size) isn't allowed in a new leading dimension, "
            f"dimension {shape.index(-1)} of {tuple(shape)} for a tensor of shape {tuple(x.shape)}"
        )
    return broadcast_to(x, tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(shape)))


def masked_fill(input: Any, mask: Any, value: Any) -> Tensor:
    """x with ``value`` where ``mask`` is true (the gradient reaches x elsewhere); of x's
    type when x is an integer or bool tensor, as in PyTorch."""
    from gradcli.autograd.ops.elementwise import where

    x, value = as_tensor(input), as_tensor(value)
    if x._data.dtype.kind in "biu":
        value = wrap(np.asarray(value._data, dtype=x._data.dtype))
    return where(mask, value, x)


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Tensor:
    """x plus ``alpha * source`` added at ``index`` along ``dim`` (repeated indices add up)."""
    x, source = as_tensor(input), as_tensor(source)
    axis = shapes.axis(dim, x.ndim, "index_add")
    positions = shapes.index_key(index)
    if np.ndim(positions) != 1:
        raise ShapeMismatchError("index_add: the index must be a vector of whole numbers")
    key = (slice(None),) * axis + (positions,)
    expected = np.shape(_indexed(np.empty(x.shape, dtype=bool), key)) if x.ndim else ()
    if source.shape != expected:
        raise ShapeMismatchError(
            f"index_add: source has shape {tuple(source.shape)}; with this index along dim "
            f"{dim} it must be {expected}"
        )
    scaled = source if alpha == 1 else source * alpha
    return x + IndexAdd.apply(scaled, key if x.ndim else (), x.shape)


# --- triangles and diagonals -----------------------------------------------------------------


class Tril(Function):
    """The lower triangle of the last two dimensions, from diagonal k (numpy's tril)."""

    node_name = "TrilBackward0"
    keep = staticmethod(np.tril)

    @classmethod
    def _forward(cls, ctx: Node, x: Tensor, k: int) -> Tensor:
        ctx.k = k
        return wrap(cls.keep(x._data, k))

    @staticmethod
    def forward(ctx: Node, x: Tensor, k: int) -> Tensor:
        return Tril._forward(ctx, x, k)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return Tril.apply(grad_output, ctx.k), None


class Triu(Tril):
    """The upper triangle of the last two dimensions, from diagonal k (numpy's triu)."""

    node_name = "TriuBackward0"
    keep = staticmethod(np.triu)

    @staticmethod
    def forward(ctx: Node, x: Tensor, k: int) -> Tensor:
        return Triu._forward(ctx, x, k)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return Triu.apply(grad_output, ctx.k), None


def _triangle(op: type[Tril], name: str, input: Any, diagonal: int) -> Tensor:
    x = as_tensor(input)
    if x.ndim < 2:
        raise ShapeMismatchError(
            f"{name}: the tensor must have at least 2 dimensions, not shape {tuple(x.shape)}"
        )
    return op.apply(x, shapes.whole(diagonal, f"{name}'s diagonal"))


def tril(input: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of a matrix (of each matrix in the last two dims), the rest 0;
    ``diagonal`` > 0 keeps that many diagonals above the main one, < 0 drops some."""
    return _triangle(Tril, "tril", input, diagonal)


def triu(input: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of a matrix (of each matrix in the last two dims), the rest 0."""
    return _triangle(Triu, "triu", input, diagonal)


class DiagonalBackward(Index):
    node_name = "DiagonalBackward0"


class DiagBackward(IndexAdd):
    """A vector placed on a diagonal of zeros; its adjoint takes the diagonal out."""

    node_name = "DiagEmbedBackward0"


def _diagonal_key(rows: int, columns: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) positions of diagonal ``offset`` of a rows-by-columns matrix."""
    length = max(0, min(rows + min(offset, 0), columns - max(offset, 0)))
    steps = np.arange(length)
    return steps - min(offset, 0), steps + max(offset, 0)


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` of the matrices in dims dim1 and dim2, as a last dimension
    (a copy: in PyTorch a view)."""
    x = as_tensor(input)
    a, b = shapes.axis(dim1, x.ndim, "diagonal"), shapes.axis(dim2, x.ndim, "diagonal")
    if a == b:
        raise ShapeMismatchError(f"diagonal: dim1 and dim2 cannot both be {dim1} (dimension {a})")
    return _diagonal_of(x, shapes.whole(offset, "diagonal's offset"), a, b)


def _diagonal_of(x: Tensor, offset: int, a: int, b: int) -> Tensor:
    moved = x.permute(*[i for i in range(x.ndim) if i not in (a, b)], a, b)
    rows, columns = _diagonal_key(x.shape[a], x.shape[b], offset)
    return DiagonalBackward.apply(moved, (Ellipsis, rows, columns))


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """A vector as a square matrix with it on diagonal k (zeros elsewhere); a matrix's
    diagonal k as a vector."""
    x = as_tensor(input)
    k = shapes.whole(diagonal, "diag's diagonal")
    if x.ndim == 2:
        return _diagonal_of(x, k, 0, 1)
    if x.ndim != 1:
        raise ShapeMismatchError(
            f"diag takes a vector or a matrix, not a tensor of shape {tuple(x.shape)}"
        )
    n = x.shape[0] + builtins.abs(k)
    return DiagBackward.apply(x, _diagonal_key(n, n, k), (n, n))


# --- flip and roll ---------------------------------------------------------------------------


class Flip(Function):
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, axes: tuple[int, ...]) -> Tensor:
        ctx.axes = axes
        return wrap(np.flip(x._data, axes).copy() if axes else np.array(x._data, copy=True))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return Flip.apply(grad_output, ctx.axes), None


def flip(input: Any, *dims: Any) -> Tensor:
    """The elements in reverse order along each of dims (a copy, as in PyTorch)."""
    x = as_tensor(input)
    if not dims:
        raise ArgumentTypeError(
            "flip needs the dims to reverse, as in flip(x, [0, 1]) or x.flip(0)"
        )
    return Flip.apply(x, shapes.distinct_axes(dims[0] if len(dims) == 1 else dims, x.ndim, "flip"))


class Roll(Function):
    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shifts: tuple[int, ...], axes: Any) -> Tensor:
        ctx.shifts, ctx.axes = shifts, axes
        return wrap(np.roll(x._data, shifts, axes))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Roll.apply(grad_output, tuple(-s for s in ctx.shifts), ctx.axes), None, None


def roll(input: Any, shifts: Any, dims: Any = None) -> Tensor:
    """The elements shifted along dims, those that leave at one end coming back at the
    other; without dims, of the flattened tensor (its shape kept)."""
    x = as_tensor(input)
    moves, axes = shapes.rolls(shifts, dims, x.ndim)
    if x.ndim == 0:
        return clone(x)
    return Roll.apply(x, moves, axes)


# --- repeat, tile, repeat_interleave, unfold ---------------------------------------------------


def repeat(input: Any, *sizes: Any) -> Tensor:
    """``x.repeat(2, 3)``: x tiled that many times along each dimension (more sizes than
    dims add leading dimensions); the gradient sums the copies."""
    x = as_tensor(input)
    times = shapes.sizes(sizes, "a repeat count")
    if len(times) < x.ndim:
        raise ShapeMismatchError(
            f"repeat: {len(times)} counts for a tensor of {x.ndim} dimensions; give one count "
            "per dimension (more add leading dimensions)"
        )
    if any(n < 0 for n in times):
        raise ShapeMismatchError(f"repeat: counts cannot be negative, got {tuple(times)}")
    shape = (1,) * (len(times) - x.ndim) + tuple(x.shape)
    # Each dimension of size n as (1, n), expanded to (count, n), then merged: copies of x
    # one after another, and expand's gradient sums them.
    interleaved = tuple(v for n in shape for v in (1, n))
    copies = tuple(v for n, r in zip(shape, times, strict=True) for v in (r, n))
    merged = tuple(n * r for n, r in zip(shape, times, strict=True))
    return x.reshape(interleaved).expand(*copies).reshape(merged)


def tile(input: Any, dims: Any) -> Tensor:
    """x repeated along each dimension; fewer counts than dims leave the leading ones as they are."""
    x = as_tensor(input)
    times = shapes.sizes(dims if isinstance(dims, (list, tuple)) else (dims,), "a repeat count")
    return repeat(x, *((1,) * (x.ndim - len(times)) + times))


class RepeatInterleaveBackward(Index):
    node_name = "IndexSelectBackward0"


def repeat_interleave(
    input: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """Each element (or slice along dim) repeated ``repeats`` times in place: a number, or a
    count per element; without dim, of the flattened tensor. ``repeat_interleave(counts)``
    alone gives the indices 0, 0, 1, ... that those counts make."""
    if repeats is None:
        counts = index_array(input, "repeat_interleave")
        if counts.ndim > 1 or np.any(counts < 0):
            raise ShapeMismatchError(
                "repeat_interleave: counts are a vector of non-negative numbers"
            )
        return index_tensor(np.repeat(np.arange(counts.size), counts.reshape(-1)))
    x = as_tensor(input)
    if dim is None:
        x, axis = x.reshape(-1), 0
    else:
        axis = shapes.axis(dim, x.ndim, "repeat_interleave")
        if x.ndim == 0:
            x = x.reshape(1)
    counts = index_array(repeats, "repeat_interleave's repeats").reshape(-1)
    n = x.shape[axis]
    if counts.size not in (1, n):
        raise ShapeMismatchError(
            f"repeat_interleave: {counts.size} repeats for {n} elements along dim {axis}; give "
            "one count, or one per element"
        )
    if np.any(counts < 0):
        raise ShapeMismatchError("repeat_interleave: repeats cannot be negative")
    positions = np.repeat(np.arange(n), np.broadcast_to(counts, (n,)))
    if output_size is not None and output_size != positions.size:
        raise ShapeMismatchError(
            f"repeat_interleave: output_size is {output_size}, but the repeats make {positions.size}"
        )
    return RepeatInterleaveBackward.apply(x, (slice(None),) * axis + (positions,))


class UnfoldBackward(Index):
    node_name = "UnfoldBackward0"


def unfold(input: Any, dimension: int, size: int, step: int) -> Tensor:
    """``x.unfold(dim, size, step)``: the windows of ``size`` elements along dim, ``step``
    apart, in a new last dimension (a copy: in PyTorch a view)."""
    x = as_tensor(input)
    axis = shapes.axis(dimension, x.ndim, "unfold")
    width = shapes.whole(size, "unfold's size")
    stride = shapes.whole(step, "unfold's step")
    n = x.shape[axis] if x.ndim else 1
    if width < 0 or width > n:
        raise ShapeMismatchError(
            f"unfold: size {width} does not fit dimension {dimension}, of size {n}"
        )
    if stride <= 0:
        raise ShapeMismatchError(f"unfold: step must be positive, not {stride}")
    if x.ndim == 0:  # PyTorch takes a single number as one element
        return x.reshape(1)[:width]
    windows = np.arange((n - width) // stride + 1)[:, None] * stride + np.arange(width)
    picked = UnfoldBackward.apply(x, (slice(None),) * axis + (windows,))
    # The window's elements are at axis + 1: they go last, as PyTorch's.
    return picked.permute(*[i for i in range(picked.ndim) if i != axis + 1], axis + 1)


# --- split, chunk, meshgrid -------------------------------------------------------------------


def split(tensor: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces along dim: of ``split_size`` each (the last may be shorter), or of the sizes
    in a list (which must add up to the dimension's size). Views of the tensor."""
    x = as_tensor(tensor)
    axis = shapes.axis(dim, x.ndim, "split")
    if x.ndim == 0:
        raise ShapeMismatchError("split: a single number has no dimension to split")
    n = x.shape[axis]
    sections = split_size_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, (list, tuple)):
        sizes = [shapes.whole(k, "split's sizes") for k in sections]
        if builtins.sum(sizes) != n or any(k < 0 for k in sizes):
            raise ShapeMismatchError(
                f"split: sizes {sizes} must be non-negative and add up to {n}, the size of "
                f"dimension {dim}"
            )
    else:
        size = shapes.whole(sections, "split's size")
        if size < 0 or (size == 0 and n):
            raise ShapeMismatchError(f"split: a piece size must be positive, not {size}")
        # An empty dimension splits into one empty piece, as in PyTorch.
        sizes = ([size] * (n // size) + ([n % size] if n % size else []) if size else []) or [0]
    starts = np.cumsum([0, *sizes])[:-1]
    return tuple(narrow(x, axis, int(start), k) for start, k in zip(starts, sizes, strict=True))


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """At most ``chunks`` pieces along dim, of equal size but for the last (views)."""
    x = as_tensor(input)
    count = shapes.whole(chunks, "chunk's chunks")
    if count <= 0:
        raise ShapeMismatchError(f"chunk: the number of chunks must be positive, not {count}")
    axis = shapes.axis(dim, x.ndim, "chunk")
    n = x.shape[axis] if x.ndim else 0
    return split(x, max(1, -(-n // count)), axis)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from vectors: with ``indexing="ij"`` (the default) output k varies
    along dimension k; with ``"xy"`` the first two dimensions swap (as numpy's default)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in (None, "ij", "xy"):
        raise ArgumentTypeError(f'meshgrid: indexing must be "ij" or "xy", not {indexing!r}')
    vectors = [as_tensor(t) for t in tensors]
    for t in vectors:
        if t.ndim > 1:
            raise ShapeMismatchError(
                f"meshgrid takes vectors (or single numbers), not a tensor of shape {tuple(t.shape)}"
            )
    vectors = [t.reshape(-1) for t in vectors]
    order = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) > 1:
        order[0], order[1] = 1, 0
    shape = tuple(vectors[k].shape[0] for k in order)
    grids = []
    for k, t in enumerate(vectors):
        position = order.index(k)
        grids.append(
            t.reshape(tuple(n if i == position else 1 for i, n in enumerate(shape))).expand(*shape)
        )
    return tuple(grids)


# --- padding (nn.functional.pad's constant mode) ---------------------------------------------


class ConstantPad(Function):
    """x surrounded by ``value``, ``widths`` (before, after) elements per dimension."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, widths: tuple[tuple[int, int], ...], value: float) -> Tensor:
        ctx.key = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
        return wrap(np.pad(x._data, widths, constant_values=value))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Index.apply(grad_output, ctx.key), None, None
