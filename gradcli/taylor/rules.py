"""The Taylor rule of each op, in :data:`RULES`, keyed by the expression language's names.

Conventions (decided here, and the same in every rule):

* Non-finite values are data, as in the engine: ``log(0)`` is a series
  starting at -inf, ``sqrt`` at 0 has infinite derivatives, ``log(-1)`` is nan
  (its derivatives those of log|x|, as the engine's 1/x gives); nothing raises.
* Where a function is finite but not analytic, derivatives do not exist and
  the op raises :class:`~gradcli.errors.NotAnalyticError` naming the op: ``abs``
  or ``relu`` at a zero crossing, ``maximum``/``minimum``/``clamp``/``amax``/
  ``amin`` where the arguments cross, ``sign`` at 0, ``norm`` at 0. A touching
  point that is not a crossing (``abs(x**2)`` at 0) is analytic, and the branch
  is chosen by the first coefficient in which the arguments differ (there the
  engine's subgradient conventions, such as abs'(0) = 0, give other numbers).
* ``x ** r`` with a constant exponent: a non-negative whole ``r`` is repeated
  multiplication (exact, also at x0 = 0), ``r = 0.5`` is ``sqrt``; any other
  ``r`` uses the recurrence ``x·p' = r·x'·p``, which needs x0 != 0 (at 0 the
  higher coefficients are nan).
* ``x ** y`` with a Series exponent is ``exp(y·log x)`` with the primal from
  ``np.power``: real for x0 > 0; for x0 <= 0 the higher coefficients are nan.
  A constant base 0 gives the constant ``0 ** y`` (PyTorch: d/dy 0**y = 0).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.operators import extremum, python_operators
from gradcli.autograd.shapes import Dim
from gradcli.errors import ExpressionError, NotAnalyticError, ShapeError
from gradcli.taylor import recurrences as rec
from gradcli.taylor.linear import (
    LINEAR,
    common_order,
    constant_matmul,
    index,
    lift_dims,
    matmul_constant,
    mean,
    operands,
    permute,
    raw,
    sum,
)
from gradcli.taylor.series import Series

RULES: dict[str, Callable[..., Any]] = dict(LINEAR)
"""Taylor rule per op, keyed by the expression language's names (``gradcli.registry.OPS``).

Every rule returns a :class:`Series`, except the comparisons, which return
numpy bool arrays of the primal comparison (as the engine's, they are not
differentiable).
"""


def _rule(function: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``function`` in RULES under its own name; nan/inf pass silently as data."""

    @functools.wraps(function)
    def rule(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    RULES[function.__name__] = rule
    return rule


# --- arithmetic ----------------------------------------------------------------------------


def _number(value: Any) -> bool:
    """A plain number, for the cheap paths of the arithmetic rules."""
    return isinstance(value, (int, float, np.integer, np.floating))


def _shifted(a: np.ndarray, c: Any) -> np.ndarray:
    """The series a + c, for a number c."""
    out = a.copy()
    out[0] += c
    return out


@_rule
def add(x: Any, y: Any) -> Series:
    """x + y."""
    if isinstance(x, Series) and _number(y):
        return Series(_shifted(x.coefficients, y))
    if _number(x) and isinstance(y, Series):
        return Series(_shifted(y.coefficients, x))
    a, b = operands("add", x, y)
    return Series(a + b)


@_rule
def sub(x: Any, y: Any) -> Series:
    """x - y."""
    if isinstance(x, Series) and _number(y):
        return Series(_shifted(x.coefficients, -y))
    if _number(x) and isinstance(y, Series):
        return Series(_shifted(-y.coefficients, x))
    a, b = operands("sub", x, y)
    return Series(a - b)


@_rule
def neg(x: Any) -> Series:
    """-x."""
    return Series(-raw(x))


@_rule
def mul(x: Any, y: Any) -> Series:
    """x * y: the Cauchy product, or a scaling when one side is a constant."""
    if isinstance(x, Series) and _number(y):
        return Series(x.coefficients * y)
    if _number(x) and isinstance(y, Series):
        return Series(x * y.coefficients)
    a, b = operands("mul", x, y)
    if not isinstance(x, Series):
        return Series(a[:1] * b)
    if not isinstance(y, Series):
        return Series(a * b[:1])
    return Series(rec.cauchy(a, b))


@_rule
def div(x: Any, y: Any) -> Series:
    """x / y."""
    if isinstance(x, Series) and _number(y):
        return Series(x.coefficients / y)
    a, b = operands("div", x, y)
    if not isinstance(y, Series):
        return Series(a / b[:1])
    return Series(rec.divide(a, b))


def _constant_power(a: np.ndarray, r: np.ndarray) -> np.ndarray:
    """x**r for a constant r: whole powers by multiplication, sqrt by its own recurrence."""
    if r.ndim == 0 and r == 0.5:
        return rec.sqrt(a)
    if not np.all((r == np.round(r)) & (r >= 0) & (r < 2**53)):
        return rec.power(a, r)
    if r.ndim == 0:
        return rec.whole_power(a, int(r))
    z = np.zeros(a.shape)
    for whole in np.unique(r):  # elementwise exponents, usually few values
        z = np.where(r == whole, rec.whole_power(a, int(whole)), z)
    return z


@_rule
def pow(x: Any, y: Any) -> Series:
    """x ** y; see the module notes for the cases."""
    if isinstance(x, Series) and _number(y):
        return Series(_constant_power(x.coefficients, np.float64(y)))
    a, b = operands("pow", x, y)
    if rec.is_constant(b):
        return Series(_constant_power(a, b[0]))
    z0 = np.power(a[0], b[0])
    if rec.is_constant(a):
        z = rec.exp(b * np.log(a[0]), z0)
        return Series(np.where(a[0] == 0, rec.with_rows(z0[None], len(z)), z))
    return Series(rec.exp(rec.cauchy(b, rec.log(a)), z0))


@_rule
def matmul(x: Any, y: Any) -> Series:
    """x @ y, vectors as in numpy: linear where a side is constant, else the Cauchy
    product c_k = Σ_j x_j @ y_(k-j)."""
    a, b = raw(x), raw(y)
    if a.ndim == 1 or b.ndim == 1:
        raise ShapeError(
            f"matmul: needs operands with at least one dimension, got shapes {a.shape[1:]} "
            f"and {b.shape[1:]}; use * for scalars"
        )
    try:
        np.matmul(a[0], b[0])
    except ValueError:
        raise ShapeError(
            f"matmul: shapes {a.shape[1:]} and {b.shape[1:]} do not fit: the last dimension "
            "on the left must equal the first (vector) or second-to-last one on the right"
        ) from None
    if len(b) == 1:
        return matmul_constant(x, b[0])
    if len(a) == 1:
        return constant_matmul(a[0], y)
    # Vectors as 1-by-n and n-by-1 matrices, removed again at the end, as numpy does,
    # so that each x_j multiplies all the y_(k-j) at once.
    a2 = a[:, None, :] if a.ndim == 2 else a
    b2 = b[..., None] if b.ndim == 2 else b
    ndim = max(a2.ndim, b2.ndim)
    a2, b2 = common_order("matmul", [lift_dims(a2, ndim), lift_dims(b2, ndim)])
    out = np.zeros((len(a2), *np.matmul(a2[0], b2[0]).shape))
    for j in range(len(a2)):
        out[j:] += np.matmul(a2[j], b2[: len(b2) - j])
    squeeze = ((out.ndim - 2,) if a.ndim == 2 else ()) + ((out.ndim - 1,) if b.ndim == 2 else ())
    return Series(out.squeeze(axis=squeeze))


@_rule
def dot(x: Any, y: Any) -> Series:
    """Inner product of two vectors of the same length."""
    a, b = raw(x), raw(y)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1:] != b.shape[1:]:
        raise ShapeError(
            f"dot: needs two vectors of the same length, got shapes {a.shape[1:]} and {b.shape[1:]}"
        )
    return sum(mul(x, y))


