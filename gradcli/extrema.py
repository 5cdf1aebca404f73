"""The library's ``minimize``, ``maximize``, ``solve`` and ``critical``: the commands'
computations (:mod:`gradcli.compute.optimize`, :mod:`gradcli.compute.critical`) on an
expression of gradcli's language (compiled or as text) or, for the first three, a Python
function of gradcli tensors.

>>> import gradcli
>>> found = gradcli.minimize("(1-x)**2 + 100*(y-x**2)**2", at={"x": -1.2, "y": 1})
>>> {name: float(v) for name, v in found.point.items()}, found.stop
({'x': 1.0, 'y': 1.0}, 'gradient')
>>> float(gradcli.solve(lambda x: x**3 - 2*x - 5, at={"x": 2.0}).point["x"])
2.0945514815423265
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.results import Critical, Optimum, Root
from gradcli.errors import ExpressionError
from gradcli.language.compiled import Expression, compile

Objective = Expression | str | Callable[..., Any]
"""What the functions take: a compiled expression, its text, or a Python function whose
parameters are the variables (it gets gradcli tensors and returns one)."""


class _Function:
    """A Python function of tensors, seen as an expression: its parameters are the
    variables, and evaluating calls it with a tensor for each."""

    operations: tuple[str, ...] = ()
    is_program = False

    def __init__(self, function: Callable[..., Any]):
        self.function = function
        self.source = getattr(function, "__name__", type(function).__name__)
        parameters = inspect.signature(function).parameters
        self.names = self.variables = tuple(parameters)

    def evaluate(
        self, values: Mapping[str, Any] | None = None, algebra: Any = None, **_: Any
    ) -> Tensor:
        if algebra is not None:
            # Many points at once need an expression; this sends them one at a time.
            raise ExpressionError("a Python function runs on tensors, one point at a time")
        return as_tensor(self.function(**dict(values or {})))


def _expression(f: Objective) -> Any:
    if isinstance(f, Expression):
        return f
    if isinstance(f, str):
        return compile(f)
    if callable(f):
        return _Function(f)
    raise TypeError(f"expected an expression, its text or a function, not {type(f).__name__}")


def _bindings(values: Mapping[str, Any] | None) -> list[Binding]:
    return [
        Binding(name, repr(value), np.asarray(value, dtype=np.float64))
        for name, value in (values or {}).items()
    ]


def minimize(
    f: Objective,
    at: Mapping[str, Any],
    method: str = "auto",
    wrt: Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    steps: int | None = None,
    tol: float | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    trace: bool = False,
) -> Optimum:
    """The minimum of ``f`` from the point ``at`` (name -> number or array), as
    ``gradcli minimize`` finds it: ``.point``, ``.value``, ``.gradient_norm``,
    ``.iterations``, ``.stop`` ("gradient" when it converged), ``.trace`` with ``trace``.
    ``bounds`` maps a variable to its (low, high)."""
    return _optimize(f, at, "minimum", method, wrt, bounds, steps, tol, lr, momentum, trace)


def maximize(
    f: Objective,
    at: Mapping[str, Any],
    method: str = "auto",
    wrt: Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    steps: int | None = None,
    tol: float | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    trace: bool = False,
) -> Optimum:
    """The maximum of ``f`` from ``at``: :func:`minimize`'s options, for -f."""
    return _optimize(f, at, "maximum", method, wrt, bounds, steps, tol, lr, momentum, trace)


def _optimize(
    f: Objective,
    at: Mapping[str, Any],
    goal: str,
    method: str,
    wrt: Sequence[str] | None,
    bounds: Mapping[str, tuple[float, float]] | None,
    steps: int | None,
    tol: float | None,
    lr: float | None,
    momentum: float | None,
    trace: bool,
) -> Optimum:
    from gradcli.compute.optimize import optimize

    ranges = [(name, float(lo), float(hi)) for name, (lo, hi) in (bounds or {}).items()]
    return optimize(
        _expression(f), _bindings(at), goal=goal, method=method, wrt=wrt, bounds=ranges,
        steps=steps, tolerance=tol, lr=lr, momentum=momentum, trace=trace,
    )  # fmt: skip


def solve(
    f: Objective,
    at: Mapping[str, Any],
    wrt: Sequence[str] | None = None,
    steps: int | None = None,
    trace: bool = False,
) -> Root:
    """A root of ``f`` = 0 near ``at`` by Newton's method with the exact derivative, as
    ``gradcli solve`` finds it: ``.point``, ``.residual``, ``.stop``."""
    from gradcli.compute.optimize import solve as solve_at

    return solve_at(_expression(f), _bindings(at), wrt=wrt, steps=steps, trace=trace)


def critical(
    f: Objective,
    over: Mapping[str, tuple[float, float]],
    at: Mapping[str, Any] | None = None,
    starts: int | None = None,
) -> Critical:
    """The critical points of ``f`` in the box ``over`` (name -> (low, high)), as
    ``gradcli critical`` finds them; ``at`` fixes the other variables. An expression runs
    every start at once; a Python function one start at a time (about 50 times slower)."""
    from gradcli.compute.critical import critical_points

    box = [(name, float(lo), float(hi)) for name, (lo, hi) in over.items()]
    return critical_points(_expression(f), _bindings(at), box, starts)
