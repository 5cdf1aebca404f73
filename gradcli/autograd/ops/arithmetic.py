"""Arithmetic of two tensors (+ - * / **, maximum, minimum) and the comparisons."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _binary, _const, _two_input, unbroadcast
from gradcli.autograd.ops.elementwise import log
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import DtypeError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "maximum",
    "minimum",
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
    "equal",
    "allclose",
]


class Add(Function):
    node_name = "AddBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.add, x, y, "+")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.add, x, y, "+")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor]:
        xs, ys = ctx.input_shapes
        return unbroadcast(grad_output, xs), unbroadcast(grad_output, ys)


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.sub, x, y, "-")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.sub, x, y, "-")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        xs, ys = ctx.input_shapes
        gy = unbroadcast(-grad_output, ys) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad_output, xs), gy


class Mul(Function):
    node_name = "MulBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.mul, x, y, "*")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        # Each factor is saved for the other's gradient only, as in PyTorch: x * 2 keeps
        # no x alive, and changing x in place afterwards is no error.
        need_x, need_y = ctx.needs_input_grad
        ctx.save_for_backward(x if need_y else None, y if need_x else None)
        return _binary(operator.mul, x, y, "*")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        xs, ys = ctx.input_shapes
        gx = unbroadcast(grad_output * y, xs) if need_x else None
        gy = unbroadcast(grad_output * x, ys) if need_y else None
        return gx, gy


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(operator.truediv, x, y, "/")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)  # as Mul
        return _binary(operator.truediv, x, y, "/")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        xs, ys = ctx.input_shapes
        g_over_y = grad_output / y
        gx = unbroadcast(g_over_y, xs) if ctx.needs_input_grad[0] else None
        gy = unbroadcast(-g_over_y * x / y, ys) if ctx.needs_input_grad[1] else None
        return gx, gy


class Pow(Function):
    node_name = "PowBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(_power, x, y, "**")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        result = _binary(_power, x, y, "**")
        ctx.save_for_backward(x, y, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y, result = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            # d/dx x**0 is 0 even at x = 0, where y * x**(y-1) would be 0 * inf:
            # there the base is moved to 1, so the formula gives y * 1 = 0 and
            # its own derivatives stay finite. Masking the result instead would
            # zero its derivative in y wherever y = 0 (wrong higher orders when y
            # depends on the variable) and leak NaN through the masked branch.
            zero_zero = (y._data == 0) & (x._data == 0)
            base = x + _const(zero_zero) if np.any(zero_zero) else x
            local = y * base ** (y - 1)
            gx = unbroadcast(grad_output * local, x.shape)
        if ctx.needs_input_grad[1]:
            # d/dy 0**y is taken as 0 for y >= 0 (PyTorch), not 0 * log(0).
            zero_base = (x._data == 0) & (y._data >= 0)
            log_x = log(x + _const(zero_base)) if np.any(zero_base) else log(x)
            gy = unbroadcast(grad_output * result * log_x, y.shape)
        return gx, gy


class Maximum(Function):
    node_name = "MaximumBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(np.maximum, x, y, "maximum")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(np.maximum, x, y, "maximum")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor]:
        x, y = ctx.saved_tensors
        share = _const((x._data > y._data) + 0.5 * (x._data == y._data))
        return _split_between(grad_output, share, x.shape, y.shape)


class Minimum(Function):
    node_name = "MinimumBackward0"

    @staticmethod
    def _evaluate(x: Tensor, y: Tensor) -> Tensor:
        return _binary(np.minimum, x, y, "minimum")

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(np.minimum, x, y, "minimum")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor]:
        x, y = ctx.saved_tensors
        share = _const((x._data < y._data) + 0.5 * (x._data == y._data))
        return _split_between(grad_output, share, x.shape, y.shape)


class Rsub(Function):
    """``number - x``, recorded as PyTorch records it: one edge, to x."""

    node_name = "RsubBackward1"

    @staticmethod
    def _evaluate(x: Tensor, number: Tensor) -> Tensor:
        return _binary(operator.sub, number, x, "-")

    @staticmethod
    def forward(ctx: Node, x: Tensor, number: Tensor) -> Tensor:
        return _binary(operator.sub, number, x, "-")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return unbroadcast(-grad_output, ctx.input_shapes[0]), None


class PowScalarBase(Function):
    """``number ** x``, recorded as PyTorch records it: one edge, to the exponent x."""

    node_name = "PowBackward2"

    @staticmethod
    def _evaluate(x: Tensor, number: Tensor) -> Tensor:
        return _binary(_power, number, x, "**")

    @staticmethod
    def forward(ctx: Node, x: Tensor, number: Tensor) -> Tensor:
        result = _binary(_power, number, x, "**")
        # d/dx 0**x is taken as 0 for x >= 0 (PyTorch), as in Pow; below 0 it is
        # 0**x · log 0 = -inf. Which elements: a constant of the forward values.
        ctx.zero_base = (number._data == 0) & (x._data >= 0)
        ctx.save_for_backward(number, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        number, result = ctx.saved_tensors
        zero_base = ctx.zero_base
        log_base = log(number + _const(zero_base)) if np.any(zero_base) else log(number)
        return unbroadcast(grad_output * result * log_base, ctx.input_shapes[0]), None


def _power(a: Any, b: Any) -> Any:
    """``a ** b`` (arrays), with PyTorch's rules for integers: an integer to an integer power
    stays int64, to a negative power it is 1 and -1 to that power and 0 for any other base
    (integer division); two booleans are refused."""
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":  # (b may be a Python int: see _binary)
        return np.power(a, b)
    if a.dtype.kind == "b" and b.dtype.kind == "b":
        raise DtypeError(
            "**: a power of two bool tensors is not implemented (as in PyTorch); convert "
            "one to numbers first, as in x.long() ** y"
        )
    negative = b < 0
    if not np.any(negative):
        return np.power(a, b, dtype=np.int64)
    powers = np.power(a, np.where(negative, 0, b), dtype=np.int64)
    odd = np.where(b % 2 == 0, 1, -1)
    fractions = np.where(a == 1, 1, np.where(a == -1, odd, 0))
    return np.where(negative, fractions, powers)


def _split_between(grad: Tensor, share: Tensor, xs: tuple, ys: tuple) -> tuple[Tensor, Tensor]:
    """Give ``share`` of the gradient to x and the rest to y (ties split evenly)."""
    return unbroadcast(grad * share, xs), unbroadcast(grad * (1.0 - share), ys)


def add(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    other = as_tensor(other) if alpha == 1 else as_tensor(other) * alpha
    return Add.apply(as_tensor(input), other)


def sub(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    x, y = as_tensor(input), as_tensor(other)
    _no_bool_subtraction(x, y)
    return Sub.apply(x, y if alpha == 1 else y * alpha)


def rsub(x: Tensor, number: Any) -> Tensor:
    """``number - x``, recorded as PyTorch records it (one edge, to x)."""
    _no_bool_subtraction(x, as_tensor(number))
    return with_number(Rsub, x, number)


def _no_bool_subtraction(x: Tensor, y: Tensor) -> None:
    if x._data.dtype.kind == "b" or y._data.dtype.kind == "b":
        two = x._data.dtype.kind == y._data.dtype.kind
        raise DtypeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
            if two
            else "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
            "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, elementwise, broadcasting."""
    x = as_tensor(input)
    if type(exponent) is int and exponent < 0 and x._data.dtype.kind in "biu":
        raise DtypeError(
            "**: Integers to negative integer powers are not allowed (as in PyTorch); use a "
            "float exponent, as in x ** -1.0"
        )
    return Pow.apply(x, as_tensor(exponent))


