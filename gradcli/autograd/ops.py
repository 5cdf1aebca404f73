"""The primitives: one small ``Function`` per operation, forward beside backward.

Backward formulas use gradcli's own tensor operations, never raw numpy, so
with ``create_graph=True`` every gradient is a graph that can be differentiated
again. Broadcasting is undone in exactly one place, :func:`unbroadcast`.

At kinks the conventions are PyTorch's: ``abs'(0) = sign(0) = 0``,
``relu'(0) = 0``, ``clamp`` passes the gradient on its closed interval,
``maximum``/``minimum`` and ``amax``/``amin`` split it evenly between ties.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.tensor import Tensor, _wrap, as_tensor, to_array
from gradcli.errors import ShapeError

Dim = int | Sequence[int] | None


# --- helpers ------------------------------------------------------------------


def unbroadcast(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``grad`` down to ``shape``, undoing numpy broadcasting (the one place)."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return sum(grad, dim=axes, keepdim=True).reshape(shape)


def _axes(dim: Dim, ndim: int) -> tuple[int, ...]:
    """``dim`` as a sorted tuple of non-negative axes; ``None`` means all."""
    if dim is None:
        return tuple(range(ndim))
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = []
    for d in dims:
        if isinstance(d, Tensor):
            d = d.item()
        if not np.isfinite(float(d)) or float(d) != int(d):
            raise ShapeError(f"dim must be a whole number, not {d}")
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            if ndim == 0:
                raise ShapeError(f"dim {d} is out of range for a single number (only 0 and -1 fit)")
            plural = "s" if ndim > 1 else ""
            raise ShapeError(
                f"dim {d} is out of range for a tensor with {ndim} dimension{plural} "
                f"(use {-ndim} to {ndim - 1})"
            )
        # A single number is its own reduction, so PyTorch takes dim 0 or -1 there
        # as no axis at all: sum(x, dim=0) and log_softmax(x) of a number work.
        if ndim:
            axes.append(d % ndim)
    return tuple(sorted(set(axes)))


def _reduction(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> tuple[int, ...]:
    """Record a reduction's axes and keepdim on ``ctx``; returns the axes."""
    ctx.axes, ctx.keepdim = _axes(dim, x.ndim), keepdim
    return ctx.axes


def _expand_back(
    grad: Tensor, shape: tuple[int, ...], axes: tuple[int, ...], keepdim: bool
) -> Tensor:
    """Broadcast the gradient of a reduction over ``axes`` back to the input's ``shape``."""
    if not keepdim and shape:
        grad = grad.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return broadcast_to(grad, shape)


def _const(array: Any) -> Tensor:
    """A constant (non-differentiable) tensor, e.g. a mask inside a backward formula."""
    return _wrap(np.asarray(array, dtype=np.float64))


def _numeric(a: Any) -> Any:
    """Booleans (comparison results) as float64 0/1.

    numpy would compute ``exp(True)`` in float16 and ``True + True`` as a
    logical or; gradcli's comparisons are 0/1 numbers to arithmetic.
    """
    return a.astype(np.float64) if a.dtype.kind == "b" else a


def _binary(ufunc: Callable, x: Tensor, y: Tensor, symbol: str) -> Tensor:
    """``ufunc`` applied to the arrays, booleans taken as 0/1.

    Arithmetic passes Python's operator (``operator.mul``) rather than the ufunc:
    on numpy scalars it is the same operation, about ten times faster.
    """
    if x.shape != y.shape:  # equal shapes make nothing larger than an input
        try:
            shape = np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            raise ShapeError(
                f"{symbol}: shapes {tuple(x.shape)} and {tuple(y.shape)} cannot be broadcast "
                "together (trailing dimensions must be equal or 1)"
            ) from None
        check_size(math.prod(shape), symbol, shape)
    return _wrap(ufunc(_numeric(x._data), _numeric(y._data)))


def _analytic_or_real(real: Callable, complex_: Callable) -> Callable:
    """A numpy function that uses a stable real formula and an analytic one for complex input."""
    return lambda a: complex_(a) if np.iscomplexobj(a) else real(a)


# --- arithmetic -----------------------------------------------------------------


