"""Reductions: sum, mean, prod, amax/amin, norm, logsumexp, softmax, var/std; and the
cumulative ones along a dim: cumsum, cumprod, logcumsumexp.

Tied maxima and minima share the gradient evenly (``amax``/``amin``).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import (
    Dim,
    _const,
    _expand_back,
    _numeric,
    _reduction,
)
from gradcli.autograd.ops.arithmetic import pow
from gradcli.autograd.ops.elementwise import abs, exp, log, sqrt, where
from gradcli.autograd.tensor import Tensor, as_tensor, to_array, wrap
from gradcli.errors import ArgumentTypeError, DtypeError, ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = [
    "sum",
    "mean",
    "prod",
    "amax",
    "amin",
    "norm",
    "logsumexp",
    "softmax",
    "log_softmax",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "logcumsumexp",
    "var",
    "std",
    "var_mean",
    "std_mean",
]


def _reduce(ufunc: np.ufunc, a: np.ndarray, axes: Any, keepdims: bool = False) -> np.ndarray:
    """``ufunc.reduce`` over ``axes``. Over a short last axis of many rows (a batch of
    points, each a small vector), column by column: numpy reduces a short contiguous
    axis several times slower than it adds whole columns (a (10^6, 3) sum: 22 ms against
    4), and below 8 elements both go left to right, so the bits are the same."""
    axes = axes if isinstance(axes, tuple) else (axes,)
    n = a.shape[-1] if a.ndim >= 2 else 0
    if (
        2 <= n < 8
        and len(axes) == 1
        and axes[0] % a.ndim == a.ndim - 1
        and a.size >= _COLUMNS_FROM
        and a.dtype == np.float64
    ):
        result = a[..., 0]
        for k in range(1, n):
            result = ufunc(result, a[..., k])
        return result[..., None] if keepdims else result
    return ufunc.reduce(a, axis=axes, keepdims=keepdims)


_COLUMNS_FROM = 4096
"""Elements from which a short last axis is reduced column by column (below, the Python
loop over columns costs more than it saves)."""


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        axes = _reduction(ctx, x, dim, keepdim)
        return wrap(to_array(_reduce(np.add, x._data, axes, keepdim)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return _expand_back(grad_output, ctx.input_shapes[0], ctx.axes, ctx.keepdim), None, None


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _floating_only("mean", x, dim)
        axes = _reduction(ctx, x, dim, keepdim)
        ctx.count = int(np.prod([x.shape[a] for a in axes]))
        return wrap(to_array(_reduce(np.add, x._data, axes, keepdim) / ctx.count))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        shape = ctx.input_shapes[0]
        return _expand_back(grad_output, shape, ctx.axes, ctx.keepdim) / ctx.count, None, None


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int | None, keepdim: bool) -> Tensor:
        axes = _reduction(ctx, x, dim, keepdim)
        result = wrap(to_array(np.prod(x._data, axis=axes, keepdims=keepdim)))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        x, result = ctx.saved_tensors
        grad = _expand_back(grad_output, x.shape, ctx.axes, ctx.keepdim)
        if not np.any(x._data == 0):
            return grad * _expand_back(result, x.shape, ctx.axes, ctx.keepdim) / x, None, None
        return grad * _product_of_others(x, ctx.axes), None, None


def _product_of_others(x: Tensor, axes: tuple[int, ...]) -> Tensor:
    """For each element, the product of the other elements reduced with it.

    Exact where zeros make ``prod / x`` useless; built from differentiable ops
    by masking the diagonal of an n-by-n copy of each reduced slice.
    """
    kept = [a for a in range(x.ndim) if a not in axes]
    order = kept + list(axes)
    moved = x.permute(order) if x.ndim else x
    n = int(np.prod([x.shape[a] for a in axes]))
    rows = moved.reshape((*tuple(x.shape[a] for a in kept), 1, n))
    diagonal = wrap(np.eye(n, dtype=bool))
    others = prod(where(diagonal, 1.0, rows), dim=-1)
    back = others.reshape(moved.shape)
    return back.permute(list(np.argsort(order))) if x.ndim else back.reshape(())


class _Extremum(Function):
    """amax / amin: the gradient is split evenly between tied extreme elements."""

    reduce: np.ufunc = np.maximum

    @classmethod
    def _forward(cls, ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _reduction(ctx, x, dim, keepdim)
        if x.numel() == 0:
            raise ShapeMismatchError(
                f"{cls.__name__.lower()}() of an empty tensor: there is no element; give a "
                "dim of non-zero size"
            )
        extreme = _reduce(cls.reduce, x._data, ctx.axes, keepdims=True)
        ties = np.asarray(x._data == extreme, dtype=np.float64)
        ctx.share = ties / _reduce(np.add, ties, ctx.axes, keepdims=True)
        return wrap(extreme if keepdim else np.squeeze(extreme, axis=ctx.axes))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        grad = _expand_back(grad_output, ctx.input_shapes[0], ctx.axes, ctx.keepdim)
        return grad * wrap(ctx.share), None, None


class Amax(_Extremum):
    node_name = "AmaxBackward0"
    reduce = np.maximum

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        return Amax._forward(ctx, x, dim, keepdim)


class Amin(_Extremum):
    node_name = "AminBackward0"
    reduce = np.minimum

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        return Amin._forward(ctx, x, dim, keepdim)


class Norm(Function):
    """The Euclidean norm, computed as ``s * sqrt(sum((x/s)**2))`` with ``s = max|x|``
    so that it neither overflows for huge entries nor underflows for tiny ones."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _floating_only("norm", x, dim)
        _reduction(ctx, x, dim, keepdim)
        a = x._data
        if np.iscomplexobj(a):  # complex step: the analytic formula, no |x|
            norm = np.sqrt(np.sum(a * a, axis=ctx.axes, keepdims=True))
        else:
            magnitude = np.abs(a)
            scale = (
                _reduce(np.maximum, magnitude, ctx.axes, keepdims=True)
                if a.size
                else np.max(magnitude, axis=ctx.axes, keepdims=True, initial=0.0)
            )
            scale = np.where((scale == 0) | ~np.isfinite(scale), 1.0, scale)
            norm = scale * np.sqrt(_reduce(np.add, (a / scale) ** 2, ctx.axes, keepdims=True))
        result = wrap(norm if keepdim else np.squeeze(norm, axis=ctx.axes))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        x, result = ctx.saved_tensors
        norm = _expand_back(result, x.shape, ctx.axes, ctx.keepdim)
        # At a zero norm x is 0 too; adding 1 there gives the subgradient 0, not 0/0.
        safe = norm + _const(norm._data == 0)
        grad = _expand_back(grad_output, x.shape, ctx.axes, ctx.keepdim)
        return grad * x / safe, None, None


