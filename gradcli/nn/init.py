"""``torch.nn.init``: fill a tensor in place, outside the graph, from gradcli's generator.

Each function writes under ``no_grad`` (a parameter that requires grad can be
filled, and the filling is not recorded) and returns the tensor. Random fills
draw from the generator :func:`gradcli.manual_seed` seeds (or from ``generator=``, a
:class:`gradcli.Generator`); the draws are not PyTorch's, so set weights explicitly when
comparing with PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.autograd.creation import Generator, drawn_from
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.errors import SettingError

_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "selu": 3.0 / 4}
_GAINS.update(dict.fromkeys(("conv1d", "conv2d", "conv3d"), 1.0))


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance stable through ``nonlinearity``."""
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise SettingError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; one of "
            f"{', '.join(sorted([*_GAINS, 'relu', 'leaky_relu']))}"
        )
    return _GAINS[nonlinearity]


def _fans(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *kernel), as PyTorch counts them."""
    if tensor.ndim < 2:
        raise SettingError(
            f"fan in and fan out need a weight of at least 2 dimensions, not shape "
            f"{tuple(tensor.shape)}; fill a bias with uniform_ or zeros_"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: Tensor, values: Any) -> Tensor:
    from gradcli.nn.modules import UninitializedParameter  # modules imports this module

    if isinstance(tensor, UninitializedParameter):
        raise SettingError(
            "this parameter of a lazy module (LazyLinear) has no shape before the module's "
            "first call: call the model on a batch first, then initialise (as in PyTorch)"
        )
    with no_grad():
        tensor.copy_(values)
    return tensor


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Uniform values in [a, b)."""
    return _fill(tensor, drawn_from(generator).uniform(a, b, tensor.shape))


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Normal values of the given mean and standard deviation."""
    return _fill(tensor, drawn_from(generator).normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    return _fill(tensor, np.float64(val))


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Glorot: uniform in ±gain·sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot: normal with std gain·sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise SettingError(f"mode must be 'fan_in' or 'fan_out', not {mode!r}")
    fan = _fans(tensor)[mode == "fan_out"]
    if fan == 0:
        raise SettingError(
            f"kaiming init of a weight of shape {tuple(tensor.shape)}: its {mode} is 0"
        )
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He: uniform in ±gain·sqrt(3 / fan); ``a`` is the leaky ReLU's negative slope."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He: normal with std gain / sqrt(fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)
