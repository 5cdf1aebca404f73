"""Univariate Taylor mode: every derivative up to order N in one forward pass.

A :class:`Series` holds the *normalised* Taylor coefficients of a quantity along
one direction, ``c[k] = f⁽ᵏ⁾(x0) / k!`` for ``k = 0..N``, as a float64 array of
shape ``(N + 1, *shape)``: the first axis is the order, the others are the
quantity's own (elementwise rules broadcast over them). Each op maps its inputs'
coefficients to its output's with a recurrence of cost O(N²) (Griewank &
Walther, *Evaluating Derivatives*, 2nd ed., ch. 13; JAX's
``jax/experimental/jet.py``), never by expanding formulas symbolically, so the
30th derivative costs about 30² multiply-adds per op, where nested reverse mode
builds ever larger graphs.

Normalised coefficients stay of moderate size where the derivatives themselves
grow like k! (``1/(1-x)``) or shrink like 1/k! (``exp``); ``derivatives()``
multiplies by k! only at the end. Beyond order 170, k! overflows float64, so
derivatives that large are ±inf, and coefficients below ~1e-308 lose precision
(they become subnormal): orders up to 170 are the useful range.

The package: :mod:`~gradcli.taylor.series` (the :class:`Series` type),
:mod:`~gradcli.taylor.recurrences` (the O(N²) recurrences on coefficient arrays)
and :mod:`~gradcli.taylor.rules` (one rule per op, in :data:`RULES`, keyed by the
names of the expression language). The functions of the same names, re-exported
here, accept Series or plain constants (numbers, numpy arrays) and return a
Series; comparisons compare primal values and return numpy bool arrays, for
``where``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.errors import ShapeError
from gradcli.taylor import recurrences as rec
from gradcli.taylor.rules import RULES, raw
from gradcli.taylor.series import Series, check_order

__all__ = ["RULES", "Series", "derivatives", "taylor_coefficients"]


def __getattr__(name: str) -> Callable[..., Any]:
    """Each rule as a function of the package, by its op's name: ``taylor.exp(x)``."""
    try:
        return RULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *RULES})


def _propagate(fn: Callable[[Series], Any], x0: float, order: int) -> Series:
    x = Series.variable(float(x0), check_order(order))
    with np.errstate(all="ignore"):
        result = fn(x)
    coefficients = rec.with_rows(raw(result), order + 1)
    if coefficients[0].size != 1:
        raise ShapeError(f"fn must return a single number, not shape {coefficients.shape[1:]}")
    return Series(coefficients.reshape(order + 1))


def taylor_coefficients(fn: Callable[[Series], Any], x0: float, order: int) -> list[float]:
    """[f(x0), f'(x0), f''(x0)/2!, ..., f⁽ᴺ⁾(x0)/N!] for a scalar function of one variable.

    ``fn`` takes a :class:`Series` and combines it with Series operators and the
    functions of this package, e.g. ``lambda x: exp(sin(x))``.
    """
    return [float(c) for c in _propagate(fn, x0, order).coefficients]


def derivatives(fn: Callable[[Series], Any], x0: float, order: int) -> list[float]:
    """[f'(x0), f''(x0), ..., f⁽ᴺ⁾(x0)] in one forward pass, N = ``order``.

    >>> derivatives(lambda x: x**3, 2.0, 4)
    [12.0, 12.0, 6.0, 0.0]
    """
    return [float(d) for d in _propagate(fn, x0, order).derivatives()]
