"""Elementwise functions of one tensor (the unary table), rounding, clamp and where.

At kinks the conventions are PyTorch's: ``abs'(0) = sign(0) = 0``,
``relu'(0) = 0``, ``clamp`` passes the gradient on its closed interval; the
rounding functions (floor, ceil, round, trunc) have derivative 0 everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import (
    _analytic_or_real,
    _const,
    _numeric,
    _unary,
    unbroadcast,
)
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DtypeError,
    ShapeMismatchError,
    WholeNumberError,
)

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "neg",
    "exp",
    "expm1",
    "log",
    "log1p",
    "log2",
    "log10",
    "sqrt",
    "cbrt",
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "sigmoid",
    "softplus",
    "relu",
    "abs",
    "reciprocal",
    "sign",
    "clamp",
    "where",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "rsqrt",
    "exp2",
    "erf",
    "erfc",
    "square",
    "sinc",
]


def _elementwise(
    name: str,
    forward: Callable[[Any], Any],
    *,
    of_input: Callable[[Tensor], Any] | None = None,
    of_result: Callable[[Tensor], Any] | None = None,
    numbers: Callable[[Any], Any] = _numeric,
) -> type[Function]:
    """A unary elementwise op whose backward is ``grad_output * f'``.

    ``f'`` is given as a function of the input (``of_input``) or, where that
    is simpler, of the result (``of_result``: exp, sqrt, tanh, sigmoid); only
    that tensor is saved. It is written with tensor operations, so it is
    differentiable in turn. ``numbers`` gives the array ``forward`` computes on:
    by default booleans and integers as float64 (``exp`` of an integer tensor is a
    float tensor, as in PyTorch).
    """
    derivative = of_result if of_result is not None else of_input
    saves_result = of_result is not None

    def evaluate(x: Tensor) -> Tensor:
        return wrap(forward(numbers(x._data)))

    def fwd(ctx: Node, x: Tensor) -> Tensor:
        result = wrap(forward(numbers(x._data)))
        ctx.save_for_backward(result if saves_result else x)
        return result

    def bwd(ctx: Node, grad_output: Tensor) -> Tensor:
        (saved,) = ctx.saved_tensors
        return grad_output * derivative(saved)

    return type(
        name,
        (Function,),
        {
            "node_name": f"{name}Backward0",
            "_evaluate": staticmethod(evaluate),
            "forward": staticmethod(fwd),
            "backward": staticmethod(bwd),
            "__doc__": f"Elementwise {name.lower()}.",
        },
    )


_LN2, _LN10 = np.log(2.0), np.log(10.0)

_sigmoid = _analytic_or_real(
    lambda a: np.exp(-np.logaddexp(0.0, -a)), lambda a: 1.0 / (1.0 + np.exp(-a))
)
_softplus = _analytic_or_real(lambda a: np.logaddexp(0.0, a), lambda a: np.log1p(np.exp(a)))


def _real_cbrt(a: Any) -> Any:
    """The real cube root, negative for x < 0 (x ** (1/3) is nan there)."""
    root = np.cbrt(a)
    # libm's cbrt is not correctly rounded: cbrt(27) is 3 + 1 ulp. A whole number whose cube is
    # x exactly is the root (below 2**53, whole numbers cube exactly).
    whole = np.round(root)
    return np.where((whole**3 == a) & (np.abs(a) < 2.0**53), whole, root)[()]


# The complex step needs the analytic continuation near the real axis: the principal root
# for Re x > 0, and -(-x)**(1/3), the real root's branch, for Re x < 0.
_cbrt = _analytic_or_real(
    _real_cbrt, lambda a: np.where(a.real < 0, -((-a) ** (1 / 3)), a ** (1 / 3))[()]
)


def _integers_kept(bool_refusal: str | None = None) -> Callable[[Any], Any]:
    """For -x, abs, sign, relu: an integer tensor keeps its type, as in PyTorch; a bool one
    is refused in PyTorch's words (``bool_refusal``) or, if None, kept too."""

    def numbers(a: Any) -> Any:
        if bool_refusal is not None and a.dtype.kind == "b":
            raise DtypeError(bool_refusal)
        return a

    return numbers


