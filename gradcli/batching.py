"""Many rows at once: every operation of the language with a row axis carried first.

This is JAX's ``vmap`` for gradcli's language. A value that differs from row to
row is :class:`Batched`: a value of the run's algebra (a tensor, a Taylor
series, an array) whose first axis is the row axis, and whose ``shape`` is one
row's. Every operation has a batching rule that says where the row axis goes:
elementwise operations line it up with their other arguments, a reduction or
``softmax`` shifts its ``dim`` by one, ``stack`` and ``cat`` shift their axis,
``@`` and ``dot`` become batched products, indexing keeps the row axis whole,
and creation functions make one value for every row. One evaluation then
computes every row's value, and one backward pass every row's gradient: the
rows never meet, so the gradient of their sum is each row's own.

A rule is named by the registry's ``batch`` entry (:data:`KINDS`); an operation
without one (a plugin's) runs row by row inside the batched evaluation, which is
slower but gives each row its own answer all the same. Arguments that fit no
rule (a ``dim`` out of range, shapes that do not match) take that path too, so
the error a user reads is the single point's.

Control flow reads one value for every row (:func:`settle`): a condition, a
``range``, an index. Where the rows disagree, :class:`Diverged` says how they
split, and the caller evaluates each group of rows on its own path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from gradcli.language.values import Algebra, Elements
from gradcli.registry import OPS, OpInfo


class Batched:
    """A value of the algebra with the row axis first; ``shape`` is one row's."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    @property
    def rows(self) -> int:
        return self.value.shape[0]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape[1:])

    @property
    def ndim(self) -> int:
        return len(self.value.shape) - 1

    def __getitem__(self, key: tuple[Any, ...]) -> Batched:
        key = key if isinstance(key, tuple) else (key,)
        value = self.value[(slice(None), *key)]
        picked = [i for i, k in enumerate(key) if not isinstance(k, slice)]
        if picked and picked[-1] - picked[0] + 1 != len(picked):
            # Indices a slice separates put their axes first, in numpy as in PyTorch:
            # here before the row axis, which goes back in front of them.
            axes = len(np.broadcast_shapes(*(_index_shape(key[i]) for i in picked)))
            value = _permute(value, (axes, *range(axes), *range(axes + 1, len(value.shape))))
        return Batched(value)

    @property
    def T(self) -> Batched:
        # .T reverses a value's dimensions; here those of each row.
        return Batched(_permute(self.value, (0, *range(self.ndim, 0, -1))))

    def __repr__(self) -> str:
        return f"Batched({self.value!r})"


class Diverged(Exception):
    """The rows disagree on a value control flow reads; ``labels`` groups them (one
    label per row, the same label for rows that agree)."""

    def __init__(self, labels: np.ndarray):
        super().__init__("the rows take different paths")
        self.labels = labels


def settle(value: Any) -> Any:
    """A value that control flow, an index or a size reads, the same for every row: a
    batched value that all rows agree on becomes the first row's (as plain numbers).

    Raises :class:`Diverged` where they disagree.
    """
    if not isinstance(value, Batched):
        if isinstance(value, Elements):
            return Elements(settle(v) for v in value)
        return value
    data = _numbers(value.value)
    flat = data.reshape(len(data), -1)
    first = flat[:1]
    if bool(np.all((flat == first) | (np.isnan(flat) & np.isnan(first)))):
        return data[0]
    # np.unique over rows does not group NaN with NaN: a mask of where they are does.
    nan = np.isnan(flat)
    key = np.concatenate([np.where(nan, 0.0, flat), nan], axis=1)
    _, labels = np.unique(key, axis=0, return_inverse=True)
    raise Diverged(labels.reshape(-1))


def batched_algebra(base: Algebra) -> Algebra:
    """``base`` with a batching rule around each operation: values may be :class:`Batched`."""
    return Algebra(
        base.name,
        _Functions(base),
        functools.partial(_stack_literal, base),
        base.constant,
        settle,
    )


# --- the algebra's operations, each behind its rule -----------------------------------------


class _Functions(Mapping[str, OpInfo]):
    """The base algebra's operations, each wrapped in its batching rule when first used."""

    def __init__(self, base: Algebra):
        self._base = base
        self._wrapped: dict[str, OpInfo] = {}

    def __getitem__(self, name: str) -> OpInfo:
        info = self._wrapped.get(name)
        if info is None:
            inner = self._base.functions[name]
            function = _batching(self._base, name, inner.function)
            info = self._wrapped[name] = replace(inner, function=function)
        return info

    def __iter__(self) -> Iterator[str]:
        return iter(self._base.functions)

    def __len__(self) -> int:
        return len(self._base.functions)

    def __contains__(self, name: object) -> bool:
        return name in self._base.functions


