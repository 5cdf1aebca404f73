"""Losses and activations under PyTorch's ``torch.nn.functional`` names.

They are the engine's operations (``gradcli.autograd.ops``: ``activations``, ``losses``
and the elementwise ones), named here as PyTorch names them; ``linear`` is the one
written here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import drawn_from, rand
from gradcli.autograd.ops import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    celu,
    clamp,
    cross_entropy,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    huber_loss,
    kl_div,
    l1_loss,
    leaky_relu,
    log_softmax,
    logsigmoid,
    matmul,
    mish,
    mse_loss,
    nll_loss,
    norm,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    smooth_l1_loss,
    softmax,
    softmin,
    softplus,
    softsign,
    tanh,
    where,
)
from gradcli.autograd.ops.shape import ConstantPad
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    NotSupportedError,
    SettingError,
    ShapeMismatchError,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "gelu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "relu",
    "relu6",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
]


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """``input @ weight.T + bias``: weight is (out_features, in_features), as in PyTorch."""
    result = matmul(input, as_tensor(weight).T)
    return result if bias is None else result + bias


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices as rows of 0s with a 1 at the index: int64 of shape ``tensor.shape +
    (num_classes,)``; -1 takes one more than the largest index, as PyTorch does."""
    labels = as_tensor(tensor)
    values = labels.numpy()
    if values.dtype.kind not in "iu":
        raise ArgumentTypeError(
            f"one_hot is only applicable to index tensors (int64), not {labels.dtype.name}; "
            "convert with .long()"
        )
    classes = int(values.max()) + 1 if num_classes == -1 and values.size else num_classes
    if values.size and (values.min() < 0 or values.max() >= classes):
        raise ArgumentValueError(f"one_hot: class values must be in [0, {classes})")
    return wrap((values[..., None] == np.arange(classes)).astype(np.int64))


# --- dropout -------------------------------------------------------------------------------


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """In training, each element zeroed with probability ``p`` and the others scaled by
    1/(1-p) (so the expected value is unchanged); otherwise the input itself.

    The mask is drawn from gradcli's generator (:func:`gradcli.manual_seed` seeds it): the
    same law as PyTorch's, other draws for the same seed.
    """
    _check_probability(p)
    input = as_tensor(input)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        noise = wrap(np.float64(0.0))  # PyTorch's input * 0: an inf input gives nan
    else:
        # PyTorch's order: a 0/1 mask (kept with probability 1-p), divided by 1-p, times x.
        noise = wrap((drawn_from(None).random(input.shape) >= p) / (1 - p))
    return input.mul_(noise) if inplace else input * noise


def _check_probability(p: float) -> None:
    if not 0 <= p <= 1:
        raise SettingError(f"dropout probability has to be between 0 and 1, but got {p}")


# --- pad, normalize, cosine_similarity, scaled_dot_product_attention (#22) --------------------


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """x padded: ``pad`` gives (before, after) sizes for the last dimension, then the one
    before it, and so on (PyTorch's order); negative sizes crop. ``mode`` "constant" fills
    with ``value`` (0), "reflect" mirrors x without repeating its edge, "replicate" repeats
    the edge, "circular" wraps around."""
    x = as_tensor(input)
    sizes = [shapes.whole(n, "a padding size") for n in pad]
    if mode not in _PAD_MODES:
        raise NotSupportedError(
            f"pad: mode {mode!r} is not a padding mode; use one of {', '.join(_PAD_MODES)}"
        )
    if len(sizes) % 2:
        raise ArgumentValueError(f"pad: {len(sizes)} padding sizes; give them in pairs")
    count = len(sizes) // 2
    if count > x.ndim:
        raise ShapeMismatchError(
            f"pad: {len(sizes)} padding sizes pad {count} dimensions, and the tensor has {x.ndim}"
        )
    pairs = {x.ndim - 1 - k: (sizes[2 * k], sizes[2 * k + 1]) for k in range(count)}
    if mode == "constant":
        return _constant_pad(x, pairs, 0.0 if value is None else float(value))
    if value is not None:
        raise ArgumentValueError(f'pad: mode "{mode}" takes no value')
    if count not in (1, 2, 3) or x.ndim not in (count + 1, count + 2):
        raise NotSupportedError(
            f"pad: {mode} padding of {count} dimensions takes a tensor of {count + 1} or "
            f"{count + 2} dimensions (with a batch), not {x.ndim}"
        )
    for axis, (before, after) in sorted(pairs.items()):
        x = x[(slice(None),) * axis + (_pad_positions(mode, x.shape[axis], before, after, axis),)]
    return x


