"""Losses, as ``torch.nn.functional`` has them, with PyTorch's arguments and numbers.

Each takes ``reduction`` ("mean", "sum" or "none"; ``kl_div`` also "batchmean") and, where
PyTorch still does, the legacy ``size_average`` and ``reduce``, which decide the reduction
when given (:func:`reduction_of`). Class-index targets (``nll_loss``, ``cross_entropy``)
are whole numbers of any dtype: int64 tensors, lists, or floats with whole values.

Binary cross-entropy (from probabilities or from logits) and the squared error have their
own backward; the others are composed of differentiable operations, so every gradient can
be differentiated again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops.elementwise import abs, clamp, exp, log, sigmoid, where
from gradcli.autograd.ops.reductions import log_softmax
from gradcli.autograd.ops.shape import broadcast_to
from gradcli.autograd.tensor import Tensor, as_tensor, to_array, wrap
from gradcli.errors import (
    ArgumentValueError,
    DimensionError,
    ShapeError,
    ShapeMismatchError,
    WholeNumberError,
)

# The operations, as gradcli.X (functions only, as in PyTorch: no x.mse_loss(...)).
__all__ = [
    "binary_cross_entropy_with_logits",
    "mse_loss",
    "nll_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
]

_REDUCTIONS = ("mean", "sum", "none")


def reduction_of(
    reduction: str, size_average: bool | None = None, reduce: bool | None = None
) -> str:
    """The reduction a loss applies: PyTorch's legacy ``size_average`` and ``reduce`` decide
    it when either is given (``reduce=False`` is "none", ``size_average=False`` "sum"),
    else ``reduction``, which must be one PyTorch knows."""
    if size_average is not None or reduce is not None:
        if reduce is False:
            return "none"
        return "sum" if size_average is False else "mean"
    if reduction not in _REDUCTIONS:
        raise ArgumentValueError(
            f"{reduction!r} is not a valid value for reduction: use 'mean', 'sum' or 'none'"
        )
    return reduction


def _reduce_loss(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    return values


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _check_same_shape(name: str, x: Tensor, target: Tensor) -> None:
    if x.shape != target.shape:
        raise ShapeMismatchError(
            f"{name}: the target's shape {tuple(target.shape)} must equal the input's "
            f"shape {tuple(x.shape)}"
        )


def _full(grad: Tensor | None, shape: tuple[int, ...]) -> Tensor | None:
    return None if grad is None else broadcast_to(grad, shape)


# --- with a backward of their own -------------------------------------------------------------


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


# PyTorch's EPSILON, written as a float literal there: 1e-12 rounded to float32. It bounds
# x·(1 - x) below in the gradient, which is finite at x = 0 and 1 (a convention: the
# derivative is infinite there), so gradcli takes the same number.
_BCE_EPSILON = float(np.float32(1e-12))


class BinaryCrossEntropy(Function):
    """``-w·(t·log(x) + (1 - t)·log(1 - x))``, each log at least -100, as PyTorch clamps it
    so that x = 0 or 1 gives a loss of 100 rather than inf."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, weight: Tensor, reduction: str) -> Tensor:
        a, t = x._data, target._data
        if np.any((a < 0) | (a > 1) | np.isnan(a)):
            raise ArgumentValueError(
                "binary_cross_entropy: all elements of input should be between 0 and 1 (for "
                "logits, use binary_cross_entropy_with_logits)"
            )
        losses = (t - 1.0) * np.maximum(np.log1p(-a), -100.0) - t * np.maximum(np.log(a), -100.0)
        ctx.save_for_backward(x, target, weight)
        ctx.reduction, ctx.count = reduction, max(x.numel(), 1)
        return wrap(to_array(_reduce_loss(losses * weight._data, reduction)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None, None]:
        x, target, weight = ctx.saved_tensors
        scale = (grad_output / ctx.count if ctx.reduction == "mean" else grad_output) * weight
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = scale * (x - target) / clamp((1.0 - x) * x, min=_BCE_EPSILON)
        if ctx.needs_input_grad[1]:
            gt = -scale * log(x / (1.0 - x))  # PyTorch's: -logit(x), unclamped
        return _full(gx, x.shape), _full(gt, x.shape), None, None


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input) against target, from logits, stably."""
    return BinaryCrossEntropyWithLogits.apply(
        as_tensor(input), as_tensor(target), reduction_of(reduction)
    )


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error between input and target."""
    return MseLoss.apply(as_tensor(input), as_tensor(target), reduction_of(reduction))


