"""Shape arguments, read by one set of rules for every algebra: dims, sizes, indices, norm orders.

The engine's ops, Taylor mode's rules and the language's evaluator all take
these from users (``sum(x, dim=1)``, ``reshape(x, 2, 3)``, ``v[0]``,
``norm(x, p=3)``); reading them here, once, keeps what each accepts and what it
says when it refuses the same. The values may be Python numbers, numpy scalars
or arrays, or single-element Tensors (the language has one number type, so a
dim arrives as ``1.0``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from gradcli.autograd.tensor import Tensor
from gradcli.errors import (
    ArgumentTypeError,
    DimensionError,
    ExpressionError,
    ShapeError,
    ShapeMismatchError,
    WholeNumberError,
)

Dim = int | Sequence[int] | None
T = TypeVar("T")


def broadcast(what: str, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape ``a`` and ``b`` broadcast to, or the one error that says they do not."""
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise ShapeMismatchError(
            f"{what}: shapes {tuple(a)} and {tuple(b)} cannot be broadcast together "
            "(trailing dimensions must be equal or 1)"
        ) from None


def whole(value: Any, what: str, error: type[Exception] = WholeNumberError) -> int:
    """``value`` as an int; a fraction, inf, nan or a boolean is refused, naming ``what``."""
    if type(value) is int:  # the engine's own calls (reshape in a backward pass): no checks
        return value
    number = value.item() if isinstance(value, (Tensor, np.ndarray, np.generic)) else value
    if not isinstance(number, (int, float)):
        raise ArgumentTypeError(f"{what} must be a whole number, not {number!r}")
    if isinstance(number, bool) or not math.isfinite(float(number)) or float(number) != int(number):
        raise error(f"{what} must be a whole number, not {number}")
    return int(number)


def sizes(args: Sequence[Any], what: str = "a dimension") -> tuple[int, ...]:
    """Sizes or dims given either way PyTorch takes them, ``f(x, 2, 3)`` or ``f(x, (2, 3))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(whole(n, what) for n in args)


def axes(dim: Any, ndim: int) -> tuple[int, ...]:
    """``dim`` (one or several) as a sorted tuple of non-negative axes; ``None`` means all."""
    if dim is None:
        return tuple(range(ndim))
    found = set()
    for given in dim if isinstance(dim, (tuple, list)) else (dim,):
        d = whole(given, "dim")
        if not -max(ndim, 1) <= d < max(ndim, 1):
            if ndim == 0:
                raise DimensionError(
                    f"dim {d} is out of range for a single number (only 0 and -1 fit)"
                )
            plural = "s" if ndim > 1 else ""
            raise DimensionError(
                f"dim {d} is out of range for a tensor with {ndim} dimension{plural} "
                f"(use {-ndim} to {ndim - 1})"
            )
        # A single number is its own reduction, so PyTorch takes dim 0 or -1 there
        # as no axis at all: sum(x, dim=0) and log_softmax(x) of a number work.
        if ndim:
            found.add(d % ndim)
    return tuple(sorted(found))


def axis(dim: Any, ndim: int, name: str) -> int:
    """The one axis ``dim`` names, for operations along a single dimension (``name``)."""
    if dim is None or isinstance(dim, (tuple, list)):
        raise ArgumentTypeError(f"{name} works along one dimension: give one dim, not {dim!r}")
    found = axes(dim, ndim)
    return found[0] if found else 0


def numbers(value: Any) -> list[Any]:
    """One number or several (a sequence, an array or a tensor of them), as a flat list:
    ``flip(x, 0)``, ``flip(x, [0, 1])``, the language's ``flip(x, [0, 1])`` (a tensor)."""
    if isinstance(value, (Tensor, np.ndarray)):
        return (
            np.asarray(value.numpy() if isinstance(value, Tensor) else value).reshape(-1).tolist()
        )
    return list(value) if isinstance(value, (list, tuple)) else [value]


