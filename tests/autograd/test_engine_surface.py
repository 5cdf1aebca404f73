"""The engine's public surface: what the rest of gradcli may use of gradcli.autograd.

Outside gradcli/autograd/, code makes a tensor of an array with ``wrap``, reads one with
``Tensor.numpy()``, and uses no private name of the engine (``_data``, ``_wrap``, a
module's ``_name``): the engine can then change its internals without breaking them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import gradcli
from gradcli.autograd import wrap

PACKAGE = Path(gradcli.__file__).resolve().parent
ENGINE = "gradcli.autograd"


def _is_private(dotted: str) -> bool:
    return any(part.startswith("_") for part in dotted.split("."))


def private_uses(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each use of the engine's internals in ``source``."""
    tree = ast.parse(source)
    engine_modules: set[str] = set()  # local names bound to gradcli.autograd modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ENGINE):
            module = node.module or ""
            if _is_private(module):
                yield node.lineno, f"from {module} import ..."
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield node.lineno, f"from {module} import {alias.name}"
                elif module == ENGINE or module == f"{ENGINE}.ops":
                    engine_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ENGINE):
                    if _is_private(alias.name):
                        yield node.lineno, f"import {alias.name}"
                    if alias.asname:  # else it is used by its full name, seen below
                        engine_modules.add(alias.asname)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr == "_data":
            yield node.lineno, f"{ast.unparse(node)} (a tensor's array is .numpy())"
        elif node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = ast.unparse(node.value)
            if owner in engine_modules or owner.startswith(f"{ENGINE}."):
                yield node.lineno, ast.unparse(node)


def outside_the_engine() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if PACKAGE / "autograd" not in path.parents:
            yield path


def test_nothing_outside_the_engine_uses_its_internals():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in outside_the_engine()
        for line, what in private_uses(path.read_text())
    ]
    assert found == []


def test_the_scan_covers_the_packages_above_the_engine():
    scanned = {path.relative_to(PACKAGE).parts[0] for path in outside_the_engine()}
    assert {"compute", "language", "nn", "optim", "taylor", "utils", "registry.py"} <= scanned
    assert "autograd" not in scanned


@pytest.mark.parametrize(
    "source",
    [
        "y = x._data + 1",
        "from gradcli.autograd.tensor import Tensor, _wrap",
        "from gradcli.autograd.ops._helpers import unbroadcast",
        "from gradcli.autograd import creation\nr = creation._rng",
        "import gradcli.autograd.function\nm = gradcli.autograd.function._mode",
        "from gradcli.autograd import _ops",
    ],
)
def test_the_scan_finds_each_kind_of_private_use(source):
    assert len(list(private_uses(source))) == 1


@pytest.mark.parametrize(
    "source",
    [
        "from gradcli.autograd.tensor import Tensor, wrap\ny = wrap(x.numpy())",
        "from gradcli.autograd import creation\nr = creation.generator()",
        "self._rows = []",  # private names of other classes are theirs
        "from gradcli.nn.modules import _zero_grad",
    ],
)
def test_the_scan_passes_the_public_surface(source):
    assert list(private_uses(source)) == []


def test_wrap_and_numpy_share_the_array_both_ways():
    array = np.array([1.0, 2.0])
    tensor = wrap(array)
    assert tensor.numpy() is array and not tensor.requires_grad and tensor.grad_fn is None
    tensor.add_(1.0)  # an in-place op writes into the array...
    assert array.tolist() == [2.0, 3.0]
    array[0] = 10.0  # ...and a write into the array is the tensor's value
    assert tensor.tolist() == [10.0, 3.0]
    assert (tensor * 2).tolist() == [20.0, 6.0]
