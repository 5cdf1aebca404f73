"""Graph nodes, ``Function`` (built-in and custom ops alike), grad modes and hooks.

A ``Function`` subclass defines ``forward(ctx, *args)`` and
``backward(ctx, *grad_outputs)``; ``Function.apply`` runs forward and, when an
input requires grad, records a ``Node`` that *is* the ``ctx`` (as in PyTorch,
where ``grad_fn`` of a custom function's output is its context object).
"""

from __future__ import annotations

import functools
import itertools
import threading
import weakref
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from gradcli.errors import AutogradError

if TYPE_CHECKING:
    from gradcli.autograd.tensor import Tensor


class _GradMode(threading.local):
    """Whether operations are recorded, per thread as in PyTorch: a backward pass (which
    stops recording while it runs) in one thread never stops another's forward pass."""

    enabled = True
    inference = False


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether operations are currently recorded for differentiation."""
    return _mode.enabled


def _set_grad_enabled(mode: bool) -> bool:
    previous, _mode.enabled = _mode.enabled, bool(mode)
    return previous


class no_grad(ContextDecorator):
    """Context manager (or decorator) inside which nothing is recorded (``torch.no_grad``)."""

    _mode = False

    def __init__(self) -> None:
        self._previous: list[bool] = []  # a stack, so one instance can be re-entered

    def __enter__(self) -> None:
        self._previous.append(_set_grad_enabled(self._mode))

    def __exit__(self, *exc: object) -> None:
        _set_grad_enabled(self._previous.pop())


class enable_grad(no_grad):
    """Context manager (or decorator) that turns recording back on (``torch.enable_grad``)."""

    _mode = True


class set_grad_enabled(no_grad):
    """Turn recording on or off (``torch.set_grad_enabled``).

    As in PyTorch the mode changes when this is called, so it works as a plain
    call (``set_grad_enabled(False)``) as well as in a ``with`` statement,
    which restores the previous mode on exit.
    """

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._previous = [_set_grad_enabled(mode)]
        self._entered = False

    def __enter__(self) -> None:
        if self._entered:  # entered again: set the mode again
            super().__enter__()
        self._entered = True

    def __call__(self, function: Any) -> Any:
        # As a decorator it must not change the mode until the function runs.
        _set_grad_enabled(self._previous.pop())
        self._entered = True
        return super().__call__(function)


class inference_mode(ContextDecorator):
    """``torch.inference_mode``: nothing is recorded inside (a context manager or a decorator,
    with or without parentheses).

    gradcli's tensors have no inference flag: a tensor made here is an ordinary tensor
    without history (as under ``no_grad``), where PyTorch would refuse to use it in a
    graph later. ``inference_mode(False)`` turns recording on, as in PyTorch.
    """

    def __new__(cls, mode: bool | Callable[..., Any] = True) -> Any:
        if callable(mode):  # @inference_mode without parentheses
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)
        self._previous: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._previous.append((_mode.enabled, _mode.inference))
        _mode.enabled, _mode.inference = not self._mode, self._mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled, _mode.inference = self._previous.pop()


def is_inference_mode_enabled() -> bool:
    """Whether the code runs inside ``inference_mode()``."""
    return _mode.inference


# Anomaly mode is global, as in PyTorch (not per thread like grad mode).
_anomaly_enabled = False
_anomaly_check_nan = True


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is on: backward passes check every gradient for NaN."""
    return _anomaly_enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _anomaly_check_nan


def _set_anomaly(enabled: bool, check_nan: bool) -> tuple[bool, bool]:
    global _anomaly_enabled, _anomaly_check_nan
    previous = _anomaly_enabled, _anomaly_check_nan
    _anomaly_enabled, _anomaly_check_nan = bool(enabled), bool(check_nan)
    return previous


