"""Central differences: the one implementation behind ``gradcheck`` and ``gradcli limit``.

(f(x + h) - f(x - h)) / (2h), taken along each element of ``x`` in turn, with the
bound on its rounding error that ``gradcli.finite`` uses to choose its best step.
It imports numpy alone, so ``gradcli.finite``, outside the engine, builds its
schemes on it while the engine itself depends on nothing outside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

EPS = float(np.finfo(np.float64).eps)


class CentralDifferences(NamedTuple):
    """Estimates and rounding bounds, one of each per element of ``x``."""

    estimates: np.ndarray
    # ε(|f(x+h)| + |f(x-h)|)/2h: the error of rounding each value once, which
    # makes tiny steps look bad even where their estimates agree exactly.
    rounding: np.ndarray


def central_differences(
    f: Callable[[np.ndarray], Any], x: ArrayLike, h: float
) -> CentralDifferences:
    """(f(x + h·e_k) - f(x - h·e_k)) / (2h) for each element k of ``x``.

    ``e_k`` is 1 at element k and 0 elsewhere; the shift is added to that element
    alone, so the others keep their bits (a -0.0 stays -0.0). ``f`` gets a fresh
    float64 array of ``x``'s shape on every call, which it may keep, and returns
    one real number. It is called at x + h·e_k, then x - h·e_k, element by element.

    The quotients never warn or raise: a step of 0 or values that overflow give
    NaN or infinity, for the caller to show or to compare.

    >>> central_differences(lambda p: p[0] * p[1], [3.0, 4.0], 0.5).estimates
    array([4., 3.])
    """
    base = np.array(x, dtype=np.float64)
    estimates = np.empty(base.shape)
    rounding = np.empty(base.shape)
    for k in np.ndindex(base.shape):
        plus = np.float64(f(_moved(base, k, h)))
        minus = np.float64(f(_moved(base, k, -h)))
        with np.errstate(all="ignore"):
            denominator = 2 * np.float64(h)
            estimates[k] = (plus - minus) / denominator
            rounding[k] = EPS * (abs(plus) + abs(minus)) / abs(denominator)
    return CentralDifferences(estimates, rounding)


def _moved(base: np.ndarray, k: tuple[int, ...], step: float) -> np.ndarray:
    point = base.copy()
    point[k] += step
    return point
