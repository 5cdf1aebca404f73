"""The op table: every named operation, once, for the language, ``--help``, the docs and tests.

Each entry maps the name used in expressions to the engine function that
computes it, with the signature shown to users and what the entry supports.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradcli.autograd import creation, ops
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError


@dataclass(frozen=True)
class OpInfo:
    name: str
    function: Callable[..., Any]
    signature: str
    summary: str
    category: str
    differentiable: bool = True
    analytic: bool = True
    """Holomorphic, so a complex-step evaluation through it is meaningful."""


def _cat(tensors: Any, dim: int = 0) -> Tensor:
    """cat for the language, where scalars (numbers, constants) join as one-element vectors."""
    joined = [as_tensor(t) for t in tensors]
    return ops.cat([t.reshape((1,)) if t.ndim == 0 else t for t in joined], dim)


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


def _numbers(
    function: Callable[..., Tensor], example: str, after: int = 0
) -> Callable[..., Tensor]:
    """A function that refuses tensors where it takes numbers (sizes, dimensions, ends) after
    its first ``after`` arguments, in the language's terms rather than ``item()``'s."""
    name = function.__name__
    like = f"; for {name} in the shape of a tensor x, write {name}_like(x)"

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Tensor:
        for number in args[after:]:
            if isinstance(number, Tensor) and number.numel() != 1:
                raise ExpressionError(
                    f"{name} takes numbers, as in {example}, not a tensor of shape "
                    f"{tuple(number.shape)}" + (like if name in ("zeros", "ones") else "")
                )
        return function(*args, **kwargs)

    return call


def _cast_dim(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """keepdim as a flag: the language has one number type, so it arrives as 0 or 1.

    (Dimensions arrive as floats too; the reductions check they are whole.)
    """

    def call(x: Any, dim: Any = None, keepdim: Any = False) -> Tensor:
        return function(x, dim, bool(keepdim))

    call.__name__, call.__doc__ = function.__name__, function.__doc__
    return call


_ENTRIES = [
    # name, function, signature, summary, category, differentiable, analytic
    ("add", ops.add, "add(x, y)", "x + y", "arithmetic"),
    ("sub", ops.sub, "sub(x, y)", "x - y", "arithmetic"),
    ("mul", ops.mul, "mul(x, y)", "x * y, elementwise", "arithmetic"),
    ("div", ops.div, "div(x, y)", "x / y, elementwise", "arithmetic"),
    ("pow", ops.pow, "pow(x, y)", "x ** y, elementwise", "arithmetic"),
    ("neg", ops.neg, "neg(x)", "-x", "arithmetic"),
    ("maximum", ops.maximum, "maximum(x, y)", "elementwise maximum", "arithmetic", True, False),
    ("minimum", ops.minimum, "minimum(x, y)", "elementwise minimum", "arithmetic", True, False),
    ("exp", ops.exp, "exp(x)", "e to the x", "elementwise"),
    ("expm1", ops.expm1, "expm1(x)", "exp(x) - 1, accurate near 0", "elementwise"),
    ("log", ops.log, "log(x)", "natural logarithm; ln(x) is the same", "elementwise"),
    ("log1p", ops.log1p, "log1p(x)", "log(1 + x), accurate near 0", "elementwise"),
    ("log2", ops.log2, "log2(x)", "base-2 logarithm", "elementwise"),
    ("log10", ops.log10, "log10(x)", "base-10 logarithm", "elementwise"),
    ("sqrt", ops.sqrt, "sqrt(x)", "square root", "elementwise"),
    ("sin", ops.sin, "sin(x)", "sine", "elementwise"),
    ("cos", ops.cos, "cos(x)", "cosine", "elementwise"),
    ("tan", ops.tan, "tan(x)", "tangent", "elementwise"),
    ("asin", ops.asin, "asin(x)", "inverse sine", "elementwise"),
    ("acos", ops.acos, "acos(x)", "inverse cosine", "elementwise"),
    ("atan", ops.atan, "atan(x)", "inverse tangent", "elementwise"),
    ("sinh", ops.sinh, "sinh(x)", "hyperbolic sine", "elementwise"),
    ("cosh", ops.cosh, "cosh(x)", "hyperbolic cosine", "elementwise"),
    ("tanh", ops.tanh, "tanh(x)", "hyperbolic tangent", "elementwise"),
    ("asinh", ops.asinh, "asinh(x)", "inverse hyperbolic sine", "elementwise"),
    ("acosh", ops.acosh, "acosh(x)", "inverse hyperbolic cosine", "elementwise"),
    ("atanh", ops.atanh, "atanh(x)", "inverse hyperbolic tangent", "elementwise"),
    ("sigmoid", ops.sigmoid, "sigmoid(x)", "1 / (1 + exp(-x)), stable", "elementwise"),
    ("softplus", ops.softplus, "softplus(x)", "log(1 + exp(x)), stable", "elementwise"),
    ("relu", ops.relu, "relu(x)", "max(x, 0); relu'(0) = 0", "elementwise", True, False),
    ("abs", ops.abs, "abs(x)", "|x|; abs'(0) = 0", "elementwise", True, False),
    ("sign", ops.sign, "sign(x)", "-1, 0 or 1 (derivative 0)", "elementwise", True, False),
    ("clamp", ops.clamp, "clamp(x, min, max)", "x limited to [min, max]", "elementwise", True, False),
    ("where", ops.where, "where(cond, x, y)", "x where cond is non-zero, else y", "elementwise", True, False),
    ("sum", _cast_dim(ops.sum), "sum(x, dim=None, keepdim=0)", "sum (over dim)", "reduction"),
    ("mean", _cast_dim(ops.mean), "mean(x, dim=None, keepdim=0)", "mean (over dim)", "reduction"),
    ("prod", _cast_dim(ops.prod), "prod(x, dim=None, keepdim=0)", "product (over dim)", "reduction"),
    ("amax", _cast_dim(ops.amax), "amax(x, dim=None, keepdim=0)", "maximum (over dim)", "reduction", True, False),
    ("amin", _cast_dim(ops.amin), "amin(x, dim=None, keepdim=0)", "minimum (over dim)", "reduction", True, False),
    ("max", extremum("max", _cast_dim(ops.amax), ops.maximum), "max(x, dim=None, keepdim=0) or max(x, y)", "largest element, over dim= if given; max(x, y) is elementwise", "reduction", True, False),
    ("min", extremum("min", _cast_dim(ops.amin), ops.minimum), "min(x, dim=None, keepdim=0) or min(x, y)", "smallest element, over dim= if given; min(x, y) is elementwise", "reduction", True, False),
    ("norm", ops.norm, "norm(x, p=2, dim=None, keepdim=0)", "p-norm; p=2 is overflow-safe", "reduction", True, False),
    ("logsumexp", _cast_dim(ops.logsumexp), "logsumexp(x, dim=None, keepdim=0)", "log(sum(exp(x))), stable", "reduction"),
    ("softmax", ops.softmax, "softmax(x, dim=-1)", "exp(x) / sum(exp(x)) along dim", "reduction"),
    ("log_softmax", ops.log_softmax, "log_softmax(x, dim=-1)", "x - logsumexp(x) along dim", "reduction"),
    ("matmul", ops.matmul, "matmul(x, y)", "matrix product, as x @ y", "linear algebra"),
    ("dot", ops.dot, "dot(x, y)", "inner product of two vectors", "linear algebra"),
    ("cat", _cat, "cat([x, y, ...], dim=0)", "join along an existing dimension", "shape"),
    ("stack", ops.stack, "stack([x, y, ...], dim=0)", "join along a new dimension", "shape"),
    ("reshape", _numbers(ops.reshape, "reshape(x, 2, 3)", after=1), "reshape(x, n, m, ...)", "same elements, new shape", "shape"),
    ("transpose", _numbers(ops.transpose, "transpose(x, 0, 1)", after=1), "transpose(x, dim0=0, dim1=1)", "swap two dimensions", "shape"),
    ("bce_with_logits", ops.binary_cross_entropy_with_logits, "bce_with_logits(logits, target)", "binary cross-entropy from logits, mean", "loss", True, False),
    ("mse", ops.mse_loss, "mse(x, target)", "mean squared error", "loss"),
    ("lt", ops.lt, "x < y", "1 where x < y, else 0", "comparison", False, False),
    ("le", ops.le, "x <= y", "1 where x <= y, else 0", "comparison", False, False),
    ("gt", ops.gt, "x > y", "1 where x > y, else 0", "comparison", False, False),
    ("ge", ops.ge, "x >= y", "1 where x >= y, else 0", "comparison", False, False),
    ("eq", ops.eq, "x == y", "1 where x == y, else 0", "comparison", False, False),
    ("ne", ops.ne, "x != y", "1 where x != y, else 0", "comparison", False, False),
    ("arange", _numbers(creation.arange, "arange(0, 5, 0.5)"), "arange(start, end=None, step=1)", "evenly spaced values in [start, end)", "creation", False),
    ("linspace", _numbers(creation.linspace, "linspace(0, 1, 5)"), "linspace(start, end, steps)", "evenly spaced values, ends included", "creation", False),
    ("zeros", _numbers(creation.zeros, "zeros(2, 3)"), "zeros(n, m, ...)", "a tensor of zeros", "creation", False),
    ("ones", _numbers(creation.ones, "ones(2, 3)"), "ones(n, m, ...)", "a tensor of ones", "creation", False),
    ("full", creation.full, "full([n, m, ...], value)", "a tensor of one value", "creation", False),
    ("eye", _numbers(creation.eye, "eye(3)"), "eye(n, m=None)", "identity matrix", "creation", False),
    ("zeros_like", creation.zeros_like, "zeros_like(x)", "zeros in the shape of x", "creation", False),
    ("ones_like", creation.ones_like, "ones_like(x)", "ones in the shape of x", "creation", False),
    ("rand", _numbers(creation.rand, "rand(2, 3)"), "rand(n, m, ...)", "uniform random in [0, 1) (--seed)", "creation", False),
    ("randn", _numbers(creation.randn, "randn(2, 3)"), "randn(n, m, ...)", "standard normal random (--seed)", "creation", False),
]  # fmt: skip

OPS: dict[str, OpInfo] = {entry[0]: OpInfo(*entry) for entry in _ENTRIES}
"""Every named operation, by the name the expression language uses."""

ALIASES: dict[str, str] = {"ln": "log"}
"""Other names the language accepts for an operation (each entry's summary mentions it)."""
