"""The backward pass: one iterative loop over a topological order of the graph.

Gradients arriving at a node are summed in a dict until every node that feeds
it has run; a node runs once, then hands one gradient per input to the nodes in
``next_functions``. Nothing here recurses, so a chain of 10^5 operations is as
easy as a chain of ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import function as _function
from gradcli.autograd.function import AccumulateGrad, Node, edge_of
from gradcli.autograd.tensor import Tensor, _wrap, to_array
from gradcli.errors import AutogradError, ShapeError


def backward(
    tensors: Sequence[Tensor] | Tensor,
    grad_tensors: Sequence[Any] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves.

    ``grad_tensors`` weights each output (required for outputs with more than
    one element), as ``torch.autograd.backward``.
    """
    outputs = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    weights = _root_gradients(outputs, grad_tensors)
    _run(outputs, weights, retain_graph, create_graph, inputs=None)


def grad(
    outputs: Sequence[Tensor] | Tensor,
    inputs: Sequence[Tensor] | Tensor,
    grad_outputs: Sequence[Any] | Any | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return d(outputs)/d(inputs) as a tuple, one entry per input; ``.grad`` is untouched.

    With ``create_graph=True`` the results are themselves differentiable.
    An input the outputs do not depend on is an error unless
    ``allow_unused=True``, in which case its entry is ``None``.
    """
    outs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    for i, tensor in enumerate(ins):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise AutogradError(f"autograd.grad: input {i} does not require grad")
    weights = _root_gradients(outs, grad_outputs)
    found = _run(outs, weights, retain_graph, create_graph, inputs=ins)
    results = tuple(found.get(edge_of(t)) for t in ins)
    if not allow_unused and any(r is None for r in results):
        raise AutogradError(
            "autograd.grad: one of the inputs was not used to compute the outputs; "
            "pass allow_unused=True to get None for it"
        )
    return results


def _root_gradients(outputs: tuple[Tensor, ...], given: Sequence[Any] | None) -> list[Tensor]:
    """The gradient each output starts with: given, or 1 for a one-element output."""
    if given is None:
        given = [None] * len(outputs)
    if len(given) != len(outputs):
        raise AutogradError(f"got {len(given)} gradients for {len(outputs)} outputs")
    weights = []
    for i, (out, weight) in enumerate(zip(outputs, given, strict=False)):
        if not out.requires_grad:
            raise AutogradError(
                f"element {i} of the outputs does not require grad and has no grad_fn: "
                "nothing it depends on has requires_grad=True"
            )
        if weight is None:
            if out.numel() != 1:
                raise AutogradError(
                    f"grad can be implicitly created only for scalar outputs, and this "
                    f"output has shape {tuple(out.shape)}: pass gradient= (a tensor of "
                    "that shape, e.g. ones_like(y)) or reduce the output first (y.sum())"
                )
            weight = _wrap(np.ones_like(out._data))
        elif not isinstance(weight, Tensor):
            weight = _wrap(to_array(weight))
        if weight.shape != out.shape:
            raise ShapeError(
                f"gradient for output {i} has shape {tuple(weight.shape)} but the output "
                f"has shape {tuple(out.shape)}; they must match"
            )
        weights.append(weight)
    return weights


def _topological_order(roots: list[Node]) -> list[Node]:
    """Every node reachable from ``roots``, each before the nodes it feeds into."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False) for root in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in node._next:
            if child is not None and id(child) not in seen:
                stack.append((child, False))
    order.reverse()
    return order


def _leading_to(order: list[Node], targets: set[int]) -> set[int]:
    """The nodes from which some target can be reached (targets included)."""
    useful = set(targets)
    for node in reversed(order):
        if any(child is not None and id(child) in useful for child in node._next):
            useful.add(id(node))
    return useful


def _run(
    outputs: tuple[Tensor, ...],
    weights: list[Tensor],
    retain_graph: bool | None,
    create_graph: bool,
    inputs: tuple[Tensor, ...] | None,
) -> dict[Node, Tensor]:
    if retain_graph is None:
        retain_graph = create_graph
    pending: dict[Node, Tensor] = {}
    roots = []
    for out, weight in zip(outputs, weights, strict=False):
        node = edge_of(out)
        roots.append(node)
        pending[node] = pending[node] + weight if node in pending else weight

    order = _topological_order(roots)
    targets: dict[Node, None] = {}
    useful = None
    if inputs is not None:
        targets = {edge_of(t): None for t in inputs}
        useful = _leading_to(order, {id(n) for n in targets})
    found: dict[Node, Tensor] = {}

    previous = _function._set_grad_enabled(create_graph)
    try:
        for node in order:
            grad_output = pending.pop(node, None)
            if grad_output is None:
                continue
            if node in targets:
                found[node] = grad_output
            if useful is not None and id(node) not in useful:
                continue
            if isinstance(node, AccumulateGrad):
                if inputs is None:
                    _accumulate(node.variable, grad_output, create_graph)
                continue
            if node._retained is not None and inputs is None:
                _accumulate(node._retained, grad_output, create_graph)
            grads = _call_backward(node, grad_output)
            if not retain_graph:
                node._release()
            for child, g in zip(node._next, grads, strict=False):
                if child is None or g is None:
                    continue
                pending[child] = pending[child] + g if child in pending else g
    finally:
        _function._set_grad_enabled(previous)
    return found


def _call_backward(node: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
    """Run one node's backward and check what it returned against its inputs."""
    grads = node._function.backward(node, grad_output)
    if not isinstance(grads, tuple):
        grads = (grads,)
    expected = len(node._next)
    if len(grads) < expected or any(g is not None for g in grads[expected:]):
        raise AutogradError(
            f"{node.name()}: backward returned {len(grads)} gradients but forward "
            f"took {expected} inputs; return one per input (None where there is none)"
        )
    checked = []
    for i, (g, shape) in enumerate(zip(grads, node.input_shapes, strict=False)):
        if g is not None and node.needs_input_grad[i]:
            if not isinstance(g, Tensor):
                g = _wrap(to_array(g))
            if g.shape != shape:
                raise ShapeError(
                    f"{node.name()}: backward returned a gradient of shape "
                    f"{tuple(g.shape)} for input {i}, whose shape is {tuple(shape)}"
                )
        checked.append(g)
    return tuple(checked)


def _accumulate(tensor: Tensor, g: Tensor, create_graph: bool) -> None:
    """Add ``g`` into ``tensor.grad``: in place normally, out of place under create_graph."""
    if tensor.grad is None:
        # A new tensor object, so later in-place accumulation never writes
        # through to a tensor the caller holds (a gradient passed to backward).
        tensor.grad = g if create_graph else _wrap(g._data)
    elif create_graph or tensor.grad.requires_grad:
        tensor.grad = tensor.grad + g
    else:
        tensor.grad._data = tensor.grad._data + g._data
        tensor.grad._version += 1
