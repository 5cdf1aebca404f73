"""Numerical checks of gradients (``torch.autograd.gradcheck`` and ``gradgradcheck``).

Both compare a random projection of the analytic Jacobian with central
differences of the same projection: one backward pass and two function
evaluations per input element.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.engine import grad
from gradcli.autograd.tensor import Tensor, wrap
from gradcli.errors import AutogradError


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _projected(
    fn: Callable[..., Any], inputs: tuple[Tensor, ...], weights: list[np.ndarray]
) -> float:
    outputs = _as_tuple(fn(*inputs))
    return float(
        sum(np.sum(w * np.asarray(o._data)) for w, o in zip(weights, outputs, strict=False))
    )


def _numeric(
    fn: Callable[..., Any],
    inputs: tuple[Tensor, ...],
    index: int,
    weights: list[np.ndarray],
    eps: float,
) -> np.ndarray:
    """Central differences of the projected outputs along each element of input ``index``."""
    # Imported here: the engine's package loads this module on every command's
    # start-up, and only a check takes differences.
    from gradcli.autograd.differences import central_differences

    def projected(point: np.ndarray) -> float:
        moved = list(inputs)
        # Shifted copies still require grad: gradgradcheck's fn differentiates them.
        moved[index] = Tensor(point, requires_grad=True)
        return _projected(fn, tuple(moved), weights)

    return central_differences(projected, inputs[index]._data, eps).estimates


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Tensor] | Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` against central differences.

    Only inputs with ``requires_grad=True`` are checked. Returns True, or raises
    an ``AutogradError`` describing the first mismatch (False if
    ``raise_exception`` is False).
    """
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(seed)
    outputs = _as_tuple(fn(*inputs))
    weights = [rng.standard_normal(np.shape(o._data)) for o in outputs]
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    differentiable = [o for o in outputs if o.requires_grad]
    analytic: tuple[Tensor | None, ...] = (None,) * len(checked)
    if differentiable:
        analytic = grad(
            differentiable,
            [inputs[i] for i in checked],
            [wrap(w) for w, o in zip(weights, outputs, strict=False) if o.requires_grad],
            allow_unused=True,
        )
    for position, index in enumerate(checked):
        numeric = _numeric(fn, inputs, index, weights, eps)
        got = analytic[position]
        exact = np.zeros_like(numeric) if got is None else np.asarray(got._data)
        if not np.allclose(exact, numeric, atol=atol, rtol=rtol):
            if not raise_exception:
                return False
            raise AutogradError(
                f"gradcheck: the gradient for input {index} does not match central "
                f"differences:\nanalytic  {exact}\nnumerical {numeric}"
            )
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Tensor] | Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: ``gradcheck`` of the (create_graph) gradient of ``fn``.

    As in PyTorch, the gradient is checked with respect to the inputs and to
    the output gradients fed to the backward pass (random, one per output).
    """
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(seed + 1)
    outputs = _as_tuple(fn(*inputs))
    # The output gradients are checked too: a backward formula that treats its
    # grad_output as a constant gives right second derivatives for the op alone
    # but wrong ones wherever the op's result feeds another op.
    grad_outputs = [
        Tensor(rng.standard_normal(np.shape(o._data)), requires_grad=True) for o in outputs
    ]
    count = len(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]

    def first_derivatives(*args: Tensor) -> tuple[Tensor, ...]:
        values, weights = args[:count], args[count:]
        outs = _as_tuple(fn(*values))
        pairs = [(o, w) for o, w in zip(outs, weights, strict=False) if o.requires_grad]
        if not pairs:
            return tuple(wrap(np.zeros(np.shape(values[i]._data))) for i in checked)
        grads = grad(
            [o for o, _ in pairs],
            [values[i] for i in checked],
            [w for _, w in pairs],
            create_graph=True,
            allow_unused=True,
        )
        return tuple(
            wrap(np.zeros(np.shape(values[i]._data))) if g is None else g
            for g, i in zip(grads, checked, strict=False)
        )

    return gradcheck(
        first_derivatives, (*inputs, *grad_outputs), eps, atol, rtol, seed, raise_exception
    )
