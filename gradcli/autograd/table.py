"""The op table: every named operation, once, for the language, ``--help``, the docs and tests.

Each entry maps the name used in expressions to the engine function that
computes it, with the signature shown to users and what the entry supports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradcli.autograd import creation, ops
from gradcli.autograd.tensor import Tensor


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
    """cat for the language, where scalars join as one-element vectors."""
    return ops.cat([t.reshape((1,)) if t.ndim == 0 else t for t in tensors], dim)


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
    ("log", ops.log, "log(x)", "natural logarithm", "elementwise"),
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
    ("max", _cast_dim(ops.amax), "max(x, dim=None, keepdim=0)", "maximum (over dim), as amax", "reduction", True, False),
    ("min", _cast_dim(ops.amin), "min(x, dim=None, keepdim=0)", "minimum (over dim), as amin", "reduction", True, False),
    ("norm", ops.norm, "norm(x, p=2, dim=None, keepdim=0)", "p-norm; p=2 is overflow-safe", "reduction", True, False),
    ("logsumexp", _cast_dim(ops.logsumexp), "logsumexp(x, dim=None, keepdim=0)", "log(sum(exp(x))), stable", "reduction"),
    ("softmax", ops.softmax, "softmax(x, dim=-1)", "exp(x) / sum(exp(x)) along dim", "reduction"),
    ("log_softmax", ops.log_softmax, "log_softmax(x, dim=-1)", "x - logsumexp(x) along dim", "reduction"),
    ("matmul", ops.matmul, "matmul(x, y)", "matrix product, as x @ y", "linear algebra"),
    ("dot", ops.dot, "dot(x, y)", "inner product of two vectors", "linear algebra"),
    ("cat", _cat, "cat([x, y, ...], dim=0)", "join along an existing dimension", "shape"),
    ("stack", ops.stack, "stack([x, y, ...], dim=0)", "join along a new dimension", "shape"),
    ("reshape", ops.reshape, "reshape(x, n, m, ...)", "same elements, new shape", "shape"),
    ("transpose", ops.transpose, "transpose(x, dim0=0, dim1=1)", "swap two dimensions", "shape"),
    ("bce_with_logits", ops.binary_cross_entropy_with_logits, "bce_with_logits(logits, target)", "binary cross-entropy from logits, mean", "loss", True, False),
    ("mse", ops.mse_loss, "mse(x, target)", "mean squared error", "loss"),
    ("lt", ops.lt, "x < y", "1 where x < y, else 0", "comparison", False, False),
    ("le", ops.le, "x <= y", "1 where x <= y, else 0", "comparison", False, False),
    ("gt", ops.gt, "x > y", "1 where x > y, else 0", "comparison", False, False),
    ("ge", ops.ge, "x >= y", "1 where x >= y, else 0", "comparison", False, False),
    ("eq", ops.eq, "x == y", "1 where x == y, else 0", "comparison", False, False),
    ("ne", ops.ne, "x != y", "1 where x != y, else 0", "comparison", False, False),
    ("arange", creation.arange, "arange(start, end=None, step=1)", "evenly spaced values in [start, end)", "creation", False),
    ("linspace", creation.linspace, "linspace(start, end, steps)", "evenly spaced values, ends included", "creation", False),
    ("zeros", creation.zeros, "zeros(n, m, ...)", "a tensor of zeros", "creation", False),
    ("ones", creation.ones, "ones(n, m, ...)", "a tensor of ones", "creation", False),
    ("full", creation.full, "full([n, m, ...], value)", "a tensor of one value", "creation", False),
    ("eye", creation.eye, "eye(n, m=None)", "identity matrix", "creation", False),
    ("zeros_like", creation.zeros_like, "zeros_like(x)", "zeros in the shape of x", "creation", False),
    ("ones_like", creation.ones_like, "ones_like(x)", "ones in the shape of x", "creation", False),
    ("rand", creation.rand, "rand(n, m, ...)", "uniform random in [0, 1) (--seed)", "creation", False),
    ("randn", creation.randn, "randn(n, m, ...)", "standard normal random (--seed)", "creation", False),
]  # fmt: skip

OPS: dict[str, OpInfo] = {entry[0]: OpInfo(*entry) for entry in _ENTRIES}
"""Every named operation, by the name the expression language uses."""
