"""``Tensor``: a numpy array that records how it was computed.

Memory is shared as in PyTorch: ``.data``, ``detach()`` and the views (``view``,
``reshape`` where numpy need not copy, ``t()``, ``permute``, ``expand``, basic
indexing such as ``x[1:3]`` or ``x[0]``) hold numpy views of one array, and an
in-place method (``add_``, ``x[i] = v``, ``-=``) writes into that array, so
every alias sees the change. Those aliases share a version counter too (``.data``
excepted, as in PyTorch): each in-place change bumps it, an operation records
the versions of the tensors it saves for backward, and backward refuses a saved
tensor whose version moved on, instead of computing a wrong gradient with it.

An in-place change of a view while recording gives the view's base a
``CopySlices`` history too (the base's values changed), and any other view of
that base takes its history again from the base when it is next used.

The operator and math methods (``+``, ``exp``, ``sum``, ...) are attached in
``gradcli.autograd.ops``, next to the operations they call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.autograd import dtypes
from gradcli.autograd import function as _function
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    AutogradError,
    DeviceError,
    DimensionError,
    DtypeError,
    ShapeError,
    ShapeMismatchError,
)

float64 = dtypes.float64
complex128 = dtypes.complex128


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """``data`` (number, nested list, array, tensor) as an array of a type a tensor holds.

    Floats become float64, integers int64; booleans and complex numbers (for
    complex-step evaluation) keep their kind, as bool and complex128. ``dtype`` (a
    numpy type) stores it as that type instead. Text, None and ragged lists are
    refused.
    """
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
        array = _array_of([to_array(d) for d in data])
    else:
        array = _array_of(data)
    if dtype is not None:
        return np.asarray(array, dtype=dtype)
    target = _STORED.get(array.dtype.kind)
    return array if target is None or array.dtype == target else array.astype(target)


# The one numpy type a tensor holds for each kind of number (None: kept as it is).
_STORED = {"f": np.dtype(np.float64), "i": np.dtype(np.int64), "u": np.dtype(np.int64),
           "c": np.dtype(np.complex128)}  # fmt: skip


def floating(array: Any) -> Any:
    """``array`` with integers and booleans as float64 (what a function computed in
    floating point, ``exp`` or a gradient, takes them as); other arrays as they are."""
    return array.astype(np.float64) if array.dtype.kind in "biu" else array


def _array_of(data: Any) -> np.ndarray:
    """``np.asarray(data)``, refusing what is not numbers in gradcli's words."""
    try:
        array = np.asarray(data)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise ShapeError(
            "tensor data must be rectangular: every list at one depth must have the "
            "same length (a ragged list has no shape)"
        ) from None
    if array.dtype.kind not in "fcbiu":
        what = "None" if data is None else f"data of type {type(data).__name__}"
        if array.dtype.kind == "O" and np.ndim(array):
            what = "a list holding something other than numbers"
        raise ArgumentTypeError(
            f"a tensor holds numbers, not {what}; give a number, a (nested) list of numbers, "
            "a numpy array or a tensor"
        )
    return array


class VersionCounter:
    """The version one array's tensors share (a tensor, its ``detach()``, its views).

    ``value`` counts the in-place changes (``Tensor._version``); ``history`` counts
    those that gave the array's tensors a new history while recording, after which
    a view made earlier takes its history again from its base; ``viewed`` says
    whether views were made at all (only then can one be out of date).
    """

    __slots__ = ("history", "value", "viewed")

    def __init__(self, value: int = 0):
        self.value, self.history, self.viewed = value, 0, False


