"""Losses and activations under PyTorch's ``torch.nn.functional`` names.

They are the engine's operations (``gradcli.autograd.ops``: ``activations``, ``losses``
and the elementwise ones), named here as PyTorch names them; ``linear`` is the one
written here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.autograd.creation import drawn_from
from gradcli.autograd.ops import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    celu,
    cross_entropy,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    huber_loss,
    kl_div,
    l1_loss,
    leaky_relu,
    log_softmax,
    logsigmoid,
    matmul,
    mish,
    mse_loss,
    nll_loss,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    smooth_l1_loss,
    softmax,
    softmin,
    softplus,
    softsign,
    tanh,
)
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import SettingError

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "cross_entropy",
    "dropout",
    "elu",
    "gelu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "mish",
    "mse_loss",
    "nll_loss",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
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