class Add(Function):
    node_name = "AddBackward0"

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
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(operator.mul, x, y, "*")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = unbroadcast(grad_output * y, x.shape) if need_x else None
        gy = unbroadcast(grad_output * x, y.shape) if need_y else None
        return gx, gy


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(operator.truediv, x, y, "/")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        g_over_y = grad_output / y
        gx = unbroadcast(g_over_y, x.shape) if ctx.needs_input_grad[0] else None
        gy = unbroadcast(-g_over_y * x / y, y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy


class Pow(Function):
    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        result = _binary(np.power, x, y, "**")
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
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        return _binary(np.minimum, x, y, "minimum")

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, Tensor]:
        x, y = ctx.saved_tensors
        share = _const((x._data < y._data) + 0.5 * (x._data == y._data))
        return _split_between(grad_output, share, x.shape, y.shape)


def _split_between(grad: Tensor, share: Tensor, xs: tuple, ys: tuple) -> tuple[Tensor, Tensor]:
    """Give ``share`` of the gradient to x and the rest to y (ties split evenly)."""
    return unbroadcast(grad * share, xs), unbroadcast(grad * (1.0 - share), ys)


# --- elementwise functions of one tensor --------------------------------------------


def _elementwise(
    name: str,
    forward: Callable[[Any], Any],
    *,
    of_input: Callable[[Tensor], Any] | None = None,
    of_result: Callable[[Tensor], Any] | None = None,
) -> type[Function]:
    """A unary elementwise op whose backward is ``grad_output * f'``.

    ``f'`` is given as a function of the input (``of_input``) or, where that
    is simpler, of the result (``of_result``: exp, sqrt, tanh, sigmoid); only
    that tensor is saved. It is written with tensor operations, so it is
    differentiable in turn.
    """
    derivative = of_result if of_result is not None else of_input
    saves_result = of_result is not None

    def fwd(ctx: Node, x: Tensor) -> Tensor:
        result = _wrap(forward(_numeric(x._data)))
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

