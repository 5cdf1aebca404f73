"""Graph nodes, ``Function`` (built-in and custom ops alike), and grad mode.

A ``Function`` subclass defines ``forward(ctx, *args)`` and
``backward(ctx, *grad_outputs)``; ``Function.apply`` runs forward and, when an
input requires grad, records a ``Node`` that *is* the ``ctx`` (as in PyTorch,
where ``grad_fn`` of a custom function's output is its context object).
"""

from __future__ import annotations

import operator
import threading
import weakref
from contextlib import ContextDecorator
from typing import TYPE_CHECKING, Any, ClassVar

from gradcli.errors import AutogradError

if TYPE_CHECKING:
    from gradcli.autograd.tensor import Tensor


class _GradMode(threading.local):
    """Whether operations are recorded, per thread as in PyTorch: a backward pass (which
    stops recording while it runs) in one thread never stops another's forward pass."""

    enabled = True


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


_FREED = object()  # marks saved tensors released by a backward pass
_version_of = operator.attrgetter("_version")


def _versions_of(tensors: tuple[Tensor | None, ...]) -> tuple[int, ...]:
    """Each tensor's version (0 for None), read at C speed in the common case."""
    try:
        return tuple(map(_version_of, tensors))
    except AttributeError:  # a None among them
        return tuple([0 if t is None else t._version for t in tensors])


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
        return tuple((node, 0) for node in self._next)

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward``; in-place changes to them are detected."""
        self._saved = tensors
        self._versions = _versions_of(tensors)

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
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
                raise AutogradError(
                    f"{self.name()}: a tensor of shape {tuple(tensor.shape)} needed for "
                    f"the gradient was modified by an in-place operation (it is at "
                    f"version {tensor._version}, expected {version}); use an "
                    "out-of-place operation instead."
                )
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


class Function:
    """Base class of every differentiable operation, built-in or user-defined.

    Subclasses write ``forward(ctx, *args)`` (inputs are tensors or plain
    values; return one tensor) and ``backward(ctx, grad_output)`` (return one
    gradient per forward argument, ``None`` where none is needed). Both are
    static methods, and are called as ``MyFunction.apply(*args)``. Backward
    formulas built from gradcli's own tensor operations are themselves
    differentiable, which is what makes ``create_graph=True`` work.
    """

    node_name: ClassVar[str] = "FunctionBackward"

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if "node_name" not in cls.__dict__:
            cls.node_name = f"{cls.__name__}Backward"

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Tensor:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args: Any) -> Tensor:
        tensor_type = _tensor.Tensor
        needs = tuple([isinstance(a, tensor_type) and a.requires_grad for a in args])
        # Node.__init__ inlined: this runs once per operation.
        ctx = _new_node(Node)
        ctx._function = cls
        ctx.needs_input_grad = needs
        ctx._saved = ctx._versions = ()
        ctx._retained = None
        if not (_mode.enabled and True in needs):
            ctx._next = ctx.input_shapes = ()
            return _as_output(cls.forward(ctx, *args), args)

        _mode.enabled = False
        try:
            result = _as_output(cls.forward(ctx, *args), args)
        finally:
            _mode.enabled = True
        # One plain loop for both tuples: cheaper than comprehensions or zip here.
        edges, shapes = [], []
        for a in args:
            if isinstance(a, tensor_type):
                shapes.append(a._data.shape)
                edges.append((a.grad_fn or accumulator_of(a)) if a.requires_grad else None)
            else:
                shapes.append(None)
                edges.append(None)
        ctx._next, ctx.input_shapes = tuple(edges), tuple(shapes)
        result.requires_grad = True
        result.grad_fn = ctx
        return result


_new_node = object.__new__


def _as_output(result: Any, args: tuple[Any, ...]) -> Tensor:
    """Forward's result as a fresh tensor (never one of the inputs themselves)."""
    if type(result) is not _tensor.Tensor:
        return _tensor.as_tensor(result)
    for a in args:
        if result is a:
            return result.detach()
    return result


# At the bottom: tensor.py imports this module, and apply needs Tensor at call time.
from gradcli.autograd import tensor as _tensor  # noqa: E402
