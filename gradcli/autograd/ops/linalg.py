"""Linear algebra: matrix product and inner product."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _two_input, unbroadcast
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = ["matmul", "dot", "mm"]


def _matmul_shape(xs: tuple[int, ...], ys: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``x @ y`` (ValueError where the batch dimensions do not broadcast)."""
    batch = np.broadcast_shapes(xs[:-2], ys[:-2])
    return (*batch, *xs[-2:-1], *(ys[-1:] if len(ys) > 1 else ()))


class Matmul(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim == 0 or y.ndim == 0:
            raise ShapeMismatchError(
                f"@: matmul needs operands with at least one dimension, got shapes "
                f"{tuple(x.shape)} and {tuple(y.shape)}; use * for scalars"
            )
        ctx.save_for_backward(x, y)
        if x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0]:
            try:
                shape = _matmul_shape(x.shape, y.shape)
            except ValueError:
                raise ShapeMismatchError(
                    f"@: the batch dimensions of shapes {tuple(x.shape)} and "
                    f"{tuple(y.shape)} cannot be broadcast together"
                ) from None
            check_size(math.prod(shape), "@", shape)
        try:
            return wrap(np.matmul(x._data, y._data))
        except ValueError:
            inner_y = y.shape[-2] if y.ndim > 1 else y.shape[0]
            raise ShapeMismatchError(
                f"@: shapes {tuple(x.shape)} and {tuple(y.shape)} do not fit: the last "
                f"dimension on the left ({x.shape[-1]}) must equal the "
                f"{'second-to-last' if y.ndim > 1 else 'only'} one on the right ({inner_y})"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        # Treat vectors as 1-by-n and n-by-1 matrices, then undo it.
        x2 = x.reshape((1, x.shape[0])) if x.ndim == 1 else x
        y2 = y.reshape((y.shape[0], 1)) if y.ndim == 1 else y
        batch = np.broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
        g = grad_output.reshape((*batch, x2.shape[-2], y2.shape[-1]))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = unbroadcast(g @ y2.mT, x2.shape).reshape(x.shape)
        if ctx.needs_input_grad[1]:
            gy = unbroadcast(x2.mT @ g, y2.shape).reshape(y.shape)
        return gx, gy


class Dot(Function):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
            raise ShapeMismatchError(
                f"dot: needs two vectors of the same length, got shapes {tuple(x.shape)} "
                f"and {tuple(y.shape)}"
            )
        ctx.save_for_backward(x, y)
        return wrap(np.dot(x._data, y._data))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (grad_output * y if need_x else None), (grad_output * x if need_y else None)


matmul = _two_input(Matmul, "Matrix product with numpy's rules for vectors and batches (x @ y).")


def dot(input: Any, tensor: Any) -> Tensor:
    """Inner product of two vectors of the same length."""
    return Dot.apply(as_tensor(input), as_tensor(tensor))


def mm(input: Any, mat2: Any) -> Tensor:
    """The product of two matrices (no broadcasting, as in PyTorch)."""
    x, y = as_tensor(input), as_tensor(mat2)
    if x.ndim != 2 or y.ndim != 2:
        raise ShapeMismatchError(
            f"mm multiplies two matrices, not shapes {tuple(x.shape)} and {tuple(y.shape)}; "
            "matmul (or @) takes vectors and batches"
        )
    return Matmul.apply(x, y)
