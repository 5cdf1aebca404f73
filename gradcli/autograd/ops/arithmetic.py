"""Arithmetic of two tensors (+ - * / **, maximum, minimum, the remainders, copysign,
logaddexp, hypot), the comparisons and the logical operations."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _binary, _const, _numeric, _two_input, unbroadcast
from gradcli.autograd.ops.elementwise import log, sigmoid
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentValueError, DtypeError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "maximum",
    "minimum",
    "floor_divide",
    "fmod",
    "remainder",
    "copysign",
    "logaddexp",
    "hypot",
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
    "equal",
    "allclose",
    "isclose",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
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


# --- division rounded, the remainders, copysign, logaddexp, hypot ------------------------------


def _floor_divide(a: Any, b: Any) -> Any:
    """a / b rounded down, as PyTorch (and Python) compute it: from fmod, so that the
    quotient and the remainder agree (``-7 // 2`` is -4), and ``a / b`` where b is 0."""
    if _whole(a, b):
        return np.floor_divide(a, b)[()]
    mod = np.fmod(a, b)
    quotient = (a - mod) / b
    quotient = np.where((mod != 0) & ((b < 0) != (mod < 0)), quotient - 1.0, quotient)
    floored = np.floor(quotient)
    # (a - mod) / b is a whole number up to rounding: take the nearest one.
    floored = np.where(quotient - floored > 0.5, floored + 1.0, floored)
    floored = np.where(quotient == 0, np.copysign(0.0, a / b), floored)
    return np.where(b == 0, a / b, floored)[()]


def _trunc_divide(a: Any, b: Any) -> Any:
    if _whole(a, b):
        return ((a - np.fmod(a, b)) // b)[()]
    return np.trunc(a / b)


def _whole(a: Any, b: Any) -> bool:
    """Integers (or bools) both: PyTorch's rounded quotient of two is an integer too."""
    return np.asarray(a).dtype.kind in "biu" and np.asarray(b).dtype.kind in "biu"


def _remainder(a: Any, b: Any) -> Any:
    """a - b·floor(a / b), with the sign of b (Python's %), as PyTorch: fmod, moved by b
    where its sign is not b's (a zero keeps fmod's sign)."""
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)[()]


class DivRounded(Function):
    """``div(x, y, rounding_mode=...)``: the quotient rounded, whose derivative is 0."""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor, rounding: Callable) -> Tensor:
        return _binary(rounding, x, y, "div")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        xs, ys = ctx.input_shapes[:2]
        gx = _const(np.zeros(xs)) if ctx.needs_input_grad[0] else None
        gy = _const(np.zeros(ys)) if ctx.needs_input_grad[1] else None
        return gx, gy, None


class _Remainder(Function):
    """x - q·y for the whole number q = ``quotient(x, y)``: d/dx = 1, d/dy = -q."""

    remainder: Callable
    quotient: Callable

    @classmethod
    def _forward(cls, ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if ctx.needs_input_grad[1]:
            ctx.save_for_backward(x, y)
        return _binary(cls.remainder, x, y, cls.__name__.lower())

    @classmethod
    def _backward(cls, ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor | None]:
        xs, ys = ctx.input_shapes
        gy = None
        if ctx.needs_input_grad[1]:
            x, y = ctx.saved_tensors
            quotient = cls.quotient(_numeric(x._data), _numeric(y._data))
            gy = unbroadcast(-grad_output * _const(quotient), ys)
        return unbroadcast(grad_output, xs), gy


class Fmod(_Remainder):
    node_name = "FmodBackward1"
    remainder, quotient = staticmethod(np.fmod), staticmethod(_trunc_divide)

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        return Fmod._forward(ctx, x, y)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor | None]:
        return Fmod._backward(ctx, grad_output)


class Remainder(_Remainder):
    node_name = "RemainderBackward1"
    remainder, quotient = staticmethod(_remainder), staticmethod(_floor_divide)

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        return Remainder._forward(ctx, x, y)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor | None]:
        return Remainder._backward(ctx, grad_output)


class Copysign(Function):
    """|x| with the sign (bit) of y: d/dx = ±1 (0 at x = 0, as PyTorch), d/dy = 0."""

    node_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        result = _binary(np.copysign, x, y, "copysign")
        a, r = _numeric(x._data), result._data
        with np.errstate(invalid="ignore"):
            ctx.ratio = np.where(a == 0, 0.0, r / np.where(a == 0, 1.0, a))  # PyTorch's result / x
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        xs, ys = ctx.input_shapes
        gx = unbroadcast(grad_output * _const(ctx.ratio), xs) if ctx.needs_input_grad[0] else None
        gy = _const(np.zeros(ys)) if ctx.needs_input_grad[1] else None
        return gx, gy


