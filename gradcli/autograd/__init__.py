"""The autograd engine: ``Tensor``, ``Function``, the op table and the backward pass.

Nothing in this package knows about parsing or the command line. What the packages
above it (compute, language, nn, optim, taylor) use of the engine is public: besides
PyTorch's names, :func:`wrap` makes a tensor of an array without copying it, and
``Tensor.numpy()`` is the tensor's array, sharing its memory; the grad-mode switches
(``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``) are PyTorch's.
Names with a leading underscore, and a tensor's ``_data``, stay inside this package
(tests/autograd/test_engine_surface.py holds the rest of gradcli to that).
"""

import importlib
import warnings
from typing import Any

# The operations attach Tensor's methods (x.exp(), x * 2) as they load; without this,
# `import gradcli as torch; torch.tensor(1.).exp()` would find no exp on the tensor.
from gradcli.autograd import ops as _ops  # noqa: F401
from gradcli.autograd.engine import backward, grad
from gradcli.autograd.function import (
    Function,
    Node,
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from gradcli.autograd.tensor import Tensor, wrap

# NaN and infinity are values here, as in PyTorch, which computes 1/0 without a word;
# numpy's warnings about them, raised inside the engine, would only be noise.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"gradcli\.autograd\.")


def Variable(data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:
    """PyTorch's legacy wrapper (``from torch.autograd import Variable``): since PyTorch 0.4
    a Variable is a tensor, so this gives ``data`` outside the graph with ``requires_grad``."""
    return data.detach().requires_grad_(requires_grad)


def __getattr__(name: str) -> Any:
    # Loaded on first use (PEP 562): no command needs them, and every command starts here.
    if name == "functional":
        return importlib.import_module("gradcli.autograd.functional")
    if name in ("gradcheck", "gradgradcheck"):
        # The module has another name than the functions: importing it must not set the
        # package's ``gradcheck`` to a module.
        return getattr(importlib.import_module("gradcli.autograd.numerical"), name)
    raise AttributeError(f"module 'gradcli.autograd' has no attribute {name!r}")


__all__ = [
    "Function",
    "Node",
    "Tensor",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
    "wrap",
]
