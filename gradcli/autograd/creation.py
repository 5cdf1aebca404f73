"""Functions that make new tensors, with a size cap checked before allocating."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from gradcli.autograd import dtypes
from gradcli.autograd.function import Function, Node
from gradcli.autograd.tensor import Tensor, to_array, wrap
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DtypeError,
    LimitError,
    SettingError,
    ShapeMismatchError,
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


def sizes_of(size: Sequence[Any], name: str, keyword: Any = None) -> tuple[int, ...]:
    """A shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (``keyword``), refused
    before allocation if too large."""
    if keyword is not None:
        if size:
            raise ArgumentTypeError(f"{name}() got multiple values for argument 'size'")
        size = (keyword,)
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
            raise ShapeMismatchError(f"{name}: sizes must be whole numbers >= 0, not {n}")
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
    """The new tensor of ``array`` (one of the types a tensor holds), stored as ``dtype``
    asks (float64 for every floating type, int64 for every integer type)."""
    dtypes.check_device(device)
    numpy_type = dtypes.storage(dtype)
    if numpy_type is not None:
        array = array.astype(numpy_type, copy=False)
    made = wrap(array)
    if requires_grad:
        made.requires_grad_(True)
    return made


def floating_only(name: str, dtype: Any) -> None:
    """Refuse an integer or bool ``dtype`` for random floats (a factory's ``dtype=``, the
    tensor ``normal_`` fills, a tensor mean), as PyTorch does."""
    numpy_type = dtypes.storage(dtype)
    if numpy_type is not None and numpy_type.kind != "f":
        raise DtypeError(
            f"{name} draws floating-point numbers, not {dtype!r} (PyTorch refuses it too); "
            "use randint for whole numbers"
        )


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
    """A new tensor holding a copy of ``data``, of its kind as in PyTorch: whole numbers
    make an int64 tensor, booleans a bool one, and any float a float64 one."""
    if data is None:
        raise DtypeError("tensor(None): could not infer the dtype of None; give numbers")
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
    """Evenly spaced values in [start, end) (one argument: [0, start)): int64 when start,
    end and step are all whole numbers of an integer type (``arange(3)``), else float64
    (``arange(3.0)``, ``arange(0, 1, 0.1)``) with PyTorch's values; ``dtype`` converts."""
    if end is None:
        start, end = 0, start
    given = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    for value in given:
        if not isinstance(value, (int, float, np.number)):
            raise ArgumentTypeError(f"arange: start, end and step are numbers, not {value!r}")
    whole = all(isinstance(v, (int, np.integer)) for v in given)
    start, end, step = (float(v) for v in given)
    if step == 0:
        raise ArgumentValueError("arange: step must be non-zero")
    if not all(map(math.isfinite, (start, end, step))):
        raise ArgumentValueError(
            f"arange: start, end and step must be finite, not {start} -> {end} by {step}"
        )
    count = max(math.ceil((end - start) / step), 0)
    check_size(count, "arange")
    if whole:
        values = np.arange(*(int(v) for v in given), dtype=np.int64)
    else:
        values = _arange_values(start, step, count)
    return _made(values, requires_grad, dtype, device)


def _arange_values(start: float, step: float, count: int) -> np.ndarray:
    """A float arange with PyTorch's values, as its CPU kernel computes them (AVX2): in runs
    of four, the first element is ``start + i·step`` rounded once (a fused multiply-add)
    and the next three ``first + j·step`` (j = 1, 2, 3) rounded once; after the last whole
    run of eight, ``start + i·step`` rounded once. numpy's ``start + i·delta`` rounds twice:
    ``arange(-8, 8, 0.1)[80]`` is -2.8e-14 there, 4.44e-16 in PyTorch. (Beyond 32,768
    elements PyTorch splits the runs among its threads, which agrees to 1 ulp.)"""
    if start.is_integer() and step.is_integer() and abs(start) + abs(step) * count < 2**53:
        # Whole numbers (the language's arange(4)): every product and sum is exact.
        return start + step * np.arange(count, dtype=np.float64)
    runs = count - count % 8 if count >= 8 else 0
    first = _fma_whole(step, np.arange(0, runs, 4), start)
    # first + step and first + 2·step are exact products added once, as a plain addition is
    lanes = (first, first + step, first + 2 * step, _fma_whole(step, np.full(len(first), 3), first))
    tail = _fma_whole(step, np.arange(runs, count), start)
    return np.concatenate([np.stack(lanes, axis=1).reshape(-1), tail])