# --- elementwise functions ------------------------------------------------------------------


@_rule
def exp(x: Any) -> Series:
    """e**x."""
    return Series(rec.exp(raw(x)))


@_rule
def expm1(x: Any) -> Series:
    """e**x - 1: the series of exp with the primal from np.expm1."""
    a = raw(x)
    z = rec.exp(a)
    z[0] = np.expm1(a[0])
    return Series(z)


@_rule
def log(x: Any, base: Any = None) -> Series:
    """Natural logarithm, or to a base as log(x) / log(base); log(0) starts at -inf,
    log(<0) is nan. Bases 2 and 10 are log2 and log10, whose primals the engine's are."""
    if base is None:
        return Series(rec.log(raw(x)))
    if _number(base) and base in (2, 10):
        return log2(x) if base == 2 else log10(x)
    return div(log(x), np.log(base) if _number(base) else log(base))


@_rule
def log1p(x: Any) -> Series:
    """log(1 + x), with the primal from np.log1p."""
    a = raw(x)
    return Series(rec.log(_shifted(a, 1.0), np.log1p(a[0])))


def _log_base(a: np.ndarray, base: float, primal: Callable[[Any], Any]) -> Series:
    z = rec.log(a) / np.log(base)
    z[0] = primal(a[0])
    return Series(z)


@_rule
def log2(x: Any) -> Series:
    """Base-2 logarithm."""
    return _log_base(raw(x), 2.0, np.log2)


@_rule
def log10(x: Any) -> Series:
    """Base-10 logarithm."""
    return _log_base(raw(x), 10.0, np.log10)


@_rule
def sqrt(x: Any) -> Series:
    """Square root; at 0 the higher coefficients are inf/nan."""
    return Series(rec.sqrt(raw(x)))


@_rule
def cbrt(x: Any) -> Series:
    """Real cube root: the series of |x|**(1/3), turned by the sign of x0 for x0 < 0. At 0
    the higher coefficients are inf/nan, as for pow."""
    a = raw(x)
    turn = np.where(a[0] < 0, -1.0, 1.0)
    z = turn * rec.power(turn * a, 1.0 / 3.0)
    z[0] = np.cbrt(a[0])
    return Series(z)


@_rule
def sin(x: Any) -> Series:
    """Sine (computed together with cosine)."""
    return Series(rec.sin_cos(raw(x))[0])


@_rule
def cos(x: Any) -> Series:
    """Cosine (computed together with sine)."""
    return Series(rec.sin_cos(raw(x))[1])


@_rule
def tan(x: Any) -> Series:
    """Tangent, from tan' = 1 + tan²."""
    a = raw(x)
    z0 = np.tan(a[0])
    return Series(rec.riccati(a, z0, 1.0, z0, 1.0, z0, 1.0))