_NOT_FOR_BOOL = "{} a bool tensor is not supported (as in PyTorch); convert it first: x.long()"
Neg = _elementwise(
    "Neg",
    np.negative,
    of_input=lambda x: -1.0,
    numbers=_integers_kept(
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead."
    ),
)
Exp = _elementwise("Exp", np.exp, of_result=lambda r: r)
Expm1 = _elementwise("Expm1", np.expm1, of_result=lambda r: r + 1.0)
Log = _elementwise("Log", np.log, of_input=lambda x: reciprocal(x))
Log1p = _elementwise("Log1p", np.log1p, of_input=lambda x: 1.0 / (1.0 + x))
Log2 = _elementwise("Log2", np.log2, of_input=lambda x: 1.0 / (x * _LN2))
Log10 = _elementwise("Log10", np.log10, of_input=lambda x: 1.0 / (x * _LN10))
Sqrt = _elementwise("Sqrt", np.sqrt, of_result=lambda r: 0.5 / r)
# (1/3)·x**(-2/3) is 1/(3·cbrt(x)²): inf at 0, as x ** (1/3) has in PyTorch, finite elsewhere.
Cbrt = _elementwise("Cbrt", _cbrt, of_result=lambda r: 1.0 / (3.0 * r * r))
Sin = _elementwise("Sin", np.sin, of_input=lambda x: cos(x))
Cos = _elementwise("Cos", np.cos, of_input=lambda x: -sin(x))
Tan = _elementwise("Tan", np.tan, of_result=lambda r: 1.0 + r * r)
Sec = _elementwise("Sec", lambda a: 1.0 / np.cos(a), of_input=lambda x: sec(x) * tan(x))
Csc = _elementwise("Csc", lambda a: 1.0 / np.sin(a), of_input=lambda x: -csc(x) * cot(x))
Cot = _elementwise("Cot", lambda a: 1.0 / np.tan(a), of_result=lambda r: -(1.0 + r * r))
Asin = _elementwise("Asin", np.arcsin, of_input=lambda x: (1.0 - x * x) ** -0.5)
Acos = _elementwise("Acos", np.arccos, of_input=lambda x: -((1.0 - x * x) ** -0.5))
Atan = _elementwise("Atan", np.arctan, of_input=lambda x: 1.0 / (1.0 + x * x))
Sinh = _elementwise("Sinh", np.sinh, of_input=lambda x: cosh(x))
Cosh = _elementwise("Cosh", np.cosh, of_input=lambda x: sinh(x))
Tanh = _elementwise("Tanh", np.tanh, of_result=lambda r: 1.0 - r * r)
Asinh = _elementwise("Asinh", np.arcsinh, of_input=lambda x: (x * x + 1.0) ** -0.5)
Acosh = _elementwise("Acosh", np.arccosh, of_input=lambda x: (x * x - 1.0) ** -0.5)
Atanh = _elementwise("Atanh", np.arctanh, of_input=lambda x: 1.0 / (1.0 - x * x))
Sigmoid = _elementwise("Sigmoid", _sigmoid, of_result=lambda r: r * (1.0 - r))
Relu = _elementwise(
    "Relu",
    lambda a: np.maximum(a, 0),
    of_input=lambda x: _const(x._data > 0),
    numbers=_integers_kept(_NOT_FOR_BOOL.format("relu of")),
)
Abs = _elementwise(
    "Abs",
    np.abs,
    of_input=lambda x: sign(x),
    numbers=_integers_kept(_NOT_FOR_BOOL.format("abs of")),
)
Reciprocal = _elementwise("Reciprocal", np.reciprocal, of_result=lambda r: -r * r)
Sign = _elementwise(
    "Sign",
    lambda a: a if a.dtype.kind == "b" else np.sign(a),
    of_input=lambda x: _const(np.zeros_like(x._data)),
    numbers=_integers_kept(),
)


def _flat(x: Tensor) -> Tensor:
    """The derivative of a piecewise-constant function: 0 (PyTorch's, at the jumps too)."""
    return _const(np.zeros_like(x._data))


