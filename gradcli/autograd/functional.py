"""``torch.autograd.functional``: Jacobians, Hessians and their products with vectors.

Each function takes ``func`` and its ``inputs`` (a tensor or a tuple of them)
and differentiates at that point with reverse mode. Results have PyTorch's
structure: a tensor for one input and one output, tuples over inputs and
outputs otherwise; a Jacobian block has the output's shape followed by the
input's. Inputs the function does not use get zeros (``strict=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.engine import grad
from gradcli.autograd.function import enable_grad
from gradcli.autograd.ops import stack
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import AutogradError, ShapeError

Inputs = Tensor | Sequence[Tensor]


def _as_tuple(values: Any, what: str) -> tuple[tuple[Tensor, ...], bool]:
    """``values`` as a tuple of tensors, and whether it was one already."""
    if isinstance(values, (tuple, list)):
        items = tuple(values)
        if not all(isinstance(v, Tensor) for v in items):
            raise TypeError(f"{what} must be tensors")
        return items, True
    if not isinstance(values, Tensor):
        raise TypeError(f"{what} must be a tensor or a tuple of tensors")
    return (values,), False


def _prepare(inputs: Inputs, create_graph: bool) -> tuple[tuple[Tensor, ...], bool]:
    """Fresh leaves (or graph-connected copies under create_graph) to differentiate at."""
    items, is_tuple = _as_tuple(inputs, "inputs")
    if create_graph:  # keep the results differentiable with respect to the caller's inputs
        return tuple(
            t * 1.0 if t.requires_grad else t.detach().requires_grad_() for t in items
        ), is_tuple
    return tuple(t.detach().requires_grad_() for t in items), is_tuple


def _gradients(
    outputs: Sequence[Tensor],
    inputs: Sequence[Tensor],
    weights: Sequence[Tensor] | None,
    create_graph: bool,
    strict: bool,
) -> tuple[Tensor, ...]:
    """Sum of weights·d(outputs)/d(inputs), zeros where an input is unused."""
    pairs = [(o, w) for o, w in zip(outputs, weights or [None] * len(outputs)) if o.requires_grad]
    if not pairs:
        found: tuple[Tensor | None, ...] = (None,) * len(inputs)
    else:
        found = grad(
            [o for o, _ in pairs],
            list(inputs),
            [w if w is not None else wrap(np.ones_like(o._data)) for o, w in pairs],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
    if strict and any(g is None for g in found):
        raise AutogradError("the output does not depend on one of the inputs (strict=True)")
    return tuple(wrap(np.zeros(t.shape)) if g is None else g for g, t in zip(found, inputs))


def _finish(values: Sequence[Tensor], create_graph: bool) -> tuple[Tensor, ...]:
    return tuple(values) if create_graph else tuple(v.detach() for v in values)


def _check_vector(v: Any, like: Sequence[Tensor], what: str) -> tuple[Tensor, ...]:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise AutogradError(f"{what}: give v, since it has more than one element")
        return (wrap(np.ones_like(like[0]._data)),)
    vectors, _ = _as_tuple(v if isinstance(v, (tuple, list)) else as_tensor(v), "v")
    if len(vectors) != len(like) or any(a.shape != b.shape for a, b in zip(vectors, like)):
        shapes = [tuple(t.shape) for t in like]
        raise ShapeError(f"v must match {what} in number and shapes {shapes}")
    return tuple(vec.detach() for vec in vectors)


def vjp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ·J)``: the vector-Jacobian product, one reverse pass."""
    with enable_grad():
        xs, inputs_tuple = _prepare(inputs, create_graph)
        outs, outputs_tuple = _as_tuple(func(*xs), "func's outputs")
        result = _gradients(outs, xs, _check_vector(v, outs, "the output"), create_graph, strict)
    out_value = _finish(outs, create_graph)
    result = _finish(result, create_graph)
    return (out_value if outputs_tuple else out_value[0]), (result if inputs_tuple else result[0])