def _reciprocal(x: Any, which: int, primal: Callable[[Any], Any]) -> Series:
    """1 / sin (``which`` 0) or 1 / cos (1), with the engine's primal."""
    a = raw(x)
    z = rec.divide(rec.with_rows(np.ones_like(a[:1]), len(a)), rec.sin_cos(a)[which])
    z[0] = 1.0 / primal(a[0])
    return Series(z)


@_rule
def sec(x: Any) -> Series:
    """Secant, 1 / cos."""
    return _reciprocal(x, 1, np.cos)


@_rule
def csc(x: Any) -> Series:
    """Cosecant, 1 / sin."""
    return _reciprocal(x, 0, np.sin)


@_rule
def cot(x: Any) -> Series:
    """Cotangent, from cot' = -(1 + cot²) = -1 + (-cot)·cot, as tan."""
    a = raw(x)
    z0 = 1.0 / np.tan(a[0])
    return Series(rec.riccati(a, z0, -1.0, -z0, -1.0, z0, 1.0))


@_rule
def sinh(x: Any) -> Series:
    """Hyperbolic sine (computed together with cosh)."""
    return Series(rec.sin_cos(raw(x), hyperbolic=True)[0])


@_rule
def cosh(x: Any) -> Series:
    """Hyperbolic cosine (computed together with sinh)."""
    return Series(rec.sin_cos(raw(x), hyperbolic=True)[1])


@_rule
def tanh(x: Any) -> Series:
    """Hyperbolic tangent, from tanh' = (1 - tanh)(1 + tanh), each factor without cancellation."""
    a = raw(x)
    return Series(
        rec.riccati(
            a,
            np.tanh(a[0]),
            0.0,
            2 * rec.sigmoid_value(-2 * a[0]),
            -1.0,
            2 * rec.sigmoid_value(2 * a[0]),
            1.0,
        )
    )


@_rule
def sigmoid(x: Any) -> Series:
    """1 / (1 + e**-x), without overflow."""
    return Series(rec.sigmoid(raw(x)))


@_rule
def softplus(x: Any) -> Series:
    """log(1 + e**x), without overflow; softplus' = sigmoid."""
    a = raw(x)
    return Series(rec.chain(a, np.logaddexp(0.0, a[0]), rec.sigmoid(a[:-1])))


@_rule
def atan(x: Any) -> Series:
    """Inverse tangent, integrating x' / (1 + x²)."""
    a = raw(x)
    return Series(
        rec.integral(
            np.arctan(a[0]), rec.divide(rec.derivative(a), rec.quadratic(a[:-1], 1.0, 1.0))
        )
    )


@_rule
def asin(x: Any) -> Series:
    """Inverse sine, integrating x' / sqrt(1 - x²)."""
    a = raw(x)
    return Series(
        rec.integral(np.arcsin(a[0]), rec.inverse_sqrt_slope(a, rec.quadratic(a[:-1], 1.0, -1.0)))
    )


@_rule
def acos(x: Any) -> Series:
    """Inverse cosine, integrating -x' / sqrt(1 - x²)."""
    a = raw(x)
    return Series(
        rec.integral(np.arccos(a[0]), -rec.inverse_sqrt_slope(a, rec.quadratic(a[:-1], 1.0, -1.0)))
    )


@_rule
def asinh(x: Any) -> Series:
    """Inverse hyperbolic sine, integrating x' / sqrt(1 + x²)."""
    a = raw(x)
    return Series(
        rec.integral(np.arcsinh(a[0]), rec.inverse_sqrt_slope(a, rec.quadratic(a[:-1], 1.0, 1.0)))
    )


@_rule
def acosh(x: Any) -> Series:
    """Inverse hyperbolic cosine, integrating x' / sqrt(x² - 1)."""
    a = raw(x)
    return Series(
        rec.integral(np.arccosh(a[0]), rec.inverse_sqrt_slope(a, rec.quadratic(a[:-1], -1.0, 1.0)))
    )


@_rule
def atanh(x: Any) -> Series:
    """Inverse hyperbolic tangent, integrating x' / (1 - x²)."""
    a = raw(x)
    return Series(
        rec.integral(
            np.arctanh(a[0]), rec.divide(rec.derivative(a), rec.quadratic(a[:-1], 1.0, -1.0))
        )
    )


# --- kinks: one branch or the other, chosen by the primal -------------------------------------


def _positive_side(op: str, d: np.ndarray, crossing: str) -> np.ndarray:
    """Where the series d is > 0 for small t > 0 and t < 0 alike: the sign of its first
    non-zero coefficient. If that coefficient's order is odd, d changes sign at t = 0
    (``crossing``): a kink, where derivatives do not exist.
    """
    touching = d[0] == 0
    if not touching.any():
        return d[0] > 0
    nonzero = d != 0
    first = np.argmax(nonzero, axis=0)
    if np.any(touching & (first % 2 == 1)):
        raise NotAnalyticError(f"{op} is not differentiable at this point: {crossing}, a kink")
    leading = np.take_along_axis(d, first[None], axis=0)[0]
    return np.where(touching, leading > 0, d[0] > 0)