def _libm(function: Callable[[float], float]) -> Callable[[Any], Any]:
    """A function of the C library (``math.erf``) over arrays, one element at a time.

    numpy has no erf; libm's is accurate to an ulp, as PyTorch's. The cost is a Python
    call per element: about 0.3 µs, where np.exp takes 3 ns; fine for a calculator's arrays,
    slow for millions of elements.
    """

    def apply(a: Any) -> Any:
        if type(a) is np.float64:  # a scalar graph's value: no array to make
            return np.float64(function(a))
        if np.iscomplexobj(a):
            raise ArgumentTypeError(f"{function.__name__} takes real numbers, not complex ones")
        flat = np.asarray(a, dtype=np.float64).ravel().tolist()
        values = np.fromiter(map(function, flat), np.float64, len(flat))
        return values.reshape(np.shape(a))[()]

    return apply


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

Floor = _elementwise("Floor", np.floor, of_input=_flat)
Ceil = _elementwise("Ceil", np.ceil, of_input=_flat)
Trunc = _elementwise("Trunc", np.trunc, of_input=_flat)
# x - trunc(x) (PyTorch's: negative for negative x, nan at ±inf); its derivative is 1.
Frac = _elementwise("Frac", lambda a: a - np.trunc(a), of_input=lambda x: 1.0)
Rsqrt = _elementwise("Rsqrt", lambda a: 1.0 / np.sqrt(a), of_result=lambda r: -0.5 * r * r * r)
Exp2 = _elementwise("Exp2", np.exp2, of_result=lambda r: r * _LN2)
Erf = _elementwise("Erf", _libm(math.erf), of_input=lambda x: _TWO_OVER_SQRT_PI * exp(-(x * x)))
Erfc = _elementwise("Erfc", _libm(math.erfc), of_input=lambda x: -_TWO_OVER_SQRT_PI * exp(-(x * x)))


def _sinc_slope(x: Tensor) -> Tensor:
    """(πx·cos(πx) - sin(πx)) / (πx²), and 0 at x = 0 (PyTorch's), without a 0/0 there."""
    zero = _const(x._data == 0)
    safe = x + zero
    pi_x = safe * math.pi
    return (pi_x * cos(pi_x) - sin(pi_x)) / (pi_x * safe) * (1.0 - zero)


# sin(πx)/(πx), 1 at 0: numpy's sinc is PyTorch's (πx formed once, then sin(πx)/πx).
Sinc = _elementwise("Sinc", np.sinc, of_input=_sinc_slope)


class Softplus(Function):
    """log(1 + e**(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's)."""

    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, beta: float, threshold: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        a = _numeric(x._data)
        scaled = a * beta
        result = _softplus(scaled) / beta
        if threshold != math.inf:
            result = np.where(scaled > threshold, a, result)[()]
        return wrap(result)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        (x,) = ctx.saved_tensors
        slope = sigmoid(x * ctx.beta)
        if ctx.threshold != math.inf:
            slope = where(_const(x._data * ctx.beta > ctx.threshold), 1.0, slope)
        return grad_output * slope, None, None


