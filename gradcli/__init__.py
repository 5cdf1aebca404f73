"""gradcli: exact derivatives from the shell, on a small reverse-mode autograd engine.

The library mirrors PyTorch's names, so ``import gradcli as torch`` runs most
autograd tutorials unchanged::

    import gradcli as torch

    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    x.grad          # tensor([ 0.,  4.,  8., 12.])
"""

# Names load on first use (PEP 562): ``import gradcli`` costs nothing, so the
# command line starts fast and a Ctrl-C while it loads can be caught.
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_CREATION = (
    "MAX_ELEMENTS arange eye full linspace manual_seed ones ones_like rand randn tensor zeros "
    "zeros_like"
)
_GRAD_MODES = "enable_grad is_grad_enabled no_grad set_grad_enabled"
_OPS = (
    "abs acos acosh add amax amin asin asinh atan atanh binary_cross_entropy_with_logits "
    "broadcast_to cat clamp cos cosh div dot eq exp expm1 ge gt le log log10 log1p log2 "
    "log_softmax logsumexp lt matmul maximum mean minimum mse_loss mul ne neg norm permute pow "
    "prod relu reshape sigmoid sign sin sinh softmax softplus sqrt stack sub sum tan tanh "
    "transpose where"
)
_HOMES = {
    **dict.fromkeys(_CREATION.split(), "gradcli.autograd.creation"),
    **dict.fromkeys(_GRAD_MODES.split(), "gradcli.autograd.function"),
    **dict.fromkeys(_OPS.split(), "gradcli.autograd.ops"),
    **dict.fromkeys(("Tensor", "as_tensor", "complex128", "float64"), "gradcli.autograd.tensor"),
    **dict.fromkeys(("compile", "Expression"), "gradcli.language.compiled"),
    "register": "gradcli.registry",
}
_ALIASES = {"max": "amax", "min": "amin"}  # torch.max(x) with one argument is the full reduction


def __getattr__(name: str) -> Any:
    if name in ("autograd", "nn"):
        return importlib.import_module(f"gradcli.{name}")
    home = _ALIASES.get(name, name)
    if home not in _HOMES:
        raise AttributeError(f"module 'gradcli' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[home]), home)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Expression", "compile", "register", "MAX_ELEMENTS", "Tensor", "abs", "acos", "acosh", "add", "amax", "amin", "arange",
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