def _constant_pad(x: Tensor, pairs: dict[int, tuple[int, int]], value: float) -> Tensor:
    # Negative sizes crop first (a view), then the rest is filled around.
    crop = tuple(
        slice(max(-pairs.get(a, (0, 0))[0], 0), n - max(-pairs.get(a, (0, 0))[1], 0))
        for a, n in enumerate(x.shape)
    )
    for a, n in enumerate(x.shape):
        if crop[a].stop < crop[a].start:
            raise ShapeMismatchError(
                f"pad: padding {pairs[a]} crops dimension {a}, of size {n}, below nothing"
            )
    if any(before < 0 or after < 0 for before, after in pairs.values()):
        x = x[crop]
    if not x.ndim:
        return x * 1.0  # nothing to pad: a new tensor, as PyTorch's
    widths = tuple((max(b, 0), max(e, 0)) for b, e in (pairs.get(a, (0, 0)) for a in range(x.ndim)))
    return ConstantPad.apply(x, widths, value)


def _pad_positions(mode: str, n: int, before: int, after: int, axis: int) -> np.ndarray:
    """Which element of a dimension of size n each padded position shows."""
    if mode == "circular":
        if before > n or after > n:
            raise ShapeMismatchError(
                f"pad: circular padding ({before}, {after}) of dimension {axis}, of size {n}, "
                "would wrap around more than once"
            )
        # Negative sizes crop first; the wrapping is then within what is left.
        kept = np.arange(max(-before, 0), n - max(-after, 0))
        lead, trail = max(before, 0), max(after, 0)
        return kept[np.arange(-lead, kept.size + trail) % max(kept.size, 1)]
    positions = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(positions, 0, n - 1)
    if before >= n or after >= n:
        raise ShapeMismatchError(
            f"pad: reflect padding ({before}, {after}) must be less than the size of "
            f"dimension {axis}, {n}"
        )
    positions = np.abs(positions)
    return np.where(positions > n - 1, 2 * (n - 1) - positions, positions)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x divided by its p-norm along dim, the norm at least eps (so zeros stay zeros)."""
    x = as_tensor(input)
    return x / clamp(norm(x, p, dim, keepdim=True), min=eps)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between x1 and x2 along dim (broadcast together): each is
    divided by its norm (at least eps) before the product, as PyTorch does, so the result
    stays in [-1, 1]."""
    a, b = as_tensor(x1), as_tensor(x2)
    shape = shapes.broadcast("cosine_similarity", a.shape, b.shape)
    a, b = a.expand(*shape), b.expand(*shape)
    unit = []
    for t in (a, b):
        size = norm(t, 2, dim, keepdim=True)
        # PyTorch clamps the norm in place under no_grad: the value is at least eps, and the
        # gradient is still the norm's (a constant shift does exactly that).
        floor = np.maximum(size.numpy(), eps) - size.numpy()
        unit.append(t / (size + wrap(floor)))
    return (unit[0] * unit[1]).sum(dim)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(q @ k.T * scale + mask) @ v over the last two dimensions, scale
    1/sqrt(q.size(-1)) by default. A bool ``attn_mask`` keeps where true; a float one is
    added. ``is_causal`` lets position i see positions up to i. A row that sees nothing
    is 0, as in PyTorch. ``dropout_p`` drops weights with gradcli's generator."""
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    if enable_gqa:
        raise NotSupportedError(
            "scaled_dot_product_attention: enable_gqa (grouped-query attention) is not "
            "there; repeat the key and value heads with repeat_interleave"
        )
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ShapeMismatchError(
            "scaled_dot_product_attention: query, key and value need at least 2 dimensions "
            f"(positions, features), not shapes {tuple(q.shape)}, {tuple(k.shape)}, "
            f"{tuple(v.shape)}"
        )
    features = q.shape[-1]
    factor = (1 / math.sqrt(features) if features else math.inf) if scale is None else scale
    scores = matmul(q, k.mT) * factor
    length, source = q.shape[-2], k.shape[-2]
    if is_causal:
        if attn_mask is not None:
            raise ArgumentTypeError(
                "scaled_dot_product_attention: give attn_mask or is_causal=True, not both"
            )
        attn_mask = wrap(np.tril(np.ones((length, source), dtype=bool)))
    if attn_mask is not None:
        mask = as_tensor(attn_mask)
        if mask.numpy().dtype.kind == "b":
            mask = wrap(np.where(mask.numpy(), 0.0, -np.inf))
        scores = scores + mask
    # A row that sees nothing (all -inf) has weights 0, not softmax's 0/0, and no gradient.
    blind = wrap(np.all(scores.numpy() == -np.inf, axis=-1, keepdims=True))
    if blind.numpy().any():
        scores = where(blind, 0.0, scores)
    weights = softmax(scores, dim=-1)
    if blind.numpy().any():
        weights = where(blind, 0.0, weights)
    if dropout_p > 0:
        kept = rand(*weights.shape).numpy() >= dropout_p
        weights = weights * wrap(kept / (1 - dropout_p) if dropout_p < 1 else kept * 0.0)
    return matmul(weights, v)
