"""``Tensor``: a numpy array that records how it was computed.

Arrays held by tensors are never written to: an in-place method computes a new
array and rebinds it (bumping ``_version``). So sharing an array between
tensors (``detach``, ``.grad``) is always safe, and saved tensors that were
modified afterwards are detected by their version.

The operator and math methods (``+``, ``exp``, ``sum``, ...) are attached in
``gradcli.autograd.ops``, next to the operations they call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.autograd import function as _function
from gradcli.errors import AutogradError, ShapeError

float64 = np.float64
complex128 = np.complex128


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """``data`` (number, nested list, array, tensor) as a float64 array.

    Integers become float64; complex and boolean data keep their kind, for
    complex-step evaluation and comparison results.
    """
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
        array = np.array([to_array(d) for d in data])
    else:
        array = np.asarray(data)
    if dtype is not None:
        return np.asarray(array, dtype=dtype)
    kind = array.dtype.kind
    if kind == "b":
        return array
    target = complex128 if kind == "c" else float64
    return array if array.dtype == target else array.astype(target)


class Tensor:
    """A float64 array with autograd history (PyTorch's ``torch.Tensor``).

    Create tensors with :func:`gradcli.tensor`, :func:`gradcli.arange`, ...
    """

    # Class-level defaults: most tensors never set these, so creating one
    # costs a single attribute write.
    requires_grad = False
    grad: Tensor | None = None
    grad_fn: _function.Node | None = None
    _version = 0
    _accumulator = None

    __hash__ = object.__hash__  # == is elementwise, identity stays the hash

    def __init__(self, data: Any, requires_grad: bool = False):
        self._data = to_array(data)
        if requires_grad:
            self.requires_grad_(True)

    # --- plain properties -------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def data(self) -> Tensor:
        """The values, detached from the graph (sharing them)."""
        return self.detach()

    @data.setter
    def data(self, value: Any) -> None:
        self._data = to_array(value)
        self._version += 1

    def size(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def numpy(self) -> np.ndarray:
        return np.asarray(self._data)

    def tolist(self) -> Any:
        return np.asarray(self._data).tolist()

    def item(self) -> Any:
        if self._data.size != 1:
            raise ShapeError(
                f"item(): a tensor with {self._data.size} elements cannot be "
                "converted to a Python number; index it first"
            )
        return np.asarray(self._data).reshape(()).item()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise AutogradError(
                f"the truth value of a tensor with {self._data.size} elements is "
                "ambiguous; use .any(), .all() or reduce it first"
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(
            np.asarray(self._data), separator=", ", precision=4, prefix="tensor("
        )
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.name()}>"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self._data.dtype.kind == "c":
            extra = ", dtype=complex128" + extra
        return f"tensor({body}{extra})"

    # --- autograd ---------------------------------------------------------

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf as needing a gradient (in place); returns the tensor."""
        if not self.is_leaf and not requires_grad:
            raise AutogradError(
                "requires_grad_(False) on a non-leaf tensor; use .detach() to get a "
                "tensor outside the graph"
            )
        if requires_grad and self._data.dtype.kind == "b":
            raise AutogradError("only floating-point tensors can require gradients")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after ``backward``."""
        if not self.requires_grad:
            raise AutogradError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is not None:
            self.grad_fn._retained = self

    def detach(self) -> Tensor:
        """The same values, outside the graph."""
        return _wrap(self._data)

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        ``gradient`` weights a non-scalar output (the vector of a
        vector-Jacobian product); ``retain_graph`` keeps saved values for
        another pass; ``create_graph`` records the backward pass itself so the
        gradients can be differentiated again.
        """
        from gradcli.autograd.engine import backward

        backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph)

    # --- in-place methods ---------------------------------------------------

    def _inplace(self, name: str, compute: Any) -> Tensor:
        """Replace the values by ``compute(self)``; the one path every in-place op takes."""
        if _function._mode.enabled and self.requires_grad and self.is_leaf:
            raise AutogradError(
                f"{name}(): a leaf tensor that requires grad (shape {tuple(self.shape)}) "
                "cannot be modified in place, or its gradient would be wrong; nothing "
                "was changed. Use an out-of-place operation (w = w + 1), or wrap the "
                "update in `with gradcli.no_grad():`."
            )
        old = _wrap(self._data)
        old.requires_grad, old.grad_fn = self.requires_grad, self.grad_fn
        new = compute(old)
        self._data = new._data
        if new.grad_fn is not None:
            if self.grad_fn is not None and self.grad_fn._retained is self:
                # retain_grad() follows the tensor to its new value, as in PyTorch.
                self.grad_fn._retained, new.grad_fn._retained = None, self
            self.grad_fn, self.requires_grad = new.grad_fn, True
        self._version += 1
        return self

    def _overwrite(self, name: str, values: Any) -> Tensor:
        """Set every element to ``values`` (broadcast to this shape), in place.

        While recording this goes through ``where``, so the old values get a zero
        gradient and a tensor ``values`` gets its gradient (PyTorch's zero_, fill_,
        copy_); a bare array would leave the old graph attached to the new values.
        """
        array = np.broadcast_to(to_array(values), self.shape).astype(self.dtype)
        source_requires_grad = isinstance(values, Tensor) and values.requires_grad
        if not (_function._mode.enabled and (self.requires_grad or source_requires_grad)):
            return self._inplace(name, lambda t: _wrap(array))
        source = values if source_requires_grad else _wrap(array)
        keep_none = _wrap(np.zeros(self.shape, dtype=bool))
        return self._inplace(name, lambda t: t.where(keep_none, source))

    def zero_(self) -> Tensor:
        return self._overwrite("zero_", 0)

    def fill_(self, value: Any) -> Tensor:
        return self._overwrite("fill_", value)

    def add_(self, other: Any) -> Tensor:
        return self._inplace("add_", lambda t: t + other)

    def sub_(self, other: Any) -> Tensor:
        return self._inplace("sub_", lambda t: t - other)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace("mul_", lambda t: t * other)

    def div_(self, other: Any) -> Tensor:
        return self._inplace("div_", lambda t: t / other)

    def copy_(self, other: Any) -> Tensor:
        return self._overwrite("copy_", other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_


def _wrap(array: Any) -> Tensor:
    """A new tensor around an array the caller will not write to (no copy, no checks)."""
    tensor = Tensor.__new__(Tensor)
    tensor._data = array
    return tensor


def as_tensor(value: Any) -> Tensor:
    """``value`` if it is a tensor, else a constant tensor of it."""
    if isinstance(value, Tensor):
        return value
    if type(value) is float or type(value) is int:
        return _wrap(float64(value))
    return _wrap(to_array(value))