def _select(op: str, a: np.ndarray, b: np.ndarray, crossing: str, larger: bool = True) -> Series:
    """The larger (or smaller) of a and b near the point; nan where either primal is."""
    a, b = np.broadcast_arrays(a, b)
    d = a - b if larger else b - a
    out = np.where(_positive_side(op, d, crossing), a, b)
    return Series(np.where(np.isnan(d[0]), np.nan, out))


@_rule
def abs(x: Any) -> Series:
    """|x|; raises where x crosses 0."""
    a = raw(x)
    return _select("abs", a, -a, "its argument crosses 0")


@_rule
def relu(x: Any) -> Series:
    """max(x, 0); raises where x crosses 0."""
    a = raw(x)
    return _select("relu", a, np.zeros_like(a), "its argument crosses 0")


@_rule
def sign(x: Any) -> Series:
    """-1, 0 or 1, with derivatives 0; raises where x is 0 but not constant."""
    a = raw(x)
    if np.any((a[0] == 0) & (a[1:] != 0).any(axis=0)):
        raise NotAnalyticError(
            "sign is not differentiable at this point: its argument is 0, a jump"
        )
    return Series(rec.with_rows(np.sign(a[:1]), len(a)))


@_rule
def maximum(x: Any, y: Any) -> Series:
    """Elementwise maximum; raises where x and y cross."""
    a, b = operands("maximum", x, y)
    return _select("maximum", a, b, "its arguments cross")


@_rule
def minimum(x: Any, y: Any) -> Series:
    """Elementwise minimum; raises where x and y cross."""
    a, b = operands("minimum", x, y)
    return _select("minimum", a, b, "its arguments cross", larger=False)


@_rule
def clamp(x: Any, min: Any = None, max: Any = None) -> Series:
    """x limited to [min, max]; raises where x crosses a bound."""
    if min is None and max is None:
        raise ExpressionError("clamp: give min, max or both")
    a = raw(x)
    if min is not None:
        a, low = operands("clamp", Series(a), min)
        a = _select("clamp", a, low, "its argument crosses the lower bound").coefficients
    if max is not None:
        a, high = operands("clamp", Series(a), max)
        a = _select(
            "clamp", a, high, "its argument crosses the upper bound", larger=False
        ).coefficients
    return Series(a)


# --- rounding, erf, the remainders and the activations -------------------------------------------


def _flat(op: str, x: Any, step: Callable[[Any], Any], jumps: Any) -> Series:
    """A piecewise-constant function of x: the constant step(x0), derivatives 0; raises
    where x0 sits on one of its jumps (``jumps``, a mask of x0) and x moves."""
    a = raw(x)
    if np.any(jumps & (a[1:] != 0).any(axis=0)):
        raise NotAnalyticError(f"{op} is not continuous at this point: it jumps there")
    return Series(rec.with_rows(step(a[:1]), len(a)))


def _whole(a0: np.ndarray) -> np.ndarray:
    return np.isfinite(a0) & (a0 == np.floor(a0))


@_rule
def floor(x: Any) -> Series:
    """The largest whole number <= x: constant between the whole numbers."""
    a0 = raw(x)[0]
    return _flat("floor", x, np.floor, _whole(a0))


@_rule
def ceil(x: Any) -> Series:
    """The smallest whole number >= x: constant between the whole numbers."""
    a0 = raw(x)[0]
    return _flat("ceil", x, np.ceil, _whole(a0))


@_rule
def trunc(x: Any) -> Series:
    """x rounded towards 0: constant between the whole numbers, continuous at 0."""
    a0 = raw(x)[0]
    return _flat("trunc", x, np.trunc, _whole(a0) & (a0 != 0))


@_rule
def round(x: Any, decimals: Any = 0) -> Series:
    """x rounded to ``decimals`` places, ties to even: jumps where x·10**d is a half."""
    a0 = raw(x)[0]
    scaled = a0 * 10.0**decimals
    return _flat("round", x, lambda c: np.round(c, int(decimals)), scaled - np.floor(scaled) == 0.5)


@_rule
def frac(x: Any) -> Series:
    """x - trunc(x): x shifted by a constant between the whole numbers."""
    a = raw(x)
    trunc(Series(a))  # raises at a jump of trunc
    return Series(_shifted(a, -np.trunc(a[0])))


@_rule
def rsqrt(x: Any) -> Series:
    """1 / sqrt(x), with the engine's primal."""
    a = raw(x)
    z = rec.divide(rec.with_rows(np.ones_like(a[:1]), len(a)), rec.sqrt(a))
    z[0] = 1.0 / np.sqrt(a[0])
    return Series(z)


@_rule
def exp2(x: Any) -> Series:
    """2**x: exp(x·ln 2), with np.exp2's primal."""
    a = raw(x)
    return Series(rec.exp(a * np.log(2.0), np.exp2(a[0])))


_ERF, _ERFC = np.frompyfunc(math.erf, 1, 1), np.frompyfunc(math.erfc, 1, 1)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _gaussian_slope(a: np.ndarray) -> np.ndarray:
    """The series of 2/sqrt(pi)·e**(-x²), one order shorter than x: erf's derivative."""
    return _TWO_OVER_SQRT_PI * rec.exp(-rec.cauchy(a[:-1], a[:-1]))


@_rule
def erf(x: Any) -> Series:
    """The error function, integrating 2/sqrt(pi)·e**(-x²)·x'."""
    a = raw(x)
    z0 = np.asarray(_ERF(a[0]), dtype=np.float64)
    return Series(rec.chain(a, z0, _gaussian_slope(a)))


