"""Losses and activations under PyTorch's ``torch.nn.functional`` names."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.autograd.creation import drawn_from
from gradcli.autograd.ops import (
    binary_cross_entropy_with_logits,
    log_softmax,
    matmul,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import DimensionError, SettingError, ShapeError, WholeNumberError

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """``input @ weight.T + bias``: weight is (out_features, in_features), as in PyTorch."""
    result = matmul(input, as_tensor(weight).T)
    return result if bias is None else result + bias


# --- dropout -------------------------------------------------------------------------------


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """In training, each element zeroed with probability ``p`` and the others scaled by
    1/(1-p) (so the expected value is unchanged); otherwise the input itself.

    The mask is drawn from gradcli's generator (:func:`gradcli.manual_seed` seeds it): the
    same law as PyTorch's, other draws for the same seed.
    """
    _check_probability(p)
    input = as_tensor(input)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        noise = wrap(np.float64(0.0))  # PyTorch's input * 0: an inf input gives nan
    else:
        # PyTorch's order: a 0/1 mask (kept with probability 1-p), divided by 1-p, times x.
        noise = wrap((drawn_from(None).random(input.shape) >= p) / (1 - p))
    return input.mul_(noise) if inplace else input * noise


def _check_probability(p: float) -> None:
    if not 0 <= p <= 1:
        raise SettingError(f"dropout probability has to be between 0 and 1, but got {p}")


def nll_loss(input: Any, target: Any, reduction: str = "mean", ignore_index: int = -100) -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``.

    ``input`` is (C,), (N, C) or (N, C, d1, ...), classes along dim 1 (dim 0 without a
    batch); ``target`` holds whole numbers in [0, C), or ``ignore_index`` for entries
    that count neither in the sum nor in the mean.
    """
    input = as_tensor(input)
    class_dim = 1 if input.ndim > 1 else 0
    chosen, counted = _one_hot(input, as_tensor(target), class_dim, ignore_index)
    losses = -(input * chosen).sum(class_dim)
    if reduction == "mean":
        # Over the counted targets only: nan when every one is ignored, as in PyTorch.
        count = int(counted.sum())
        return losses.sum() / count if count else losses.sum() * math.nan
    return _reduce(losses, reduction)


def cross_entropy(
    input: Any, target: Any, reduction: str = "mean", ignore_index: int = -100
) -> Tensor:
    """Cross-entropy of logits ``input`` against class indices or class probabilities.

    A ``target`` of the input's shape holds probabilities; otherwise it holds class
    indices (as :func:`nll_loss`). Built from the stable ``log_softmax``, so no logit
    overflows, and differentiable to any order.
    """
    input, target = as_tensor(input), as_tensor(target)
    class_dim = 1 if input.ndim > 1 else 0
    log_probs = log_softmax(input, class_dim)
    if target.shape != input.shape:
        return nll_loss(log_probs, target, reduction, ignore_index)
    return _reduce(-(log_probs * target).sum(class_dim), reduction)


def _one_hot(
    input: Tensor, target: Tensor, class_dim: int, ignore_index: int
) -> tuple[Tensor, np.ndarray]:
    """The targets as a 0/1 tensor of the input's shape, and where a target counts."""
    batch_shape = input.shape[:class_dim] + input.shape[class_dim + 1 :]
    if input.ndim == 0 or target.shape != batch_shape:
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
    return wrap(chosen.astype(input.numpy().dtype)), counted


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")
