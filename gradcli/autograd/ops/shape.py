"""Shapes, indexing and joining: reshape, permute, broadcast_to, index, cat, stack."""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import unbroadcast
from gradcli.autograd.tensor import Tensor, _wrap, as_tensor
from gradcli.errors import ShapeError


class Reshape(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        try:
            return _wrap(np.reshape(x._data, shape))
        except ValueError:
            raise ShapeError(
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
        return _wrap(np.transpose(x._data, dims))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return grad_output.permute(tuple(np.argsort(ctx.dims))), None


class BroadcastTo(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        check_size(math.prod(shape), "expand", shape)
        try:
            return _wrap(np.broadcast_to(x._data, shape))
        except ValueError:
            raise ShapeError(
                f"expand: a tensor of shape {tuple(x.shape)} cannot be broadcast to {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return unbroadcast(grad_output, ctx.input_shapes[0]), None


class Index(Function):
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, key: Any) -> Tensor:
        ctx.key = shapes.index_key(key)
        try:
            return _wrap(x._data[ctx.key])
        except IndexError as error:
            raise ShapeError(f"indexing a tensor of shape {tuple(x.shape)}: {error}") from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return IndexAdd.apply(grad_output, ctx.key, ctx.input_shapes[0]), None


class IndexAdd(Function):
    """Scatter-add ``values`` into zeros of ``shape`` at ``key``: the adjoint of indexing."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx: Node, values: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
        ctx.key = key
        out = np.zeros(shape, dtype=values.dtype)
        np.add.at(out, key, values._data)
        return _wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Index.apply(grad_output, ctx.key), None, None


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Tensor:
        if not tensors:
            raise ShapeError("cat: needs at least one tensor")
        if any(t.ndim == 0 for t in tensors):
            raise ShapeError("cat: zero-dimensional tensors cannot be joined; use stack")
        (ctx.axis,) = shapes.axes(dim, tensors[0].ndim)
        check_size(builtins.sum(t.numel() for t in tensors), "cat")
        try:
            return _wrap(np.concatenate([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            listed = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(
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
            raise ShapeError("stack: needs at least one tensor")
        (ctx.axis,) = shapes.axes(dim, tensors[0].ndim + 1)
        check_size(builtins.sum(t.numel() for t in tensors), "stack")
        try:
            return _wrap(np.stack([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            listed = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(f"stack: all shapes must be equal, got {listed}") from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        lead = (slice(None),) * ctx.axis
        return (None, *tuple(grad_output[(*lead, i)] for i in range(len(ctx.input_shapes) - 1)))


def reshape(x: Any, *shape: Any) -> Tensor:
    """The same elements in a new shape (one entry may be -1)."""
    return Reshape.apply(as_tensor(x), shapes.sizes(shape))


def permute(x: Any, *dims: Any) -> Tensor:
    """Reorder the dimensions."""
    return Permute.apply(as_tensor(x), shapes.sizes(dims))


def transpose(x: Any, dim0: int = 0, dim1: int = 1) -> Tensor:
    """Swap two dimensions."""
    x = as_tensor(x)
    if x.ndim < 2:
        return x if x.ndim == 0 or dim0 == dim1 else permute(x, 0)
    order = list(range(x.ndim))
    a, b = shapes.axes(dim0, x.ndim)[0], shapes.axes(dim1, x.ndim)[0]
    order[a], order[b] = order[b], order[a]
    return permute(x, order)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """x repeated along new or size-1 dimensions (``Tensor.expand``)."""
    x = as_tensor(x)
    shape = tuple(int(n) for n in shape)
    if x.shape == shape:
        return x
    return BroadcastTo.apply(x, shape)


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    return Cat.apply(dim, *[as_tensor(t) for t in tensors])


def stack(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    return Stack.apply(dim, *[as_tensor(t) for t in tensors])


def _unsqueeze(x: Tensor, dim: int) -> Tensor:
    (axis,) = shapes.axes(dim, x.ndim + 1)
    return x.reshape((*x.shape[:axis], 1, *x.shape[axis:]))


def _squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    axes = [a for a in shapes.axes(dim, x.ndim) if x.shape[a] == 1]
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _expand(x: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    lead = len(shape) - x.ndim
    full = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
    return broadcast_to(x, full)