def _fma_whole(x: float, k: np.ndarray, c: Any) -> np.ndarray:
    """``x·k + c`` rounded once (an exact fused multiply-add) for whole numbers |k| < 2**26.

    x splits into two halves of 26 and 27 bits, so each product with k is exact; the
    exact sum of three floats is then rounded once, its low part rounded to odd first
    (Boldo and Melquiond's emulation of an FMA, which makes the final rounding the
    correct one)."""
    k = np.asarray(k, dtype=np.float64)
    high = (np.float64(x).view(np.int64) & ~np.int64(2**27 - 1)).view(np.float64)
    product, product_error = _two_sum(high * k, (x - high) * k)
    total, total_error = _two_sum(np.asarray(c, dtype=np.float64), product)
    low, low_error = _two_sum(total_error, product_error)
    # Round the low part to odd: an inexact one with an even last bit moves one step towards
    # its error (in the bits, +1 is away from zero and -1 towards it, the last bit being 0).
    bits = low.view(np.int64)
    towards = np.where((low_error > 0) == (low > 0), 1, -1)
    odd = np.where((low_error != 0) & (bits & 1 == 0), bits + towards, bits)
    return total + odd.view(np.float64)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b`` rounded, and its rounding error (exactly: the two add up to a + b)."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


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


def _sized(name: str, fill: Any, doc: str) -> Any:
    def make(
        *sizes: Any,
        size: Any = None,
        requires_grad: bool = False,
        dtype: Any = None,
        device: Any = None,
    ) -> Tensor:
        return _made(fill(sizes_of(sizes, name, size)), requires_grad, dtype, device)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = doc
    return make


zeros = _sized(
    "zeros", np.zeros, "Zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."
)
ones = _sized("ones", np.ones, "Ones: ``ones(2, 3)``, ``ones((2, 3))`` or ``ones(size=(2, 3))``.")
empty = _sized(
    "empty",
    np.zeros,
    "A tensor to be filled in: ``empty(2, 3)`` (zeros in gradcli, uninitialised in PyTorch).",
)