def binary_cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of probabilities ``input`` against ``target`` (same shape), each
    element's loss times ``weight`` (broadcast to the input's shape) if given."""
    x, target = as_tensor(input), as_tensor(target)
    reduction = reduction_of(reduction, size_average, reduce)
    if x.shape != target.shape:
        raise ShapeMismatchError(
            f"binary_cross_entropy: the target's shape {tuple(target.shape)} must equal the "
            f"input's shape {tuple(x.shape)}"
        )
    if weight is None:
        weights = wrap(np.ones(()))
    else:
        weights = as_tensor(weight).detach()
        try:
            np.broadcast_to(weights._data, x.shape)
        except ValueError:
            raise ShapeMismatchError(
                f"binary_cross_entropy: weight of shape {tuple(weights.shape)} does not "
                f"broadcast to the input's shape {tuple(x.shape)}"
            ) from None
    return BinaryCrossEntropy.apply(x, target, weights, reduction)


# --- composed of differentiable operations -----------------------------------------------------


def l1_loss(
    input: Any,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean absolute error |input - target|; its gradient is 0 where they are equal."""
    x, target = as_tensor(input), as_tensor(target)
    reduction = reduction_of(reduction, size_average, reduce)
    _check_same_shape("l1_loss", x, target)
    return _reduce(abs(x - target), reduction)