@_rule
def erfc(x: Any) -> Series:
    """1 - erf(x), with libm's erfc as the primal."""
    a = raw(x)
    z0 = np.asarray(_ERFC(a[0]), dtype=np.float64)
    return Series(rec.chain(a, z0, -_gaussian_slope(a)))


@_rule
def logaddexp(x: Any, y: Any) -> Series:
    """log(e**x + e**y), shifted by the larger primal so that it never overflows."""
    a, b = operands("logaddexp", x, y)
    shift = np.maximum(a[0], b[0])
    shift = np.where(np.isfinite(shift), shift, 0.0)
    z = add(log(add(exp(sub(Series(a), shift)), exp(sub(Series(b), shift)))), shift)
    z.coefficients[0] = np.logaddexp(a[0], b[0])
    return z


@_rule
def hypot(x: Any, y: Any) -> Series:
    """sqrt(x² + y²), with np.hypot's primal; at 0 the higher coefficients are inf/nan,
    as for sqrt."""
    a, b = operands("hypot", x, y)
    z = rec.sqrt(rec.cauchy(a, a) + rec.cauchy(b, b))
    z[0] = np.hypot(a[0], b[0])
    return Series(z)


@_rule
def copysign(x: Any, y: Any) -> Series:
    """|x| with the sign of y: ±x near the point; raises where x crosses 0 (a kink) or y
    does (a jump)."""
    a, b = operands("copysign", x, y)
    positive_x = _positive_side("copysign", a, "its first argument crosses 0")
    moving = (b[1:] != 0).any(axis=0)
    positive_y = np.where(
        moving, _positive_side("copysign", b, "its second argument crosses 0"), ~np.signbit(b[0])
    )
    z = np.where(positive_x == positive_y, a, -a)
    z[0] = np.copysign(a[0], b[0])
    return Series(z)


def _remainder_of(
    op: str, x: Any, y: Any, quotient: Callable[[Any], Any], jumps_at_zero: bool
) -> Series:
    """x - q·y for the whole number q = quotient(x0 / y0), constant near the point; raises
    where x / y is a whole number that moves (fmod is continuous where it is 0)."""
    a, b = operands(op, x, y)
    ratio = rec.divide(a, b)
    whole = _whole(ratio[0]) & ((ratio[0] != 0) | jumps_at_zero)
    if np.any(whole & (ratio[1:] != 0).any(axis=0)):
        raise NotAnalyticError(f"{op} is not continuous at this point: x / y is whole there")
    return Series(a - quotient(ratio[0]) * b)


@_rule
def fmod(x: Any, y: Any) -> Series:
    """x - trunc(x / y)·y, with np.fmod's primal."""
    z = _remainder_of("fmod", x, y, np.trunc, jumps_at_zero=False)
    a0, b0 = raw(x)[0], raw(y)[0]
    z.coefficients[0] = np.fmod(a0, b0)
    return z


@_rule
def remainder(x: Any, y: Any) -> Series:
    """x - floor(x / y)·y, the sign of y's, with the engine's primal (fmod moved by y)."""
    z = _remainder_of("remainder", x, y, np.floor, jumps_at_zero=True)
    a0, b0 = raw(x)[0], raw(y)[0]
    mod = np.fmod(a0, b0)
    z.coefficients[0] = np.where((mod != 0) & ((b0 < 0) != (mod < 0)), mod + b0, mod)
    return z


def _branch(
    op: str, a: np.ndarray, above: np.ndarray, below: np.ndarray, at: Any = 0.0, name: str = "0"
) -> Any:
    """``above`` where the series a is > at near the point, else ``below``; raises where a
    crosses ``at`` (called ``name`` in the message)."""
    side = _positive_side(op, _shifted(a, -np.asarray(at)), f"its argument crosses {name}")
    return np.where(side, above, below)


_SQRT1_2 = math.sqrt(0.5)


@_rule
def gelu(x: Any, approximate: str = "none") -> Series:
    """x·Φ(x) (Φ from erf), or PyTorch's tanh approximation, with the engine's primal."""
    a = raw(x)
    if approximate == "tanh":
        cube = mul(Series(a), mul(Series(a), Series(a)))
        inner = mul(math.sqrt(2.0 / math.pi), add(Series(a), mul(0.044715, cube)))
        z = mul(mul(0.5, Series(a)), add(tanh(inner), 1.0))
        primal = 0.5 * a[0] * (1.0 + np.tanh(inner.coefficients[0]))
    else:
        z = mul(Series(a), add(mul(erf(mul(Series(a), _SQRT1_2)), 0.5), 0.5))
        primal = a[0] * 0.5 * (1.0 + np.asarray(_ERF(a[0] * _SQRT1_2), dtype=np.float64))
    z.coefficients[0] = primal
    return z


@_rule
def elu(x: Any, alpha: Any = 1.0) -> Series:
    """x for x > 0, alpha·(e**x - 1) below; raises where x crosses 0."""
    a = raw(x)
    return Series(_branch("elu", a, a, alpha * expm1(Series(a)).coefficients))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@_rule
def selu(x: Any) -> Series:
    """SELU's scale times elu with SELU's alpha."""
    a = raw(x)
    below = _SELU_ALPHA * expm1(Series(a)).coefficients
    return Series(_SELU_SCALE * _branch("selu", a, a, below))