Rule = Callable[["_Call"], Any]


class _Call:
    """One call of an operation with batched arguments: what a rule works with."""

    __slots__ = ("args", "base", "function", "kwargs", "name", "rows")

    def __init__(self, base: Algebra, name: str, function: Any, args: Any, kwargs: Any):
        self.base, self.name, self.function = base, name, function
        self.args, self.kwargs = args, kwargs
        self.rows = next(v.rows for v in _flat([*args, *kwargs.values()]) if isinstance(v, Batched))

    def op(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Another operation of the base algebra (on unbatched values)."""
        return self.base.functions[name].function(*args, **kwargs)

    def reshape(self, value: Any, shape: Sequence[int]) -> Any:
        return self.op("reshape", value, *shape)

    def lift(self, value: Any, ndim: int) -> Any:
        """A batched value with unit axes after the row axis, to ``ndim`` per row, so that
        broadcasting lines its rows up with the other arguments'; others as they are."""
        if not isinstance(value, Batched):
            return value
        missing = ndim - value.ndim
        if missing <= 0:
            return value.value
        return self.reshape(value.value, (self.rows, *(1,) * missing, *value.shape))

    def spread(self, value: Any) -> Any:
        """Any value as a batched one's underlying value: the same for every row."""
        if isinstance(value, Batched):
            return value.value
        shape = tuple(np.shape(value)) if not hasattr(value, "shape") else tuple(value.shape)
        ones = self.base.constant(np.ones((self.rows, *shape)))
        # 1*v is v for every float (-0.0, inf and NaN included), and it keeps v's graph.
        return self.op("mul", ones, value)

    def bound(self) -> inspect.BoundArguments:
        """The arguments bound to the language's signature of the operation."""
        return _signature(OPS[self.name].function).bind(*self.args, **self.kwargs)

    def row_by_row(self) -> Batched:
        """The operation on each row alone: each row's answer is the single point's."""
        results = []
        for i in range(self.rows):
            args = [_row(a, i) for a in self.args]
            kwargs = {k: _row(v, i) for k, v in self.kwargs.items()}
            results.append(self.function(*args, **kwargs))
        return Batched(self.base.stack(results))


def _batching(base: Algebra, name: str, function: Any) -> Callable[..., Any]:
    rule = rule_of(name)

    def call(*args: Any, **kwargs: Any) -> Any:
        if not any(isinstance(v, Batched) for v in _flat([*args, *kwargs.values()])):
            return function(*args, **kwargs)
        return rule(_Call(base, name, function, args, kwargs))

    call.__name__ = call.__qualname__ = name
    if name in OPS:
        call.__signature__ = _signature(OPS[name].function)  # type: ignore[attr-defined]
    return call


def rule_of(name: str) -> Rule:
    """The batching rule of operation ``name``: its registry entry names one of
    :data:`KINDS` or gives a function; without either, row by row."""
    info = OPS.get(name)
    kind = info.batch if info is not None else None
    if callable(kind):
        return _declared(kind)
    return KINDS.get(kind, _row_by_row) if kind else _row_by_row


def _declared(rule: Callable[..., Any]) -> Rule:
    """A rule a plugin gives: called as the operation, with batched values among the
    arguments; it returns a :class:`Batched`."""

    def apply(call: _Call) -> Any:
        return rule(call.function, *call.args, **call.kwargs)

    return apply


# --- the rules ------------------------------------------------------------------------------


def _row_by_row(call: _Call) -> Batched:
    return call.row_by_row()


def _elementwise(call: _Call) -> Batched:
    values = [*call.args, *call.kwargs.values()]
    ndim = max((_ndim(v) for v in _flat(values)), default=0)
    args = [call.lift(a, ndim) for a in call.args]
    kwargs = {k: call.lift(v, ndim) for k, v in call.kwargs.items()}
    return Batched(call.function(*args, **kwargs))


def _dimension(dim: Any, ndim: int) -> int | None:
    """``dim`` of a value with ``ndim`` dimensions per row, as a dimension of the batched
    value; None where the single point would refuse it."""
    dim = settle(dim)
    if isinstance(dim, bool) or not np.isscalar(dim) or dim != int(dim):
        return None
    dim, size = int(dim), max(ndim, 1)
    if not -size <= dim < size:
        return None
    return dim % size + 1


def _reduction(call: _Call) -> Batched:
    bound = call.bound()
    first = next(iter(bound.arguments))
    x = bound.arguments[first]
    if not isinstance(x, Batched) or any(
        isinstance(v, Batched) for k, v in bound.arguments.items() if k != first
    ):
        return call.row_by_row()
    dim = bound.arguments.get("dim")
    keepdim = bool(settle(bound.arguments.get("keepdim", False)))
    ndim = x.ndim
    if dim is None or ndim == 0:
        # The whole of each row: its elements in one axis.
        if dim is not None and _dimension(dim, ndim) is None:
            return call.row_by_row()
        bound.arguments[first] = call.reshape(x.value, (call.rows, -1))
        bound.arguments["dim"], bound.arguments["keepdim"] = 1, False
        result = call.function(*bound.args, **bound.kwargs)
        kept = (1,) * ndim if keepdim and dim is None else ()
        return Batched(call.reshape(result, (call.rows, *kept)))
    shifted = _dimension(dim, ndim)
    if shifted is None:
        return call.row_by_row()
    bound.arguments[first], bound.arguments["dim"] = x.value, shifted
    return Batched(call.function(*bound.args, **bound.kwargs))


def _extremum(call: _Call) -> Batched:
    """max/min: of two values elementwise, or a reduction of one."""
    return _elementwise(call) if len(call.args) > 1 else _reduction(call)


def _along(call: _Call) -> Batched:
    """softmax and log_softmax: a dimension kept, the values along it normalised."""
    bound = call.bound()
    first = next(iter(bound.arguments))
    x = bound.arguments[first]
    if not isinstance(x, Batched):
        return call.row_by_row()
    # Only dim's default: the others (the engine's dtype=None) the Taylor algebra lacks.
    dim = bound.arguments.get("dim", bound.signature.parameters["dim"].default)
    shifted = _dimension(dim, x.ndim)
    if shifted is None:
        return call.row_by_row()
    value = x.value if x.ndim else call.reshape(x.value, (call.rows, 1))
    bound.arguments[first], bound.arguments["dim"] = value, shifted
    result = call.function(*bound.args, **bound.kwargs)
    return Batched(result if x.ndim else call.reshape(result, (call.rows,)))


def _join(call: _Call) -> Batched:
    """stack and cat: every value given rows, the axis shifted past the row axis."""
    bound = call.bound()
    first = next(iter(bound.arguments))
    values = list(bound.arguments[first])
    shapes = {tuple(getattr(v, "shape", np.shape(v))) for v in values}
    if (len(shapes) > 1 and call.name == "stack") or isinstance(
        bound.arguments.get("dim"), Batched
    ):
        return call.row_by_row()
    ndim = max(_ndim(v) for v in values)
    if call.name == "cat":
        # cat joins a number as a one-element vector.
        values = [_one_element(call, v) if _ndim(v) == 0 else v for v in values]
        ndim = max(ndim, 1)
    else:
        ndim += 1
    bound.apply_defaults()
    shifted = _dimension(bound.arguments["dim"], ndim)
    if shifted is None:
        return call.row_by_row()
    bound.arguments[first] = [call.spread(v) for v in values]
    bound.arguments["dim"] = shifted
    return Batched(call.function(*bound.args, **bound.kwargs))


def _one_element(call: _Call, value: Any) -> Any:
    if isinstance(value, Batched):
        return Batched(call.reshape(value.value, (call.rows, 1)))
    return call.reshape(value, (1,))


def _matmul(call: _Call) -> Batched:
    """x @ y per row: a row's vectors as matrices, then numpy's batched product."""
    if call.kwargs or len(call.args) != 2:
        return call.row_by_row()
    x, y = call.args
    nx, ny = _ndim(x), _ndim(y)
    if nx == 0 or ny == 0:
        return call.row_by_row()
    x = _as_matrix(call, x, row=True)
    y = _as_matrix(call, y, row=False)
    ndim = max(_ndim(x), _ndim(y))
    result = call.op("matmul", call.lift(x, ndim), call.lift(y, ndim))
    shape = tuple(result.shape[1:])
    if nx == 1:
        shape = shape[:-2] + shape[-1:]
    if ny == 1:
        shape = shape[:-1]
    return Batched(call.reshape(result, (call.rows, *shape)))


def _as_matrix(call: _Call, value: Any, row: bool) -> Any:
    """A vector as a one-row (left of @) or one-column (right of @) matrix."""
    if _ndim(value) != 1:
        return value
    batched = isinstance(value, Batched)
    inner = value.value if batched else value
    (n,) = value.shape
    shape = (1, n) if row else (n, 1)
    if batched:
        return Batched(call.reshape(inner, (call.rows, *shape)))
    return call.reshape(inner, shape)


def _dot(call: _Call) -> Batched:
    """The inner product of two vectors per row, as their product x @ y."""
    if call.kwargs or len(call.args) != 2 or any(_ndim(a) != 1 for a in call.args):
        return call.row_by_row()
    x, y = call.args
    if x.shape != y.shape:
        return call.row_by_row()
    return _matmul(call)


def _reshape(call: _Call) -> Batched:
    x, *sizes = call.args
    if not isinstance(x, Batched) or call.kwargs:
        return call.row_by_row()
    sizes = [settle(s) for s in sizes]
    try:
        shape = np.empty(x.shape, dtype=np.bool_).reshape([int(s) for s in sizes]).shape
    except (TypeError, ValueError):
        return call.row_by_row()  # the single point says why
    return Batched(call.reshape(x.value, (call.rows, *shape)))


def _transpose(call: _Call) -> Batched:
    bound = call.bound()
    bound.apply_defaults()
    first = next(iter(bound.arguments))
    x = bound.arguments[first]
    names = [k for k in bound.arguments if k != first]
    dims = [_dimension(bound.arguments[k], x.ndim) if x.ndim else None for k in names]
    if not isinstance(x, Batched) or None in dims:
        return call.row_by_row()
    bound.arguments[first] = x.value
    bound.arguments.update(zip(names, dims))
    return Batched(call.function(*bound.args, **bound.kwargs))


def _loss(call: _Call) -> Batched:
    """A mean loss: the elementwise losses per row, then each row's mean."""
    if call.kwargs or len(call.args) != 2:
        return call.row_by_row()
    x, target = call.args
    if x.shape != target.shape:
        return call.row_by_row()
    ndim = max(_ndim(x), _ndim(target))
    # The loss takes equal shapes: a value every row shares is given rows.
    x, target = (
        call.lift(v, ndim) if isinstance(v, Batched) else call.spread(v) for v in (x, target)
    )
    losses = call.function(x, target, "none")
    flat = call.reshape(losses, (call.rows, -1))
    return Batched(call.op("mean", flat, 1))


def _creation(call: _Call) -> Any:
    """A new value, the same for every row (the random draws too, as at one point)."""
    args = [settle(a) for a in call.args]
    kwargs = {k: settle(v) for k, v in call.kwargs.items()}
    return call.function(*args, **kwargs)


KINDS: dict[str, Rule] = {
    "elementwise": _elementwise,
    "reduction": _reduction,
    "extremum": _extremum,
    "along": _along,
    "join": _join,
    "matmul": _matmul,
    "dot": _dot,
    "reshape": _reshape,
    "transpose": _transpose,
    "loss": _loss,
    "creation": _creation,
    "rows": _row_by_row,
}
"""The batching rules by the name a registry entry gives in its ``batch`` field."""


# --- helpers --------------------------------------------------------------------------------


def _stack_literal(base: Algebra, values: list[Any]) -> Any:
    """An array literal: its elements stacked, with rows if any element has them."""
    batched = [v for v in values if isinstance(v, Batched)]
    if not batched:
        return base.stack(values)
    call = _Call(base, "stack", base.functions["stack"].function, ([*values],), {})
    return _join(call)


def _row(value: Any, i: int) -> Any:
    if isinstance(value, Batched):
        return value.value[i]
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return type(value)(_row(v, i) for v in value)
    return value


def _flat(values: Sequence[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from _flat(value)
        else:
            yield value


def _ndim(value: Any) -> int:
    """A row's number of dimensions (batched) or the value's (others)."""
    return value.ndim if hasattr(value, "ndim") else int(np.ndim(value))


def _index_shape(index: Any) -> tuple[int, ...]:
    """The axes an index gives: none for a number, one for a mask's true elements."""
    if isinstance(index, np.ndarray):
        return (int(index.sum()),) if index.dtype == np.bool_ else index.shape
    return ()


def _permute(value: Any, order: tuple[int, ...]) -> Any:
    if isinstance(value, np.ndarray):
        return value.transpose(order)
    return value.permute(*order)


def _numbers(value: Any) -> np.ndarray:
    """The plain numbers of a value of any algebra (a Taylor series: its value)."""
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(getattr(value, "primal", value))


@functools.cache
def _signature(function: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(function)
