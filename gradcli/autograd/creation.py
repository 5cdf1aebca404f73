"""Functions that make new tensors, with a size cap checked before allocating."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from gradcli.autograd import dtypes
from gradcli.autograd.tensor import Tensor, to_array, wrap
from gradcli.errors import (
    ArgumentTypeError,
    LimitError,
    SettingError,
    ShapeError,
    WholeNumberError,
)

MAX_ELEMENTS = 10**7
"""The largest tensor any operation makes (80 MB of float64), checked before allocating.

An expression holds a few tensors at a time (reverse mode keeps what backward
needs), so this keeps a command of ordinary length within about 2 GB."""

_rng: np.random.Generator | None = None  # made on first use: numpy.random costs start-up time
_replaying = False
_start: dict[str, Any] | None = None  # the generator's state when same_draws() began
_seeded: dict[str, Any] | None = None  # its state when manual_seed() made it


_initial_seed: int | None = None  # the seed manual_seed() gave, or one drawn on first use


def manual_seed(seed: int) -> Generator:
    """Make ``rand``, ``randn``, ``nn.init``, dropout and ``DataLoader``'s shuffling
    reproducible from here on; returns the default generator, as PyTorch does."""
    global _rng, _seeded, _initial_seed
    _initial_seed = _seed_value(seed)
    _rng = np.random.default_rng(_initial_seed)
    _seeded = _rng.bit_generator.state
    return default_generator


def _seed_value(seed: Any) -> int:
    """``seed`` as PyTorch takes it (``int(seed)``; a negative one wraps modulo 2**64)."""
    try:
        value = int(seed)
    except TypeError:
        raise ArgumentTypeError(f"a seed is a whole number, not {type(seed).__name__}") from None
    except ValueError:
        raise SettingError(f"a seed is a whole number, not {seed!r}") from None
    if not -(2**63) <= value < 2**64:
        raise SettingError(f"a seed runs from -2**63 to 2**64 - 1, not {value}")
    return value % 2**64


class Generator:
    """A random generator of its own (PyTorch's ``torch.Generator``), for
    ``DataLoader(generator=...)`` and ``nn.init``'s fills: ``Generator().manual_seed(0)``.

    Unseeded, it draws its seed from the operating system. Draws are numpy's PCG64, not
    PyTorch's Mersenne twister: the same seed gives other numbers than PyTorch's.
    """

    def __init__(self, device: Any = "cpu"):
        dtypes.check_device(device)
        self._rng: np.random.Generator | None = None
        self._initial_seed: int | None = None

    @property
    def device(self) -> dtypes.device:
        return dtypes.CPU

    def manual_seed(self, seed: int) -> Generator:
        self._initial_seed = _seed_value(seed)
        self._rng = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) % 2**64)
        return self.initial_seed()

    def initial_seed(self) -> int:
        if self._initial_seed is None:
            self.seed()
        return self._initial_seed

    def numpy_generator(self) -> np.random.Generator:
        """The numpy generator its draws come from."""
        if self._rng is None:
            self.seed()
        return self._rng


class _DefaultGenerator(Generator):
    """The generator ``rand``, ``randn``, ``nn.init`` and dropout draw from: the one
    :func:`manual_seed` seeds (``torch.default_generator``)."""

    def manual_seed(self, seed: int) -> Generator:
        return manual_seed(seed)

    def initial_seed(self) -> int:
        generator()
        return _initial_seed

    def numpy_generator(self) -> np.random.Generator:
        return generator()


default_generator = _DefaultGenerator()


def drawn_from(source: Generator | None) -> np.random.Generator:
    """The numpy generator behind ``generator=`` (None: the default one)."""
    if source is None:
        return generator()
    if not isinstance(source, Generator):
        raise ArgumentTypeError(
            f"generator= takes a gradcli.Generator, not {type(source).__name__}"
        )
    return source.numpy_generator()


def drawn_since_seed() -> bool:
    """Whether anything was drawn since :func:`manual_seed`: a seed nothing used is worth
    a word to whoever gave it."""
    return _rng is not None and _rng.bit_generator.state != _seeded


def generator() -> np.random.Generator:
    """The random generator ``rand``, ``randn`` and ``nn.init`` draw from, which
    :func:`manual_seed` seeds; made on first use."""
    global _rng, _start, _initial_seed
    if _rng is None:
        _initial_seed = int(np.random.SeedSequence().entropy) % 2**64
        _rng = np.random.default_rng(_initial_seed)
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
    if _replaying:
        # Within an outer block (a command over many points) its draws hold throughout.
        yield
        return
    _replaying, _start = True, None if _rng is None else _rng.bit_generator.state
    try:
        yield
    finally:
        _replaying, _start = False, None


def rewind() -> None:
    """Start the draws again from where :func:`same_draws` began (outside it, nothing)."""
    if _replaying and _rng is not None and _start is not None:
        _rng.bit_generator.state = _start


def sizes_of(size: Sequence[Any], name: str) -> tuple[int, ...]:
    """A shape from ``f(2, 3)`` or ``f((2, 3))``, refused before allocation if too large."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for n in size:
        if isinstance(n, Tensor):
            n = n.item()
        if isinstance(n, (str, bytes)) or not isinstance(n, (int, float, np.number)):
            raise ArgumentTypeError(f"{name}: sizes are whole numbers, not {n!r}")
        if not math.isfinite(float(n)) or float(n) != int(n):
            raise WholeNumberError(f"{name}: sizes must be whole numbers >= 0, not {n}")
        if n < 0:
            raise ShapeError(f"{name}: sizes must be whole numbers >= 0, not {n}")
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


def _made(array: np.ndarray, requires_grad: bool, dtype: Any = None, device: Any = None) -> Tensor:
    """The new tensor, stored as ``dtype`` asks (float64 for every floating type)."""
    dtypes.check_device(device)
    numpy_type = dtypes.storage(dtype)
    if numpy_type is not None:
        array = array.astype(numpy_type, copy=False)
    elif array.dtype.kind in "iu":
        array = array.astype(np.float64)
    made = wrap(array)
    if requires_grad:
        made.requires_grad_(True)
    return made


def get_default_dtype() -> dtypes.dtype:
    """float64: the type gradcli computes in (PyTorch's default is float32)."""
    return dtypes.float64


def set_default_dtype(dtype: Any) -> None:
    """Accepted for float64 and float32 alike: gradcli computes in float64 either way."""
    if dtypes.storage(dtype).kind != "f":
        raise ArgumentTypeError(f"the default dtype must be a floating type, not {dtype!r}")


def set_default_device(device: Any) -> None:
    """Accepted for the CPU (and None); any other device is refused, as ``device=`` is."""
    dtypes.check_device(device)


def get_default_device() -> dtypes.device:
    return dtypes.CPU


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data``.

    Numbers and nested lists become float64 (integers too: PyTorch would make
    int64; write ``dtype=gradcli.long`` for an integer tensor).
    """
    array = np.array(to_array(data, dtypes.storage(dtype)), copy=True)
    check_size(array.size, "tensor")
    return _made(array, requires_grad, dtype, device)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Evenly spaced values in [start, end) (one argument: [0, start)), as float64
    unless ``dtype`` says otherwise (PyTorch makes int64 from whole-number arguments)."""
    if end is None:
        start, end = 0, start
    start, end, step = (float(v.item() if isinstance(v, Tensor) else v) for v in (start, end, step))
    if step == 0 or not all(map(math.isfinite, (start, end, step))):
        raise ShapeError("arange: start, end and step must be finite and step non-zero")
    check_size(max(math.ceil((end - start) / step), 0), "arange")
    return _made(np.arange(start, end, step, dtype=np.float64), requires_grad, dtype, device)


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """``steps`` evenly spaced values from start to end, both included."""
    (count,) = sizes_of((steps,), "linspace")
    return _made(np.linspace(float(start), float(end), count), requires_grad, dtype, device)


def zeros(*size: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)``."""
    return _made(np.zeros(sizes_of(size, "zeros")), requires_grad, dtype, device)


def empty(*size: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A tensor to be filled in: ``empty(2, 3)`` (zeros in gradcli, uninitialised in PyTorch)."""
    return _made(np.zeros(sizes_of(size, "empty")), requires_grad, dtype, device)


def ones(*size: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A tensor of ones: ``ones(2, 3)``."""
    return _made(np.ones(sizes_of(size, "ones")), requires_grad, dtype, device)


def full(
    size: Sequence[int] | int,
    fill_value: float,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor of one value: ``full((2, 3), 7.0)``."""
    size = (size,) if isinstance(size, (int, float)) else size
    value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    return _made(np.full(sizes_of(size, "full"), float(value)), requires_grad, dtype, device)


def eye(
    n: int,
    m: int | None = None,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """The identity matrix, n by n (or n by m)."""
    rows, cols = sizes_of((n, n if m is None else m), "eye")
    return _made(np.eye(rows, cols), requires_grad, dtype, device)


def _like(name: str, fill: Any) -> Any:
    def like(
        other: Any, *, requires_grad: bool = False, dtype: Any = None, device: Any = None
    ) -> Tensor:
        shape = np.shape(to_array(other))
        if dtype is None and isinstance(other, Tensor):
            dtype = other.dtype
        return _made(fill(shape), requires_grad, dtype, device)

    like.__name__ = like.__qualname__ = name
    return like


zeros_like = _like("zeros_like", np.zeros)
zeros_like.__doc__ = "Zeros in the shape (and dtype) of ``other``."
ones_like = _like("ones_like", np.ones)
ones_like.__doc__ = "Ones in the shape (and dtype) of ``other``."
empty_like = _like("empty_like", np.zeros)
empty_like.__doc__ = "A tensor in the shape of ``other`` to be filled in (zeros in gradcli)."
rand_like = _like("rand_like", lambda shape: generator().random(shape))
rand_like.__doc__ = "Uniform random numbers in [0, 1) in the shape of ``other``."
randn_like = _like("randn_like", lambda shape: generator().standard_normal(shape))
randn_like.__doc__ = "Standard normal random numbers in the shape of ``other``."


def full_like(
    other: Any,
    fill_value: float,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """``fill_value`` in the shape (and dtype) of ``other``."""
    made = _like("full_like", lambda shape: np.full(shape, float(fill_value)))
    return made(other, requires_grad=requires_grad, dtype=dtype, device=device)


def rand(*size: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """Uniform random numbers in [0, 1) (seed with ``manual_seed``)."""
    return _made(generator().random(sizes_of(size, "rand")), requires_grad, dtype, device)


def randn(*size: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """Standard normal random numbers (seed with ``manual_seed``)."""
    return _made(generator().standard_normal(sizes_of(size, "randn")), requires_grad, dtype, device)


def randint(
    low: int,
    high: int | None = None,
    size: Sequence[int] = (),
    *,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Random whole numbers in [low, high) (one bound: [0, low)), as int64 as in PyTorch."""
    if high is None:
        low, high = 0, low
    shape = sizes_of(tuple(size), "randint")
    return _made(
        generator().integers(int(low), int(high), shape), False, dtype or dtypes.int64, device
    )


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor: a tensor itself when it already is one of that dtype."""
    if isinstance(data, Tensor) and dtype is None:
        dtypes.check_device(device)
        return data
    if isinstance(data, Tensor):
        return data.to(dtype, device=device)
    return _made(to_array(data, dtypes.storage(dtype)), False, dtype, device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing a numpy array's memory, as in PyTorch: a change to either is seen by
    the other. An integer array is copied, as float64 (gradcli computes in float64)."""
    if not isinstance(array, np.ndarray):
        raise ArgumentTypeError(f"from_numpy takes a numpy array, not {type(array).__name__}")
    return _made(to_array(array), False)


def is_tensor(value: Any) -> bool:
    return isinstance(value, Tensor)


# --- PyTorch's legacy tensor types ---------------------------------------------------------

# The one place that says what each legacy constructor makes. LongTensor makes an int64
# tensor, as ``dtype=gradcli.long`` does (and whatever that comes to mean, it follows).
_LEGACY_TYPES = {
    "FloatTensor": dtypes.float32,
    "DoubleTensor": dtypes.float64,
    "LongTensor": dtypes.int64,
}


def _legacy(name: str) -> Any:
    def make(*data: Any) -> Tensor:
        return Tensor(*data).to(_LEGACY_TYPES[name])

    make.__name__ = make.__qualname__ = name
    make.__doc__ = (
        f"PyTorch's legacy ``torch.{name}``: ``{name}([1, 2])`` copies data, "
        f"``{name}(2, 3)`` makes that shape (of zeros), as ``dtype={_LEGACY_TYPES[name]}``."
    )
    return make


FloatTensor = _legacy("FloatTensor")
DoubleTensor = _legacy("DoubleTensor")
LongTensor = _legacy("LongTensor")