@_rule
def silu(x: Any) -> Series:
    """x·sigmoid(x)."""
    return mul(x, sigmoid(x))


@_rule
def mish(x: Any) -> Series:
    """x·tanh(softplus(x))."""
    return mul(x, tanh(softplus(x)))


@_rule
def leaky_relu(x: Any, negative_slope: Any = 0.01) -> Series:
    """x for x > 0, negative_slope·x below; raises where x crosses 0."""
    a = raw(x)
    return Series(_branch("leaky_relu", a, a, negative_slope * a))


def _clamped(op: str, a: np.ndarray, low: Any, high: Any) -> Series:
    """a limited to [low, high]; raises where a crosses either."""
    low_end, high_end = (rec.with_rows(np.full((1, *a.shape[1:]), v), len(a)) for v in (low, high))
    z = _branch(op, a, a, low_end, low, f"{low:g}")
    return Series(_branch(op, z, high_end, z, high, f"{high:g}"))


@_rule
def hardtanh(x: Any, min_val: Any = -1.0, max_val: Any = 1.0) -> Series:
    """x limited to [min_val, max_val]; raises where x crosses either."""
    return _clamped("hardtanh", raw(x), float(min_val), float(max_val))


@_rule
def relu6(x: Any) -> Series:
    """min(max(x, 0), 6); raises where x crosses 0 or 6."""
    return _clamped("relu6", raw(x), 0.0, 6.0)


@_rule
def logsigmoid(x: Any) -> Series:
    """-softplus(-x), with the engine's primal."""
    a = raw(x)
    z = neg(softplus(neg(Series(a))))
    z.coefficients[0] = np.minimum(a[0], 0.0) - np.log1p(np.exp(-np.abs(a[0])))
    return z


# --- comparisons: of primal values, not differentiable ------------------------------------------


def _comparison(
    ufunc: Callable[[Any, Any], Any], name: str, symbol: str
) -> Callable[[Any, Any], np.ndarray]:
    def compare(x: Any, y: Any) -> np.ndarray:
        x0 = x.primal if isinstance(x, Series) else np.asarray(x, dtype=np.float64)
        y0 = y.primal if isinstance(y, Series) else np.asarray(y, dtype=np.float64)
        try:
            result = np.asarray(ufunc(x0, y0))
        except ValueError:
            raise ShapeError(
                f"{name}: shapes {x0.shape} and {y0.shape} cannot be broadcast"
            ) from None
        if isinstance(x, Series) or isinstance(y, Series):
            # Where the sides tie and their difference moves, the answer flips
            # on one side of the point at least: a jump, as a kink is for abs.
            a, b = operands(name, x, y)
            d = a - b
            if np.any((d[0] == 0) & (d[1:] != 0).any(axis=0)):
                raise NotAnalyticError(
                    f"{symbol} is not continuous at this point: its two sides are equal there, "
                    "a jump"
                )
        return result

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"{name}(x, y) of the primal values, as a numpy bool array."
    RULES[name] = compare
    return compare


def _test(ufunc: Callable[[Any], Any], name: str) -> Callable[[Any], np.ndarray]:
    def test(x: Any) -> np.ndarray:
        return np.asarray(ufunc(x.primal if isinstance(x, Series) else np.asarray(x, float)))

    test.__name__ = test.__qualname__ = name
    test.__doc__ = f"{name}(x) of the primal values, as a numpy bool array."
    RULES[name] = test
    return test


isnan, isinf, isfinite = (_test(getattr(np, n), n) for n in ("isnan", "isinf", "isfinite"))
lt, le = _comparison(np.less, "lt", "<"), _comparison(np.less_equal, "le", "<=")
gt, ge = _comparison(np.greater, "gt", ">"), _comparison(np.greater_equal, "ge", ">=")
eq, ne = _comparison(np.equal, "eq", "=="), _comparison(np.not_equal, "ne", "!=")


# --- reductions: over the trailing dims, one past the coefficient axis -------------------------


def _fold(op: str, x: Any, dim: Dim, keepdim: Any, combine: Callable[[Any, Any], Series]) -> Series:
    """Reduce over dim by combining the elements pairwise (prod, amax, amin)."""
    a = raw(x)
    ndim = a.ndim - 1
    axes = shapes.axes(dim, ndim)
    kept = [i for i in range(ndim) if i not in axes]
    moved = np.transpose(a, [0, *(1 + i for i in kept), *(1 + i for i in axes)])
    flat = moved.reshape((*moved.shape[: 1 + len(kept)], -1))
    if flat.shape[-1] == 0:
        raise ShapeError(f"{op}() of an empty tensor")
    result = Series(flat[..., 0])
    for i in range(1, flat.shape[-1]):
        result = combine(result, Series(flat[..., i]))
    if keepdim:
        kept_shape = [1 if i in axes else n for i, n in enumerate(a.shape[1:])]
        return Series(result.coefficients.reshape((len(result.coefficients), *kept_shape)))
    return result


@_rule
def prod(x: Any, dim: Dim = None, keepdim: Any = False) -> Series:
    """Product over dim (all elements by default), by repeated multiplication."""
    if np.size(raw(x)) == 0:
        return Series(np.ones((1,)))
    return _fold("prod", x, dim, keepdim, mul)