class detect_anomaly(ContextDecorator):
    """``torch.autograd.detect_anomaly``: inside, operations remember where they were
    recorded, and a backward pass whose operation returns a NaN gradient raises an error
    naming that operation and that place. A context manager or a decorator."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._previous.append(_set_anomaly(True, self.check_nan))

    def __exit__(self, *exc: object) -> None:
        _set_anomaly(*self._previous.pop())


class set_detect_anomaly:
    """``torch.autograd.set_detect_anomaly(mode)``: anomaly detection on or off from this call
    on; in a ``with`` statement the previous setting comes back at its end."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = _set_anomaly(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set_anomaly(*self._previous)


def _recorded_at() -> str:
    """Where the user's code called the operation being recorded: its innermost frame
    outside gradcli, for anomaly mode's messages."""
    import os
    import traceback  # only in anomaly mode

    package = __file__.rsplit("autograd", 1)[0]
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(package):
            code = f": {frame.line}" if frame.line else ""
            try:  # short below the working directory
                relative = os.path.relpath(frame.filename)
            except ValueError:  # another drive, on Windows
                relative = os.pardir
            name = frame.filename if relative.startswith(os.pardir) else relative
            return f"{name}, line {frame.lineno}, in {frame.name}{code}"
    return "inside gradcli"


_FREED = object()  # marks saved tensors released by a backward pass

# Set once an in-place change while recording gave new history to an array that has views:
# from then on, operations check their inputs for views made before it (see _refresh_views).
_views_changed = False


def _versions_of(tensors: tuple[Tensor | None, ...]) -> tuple[int, ...]:
    """Each tensor's version (0 for None): a None is common (an op saves only what the
    gradients it will compute need), so no exception path for it."""
    return _shared(_SHARED_VERSIONS, tuple([0 if t is None else t._counter.value for t in tensors]))


# Nearly every node holds equal small tuples: which inputs need a gradient ((True, False)),
# their shapes (((), ()) in a scalar graph), the saved versions ((0, 0)). One object for
# each such value, instead of one per node, is memory a long graph does not take, and
# objects the garbage collector's full collections need not visit node by node. One
# table per kind, as (True,) == (1,); they stop growing at a bound (shapes are many).
_SHARED_NEEDS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_SHARED_SHAPES: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_SHARED_VERSIONS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _shared(table: dict[tuple[Any, ...], tuple[Any, ...]], value: tuple[Any, ...]) -> Any:
    shared = table.get(value)
    if shared is not None:
        return shared
    if len(table) < 256:
        table[value] = value
    return value


def _refresh_views(tensors: tuple[Any, ...]) -> None:
    """Bring up to date the history of each view among ``tensors`` whose base's history
    changed since the view took it (see ``Tensor._refresh``)."""
    for t in tensors:
        if (
            isinstance(t, _tensor.Tensor)
            and t._base is not None
            and t._view_history != t._counter.history
        ):
            t._refresh()


def _modified_message(node: Node, tensor: Tensor, expected: int) -> str:
    """PyTorch's words for a saved tensor changed in place since it was saved."""
    which = ""
    if tensor.grad_fn is not None:
        operation = tensor.grad_fn.name().rstrip("0123456789").removesuffix("Backward")
        which = f", which is output 0 of {operation},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{tensor.type()} {list(tensor.shape)}]{which} is at version "
        f"{tensor._version}; expected version {expected} instead. {node.name()} saved it "
        "for its gradient: change a clone() of it instead, or use an out-of-place "
        "operation (y = y * 2 rather than y *= 2)."
    )


