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
    "MAX_ELEMENTS arange as_tensor empty empty_like eye from_numpy full full_like "
    "get_default_device get_default_dtype is_tensor linspace manual_seed normal ones ones_like rand "
    "rand_like randint randn randn_like set_default_device set_default_dtype tensor zeros zeros_like "
    "DoubleTensor FloatTensor Generator LongTensor default_generator"
)
_DTYPES = "backends bool_ complex128 cuda device dtype float16 float32 float64 int32 int64"
_GRAD_MODES = "enable_grad is_grad_enabled no_grad set_grad_enabled"
_MODES = "inference_mode is_anomaly_check_nan_enabled is_anomaly_enabled is_inference_mode_enabled"
_HOMES = {
    **dict.fromkeys(_CREATION.split(), "gradcli.autograd.creation"),
    **dict.fromkeys(_GRAD_MODES.split(), "gradcli.autograd.function"),
    **dict.fromkeys(_MODES.split(), "gradcli.autograd.function"),
    **dict.fromkeys(_DTYPES.split(), "gradcli.autograd.dtypes"),
    "Tensor": "gradcli.autograd.tensor",
    **dict.fromkeys(("compile", "Expression"), "gradcli.language.compiled"),
    "register": "gradcli.registry",
    **dict.fromkeys(("minimize", "maximize", "solve", "critical"), "gradcli.extrema"),
    "graph": "gradcli.graphview",
    **dict.fromkeys(("save", "load"), "gradcli.serialization"),
}
# PyTorch's other names for a dtype, and for functions
_ALIASES = {
    "bool": "bool_", "cdouble": "complex128", "double": "float64", "float": "float32",
    "half": "float16", "long": "int64", "int": "int32", "clip": "clamp",
}  # fmt: skip


_PACKAGES = ("autograd", "nn", "optim", "utils")  # gradcli.X as torch.X, imported on first use

_OPERATIONS = "gradcli.autograd.ops"
"""Where the operations (exp, sum, cat, ...) are: the names in its ``__all__``, the one list
of them, read when a name is none of the above. That costs nothing at ``import gradcli``,
and nothing more later: every name of gradcli's loads the engine, that package included."""


def __getattr__(name: str) -> Any:
    if name in _PACKAGES:
        return importlib.import_module(f"gradcli.{name}")
    if name == "__all__":
        return sorted({*_HOMES, *_ALIASES, *_operations(), *_PACKAGES} - {"bool_"})
    home = _ALIASES.get(name, name)
    if home in _HOMES:
        module = importlib.import_module(_HOMES[home])
    elif not home.startswith("__") and home in _operations():
        module = importlib.import_module(_OPERATIONS)
    else:
        raise AttributeError(f"module 'gradcli' has no attribute {name!r}")
    value = getattr(module, home)
    globals()[name] = value
    return value


def _operations() -> list[str]:
    return importlib.import_module(_OPERATIONS).__all__


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__getattr__("__all__")))