class _NeverChanged(VersionCounter):
    """The counter of every tensor whose memory was never changed in place nor shared
    (version 0): one object, so that a tensor costs nothing more to make; a tensor gets
    a counter of its own (``_shared_counter``) before anything counts."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, name):
            raise AttributeError("the shared version-0 counter never changes")
        super().__setattr__(name, value)


_NEVER_CHANGED = _NeverChanged()


def _is_size(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class Tensor:
    """An array with autograd history (PyTorch's ``torch.Tensor``): float64, int64, bool
    or complex128 (see ``dtypes``); only floating and complex tensors require grad.

    Create tensors with :func:`gradcli.tensor`, :func:`gradcli.arange`, ...
    """

    # Class-level defaults: most tensors never set these, so creating one
    # costs a single attribute write.
    requires_grad = False
    grad: Tensor | None = None
    grad_fn: _function.Node | None = None
    _accumulator = None
    # A counter of its own is made on first need: by an in-place change, or when an alias
    # shares the array.
    _counter: VersionCounter = _NEVER_CHANGED
    # A view's base (the tensor whose array it shows; PyTorch's ``_base``), the steps
    # (operation, arguments) that make it from the base, the base's history count
    # when it took its own, and whether it was made under no_grad.
    _base: Tensor | None = None
    _view_steps: tuple[tuple[Any, tuple[Any, ...]], ...] = ()
    _view_history = 0
    _made_without_grad = False

    __hash__ = object.__hash__  # == is elementwise, identity stays the hash

    def __init__(self, *data: Any, requires_grad: bool = False):
        # PyTorch's legacy constructor: Tensor(2, 3) is a 2-by-3 tensor (of zeros here,
        # uninitialised in PyTorch), Tensor([1, 2]) copies data, Tensor() is empty.
        if len(data) == 1 and isinstance(data[0], Tensor):
            # Tensor(t) and nn.Parameter(t) share t's memory and version, as in PyTorch.
            self._data = to_array(data[0]._share())
            if self._data is data[0]._data:
                self._counter = data[0]._shared_counter()
        elif len(data) == 1 and not _is_size(data[0]):
            # Tensor([1, 2]) is a FloatTensor in PyTorch, whatever the data's kind.
            self._data = floating(to_array(data[0]))
        elif all(_is_size(n) for n in data):
            if requires_grad:
                raise ArgumentTypeError(
                    f"Tensor({', '.join(str(int(n)) for n in data)}) makes a tensor of that shape and "
                    "takes no requires_grad (as in PyTorch); write "
                    "gradcli.zeros(..., requires_grad=True)"
                )
            from gradcli.autograd.creation import sizes_of

            self._data = np.zeros(sizes_of(data, "Tensor") if data else (0,))
        else:
            raise ArgumentTypeError(
                "Tensor(...) takes sizes, as in Tensor(2, 3), or one piece of data, as in "
                f"Tensor([1.0, 2.0]), not {', '.join(type(d).__name__ for d in data)}; "
                "gradcli.tensor(data) is the usual way to make a tensor"
            )
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
    def dtype(self) -> dtypes.dtype:
        """float64 for every floating tensor: gradcli computes in float64 (see ``dtypes``)."""
        return dtypes.of_array(self._data.dtype)

    @property
    def device(self) -> dtypes.device:
        return dtypes.CPU

    is_cuda = False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def data(self) -> Tensor:
        """The values, outside the graph, sharing this tensor's memory: changing them in
        place changes this tensor, unseen by autograd (the point of ``.data``, as in
        PyTorch: it has a version counter of its own)."""
        return wrap(self._share())

    @data.setter
    def data(self, value: Any) -> None:
        # The tensor takes the new array (sharing a tensor's memory, as in PyTorch) and
        # leaves its views and aliases with the old one. Unlike PyTorch the version moves
        # on: a saved tensor whose values were swapped this way is refused by backward.
        self._data = to_array(value._share() if isinstance(value, Tensor) else value)
        self._counter = VersionCounter(self._version + 1)
        self._base, self._view_steps = None, ()

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (PyTorch's ``_version``)."""
        return self._counter.value

    def _shared_counter(self) -> VersionCounter:
        counter = self._counter
        if counter is _NEVER_CHANGED:
            counter = self._counter = VersionCounter()
        return counter

    def _share(self) -> np.ndarray:
        """The array, ready for an alias to share: a numpy scalar, which cannot be written
        to, becomes a 0-d array first (no other tensor holds this tensor's memory yet)."""
        data = self._data
        if type(data) is not np.ndarray:
            data = self._data = np.array(data)
        return data

    def _view_of(self, source: Tensor, step: tuple[Any, tuple[Any, ...]]) -> None:
        """Make this tensor, which ``step`` made from ``source``'s array, a view of it."""
        base = source._base
        if base is None:
            self._base, self._view_steps = source, (step,)
        else:
            self._base, self._view_steps = base, (*source._view_steps, step)
        counter = self._counter = source._shared_counter()
        counter.viewed = True
        self._view_history = counter.history
        if source._made_without_grad or not _function._mode.enabled:
            self._made_without_grad = True

    def _is_view(self) -> bool:
        return self._base is not None

    def __getstate__(self) -> dict[str, Any]:
        # A copy (copy.deepcopy, pickle) has memory of its own: it is no view of another
        # tensor and shares no version, and a leaf's copy gets a gradient node of its own.
        state = dict(self.__dict__)
        for name in ("_base", "_view_steps", "_view_history", "_made_without_grad", "_counter"):
            state.pop(name, None)
        state.pop("_accumulator", None)
        return state

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        from gradcli.autograd.shapes import axis

        if self.ndim == 0:
            raise DimensionError("size(dim) of a single number: it has no dimensions")
        return self.shape[axis(dim, self.ndim, "size")]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def numpy(self) -> np.ndarray:
        """The values as a numpy array sharing this tensor's memory, as in PyTorch."""
        return self._share()

    def tolist(self) -> Any:
        return np.asarray(self._data).tolist()

    def item(self) -> Any:
        if self._data.size != 1:
            raise ShapeMismatchError(
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

    def __format__(self, format_spec: str) -> str:
        # PyTorch's rule: a 0-d Tensor formats as its number (f"{loss:f}", f"{x}"); anything
        # else (a vector, a Parameter) only without a format spec, as its printout.
        if self.ndim == 0 and type(self) is Tensor:
            return format(self.item(), format_spec)
        if format_spec:
            raise ArgumentTypeError(
                f"unsupported format string {format_spec!r} passed to "
                f"{type(self).__name__}.__format__ (as in PyTorch, only a 0-d tensor formats "
                "as a number); format x.item() or the elements of x.tolist()"
            )
        return str(self)

    def __index__(self) -> int:
        # An integer tensor of one element is an index (range(n), a list's [i]), as in PyTorch.
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise ArgumentTypeError(
                "only integer tensors of a single element can be converted to an index "
                f"(this one is {self.dtype.name}, of shape {tuple(self.shape)})"
            )
        return int(self.item())

    def __repr__(self) -> str:
        data = np.asarray(self._data)
        # PyTorch pads True to the width of False only where a False is shown beside it.
        width = 5 if data.dtype.kind == "b" and not data.all() else 4
        body = np.array2string(
            data,
            separator=", ",
            precision=4,
            prefix="tensor(",
            formatter={"bool": lambda v: str(bool(v)).rjust(width)},
        )
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.name()}>"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self._data.dtype.kind == "c":
            extra = ", dtype=complex128" + extra
        return f"tensor({body}{extra})"

    # --- dtypes and devices --------------------------------------------------

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to("cpu")``, ``to(device, dtype)``, ``to(other)``: a tensor of
        that dtype (float32 is computed in float64, as everywhere in gradcli); itself when
        nothing changes, as in PyTorch."""
        kwargs.pop("non_blocking", None)
        copy = kwargs.pop("copy", False)
        requested = kwargs.pop("dtype", None)
        dtypes.check_device(kwargs.pop("device", None))
        kwargs.pop("memory_format", None)
        if kwargs:
            raise ArgumentTypeError(f"to() got an unexpected keyword {next(iter(kwargs))!r}")
        for arg in args:
            if isinstance(arg, Tensor):
                requested = arg.dtype
            elif isinstance(arg, (str, dtypes.device)) and arg not in dtypes.DTYPES:
                dtypes.check_device(arg)
            else:
                requested = arg
        result = self._as_type(requested)
        return result.clone() if copy and result is self else result

    def _as_type(self, requested: Any) -> Tensor:
        numpy_type = dtypes.storage(requested)
        if numpy_type is None or numpy_type == self._data.dtype:
            return self
        # A new kind of number (float to int64 or bool) is outside the graph, as in PyTorch.
        return wrap(self._data.astype(numpy_type))

    def double(self) -> Tensor:
        return self._as_type(dtypes.float64)

    def float(self) -> Tensor:
        """float32 in PyTorch; gradcli computes in float64, so this is ``double()``."""
        return self._as_type(dtypes.float32)

    def half(self) -> Tensor:
        """float16 in PyTorch; gradcli computes in float64, so this is ``double()``."""
        return self._as_type(dtypes.float16)

    def long(self) -> Tensor:
        return self._as_type(dtypes.int64)

    def int(self) -> Tensor:
        """int32 in PyTorch; gradcli stores integers as int64, so this is ``long()``."""
        return self._as_type(dtypes.int32)

    def bool(self) -> Tensor:
        return self._as_type(dtypes.bool_)

    def type(self, dtype: Any = None) -> Tensor | str:
        """``type()`` names the tensor type as PyTorch does (``gradcli.DoubleTensor``);
        ``type(dtype)`` converts, as ``to(dtype)``, also from PyTorch's type names
        (``"torch.FloatTensor"``)."""
        if dtype is None:
            return f"gradcli.{_TYPE_NAMES[self._data.dtype.kind]}"
        if isinstance(dtype, str):
            name = dtype.rpartition(".")[2]
            if name not in _TYPE_DTYPES:
                raise ArgumentValueError(
                    f"type({dtype!r}): invalid type; gradcli knows {', '.join(_TYPE_DTYPES)}, "
                    "or pass a dtype"
                )
            dtype = _TYPE_DTYPES[name]
        return self._as_type(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self._as_type(other.dtype)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise DeviceError(
            "cuda(): gradcli computes with numpy on the CPU only; leave the tensor where it "
            "is (gradcli.cuda.is_available() is False)"
        )

    # --- autograd ---------------------------------------------------------

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf as needing a gradient (in place); returns the tensor."""
        if not self.is_leaf and not requires_grad:
            raise AutogradError(
                "requires_grad_(False) on a non-leaf tensor; use .detach() to get a "
                "tensor outside the graph"
            )
        if requires_grad and self._data.dtype.kind in "biu":
            raise DtypeError(
                "Only Tensors of floating point and complex dtype can require gradients, and "
                f"this one is {self.dtype.name}; make it with dtype=gradcli.float64 (or a "
                "float in the data: 1.0, not 1) or convert it first: x.double()"
            )
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after ``backward``."""
        if not self.requires_grad:
            raise AutogradError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is not None:
            self.grad_fn._retained = self

    _hooks: dict[int, Any] | None = None  # a leaf's gradient hooks (a non-leaf's are on grad_fn)

    def register_hook(self, hook: Any) -> _function.RemovableHandle:
        """Call ``hook(grad)`` whenever this tensor's gradient is computed; a tensor it
        returns replaces the gradient. ``.remove()`` on the handle takes it off."""
        return _function.register_hook(self, hook)

    def detach(self) -> Tensor:
        """The same values, outside the graph, sharing this tensor's memory and version
        (an in-place change of either is seen by the other, and by backward)."""
        detached = wrap(self._share())
        detached._counter = self._shared_counter()
        return detached

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
        """Write ``compute(self)`` into this tensor's memory; the one path every in-place
        op takes. While recording, the computation becomes the tensor's history (a
        view's base takes a ``CopySlices`` of it), as in PyTorch."""
        base = self._base
        if _function._mode.enabled:
            self._check_inplace(name)
        old = wrap(self._data)
        old.requires_grad, old.grad_fn = self.requires_grad, self.grad_fn
        new = compute(old)
        node = new.grad_fn
        if node is not None:
            if base is not None and self._made_without_grad:
                raise AutogradError(_NO_GRAD_VIEW.format(name=name))
            # The graph may have saved the old values (mul_ needs them for the other
            # factor's gradient): they keep a copy, which the write below cannot reach.
            old._data = np.array(old._data)
        self._write(name, new._data)
        counter = self._shared_counter()
        counter.value += 1
        if node is not None:
            if base is None:
                self._take_history(node)
            else:
                self._rebase(new)
            if counter.viewed:  # the views made before now show values of another history
                counter.history += 1
                _function._views_changed = True
                if base is not None:
                    self._view_history = counter.history
        return self

    def _check_inplace(self, name: str) -> None:
        """Refuse, before anything changes, an in-place op that would make a gradient wrong."""
        if self.requires_grad and self.grad_fn is None:
            raise AutogradError(
                f"{name}: a leaf tensor that requires grad (shape {tuple(self.shape)}) is "
                "being used in an in-place operation, which would make its gradient "
                "wrong; nothing was changed. Use an out-of-place operation (w = w + 1), "
                "or wrap the update in `with gradcli.no_grad():`."
            )
        base = self._base
        if base is None or not base.requires_grad:
            return
        if self._made_without_grad:
            raise AutogradError(_NO_GRAD_VIEW.format(name=name))
        if base.grad_fn is None:
            raise AutogradError(
                f"{name}: a view of a leaf tensor that requires grad (the leaf's shape is "
                f"{tuple(base.shape)}) is being used in an in-place operation, which would "
                "make the leaf's gradient wrong; nothing was changed. Change it under "
                "`with gradcli.no_grad():`, or change a clone() of the leaf."
            )
        if self._view_history != self._counter.history:
            self._refresh()

    def _write(self, name: str, values: Any) -> None:
        """Put ``values`` (of this tensor's shape) into its memory, where every alias sees them."""
        data = self._share()
        values = np.asarray(values)
        if values.shape != data.shape:
            raise ShapeMismatchError(
                f"{name}: output with shape {list(data.shape)} doesn't match the broadcast "
                f"shape {list(values.shape)}; an in-place operation cannot change a "
                "tensor's shape (use an out-of-place one: x = x + y)"
            )
        if not np.can_cast(values.dtype, data.dtype, "same_kind"):
            # PyTorch's rule: an in-place result keeps the tensor's kind or a lower one (an
            # integer into a float tensor, never a float into an integer one).
            raise DtypeError(
                f"{name}: result type {dtypes.of_array(values.dtype).name} can't be cast to "
                f"the desired output type {self.dtype.name}; nothing was changed. Convert "
                "the tensor first (x = x.double()), or use an out-of-place operation."
            )
        if data.flags.writeable:
            np.copyto(data, values, casting="unsafe")
            return
        if any(step == 0 and n > 1 for step, n in zip(data.strides, data.shape, strict=True)):
            raise AutogradError(
                f"{name}: unsupported operation: more than one element of the written-to "
                "tensor refers to a single memory location (it was made by expand()); "
                "nothing was changed. Please clone() the tensor first."
            )
        base = self._base
        if (
            base is None
            or not base._share().flags.writeable
            or not np.may_share_memory(base._data, data)  # the base took another array
        ):
            raise AutogradError(
                f"{name}: the tensor's memory is read-only (a read-only numpy array); "
                "nothing was changed. clone() it first."
            )
        # A view of an expand()ed tensor whose elements are distinct (e[0]): numpy keeps
        # it read-only, so the values go to their places in the base's array.
        from gradcli.autograd.ops.shape import region

        np.put(base._data, region(base.shape, self._view_steps), values)

    def _take_history(self, node: _function.Node) -> None:
        """Make ``node`` this tensor's history (after an in-place op recorded it)."""
        if self.grad_fn is not None and self.grad_fn._retained is self:
            # retain_grad() follows the tensor to its new history, as in PyTorch.
            self.grad_fn._retained, node._retained = None, self
        self.grad_fn, self.requires_grad = node, True

    def _rebase(self, new: Tensor) -> None:
        """After this view took ``new``'s values in place: its base's history becomes the
        old base with the view's region replaced (``CopySlices``), and the view's history
        becomes its place in that base, so gradients reach both the base's old history
        and ``new``'s."""
        from gradcli.autograd.ops.shape import CopySlices, replay

        base = self._base
        assert base is not None
        old_base = wrap(base._data)
        old_base.requires_grad, old_base.grad_fn = base.requires_grad, base.grad_fn
        base._take_history(CopySlices.apply(old_base, new, self._view_steps).grad_fn)
        self._take_history(replay(base, self._view_steps).grad_fn)

    def _refresh(self) -> None:
        """Take this view's history again from its base, whose history changed since
        (an in-place change of the base or of another view of it); PyTorch regenerates a
        view's ``grad_fn`` the same way. Called while recording."""
        from gradcli.autograd.ops.shape import replay

        if self._made_without_grad:
            raise AutogradError(
                "a view made under no_grad is being used with grad mode on after its "
                "base, or another view of that base, was changed in place while recording; "
                "that is ambiguous (should its gradient reach the base?), so it is refused, "
                "as in PyTorch. Make the view again outside no_grad, or use it inside no_grad."
            )
        base = self._base
        assert base is not None
        self._view_history = self._counter.history
        if base.requires_grad:
            recording = _function._set_grad_enabled(True)  # backward may run under no_grad
            try:
                fresh = replay(base, self._view_steps)
            finally:
                _function._set_grad_enabled(recording)
            self.grad_fn, self.requires_grad = fresh.grad_fn, True

    def _overwrite(self, name: str, values: Any) -> Tensor:
        """Set every element to ``values`` (broadcast to this shape), in place.

        While recording this goes through ``where``, so the old values get a zero
        gradient and a tensor ``values`` gets its gradient (PyTorch's zero_, fill_,
        copy_); a bare array would leave the old graph attached to the new values.
        """
        try:
            array = np.broadcast_to(to_array(values), self.shape).astype(self._data.dtype)
        except ValueError:
            raise ShapeMismatchError(
                f"{name}: a tensor of shape {tuple(np.shape(to_array(values)))} cannot be "
                f"copied into one of shape {tuple(self.shape)} (it must broadcast to it)"
            ) from None
        source_requires_grad = isinstance(values, Tensor) and values.requires_grad

        def compute(old: Tensor) -> Tensor:
            # Decided here, on the old values: a view's history is brought up to date
            # (and may require grad now) only once the in-place op has begun.
            if not (_function._mode.enabled and (old.requires_grad or source_requires_grad)):
                return wrap(array)
            keep_none = wrap(np.zeros(self.shape, dtype=bool))
            return old.where(keep_none, values if source_requires_grad else wrap(array))

        return self._inplace(name, compute)

    def zero_(self) -> Tensor:
        return self._overwrite("zero_()", 0)

    def fill_(self, value: Any) -> Tensor:
        return self._overwrite("fill_()", value)

    def add_(self, other: Any) -> Tensor:
        return self._inplace("add_()", lambda t: t + other)

    def sub_(self, other: Any) -> Tensor:
        return self._inplace("sub_()", lambda t: t - other)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace("mul_()", lambda t: t * other)

    def div_(self, other: Any) -> Tensor:
        return self._inplace("div_()", lambda t: t / other)

    def copy_(self, other: Any) -> Tensor:
        return self._overwrite("copy_()", other)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return self._inplace("masked_fill_()", lambda t: t.masked_fill(mask, value))

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Tensor:
        return self._inplace("index_add_()", lambda t: t.index_add(dim, index, source, alpha=alpha))

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._inplace("clamp_()", lambda t: t.clamp(min, max))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with normal draws of ``mean`` and ``std`` (from gradcli's generator, or
        ``generator``), in place; recorded with a zero gradient, as in PyTorch."""
        from gradcli.autograd.creation import drawn_from, floating_only, normal_draws

        floating_only("normal_()", self.dtype)
        draws = normal_draws(drawn_from(generator), mean, std, self.shape)
        return self._overwrite("normal_()", draws)

    def uniform_(
        self, from_: float = 0.0, to: float = 1.0, *, generator: Any = None, **named: Any
    ) -> Tensor:
        """Fill with uniform draws in [from, to) (PyTorch names the first bound ``from``),
        in place; recorded with a zero gradient, as in PyTorch."""
        from gradcli.autograd.creation import drawn_from, floating_only

        if "from" in named:
            from_ = named.pop("from")
        if named:
            raise ArgumentTypeError(f"uniform_() got an unexpected keyword {next(iter(named))!r}")
        floating_only("uniform_()", self.dtype)
        low, high = float(from_), float(to)
        if low > high:
            raise ArgumentValueError(
                f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}"
            )
        return self._overwrite("uniform_()", drawn_from(generator).uniform(low, high, self.shape))

    # In-place forms of the scatters (#22), recorded as their out-of-place ops are.
    def scatter_(
        self, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
    ) -> Tensor:
        return self._inplace(
            "scatter_()", lambda t: t.scatter(dim, index, src, value=value, reduce=reduce)
        )

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Tensor:
        return self._inplace("scatter_add_()", lambda t: t.scatter_add(dim, index, src))

    def scatter_reduce_(
        self, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True
    ) -> Tensor:
        return self._inplace(
            "scatter_reduce_()",
            lambda t: t.scatter_reduce(dim, index, src, reduce, include_self=include_self),
        )

    def __setitem__(self, key: Any, value: Any) -> None:
        """``x[key] = value``, masks included; recorded as PyTorch's ``CopySlices``."""
        from gradcli.autograd.ops.shape import index_put

        self._inplace("x[index] = value", lambda t: index_put(t, key, value))

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_


_NO_GRAD_VIEW = (
    "{name}: a view made under no_grad is being changed in place with grad mode on, "
    "which is ambiguous (should the base's gradient see the change?), so it is refused, "
    "as in PyTorch; nothing was changed. Make the view and change it both inside the "
    "no_grad block (not recorded) or both outside (recorded)."
)

# PyTorch's legacy type names: Tensor.type() answers with them, and type("torch.X") takes them.
_TYPE_NAMES = {
    "f": "DoubleTensor",
    "i": "LongTensor",
    "b": "BoolTensor",
    "c": "ComplexDoubleTensor",
}
_TYPE_DTYPES = {
    "DoubleTensor": dtypes.float64,
    "FloatTensor": dtypes.float32,
    "LongTensor": dtypes.int64,
    "IntTensor": dtypes.int32,
    "BoolTensor": dtypes.bool_,
}


def wrap(array: Any) -> Tensor:
    """A new tensor, outside the graph, holding ``array`` itself: no copy and no checks,
    which is why the engine and the packages above it make tensors this way. An in-place
    op on the tensor writes into the array, and writes into the array change the tensor.

    ``array`` must be what a tensor stores: a numpy array or numpy scalar of float64
    (complex128, bool or int64 where those kinds are meant), as :func:`to_array` gives;
    anything else is :func:`gradcli.tensor`'s or :func:`gradcli.from_numpy`'s to convert.
    ``Tensor.numpy()`` is the way back: the array, sharing the tensor's memory.
    """
    tensor = Tensor.__new__(Tensor)
    tensor._data = array
    return tensor


def as_tensor(value: Any) -> Tensor:
    """``value`` if it is a tensor, else a constant tensor of it.

    A Python number keeps its kind, so that it takes part in PyTorch's promotion as its
    weak scalars do: ``int_tensor + 2`` stays int64, ``int_tensor + 2.5`` and
    ``float_tensor + 2`` are float64, ``bool_tensor + True`` stays bool.
    """
    if isinstance(value, Tensor):
        return value
    kind = type(value)
    if kind is float:
        return wrap(np.float64(value))
    if kind is int:
        # Beyond int64 a whole number is a float, as numpy and PyTorch's floats take it.
        return wrap(np.int64(value) if -_INT64_END <= value < _INT64_END else np.float64(value))
    if kind is bool:
        return wrap(np.bool_(value))
    return wrap(to_array(value))


_INT64_END = 2**63