class Node:
    """One recorded operation: the ``grad_fn`` of its output and its ``ctx``.

    ``next_functions`` lists, per forward argument, the node its gradient
    flows to (``None`` for arguments that need no gradient).
    """

    # Slots, not a per-instance dict: a graph holds one node per operation, and
    # the garbage collector walks every one of them. ``__dict__`` stays for the
    # extra attributes a forward sets on ctx (axes, masks, user data).
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_function",
        "_next",
        "_retained",
        "_saved",
        "_versions",
        "input_shapes",
        "needs_input_grad",
    )

    # Defaults for what few nodes have (in ``__dict__`` when set): hooks registered on the
    # node's output tensor, the outputs' shapes of a Function that returned several, the
    # ctx settings a custom forward makes, and where anomaly mode saw it recorded.
    _hooks: dict[int, Callable[[Tensor], Any]] | None = None
    _outputs: tuple[tuple[int, ...] | None, ...] | None = None
    _marked = False
    _dirty: tuple[Tensor, ...] = ()
    _non_differentiable: tuple[Tensor, ...] = ()
    materialize_grads = True
    _recorded_at: str | None = None

    def __init__(self, function: type[Function], needs_input_grad: tuple[bool, ...]):
        self._function = function
        self.needs_input_grad = needs_input_grad
        self._next = self.input_shapes = self._saved = self._versions = ()
        self._retained = None

    def name(self) -> str:
        return self._function.node_name

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        """``(node, output number)`` per input, as PyTorch: the number tells which output
        of a Function that returned several tensors the input was."""
        return tuple(
            (node.owner, node.output_nr) if type(node) is OutputEdge else (node, 0)
            for node in self._next
        )

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Say which inputs forward modified in place (and returns): they take this
        operation as their history, as in PyTorch."""
        self._dirty, self._marked = tensors, True

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Say which outputs have no gradient (indices, masks): they do not require grad,
        and backward still receives a gradient for each (zeros, or None without
        materialized gradients)."""
        self._non_differentiable, self._marked = tensors, True

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward receives zeros (True, the default) or None for an output
        that no gradient reached."""
        self.materialize_grads = bool(value)

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward``; in-place changes to them are detected."""
        self._saved = tensors
        self._versions = _versions_of(tensors)

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """What ``save_for_backward`` kept, checked against in-place changes."""
        if self._saved is _FREED:
            raise AutogradError(
                f"{self.name()}: trying to backward through the graph a second time "
                "(or to read saved tensors after they were freed). Saved values are "
                "freed by .backward() and autograd.grad(); pass retain_graph=True to "
                "the first call if you need to go through the graph again."
            )
        saved = self._saved
        if _versions_of(saved) == self._versions:
            return saved
        for tensor, version in zip(saved, self._versions, strict=False):
            if tensor is not None and tensor._version != version:
                raise AutogradError(_modified_message(self, tensor, version))
        return saved

    @property
    def saved_variables(self) -> tuple[Tensor | None, ...]:
        """The legacy name of ``saved_tensors`` (older PyTorch code still uses it)."""
        return self.saved_tensors

    def _release(self) -> None:
        self._saved = _FREED


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: its gradient lands in ``.grad``."""

    def __init__(self, variable: Tensor):
        super().__init__(AccumulateGrad, ())  # type: ignore[arg-type]
        self.variable = variable

    node_name = "AccumulateGrad"

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def _hooks(self) -> dict[int, Callable[[Tensor], Any]] | None:  # type: ignore[override]
        # A leaf's hooks live on the tensor: this node is made afresh for each graph.
        return self.variable._hooks


class OutputEdge(Node):
    """Where the gradient of output ``output_nr`` of a Function that returned several
    tensors flows in. It stands for the Function's node (its ``ctx``) everywhere a user
    looks: name, ``next_functions``, saved tensors, ctx attributes. The engine collects
    each output's whole gradient here and hands them to the ``owner``'s backward together,
    one per output; hooks and ``retain_grad`` of that output attach here.
    """

    __slots__ = ("output_nr", "owner")

    def __init__(self, owner: Node, output_nr: int):
        super().__init__(owner._function, owner.needs_input_grad)
        self.owner, self.output_nr = owner, output_nr
        self._next = (owner,)

    def name(self) -> str:
        return self.owner.name()

    def __repr__(self) -> str:
        return repr(self.owner)

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        return self.owner.next_functions

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        return self.owner.saved_tensors

    def __getattr__(self, name: str) -> Any:
        return getattr(self.owner, name)  # ctx attributes the forward set


def accumulator_of(tensor: Tensor) -> AccumulateGrad:
    """The leaf's (cached) ``AccumulateGrad`` node.

    The tensor keeps only a weak reference, so a leaf and its node do not form
    a reference cycle; the node lives as long as some graph points to it.
    """
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


def edge_of(tensor: Tensor) -> Node:
    """The node a gradient for ``tensor`` flows into."""
    return tensor.grad_fn if tensor.grad_fn is not None else accumulator_of(tensor)


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off again (also at the
    end of a ``with`` block)."""

    _ids = itertools.count()

    def __init__(self, hooks: dict[int, Callable[[Tensor], Any]]):
        self._hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def register_hook(tensor: Tensor, hook: Callable[[Tensor], Any]) -> RemovableHandle:
    """Call ``hook(grad)`` with the gradient of ``tensor`` whenever a backward pass computes
    it; a tensor the hook returns replaces the gradient (``Tensor.register_hook``).

    A leaf's hooks run before its ``.grad`` is accumulated, a non-leaf's before the
    gradient flows on (and before ``retain_grad`` keeps it); ``autograd.grad`` returns
    the gradient the hooks made.
    """
    if not tensor.requires_grad:
        raise AutogradError(
            "register_hook: the tensor does not require grad, so no gradient will ever "
            "reach it; call requires_grad_() on the leaf first"
        )
    holder: Any = tensor if tensor.grad_fn is None else tensor.grad_fn
    hooks = holder._hooks
    if hooks is None:
        hooks = holder._hooks = {}
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