def smooth_l1_loss(
    input: Any,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5·d²/beta where |d| < beta, |d| - 0.5·beta elsewhere, d = input - target;
    beta = 0 is the L1 loss."""
    x, target = as_tensor(input), as_tensor(target)
    reduction = reduction_of(reduction, size_average, reduce)
    _check_same_shape("smooth_l1_loss", x, target)
    if beta < 0:
        raise ArgumentValueError("smooth_l1_loss does not support negative values for beta")
    if beta == 0:
        return l1_loss(x, target, reduction=reduction)
    z = abs(x - target)
    return _reduce(where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5·d² where |d| < delta, delta·(|d| - 0.5·delta) elsewhere: smooth_l1_loss times
    delta."""
    x, target = as_tensor(input), as_tensor(target)
    reduction = reduction_of(reduction)
    _check_same_shape("huber_loss", x, target)
    if not delta > 0:
        raise ArgumentValueError("huber_loss does not support non-positive values for delta")
    z = abs(x - target)
    return _reduce(where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


def kl_div(
    input: Any,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``, pointwise
    ``t·(log t - input)`` (0 where t = 0), or ``e**t·(t - input)`` with ``log_target``.

    ``reduction="batchmean"`` divides the sum by the batch size (the first dimension),
    which is the divergence's definition; "mean" divides by the number of elements.
    """
    x, t = as_tensor(input), as_tensor(target)
    batchmean = reduction == "batchmean" and size_average is None and reduce is None
    reduction = "sum" if batchmean else reduction_of(reduction, size_average, reduce)
    if log_target:
        losses = exp(t) * (t - x)
    else:
        # t·log(t) is 0 at t = 0 (PyTorch's xlogy), and no 0·(-inf) reaches the gradient
        zero = wrap(t._data == 0)
        losses = t * log(where(zero, 1.0, t)) - t * x
    total = _reduce(losses, reduction)
    return total / x.shape[0] if batchmean and x.ndim else total


# --- class indices: nll_loss and cross_entropy ------------------------------------------------


def _class_dim(name: str, input: Tensor) -> int:
    """Where the classes are: dim 1 of a batch, dim 0 of one sample's (C,) scores."""
    if input.ndim == 0:
        raise DimensionError(
            f"{name}: expected 1 or more dimensions (got 0): the input holds a score per "
            "class, of shape (C,), (N, C) or (N, C, d1, ...)"
        )
    return 1 if input.ndim > 1 else 0


def _class_targets(
    input: Tensor, target: Tensor, class_dim: int, ignore_index: int
) -> tuple[np.ndarray, np.ndarray]:
    """The targets as a 0/1 array of the input's shape, and where a target counts."""
    batch_shape = input.shape[:class_dim] + input.shape[class_dim + 1 :]
    if target.shape != batch_shape:
        raise ShapeError(
            f"class-index targets for input of shape {tuple(input.shape)} must have shape "
            f"{batch_shape} (the input without its class dimension {class_dim}), not "
            f"{tuple(target.shape)}; class probabilities must have the input's shape"
        )
    classes, labels = input.shape[class_dim], np.asarray(target.numpy())
    counted = labels != ignore_index
    wanted = labels[counted]
    fractional = wanted[wanted != np.round(wanted)]
    if fractional.size:
        raise WholeNumberError(
            f"target {fractional[0]:g} is not a class index: class indices are whole numbers "
            "(class probabilities must have the input's shape)"
        )
    outside = wanted[(wanted < 0) | (wanted >= classes)]
    if outside.size:
        raise DimensionError(
            f"target {outside[0]:g} is not a class index: with {classes} classes, targets "
            f"run from 0 to {classes - 1} (or are ignore_index={ignore_index})"
        )
    positions = np.arange(classes).reshape((classes,) + (1,) * (input.ndim - class_dim - 1))
    chosen = (np.expand_dims(labels, class_dim) == positions) & np.expand_dims(counted, class_dim)
    return chosen.astype(np.float64), counted


def _class_weights(weight: Any, input: Tensor, class_dim: int) -> np.ndarray:
    """``weight``, one number per class, shaped to broadcast along the class dimension
    (PyTorch takes no gradient for it)."""
    classes = input.shape[class_dim]
    values = np.asarray(as_tensor(weight).numpy(), dtype=np.float64)
    if values.shape != (classes,):
        raise ShapeMismatchError(
            f"weight tensor should be defined either for all {classes} classes or no classes "
            f"but got weight tensor of shape: {list(values.shape)}"
        )
    return values.reshape((classes,) + (1,) * (input.ndim - class_dim - 1))


def _weighted_sum(losses: Tensor, total: float, counted: np.ndarray) -> Tensor:
    """The mean of the counted losses, weighted: their sum over their total weight. With
    nothing counted it is nan, and the gradient 0 (PyTorch's); a total weight of 0 over
    counted targets is 0/0, nan with its gradient."""
    if total == 0 and not counted.any():
        return losses.sum() + math.nan
    return losses.sum() / total


def nll_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``.

    ``input`` is (C,), (N, C) or (N, C, d1, ...), classes along dim 1 (dim 0 without a
    batch); ``target`` holds whole numbers in [0, C), or ``ignore_index`` for entries
    that count neither in the sum nor in the mean. With ``weight`` (one number per class)
    each loss is scaled by its class's weight, and the mean divides by the weights' sum.
    """
    input = as_tensor(input)
    reduction = reduction_of(reduction, size_average, reduce)
    class_dim = _class_dim("nll_loss", input)
    chosen, counted = _class_targets(input, as_tensor(target), class_dim, ignore_index)
    if weight is not None:
        chosen = chosen * _class_weights(weight, input, class_dim)
    losses = -(input * wrap(chosen)).sum(class_dim)
    if reduction == "mean":
        return _weighted_sum(losses, float(chosen.sum()), counted)
    return _reduce(losses, reduction)


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits ``input`` against class indices or class probabilities.

    A ``target`` of the input's shape holds probabilities; otherwise it holds class
    indices (as :func:`nll_loss`, with its ``weight`` and ``ignore_index``).
    ``label_smoothing`` = ε mixes each target with the uniform distribution, PyTorch's
    (1 - ε)·target + ε/C. Built from the stable ``log_softmax``, so no logit overflows,
    and differentiable to any order.
    """
    input, target = as_tensor(input), as_tensor(target)
    reduction = reduction_of(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ArgumentValueError(
            f"label_smoothing must be between 0.0 and 1.0, not {label_smoothing}"
        )
    class_dim = _class_dim("cross_entropy", input)
    log_probs = log_softmax(input, class_dim)
    classes = input.shape[class_dim]
    weights = None if weight is None else _class_weights(weight, input, class_dim)
    weighted = log_probs if weights is None else log_probs * wrap(weights)
    if target.shape == input.shape:
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / classes
        return _reduce(-(weighted * target).sum(class_dim), reduction)
    nll = nll_loss(log_probs, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0:
        return nll
    # The uniform part: -Σ_c w_c·log p_c per counted target, reduced as nll_loss reduces.
    chosen, counted = _class_targets(input, target, class_dim, ignore_index)
    smooth = -weighted.sum(class_dim) * wrap(counted.astype(np.float64))
    if reduction == "mean":
        total = float((chosen * weights).sum()) if weights is not None else float(counted.sum())
        smooth = _weighted_sum(smooth, total, counted)
    else:
        smooth = _reduce(smooth, reduction)
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / classes)