Neg = _elementwise("Neg", np.negative, of_input=lambda x: -1.0)
Exp = _elementwise("Exp", np.exp, of_result=lambda r: r)
Expm1 = _elementwise("Expm1", np.expm1, of_result=lambda r: r + 1.0)
Log = _elementwise("Log", np.log, of_input=lambda x: 1.0 / x)
Log1p = _elementwise("Log1p", np.log1p, of_input=lambda x: 1.0 / (1.0 + x))
Log2 = _elementwise("Log2", np.log2, of_input=lambda x: 1.0 / (x * _LN2))
Log10 = _elementwise("Log10", np.log10, of_input=lambda x: 1.0 / (x * _LN10))
Sqrt = _elementwise("Sqrt", np.sqrt, of_result=lambda r: 0.5 / r)
Sin = _elementwise("Sin", np.sin, of_input=lambda x: cos(x))
Cos = _elementwise("Cos", np.cos, of_input=lambda x: -sin(x))
Tan = _elementwise("Tan", np.tan, of_result=lambda r: 1.0 + r * r)
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
Softplus = _elementwise("Softplus", _softplus, of_input=lambda x: sigmoid(x))
Relu = _elementwise("Relu", lambda a: np.maximum(a, 0.0), of_input=lambda x: _const(x._data > 0))
Abs = _elementwise("Abs", np.abs, of_input=lambda x: sign(x))
Sign = _elementwise("Sign", np.sign, of_input=lambda x: _const(np.zeros_like(x._data)))


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: float | None, high: float | None) -> Tensor:
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return _wrap(np.clip(x._data, low, high))

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
            return _wrap(np.where(ctx.mask, x._data, y._data))
        except ValueError:
            raise ShapeError(
                f"where: shapes {tuple(condition.shape)}, {tuple(x.shape)} and "
                f"{tuple(y.shape)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[None, Tensor | None, Tensor | None]:
        _, xs, ys = ctx.input_shapes
        mask, zero = _wrap(ctx.mask), _const(0.0)
        gx = unbroadcast(where(mask, grad_output, zero), xs) if ctx.needs_input_grad[1] else None
        gy = unbroadcast(where(mask, zero, grad_output), ys) if ctx.needs_input_grad[2] else None
        return None, gx, gy


# --- reductions -------------------------------------------------------------------


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        axes = _reduction(ctx, x, dim, keepdim)
        return _wrap(to_array(np.sum(x._data, axis=axes, keepdims=keepdim)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return _expand_back(grad_output, ctx.input_shapes[0], ctx.axes, ctx.keepdim), None, None


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        axes = _reduction(ctx, x, dim, keepdim)
        ctx.count = int(np.prod([x.shape[a] for a in axes]))
        return _wrap(to_array(np.mean(x._data, axis=axes, keepdims=keepdim)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        shape = ctx.input_shapes[0]
        return _expand_back(grad_output, shape, ctx.axes, ctx.keepdim) / ctx.count, None, None


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int | None, keepdim: bool) -> Tensor:
        axes = _reduction(ctx, x, dim, keepdim)
        result = _wrap(to_array(np.prod(x._data, axis=axes, keepdims=keepdim)))
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
    diagonal = _wrap(np.eye(n, dtype=bool))
    others = prod(where(diagonal, 1.0, rows), dim=-1)
    back = others.reshape(moved.shape)
    return back.permute(list(np.argsort(order))) if x.ndim else back.reshape(())


class _Extremum(Function):
    """amax / amin: the gradient is split evenly between tied extreme elements."""

    reduce: Callable = staticmethod(np.max)

    @classmethod
    def _forward(cls, ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _reduction(ctx, x, dim, keepdim)
        if x.numel() == 0:
            raise ShapeError(f"{cls.__name__.lower()}() of an empty tensor")
        extreme = cls.reduce(x._data, axis=ctx.axes, keepdims=True)
        ties = np.asarray(x._data == extreme, dtype=np.float64)
        ctx.share = ties / np.sum(ties, axis=ctx.axes, keepdims=True)
        return _wrap(extreme if keepdim else np.squeeze(extreme, axis=ctx.axes))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        grad = _expand_back(grad_output, ctx.input_shapes[0], ctx.axes, ctx.keepdim)
        return grad * _wrap(ctx.share), None, None


class Amax(_Extremum):
    node_name = "AmaxBackward0"
    reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        return Amax._forward(ctx, x, dim, keepdim)


class Amin(_Extremum):
    node_name = "AminBackward0"
    reduce = staticmethod(np.min)

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        return Amin._forward(ctx, x, dim, keepdim)


class Norm(Function):
    """The Euclidean norm, computed as ``s * sqrt(sum((x/s)**2))`` with ``s = max|x|``
    so that it neither overflows for huge entries nor underflows for tiny ones."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Dim, keepdim: bool) -> Tensor:
        _reduction(ctx, x, dim, keepdim)
        a = _numeric(x._data)
        if np.iscomplexobj(a):  # complex step: the analytic formula, no |x|
            norm = np.sqrt(np.sum(a * a, axis=ctx.axes, keepdims=True))
        else:
            scale = np.max(np.abs(a), axis=ctx.axes, keepdims=True, initial=0.0)
            scale = np.where((scale == 0) | ~np.isfinite(scale), 1.0, scale)
            norm = scale * np.sqrt(np.sum((a / scale) ** 2, axis=ctx.axes, keepdims=True))
        result = _wrap(norm if keepdim else np.squeeze(norm, axis=ctx.axes))
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
        return _wrap(total if keepdim else np.squeeze(total, axis=ctx.axes))

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
        (ctx.axis,) = _axes(dim, x.ndim) if x.ndim else (0,)
        a = _numeric(x._data)
        if x.ndim == 0:
            result = _wrap(np.ones_like(a))
        else:
            e = np.exp(a - np.max(a.real, axis=ctx.axis, keepdims=True))
            result = _wrap(e / np.sum(e, axis=ctx.axis, keepdims=True))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        (y,) = ctx.saved_tensors
        if y.ndim == 0:
            return grad_output * 0.0, None
        return y * (grad_output - sum(grad_output * y, dim=ctx.axis, keepdim=True)), None


# --- linear algebra ------------------------------------------------------------------


def _matmul_shape(xs: tuple[int, ...], ys: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``x @ y`` (ValueError where the batch dimensions do not broadcast)."""
    batch = np.broadcast_shapes(xs[:-2], ys[:-2])
    return (*batch, *xs[-2:-1], *(ys[-1:] if len(ys) > 1 else ()))


class Matmul(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim == 0 or y.ndim == 0:
            raise ShapeError(
                f"@: matmul needs operands with at least one dimension, got shapes "
                f"{tuple(x.shape)} and {tuple(y.shape)}; use * for scalars"
            )
        ctx.save_for_backward(x, y)
        if x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0]:
            shape = _matmul_shape(x.shape, y.shape)
            check_size(math.prod(shape), "@", shape)
        try:
            return _wrap(np.matmul(x._data, y._data))
        except ValueError:
            inner_y = y.shape[-2] if y.ndim > 1 else y.shape[0]
            raise ShapeError(
                f"@: shapes {tuple(x.shape)} and {tuple(y.shape)} do not fit: the last "
                f"dimension on the left ({x.shape[-1]}) must equal the "
                f"{'second-to-last' if y.ndim > 1 else 'only'} one on the right ({inner_y})"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        # Treat vectors as 1-by-n and n-by-1 matrices, then undo it.
        x2 = x.reshape((1, x.shape[0])) if x.ndim == 1 else x
        y2 = y.reshape((y.shape[0], 1)) if y.ndim == 1 else y
        batch = np.broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
        g = grad_output.reshape((*batch, x2.shape[-2], y2.shape[-1]))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = unbroadcast(g @ y2.mT, x2.shape).reshape(x.shape)
        if ctx.needs_input_grad[1]:
            gy = unbroadcast(x2.mT @ g, y2.shape).reshape(y.shape)
        return gx, gy


class Dot(Function):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
            raise ShapeError(
                f"dot: needs two vectors of the same length, got shapes {tuple(x.shape)} "
                f"and {tuple(y.shape)}"
            )
        ctx.save_for_backward(x, y)
        return _wrap(np.dot(x._data, y._data))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (grad_output * y if need_x else None), (grad_output * x if need_y else None)


# --- shapes, indexing, joining -----------------------------------------------------------


class Reshape(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        try:
            return _wrap(np.reshape(x._data, shape))
        except ValueError:
            raise ShapeError(
                f"reshape: a tensor of shape {tuple(x.shape)} ({x.numel()} elements) "
                f"cannot take the shape {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return grad_output.reshape(ctx.input_shapes[0]), None


class Permute(Function):
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: tuple[int, ...]) -> Tensor:
        dims = tuple(int(d) % max(x.ndim, 1) for d in dims)
        if sorted(dims) != list(range(x.ndim)):
            raise ShapeError(f"permute: {dims} is not a permutation of the {x.ndim} dimensions")
        ctx.dims = dims
        return _wrap(np.transpose(x._data, dims))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return grad_output.permute(tuple(np.argsort(ctx.dims))), None


class BroadcastTo(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        check_size(math.prod(shape), "expand", shape)
        try:
            return _wrap(np.broadcast_to(x._data, shape))
        except ValueError:
            raise ShapeError(
                f"expand: a tensor of shape {tuple(x.shape)} cannot be broadcast to {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return unbroadcast(grad_output, ctx.input_shapes[0]), None


def _index_key(key: Any) -> Any:
    """A numpy index from a user's index: tensors become integer or boolean arrays."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, Tensor):
        key = key._data
    if isinstance(key, (list, np.ndarray)):
        array = np.asarray(key)
        if array.dtype.kind == "b":
            return array
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise ShapeError("an index must hold whole numbers")
        return array.astype(np.intp)
    if isinstance(key, (float, np.floating)):
        if key != int(key):
            raise ShapeError(f"index {key} is not a whole number")
        return int(key)
    return key


class Index(Function):
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, key: Any) -> Tensor:
        ctx.key = _index_key(key)
        try:
            return _wrap(x._data[ctx.key])
        except IndexError as error:
            raise ShapeError(f"indexing a tensor of shape {tuple(x.shape)}: {error}") from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None]:
        return IndexAdd.apply(grad_output, ctx.key, ctx.input_shapes[0]), None


class IndexAdd(Function):
    """Scatter-add ``values`` into zeros of ``shape`` at ``key``: the adjoint of indexing."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx: Node, values: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
        ctx.key = key
        out = np.zeros(shape, dtype=values.dtype)
        np.add.at(out, key, values._data)
        return _wrap(out)

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Index.apply(grad_output, ctx.key), None, None


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Tensor:
        if not tensors:
            raise ShapeError("cat: needs at least one tensor")
        if any(t.ndim == 0 for t in tensors):
            raise ShapeError("cat: zero-dimensional tensors cannot be joined; use stack")
        (ctx.axis,) = _axes(dim, tensors[0].ndim)
        check_size(builtins.sum(t.numel() for t in tensors), "cat")
        try:
            return _wrap(np.concatenate([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(
                f"cat: shapes {shapes} must match except in dimension {ctx.axis}"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        grads: list[Tensor | None] = [None]
        start = 0
        lead = (slice(None),) * ctx.axis
        for shape in ctx.input_shapes[1:]:
            stop = start + shape[ctx.axis]
            grads.append(grad_output[(*lead, slice(start, stop))])
            start = stop
        return tuple(grads)


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Tensor:
        if not tensors:
            raise ShapeError("stack: needs at least one tensor")
        (ctx.axis,) = _axes(dim, tensors[0].ndim + 1)
        check_size(builtins.sum(t.numel() for t in tensors), "stack")
        try:
            return _wrap(np.stack([t._data for t in tensors], axis=ctx.axis))
        except ValueError:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(f"stack: all shapes must be equal, got {shapes}") from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        lead = (slice(None),) * ctx.axis
        return (None, *tuple(grad_output[(*lead, i)] for i in range(len(ctx.input_shapes) - 1)))


# --- losses ---------------------------------------------------------------------------------


def _reduce_loss(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _check_same_shape(name: str, x: Tensor, target: Tensor) -> None:
    if x.shape != target.shape:
        raise ShapeError(
            f"{name}: the target's shape {tuple(target.shape)} must equal the input's "
            f"shape {tuple(x.shape)}"
        )


class BinaryCrossEntropyWithLogits(Function):
    """``max(x, 0) - x*t + log1p(exp(-|x|))``: no overflow for any logit."""

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, reduction: str) -> Tensor:
        _check_same_shape("binary_cross_entropy_with_logits", x, target)
        a, t = x._data, target._data
        losses = np.maximum(a, 0.0) - a * t + np.log1p(np.exp(-np.abs(a)))
        ctx.save_for_backward(x, target)
        ctx.reduction, ctx.count = reduction, max(x.numel(), 1)
        return _wrap(to_array(_reduce_loss(losses, reduction)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        x, target = ctx.saved_tensors
        scale = grad_output / ctx.count if ctx.reduction == "mean" else grad_output
        gx = scale * (sigmoid(x) - target) if ctx.needs_input_grad[0] else None
        gt = -scale * x if ctx.needs_input_grad[1] else None
        return _full(gx, x.shape), _full(gt, x.shape), None


class MseLoss(Function):
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, reduction: str) -> Tensor:
        _check_same_shape("mse_loss", x, target)
        ctx.save_for_backward(x, target)
        ctx.reduction, ctx.count = reduction, max(x.numel(), 1)
        return _wrap(to_array(_reduce_loss((x._data - target._data) ** 2, reduction)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None, None]:
        x, target = ctx.saved_tensors
        scale = grad_output * (2.0 / ctx.count if ctx.reduction == "mean" else 2.0)
        diff = scale * (x - target)
        gx = diff if ctx.needs_input_grad[0] else None
        gt = -diff if ctx.needs_input_grad[1] else None
        return _full(gx, x.shape), _full(gt, x.shape), None


def _full(grad: Tensor | None, shape: tuple[int, ...]) -> Tensor | None:
    return None if grad is None else broadcast_to(grad, shape)


# --- the functions users call (and the language's names) -------------------------------------


def _named(function: Callable[..., Tensor], op: type[Function], doc: str) -> Callable[..., Tensor]:
    function.__name__ = function.__qualname__ = op.__name__.lower()
    function.__doc__ = doc
    return function


def _unary(op: type[Function], doc: str) -> Callable[[Any], Tensor]:
    """The function users call for a one-input op (constants become tensors)."""

    def function(x: Any) -> Tensor:
        return op.apply(as_tensor(x))

    return _named(function, op, doc)


def _two_input(op: type[Function], doc: str) -> Callable[[Any, Any], Tensor]:
    """The function users call for a two-input op (constants become tensors)."""

    def function(x: Any, y: Any) -> Tensor:
        return op.apply(as_tensor(x), as_tensor(y))

    return _named(function, op, doc)


add = _two_input(Add, "x + y, broadcasting.")
sub = _two_input(Sub, "x - y, broadcasting.")
mul = _two_input(Mul, "x * y, elementwise, broadcasting.")
div = _two_input(Div, "x / y, elementwise, broadcasting.")
pow = _two_input(Pow, "x ** y, elementwise, broadcasting.")
maximum = _two_input(Maximum, "Elementwise maximum; ties share the gradient evenly.")
minimum = _two_input(Minimum, "Elementwise minimum; ties share the gradient evenly.")
matmul = _two_input(Matmul, "Matrix product with numpy's rules for vectors and batches (x @ y).")
dot = _two_input(Dot, "Inner product of two vectors of the same length.")

neg = _unary(Neg, "-x.")
exp = _unary(Exp, "e**x.")
expm1 = _unary(Expm1, "e**x - 1, accurate for small x.")
log = _unary(Log, "Natural logarithm.")
log1p = _unary(Log1p, "log(1 + x), accurate for small x.")
log2 = _unary(Log2, "Base-2 logarithm.")
log10 = _unary(Log10, "Base-10 logarithm.")
sqrt = _unary(Sqrt, "Square root.")
sin = _unary(Sin, "Sine.")
cos = _unary(Cos, "Cosine.")
tan = _unary(Tan, "Tangent.")
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
softplus = _unary(Softplus, "log(1 + e**x), computed without overflow.")
relu = _unary(Relu, "max(x, 0); relu'(0) = 0.")
abs = _unary(Abs, "|x|; abs'(0) = 0.")
sign = _unary(Sign, "-1, 0 or 1; its derivative is 0.")


def clamp(x: Any, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit x to [min, max]; the gradient passes where min <= x <= max."""
    if min is None and max is None:
        raise ValueError("clamp: give min, max or both")
    return Clamp.apply(as_tensor(x), _scalar(min, "min"), _scalar(max, "max"))


def _scalar(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ShapeError(f"{name} must be a single number")
        return float(value.item())
    return float(value)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """x where condition is true (non-zero), else y."""
    return Where.apply(as_tensor(condition), as_tensor(x), as_tensor(y))


def sum(x: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Sum over dim (all dimensions by default)."""
    return Sum.apply(as_tensor(x), dim, keepdim)


def mean(x: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Mean over dim (all dimensions by default)."""
    return Mean.apply(as_tensor(x), dim, keepdim)


def prod(x: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Product over one dim (all elements by default); exact gradients at zeros."""
    return Prod.apply(as_tensor(x), dim, keepdim)


def amax(x: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Maximum over dim; tied maxima share the gradient evenly."""
    return Amax.apply(as_tensor(x), dim, keepdim)


def amin(x: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """Minimum over dim; tied minima share the gradient evenly."""
    return Amin.apply(as_tensor(x), dim, keepdim)


def norm(x: Any, p: float = 2, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The p-norm over dim (all elements by default); p = 2 is overflow-safe."""
    x = as_tensor(x)
    if p == 2:
        return Norm.apply(x, dim, keepdim)
    if p == float("inf"):
        return amax(abs(x), dim, keepdim)
    if p == 1:
        return sum(abs(x), dim, keepdim)
    if p <= 0:
        raise ValueError(f"norm: p must be positive, not {p}")
    return sum(abs(x) ** p, dim, keepdim) ** (1.0 / p)


def logsumexp(x: Any, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over dim, shifted by the maximum so it never overflows."""
    return Logsumexp.apply(as_tensor(x), dim, keepdim)


def softmax(x: Any, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along dim, computed stably."""
    return Softmax.apply(as_tensor(x), dim)


def log_softmax(x: Any, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along dim."""
    x = as_tensor(x)
    return x - logsumexp(x, dim, keepdim=True)


def reshape(x: Any, *shape: Any) -> Tensor:
    """The same elements in a new shape (one entry may be -1)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return Reshape.apply(as_tensor(x), tuple(int(n) for n in shape))


def permute(x: Any, *dims: Any) -> Tensor:
    """Reorder the dimensions."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return Permute.apply(as_tensor(x), tuple(int(d) for d in dims))


def transpose(x: Any, dim0: int = 0, dim1: int = 1) -> Tensor:
    """Swap two dimensions."""
    x = as_tensor(x)
    if x.ndim < 2:
        return x if x.ndim == 0 or dim0 == dim1 else permute(x, 0)
    order = list(range(x.ndim))
    a, b = _axes(dim0, x.ndim)[0], _axes(dim1, x.ndim)[0]
    order[a], order[b] = order[b], order[a]
    return permute(x, order)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """x repeated along new or size-1 dimensions (``Tensor.expand``)."""
    x = as_tensor(x)
    shape = tuple(int(n) for n in shape)
    if x.shape == shape:
        return x
    return BroadcastTo.apply(x, shape)


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    return Cat.apply(dim, *[as_tensor(t) for t in tensors])


def stack(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    return Stack.apply(dim, *[as_tensor(t) for t in tensors])


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input) against target, from logits, stably."""
    return BinaryCrossEntropyWithLogits.apply(as_tensor(input), as_tensor(target), reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error between input and target."""
    return MseLoss.apply(as_tensor(input), as_tensor(target), reduction)


def _compare(ufunc: Callable, symbol: str) -> Callable[[Any, Any], Tensor]:
    def compare(x: Any, y: Any) -> Tensor:
        """A boolean tensor; comparisons are not differentiable."""
        return _binary(ufunc, as_tensor(x), as_tensor(y), symbol)

    return compare


lt, le = _compare(np.less, "<"), _compare(np.less_equal, "<=")
gt, ge = _compare(np.greater, ">"), _compare(np.greater_equal, ">=")
eq, ne = _compare(np.equal, "=="), _compare(np.not_equal, "!=")


# --- the same operations as Tensor methods and operators ------------------------------------


def _reflected(function: Callable[[Any, Any], Tensor]) -> Callable[[Tensor, Any], Tensor]:
    return lambda self, other: function(other, self)


def _unsqueeze(x: Tensor, dim: int) -> Tensor:
    (axis,) = _axes(dim, x.ndim + 1)
    return x.reshape((*x.shape[:axis], 1, *x.shape[axis:]))


def _squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    axes = [a for a in _axes(dim, x.ndim) if x.shape[a] == 1]
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _expand(x: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    lead = len(shape) - x.ndim
    full = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
    return broadcast_to(x, full)


_METHODS: dict[str, Callable[..., Any]] = {
    "__add__": add, "__radd__": _reflected(add),
    "__sub__": sub, "__rsub__": _reflected(sub),
    "__mul__": mul, "__rmul__": _reflected(mul),
    "__truediv__": div, "__rtruediv__": _reflected(div),
    "__pow__": pow, "__rpow__": _reflected(pow),
    "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
    "__neg__": neg, "__pos__": lambda self: self, "__abs__": abs,
    "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge, "__eq__": eq, "__ne__": ne,
    "__getitem__": lambda self, key: Index.apply(self, key),
    "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "matmul": matmul, "dot": dot,
    "maximum": maximum, "minimum": minimum, "clamp": clamp, "where": lambda self, c, y: where(c, self, y),
    "neg": neg, "exp": exp, "expm1": expm1, "log": log, "log1p": log1p, "log2": log2,
    "log10": log10, "sqrt": sqrt, "sin": sin, "cos": cos, "tan": tan, "asin": asin,
    "acos": acos, "atan": atan, "sinh": sinh, "cosh": cosh, "tanh": tanh, "asinh": asinh,
    "acosh": acosh, "atanh": atanh, "sigmoid": sigmoid, "softplus": softplus, "relu": relu,
    "abs": abs, "sign": sign,
    "sum": sum, "mean": mean, "prod": prod, "amax": amax, "amin": amin, "max": amax,
    "min": amin, "norm": norm, "logsumexp": logsumexp, "softmax": softmax,
    "log_softmax": log_softmax,
    "reshape": reshape, "view": reshape, "permute": permute, "transpose": transpose,
    "expand": _expand, "unsqueeze": _unsqueeze, "squeeze": _squeeze,
    "flatten": lambda self: self.reshape((-1,)),
    "any": lambda self: _wrap(np.any(self._data)), "all": lambda self: _wrap(np.all(self._data)),
}  # fmt: skip

for _name, _method in _METHODS.items():
    setattr(Tensor, _name, _method)

Tensor.T = property(lambda self: self.permute(tuple(reversed(range(self.ndim)))))
Tensor.mT = property(lambda self: transpose(self, -2, -1))