class Function:
    """Base class of every differentiable operation, built-in or user-defined.

    Subclasses write ``forward(ctx, *args)`` (inputs are tensors or plain
    values) and ``backward(ctx, *grad_outputs)`` (return one gradient per
    forward argument, ``None`` where none is needed). Both are static methods,
    and are called as ``MyFunction.apply(*args)``. Backward formulas built from
    gradcli's own tensor operations are themselves differentiable, which is
    what makes ``create_graph=True`` work.

    As in PyTorch, forward may return a tuple: ``apply`` then returns a tuple
    whose tensors share this one node, and backward receives one gradient per
    output. PyTorch 2's style works too: ``forward(*args)`` without ctx, and a
    ``setup_context(ctx, inputs, output)`` static method that saves what
    backward needs.
    """

    node_name: ClassVar[str] = "FunctionBackward"
    _forward_takes_ctx: ClassVar[bool] = True
    # A built-in op of tensors whose forward computes with numpy alone and uses ctx only
    # to save tensors sets this to a static function of the same tensors that returns the
    # same fresh tensor: unrecorded (every op a backward pass runs without create_graph)
    # it replaces forward, and no node is made; recorded, forward runs without switching
    # grad mode off, as nothing in it could be recorded anyway.
    _evaluate: ClassVar[Callable[..., Tensor] | None] = None
    # gradcli's own operations (gradcli.autograd.ops): the engine trusts what their
    # backward returns; a custom Function's gradients are checked against its inputs.
    _built_in: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if "node_name" not in cls.__dict__:
            cls.node_name = f"{cls.__name__}Backward"
        cls._forward_takes_ctx = cls.setup_context is Function.setup_context
        if "forward" in cls.__dict__ and "_evaluate" not in cls.__dict__:
            cls._evaluate = None  # a forward of its own, which _evaluate knows nothing of
        cls._built_in = cls.__module__.startswith("gradcli.autograd.ops.")

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def setup_context(ctx: Node, inputs: tuple[Any, ...], output: Any) -> None:
        """PyTorch 2's style: defined, it makes ``forward`` take no ctx; it is called with
        forward's inputs and output to save what backward needs."""

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        evaluate = cls._evaluate
        if evaluate is None:
            return _apply(cls, args)
        # A built-in op of tensors (its function made any number a tensor), the path of
        # nearly every recorded node: the node is made around evaluate's fresh tensor.
        if not _mode.enabled:
            return evaluate(*args)
        if _views_changed:
            _refresh_views(args)
        needs = _shared(_SHARED_NEEDS, tuple([a.requires_grad for a in args]))
        if True not in needs:
            return evaluate(*args)
        # Node.__init__ inlined: this runs once per operation.
        ctx = _new_node(Node)
        ctx._function = cls
        ctx.needs_input_grad = needs
        ctx._saved = ctx._versions = ()
        ctx._retained = None
        result = cls.forward(ctx, *args)
        # One plain loop for both tuples: cheaper than comprehensions or zip here.
        edges, shapes = [], []
        for a in args:
            shapes.append(a._data.shape)
            edges.append((a.grad_fn or accumulator_of(a)) if a.requires_grad else None)
        ctx._next, ctx.input_shapes = tuple(edges), _shared(_SHARED_SHAPES, tuple(shapes))
        if _anomaly_enabled:
            ctx._recorded_at = _recorded_at()
        result.requires_grad = True
        result.grad_fn = ctx
        return result