def full(
    size: Sequence[int] | int,
    fill_value: Any,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor of one value: ``full((2, 3), 7.0)``; of the value's kind unless ``dtype``
    says otherwise (``full((2,), 7)`` is int64, as in PyTorch)."""
    size = (size,) if isinstance(size, (int, float)) else size
    return _made(
        np.full(sizes_of(size, "full"), _fill_value(fill_value, "full")),
        requires_grad,
        dtype,
        device,
    )


def _fill_value(value: Any, name: str) -> np.ndarray:
    """A fill value as a 0-d array of the type a tensor of it holds; a number only."""
    array = to_array(value)
    if array.ndim:
        raise ArgumentTypeError(
            f"{name}: the fill value is a number, not a tensor of shape {tuple(array.shape)}"
        )
    return array


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


def _like(name: str, fill: Any, random: bool = False) -> Any:
    def like(
        other: Any, *, requires_grad: bool = False, dtype: Any = None, device: Any = None
    ) -> Tensor:
        shape = np.shape(to_array(other))
        if dtype is None and isinstance(other, Tensor):
            dtype = other.dtype
        if random:
            floating_only(name, dtype)
        return _made(fill(shape), requires_grad, dtype, device)

    like.__name__ = like.__qualname__ = name
    return like


zeros_like = _like("zeros_like", np.zeros)
zeros_like.__doc__ = "Zeros in the shape (and dtype) of ``other``."
ones_like = _like("ones_like", np.ones)
ones_like.__doc__ = "Ones in the shape (and dtype) of ``other``."
empty_like = _like("empty_like", np.zeros)
empty_like.__doc__ = "A tensor in the shape of ``other`` to be filled in (zeros in gradcli)."
rand_like = _like("rand_like", lambda shape: generator().random(shape), random=True)
rand_like.__doc__ = "Uniform random numbers in [0, 1) in the shape of ``other``."
randn_like = _like("randn_like", lambda shape: generator().standard_normal(shape), random=True)
randn_like.__doc__ = "Standard normal random numbers in the shape of ``other``."


def full_like(
    other: Any,
    fill_value: Any,
    *,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """``fill_value`` in the shape (and dtype) of ``other``."""
    value = _fill_value(fill_value, "full_like")
    made = _like("full_like", lambda shape: np.full(shape, value))
    return made(other, requires_grad=requires_grad, dtype=dtype, device=device)


def rand(
    *sizes: Any,
    size: Any = None,
    generator: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Uniform random numbers in [0, 1) (seed with ``manual_seed``)."""
    shape = sizes_of(sizes, "rand", size)
    floating_only("rand", dtype)
    return _made(drawn_from(generator).random(shape), requires_grad, dtype, device)


def randn(
    *sizes: Any,
    size: Any = None,
    generator: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Standard normal random numbers (seed with ``manual_seed``)."""
    shape = sizes_of(sizes, "randn", size)
    floating_only("randn", dtype)
    return _made(drawn_from(generator).standard_normal(shape), requires_grad, dtype, device)


def randint(
    low: Any = 0,
    high: Any = None,
    size: Any = None,
    *,
    generator: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Random whole numbers in [low, high), int64 as in PyTorch: ``randint(high, size)``,
    ``randint(low, high, size)`` or by keyword (one bound and no size: [0, low), one)."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    shape = sizes_of((size if size is not None else (),), "randint")
    low, high = (_bound(v, "randint") for v in (low, high))
    if low >= high:
        raise ArgumentValueError(
            f"randint draws from [low, high) and needs low < high, not low={low} >= high={high}"
        )
    values = drawn_from(generator).integers(low, high, shape)
    return _made(values, requires_grad, dtype or dtypes.int64, device)


def _bound(value: Any, name: str) -> int:
    number = value.item() if isinstance(value, Tensor) else value
    if not isinstance(number, (int, np.integer)):
        raise ArgumentTypeError(f"{name}: the bounds are whole numbers, not {number!r}")
    return int(number)


# --- torch.normal ------------------------------------------------------------------------


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Normal draws, with PyTorch's overloads: ``normal(mean, std)`` with a tensor mean,
    std or both (the result has their broadcast shape), or ``normal(mean, std, size)`` of
    two numbers. A mean or std that requires grad gets a zero gradient, as in PyTorch
    (the draws are not reparameterised)."""
    tensors = [isinstance(v, Tensor) for v in (mean, std)]
    if not any(tensors):
        if size is None:
            raise ArgumentTypeError(
                "normal(mean, std) of two numbers needs a size, as in normal(0.0, 1.0, "
                "size=(2, 3)); or give a tensor mean or std"
            )
        floating_only("normal", dtype)
        shape = sizes_of((size,), "normal")
        return _made(
            normal_draws(drawn_from(generator), mean, std, shape), requires_grad, dtype, device
        )
    if size is not None or requires_grad or dtype is not None:
        raise ArgumentTypeError(
            "normal(mean, std) with a tensor mean or std takes no size, dtype nor "
            "requires_grad: the result has the tensors' shape and type"
        )
    dtypes.check_device(device)
    for value in (mean, std):
        if isinstance(value, Tensor):
            floating_only("normal", value.dtype)
    arrays = [v._data if isinstance(v, Tensor) else v for v in (mean, std)]
    try:
        shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        raise ShapeMismatchError(
            f"normal: the shapes of mean {np.shape(arrays[0])} and std {np.shape(arrays[1])} "
            "cannot be broadcast together"
        ) from None
    check_size(math.prod(shape), "normal", shape)
    draws = normal_draws(drawn_from(generator), *arrays, shape)
    return _NORMALS[tuple(tensors)].apply(draws, mean, std)


def normal_draws(rng: np.random.Generator, mean: Any, std: Any, shape: tuple[int, ...]) -> Any:
    """Draws of ``mean + std·z`` (numbers or arrays) in ``shape``; a negative std is refused,
    as in PyTorch."""
    deviation = np.asarray(std, dtype=np.float64)
    if not np.all(deviation >= 0):
        bad = deviation[~(deviation >= 0)].flat[0] if deviation.ndim else deviation
        raise ArgumentValueError(f"normal expects std >= 0.0, but found std {bad}")
    return np.asarray(rng.normal(np.asarray(mean, dtype=np.float64), deviation, shape))


class _Normal(Function):
    """torch.normal of tensors: the draws, and a zero gradient for a tensor mean and std
    (PyTorch's derivative)."""

    @staticmethod
    def forward(ctx: Node, draws: np.ndarray, mean: Any, std: Any) -> Tensor:
        return wrap(draws)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Any, ...]:
        zeros = [None if shape is None else wrap(np.zeros(shape)) for shape in ctx.input_shapes]
        return None, *zeros[1:]


# PyTorch's node for each overload: a tensor mean, a tensor std, or both.
_NORMALS = {
    (True, False): type("NormalTensorFloat", (_Normal,), {"node_name": "NormalBackward1"}),
    (False, True): type("NormalFloatTensor", (_Normal,), {"node_name": "NormalBackward2"}),
    (True, True): type("NormalTensorTensor", (_Normal,), {"node_name": "NormalBackward3"}),
}


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
    the other. That holds for float64, int64 and bool arrays, the types a tensor holds;
    any other is copied (float32 as float64, int32 as int64)."""
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