class Logsumexp(Function):
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _reduction(ctx, x, dim, keepdim)
        a = _numeric(x._data)
        shift = np.max(a.real, axis=ctx.axes, keepdims=True) if a.size else np.zeros(())
        shift = np.where(np.isfinite(shift), shift, 0.0)
        total = np.log(np.sum(np.exp(a - shift), axis=ctx.axes, keepdims=True)) + shift
        ctx.save_for_backward(x)
        ctx.shift = shift
        return wrap(total if keepdim else np.squeeze(total, axis=ctx.axes))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        (x,) = ctx.saved_tensors
        grad = _expand_back(grad_output, x.shape, ctx.axes, ctx.keepdim)
        # The gradient is softmax(x). exp(x - result) would inherit the rounding of
        # result (1e15 + log 2 keeps few digits of log 2); shifting by the forward's
        # constant maximum instead is exact, and softmax does not depend on the shift.
        e = exp(x - _const(ctx.shift))
        return grad * e / sum(e, dim=ctx.axes, keepdim=True), None, None


class Softmax(Function):
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> Tensor:
        _floating_only("softmax", x, dim)
        ctx.axis = shapes.axis(dim, x.ndim, "softmax")
        a = x._data
        if x.ndim == 0:
            result = wrap(np.ones_like(a))
        elif x.numel() == 0:
            result = wrap(np.array(a, copy=True))
        else:
            e = np.exp(a - np.max(a.real, axis=ctx.axis, keepdims=True))
            result = wrap(e / np.sum(e, axis=ctx.axis, keepdims=True))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        (y,) = ctx.saved_tensors
        if y.ndim == 0:
            return grad_output * 0.0, None
        return y * (grad_output - sum(grad_output * y, dim=ctx.axis, keepdim=True)), None


