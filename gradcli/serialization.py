"""``torch.save`` and ``torch.load`` for data: tensors, numbers, strings, and dicts,
lists and tuples of them (a model's or an optimizer's ``state_dict``).

The file is numpy's ``.npz`` (a zip of ``.npy`` arrays): one array per tensor, and an
``index`` entry, a JSON text, that says how they nest. Loading reads arrays with
``allow_pickle=False`` and the JSON with :mod:`json`, so a file, whoever wrote it, can
only ever give back data: no object is unpickled, no code runs. Whole models, functions
and other objects are refused when saving (save ``model.state_dict()``).
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from gradcli.autograd import dtypes
from gradcli.autograd.tensor import Tensor, wrap
from gradcli.errors import ArgumentTypeError, SavedFileError

__all__ = ["load", "save"]

_FORMAT = "gradcli.save"
_VERSION = 1
# What a tensor stores (see gradcli.autograd.tensor.wrap); a file holding anything else
# was not written by save.
_KINDS = {np.dtype(t) for t in (np.float64, np.complex128, np.bool_, np.int64)}

File = str | os.PathLike | IO[bytes]


def save(obj: Any, f: File) -> None:
    """Write ``obj`` (a tensor, a number, a string, or dicts, lists and tuples of them, such
    as ``model.state_dict()``) to the file ``f`` (a path, or a binary file object)."""
    arrays: dict[str, np.ndarray] = {}
    index = {"format": _FORMAT, "version": _VERSION, "object": _describe(obj, arrays)}
    entries = {"index": np.array(json.dumps(index)), **arrays}
    if isinstance(f, (str, os.PathLike)):
        # An open file, not the path: numpy would add ".npz" to a path (torch.save does not).
        with open(f, "wb") as file:
            np.savez(file, **entries)
    else:
        np.savez(f, **entries)


def _describe(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """``obj`` as JSON, each tensor's array put in ``arrays`` and named by its number."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Tensor):
        arrays[f"t{len(arrays)}"] = obj.detach().numpy()
        return {
            "tensor": len(arrays) - 1,
            "requires_grad": obj.requires_grad,
            "parameter": type(obj).__name__ == "Parameter",
        }
    if isinstance(obj, np.ndarray) and obj.dtype in _KINDS:
        arrays[f"t{len(arrays)}"] = obj
        return {"array": len(arrays) - 1}
    if isinstance(obj, np.generic) and obj.dtype in _KINDS:
        return obj.item()
    if isinstance(obj, dict):
        items = [[_describe(k, arrays), _describe(v, arrays)] for k, v in obj.items()]
        return {"dict": items, "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [_describe(item, arrays) for item in obj]}
    raise ArgumentTypeError(
        f"save writes tensors, numbers, strings and dicts, lists and tuples of them, not a "
        f"{type(obj).__name__}; save a model's state_dict() and load it into a new model "
        "(gradcli files hold data, never objects)"
    )


def load(
    f: File,
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
) -> Any:
    """What :func:`save` wrote to ``f``. Only data comes back (``weights_only`` is
    accepted, and loading is always that safe); ``map_location`` may only be the CPU."""
    dtypes.check_device(map_location)
    try:
        with np.load(f, allow_pickle=False) as archive:
            index = json.loads(str(archive["index"][()]))
            arrays = {name: archive[name] for name in archive.files if name != "index"}
    except KeyError:
        raise SavedFileError(_unreadable(f, "it has no gradcli index")) from None
    except (TypeError, ValueError, EOFError, RecursionError, zipfile.BadZipFile):
        # OSError (no such file, no permission) passes through, as from PyTorch's load.
        raise SavedFileError(_unreadable(f, "it is not numpy's .npz of plain arrays")) from None
    if not (isinstance(index, dict) and index.get("format") == _FORMAT):
        raise SavedFileError(_unreadable(f, "it has no gradcli index"))
    if index.get("version") != _VERSION:
        raise SavedFileError(
            f"{_name(f)} was written by a gradcli whose file version is {index.get('version')}; "
            f"this one reads version {_VERSION}"
        )
    try:
        return _Rebuild(arrays, _name(f)).node(index.get("object"))
    except RecursionError:
        raise SavedFileError(f"{_name(f)} cannot be loaded: its index nests too deeply") from None


class _Rebuild:
    """Turns the JSON index back into the objects, refusing anything save does not write."""

    def __init__(self, arrays: dict[str, np.ndarray], name: str):
        self.arrays, self.name = arrays, name

    def node(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, dict) and "tensor" in node:
            made = wrap(self.array(node["tensor"]))
            if node.get("parameter") is True:
                from gradcli.nn import Parameter

                return Parameter(made, requires_grad=node.get("requires_grad") is True)
            return made.requires_grad_(True) if node.get("requires_grad") is True else made
        if isinstance(node, dict) and "array" in node:
            return self.array(node["array"])
        if isinstance(node, dict) and isinstance(node.get("dict"), list):
            kind = OrderedDict if node.get("ordered") is True else dict
            try:
                return kind((self.node(key), self.node(value)) for key, value in node["dict"])
            except (TypeError, ValueError):
                raise self.damaged("a dict entry is not a key and a value") from None
        if isinstance(node, dict) and isinstance(node.get("list"), list):
            return [self.node(item) for item in node["list"]]
        if isinstance(node, dict) and isinstance(node.get("tuple"), list):
            return tuple(self.node(item) for item in node["tuple"])
        raise self.damaged(f"its index has an entry gradcli does not write: {str(node)[:60]}")

    def array(self, number: Any) -> np.ndarray:
        array = self.arrays.get(f"t{number}") if isinstance(number, int) else None
        if array is None or array.dtype not in _KINDS:
            raise self.damaged(f"its array {number!r} is missing or of an unknown type")
        return array

    def damaged(self, why: str) -> SavedFileError:
        return SavedFileError(f"{self.name} cannot be loaded: {why}")


def _name(f: File) -> str:
    return repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the file"


def _unreadable(f: File, why: str) -> str:
    return (
        f"{_name(f)} is not a file gradcli.save wrote ({why}); gradcli reads only its own "
        "files (numpy's .npz with a JSON index, no pickles), not PyTorch's .pt files"
    )