@_rule
def amax(x: Any, dim: Dim = None, keepdim: Any = False) -> Series:
    """Maximum over dim; raises where the largest elements cross."""
    return _fold(
        "amax",
        x,
        dim,
        keepdim,
        lambda p, q: _select("amax", p.coefficients, q.coefficients, "the largest elements cross"),
    )


@_rule
def amin(x: Any, dim: Dim = None, keepdim: Any = False) -> Series:
    """Minimum over dim; raises where the smallest elements cross."""
    return _fold(
        "amin",
        x,
        dim,
        keepdim,
        lambda p, q: _select(
            "amin", p.coefficients, q.coefficients, "the smallest elements cross", False
        ),
    )


@_rule
def norm(x: Any, p: float = 2, dim: Dim = None, keepdim: Any = False) -> Series:
    """The p-norm over dim; raises where the norm is 0."""
    return shapes.norm(
        x, p, dim, keepdim, euclidean=_euclidean, abs=abs, amax=amax, sum=sum, pow=pow
    )


def _euclidean(x: Any, dim: Dim, keepdim: Any) -> Series:
    """The 2-norm, of x scaled by max|x0| so that its squares cannot overflow."""
    a = raw(x)
    axes = tuple(1 + i for i in shapes.axes(dim, a.ndim - 1))
    scale = np.max(np.abs(a[:1]), axis=axes, keepdims=True, initial=0.0)
    scale = np.where((scale == 0) | ~np.isfinite(scale), 1.0, scale)
    squares = np.sum(rec.cauchy(a / scale, a / scale), axis=axes, keepdims=True)
    zero = squares[0] == 0
    if np.any(zero & (squares[1:] != 0).any(axis=0)):
        raise NotAnalyticError("norm is not differentiable at this point: the norm is 0")
    root = np.where(zero, 0.0, rec.sqrt(squares)) * scale
    return Series(root if keepdim else root.squeeze(axis=axes))


@_rule
def logsumexp(x: Any, dim: Dim = None, keepdim: Any = False) -> Series:
    """log(sum(exp(x))) over dim, shifted by the largest primal so it never overflows."""
    a = raw(x)
    axes = shapes.axes(dim, a.ndim - 1)
    shift = np.max(a[0], axis=axes, keepdims=True) if a[0].size else np.zeros(a[0].shape)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    total = log(sum(exp(sub(Series(a), shift)), axes, keepdim))
    return add(total, shift if keepdim else np.squeeze(shift, axis=axes))


@_rule
def softmax(x: Any, dim: Any = -1) -> Series:
    """exp(x) / sum(exp(x)) along dim, shifted by the largest primal."""
    a = raw(x)
    if a.ndim == 1:
        return Series(rec.with_rows(np.ones(1), len(a)))
    axes = shapes.axes(dim, a.ndim - 1)
    e = exp(sub(Series(a), np.max(a[0], axis=axes, keepdims=True)))
    return div(e, sum(e, axes, keepdim=True))


@_rule
def log_softmax(x: Any, dim: Any = -1) -> Series:
    """x - logsumexp(x) along dim."""
    a = raw(x)
    return sub(Series(a), logsumexp(Series(a), dim, keepdim=True))


# --- along a dim, variance, products of two vectors, the median (#22) --------------------------


def _along_dim(op: str, x: Any, dim: Any, step: Callable[[Series, Series], Series]) -> Series:
    """The running ``step`` along dim: out_0 = x_0, out_k = step(out_(k-1), x_k)."""
    a = raw(x)
    if a.ndim == 1:
        return Series(a)
    axis = 1 + shapes.axis(dim, a.ndim - 1, op)
    moved = np.moveaxis(a, axis, 1)
    if moved.shape[1] == 0:
        return Series(a)
    out = [Series(moved[:, 0])]
    for k in range(1, moved.shape[1]):
        out.append(step(out[-1], Series(moved[:, k])))
    return Series(np.moveaxis(np.stack([o.coefficients for o in out], axis=1), 1, axis))


@_rule
def cumprod(x: Any, dim: Any) -> Series:
    """Running products along dim, by repeated multiplication (exact at zeros)."""
    return _along_dim("cumprod", x, dim, mul)


@_rule
def logcumsumexp(x: Any, dim: Any) -> Series:
    """log of the running sums of exp along dim: out_k = out_(k-1) + softplus(x_k - out_(k-1)),
    stable however far apart the values are."""
    return _along_dim("logcumsumexp", x, dim, lambda out, x_k: add(out, softplus(sub(x_k, out))))


@_rule
def var(x: Any, dim: Dim = None, correction: Any = 1, keepdim: Any = False) -> Series:
    """Variance over dim, divided by n - correction."""
    a = Series(raw(x))
    axes = shapes.axes(dim, a.ndim)
    count = int(np.prod([a.shape[i] for i in axes]))
    deviation = sub(a, mean(a, axes, keepdim=True))
    return div(sum(mul(deviation, deviation), axes, keepdim), max(count - float(correction), 0.0))


@_rule
def std(x: Any, dim: Dim = None, correction: Any = 1, keepdim: Any = False) -> Series:
    """Standard deviation over dim: sqrt of var (infinite derivatives where it is 0)."""
    return sqrt(var(x, dim, correction, keepdim))


