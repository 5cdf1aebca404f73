"""The primitives: one small ``Function`` per operation, forward beside backward.

Backward formulas use gradcli's own tensor operations, never raw numpy, so
with ``create_graph=True`` every gradient is a graph that can be differentiated
again. Broadcasting is undone in exactly one place, :func:`unbroadcast`.

At kinks the conventions are PyTorch's: ``abs'(0) = sign(0) = 0``,
``relu'(0) = 0``, ``clamp`` passes the gradient on its closed interval,
``maximum``/``minimum`` and ``amax``/``amin`` split it evenly between ties.

The modules group the primitives: ``arithmetic`` (two tensors, comparisons),
``elementwise`` (the unary table, clamp, where), ``reductions``, ``linalg``,
``shape`` (reshape, permute, broadcast_to, indexing, cat, stack) and
``losses``; ``_helpers`` holds what they share. This package exports the
functions users call and attaches them to ``Tensor`` as methods and operators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd.operators import python_operators
from gradcli.autograd.ops._helpers import Dim, unbroadcast
from gradcli.autograd.ops.arithmetic import (
    PowScalarBase,
    Rsub,
    add,
    div,
    eq,
    ge,
    gt,
    le,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    pow,
    sub,
    with_number,
)
from gradcli.autograd.ops.elementwise import (
    abs,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    clamp,
    cos,
    cosh,
    exp,
    expm1,
    log,
    log1p,
    log2,
    log10,
    neg,
    reciprocal,
    relu,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
    where,
)
from gradcli.autograd.ops.linalg import dot, matmul, mm
from gradcli.autograd.ops.losses import binary_cross_entropy_with_logits, mse_loss
from gradcli.autograd.ops.reductions import (
    amax,
    amin,
    log_softmax,
    logsumexp,
    mean,
    norm,
    prod,
    softmax,
    sum,
)
from gradcli.autograd.ops.selection import argmax, argmin, argsort, max, min, sort
from gradcli.autograd.ops.shape import (
    broadcast_to,
    cat,
    clone,
    contiguous,
    expand,
    flatten,
    index,
    index_add,
    masked_fill,
    narrow,
    permute,
    reshape,
    select,
    squeeze,
    stack,
    t,
    transpose,
    unsqueeze,
    view,
)
from gradcli.autograd.tensor import Tensor, wrap

__all__ = [
    "Dim", "abs", "acos", "acosh", "add", "allclose", "amax", "amin", "argmax", "argmin", "argsort", "asin",
    "asinh", "atan", "atanh", "binary_cross_entropy_with_logits", "broadcast_to", "cat", "clamp",
    "clone", "cos", "cosh", "div", "dot", "eq", "equal", "exp", "expand", "expm1", "flatten", "ge", "gt",
    "index_add", "le", "log", "log10", "log1p", "log2", "log_softmax", "logsumexp", "lt",
    "masked_fill", "matmul", "max", "maximum", "mean", "min", "minimum", "mm", "mse_loss", "mul",
    "narrow", "ne", "neg", "norm", "permute", "pow", "prod", "reciprocal", "relu", "reshape",
    "select", "sigmoid", "sign", "sin", "sinh", "softmax", "softplus", "sort", "sqrt", "squeeze",
    "stack", "sub", "sum", "t", "tan", "tanh", "transpose", "unbroadcast", "unsqueeze", "view",
    "where",
]  # fmt: skip


# --- the same operations as Tensor methods and operators ------------------------------------


def _reflected(name: str, recorded: Any) -> Any:
    """``number OP tensor`` recorded as PyTorch records it, the tensor's edge first."""

    def method(self: Tensor, other: Any) -> Tensor:
        return recorded(self, other)

    method.__name__ = name
    return method


_METHODS: dict[str, Callable[..., Any]] = {
    **python_operators(globals()),
    # number + x and number * x are x + number and x * number, bit for bit; 1 - x, 2 ** x
    # and 2 / x take PyTorch's nodes (RsubBackward1, PowBackward2, reciprocal then Mul).
    "__radd__": _reflected("__radd__", add),
    "__rmul__": _reflected("__rmul__", mul),
    "__rsub__": _reflected("__rsub__", lambda x, number: with_number(Rsub, x, number)),
    "__rpow__": _reflected("__rpow__", lambda x, number: with_number(PowScalarBase, x, number)),
    "__rtruediv__": _reflected("__rtruediv__", lambda x, number: reciprocal(x) * number),
    "__getitem__": index,
    "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "matmul": matmul, "dot": dot,
    "mm": mm, "maximum": maximum, "minimum": minimum, "clamp": clamp,
    "clip": clamp, "where": lambda self, c, y: where(c, self, y),
    "neg": neg, "exp": exp, "expm1": expm1, "log": log, "log1p": log1p, "log2": log2,
    "log10": log10, "sqrt": sqrt, "sin": sin, "cos": cos, "tan": tan, "asin": asin,
    "acos": acos, "atan": atan, "sinh": sinh, "cosh": cosh, "tanh": tanh, "asinh": asinh,
    "acosh": acosh, "atanh": atanh, "sigmoid": sigmoid, "softplus": softplus, "relu": relu,
    "abs": abs, "sign": sign, "reciprocal": reciprocal,
    "sum": sum, "mean": mean, "prod": prod, "amax": amax, "amin": amin, "max": max,
    "min": min, "argmax": argmax, "argmin": argmin, "sort": sort, "argsort": argsort,
    "norm": norm, "logsumexp": logsumexp, "softmax": softmax, "log_softmax": log_softmax,
    "reshape": reshape, "view": view, "permute": permute, "transpose": transpose,
    "expand": expand, "expand_as": lambda self, other: expand(self, other.shape),
    "view_as": lambda self, other: view(self, other.shape), "select": select, "narrow": narrow,
    "unsqueeze": unsqueeze, "squeeze": squeeze, "flatten": flatten, "t": t, "clone": clone,
    "contiguous": contiguous,
    "masked_fill": masked_fill, "index_add": index_add,
    "any": lambda self: wrap(np.any(self._data)), "all": lambda self: wrap(np.all(self._data)),
}  # fmt: skip


def _values(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def equal(input: Any, other: Any) -> bool:
    """True when the two have the same shape and the same elements (a Python bool)."""
    return bool(np.array_equal(_values(input), _values(other)))


def allclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """``|input - other| <= atol + rtol·|other|`` everywhere (a Python bool), as PyTorch."""
    return bool(np.allclose(_values(input), _values(other), rtol, atol, equal_nan))


_METHODS.update(equal=equal, allclose=allclose)

for _name, _method in _METHODS.items():
    setattr(Tensor, _name, _method)

Tensor.T = property(lambda self: self.permute(tuple(reversed(range(self.ndim)))))
Tensor.mT = property(lambda self: transpose(self, -2, -1))