def sum(input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over dim (all dimensions by default); of bools or integers, an int64 count."""
    return Sum.apply(_as(as_tensor(input), dtype), dim, keepdim)


def mean(input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean over dim (all dimensions by default), of a floating tensor (or ``dtype=``)."""
    return Mean.apply(_as(as_tensor(input), dtype), dim, keepdim)


def prod(input: Any, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Product over one dim (all elements by default); exact gradients at zeros."""
    return Prod.apply(_as(as_tensor(input), dtype), dim, keepdim)


def amax(input: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Maximum over dim; tied maxima share the gradient evenly."""
    return Amax.apply(as_tensor(input), dim, keepdim)


def amin(input: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Minimum over dim; tied minima share the gradient evenly."""
    return Amin.apply(as_tensor(input), dim, keepdim)


def norm(input: Any, p: float = 2, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The p-norm over dim (all elements by default); p = 2 is overflow-safe."""
    return shapes.norm(
        as_tensor(input),
        p,
        dim,
        keepdim,
        euclidean=Norm.apply,
        abs=abs,
        amax=amax,
        sum=sum,
        pow=pow,
    )


def logsumexp(input: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over dim, shifted by the maximum so it never overflows."""
    return Logsumexp.apply(as_tensor(input), dim, keepdim)


def softmax(input: Any, dim: int = -1, *, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along dim, computed stably."""
    _one_dim("softmax", dim)
    return Softmax.apply(_as(as_tensor(input), dtype), dim)


def _one_dim(name: str, dim: Any) -> None:
    if dim is None or isinstance(dim, (tuple, list)):
        raise ArgumentTypeError(
            f"{name} normalises along one dimension: give dim=, as in {name}(x, dim=-1), "
            f"not {dim!r}"
        )


def log_softmax(input: Any, dim: int = -1, *, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along dim."""
    x = _as(as_tensor(input), dtype)
    _one_dim("log_softmax", dim)
    _floating_only("log_softmax", x, dim)
    if x.numel() == 0:
        return x * 1.0
    return x - logsumexp(x, dim, keepdim=True)


# all and any, like sum, are PyTorch's names: in this module they are these functions.


def all(input: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Whether every element is true (non-zero), over dim: a bool tensor."""
    return _logical(np.all, input, dim, keepdim)


def any(input: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Whether some element is true (non-zero), over dim: a bool tensor."""
    return _logical(np.any, input, dim, keepdim)


def _logical(reduce: Any, input: Any, dim: Dim, keepdim: bool) -> Tensor:
    x = as_tensor(input)
    return wrap(np.asarray(reduce(x._data, axis=shapes.axes(dim, x.ndim), keepdims=keepdim)))


def _as(x: Tensor, dtype: Any) -> Tensor:
    """PyTorch's ``dtype=`` on a reduction: the input converted before it is reduced (float
    types compute in float64 as always)."""
    return x if dtype is None else x.to(dtype)


def _floating_only(name: str, x: Tensor, dim: Dim) -> None:
    """Refuse a bool or integer tensor where PyTorch does (mean, norm, softmax): after a
    dim of the wrong kind (a TypeError), before one out of range, in PyTorch's order."""
    if x._data.dtype.kind in "biu":
        for d in dim if isinstance(dim, (tuple, list)) else () if dim is None else (dim,):
            shapes.whole(d, "dim")
        raise DtypeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {x.dtype.name}; convert it first ({name} of "
            "x.double()), or give dtype=gradcli.float64"
        )


# --- along a dim: cumsum, cumprod, logcumsumexp ------------------------------------------------


class Cumsum(Function):
    """Running sums along ``axis``; ``reverse`` sums from the end (the adjoint of the other)."""

    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, axis: int, reverse: bool) -> Tensor:
        ctx.axis, ctx.reverse = axis, reverse
        a = _numeric(x._data)
        if a.ndim == 0:
            return wrap(np.array(a, copy=True))
        if reverse:
            return wrap(np.flip(np.cumsum(np.flip(a, axis), axis), axis).copy())
        return wrap(np.cumsum(a, axis))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Cumsum.apply(grad_output, ctx.axis, not ctx.reverse), None, None


class Cumprod(Function):
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, axis: int) -> Tensor:
        ctx.axis = axis
        a = _numeric(x._data)
        result = wrap(np.array(a, copy=True) if a.ndim == 0 else np.cumprod(a, axis))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        x, result = ctx.saved_tensors
        if x.ndim == 0:
            return grad_output, None
        if not np.any(x._data == 0):
            # d out_j / d x_k = out_j / x_k for j >= k: PyTorch's formula when no x is 0.
            return Cumsum.apply(grad_output * result, ctx.axis, True) / x, None
        return _cumprod_with_zeros(x, grad_output, ctx.axis), None


def _cumprod_with_zeros(x: Tensor, grad: Tensor, axis: int) -> Tensor:
    """sum over j >= k of grad_j * prod(x_i for i <= j, i != k), exact where x has zeros
    (out_j / x_k is 0/0 there): row k of an n-by-n copy of x has x_k replaced by 1, and
    its running products are those products. Built from differentiable ops, as Prod's."""
    moved, g = x.transpose(axis, -1), grad.transpose(axis, -1)
    n = moved.shape[-1]
    rows = where(wrap(np.eye(n, dtype=bool)), 1.0, moved.unsqueeze(-2))
    later = wrap(np.triu(np.ones((n, n))))  # [k, j] = 1 where j >= k
    products = Cumprod.apply(rows, rows.ndim - 1) * later
    return sum(products * g.unsqueeze(-2), dim=-1).transpose(axis, -1)


class Logcumsumexp(Function):
    """log of the running sums of exp along ``axis``, each step numpy's stable logaddexp
    (PyTorch's log1p(exp(min - max)) + max); ``reverse`` runs from the end."""

    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, axis: int, reverse: bool) -> Tensor:
        ctx.axis, ctx.reverse = axis, reverse
        a = _numeric(x._data)
        if a.ndim == 0:
            result = wrap(np.array(a, copy=True))
        elif np.iscomplexobj(a):  # complex step: the analytic formula, shifted by the real max
            shift = np.max(a.real, axis=axis, keepdims=True) if a.size else 0.0
            cumulative = np.cumsum(
                np.flip(np.exp(a - shift), axis) if reverse else np.exp(a - shift), axis
            )
            result = wrap(np.log(np.flip(cumulative, axis) if reverse else cumulative) + shift)
        elif reverse:
            result = wrap(np.flip(np.logaddexp.accumulate(np.flip(a, axis), axis), axis).copy())
        else:
            result = wrap(np.logaddexp.accumulate(a, axis))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        x, result = ctx.saved_tensors
        if x.ndim == 0:
            return grad_output, None, None
        # grad_k = sum over later j of grad_j * exp(x_k - out_j), PyTorch's (and TensorFlow's)
        # way: the positive and negative parts of grad in log space, summed with this very
        # operation, so nothing overflows. Where grad is 0, log|grad| is replaced by the
        # lowest float (and log's argument by 1, so that its derivative there stays finite).
        g = grad_output
        zero = _const(g._data == 0)
        log_size = log(abs(g) + zero)
        lowest = np.finfo(np.float64).min
        parts = []
        for sign in (g > 0, g < 0):
            logs = where(sign, log_size, lowest)
            parts.append(exp(Logcumsumexp.apply(logs - result, ctx.axis, not ctx.reverse) + x))
        return parts[0] - parts[1], None, None


def _cumulative(name: str, x: Tensor, dim: Any) -> int:
    if dim is None:
        raise ArgumentTypeError(f"{name}() needs a dim, as in {name}(x, dim=0)")
    return shapes.axis(dim, x.ndim, name)


def cumsum(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along dim."""
    x = _as(as_tensor(input), dtype)
    axis = _cumulative("cumsum", x, dim)
    if x._data.dtype.kind in "biu":  # integers carry no gradient: numpy's sums, int64 as PyTorch's
        return wrap(
            np.cumsum(x._data, axis, dtype=np.int64) if x.ndim else x._data.astype(np.int64)
        )
    return Cumsum.apply(x, axis, False)


def cumprod(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along dim; exact gradients at zeros."""
    x = _as(as_tensor(input), dtype)
    axis = _cumulative("cumprod", x, dim)
    if x._data.dtype.kind in "biu":
        return wrap(
            np.cumprod(x._data, axis, dtype=np.int64) if x.ndim else x._data.astype(np.int64)
        )
    return Cumprod.apply(x, axis)


def logcumsumexp(input: Any, dim: int) -> Tensor:
    """log of the running sums of exp(x) along dim, computed stably."""
    x = as_tensor(input)
    return Logcumsumexp.apply(x, _cumulative("logcumsumexp", x, dim), False)


# --- variance and standard deviation ---------------------------------------------------------


def _variance(
    name: str, input: Any, dim: Any, unbiased: Any, keepdim: bool, correction: Any
) -> tuple[Tensor, Tensor]:
    """(variance, mean) over dim, PyTorch's ways of asking: var(x, dim, unbiased, keepdim),
    var(x, unbiased) and var(x, dim, correction=c, keepdim=...). The divisor is
    max(0, n - correction): one value with correction 1 gives nan, as in PyTorch."""
    x = as_tensor(input)
    if isinstance(dim, bool):  # var(x, False): the second positional is unbiased
        dim, unbiased = None, dim
    _floating_only(name, x, dim)
    if unbiased is not None and correction is not None:
        raise ArgumentTypeError(f"{name}: give unbiased or correction, not both")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    axes = shapes.axes(dim, x.ndim)
    count = int(np.prod([x.shape[a] for a in axes]))
    average = mean(x, axes, keepdim=True)
    deviation = x - average
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = sum(deviation * deviation, axes, keepdim) / builtins.max(
            count - float(correction), 0.0
        )
    return variance, average if keepdim else average.reshape(variance.shape)


def var(
    input: Any,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Variance over dim (all elements by default), divided by n - correction (1: Bessel's)."""
    return _variance("var", input, dim, unbiased, keepdim, correction)[0]


def std(
    input: Any,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Standard deviation over dim: sqrt(var(...))."""
    return sqrt(_variance("std", input, dim, unbiased, keepdim, correction)[0])


def var_mean(
    input: Any,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
) -> tuple[Tensor, Tensor]:
    """(var, mean) over dim, as var and mean give them."""
    return _variance("var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(
    input: Any,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
) -> tuple[Tensor, Tensor]:
    """(std, mean) over dim, as std and mean give them."""
    variance, average = _variance("std_mean", input, dim, unbiased, keepdim, correction)
    return sqrt(variance), average
