"""Numbers as text: exact (shortest round-trip) for scripts, shortened for people."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    pass


# --- numbers ----------------------------------------------------------------------

_NONFINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def json_number(value: float) -> float | str:
    """A float for JSON: itself (shortest round-trip), or a string for NaN and infinities."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    return _NONFINITE.get(value, value)


def json_array(array: Any) -> Any:
    """A number for a scalar, nested lists for an array (non-finite numbers as strings)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 0:
        return json_number(array)
    return [json_array(row) for row in array] if array.ndim > 1 else [json_number(v) for v in array]


def plain_number(value: float) -> str:
    """Python's shortest round-trip form: ``12.0``, ``2.3000000000000043``, ``nan``."""
    return repr(float(value))


def _rows(array: np.ndarray) -> np.ndarray:
    """An array of two or more dimensions as a matrix of its last axis (empty ones too)."""
    return array.reshape(int(np.prod(array.shape[:-1])), array.shape[-1])


def plain_array(array: Any) -> str:
    """One line per row, numbers separated by tabs; a scalar is one number."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim <= 1:
        return "\t".join(plain_number(v) for v in np.atleast_1d(array))
    return "\n".join("\t".join(plain_number(v) for v in row) for row in _rows(array))


def short_number(value: float, digits: int) -> str:
    """A number for people: ``digits`` significant digits, no trailing noise."""
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def fixed(value: float | None, digits: int) -> str:
    """A number of a limit table: fixed-point like the teaching loop's ``{:.5f}`` (digits=6), with
    more places where a small value needs them to keep ``digits`` significant digits;
    exponent form below ``10**-(digits-1)`` and from a million."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    places = max(digits - 1, 1)
    if value == 0:
        return f"{value:.{places}f}"
    if 10.0**-places <= abs(value) < 1e6:
        return f"{value:.{max(places, digits - 1 - math.floor(math.log10(abs(value))))}f}"
    return f"{value:.{places}e}"
