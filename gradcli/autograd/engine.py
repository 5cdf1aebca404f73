"""The backward pass: one iterative loop that runs each node after every node feeding it.

A first walk counts, for each node, the edges that lead into it; the loop then
runs a node once that many gradients have arrived (summed in a dict), and hands
one gradient per input to the nodes in ``next_functions`` (Kahn's topological
order, as PyTorch's engine does). Nothing here recurses, so a chain of 10^5
operations is as easy as a chain of ten.

A Function that returned several tensors has one ``OutputEdge`` per output: each
collects its output's whole gradient (running that tensor's hooks) and leaves it
in the Function's slot list, whose backward then gets them all at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import function as _function
from gradcli.autograd.function import _FREED, AccumulateGrad, Node, OutputEdge, edge_of
from gradcli.autograd.tensor import Tensor, floating, to_array, wrap
from gradcli.errors import AutogradError, ShapeMismatchError


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
    if _function._views_changed:
        _function._refresh_views(outputs)
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
    if _function._views_changed:
        _function._refresh_views(outs + ins)
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


def graph_size(output: Tensor) -> int:
    """How many operations the graph behind ``output`` holds (what a backward pass walks)."""
    seen: set[int] = set()
    stack = [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in seen:
            seen.add(id(node))
            stack.extend(node._next)
    return len(seen)


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
            weight = wrap(np.ones_like(out._data))
        else:
            weight = _gradient(weight)
        if weight.shape != out.shape:
            raise ShapeMismatchError(
                f"gradient for output {i} has shape {tuple(weight.shape)} but the output "
                f"has shape {tuple(out.shape)}; they must match"
            )
        weights.append(weight)
    return weights


def _gradient(value: Any) -> Tensor:
    """A gradient given by the user (``gradient=``, a hook's, a custom backward's) as a
    tensor: a number or an array becomes one, and integers become float64, as PyTorch
    takes ``y.backward(torch.tensor([1, 1]))``."""
    if isinstance(value, Tensor) and value._data.dtype.kind not in "biu":
        return value
    return wrap(floating(to_array(value)))


def _dependencies(roots: list[Node], parents: dict[Node, list[Node]] | None) -> dict[Node, int]:
    """For each node reachable from ``roots``, how many edges lead into it.

    A node runs once that many gradients (or ``None``s) have arrived, so every
    node runs after all the nodes that feed it. ``parents``, when given, is
    filled with the reverse edges.
    """
    counts = dict.fromkeys(roots, 0)
    stack = list(counts)
    while stack:
        node = stack.pop()
        for child in node._next:
            if child is None:
                continue
            if parents is not None:
                parents.setdefault(child, []).append(node)
            if child in counts:
                counts[child] += 1
            else:
                counts[child] = 1
                stack.append(child)
    return counts


def _leading_to(targets: dict[Node, None], parents: dict[Node, list[Node]]) -> set[Node]:
    """The nodes whose backward must run for gradients to reach ``targets``: their ancestors.

    A target itself runs only if it leads to another target, so the graph below
    a non-leaf input is neither computed through nor freed (as in PyTorch).
    """
    ancestors: set[Node] = set()
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in ancestors:
                ancestors.add(parent)
                stack.append(parent)
    return ancestors


def _run(
    outputs: tuple[Tensor, ...],
    weights: list[Tensor],
    retain_graph: bool | None,
    create_graph: bool,
    inputs: tuple[Tensor, ...] | None,
) -> dict[Node, Tensor | None]:
    if retain_graph is None:
        retain_graph = create_graph
    pending: dict[Node, Tensor] = {}
    for out, weight in zip(outputs, weights, strict=False):
        node = edge_of(out)
        pending[node] = pending[node] + weight if node in pending else weight

    roots = list(pending)
    targets: dict[Node, None] = {}
    run: set[Node] | None = None
    if inputs is None:
        waiting = _dependencies(roots, None)
    else:
        parents: dict[Node, list[Node]] = {}
        waiting = _dependencies(roots, parents)
        targets = dict.fromkeys(edge_of(t) for t in inputs)
        run = _leading_to(targets, parents)
    found: dict[Node, Tensor | None] = {}
    ready = [node for node in roots if waiting[node] == 0]
    check_nan = _function._anomaly_enabled and _function._anomaly_check_nan

    previous = _function._set_grad_enabled(create_graph)
    try:
        while ready:
            node = ready.pop()
            grad_output = pending.pop(node, None)
            if grad_output is not None and node._hooks:
                grad_output = _hooked(node, grad_output)
            if run is not None:
                if node in targets:
                    found[node] = grad_output
                if node not in run:
                    continue
            children = node._next
            if grad_output is None:  # no gradient reached it: only release its children
                grads: tuple[Tensor | None, ...] = (None,) * len(children)
            elif type(node) is AccumulateGrad:
                _accumulate(node.variable, grad_output, create_graph)
                continue
            else:
                if node._retained is not None and inputs is None:
                    _accumulate(node._retained, grad_output, create_graph)
                if type(node) is OutputEdge:
                    _collect(pending, node, grad_output)
                    grads = (None,)
                else:
                    grads = _call_backward(node, grad_output)
                    if check_nan:
                        _check_nan(node, grads)
                    if not retain_graph:
                        node._saved = _FREED  # node._release(), inlined
            for child, g in zip(children, grads, strict=False):
                if child is None:
                    continue
                if g is not None:
                    pending[child] = pending[child] + g if child in pending else g
                left = waiting[child] - 1
                waiting[child] = left
                if not left:
                    ready.append(child)
    finally:
        _function._set_grad_enabled(previous)
    return found


def _hooked(node: Node, grad: Tensor) -> Tensor:
    """``grad`` after the hooks registered on the node's tensor (``register_hook``)."""
    for hook in list(node._hooks.values()):  # a hook may remove itself
        replaced = hook(grad)
        if replaced is None:
            continue
        replaced = _gradient(replaced)
        if replaced.shape != grad.shape:
            raise ShapeMismatchError(
                f"a hook ({getattr(hook, '__name__', repr(hook))}) returned a gradient of "
                f"shape {tuple(replaced.shape)} for a tensor of shape {tuple(grad.shape)}; "
                "a hook may change a gradient's values, not its shape"
            )
        grad = replaced
    return grad


