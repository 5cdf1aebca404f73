"""The :class:`Series` type: a truncated Taylor series as an array of coefficients.

Its operators (``+ - * / ** @``, comparisons, indexing, ``.T``) are the rules of
:mod:`gradcli.taylor.rules`, which attaches them.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from gradcli.errors import LimitError, ShapeError


class Series:
    """A truncated Taylor series ``Σ c[k]·tᵏ``, elementwise over ``shape``.

    ``coefficients`` has shape ``(order + 1, *shape)``. Build one with
    :meth:`constant` or :meth:`variable`; combine with ``+ - * / ** @``, unary
    ``-`` and the functions of :mod:`gradcli.taylor`.
    """

    __slots__ = ("coefficients",)
    # numpy arrays and scalars defer to our reflected operators (array * series).
    __array_ufunc__ = None

    def __init__(self, coefficients: Any):
        coefficients = np.asarray(coefficients, dtype=np.float64)
        if coefficients.ndim == 0:
            raise ShapeError("a Series needs at least one coefficient (shape (order + 1, ...))")
        self.coefficients = coefficients

    @classmethod
    def constant(cls, value: Any, order: int) -> Series:
        """``value`` with every derivative 0."""
        value = np.asarray(value, dtype=np.float64)
        coefficients = np.zeros((check_order(order) + 1, *value.shape))
        coefficients[0] = value
        return cls(coefficients)

    @classmethod
    def variable(cls, x0: Any, order: int, direction: Any = 1.0) -> Series:
        """The independent variable ``x0 + direction·t``: coefficients [x0, direction, 0, ...]."""
        series = cls.constant(np.broadcast_arrays(x0, direction)[0], order)
        if order:
            series.coefficients[1] = direction
        return series

    @property
    def order(self) -> int:
        return len(self.coefficients) - 1

    @property
    def shape(self) -> tuple[int, ...]:
        return self.coefficients.shape[1:]

    @property
    def ndim(self) -> int:
        return self.coefficients.ndim - 1

    @property
    def primal(self) -> np.ndarray:
        """The value itself, ``c[0]``."""
        return self.coefficients[0]

    def derivatives(self) -> np.ndarray:
        """``f⁽ᵏ⁾(x0) = c[k]·k!`` for k = 1..order, shape ``(order, *shape)``."""
        mantissa, exponent = _factorials(self.order)
        shape = (-1,) + (1,) * self.ndim
        # k! = m·2**e: ldexp scales without forming k! as a float, which overflows past 170.
        with np.errstate(all="ignore"):
            scaled = self.coefficients[1:] * mantissa[1:].reshape(shape)
            return np.ldexp(scaled, exponent[1:].reshape(shape))

    def __repr__(self) -> str:
        return f"Series({np.array2string(self.coefficients, separator=', ')})"

    __hash__ = None  # type: ignore[assignment]


def check_order(order: Any) -> int:
    if isinstance(order, bool) or int(order) != order or order < 0:
        raise LimitError(f"the order of a Taylor series must be a whole number >= 0, not {order}")
    return int(order)


@functools.cache
def _factorials(order: int) -> tuple[np.ndarray, np.ndarray]:
    """k! = mantissa·2**exponent for k = 0..order, each mantissa in [0.5, 1) rounded once."""
    mantissa, exponent = np.empty(order + 1), np.empty(order + 1, dtype=np.int64)
    for k in range(order + 1):
        exact = math.factorial(k)
        exponent[k] = exact.bit_length()
        mantissa[k] = exact / (1 << int(exponent[k]))  # int / int rounds correctly
    return mantissa, exponent