def jvp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), J·v)``: the Jacobian-vector product.

    Reverse mode twice (the "double-vjp" trick): u ↦ uᵀJ is linear in u, and
    its gradient with respect to u, weighted by v, is J·v.
    """
    with enable_grad():
        xs, _ = _prepare(inputs, create_graph)  # J·v has the outputs' structure
        outs, outputs_tuple = _as_tuple(func(*xs), "func's outputs")
        vectors = _check_vector(v, xs, "the input")
        dummies = tuple(wrap(np.zeros_like(o._data)).requires_grad_() for o in outs)
        pulled = _gradients(outs, xs, dummies, True, strict)
        pushed = _gradients(pulled, dummies, vectors, create_graph, strict=False)
    out_value = _finish(outs, create_graph)
    pushed = _finish(pushed, create_graph)
    return (out_value if outputs_tuple else out_value[0]), (pushed if outputs_tuple else pushed[0])


def jacobian_of(
    output: Tensor, inputs: Sequence[Tensor], create_graph: bool = False, strict: bool = False
) -> tuple[Tensor, ...]:
    """d(output)/d(inputs) of an output already recorded: one reverse pass per element of
    ``output``; a block per input, of shape ``output.shape + input.shape``, zeros where the
    output does not depend on it. The one Jacobian loop, for this module's ``jacobian`` and
    ``hessian`` and for the command line's Jacobians and Hessians."""
    flat = output.reshape((-1,))
    rows = [_gradients([flat[i]], inputs, None, create_graph, strict) for i in range(flat.numel())]
    blocks = []
    for k, x in enumerate(inputs):
        if rows and create_graph:
            blocks.append(stack([row[k] for row in rows]).reshape(output.shape + x.shape))
        else:
            data = np.array([row[k].numpy() for row in rows]).reshape(output.shape + x.shape)
            blocks.append(wrap(data))
    return tuple(blocks)


def _reverse_mode_only(strategy: str) -> None:
    if strategy != "reverse-mode":
        raise ValueError(f"strategy {strategy!r}: gradcli computes Jacobians in reverse mode only")


def jacobian(
    func: Callable[..., Any],
    inputs: Inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """d func / d inputs: one reverse pass per output element.

    ``vectorize`` is accepted for PyTorch compatibility and changes nothing.
    """
    _reverse_mode_only(strategy)
    with enable_grad():
        xs, inputs_tuple = _prepare(inputs, create_graph)
        outs, outputs_tuple = _as_tuple(func(*xs), "func's outputs")
        blocks = []
        for out in outs:
            per_input = jacobian_of(out, xs, create_graph, strict)
            blocks.append(per_input if inputs_tuple else per_input[0])
    return tuple(blocks) if outputs_tuple else blocks[0]


def _scalar_function(func: Callable[..., Any]) -> Callable[..., Tensor]:
    def scalar(*args: Tensor) -> Tensor:
        out = func(*args)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise AutogradError("the function must return a tensor with a single element")
        return out.reshape(())

    return scalar


def hessian(
    func: Callable[..., Any],
    inputs: Inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """Second derivatives of a scalar ``func``: the Jacobian of its gradient."""
    _reverse_mode_only(outer_jacobian_strategy)
    scalar = _scalar_function(func)
    items, inputs_tuple = _as_tuple(inputs, "inputs")

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        return _gradients([scalar(*args)], args, None, True, strict)

    result = jacobian(gradient, items if inputs_tuple else items[0], create_graph, strict)
    return result if inputs_tuple else result[0]


def _hessian_product(
    func: Callable[..., Any], inputs: Inputs, v: Any, create_graph: bool, strict: bool
) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ·H)`` for a scalar ``func``: two reverse passes, no Hessian built.

    The second pass weights the gradient's entries by v, which gives vᵀ·H; for the
    (symmetric) Hessian of a twice continuously differentiable function that is H·v too.
    """
    scalar = _scalar_function(func)
    with enable_grad():
        xs, inputs_tuple = _prepare(inputs, create_graph)
        out = scalar(*xs)
        vectors = _check_vector(v, xs, "the input")
        firsts = _gradients([out], xs, None, True, strict)
        products = _gradients(firsts, xs, vectors, create_graph, strict=False)
    products = _finish(products, create_graph)
    value = out if create_graph else out.detach()
    return value, (products if inputs_tuple else products[0])


def vhp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ·H)`` for a scalar ``func`` (``torch.autograd.functional.vhp``)."""
    return _hessian_product(func, inputs, v, create_graph, strict)


def hvp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), H·v)`` for a scalar ``func``: the same two passes as ``vhp``, since
    the Hessian is symmetric (PyTorch computes this one with a third pass)."""
    return _hessian_product(func, inputs, v, create_graph, strict)
