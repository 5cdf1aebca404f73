"""Functions that make new tensors, with a size cap checked before allocating."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from gradcli.autograd.tensor import Tensor, to_array
from gradcli.errors import LimitError

MAX_ELEMENTS = 10**7
"""The largest tensor any operation makes (80 MB of float64), checked before allocating.

An expression holds a few tensors at a time (reverse mode keeps what backward
needs), so this keeps a command of ordinary length within about 2 GB."""

_rng: np.random.Generator | None = None  # made on first use: numpy.random costs start-up time
_replaying = False
_start: dict[str, Any] | None = None  # the generator's state when same_draws() began


def manual_seed(seed: int) -> None:
    """Make ``rand`` and ``randn`` reproducible from here on."""
    global _rng
    _rng = np.random.default_rng(int(seed))


def _generator() -> np.random.Generator:
    global _rng, _start
    if _rng is None:
        _rng = np.random.default_rng()
        if _replaying:
            _start = _rng.bit_generator.state
    return _rng


@contextmanager
def same_draws() -> Iterator[None]:
    """Within this block, each :func:`rewind` goes back to the draws it began with.

    Random draws in an expression are part of the function: a command that
    evaluates it several times (Taylor mode, nested reverse mode, finite
    differences) must see the same numbers every time.
    """
    global _replaying, _start
    _replaying, _start = True, None if _rng is None else _rng.bit_generator.state
    try:
        yield
    finally:
        _replaying, _start = False, None


def rewind() -> None:
    """Start the draws again from where :func:`same_draws` began (outside it, nothing)."""
    if _replaying and _rng is not None and _start is not None:
        _rng.bit_generator.state = _start


def _shape(size: Sequence[Any], name: str) -> tuple[int, ...]:
    """A shape from ``f(2, 3)`` or ``f((2, 3))``, refused before allocation if too large."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for n in size:
        if isinstance(n, Tensor):
            n = n.item()
        if not math.isfinite(float(n)) or float(n) != int(n) or n < 0:
            raise ValueError(f"{name}: sizes must be whole numbers >= 0, not {n}")
        shape.append(int(n))
    check_size(math.prod(shape), name)
    return tuple(shape)


def check_size(count: float, name: str, shape: Sequence[int] | None = None) -> None:
    """Refuse, before allocating, a tensor of more than :data:`MAX_ELEMENTS` elements."""
    if count > MAX_ELEMENTS:
        what = (
            f"a tensor of shape {tuple(shape)} ({count:,} elements)"
            if shape
            else f"{count:,} elements"
        )
        raise LimitError(
            f"{name} would make {what}, more than the limit of {MAX_ELEMENTS:,} elements "
            f"({MAX_ELEMENTS * 8 // 10**6:,} MB); use smaller tensors"
        )


def _made(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(array, requires_grad=requires_grad)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers and nested lists become float64)."""
    array = np.array(to_array(data, dtype), copy=True)
    check_size(array.size, "tensor")
    return _made(array, requires_grad)


def arange(
    start: float, end: float | None = None, step: float = 1, requires_grad: bool = False
) -> Tensor:
    """Evenly spaced values in [start, end) (one argument: [0, start))."""
    if end is None:
        start, end = 0, start
    start, end, step = float(start), float(end), float(step)
    if step == 0 or not all(map(math.isfinite, (start, end, step))):
        raise ValueError("arange: start, end and step must be finite and step non-zero")
    check_size(max(math.ceil((end - start) / step), 0), "arange")
    return _made(np.arange(start, end, step, dtype=np.float64), requires_grad)


def linspace(start: float, end: float, steps: int, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from start to end, both included."""
    (count,) = _shape((steps,), "linspace")
    return _made(np.linspace(float(start), float(end), count), requires_grad)


def zeros(*size: Any, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)``."""
    return _made(np.zeros(_shape(size, "zeros")), requires_grad)


def ones(*size: Any, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)``."""
    return _made(np.ones(_shape(size, "ones")), requires_grad)


def full(size: Sequence[int] | int, fill_value: float, requires_grad: bool = False) -> Tensor:
    """A tensor of one value: ``full((2, 3), 7.0)``."""
    size = (size,) if isinstance(size, (int, float)) else size
    return _made(np.full(_shape(size, "full"), float(fill_value)), requires_grad)


def eye(n: int, m: int | None = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix, n by n (or n by m)."""
    rows, cols = _shape((n, n if m is None else m), "eye")
    return _made(np.eye(rows, cols), requires_grad)


def zeros_like(other: Any, requires_grad: bool = False) -> Tensor:
    """Zeros in the shape of ``other``."""
    return _made(np.zeros(np.shape(to_array(other))), requires_grad)


def ones_like(other: Any, requires_grad: bool = False) -> Tensor:
    """Ones in the shape of ``other``."""
    return _made(np.ones(np.shape(to_array(other))), requires_grad)


def rand(*size: Any, requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1) (seed with ``manual_seed``)."""
    return _made(_generator().random(_shape(size, "rand")), requires_grad)


def randn(*size: Any, requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers (seed with ``manual_seed``)."""
    return _made(_generator().standard_normal(_shape(size, "randn")), requires_grad)
