"""The recorded graph of one evaluation: each operation with its value and its adjoint.

The forward pass records a DAG of nodes (``grad_fn``, ``next_functions``); one
backward pass gives every node's adjoint, the derivative of the output with
respect to that node's value. :func:`graph` reads the graph behind any tensor
(``import gradcli as torch`` code: a built-in torchviz); :func:`expression_graph`
evaluates an expression or program once and reads its graph, with the source
text of every operation.

Only the engine's public pieces are used: ``grad_fn``, ``next_functions``,
``input_shapes``, ``saved_tensors`` and ``autograd.grad``. A node does not keep
its output tensor, so a value is known where the tensor is (the output, the
leaves, what a later operation saved, every step of an expression this module
evaluated) and is ``None`` elsewhere; adjoints are known everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gradcli.autograd import creation, engine
from gradcli.autograd.tensor import Tensor
from gradcli.compute.evaluation import choose_wrt, tensors_of
from gradcli.compute.results import Fold, Graph, Vertex
from gradcli.errors import AutogradError, ShapeError, UsageError, option
from gradcli.language import Algebra
from gradcli.language.values import recording

if TYPE_CHECKING:
    from gradcli.compute.bindings import Binding
    from gradcli.language import Expression

MAX_PERIOD = 8
"""The longest run of operations --collapse recognises as one repeated unit (a loop body)."""

MIN_REPEATS = 3
"""Repeats a unit needs before it is folded: the first and last stay, the middle folds."""


def graph(
    tensor: Tensor,
    names: Mapping[str, Tensor] | None = None,
    weights: Any = None,
) -> Graph:
    """The recorded graph behind ``tensor``, with values and adjoints.

    ``names`` labels leaves (``{"x": x}``, like torchviz's ``params``); others are
    ``leaf1``, ``leaf2``, ... ``weights`` starts the backward pass for an output of
    several numbers (ones by default). The graph is kept (``retain_graph``), so
    ``tensor.backward()`` still works afterwards, and no ``.grad`` is touched.

    >>> import gradcli
    >>> x = gradcli.tensor(2.0, requires_grad=True)
    >>> g = graph(gradcli.sin(x) * x, names={"x": x})
    >>> [v.op for v in g.operations]
    ['SinBackward0', 'MulBackward0']
    """
    if not isinstance(tensor, Tensor):
        raise AutogradError(f"graph() takes a tensor, not {type(tensor).__name__}")
    return _build(tensor, dict(names or {}), weights, captured=())


def expression_graph(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    weights: np.ndarray | None = None,
) -> Graph:
    """Evaluate ``expression`` at the bound point once and read its graph: the
    variables in ``wrt`` (default: every bound one it uses) are the leaves."""
    with creation.same_draws():
        names = choose_wrt(expression, bound, wrt)
        values = tensors_of(bound, names)
        captured: list[Any] = []
        value = expression.evaluate(values, recording(Algebra(), captured))
        if not isinstance(value, Tensor) or not value.requires_grad:
            raise UsageError(
                f"the value does not depend on {', '.join(names)} through any operation that "
                "has a derivative, so no graph was recorded"
            )
        return _build(
            value, {n: values[n] for n in names}, weights, captured, source=expression.source
        )


def _key(node: Any) -> tuple[Any, int]:
    """A node as ``next_functions`` names it: (Function's node, which of its outputs)."""
    owner = getattr(node, "owner", None)
    return (owner, node.output_nr) if owner is not None else (node, 0)


def _build(
    output: Tensor,
    names: dict[str, Tensor],
    weights: Any,
    captured: Sequence[Any],
    source: str | None = None,
) -> Graph:
    if not output.requires_grad:
        raise AutogradError(
            "this tensor has no recorded graph: nothing it depends on has requires_grad=True"
        )
    known: dict[tuple[Any, int], Tensor] = {}
    for tensor in (*captured, output):
        if isinstance(tensor, Tensor) and tensor.grad_fn is not None:
            known.setdefault(_key(tensor.grad_fn), tensor)
    root = output.grad_fn
    order, arguments = _recorded_order(
        [t.grad_fn for t in captured if isinstance(t, Tensor) and t.grad_fn is not None]
        + ([root] if root is not None else [])
    )
    # Steps whose results the output does not use were recorded too; they are not its
    # graph. The order puts each node after its arguments: one sweep back from the
    # output finds what it uses.
    used = {_key(root)} if root is not None else set()
    for key in reversed(order):
        if key in used:
            used.update(child for child in arguments[key[0]] if child[0] is not None)
    order = [key for key in order if key in used]
    leaf_ids = {id(t): name for name, t in names.items()}
    vertices: list[Vertex] = []
    index: dict[tuple[Any, int], int] = {}
    leaf_of: dict[int, Tensor] = {}
    if root is None:  # the output is itself a leaf
        leaf_of[id(output)] = output
    for node, _ in order:
        for child, _nr in arguments[node]:
            if child is not None and child.name() == "AccumulateGrad":
                leaf_of.setdefault(id(child.variable), child.variable)
    for tensor in leaf_of.values():
        label = leaf_ids.get(id(tensor)) or f"leaf{len(vertices) + 1}"
        index[("leaf", id(tensor))] = len(vertices)  # type: ignore[index]
        vertices.append(
            Vertex(len(vertices), label, "AccumulateGrad", True, shape=tuple(tensor.shape))
        )
        known[("leaf", id(tensor))] = tensor  # type: ignore[index]
    for number, key in enumerate(order, start=1):
        index[key] = len(vertices)
        origin = getattr(key[0], "origin", None)
        vertices.append(Vertex(len(vertices), f"v{number}", key[0].name(), False, origin=origin))

    def vertex_of(child: Any, nr: int) -> int:
        if child.name() == "AccumulateGrad":
            return index[("leaf", id(child.variable))]  # type: ignore[index]
        return index[(child, nr)]

    for key in order:
        node = key[0]
        vertex = vertices[index[key]]
        inputs: list[int | None] = []
        shapes = getattr(node, "input_shapes", ()) or ()
        for k, (child, nr) in enumerate(arguments[node]):
            if child is None:
                inputs.append(None)
                if k >= len(shapes) or shapes[k] is None:
                    vertex.plain.add(k)
                continue
            target = vertex_of(child, nr)
            inputs.append(target)
            vertices[target].uses += 1
            if vertices[target].shape is None and k < len(shapes) and shapes[k] is not None:
                vertices[target].shape = tuple(shapes[k])
        vertex.inputs = tuple(inputs)
        try:
            saved = node.saved_tensors
        except (AutogradError, AttributeError):
            saved = ()
        for tensor in saved:
            if isinstance(tensor, Tensor) and tensor.grad_fn is not None:
                known.setdefault(_key(tensor.grad_fn), tensor)

    out = index[_key(root)] if root is not None else index[("leaf", id(output))]  # type: ignore[index]
    vertices[out].shape = tuple(output.shape)
    for key, tensor in known.items():
        if key in index:
            v = vertices[index[key]]
            v.value = np.array(tensor.numpy(), dtype=np.float64)
            v.shape = tuple(tensor.shape)
    kind, start = _weights(output, weights)
    _adjoints(output, start, vertices, index, known)
    leaves = sum(v.leaf for v in vertices)
    folds = [
        fold._replace(first=fold.first + leaves)
        for fold in find_folds([v.op for v in vertices[leaves:]])
    ]
    return Graph(vertices, out, kind, source, folds)


def _recorded_order(starts: list[Any]) -> tuple[list[tuple[Any, int]], dict[Any, tuple]]:
    """Operation nodes, each after the nodes it uses: from each start (the steps in the
    order they ran, then the output), a depth-first walk without recursion adds what is
    new in post-order, arguments left to right, which is the order an expression records.
    With it, each node's ``next_functions``, read once (each read builds them)."""
    seen: set[tuple[Any, int]] = set()
    order: list[tuple[Any, int]] = []
    arguments: dict[Any, tuple] = {}
    for start in starts:
        key = _key(start)
        if key in seen:
            continue
        seen.add(key)
        arguments[key[0]] = edges = key[0].next_functions
        stack = [(key, iter(edges))]
        while stack:
            current, children = stack[-1]
            for child, nr in children:
                if child is None or child.name() == "AccumulateGrad":
                    continue
                child_key = (child, nr)
                if child_key not in seen:
                    seen.add(child_key)
                    edges = arguments.get(child)
                    if edges is None:
                        arguments[child] = edges = child.next_functions
                    stack.append((child_key, iter(edges)))
                    break
            else:
                stack.pop()
                order.append(current)
    return order, arguments


def _weights(output: Tensor, weights: Any) -> tuple[str, Tensor]:
    if weights is not None:
        given = weights if isinstance(weights, Tensor) else Tensor(np.asarray(weights, float))
        if given.shape != output.shape:
            raise ShapeError(
                f"{option('weights')} has shape {tuple(given.shape)} but the value has shape "
                f"{tuple(output.shape)}; give weights of the value's shape"
            )
        return "given", given
    kind = "1" if output.numel() == 1 else "ones"
    return kind, Tensor(np.ones(output.shape))


def _adjoints(
    output: Tensor,
    start: Tensor,
    vertices: list[Vertex],
    index: dict[Any, int],
    known: dict[Any, Tensor],
) -> None:
    """Every vertex's adjoint from one backward pass: ``autograd.grad`` with each vertex
    as an input. Where the graph kept no tensor of a node, a stand-in tensor whose
    ``grad_fn`` is that node asks for the gradient arriving there."""
    if output.grad_fn is None:
        vertices[0].adjoint = np.array(start.numpy(), dtype=np.float64)
        return
    inputs: list[Tensor] = []
    for key, i in index.items():
        tensor = known.get(key)
        if tensor is None or not tensor.requires_grad:
            tensor = Tensor(np.zeros(vertices[i].shape or ()))
            tensor.requires_grad = True
            tensor.grad_fn = key[0]
        inputs.append(tensor)
    found = engine.grad(output, inputs, start, retain_graph=True, allow_unused=True)
    for (key, i), grad in zip(index.items(), found, strict=True):
        if isinstance(grad, list):  # the slots of a Function with several outputs
            grad = grad[key[1]]
        if grad is not None:
            vertices[i].adjoint = np.array(grad.numpy(), dtype=np.float64)


def find_folds(ops: Sequence[str], max_period: int = MAX_PERIOD) -> list[Fold]:
    """Runs of the same ``period`` names repeated at least :data:`MIN_REPEATS` times in
    ``ops``, left to right, each the longest at its place (the shortest period on a tie).

    ``first`` counts from the start of ``ops``. Linear in ``len(ops)``: whether each name
    equals the one ``p`` places before it is one numpy comparison per period.
    """
    n = len(ops)
    if n < MIN_REPEATS:
        return []
    codes = np.unique(np.asarray(ops, dtype=object).astype(str), return_inverse=True)[1]
    # run[p][j]: how many names from j on each equal the name p places before them.
    runs: dict[int, np.ndarray] = {}
    for p in range(1, min(max_period, n // MIN_REPEATS) + 1):
        same = np.zeros(n + 1, dtype=np.int64)
        same[p:n] = codes[p:] == codes[:-p]
        run = np.zeros(n + 1, dtype=np.int64)
        # Lengths of runs of True, counted from the right: a reversed cumulative count
        # that restarts at every False.
        reversed_same = same[::-1]
        cumulative = np.cumsum(reversed_same)
        restart = np.maximum.accumulate(np.where(reversed_same == 0, cumulative, 0))
        run[:] = (cumulative - restart)[::-1]
        runs[p] = run
    folds: list[Fold] = []
    i = 0
    while i < n:
        best: Fold | None = None
        for p, run in runs.items():
            if i + p >= n:
                break
            repeats = 1 + int(run[i + p]) // p
            if repeats >= MIN_REPEATS and (
                best is None or repeats * p > best.repeats * best.period
            ):
                best = Fold(i, p, repeats)
        if best is None:
            i += 1
        else:
            folds.append(best)
            i += best.repeats * best.period
    return folds
