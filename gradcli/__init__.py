"""gradcli: exact derivatives from the shell, on a small reverse-mode autograd engine.

The library mirrors PyTorch's names, so ``import gradcli as torch`` runs most
autograd tutorials unchanged::

    import gradcli as torch

    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    x.grad          # tensor([ 0.,  4.,  8., 12.])
"""

from gradcli import autograd, nn
from gradcli.autograd.creation import (
    MAX_ELEMENTS,
    arange,
    eye,
    full,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from gradcli.autograd.function import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from gradcli.autograd.ops import (
    abs,
    acos,
    acosh,
    add,
    amax,
    amin,
    asin,
    asinh,
    atan,
    atanh,
    binary_cross_entropy_with_logits,
    broadcast_to,
    cat,
    clamp,
    cos,
    cosh,
    div,
    dot,
    eq,
    exp,
    expm1,
    ge,
    gt,
    le,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logsumexp,
    lt,
    matmul,
    maximum,
    mean,
    minimum,
    mse_loss,
    mul,
    ne,
    neg,
    norm,
    permute,
    pow,
    prod,
    relu,
    reshape,
    sigmoid,
    sign,
    sin,
    sinh,
    softmax,
    softplus,
    sqrt,
    stack,
    sub,
    sum,
    tan,
    tanh,
    transpose,
    where,
)
from gradcli.autograd.tensor import Tensor, as_tensor, complex128, float64

max = amax  # torch.max(x) with one argument is the full reduction
min = amin

__version__ = "0.1.0"

__all__ = [
    "MAX_ELEMENTS", "Tensor", "abs", "acos", "acosh", "add", "amax", "amin", "arange",
    "as_tensor", "asin", "asinh", "atan", "atanh", "autograd", "binary_cross_entropy_with_logits",
    "broadcast_to", "cat", "clamp", "complex128", "cos", "cosh", "div", "dot", "enable_grad",
    "eq", "exp", "expm1", "eye", "float64", "full", "ge", "gt", "is_grad_enabled", "le",
    "linspace", "log", "log1p", "log2", "log10", "log_softmax", "logsumexp", "lt",
    "manual_seed", "matmul", "max", "maximum", "mean", "min", "minimum", "mse_loss", "mul",
    "ne", "neg", "nn", "no_grad", "norm", "ones", "ones_like", "permute", "pow", "prod",
    "rand", "randn", "relu", "reshape", "set_grad_enabled", "sigmoid", "sign", "sin", "sinh",
    "softmax", "softplus", "sqrt", "stack", "sub", "sum", "tan", "tanh", "tensor", "transpose",
    "where", "zeros", "zeros_like",
]  # fmt: skip