def _apply(cls: type[Function], args: tuple[Any, ...]) -> Any:
    """``cls.apply(*args)`` for a Function without ``_evaluate``: a custom one, or a
    built-in whose forward does more than compute (views, reductions, several outputs)."""
    if _views_changed and _mode.enabled:
        _refresh_views(args)
    tensor_type = _tensor.Tensor
    needs = tuple([isinstance(a, tensor_type) and a.requires_grad for a in args])
    ctx = _new_node(Node)
    ctx._function = cls
    ctx.needs_input_grad = needs
    ctx._saved = ctx._versions = ()
    ctx._retained = None
    if not (_mode.enabled and True in needs):
        ctx._next = ctx.input_shapes = ()
        if cls._forward_takes_ctx:
            result = cls.forward(ctx, *args)
        else:
            result = cls.forward(*args)
            cls.setup_context(ctx, args, result)
        if type(result) is not tuple and not ctx._marked:
            return _as_output(result, args)
        return _outputs_of(ctx, result, args, recording=False)

    _mode.enabled = False
    try:
        if cls._forward_takes_ctx:
            result = cls.forward(ctx, *args)
        else:
            result = cls.forward(*args)
            cls.setup_context(ctx, args, result)
    finally:
        _mode.enabled = True
    edges, shapes = [], []
    for a in args:
        if isinstance(a, tensor_type):
            shapes.append(a._data.shape)
            edges.append((a.grad_fn or accumulator_of(a)) if a.requires_grad else None)
        else:
            shapes.append(None)
            edges.append(None)
    ctx._next, ctx.input_shapes = tuple(edges), tuple(shapes)
    if _anomaly_enabled:
        ctx._recorded_at = _recorded_at()
    if type(result) is not tuple and not ctx._marked:
        result = _as_output(result, args)
        if _differentiable(result):
            result.requires_grad = True
            result.grad_fn = ctx
        return result
    return _outputs_of(ctx, result, args, recording=True)


def _differentiable(tensor: Tensor) -> bool:
    """Whether an output can have a gradient: integers and booleans (indices, masks) have
    none, so a Function's integer output does not require grad, as in PyTorch."""
    return tensor._data.dtype.kind in "fc"


_new_node = object.__new__


def _as_output(result: Any, args: tuple[Any, ...]) -> Tensor:
    """Forward's result as a fresh tensor (never one of the inputs themselves)."""
    if type(result) is not _tensor.Tensor:
        return _tensor.as_tensor(result)
    for a in args:
        if result is a:
            return result.detach()
    return result


def _among(tensor: Any, tensors: tuple[Any, ...]) -> bool:
    return any(t is tensor for t in tensors)


