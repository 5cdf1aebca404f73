"""Element types and devices by PyTorch's names, and what gradcli does with each.

A tensor holds one of four numpy types: float64, int64, bool or complex128.
Floating tensors are float64: a factory or ``.to()`` given ``float32``
(``float``) or ``float16`` (``half``) accepts it and computes in float64 all the
same, and the tensor says so: its ``dtype`` is ``float64``, which is never equal
to ``float32``. Integer tensors are int64 in the same way (``int32``, ``.int()``,
is stored and reported as int64), and boolean tensors are bool. Operations
promote as PyTorch does, by kind: bool < integer < floating < complex (an integer
and a float make a float, ``int / int`` divides truly, a comparison gives bool).
Only floating and complex tensors take part in autograd. A device other than the
CPU is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.errors import ArgumentTypeError, DeviceError


class dtype:  # PyTorch's name, torch.dtype
    """An element type (PyTorch's ``torch.dtype``): ``gradcli.float64``, ``gradcli.int64``, ...

    ``numpy`` is the numpy type gradcli stores such a tensor as: float64 for
    every floating type, since gradcli computes in float64, and int64 for every
    integer type.
    """

    __slots__ = ("is_floating_point", "name", "numpy")

    def __init__(self, name: str, numpy: type, is_floating_point: bool):
        self.name, self.numpy, self.is_floating_point = name, np.dtype(numpy), is_floating_point

    def __repr__(self) -> str:
        return f"gradcli.{self.name}"

    @property
    def is_complex(self) -> bool:
        return self.numpy.kind == "c"

    @property
    def itemsize(self) -> int:
        return self.numpy.itemsize

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dtype):
            return self is other
        if other is None:  # np.dtype(None) is float64
            return False
        # x.dtype == np.float64 holds for the numpy type it is stored as.
        try:
            numpy_dtype = np.dtype(other)  # type: ignore[call-overload]
        except TypeError:
            return NotImplemented
        return self is of_array(numpy_dtype) and self.numpy == numpy_dtype

    __hash__ = object.__hash__


float64 = dtype("float64", np.float64, True)
float32 = dtype("float32", np.float64, True)
float16 = dtype("float16", np.float64, True)
complex128 = dtype("complex128", np.complex128, False)
int64 = dtype("int64", np.int64, False)
int32 = dtype("int32", np.int64, False)
bool_ = dtype("bool", np.bool_, False)

DTYPES = {
    "float64": float64, "double": float64, "float32": float32, "float": float32,
    "float16": float16, "half": float16, "int64": int64, "long": int64, "int32": int32,
    "int": int32, "bool": bool_,
    "complex128": complex128, "cdouble": complex128,
}  # fmt: skip
"""Every dtype by each of its PyTorch names."""


def of_array(numpy_dtype: np.dtype) -> dtype:
    """The dtype a tensor holding an array of ``numpy_dtype`` reports."""
    kind = numpy_dtype.kind
    if kind == "f":
        return float64
    if kind == "c":
        return complex128
    if kind == "b":
        return bool_
    return int64


def storage(requested: Any) -> np.dtype | None:
    """The numpy type to store a tensor of the ``requested`` dtype as (None: as its data is).

    Takes gradcli's dtypes, their names (``"float32"``), numpy and Python types.
    """
    if requested is None:
        return None
    if isinstance(requested, dtype):
        return requested.numpy
    if isinstance(requested, str) and requested in DTYPES:
        return DTYPES[requested].numpy
    try:
        numpy_dtype = np.dtype(requested)
    except TypeError:
        numpy_dtype = None
    if numpy_dtype is None or numpy_dtype.kind not in "fcbiu":
        raise ArgumentTypeError(
            f"dtype {requested!r} is not one gradcli knows; use gradcli.float64 (or float32, "
            "which gradcli accepts and computes in float64), gradcli.int64 (or int32, stored "
            "as int64) or gradcli.bool"
        )
    return of_array(numpy_dtype).numpy


class device:  # PyTorch's name, torch.device
    """A device (PyTorch's ``torch.device``); gradcli has one, the CPU."""

    __slots__ = ("index", "type")

    def __init__(self, type: str | device = "cpu", index: int | None = None):
        name = type.type if isinstance(type, device) else type
        if not isinstance(name, str):
            raise ArgumentTypeError(f"a device is named by a string such as 'cpu', not {name!r}")
        kind, _, number = name.partition(":")
        if kind != "cpu":
            raise DeviceError(
                f"device {name!r}: gradcli computes with numpy on the CPU only; use "
                "device='cpu' or leave the device out (gradcli.cuda.is_available() is False)"
            )
        self.type, self.index = "cpu", index if index is not None or not number else int(number)

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)


CPU = device("cpu")


def check_device(requested: Any) -> None:
    """Refuse any device but the CPU (``device=`` on factories, ``.to()``)."""
    if requested is not None:
        device(requested)


class cuda:  # the namespace torch.cuda
    """``gradcli.cuda``: there is no GPU in gradcli, so CPU-only tutorial code takes its CPU path."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0


class _mps:  # the namespace torch.backends.mps
    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class backends:  # the namespace torch.backends
    """``gradcli.backends.mps.is_available()`` is False, so tutorial code picking a device
    ("cuda" if ... else "mps" if ... else "cpu") takes its CPU path."""

    mps = _mps