def distinct_axes(dims: Any, ndim: int, name: str) -> tuple[int, ...]:
    """``dims`` (see :func:`numbers`) as axes, each named once (flip's dims)."""
    given = [whole(d, "dim") for d in numbers(dims)]
    found = tuple(axis(d, ndim, name) for d in given)
    if len(set(found)) != len(found):
        raise ShapeMismatchError(f"{name}: dims {given} name one dimension more than once")
    return found if ndim else ()


def rolls(shifts: Any, dims: Any, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """roll's (shifts, axes), as many of each; axes None rolls the flattened tensor."""
    moves = tuple(whole(s, "roll's shifts") for s in numbers(shifts))
    if dims is None:
        if len(moves) != 1:
            raise ShapeMismatchError(
                f"roll: without dims, one shift (of the flattened tensor), not {len(moves)}"
            )
        return moves, None
    given = numbers(dims)
    if len(given) != len(moves):
        raise ShapeMismatchError(
            f"roll: shifts and dims must be as many, not {len(moves)} and {len(given)}"
        )
    return moves, tuple(axis(d, ndim, "roll") for d in given)


def permutation(dims: Sequence[int], ndim: int) -> tuple[int, ...]:
    """``permute``'s dims (read by :func:`sizes`) as non-negative axes, each of ``ndim`` once
    (as many as the tensor has dimensions, then each in range, as PyTorch checks them)."""
    if len(dims) == ndim:
        order = tuple(axis(d, ndim, "permute") for d in dims)
        if sorted(order) == list(range(ndim)):
            return order
    raise ShapeMismatchError(
        f"permute: {tuple(dims)} is not a permutation of the {ndim} dimensions"
    )


def index_key(key: Any) -> Any:
    """A numpy index from a user's: whole numbers, slices, boolean masks, integer arrays."""
    if isinstance(key, tuple):
        return tuple(index_key(k) for k in key)
    if isinstance(key, Tensor):
        key = key.numpy()
    if isinstance(key, (list, np.ndarray)):
        array = np.asarray(key)
        if array.dtype.kind == "b":
            return array
        if array.dtype.kind == "f":
            fractions = array[~np.isfinite(array) | (array != np.round(array))]
            if fractions.size:
                whole(fractions.flat[0], "an index", DimensionError)
        return array.astype(np.intp)
    if isinstance(key, (float, np.floating)):
        return whole(key, "an index", DimensionError)
    if isinstance(key, (str, bytes)):
        raise ArgumentTypeError(
            f"a tensor is indexed by whole numbers, slices, masks and integer tensors, not {key!r}"
        )
    if isinstance(key, slice) and key.step is not None and whole(key.step, "a slice step") == 0:
        raise ShapeError("a slice step cannot be zero; use 1 for every element, or -1 to reverse")
    return key


def norm(
    x: T,
    p: float,
    dim: Dim,
    keepdim: Any,
    *,
    euclidean: Callable[[T, Dim, Any], T],
    abs: Callable[[T], T],
    amax: Callable[[T, Dim, Any], T],
    sum: Callable[[T, Dim, Any], T],
    pow: Callable[[T, float], T],
) -> T:
    """The p-norm of ``x`` over ``dim``, built from one algebra's operations.

    p = 2 is that algebra's ``euclidean`` (each guards against overflow its own
    way), inf the largest magnitude, 1 the sum of magnitudes, any other positive
    p is (Σ|x|^p)^(1/p).
    """
    if p == 2:
        return euclidean(x, dim, keepdim)
    if p == math.inf:
        return amax(abs(x), dim, keepdim)
    if p == 1:
        return sum(abs(x), dim, keepdim)
    if p <= 0:
        raise ExpressionError(f"norm: p must be positive, not {p}")
    return pow(sum(pow(abs(x), p), dim, keepdim), 1.0 / p)


def entry_labels(name: str, shape: tuple[int, ...]) -> list[str]:
    """``x`` for a scalar, ``w[0,1]`` ... for the entries of an array, row-major."""
    if not shape:
        return [name]
    return [f"{name}[{','.join(map(str, index))}]" for index in np.ndindex(shape)]