def _outputs_of(ctx: Node, result: Any, args: tuple[Any, ...], recording: bool) -> Any:
    """Forward's outputs when it returned a tuple or marked tensors (mark_dirty,
    mark_non_differentiable): each tensor output gets this node as its history, or an
    ``OutputEdge`` of it when there are several; other values pass through, as in PyTorch.
    """
    global _views_changed
    name = ctx._function.node_name
    for tensor in ctx._dirty:
        if not _among(tensor, args):
            raise AutogradError(
                f"{name}: mark_dirty() was given a tensor that is not an input of forward; "
                "mark only the inputs that forward modified in place"
            )
        if not (_among(tensor, result) if type(result) is tuple else tensor is result):
            raise AutogradError(
                f"{name}: an input marked dirty (modified in place) must also be returned "
                "by forward, as in PyTorch; return it"
            )
        if recording and tensor.requires_grad and tensor.grad_fn is None:
            raise AutogradError(
                f"{name}: forward modified in place a leaf tensor that requires grad "
                f"(shape {tuple(tensor.shape)}; mark_dirty), which would make its gradient "
                "wrong; its values have changed already. Pass a copy (x.clone(), or x * 1) "
                "instead of the leaf."
            )
        if recording and tensor._base is not None:
            # Its base's history would have to change too (PyTorch's CopySlices), which
            # gradcli does for its own in-place ops only: refused, not silently wrong.
            raise AutogradError(
                f"{name}: forward modified in place (mark_dirty) a view of another tensor "
                "(of x[1:3], x.view(...), ...); its values have changed already. Pass a "
                "copy (x.clone()) instead of the view."
            )
    several = type(result) is tuple
    items = result if several else (result,)
    outputs: list[Any] = []
    shapes: list[tuple[int, ...] | None] = []
    for k, item in enumerate(items):
        if isinstance(item, np.ndarray) or not (several or isinstance(item, _tensor.Tensor)):
            item = _tensor.as_tensor(item)
        if not isinstance(item, _tensor.Tensor):  # a plain value among several outputs
            outputs.append(item)
            shapes.append(None)
            continue
        if _among(item, ctx._dirty):
            # As PyTorch: tensors saved before, with the old values, are now out of date.
            counter = item._shared_counter()
            counter.value += 1
            if recording and counter.viewed:  # its views' history changes with it
                counter.history += 1
                _views_changed = True
            out = item
        elif _among(item, args) or _among(item, tuple(outputs)):
            out = item.detach()
        else:
            out = item
        if recording and not _among(item, ctx._non_differentiable) and _differentiable(out):
            out.requires_grad = True
            out.grad_fn = OutputEdge(ctx, k) if several else ctx
        outputs.append(out)
        shapes.append(out._data.shape)
    if not several:
        return outputs[0]
    ctx._outputs = tuple(shapes)
    return tuple(outputs)


FunctionCtx = Node  # PyTorch's name for the ctx type, in type hints


class _TwiceDifferentiated(Function):
    node_name = "OnceDifferentiableBackward"

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Tensor) -> Any:
        raise AutogradError(
            f"{ctx.differentiated}'s backward is marked @once_differentiable, so its "
            "gradients cannot be differentiated again (create_graph=True went through it); "
            "write that backward with gradcli's tensor operations and drop the decorator"
        )


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a custom ``backward`` that cannot be differentiated (it leaves gradcli's
    operations, e.g. through numpy): it runs without recording, and differentiating its
    result raises an error naming it (``torch.autograd.function.once_differentiable``).

    Unlike PyTorch, the error comes whenever a graph of the gradients was asked for
    (``create_graph=True``), not only when the incoming gradient has history: PyTorch
    otherwise returns a second derivative that silently leaves this function out.
    """

    @functools.wraps(backward)
    def wrapper(ctx: Node, *grad_outputs: Any) -> Any:
        with no_grad():
            grads = backward(ctx, *grad_outputs)
        if not _mode.enabled:  # no create_graph: nothing will differentiate them
            return grads
        single = type(grads) is not tuple
        # Edges to whatever a second differentiation may be after: the forward's inputs
        # and the incoming gradients' history (functional.jvp differentiates by those).
        edges = ctx._next + tuple(
            edge_of(g) for g in grad_outputs if isinstance(g, _tensor.Tensor) and g.requires_grad
        )
        marked = []
        for g in (grads,) if single else grads:
            if isinstance(g, _tensor.Tensor):
                g = _tensor.wrap(g._data)
                node = _new_node(Node)
                node._function, node._retained = _TwiceDifferentiated, None
                node._saved = node._versions = ()
                node._next, node.needs_input_grad, node.input_shapes = edges, (), ()
                node.differentiated = ctx.name()
                g.requires_grad, g.grad_fn = True, node
            marked.append(g)
        return marked[0] if single else tuple(marked)

    return wrapper


# At the bottom: tensor.py imports this module, and apply needs Tensor at call time.
from gradcli.autograd import tensor as _tensor  # noqa: E402
