"""Losses: binary cross-entropy from logits and mean squared error."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops.elementwise import sigmoid
from gradcli.autograd.ops.shape import broadcast_to
from gradcli.autograd.tensor import Tensor, as_tensor, to_array, wrap
from gradcli.errors import ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = ["binary_cross_entropy_with_logits", "mse_loss"]


def _reduce_loss(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _check_same_shape(name: str, x: Tensor, target: Tensor) -> None:
    if x.shape != target.shape:
        raise ShapeMismatchError(
            f"{name}: the target's shape {tuple(target.shape)} must equal the input's "
            f"shape {tuple(x.shape)}"
        )


class BinaryCrossEntropyWithLogits(Function):
    """``max(x, 0) - x*t + log1p(exp(-|x|))``: no overflow for any logit."""

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, reduction: str) -> Tensor:
        _check_same_shape("binary_cross_entropy_with_logits", x, target)
        a, t = x._data, target._data
        losses = np.maximum(a, 0.0) - a * t + np.log1p(np.exp(-np.abs(a)))
        ctx.save_for_backward(x, target)
        ctx.reduction, ctx.count = reduction, max(x.numel(), 1)
        return wrap(to_array(_reduce_loss(losses, reduction)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        x, target = ctx.saved_tensors
        scale = grad_output / ctx.count if ctx.reduction == "mean" else grad_output
        gx = scale * (sigmoid(x) - target) if ctx.needs_input_grad[0] else None
        gt = -scale * x if ctx.needs_input_grad[1] else None
        return _full(gx, x.shape), _full(gt, x.shape), None


class MseLoss(Function):
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, reduction: str) -> Tensor:
        _check_same_shape("mse_loss", x, target)
        ctx.save_for_backward(x, target)
        ctx.reduction, ctx.count = reduction, max(x.numel(), 1)
        return wrap(to_array(_reduce_loss((x._data - target._data) ** 2, reduction)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        x, target = ctx.saved_tensors
        scale = grad_output * (2.0 / ctx.count if ctx.reduction == "mean" else 2.0)
        diff = scale * (x - target)
        gx = diff if ctx.needs_input_grad[0] else None
        gt = -diff if ctx.needs_input_grad[1] else None
        return _full(gx, x.shape), _full(gt, x.shape), None


def _full(grad: Tensor | None, shape: tuple[int, ...]) -> Tensor | None:
    return None if grad is None else broadcast_to(grad, shape)


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input) against target, from logits, stably."""
    return BinaryCrossEntropyWithLogits.apply(as_tensor(input), as_tensor(target), reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error between input and target."""
    return MseLoss.apply(as_tensor(input), as_tensor(target), reduction)
