"""The autograd engine: ``Tensor``, ``Function``, the op table and the backward pass.

Nothing in this package knows about parsing or the command line.
"""

from gradcli.autograd import functional
from gradcli.autograd.engine import backward, grad
from gradcli.autograd.function import (
    Function,
    Node,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from gradcli.autograd.gradcheck import gradcheck, gradgradcheck
from gradcli.autograd.tensor import Tensor

__all__ = [
    "Function",
    "Node",
    "Tensor",
    "backward",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]
