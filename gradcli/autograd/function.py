"""Graph nodes, ``Function`` (built-in and custom ops alike), and grad mode.

A ``Function`` subclass defines ``forward(ctx, *args)`` and
``backward(ctx, *grad_outputs)``; ``Function.apply`` runs forward and, when an
input requires grad, records a ``Node`` that *is* the ``ctx`` (as in PyTorch,
where ``grad_fn`` of a custom function's output is its context object).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from gradcli.errors import AutogradError

if TYPE_CHECKING:
    from gradcli.autograd.tensor import Tensor

# Grad mode is a module global rather than thread-local state: gradcli is a
# single-threaded tool, and a global read is the cheapest check on the hot path.
_grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether operations are currently recorded for differentiation."""
    return _grad_enabled


def _set_grad_enabled(mode: bool) -> bool:
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, bool(mode)
    return previous


@contextmanager
def set_grad_enabled(mode: bool) -> Iterator[None]:
    """Context manager that turns recording on or off."""
    previous = _set_grad_enabled(mode)
    try:
        yield
    finally:
        _set_grad_enabled(previous)


def no_grad() -> Any:
    """Context manager inside which nothing is recorded (``torch.no_grad``)."""
    return set_grad_enabled(False)


def enable_grad() -> Any:
    """Context manager that turns recording back on (``torch.enable_grad``)."""
    return set_grad_enabled(True)


_FREED = object()  # marks saved tensors released by a backward pass


class Node:
    """One recorded operation: the ``grad_fn`` of its output and its ``ctx``.

    ``next_functions`` lists, per forward argument, the node its gradient
    flows to (``None`` for arguments that need no gradient).
    """

    # Defaults live on the class so that recording an op sets only what it uses.
    _saved: Any = ()
    _versions: tuple[int, ...] = ()
    _next: tuple[Node | None, ...] = ()
    input_shapes: tuple[tuple[int, ...] | None, ...] = ()
    _retained: Tensor | None = None

    def __init__(self, function: type[Function], needs_input_grad: tuple[bool, ...]):
        self._function = function
        self.needs_input_grad = needs_input_grad

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
        self._versions = tuple([0 if t is None else t._version for t in tensors])

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
        if tuple([0 if t is None else t._version for t in saved]) == self._versions:
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
        global _grad_enabled
        tensor_type = _tensor.Tensor
        needs = tuple([isinstance(a, tensor_type) and a.requires_grad for a in args])
        ctx = Node(cls, needs)
        if not (_grad_enabled and True in needs):
            return _as_output(cls.forward(ctx, *args), args)

        _grad_enabled = False
        try:
            result = _as_output(cls.forward(ctx, *args), args)
        finally:
            _grad_enabled = True
        ctx._next = tuple(
            [edge_of(a) if need else None for a, need in zip(args, needs, strict=False)]
        )
        ctx.input_shapes = tuple([a.shape if isinstance(a, tensor_type) else None for a in args])
        result.requires_grad = True
        result.grad_fn = ctx
        return result


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
