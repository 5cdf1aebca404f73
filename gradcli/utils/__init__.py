"""``torch.utils``: the ``data`` module (datasets and loaders), loaded when first named."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["data"]


def __getattr__(name: str) -> ModuleType:
    if name == "data":
        return importlib.import_module("gradcli.utils.data")
    raise AttributeError(f"module 'gradcli.utils' has no attribute {name!r}")