class Round(Function):
    """To the nearest whole number, ties to even (PyTorch's nearbyint), or to ``decimals``
    places as PyTorch rounds them: ``x * 10**d`` rounded, then divided by ``10**d``."""

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, decimals: int) -> Tensor:
        ctx.save_for_backward(x)
        return wrap(np.round(_numeric(x._data), decimals))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        (x,) = ctx.saved_tensors
        return grad_output * _flat(x), None


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: float | None, high: float | None) -> Tensor:
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return wrap(np.clip(x._data, low, high))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        (x,) = ctx.saved_tensors
        inside = np.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x._data >= ctx.low
        if ctx.high is not None:
            inside &= x._data <= ctx.high
        return grad_output * _const(inside), None, None


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx: Node, condition: Tensor, x: Tensor, y: Tensor) -> Tensor:
        ctx.mask = np.asarray(condition._data, dtype=bool)
        try:
            return wrap(np.where(ctx.mask, x._data, y._data))
        except ValueError:
            raise ShapeMismatchError(
                f"where: shapes {tuple(condition.shape)}, {tuple(x.shape)} and "
                f"{tuple(y.shape)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[None, Tensor | None, Tensor | None]:
        _, xs, ys = ctx.input_shapes
        mask, zero = wrap(ctx.mask), _const(0.0)
        gx = unbroadcast(where(mask, grad_output, zero), xs) if ctx.needs_input_grad[1] else None
        gy = unbroadcast(where(mask, zero, grad_output), ys) if ctx.needs_input_grad[2] else None
        return None, gx, gy


neg = _unary(Neg, "-x.")
exp = _unary(Exp, "e**x.")
expm1 = _unary(Expm1, "e**x - 1, accurate for small x.")
log = _unary(Log, "Natural logarithm.")
log1p = _unary(Log1p, "log(1 + x), accurate for small x.")
log2 = _unary(Log2, "Base-2 logarithm.")
log10 = _unary(Log10, "Base-10 logarithm.")
sqrt = _unary(Sqrt, "Square root.")
cbrt = _unary(Cbrt, "Real cube root: negative for x < 0.")
sin = _unary(Sin, "Sine.")
cos = _unary(Cos, "Cosine.")
tan = _unary(Tan, "Tangent.")
sec = _unary(Sec, "Secant, 1 / cos(x).")
csc = _unary(Csc, "Cosecant, 1 / sin(x).")
cot = _unary(Cot, "Cotangent, 1 / tan(x).")
asin = _unary(Asin, "Inverse sine.")
acos = _unary(Acos, "Inverse cosine.")
atan = _unary(Atan, "Inverse tangent.")
sinh = _unary(Sinh, "Hyperbolic sine.")
cosh = _unary(Cosh, "Hyperbolic cosine.")
tanh = _unary(Tanh, "Hyperbolic tangent.")
asinh = _unary(Asinh, "Inverse hyperbolic sine.")
acosh = _unary(Acosh, "Inverse hyperbolic cosine.")
atanh = _unary(Atanh, "Inverse hyperbolic tangent.")
sigmoid = _unary(Sigmoid, "1 / (1 + e**-x), computed without overflow.")
relu = _unary(Relu, "max(x, 0); relu'(0) = 0.")
abs = _unary(Abs, "|x|; abs'(0) = 0.")
reciprocal = _unary(Reciprocal, "1 / x.")
sign = _unary(Sign, "-1, 0 or 1; its derivative is 0.")
floor = _unary(Floor, "The largest whole number <= x; its derivative is 0.")
ceil = _unary(Ceil, "The smallest whole number >= x; its derivative is 0.")
trunc = _unary(Trunc, "x rounded towards 0; its derivative is 0.")
frac = _unary(Frac, "x - trunc(x), with the sign of x; its derivative is 1.")
rsqrt = _unary(Rsqrt, "1 / sqrt(x).")
exp2 = _unary(Exp2, "2**x.")
erf = _unary(Erf, "The error function, 2/sqrt(pi) times the integral of e**(-t**2) from 0 to x.")
erfc = _unary(Erfc, "1 - erf(x), accurate where erf(x) is near 1.")
sinc = _unary(Sinc, "sin(pi·x) / (pi·x), and 1 at 0.")


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e**(beta·x)) / beta, computed without overflow; x itself where
    beta·x > threshold, as in PyTorch (``threshold=math.inf`` never switches)."""
    return Softplus.apply(as_tensor(input), float(beta), float(threshold))


def round(input: Any, *, decimals: int = 0) -> Tensor:
    """x rounded to ``decimals`` places, ties to even (``round(2.5)`` is 2); derivative 0."""
    if isinstance(decimals, bool) or not float(decimals).is_integer():
        raise WholeNumberError(f"round: decimals must be a whole number, not {decimals!r}")
    return Round.apply(as_tensor(input), int(decimals))


def square(input: Any) -> Tensor:
    """x * x, recorded as PyTorch records it: x ** 2."""
    return as_tensor(input) ** 2


def clamp(input: Any, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit x to [min, max]; the gradient passes where min <= x <= max."""
    if min is None and max is None:
        raise ArgumentValueError("clamp: give min, max or both, as in clamp(x, min=0)")
    return Clamp.apply(as_tensor(input), _scalar(min, "min"), _scalar(max, "max"))


def _scalar(value: Any, name: str) -> Any:
    """A bound of clamp as a number of its kind: whole bounds keep an integer tensor int64."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ShapeMismatchError(f"{name} must be a single number")
        value = value.item()
    if not isinstance(value, (int, float, np.number)):
        raise ArgumentTypeError(f"clamp: {name} is a number, not {value!r}")
    return value if isinstance(value, int) and not isinstance(value, bool) else float(value)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """input where condition is true (non-zero), else other."""
    return Where.apply(as_tensor(condition), as_tensor(input), as_tensor(other))
