"""Losses and activations under PyTorch's ``torch.nn.functional`` names."""

from gradcli.autograd.ops import (
    binary_cross_entropy_with_logits,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)

__all__ = [
    "binary_cross_entropy_with_logits",
    "log_softmax",
    "mse_loss",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]