def _collect(pending: dict[Node, Any], edge: OutputEdge, grad: Tensor) -> None:
    """Put one output's gradient in its Function's slot list (an edge runs once a pass)."""
    owner = edge.owner
    slots = pending.get(owner)
    if slots is None:
        slots = pending[owner] = [None] * len(owner._outputs)
    slots[edge.output_nr] = grad


def _materialized(node: Node, slots: list[Tensor | None]) -> list[Tensor | None]:
    """One gradient per output: zeros for a tensor output no gradient reached (None when
    the Function called ``set_materialize_grads(False)``), None for a non-tensor output."""
    if not node.materialize_grads:
        return slots
    return [
        wrap(np.zeros(shape)) if g is None and shape is not None else g
        for g, shape in zip(slots, node._outputs, strict=True)
    ]


def _call_backward(node: Node, grad_output: Any) -> tuple[Tensor | None, ...]:
    """Run one node's backward and check what it returned against its inputs: a custom
    Function's, that is; gradcli's own operations return one tensor of the input's shape
    (or None) per input, and checking that again costs a loop per node."""
    function = node._function
    if type(grad_output) is list:  # a Function with several outputs: one gradient each
        grads = function.backward(node, *_materialized(node, grad_output))
    else:
        grads = function.backward(node, grad_output)
    if type(grads) is not tuple:
        grads = (grads,)
    if function._built_in:
        return grads
    needs = node.needs_input_grad
    if len(grads) != len(needs):
        # Extra trailing Nones are accepted, as PyTorch does.
        if len(grads) < len(needs) or any(g is not None for g in grads[len(needs) :]):
            raise AutogradError(
                f"{node.name()}: backward returned {len(grads)} gradients but forward "
                f"took {len(needs)} inputs (expected {len(needs)}, got {len(grads)}); "
                "return one per input, None for an input that needs none"
            )
        grads = grads[: len(needs)]
    shapes = node.input_shapes
    for i, g in enumerate(grads):
        if g is None or not needs[i]:
            if g is not None and shapes[i] is None:
                raise AutogradError(
                    f"{node.name()}: backward returned a gradient for input {i}, which is "
                    "not a tensor; return None there (is a None missing before it?)"
                )
            continue
        if not isinstance(g, Tensor) or g._data.dtype.kind in "biu":
            g = _gradient(g)
            grads = (*grads[:i], g, *grads[i + 1 :])
        if g._data.shape != shapes[i]:
            raise ShapeMismatchError(
                f"{node.name()}: backward returned a gradient of shape "
                f"{tuple(g.shape)} for input {i}, whose shape is {tuple(shapes[i])}"
                + _broadcast_hint(g._data.shape, shapes[i])
            )
    return grads


def _broadcast_hint(got: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """What to write when the gradient still has a broadcast input's expanded shape."""
    try:
        if np.broadcast_shapes(got, shape) != got:
            return ""
    except ValueError:
        return ""
    return (
        "; the input was broadcast, so sum the gradient over the broadcast dimensions "
        "(PyTorch's engine does that sum silently; gradcli asks for it, to catch a "
        "forgotten reduction)"
    )


def _check_nan(node: Node, grads: tuple[Tensor | None, ...]) -> None:
    """Anomaly mode: refuse a NaN gradient, naming the operation that returned it."""
    for i, g in enumerate(grads):
        if g is not None and np.isnan(g._data).any():
            where = node._recorded_at
            raise AutogradError(
                f"{node.name()} returned NaN in its gradient for input {i} "
                "(found by detect_anomaly)"
                + (f"; the operation was recorded at {where}" if where else "")
            )


def _accumulate(tensor: Tensor, g: Tensor, create_graph: bool) -> None:
    """Add ``g`` into ``tensor.grad``: in place normally, out of place under create_graph
    (as PyTorch's AccumulateGrad)."""
    grad = tensor.grad
    if grad is None:
        # A copy: g may be another leaf's gradient too (an addition hands one tensor to
        # both) or the caller's, and .grad is changed in place (below, and by zero_()).
        tensor.grad = g.clone() if create_graph else wrap(np.array(g._data))
    elif create_graph or grad.requires_grad:
        tensor.grad = grad + g
    else:
        data = grad._data
        if (
            type(data) is np.ndarray
            and data.flags.writeable
            and data.shape == np.shape(g._data)
            and data.dtype == g._data.dtype
        ):
            data += g._data  # in place, so p.grad.data, views of p.grad, ... see the sum
        else:  # a .grad the user set, of another kind: it takes the sum's array
            grad._data = data + g._data
        grad._shared_counter().value += 1