class Logaddexp(Function):
    """log(e**x + e**y), from the larger: no overflow (numpy's logaddexp)."""

    node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(np.logaddexp, x, y, "logaddexp")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        xs, ys = ctx.input_shapes
        # e**x / (e**x + e**y) = sigmoid(x - y), whose own derivatives stay finite where
        # PyTorch's 1 / (1 + e**(y - x)) overflows (e**800 / (1 + e**800)**2 is nan).
        gx = unbroadcast(grad_output * sigmoid(x - y), xs) if ctx.needs_input_grad[0] else None
        gy = unbroadcast(grad_output * sigmoid(y - x), ys) if ctx.needs_input_grad[1] else None
        return gx, gy


class Hypot(Function):
    """sqrt(x**2 + y**2) without overflow (numpy's hypot)."""

    node_name = "HypotBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        result = _binary(np.hypot, x, y, "hypot")
        ctx.save_for_backward(x, y, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y, result = ctx.saved_tensors
        xs, ys = ctx.input_shapes
        gx = unbroadcast(grad_output * x / result, xs) if ctx.needs_input_grad[0] else None
        gy = unbroadcast(grad_output * y / result, ys) if ctx.needs_input_grad[1] else None
        return gx, gy


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
_ROUNDINGS = {"trunc": _trunc_divide, "floor": _floor_divide}


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """x / y, elementwise, broadcasting; ``rounding_mode="trunc"`` rounds the quotient
    towards 0 and ``"floor"`` down (both with derivative 0, as in PyTorch)."""
    if rounding_mode is None:
        return Div.apply(as_tensor(input), as_tensor(other))
    if rounding_mode not in _ROUNDINGS:
        raise ArgumentValueError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"{rounding_mode!r}"
        )
    return DivRounded.apply(as_tensor(input), as_tensor(other), _ROUNDINGS[rounding_mode])


def floor_divide(input: Any, other: Any) -> Tensor:
    """x / y rounded down (``x // y``), as ``div(x, y, rounding_mode="floor")``."""
    return div(input, other, rounding_mode="floor")


fmod = _two_input(Fmod, "x - trunc(x / y)·y: the remainder with the sign of x (C's fmod).")
remainder = _two_input(
    Remainder, "x - floor(x / y)·y: the remainder with the sign of y (Python's %, x % y)."
)
copysign = _two_input(Copysign, "|x| with the sign of y (-0.0 counts as negative).")
logaddexp = _two_input(Logaddexp, "log(e**x + e**y), computed without overflow.")
hypot = _two_input(Hypot, "sqrt(x**2 + y**2), computed without overflow.")
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


def _unary_test(ufunc: Callable, name: str, doc: str) -> Callable[[Any], Tensor]:
    def test(input: Any) -> Tensor:
        return wrap(ufunc(_numeric(as_tensor(input)._data)))

    test.__name__ = test.__qualname__ = name
    test.__doc__ = doc
    return test


# Like the comparisons, these give bool tensors and are not differentiable.
isnan = _unary_test(np.isnan, "isnan", "True where x is nan.")
isinf = _unary_test(np.isinf, "isinf", "True where x is inf or -inf.")
isfinite = _unary_test(np.isfinite, "isfinite", "True where x is neither nan nor ±inf.")
isposinf = _unary_test(np.isposinf, "isposinf", "True where x is inf.")
isneginf = _unary_test(np.isneginf, "isneginf", "True where x is -inf.")
logical_not = _unary_test(np.logical_not, "logical_not", "True where x is 0.")


def logical_and(input: Any, other: Any) -> Tensor:
    """True where both are non-zero (nan counts as non-zero, as in PyTorch)."""
    return _binary(np.logical_and, as_tensor(input), as_tensor(other), "logical_and")


def logical_or(input: Any, other: Any) -> Tensor:
    """True where either is non-zero."""
    return _binary(np.logical_or, as_tensor(input), as_tensor(other), "logical_or")


def logical_xor(input: Any, other: Any) -> Tensor:
    """True where exactly one is non-zero."""
    return _binary(np.logical_xor, as_tensor(input), as_tensor(other), "logical_xor")


def isclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """``|input - other| <= atol + rtol·|other|`` elementwise (a bool tensor), as PyTorch:
    infinities are close to themselves only, nan to nan only with ``equal_nan``."""
    x, y = as_tensor(input), as_tensor(other)
    if rtol < 0 or atol < 0:
        raise ArgumentValueError(
            f"isclose: rtol and atol must be at least 0, not rtol={rtol}, atol={atol}"
        )
    return _binary(
        lambda a, b: np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), x, y, "isclose"
    )


def equal(input: Any, other: Any) -> bool:
    """True when the two have the same shape and the same elements (a Python bool)."""
    return bool(np.array_equal(_values(input), _values(other)))


def allclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """``|input - other| <= atol + rtol·|other|`` everywhere (a Python bool), as PyTorch."""
    return bool(np.allclose(_values(input), _values(other), rtol, atol, equal_nan))
