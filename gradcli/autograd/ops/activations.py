"""Activation functions, as ``torch.nn.functional`` has them: forward beside derivative.

Each has PyTorch's formula and PyTorch's derivative at its kinks, which are conventions
(``hardtanh'`` is 0 at ±1, ``relu6'`` at 0 and 6, ``leaky_relu'(0)`` is the negative slope,
``elu'(0)`` is alpha, ``hardswish'`` is 0 at -3 and 1 at 3). ``inplace=True`` writes the
result into the input, as PyTorch's does, through the one in-place path of the engine.

PyTorch has none of these as tensor methods, so they are functions only
(``gradcli/autograd/ops/__init__`` says so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _const, _numeric
from gradcli.autograd.ops.elementwise import (
    _libm,
    abs,
    clamp,
    erf,
    exp,
    sigmoid,
    softplus,
    tanh,
    where,
)
from gradcli.autograd.ops.reductions import _one_dim, softmax
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentValueError

# The operations, as gradcli.X (functions only: see the module's docstring).
__all__ = [
    "gelu",
    "elu",
    "celu",
    "selu",
    "silu",
    "mish",
    "softsign",
    "hardtanh",
    "hardsigmoid",
    "hardswish",
    "leaky_relu",
    "relu6",
    "logsigmoid",
    "softmin",
]


def _activation(
    name: str, forward: Callable[..., Any], slope: Callable[..., Any], node_name: str = ""
) -> type[Function]:
    """A one-input op with numbers as parameters: ``forward(a, *params)`` on the array, and
    its derivative ``slope(x, *params)`` written with tensor operations (differentiable)."""

    def fwd(ctx: Node, x: Tensor, *params: Any) -> Tensor:
        ctx.save_for_backward(x)
        ctx.params = params
        return wrap(forward(_numeric(x._data), *params))

    def bwd(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        (x,) = ctx.saved_tensors
        return (grad_output * slope(x, *ctx.params), *(None for _ in ctx.params))

    return type(
        name,
        (Function,),
        {
            "node_name": node_name or f"{name}Backward0",
            "forward": staticmethod(fwd),
            "backward": staticmethod(bwd),
            "__doc__": f"Elementwise {name.lower()}.",
        },
    )


def _written(name: str, input: Any, inplace: bool, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """``compute(input)``, or with ``inplace`` written into input (PyTorch's ``elu_``)."""
    x = as_tensor(input)
    return x._inplace(f"{name}_()", compute) if inplace else compute(x)


# --- gelu --------------------------------------------------------------------------------

_SQRT1_2 = math.sqrt(0.5)
_PDF = 1.0 / math.sqrt(2.0 * math.pi)  # PyTorch's kBeta for the exact gelu: the normal pdf's
_TANH_BETA = math.sqrt(2.0 / math.pi)  # and for the tanh one: sqrt(2/pi)
_KAPPA = 0.044715
_erf = _libm(math.erf)


def _gelu(a: Any, approximate: str) -> Any:
    if approximate == "tanh":
        inner = _TANH_BETA * (a + _KAPPA * (a * a * a))
        return 0.5 * a * (1.0 + np.tanh(inner))
    return a * 0.5 * (1.0 + _erf(a * _SQRT1_2))


def _gelu_slope(x: Tensor, approximate: str) -> Tensor:
    if approximate == "tanh":
        x_squared = x * x
        t = tanh(_TANH_BETA * (x + _KAPPA * (x_squared * x)))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _TANH_BETA * (
            1.0 + 3.0 * _KAPPA * x_squared
        )
    # Φ(x) + x·φ(x): the normal cdf and pdf
    return 0.5 * (1.0 + erf(x * _SQRT1_2)) + x * exp(-0.5 * x * x) * _PDF


Gelu = _activation("Gelu", _gelu, _gelu_slope)


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """x·Φ(x), Φ the standard normal cdf; ``approximate="tanh"`` uses PyTorch's tanh
    approximation 0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³)))."""
    if approximate not in ("none", "tanh"):
        raise ArgumentValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
    return Gelu.apply(as_tensor(input), approximate)


# --- the elu family: x for x > 0, alpha·(e**x - 1) below, each scaled ----------------------


def _elu(a: Any, alpha: float, scale: float, input_scale: float) -> Any:
    # PyTorch's: expm1 (accurate near 0) times alpha·scale, on the side x <= 0
    below = np.expm1(np.minimum(a, 0.0) * input_scale) * (alpha * scale)
    return np.where(a > 0, a * scale, below)[()]


def _elu_slope(x: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    # e**x on x <= 0 only (clamped, so that no inf meets the mask); elu'(0) is alpha·scale
    below = exp(clamp(x, max=0.0) * input_scale) * (input_scale * alpha * scale)
    return where(_const(x._data <= 0), below, scale)


Elu = _activation("Elu", _elu, _elu_slope)
Celu = _activation("Celu", _elu, _elu_slope)

# SELU's constants (Klambauer et al., 2017), as PyTorch writes them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha·(e**x - 1) for x <= 0; elu'(0) = alpha, as in PyTorch."""
    return _written("elu", input, inplace, lambda x: Elu.apply(x, float(alpha), 1.0, 1.0))


def celu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha·(e**(x/alpha) - 1) for x <= 0."""
    if alpha == 0:
        raise ArgumentValueError("celu: alpha of 0 is not allowed (it divides x)")
    return _written(
        "celu", input, inplace, lambda x: Celu.apply(x, float(alpha), 1.0, 1.0 / float(alpha))
    )


def selu(input: Any, inplace: bool = False) -> Tensor:
    """scale·elu(x, alpha) with SELU's constants alpha = 1.6733, scale = 1.0507."""
    return _written("selu", input, inplace, lambda x: Elu.apply(x, _SELU_ALPHA, _SELU_SCALE, 1.0))


# --- smooth ones: silu, mish, softsign, logsigmoid -------------------------------------------


def _silu_slope(x: Tensor) -> Tensor:
    s = sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _mish_slope(x: Tensor) -> Tensor:
    t = tanh(softplus(x, threshold=math.inf))
    return t + x * sigmoid(x) * (1.0 - t * t)


# PyTorch's forward formulas: x / (1 + e**-x) and x·tanh(log1p(e**x)); an overflowing
# e**x is inf, which both take to the right limit.
Silu = _activation("Silu", lambda a: a / (1.0 + np.exp(-a)), _silu_slope)
Mish = _activation("Mish", lambda a: a * np.tanh(np.log1p(np.exp(a))), _mish_slope)
# min(x, 0) - log1p(e**-|x|): -softplus(-x) without overflow; its derivative is sigmoid(-x).
LogSigmoid = _activation(
    "LogSigmoid",
    lambda a: np.minimum(a, 0.0) - np.log1p(np.exp(-np.abs(a))),
    lambda x: sigmoid(-x),
)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """x·sigmoid(x) (also called swish)."""
    return _written("silu", input, inplace, Silu.apply)


def mish(input: Any, inplace: bool = False) -> Tensor:
    """x·tanh(softplus(x))."""
    return _written("mish", input, inplace, Mish.apply)


def softsign(input: Any) -> Tensor:
    """x / (1 + |x|), composed as PyTorch composes it."""
    x = as_tensor(input)
    return x / (abs(x) + 1)


def logsigmoid(input: Any) -> Tensor:
    """log(sigmoid(x)), computed without overflow."""
    return LogSigmoid.apply(as_tensor(input))


# --- piecewise linear ones: their kinks as PyTorch's backward has them ----------------------


def _hardtanh_slope(x: Tensor, low: float, high: float) -> Tensor:
    # 0 at the ends themselves (x <= low or x >= high), 1 strictly between and at nan
    return _const(~((x._data <= low) | (x._data >= high)))


def _hardsigmoid_slope(x: Tensor) -> Tensor:
    return _const(((x._data > -3.0) & (x._data < 3.0)) / 6.0)


def _hardswish_slope(x: Tensor) -> Tensor:
    # 0 up to -3, x/3 + 1/2 below 3, 1 from 3 on (and at nan)
    return where(_const(x._data <= -3.0), 0.0, where(_const(x._data < 3.0), x / 3.0 + 0.5, 1.0))


def _leaky_slope(x: Tensor, negative_slope: float) -> Tensor:
    return _const(np.where(x._data > 0, 1.0, negative_slope))


Hardtanh = _activation("Hardtanh", lambda a, low, high: np.clip(a, low, high), _hardtanh_slope)
Hardsigmoid = _activation(
    "Hardsigmoid", lambda a: np.minimum(np.maximum(a + 3.0, 0.0), 6.0) / 6.0, _hardsigmoid_slope
)
Hardswish = _activation(
    "Hardswish", lambda a: a * np.minimum(np.maximum(a + 3.0, 0.0), 6.0) / 6.0, _hardswish_slope
)
LeakyRelu = _activation(
    "LeakyRelu", lambda a, slope: np.where(a > 0, a, a * slope)[()], _leaky_slope
)


def hardtanh(
    input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x limited to [min_val, max_val]; its derivative is 0 at the ends (PyTorch's; clamp
    passes the gradient there)."""
    if min_val > max_val:
        raise ArgumentValueError(
            f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})"
        )
    return _written(
        "hardtanh", input, inplace, lambda x: Hardtanh.apply(x, float(min_val), float(max_val))
    )


def relu6(input: Any, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): hardtanh(x, 0, 6), with derivative 0 at 0 and at 6."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Any, inplace: bool = False) -> Tensor:
    """min(max(x + 3, 0), 6) / 6; its derivative is 1/6 strictly between -3 and 3."""
    return _written("hardsigmoid", input, inplace, Hardsigmoid.apply)


def hardswish(input: Any, inplace: bool = False) -> Tensor:
    """x·min(max(x + 3, 0), 6) / 6."""
    return _written("hardswish", input, inplace, Hardswish.apply)


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope·x otherwise; its derivative at 0 is negative_slope."""
    return _written(
        "leaky_relu", input, inplace, lambda x: LeakyRelu.apply(x, float(negative_slope))
    )


def softmin(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-x) along dim: the smallest entries weigh most."""
    _one_dim("softmin", dim)
    return softmax(-as_tensor(input), dim, dtype=dtype)