mul = _two_input(Mul, "x * y, elementwise, broadcasting.")
div = _two_input(Div, "x / y, elementwise, broadcasting.")
maximum = _two_input(Maximum, "Elementwise maximum; ties share the gradient evenly.")
minimum = _two_input(Minimum, "Elementwise minimum; ties share the gradient evenly.")


def with_number(op: type[Function], x: Tensor, number: Any) -> Tensor:
    """``op`` of tensor ``x`` and a plain number, with one edge, to x, as PyTorch records
    ``1 - x`` and ``2 ** x``: a number is no input of the graph."""
    result = op.apply(x, as_tensor(number))
    node = result.grad_fn
    if node is not None:
        node._next, node.input_shapes = node._next[:1], node.input_shapes[:1]
        node.needs_input_grad = node.needs_input_grad[:1]
    return result


def _compare(ufunc: Callable, symbol: str) -> Callable[[Any, Any], Tensor]:
    def compare(x: Any, y: Any) -> Tensor:
        """A boolean tensor; comparisons are not differentiable."""
        return _binary(ufunc, as_tensor(x), as_tensor(y), symbol)

    return compare


lt, le = _compare(np.less, "<"), _compare(np.less_equal, "<=")
gt, ge = _compare(np.greater, ">"), _compare(np.greater_equal, ">=")
eq, ne = _compare(np.equal, "=="), _compare(np.not_equal, "!=")


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
