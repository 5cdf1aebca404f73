"""The expression as a function of one number t, for the finite differences of ``limit`` and
``check``: the value at the point with some of its elements moved by t."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import wrap
from gradcli.language import Expression

Move = tuple[str, tuple[int, ...]]
"""An element of a variable: its name and its index (``()`` for a scalar)."""


def function_of_t(
    expression: Expression,
    point: Mapping[str, np.ndarray],
    moves: Sequence[Move],
    weights: np.ndarray | None = None,
) -> Callable[[Any], Any]:
    """t -> the value at ``point`` with each element of ``moves`` increased by t (a complex t
    too, for the complex step), reduced to ``sum(weights * value)`` when weights are given.

    A variable at 0 moved by t takes the value t exactly (0.0 + t is t), so a function of the
    variable itself is this with the variable's own entry at 0.
    """

    def f(t: Any) -> Any:
        values = dict(point)
        for name, index in moves:
            moved = np.asarray(values[name]).astype(np.result_type(values[name], t))
            moved[index] += t
            values[name] = moved
        with no_grad():
            out = expression.evaluate({k: wrap(v) for k, v in values.items()}).numpy()
        return out if weights is None else np.sum(weights * out)

    return f
