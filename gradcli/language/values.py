"""The language's values and the algebra they are computed in.

A value of the language is a number, a value of the run's :class:`Algebra` (a
tensor, a Taylor series, ...), or an array literal not yet used
(:class:`Elements`). Here: the algebra, turning any value into one of the
algebra's (:func:`to_value`), indexing, the truth of a condition, and whether
an operation made finite values infinite or NaN.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcli.autograd import ops, shapes
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError
from gradcli.language.parser import Tree
from gradcli.registry import OPS, OpInfo

MAX_DIMENSIONS = 64
"""numpy's limit on a tensor's dimensions, and so gradcli's."""


class Elements(list):
    """The value of an array literal before it is used: a list of tensors or numbers.

    ``cat`` and ``stack`` take it as a list; anywhere else it becomes one tensor.
    """


def _stack_tensors(items: list[Any]) -> Tensor:
    return ops.stack([as_tensor(v) for v in items])


@dataclass(frozen=True)
class Algebra:
    """What values a run computes with; by default the autograd engine's tensors.

    ``functions`` maps each name of the language to its operation, ``stack``
    makes one value of an array literal whose elements are not all constants,
    and ``constant`` turns numbers and constant arrays into values. Another
    algebra (Taylor series, in ``gradcli.compute.higher``) supplies its own of
    each for the same names. ``settle`` gives what control flow, an index or a
    size reads as one value: the identity, except where values hold many rows
    at once (``gradcli.batching``), which must agree there.
    """

    name: str = "tensor"
    # The registry itself, not a copy: operations a plugin registers later count too.
    functions: Mapping[str, OpInfo] = field(default_factory=lambda: OPS)
    stack: Callable[[list[Any]], Any] = _stack_tensors
    constant: Callable[[Any], Any] = as_tensor
    settle: Callable[[Any], Any] = lambda value: value


def recording(algebra: Algebra, results: list[Any]) -> Algebra:
    """``algebra`` with every operation's result appended to ``results``, in call order:
    the value of each step (a graph's nodes keep none), and which call made it."""

    def recorded(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            results.append(result)
            return result

        return run

    functions = {
        name: dataclasses.replace(info, function=recorded(info.function))
        for name, info in algebra.functions.items()
    }
    return dataclasses.replace(algebra, functions=functions, stack=recorded(algebra.stack))


def to_value(value: Any, algebra: Algebra) -> Any:
    """Any value of the language (number, tensor, array literal) in the algebra."""
    if not isinstance(value, Elements):
        return algebra.constant(value) if isinstance(value, (float, int)) else value
    # A row of another algebra's numbers (SymPy's symbols in an object array) is not plain.
    plain = all(
        isinstance(v, (float, int)) or (isinstance(v, np.ndarray) and v.dtype != object)
        for v in value
    )
    found = {tuple(v.shape) if hasattr(v, "shape") else np.shape(v) for v in value}
    if len(found) > 1:
        listed = ", ".join(str(s) for s in sorted(found, key=len))
        raise ExpressionError(f"the elements of an array literal must have one shape, got {listed}")
    if found and len(next(iter(found))) >= MAX_DIMENSIONS:
        raise ExpressionError(
            f"array literals nest at most {MAX_DIMENSIONS} deep (a tensor has at most "
            f"{MAX_DIMENSIONS} dimensions); this one nests deeper"
        )
    if plain:
        return algebra.constant(np.array(value, dtype=np.float64) if value else np.zeros(0))
    return algebra.stack(list(value))


def operand(value: Any) -> Any:
    """A value as an operation of the language takes it. The language has one number
    type: a comparison's bool tensor (or an integer one) is float64 0/1 to arithmetic and
    functions (``(x > 0) + (x > 0)`` is 2, ``mean(v > 0)`` a fraction), where the engine
    keeps PyTorch's types; used as an index it stays a mask."""
    if isinstance(value, Tensor) and not (value.is_floating_point() or value.dtype.is_complex):
        return value.double()
    return value


def indexed(value: Any, subscripts: list[Any]) -> Any:
    """``value[subscripts]``: numbers, slices, and tensors or literals of indices or masks."""
    key = []
    for item in subscripts:
        if isinstance(item, slice):
            key.append(item)
        elif isinstance(item, Elements) or (isinstance(item, (Tensor, np.ndarray)) and item.ndim):
            # Indices are plain numbers whatever the run's algebra: the tensors' reads them.
            key.append(np.asarray(as_tensor(to_value(item, Algebra())).numpy()))
        else:
            key.append(shapes.whole(item, "an index"))
    _check_index(tuple(value.shape) if hasattr(value, "shape") else np.shape(value), key)
    # The engine's reading of an index (whole floats as integers), whatever the algebra.
    return value[shapes.index_key(tuple(key))]


def _check_index(shape: tuple[int, ...], key: list[Any]) -> None:
    """Refuse an index that does not fit, saying so in the language's terms."""
    if not shape:
        raise ExpressionError(
            "a single number cannot be indexed; use the value itself, without [...]"
        )
    masks = [k for k in key if isinstance(k, np.ndarray) and k.dtype == bool]
    used = len(key) - len(masks) + builtins.sum(m.ndim for m in masks)
    if used > len(shape):
        plural = "s" if len(shape) > 1 else ""
        raise ExpressionError(
            f"{len(key)} indices for a tensor of shape {shape}, which has {len(shape)} "
            f"dimension{plural}; give at most {len(shape)}"
        )
    dim = 0
    for k in key:
        if isinstance(k, np.ndarray) and k.dtype == bool:
            dim += k.ndim
            continue
        size = shape[dim]
        if isinstance(k, int) or (isinstance(k, np.ndarray) and k.size):
            values = np.asarray(k, dtype=np.float64)
            outside = values[(values < -size) | (values >= size)]
            if outside.size:
                bad = outside.flat[0]
                shown = int(bad) if bad == int(bad) else bad
                allowed = f"indices run from {-size} to {size - 1}" if size else "it is empty"
                raise ExpressionError(
                    f"index {shown} is out of range for dimension {dim}, of size {size} ({allowed})"
                )
        dim += 1


def truth(value: Any, node: Tree | None = None) -> bool:
    """A condition's value as Python's ``bool``, in any algebra: a single number."""
    data = getattr(value, "_data", None)
    if data is None:
        data = getattr(value, "primal", value)
    array = np.asarray(data)
    if array.size != 1:
        what = {"while_": "a while loop's", "if_": "an if's"}.get(getattr(node, "data", ""), "a")
        raise ExpressionError(
            f"{what} condition must be one value, and this one has shape {array.shape}; the "
            "truth of several values is ambiguous: reduce them first, e.g. sum(c) > 0, or "
            "compare one element, c[0] > 0"
        )
    number = array.reshape(())[()]
    return bool(number.real if np.iscomplexobj(array) else number)


def became_nonfinite(result: Any, args: list[Any]) -> bool:
    """Whether an operation made NaN or infinity of inputs that are all finite."""

    def finite(value: Any) -> bool:
        if isinstance(value, Elements):
            return all(finite(v) for v in value)
        if isinstance(value, (Tensor, float)):
            return bool(np.all(np.isfinite(as_tensor(value).numpy())))
        if isinstance(value, list):
            return all(finite(v) for v in value)
        if isinstance(value, tuple):  # a keyword argument
            return finite(value[1])
        return True

    return not finite(result) and all(finite(a) for a in args)