@_rule
def mv(x: Any, y: Any) -> Series:
    """A matrix times a vector."""
    a, b = raw(x), raw(y)
    if a.ndim != 3 or b.ndim != 2 or a.shape[2] != b.shape[1]:
        raise ShapeError(
            f"mv multiplies a matrix by a vector of its width, not shapes {a.shape[1:]} and "
            f"{b.shape[1:]}"
        )
    return matmul(x, y)


@_rule
def outer(x: Any, y: Any) -> Series:
    """The outer product of two vectors."""
    a, b = raw(x), raw(y)
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"outer takes two vectors, not shapes {a.shape[1:]} and {b.shape[1:]}")
    return mul(Series(a[:, :, None]), Series(b[:, None, :]))


@_rule
def cross(x: Any, y: Any, dim: Any = None) -> Series:
    """The cross product of 3-vectors along dim (the first of size 3 by default)."""
    a, b = operands("cross", x, y)
    shape = a.shape[1:]
    if dim is None:
        threes = [i for i, n in enumerate(shape) if n == 3]
        if not threes:
            raise ShapeError(f"cross: no dimension of size 3 in shape {shape}; give dim=")
        axis = threes[0]
    else:
        axis = shapes.axis(dim, len(shape), "cross")
    if not shape or shape[axis] != 3:
        raise ShapeError(f"cross: dimension {dim} of shape {shape} must have length 3")
    p = [Series(np.take(a, i, axis=axis + 1)) for i in range(3)]
    q = [Series(np.take(b, i, axis=axis + 1)) for i in range(3)]
    parts = [sub(mul(p[j], q[k]), mul(p[k], q[j])) for j, k in ((1, 2), (2, 0), (0, 1))]
    return Series(np.stack([c.coefficients for c in parts], axis=axis + 1))


def _middle(coefficients: np.ndarray, pick_nan: bool) -> np.ndarray:
    """The lower median of n series (columns of a (K, n) array), the same for small t > 0
    and t < 0; else the middle elements cross, a kink. A NaN primal makes the median NaN
    (``pick_nan``: that element's series, as median along a dim returns its index)."""
    primal = coefficients[0]
    nan = np.isnan(primal)
    if nan.any():
        first = coefficients[:, int(np.argmax(nan))]
        return first if pick_nan else np.full(len(coefficients), np.nan)
    # Near t = 0 the elements are ordered by their coefficients in turn (after t: as they
    # are; before t: with the odd ones negated).
    middle = (coefficients.shape[1] - 1) // 2
    signs = (-1.0) ** np.arange(len(coefficients))[:, None]
    after = np.lexsort(coefficients[::-1])[middle]
    before = np.lexsort((coefficients * signs)[::-1])[middle]
    if not np.array_equal(coefficients[:, after], coefficients[:, before]):
        raise NotAnalyticError(
            "median is not differentiable at this point: its middle elements cross, a kink"
        )
    return coefficients[:, after]


@_rule
def median(x: Any, dim: Any = None, keepdim: Any = False) -> Series:
    """The lower median (over dim); raises where the middle elements cross."""
    a = raw(x)
    if dim is None:
        if a[0].size == 0:
            return Series(np.full((len(a),), np.nan))
        return Series(_middle(a.reshape(len(a), -1), pick_nan=False))
    ndim = a.ndim - 1
    axis = shapes.axis(dim, ndim, "median")
    if ndim == 0:
        return Series(a)
    if a.shape[1 + axis] == 0:
        raise ShapeError("median() of an empty tensor: there is no element to pick")
    moved = np.moveaxis(a, 1 + axis, -1)
    rows = moved.reshape(len(a), -1, moved.shape[-1])
    picked = np.stack([_middle(rows[:, r], pick_nan=True) for r in range(rows.shape[1])], axis=1)
    result = picked.reshape(moved.shape[:-1])
    return Series(np.expand_dims(result, 1 + axis) if keepdim else result)


# --- losses ----------------------------------------------------------------------------------


def _loss(name: str, x: Any, target: Any, losses: Series, reduction: str) -> Series:
    if raw(x).shape[1:] != raw(target).shape[1:]:
        raise ShapeError(f"{name}: the target's shape must equal the input's shape")
    if reduction == "mean":
        return mean(losses)
    if reduction == "sum":
        return sum(losses)
    if reduction == "none":
        return losses
    raise ExpressionError(f"{name}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


@_rule
def bce_with_logits(x: Any, target: Any, reduction: str = "mean") -> Series:
    """Binary cross-entropy of sigmoid(x) against target: softplus(x) - x·target."""
    return _loss("bce_with_logits", x, target, sub(softplus(x), mul(x, target)), reduction)


@_rule
def mse(x: Any, target: Any, reduction: str = "mean") -> Series:
    """Mean squared error."""
    difference = sub(x, target)
    return _loss("mse", x, target, mul(difference, difference), reduction)


# As in the op table: one tensor reduced, or two values elementwise (max(x, 0.5)).
RULES["max"] = extremum("max", RULES["amax"], RULES["maximum"])
RULES["min"] = extremum("min", RULES["amin"], RULES["minimum"])


# --- the same rules as Series operators -------------------------------------------------------


_METHODS: dict[str, Callable[..., Any]] = {"__getitem__": index, **python_operators(RULES)}

for _name, _method in _METHODS.items():
    setattr(Series, _name, _method)

Series.T = property(lambda self: permute(self, *reversed(range(self.ndim))))
Series.permute = permute  # as Tensor.permute: the batched algebra moves axes either way
