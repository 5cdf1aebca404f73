"""Python's operators for a kind of value, from the functions that compute them.

Tensors and Taylor series both take ``+ - * / ** @``, unary ``-``/``+``/``abs``
and the comparisons as their own operations; this builds that table once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _reflected(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda self, other: function(other, self)


def python_operators(functions: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Dunder methods from ``functions`` (add, sub, mul, div, pow, matmul, neg, abs, lt, le,
    gt, ge, eq, ne), the reflected forms included: ``2 * x`` is ``mul(2, x)``."""
    table: dict[str, Callable[..., Any]] = {"__pos__": lambda self: self}
    for dunder, name in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div"),
                         ("pow", "pow"), ("matmul", "matmul")):  # fmt: skip
        table[f"__{dunder}__"] = functions[name]
        table[f"__r{dunder}__"] = _reflected(functions[name])
    for name in ("neg", "abs", "lt", "le", "gt", "ge", "eq", "ne"):
        table[f"__{name}__"] = functions[name]
    return table
