"""Derivatives as formulas: the compiled expression evaluated on SymPy's symbols.

The machine runs compiled code under any algebra; here the values are SymPy
expressions (numpy object arrays of them for arrays), so a formula is built from
the very steps the numbers come from, and a program gives the formula along the
path it takes. SymPy differentiates and simplifies, which is a solved problem
(its ``simplify`` is the yardstick of a short answer); the printing in gradcli's
own syntax, so that ``gradcli eval`` reads a formula back, is here.

SymPy is imported by this module only, which only the symbolic routes load.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from gradcli.autograd.tensor import Tensor
from gradcli.compute.results import Differentiation, Formulas, NotSimplified
from gradcli.errors import ExpressionError, FormulaMismatch, LimitError, UsageError, option
from gradcli.language import Algebra, Expression
from gradcli.language import compile as compile_expression
from gradcli.registry import OPS

MAX_OPERATIONS = 1500
"""The largest formula (in SymPy's count of operations) differentiated: SymPy's own
``diff`` takes seconds at a thousand, and beyond that numbers at a point are the answer."""

SIMPLIFY_LIMIT = 80
"""Operations in a formula beyond which SymPy's ``simplify`` is not run: its time grows
much faster than the formula (0.2 s at 10 operations, 1.3 s at 80, about a minute at
300), so a larger one only has its common factors taken out, which is milliseconds."""


# --- the algebra ----------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """A number of the expression as SymPy's, exact as written: 0.1 is 1/10, not the
    double nearest it (the shortest decimal that reads back as the same double)."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, (bool, np.bool_)):
        return sp.Integer(int(value))
    number = float(value)
    if math.isnan(number):
        return sp.nan
    if math.isinf(number):
        return sp.oo if number > 0 else -sp.oo
    return sp.Rational(repr(number))


def constant(value: Any) -> Any:
    """Any value (number, tensor, array, SymPy) as a SymPy expression or object array,
    numbers exact as written: the algebra's ``constant``."""
    if isinstance(value, np.ndarray) and value.dtype == object:
        return value
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _number(value[()])
    if isinstance(value, (np.ndarray, list, tuple)):
        array = np.asarray(value, dtype=object)
        return np.vectorize(_number, otypes=[object])(array) if array.size else array
    return _number(value)


def _each(function: Callable[..., Any]) -> Callable[..., Any]:
    """An elementwise function of SymPy scalars, over arrays too (broadcasting)."""
    vectorized = np.vectorize(function, otypes=[object])

    def apply(*args: Any) -> Any:
        values = [constant(a) for a in args]
        if any(isinstance(v, np.ndarray) for v in values):
            return vectorized(*values)
        return function(*values)

    return apply


def _indicator(relation: Any) -> Any:
    """A comparison as a number, 1 where it holds and 0 elsewhere, as the engine's are."""
    if relation in (sp.true, sp.false):
        return sp.Integer(int(bool(relation)))
    return sp.Piecewise((1, relation), (0, True))


def _condition(value: Any) -> Any:
    """A number used as a condition: its comparison if it is one, else "non-zero"."""
    if isinstance(value, sp.Piecewise) and len(value.args) == 2:
        (one, relation), (zero, _) = value.args
        if one == 1 and zero == 0:
            return relation
    return sp.Ne(value, 0)


def _where(condition: Any, x: Any, y: Any) -> Any:
    return sp.Piecewise((x, _condition(condition)), (y, True))


def _relu(x: Any) -> Any:
    return sp.Max(x, 0)


def _clamp(x: Any, low: Any = None, high: Any = None) -> Any:
    x = constant(x)
    if low is not None:
        x = _each(sp.Max)(x, low)
    if high is not None:
        x = _each(sp.Min)(x, high)
    return x


def _along(x: Any, dim: Any, fold: Callable[[list[Any]], Any], keepdim: Any = False) -> Any:
    """``fold`` of the elements of ``x`` over ``dim`` (all of them when None)."""
    x = constant(x)
    if not isinstance(x, np.ndarray):
        return fold([x])
    if dim is None:
        result = fold(list(x.reshape(-1)))
        return np.full((1,) * x.ndim, result, dtype=object) if keepdim else result
    axis = int(dim) % max(x.ndim, 1)
    moved = np.moveaxis(x, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    folded = np.empty(len(rows), dtype=object)
    folded[:] = [fold(list(row)) for row in rows]
    result = folded.reshape(moved.shape[:-1])
    if keepdim:
        result = np.expand_dims(result, axis)
    return result if result.ndim else result[()]


def _reduction(fold: Callable[[list[Any]], Any]) -> Callable[..., Any]:
    def reduce(x: Any, dim: Any = None, keepdim: Any = False) -> Any:
        return _along(x, dim, fold, bool(keepdim))

    return reduce


def _total(items: list[Any]) -> Any:
    return sp.Add(*items)


def _product(items: list[Any]) -> Any:
    return sp.Mul(*items)


def _mean(items: list[Any]) -> Any:
    return sp.Add(*items) / len(items)


def _logsumexp(items: list[Any]) -> Any:
    return sp.log(sp.Add(*(sp.exp(i) for i in items)))


def _norm(x: Any, p: Any = 2, dim: Any = None, keepdim: Any = False) -> Any:
    p = _number(p)

    def fold(items: list[Any]) -> Any:
        if p == 2:
            return sp.sqrt(sp.Add(*(i**2 for i in items)))
        return sp.Add(*(sp.Abs(i) ** p for i in items)) ** (1 / p)

    return _along(x, dim, fold, bool(keepdim))


def _softmax(x: Any, dim: Any = -1, log: bool = False) -> Any:
    x = constant(x)
    if not isinstance(x, np.ndarray):
        return sp.Integer(0) if log else sp.Integer(1)
    exps = np.vectorize(sp.exp, otypes=[object])(x)
    totals = _along(exps, dim, _total, keepdim=True)
    if log:
        return x - np.vectorize(sp.log, otypes=[object])(totals)
    return exps / totals


def _extremum(fold: Any, pairwise: Any) -> Callable[..., Any]:
    def function(x: Any, *others: Any, dim: Any = None, keepdim: Any = False) -> Any:
        if others:
            return _each(pairwise)(x, others[0])
        return _along(x, dim, lambda items: fold(*items), bool(keepdim))

    return function


def _matmul(x: Any, y: Any) -> Any:
    return _scalar(np.matmul(_array(x), _array(y)))


def _dot(x: Any, y: Any) -> Any:
    return _scalar(np.dot(_array(x), _array(y)))


def _array(value: Any) -> np.ndarray:
    value = constant(value)
    return value if isinstance(value, np.ndarray) else np.asarray(value, dtype=object)


def _scalar(value: Any) -> Any:
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _stack(values: Sequence[Any], dim: Any = 0) -> Any:
    return np.stack([_array(v) for v in values], axis=int(dim))


def _cat(values: Sequence[Any], dim: Any = 0) -> Any:
    arrays = [_array(v) for v in values]
    return np.concatenate([a.reshape(1) if a.ndim == 0 else a for a in arrays], axis=int(dim))


def _reshape(x: Any, *shape: Any) -> Any:
    return _array(x).reshape([int(s) for s in shape])


def _transpose(x: Any, dim0: Any = 0, dim1: Any = 1) -> Any:
    return np.swapaxes(_array(x), int(dim0), int(dim1))


def _loss(each: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def loss(x: Any, target: Any) -> Any:
        return _along(_each(each)(x, target), None, _mean)

    return loss


def _softplus(x: Any) -> Any:
    return sp.log(1 + sp.exp(x))


def _log(x: Any, base: Any = None) -> Any:
    if base is None:
        return _each(sp.log)(x)
    return _each(lambda a, b: sp.log(a) / sp.log(b))(x, base)


# --- #22: running sums and products, variance, triangles, diagonals, flips, rolls, products ---


def _ints(value: Any) -> Any:
    """Dims, shifts and offsets as Python ints (one, or a list of them)."""
    if isinstance(value, np.ndarray):
        return [int(v) for v in value.reshape(-1)]
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return None if value is None else int(value)


def _running(accumulate: Callable[..., Any], before: Any = None, after: Any = None) -> Any:
    def run(x: Any, dim: Any) -> Any:
        x = _array(x)
        if x.ndim == 0:
            return x[()]
        inner = x if before is None else _each(before)(x)
        total = accumulate(inner, axis=_ints(dim) % x.ndim)
        return total if after is None else _each(after)(total)

    return run


def _variance(x: Any, dim: Any = None, correction: Any = 1, keepdim: Any = False) -> Any:
    c = _number(correction)

    def fold(items: list[Any]) -> Any:
        average = sp.Add(*items) / len(items)
        return sp.Add(*((i - average) ** 2 for i in items)) / sp.Max(len(items) - c, 0)

    return _along(x, None if dim is None else _ints(dim), fold, bool(keepdim))


def _triangle(lower: bool) -> Callable[..., Any]:
    def keep(x: Any, diagonal: Any = 0) -> Any:
        x = _array(x)
        k = _ints(diagonal)
        rows, columns = x.shape[-2:]
        mask = (
            np.tri(rows, columns, k, dtype=bool)
            if lower
            else ~np.tri(rows, columns, k - 1, dtype=bool)
        )
        return np.where(mask, x, sp.Integer(0))

    return keep


def _diag(x: Any, diagonal: Any = 0) -> Any:
    x, k = _array(x), _ints(diagonal)
    if x.ndim != 1:
        return np.diagonal(x, k)
    n = len(x) + abs(k)
    out = np.full((n, n), sp.Integer(0), dtype=object)
    steps = np.arange(len(x))
    out[steps + max(-k, 0), steps + max(k, 0)] = x
    return out


def _cross(x: Any, y: Any, dim: Any = None) -> Any:
    a, b = np.broadcast_arrays(_array(x), _array(y))
    axis = a.shape.index(3) if dim is None else _ints(dim)
    return np.cross(a, b, axis=axis)


def _checked(rule: Callable[..., Any], engine: Callable[..., Any]) -> Callable[..., Any]:
    """``rule``, after the engine's operation has read the same arguments on numbers of the
    same shapes: dims, sizes and shapes are refused as the engine refuses them, in its words."""

    def apply(*args: Any, **kwargs: Any) -> Any:
        engine(*[_shadow(a) for a in args], **{k: _shadow(v) for k, v in kwargs.items()})
        return rule(*args, **kwargs)

    return apply


def _shadow(value: Any) -> Any:
    """A formula's stand-in for the engine: numbers as themselves (dims, shifts), a formula
    of the variables as 0.5, arrays of them element by element."""
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.vectorize(_shadow, otypes=[float])(value) if value.size else np.zeros(value.shape)
    if isinstance(value, sp.Basic):
        return float(value) if value.is_number else 0.5
    return value


def _median(x: Any, dim: Any = None, keepdim: Any = False) -> Any:
    def fold(items: list[Any]) -> Any:
        if len(items) > 1:
            raise UsageError(
                "median has no formula: the element it picks depends on the order of the "
                f"values; its derivatives are numbers at a point ({option('at')} without "
                f"{option('symbolic')})"
            )
        return items[0]

    return _along(x, None if dim is None else _ints(dim), fold, bool(keepdim))


class RealCbrt(sp.Function):
    """gradcli's cbrt, the real cube root: SymPy's ``cbrt(x)`` is ``x**(1/3)``, the principal
    root, complex for x < 0, and ``real_root`` is ``sign(x)·|x|**(1/3)``, whose derivative
    holds a DiracDelta. This one's derivative is 1/(3·cbrt(x)²), as the engine's."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_number and arg.is_extended_real:
            return sp.real_root(arg, 3)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return 1 / (3 * self**2)

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        root = rf"\sqrt[3]{{{printer._print(self.args[0])}}}"
        return root if exp is None else rf"\left({root}\right)^{{{exp}}}"


class _Step(sp.Function):
    """A piecewise-constant function of gradcli's (floor, ceil, trunc, round): its value at
    a number exactly, its derivative 0, as the engine's (SymPy leaves floor's unevaluated)."""

    step: Callable[[Any], Any]

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_number and arg.is_extended_real and arg.is_finite:
            return sp.Integer(cls.step(sp.Rational(arg) if arg.is_Float else arg))
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sp.Integer(0)

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real


def _step(name: str, step: Callable[[Any], Any]) -> type[_Step]:
    # Named as gradcli names it, so that SymPy prints floor(x), round(x): gradcli reads them.
    return type(name, (_Step,), {"step": staticmethod(step)})


def _nearest(value: Any) -> int:
    """The nearest whole number, ties to even (Python's round of an exact fraction)."""
    return round(Fraction(int(value.p), int(value.q))) if value.is_Rational else round(float(value))


_FLOOR = _step("floor", lambda v: math.floor(v) if v.is_Rational else int(sp.floor(v)))
_CEIL = _step("ceil", lambda v: math.ceil(v) if v.is_Rational else int(sp.ceiling(v)))
_TRUNC = _step("trunc", lambda v: int(sp.sign(v) * sp.floor(sp.Abs(v))))
_ROUND = _step("round", _nearest)


def _round(x: Any, decimals: Any = 0) -> Any:
    if _number(decimals) != 0:
        raise UsageError(
            f"round(x, decimals) has no formula here, only round(x); give a point with "
            f"{option('at')} for its derivatives (0)"
        )
    return _each(_ROUND)(x)


def _elu(x: Any, alpha: Any = 1) -> Any:
    return _each(lambda v, a: sp.Piecewise((v, v > 0), (a * (sp.exp(v) - 1), True)))(x, alpha)


_SELU_ALPHA = sp.Float("1.6732632423543772848170429916717", 32)
_SELU_SCALE = sp.Float("1.0507009873554804934193349852946", 32)


def _gelu(x: Any, approximate: Any = "none") -> Any:
    if approximate == "tanh":
        return _each(
            lambda v: v * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (v + _number(0.044715) * v**3))) / 2
        )(x)
    return _each(lambda v: v * (1 + sp.erf(v / sp.sqrt(2))) / 2)(x)


def _hardtanh(x: Any, min_val: Any = -1, max_val: Any = 1) -> Any:
    # Min and Max differentiate to steps that are 0 at the ends, as the engine's hardtanh'.
    return _each(lambda v, lo, hi: sp.Min(sp.Max(v, lo), hi))(x, min_val, max_val)


def _leaky_relu(x: Any, negative_slope: Any = 0.01) -> Any:
    return _each(lambda v, s: sp.Piecewise((v, v > 0), (s * v, True)))(x, negative_slope)


def _copysign(x: Any, y: Any) -> Any:
    return sp.Piecewise((sp.Abs(x), y >= 0), (-sp.Abs(x), True))


_RULES: dict[str, Callable[..., Any]] = {
    "add": _each(lambda x, y: x + y),
    "sub": _each(lambda x, y: x - y),
    "mul": _each(lambda x, y: x * y),
    "div": _each(lambda x, y: x / y),
    "pow": _each(lambda x, y: x**y),
    "neg": _each(lambda x: -x),
    "maximum": _each(sp.Max),
    "minimum": _each(sp.Min),
    "exp": _each(sp.exp),
    "expm1": _each(lambda x: sp.exp(x) - 1),
    "log": _log,
    "log1p": _each(lambda x: sp.log(1 + x)),
    "log2": _each(lambda x: sp.log(x, 2)),
    "log10": _each(lambda x: sp.log(x, 10)),
    "sqrt": _each(sp.sqrt),
    "cbrt": _each(RealCbrt),
    "sin": _each(sp.sin),
    "cos": _each(sp.cos),
    "tan": _each(sp.tan),
    "sec": _each(sp.sec),
    "csc": _each(sp.csc),
    "cot": _each(sp.cot),
    "asin": _each(sp.asin),
    "acos": _each(sp.acos),
    "atan": _each(sp.atan),
    "sinh": _each(sp.sinh),
    "cosh": _each(sp.cosh),
    "tanh": _each(sp.tanh),
    "asinh": _each(sp.asinh),
    "acosh": _each(sp.acosh),
    "atanh": _each(sp.atanh),
    "sigmoid": _each(lambda x: 1 / (1 + sp.exp(-x))),
    "softplus": _each(_softplus),
    "relu": _each(_relu),
    "abs": _each(sp.Abs),
    "sign": _each(sp.sign),
    "clamp": _clamp,
    "where": _each(_where),
    "lt": _each(lambda x, y: _indicator(sp.Lt(x, y))),
    "le": _each(lambda x, y: _indicator(sp.Le(x, y))),
    "gt": _each(lambda x, y: _indicator(sp.Gt(x, y))),
    "ge": _each(lambda x, y: _indicator(sp.Ge(x, y))),
    "eq": _each(lambda x, y: _indicator(sp.Eq(x, y))),
    "ne": _each(lambda x, y: _indicator(sp.Ne(x, y))),
    "sum": _reduction(_total),
    "mean": _reduction(_mean),
    "prod": _reduction(_product),
    "amax": _reduction(lambda items: sp.Max(*items)),
    "amin": _reduction(lambda items: sp.Min(*items)),
    "max": _extremum(sp.Max, sp.Max),
    "min": _extremum(sp.Min, sp.Min),
    "norm": _norm,
    "logsumexp": _reduction(_logsumexp),
    "softmax": _softmax,
    "log_softmax": functools.partial(_softmax, log=True),
    "matmul": _matmul,
    "dot": _dot,
    "cat": _cat,
    "stack": _stack,
    "reshape": _reshape,
    "transpose": _transpose,
    "bce_with_logits": _loss(lambda x, t: _softplus(x) - x * t),
    "mse": _loss(lambda x, t: (x - t) ** 2),
    "floor": _each(_FLOOR),
    "ceil": _each(_CEIL),
    "round": _round,
    "trunc": _each(_TRUNC),
    "frac": _each(lambda x: x - _TRUNC(x)),
    "rsqrt": _each(lambda x: 1 / sp.sqrt(x)),
    "exp2": _each(lambda x: 2**x),
    "erf": _each(sp.erf),
    "erfc": _each(sp.erfc),
    "logaddexp": _each(lambda x, y: sp.log(sp.exp(x) + sp.exp(y))),
    "hypot": _each(lambda x, y: sp.sqrt(x**2 + y**2)),
    "copysign": _each(_copysign),
    "fmod": _each(lambda x, y: x - _TRUNC(x / y) * y),
    "remainder": _each(lambda x, y: x - _FLOOR(x / y) * y),
    "gelu": _gelu,
    "elu": _elu,
    "selu": lambda x: _each(lambda v: _SELU_SCALE * v)(_elu(x, _SELU_ALPHA)),
    "silu": _each(lambda x: x / (1 + sp.exp(-x))),
    "mish": _each(lambda x: x * sp.tanh(_softplus(x))),
    "leaky_relu": _leaky_relu,
    "relu6": lambda x: _hardtanh(x, 0, 6),
    "hardtanh": _hardtanh,
    "logsigmoid": _each(lambda x: -_softplus(-x)),
}
# The operations of #22 read their arguments as the engine does (_checked).
_CHECKED: dict[str, Callable[..., Any]] = {
    "cumsum": _running(np.cumsum),
    "cumprod": _running(np.cumprod),
    "logcumsumexp": _running(np.cumsum, sp.exp, sp.log),
    "var": _variance,
    "std": lambda *args, **kwargs: _each(sp.sqrt)(_variance(*args, **kwargs)),
    "median": _median,
    "tril": _triangle(lower=True),
    "triu": _triangle(lower=False),
    "diag": _diag,
    "flip": lambda x, *dims: np.flip(_array(x), _ints(dims[0] if len(dims) == 1 else dims)),
    "roll": lambda x, shifts, dims=None: np.roll(_array(x), _ints(shifts), _ints(dims)),
    "trace": lambda x: np.trace(_array(x)),
    "outer": lambda x, y: np.multiply.outer(_array(x), _array(y)),
    "cross": _cross,
    "mv": _matmul,
}

_NO_FORMULA = ("isnan", "isinf", "isfinite")
"""Built-in operations SymPy's expressions cannot stand for: a test of a number's kind."""


def _numeric(function: Callable[..., Any]) -> Callable[..., Any]:
    """A creation function: its numbers, made by the engine, as SymPy's."""

    def make(*args: Any, **kwargs: Any) -> Any:
        return constant(function(*[_plain(a) for a in args], **kwargs))

    return make


def _plain(value: Any) -> Any:
    if isinstance(value, sp.Basic) and value.is_number:
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return value.astype(float)
    return value


def _settle(point: Mapping[str, Any] | None) -> Callable[[Any], Any]:
    """What control flow reads: a number; a formula's value at the point, if there is one."""

    def settle(value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.dtype == object:
            return (
                np.vectorize(settle, otypes=[object])(value).astype(float) if value.size else value
            )
        if not isinstance(value, sp.Basic):
            return value
        if value.free_symbols:
            if point is None:
                raise UsageError(
                    "the program's path depends on the variables (a condition, a loop's end or "
                    f"an index); its formula is the one along the path at a point: give "
                    f"{option('at')} NAME=VALUE with {option('symbolic')}"
                )
            value = value.subs({sp.Symbol(k, real=True): _number(v) for k, v in point.items()})
        if value in (sp.true, sp.false):
            return bool(value)
        return float(value)

    return settle


def sympy_algebra(point: Mapping[str, Any] | None = None) -> Algebra:
    """SymPy's expressions as the algebra: each operation builds its formula. Control flow
    follows the path taken at ``point`` (name -> number); without one, a path that depends
    on the variables is refused."""
    functions = {}
    for name, info in OPS.items():
        if name in _RULES:
            functions[name] = dataclasses.replace(info, function=_RULES[name])
        elif name in _CHECKED:
            rule = _checked(_CHECKED[name], info.function)
            functions[name] = dataclasses.replace(info, function=rule)
        elif info.category == "creation":
            functions[name] = dataclasses.replace(info, function=_numeric(info.function))
        elif name in _NO_FORMULA:
            functions[name] = dataclasses.replace(info, function=_no_formula(name))
        else:
            functions[name] = dataclasses.replace(info, function=_unknown(name))
    return Algebra("sympy", functions, stack=_stack, constant=constant, settle=_settle(point))


def _no_formula(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise UsageError(
            f"{name} has no formula (it tests what kind of number its argument is); give a "
            f"point with {option('at')} for the derivatives there"
        )

    return refuse


def _unknown(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise UsageError(
            f"{name} has no formula (it is a plugin's operation, known by its numbers only); "
            f"give a point with {option('at')} for its derivatives"
        )

    return refuse


# --- formulas -------------------------------------------------------------------------------


def symbols_of(expression: Expression) -> dict[str, sp.Symbol]:
    """A real symbol for each variable, and SymPy's own pi and e for the constants."""
    symbols: dict[str, Any] = {name: sp.Symbol(name, real=True) for name in expression.variables}
    constants = {"pi": sp.pi, "e": sp.E, "inf": sp.oo, "nan": sp.nan}
    symbols.update((name, constants[name]) for name in expression.names if name in constants)
    return symbols


def formula(expression: Expression, point: Mapping[str, Any] | None = None) -> Any:
    """The value as a SymPy expression (an object array for an array value)."""
    with np.errstate(all="ignore"):
        try:
            return expression.evaluate(symbols_of(expression), sympy_algebra(point))
        except ExpressionError as error:
            if isinstance(error.__context__, UsageError):
                raise error.__context__ from None
            raise


def simplified(value: Any) -> tuple[Any, bool]:
    """``value`` simplified, and whether fully: beyond :data:`SIMPLIFY_LIMIT` operations
    only its common factors are taken out."""
    if sp.count_ops(value) > SIMPLIFY_LIMIT:
        return sp.factor_terms(value), False
    return sp.simplify(value), True


def derivatives(
    expression: Expression,
    wrt: Sequence[str] | None = None,
    order: int | None = None,
    hessian: bool = False,
    point: Mapping[str, Any] | None = None,
) -> Formulas:
    """The gradient (``order`` None), the derivatives of orders 1..``order`` by each
    variable, or the Hessian, as simplified formulas; along the path taken at ``point``."""
    value = formula(expression, point)
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise UsageError(
                f"formulas are for a single-number value, and this one has shape {value.shape}; "
                f"reduce it (e.g. sum(...)), or give a point with {option('at')} for its Jacobian"
            )
        value = value.reshape(())[()]
    operations = sp.count_ops(value)
    if operations > MAX_OPERATIONS:
        raise LimitError(
            f"the formula of this expression has {operations:,} operations, more than the "
            f"{MAX_OPERATIONS:,} that formulas are made for in a few seconds; give a point "
            f"with {option('at')} for the derivatives' numbers"
        )
    names = list(wrt) if wrt else list(expression.variables)
    unknown = [name for name in names if name not in expression.variables]
    if unknown:
        raise UsageError(f"{option('wrt')} {unknown[0]}: no such variable in the expression")
    symbols = symbols_of(expression)
    notes: list[Any] = []

    def simplest(result: Any) -> Any:
        result, done = simplified(result)
        if not done and not notes:
            notes.append(NotSimplified(int(sp.count_ops(result)), SIMPLIFY_LIMIT))
        return result

    value = simplest(value)
    _defined(value)
    firsts = {name: simplest(sp.diff(value, symbols[name])) for name in names}
    for first in firsts.values():
        _defined(first)
    orders = None
    if order is not None:
        orders = {}
        for name in names:
            series = [firsts[name]]
            for _ in range(order - 1):
                series.append(simplest(sp.diff(series[-1], symbols[name])))
            orders[name] = series
    matrix = None
    if hessian:
        matrix = [[None] * len(names) for _ in names]
        for i, a in enumerate(names):
            for j in range(i, len(names)):
                matrix[i][j] = matrix[j][i] = simplest(sp.diff(firsts[a], symbols[names[j]]))
    return Formulas(
        expression=expression.source,
        value=text(value),
        wrt=names,
        gradient={name: text(f) for name, f in firsts.items()},
        derivatives=None if orders is None else _map(text, orders),
        hessian=None if matrix is None else [[text(f) for f in row] for row in matrix],
        latex={
            "value": latex(value),
            "gradient": {name: latex(f) for name, f in firsts.items()},
            "derivatives": None if orders is None else _map(latex, orders),
            "hessian": None if matrix is None else [[latex(f) for f in row] for row in matrix],
        },
        warnings=notes,
    )


def _defined(formula: Any) -> None:
    """Refuse a formula that is undefined everywhere (a division by zero, 0/0): SymPy
    writes it as zoo or nan, which no number stands for."""
    if formula.has(sp.zoo, sp.nan):
        raise UsageError(
            "the formula is undefined everywhere (it divides by zero, or is 0/0); give a "
            f"point with {option('at')} for what the numbers give there"
        )


def _map(function: Callable[[Any], str], series: dict[str, list[Any]]) -> dict[str, list[str]]:
    return {name: [function(f) for f in items] for name, items in series.items()}


AGREEMENT = 1e-9
"""How closely a formula's value must agree with the exact numbers, relative to the larger
in size (or to 1): two correct computations of one number differ by their rounding only."""


def agreement(result: Differentiation) -> None:
    """Evaluate every formula of ``result.formulas`` at the point and compare it with the
    number it stands beside. Raises :class:`FormulaMismatch` naming the first that does
    not agree (a bug of gradcli's: the two come from one graph)."""
    formulas = result.formulas
    assert formulas is not None
    values = {name: Tensor(np.asarray(v, dtype=np.float64)) for name, v in result.at.items()}
    pairs = [("the value", formulas.value, result.value)]
    pairs += [(f"d/d{n}", formulas.gradient[n], result.gradient[n]) for n in formulas.wrt]
    if formulas.derivatives is not None and result.derivatives is not None:
        for name in formulas.wrt:
            found = zip(formulas.derivatives[name], result.derivatives[name])
            pairs += [(f"d{k}/d{name}{k}", f, n) for k, (f, n) in enumerate(found, 1)]
    if formulas.hessian is not None and result.hessian is not None:
        numbers = np.asarray(result.hessian[1])
        for i, a in enumerate(formulas.wrt):
            for j, b in enumerate(formulas.wrt):
                pairs.append((f"d2/d{a}d{b}", formulas.hessian[i][j], numbers[i, j]))
    for what, source, number in pairs:
        exact = float(np.asarray(number).reshape(()))
        with np.errstate(all="ignore"):
            found = float(compile_expression(source).evaluate(values).numpy())
        if not agrees(found, exact):
            raise FormulaMismatch(
                f"{what}: the formula {source} gives {found!r} at the point, and reverse mode "
                f"{exact!r}; they come from one graph, so this is a bug in gradcli: please "
                "report it with the command"
            )


def agrees(a: float, b: float) -> bool:
    """Whether two computations of one number agree to rounding (:data:`AGREEMENT`)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= AGREEMENT * max(1.0, abs(a), abs(b))


# --- printing -------------------------------------------------------------------------------


class _Printer(StrPrinter):
    """SymPy's Python-like printing, in gradcli's names: what ``gradcli eval`` reads."""

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_RealCbrt(self, expr: Any) -> str:
        return f"cbrt({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Pi(self, expr: Any) -> str:
        return "pi"

    def _print_Infinity(self, expr: Any) -> str:
        return "inf"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "-inf"

    def _print_NaN(self, expr: Any) -> str:
        return "nan"

    def _print_Heaviside(self, expr: Any) -> str:
        # relu'(0) = 0 in gradcli, as in PyTorch: the step is 0 at 0.
        return f"where({self._print(expr.args[0])} > 0, 1, 0)"

    def _pairwise(self, name: str, args: Sequence[Any]) -> str:
        text = self._print(args[0])
        for arg in args[1:]:
            text = f"{name}({text}, {self._print(arg)})"
        return text

    def _print_Max(self, expr: Any) -> str:
        return self._pairwise("max", expr.args)

    def _print_Min(self, expr: Any) -> str:
        return self._pairwise("min", expr.args)

    def _print_Piecewise(self, expr: Any) -> str:
        *pieces, (last, _) = expr.args
        text = self._print(last)
        for value, condition in reversed(pieces):
            text = f"where({self._print(condition)}, {self._print(value)}, {text})"
        return text

    def _print_Relational(self, expr: Any) -> str:
        op = {"==": "==", "!=": "!="}.get(expr.rel_op, expr.rel_op)
        return f"{self.parenthesize(expr.lhs, 0)} {op} {self.parenthesize(expr.rhs, 0)}"


def text(value: Any) -> str:
    """A formula in gradcli's syntax (SymPy's sec, csc and cot are gradcli's too)."""
    return _Printer({"order": None}).doprint(value)


def latex(value: Any) -> str:
    """A formula in LaTeX."""
    return sp.latex(value)
