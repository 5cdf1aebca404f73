"""Losses and activations under PyTorch's ``torch.nn.functional`` names.

They are the engine's operations (``gradcli.autograd.ops``: ``activations``, ``losses``
and the elementwise ones), named here as PyTorch names them; ``linear`` is the one
written here.
"""

from __future__ import annotations

from typing import Any

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
from gradcli.autograd.tensor import Tensor, as_tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "cross_entropy",
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
