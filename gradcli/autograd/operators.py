"""Python's operators, and max/min's two meanings, for a kind of value, from the functions
that compute them.

Tensors and Taylor series both take ``+ - * / ** @``, unary ``-``/``+``/``abs``
and the comparisons as their own operations; this builds that table once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gradcli.errors import ExpressionError


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


def extremum(name: str, reduce: Callable[..., Any], elementwise: Callable[..., Any]) -> Any:
    """max or min: of one tensor's elements (over ``dim=``), or of two values elementwise.

    A second positional argument is always a value, as in ``torch.max(input,
    other)`` and in mathematics: ``max(v, 0)`` is ``maximum(v, 0)``, never a
    reduction over dimension 0. The dimension is given by keyword. The Taylor
    algebra builds its max and min with this too, from its own functions.
    """
    largest = "largest" if name == "max" else "smallest"

    def function(x: Any, *others: Any, dim: Any = None, keepdim: Any = False) -> Any:
        if not others:
            return reduce(x, dim, keepdim)
        if len(others) > 1:
            raise ExpressionError(
                f"{name} takes one tensor, {name}(x) or {name}(x, dim=0), or two values, "
                f"{name}(x, y); for more values write {name}({name}(a, b), c)"
            )
        if dim is not None or keepdim:
            raise ExpressionError(
                f"{name}(x, y) compares two values elementwise and takes no dim; "
                f"for the {largest} elements along a dimension write {name}(x, dim=0)"
            )
        return elementwise(x, others[0])

    function.__name__ = function.__qualname__ = name
    return function
