"""The primitives: one small ``Function`` per operation, forward beside backward.

Backward formulas use gradcli's own tensor operations, never raw numpy, so
with ``create_graph=True`` every gradient is a graph that can be differentiated
again. Broadcasting is undone in exactly one place, :func:`unbroadcast`.

At kinks the conventions are PyTorch's: ``abs'(0) = sign(0) = 0``,
``relu'(0) = 0``, ``clamp`` passes the gradient on its closed interval,
``maximum``/``minimum`` and ``amax``/``amin`` split it evenly between ties.

The modules group the primitives: ``arithmetic`` (two tensors, comparisons, logic),
``elementwise`` (the unary table, rounding, clamp, where), ``activations`` (those of
``torch.nn.functional``), ``reductions``, ``linalg``, ``shape`` (reshape, permute,
broadcast_to, indexing, cat, stack) and ``losses``; ``_helpers`` holds what they share.
Each module's ``__all__`` lists the operations it defines; this package exports them all
(``gradcli.exp`` comes from here) and attaches them to ``Tensor`` as methods and
operators, so a new operation is written once, in its module, and named once, in that
module's ``__all__``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradcli.autograd.operators import python_operators
from gradcli.autograd.ops import (  # _helpers first: the modules below import it
    _helpers,
    activations,
    arithmetic,
    elementwise,
    linalg,
    losses,
    reductions,
    selection,
    shape,
)
from gradcli.autograd.ops.activations import *  # noqa: F403
from gradcli.autograd.ops.arithmetic import *  # noqa: F403
from gradcli.autograd.ops.elementwise import *  # noqa: F403
from gradcli.autograd.ops.linalg import *  # noqa: F403
from gradcli.autograd.ops.losses import *  # noqa: F403
from gradcli.autograd.ops.reductions import *  # noqa: F403
from gradcli.autograd.ops.selection import *  # noqa: F403
from gradcli.autograd.ops.shape import *  # noqa: F403
from gradcli.autograd.ops.shape import contiguous, expand, index, repeat, unfold, view
from gradcli.autograd.tensor import Tensor

# Not operations, but what a Function's backward may need.
Dim, unbroadcast = _helpers.Dim, _helpers.unbroadcast

_MODULES = (arithmetic, elementwise, activations, linalg, losses, reductions, selection, shape)
__all__ = [name for module in _MODULES for name in module.__all__]
"""Every operation, as ``gradcli`` exports it: ``gradcli/__init__`` looks its names up here."""

# Each takes numpy's axis= and keepdims= too, as PyTorch's functions and methods do.
_OPERATIONS: dict[str, Callable[..., Any]] = {
    name: _helpers.numpy_names(globals()[name]) for name in __all__
}
globals().update(_OPERATIONS)


# --- the same operations as Tensor methods and operators ------------------------------------

# PyTorch has these as functions only: there is no x.cat(...), x.gelu(...) nor x.mse_loss(...).
_FUNCTIONS_ONLY = (
    "cat", "stack", "einsum", "meshgrid", "var_mean", "std_mean",
    *activations.__all__, *losses.__all__,
)  # fmt: skip


def _reflected(name: str, recorded: Any) -> Any:
    """``number OP tensor`` recorded as PyTorch records it, the tensor's edge first."""

    def method(self: Tensor, other: Any) -> Tensor:
        return recorded(self, other)

    method.__name__ = name
    return method


_METHODS: dict[str, Callable[..., Any]] = {
    **{name: op for name, op in _OPERATIONS.items() if name not in _FUNCTIONS_ONLY},
    **python_operators(_OPERATIONS),
    # number + x and number * x are x + number and x * number, bit for bit; 1 - x, 2 ** x
    # and 2 / x take PyTorch's nodes (RsubBackward1, PowBackward2, reciprocal then Mul).
    "__radd__": _reflected("__radd__", arithmetic.add),
    "__rmul__": _reflected("__rmul__", arithmetic.mul),
    "__rsub__": _reflected("__rsub__", arithmetic.rsub),
    "__rpow__": _reflected("__rpow__", lambda x, number: arithmetic.with_number(arithmetic.PowScalarBase, x, number)),
    "__rtruediv__": _reflected("__rtruediv__", lambda x, number: elementwise.reciprocal(x) * number),
    # x % y and x // y: PyTorch's remainder (the sign of y, as Python's) and floor_divide.
    "__mod__": arithmetic.remainder, "__floordiv__": arithmetic.floor_divide,
    "__rmod__": _reflected("__rmod__", lambda x, other: arithmetic.remainder(other, x)),
    "__rfloordiv__": _reflected("__rfloordiv__", lambda x, other: arithmetic.floor_divide(other, x)),
    "__getitem__": index,
    # Methods only (PyTorch has no torch.view(x, ...)), or under another name or argument order.
    "view": view, "expand": expand, "contiguous": contiguous, "clip": elementwise.clamp,
    "repeat": repeat, "unfold": unfold,
    "where": lambda self, condition, other: elementwise.where(condition, self, other),
    "expand_as": lambda self, other: expand(self, other.shape),
    "view_as": lambda self, other: view(self, other.shape),
}  # fmt: skip

for _name, _method in _METHODS.items():
    setattr(Tensor, _name, _method)

Tensor.T = property(lambda self: self.permute(tuple(reversed(range(self.ndim)))))
Tensor.mT = property(lambda self: shape.transpose(self, -2, -1))
