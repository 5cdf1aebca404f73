"""Linear algebra: matrix products (matmul, mm, mv, dot, outer), einsum, cross and trace."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import shapes
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import Function, Node
from gradcli.autograd.ops._helpers import _numeric, _two_input, unbroadcast
from gradcli.autograd.ops.reductions import sum
from gradcli.autograd.ops.shape import IndexAdd, diagonal, stack
from gradcli.autograd.tensor import Tensor, as_tensor, wrap
from gradcli.errors import ArgumentTypeError, ShapeMismatchError

# The operations, as gradcli.X (and, unless ops/__init__ says otherwise, as tensor methods).
__all__ = ["matmul", "dot", "mm", "mv", "outer", "cross", "trace", "einsum"]


def _matmul_shape(xs: tuple[int, ...], ys: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``x @ y`` (ValueError where the batch dimensions do not broadcast)."""
    batch = np.broadcast_shapes(xs[:-2], ys[:-2])
    return (*batch, *xs[-2:-1], *(ys[-1:] if len(ys) > 1 else ()))


class Matmul(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim == 0 or y.ndim == 0:
            raise ShapeMismatchError(
                f"@: matmul needs operands with at least one dimension, got shapes "
                f"{tuple(x.shape)} and {tuple(y.shape)}; use * for scalars"
            )
        ctx.save_for_backward(x, y)
        if x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0]:
            try:
                shape = _matmul_shape(x.shape, y.shape)
            except ValueError:
                raise ShapeMismatchError(
                    f"@: the batch dimensions of shapes {tuple(x.shape)} and "
                    f"{tuple(y.shape)} cannot be broadcast together"
                ) from None
            check_size(math.prod(shape), "@", shape)
        try:
            return wrap(np.matmul(x._data, y._data))
        except ValueError:
            inner_y = y.shape[-2] if y.ndim > 1 else y.shape[0]
            raise ShapeMismatchError(
                f"@: shapes {tuple(x.shape)} and {tuple(y.shape)} do not fit: the last "
                f"dimension on the left ({x.shape[-1]}) must equal the "
                f"{'second-to-last' if y.ndim > 1 else 'only'} one on the right ({inner_y})"
            ) from None

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        # Treat vectors as 1-by-n and n-by-1 matrices, then undo it.
        x2 = x.reshape((1, x.shape[0])) if x.ndim == 1 else x
        y2 = y.reshape((y.shape[0], 1)) if y.ndim == 1 else y
        batch = np.broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
        g = grad_output.reshape((*batch, x2.shape[-2], y2.shape[-1]))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = unbroadcast(g @ y2.mT, x2.shape).reshape(x.shape)
        if ctx.needs_input_grad[1]:
            gy = unbroadcast(x2.mT @ g, y2.shape).reshape(y.shape)
        return gx, gy


class Dot(Function):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Tensor:
        if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
            raise ShapeMismatchError(
                f"dot: needs two vectors of the same length, got shapes {tuple(x.shape)} "
                f"and {tuple(y.shape)}"
            )
        ctx.save_for_backward(x, y)
        return wrap(np.dot(x._data, y._data))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (grad_output * y if need_x else None), (grad_output * x if need_y else None)


matmul = _two_input(Matmul, "Matrix product with numpy's rules for vectors and batches (x @ y).")


def dot(input: Any, tensor: Any) -> Tensor:
    """Inner product of two vectors of the same length."""
    return Dot.apply(as_tensor(input), as_tensor(tensor))


def mm(input: Any, mat2: Any) -> Tensor:
    """The product of two matrices (no broadcasting, as in PyTorch)."""
    x, y = as_tensor(input), as_tensor(mat2)
    if x.ndim != 2 or y.ndim != 2:
        raise ShapeMismatchError(
            f"mm multiplies two matrices, not shapes {tuple(x.shape)} and {tuple(y.shape)}; "
            "matmul (or @) takes vectors and batches"
        )
    return Matmul.apply(x, y)


def mv(input: Any, vec: Any) -> Tensor:
    """The product of a matrix and a vector (no broadcasting, as in PyTorch)."""
    m, v = as_tensor(input), as_tensor(vec)
    if m.ndim != 2 or v.ndim != 1:
        raise ShapeMismatchError(
            f"mv multiplies a matrix by a vector, not shapes {tuple(m.shape)} and "
            f"{tuple(v.shape)}; matmul (or @) takes other shapes"
        )
    if m.shape[1] != v.shape[0]:
        raise ShapeMismatchError(
            f"mv: a matrix of shape {tuple(m.shape)} cannot multiply a vector of length "
            f"{v.shape[0]} (it needs {m.shape[1]})"
        )
    return Matmul.apply(m, v)


def outer(input: Any, vec2: Any) -> Tensor:
    """The outer product of two vectors: out[i, j] = x[i] * y[j]."""
    x, y = as_tensor(input), as_tensor(vec2)
    if x.ndim != 1 or y.ndim != 1:
        raise ShapeMismatchError(
            f"outer takes two vectors, not shapes {tuple(x.shape)} and {tuple(y.shape)}"
        )
    return x.reshape((x.shape[0], 1)) * y.reshape((1, y.shape[0]))


def cross(input: Any, other: Any, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along dim (broadcasting the rest); without dim, along
    the first dimension of size 3, as PyTorch's (deprecated) default."""
    x, y = as_tensor(input), as_tensor(other)
    shape = shapes.broadcast("cross", x.shape, y.shape)
    if dim is None:
        threes = [i for i, n in enumerate(shape) if n == 3]
        if not threes:
            raise ShapeMismatchError(
                f"cross: no dimension of size 3 in shape {tuple(shape)}; give dim="
            )
        axis = threes[0]
    else:
        axis = shapes.axis(dim, len(shape), "cross")
    if not shape or shape[axis] != 3:
        raise ShapeMismatchError(
            f"cross: dimension {dim} must have length 3, not {shape[axis] if shape else 0} "
            f"(shapes {tuple(x.shape)} and {tuple(y.shape)})"
        )
    x, y = x.expand(*shape), y.expand(*shape)
    lead = (slice(None),) * axis
    a = [x[(*lead, i)] for i in range(3)]
    b = [y[(*lead, i)] for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return stack(parts, dim=axis)


def trace(input: Any) -> Tensor:
    """The sum of a matrix's diagonal."""
    x = as_tensor(input)
    if x.ndim != 2:
        raise ShapeMismatchError(
            f"trace: expected a matrix, but got a tensor of shape {tuple(x.shape)}"
        )
    return sum(diagonal(x))


# --- einsum ----------------------------------------------------------------------------------


class Einsum(Function):
    """numpy's einsum of an explicit equation (``"ij,jk->ik"``, letters only); a letter of
    size 1 in one operand broadcasts against the others, as in PyTorch. Each operand's
    gradient is an einsum of the incoming gradient with the other operands."""

    node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx: Node, equation: str, *tensors: Tensor) -> Tensor:
        terms, output = _terms(equation)
        sizes = _letter_sizes(terms, tensors)
        ctx.terms, ctx.output, ctx.sizes = terms, output, sizes
        ctx.save_for_backward(*tensors)
        arrays = [
            np.broadcast_to(_numeric(t._data), tuple(sizes[c] for c in term))
            for term, t in zip(terms, tensors, strict=True)
        ]
        check_size(math.prod(sizes[c] for c in output), "einsum")
        return wrap(np.asarray(np.einsum(equation, *arrays, optimize=len(arrays) > 1)))

    @staticmethod
    def backward(ctx: Node, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        tensors = ctx.saved_tensors
        grads: list[Tensor | None] = [None]
        for i, (term, t) in enumerate(zip(ctx.terms, tensors, strict=True)):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [(ctx.terms[j], tensors[j]) for j in range(len(tensors)) if j != i]
            grads.append(_einsum_grad(term, t.shape, ctx.output, grad_output, others, ctx.sizes))
        return tuple(grads)


def _einsum_grad(
    term: str,
    shape: tuple[int, ...],
    output: str,
    grad: Tensor,
    others: list[tuple[str, Tensor]],
    sizes: dict[str, int],
) -> Tensor:
    """The gradient of one operand (subscripts ``term``, of ``shape``)."""
    letters = "".join(dict.fromkeys(term))  # each letter once, in order
    seen = set(output).union(*(set(t) for t, _ in others))
    kept = "".join(c for c in letters if c in seen)
    equation = ",".join([output, *(t for t, _ in others)]) + "->" + kept
    g = Einsum.apply(equation, grad, *(o for _, o in others))
    # Letters of this operand alone were summed away: each element had the same weight (and
    # a letter of size 1 in the others is broadcast back to this operand's size).
    g = g.reshape(tuple(g.shape[kept.index(c)] if c in kept else 1 for c in letters))
    g = g.expand(*(sizes[c] for c in letters))
    if len(letters) < len(term):
        # A repeated letter (a diagonal, "ii->i"): the gradient goes back onto the diagonal.
        grids = np.indices(tuple(sizes[c] for c in letters), sparse=True)
        key = tuple(grids[letters.index(c)] for c in term)
        g = IndexAdd.apply(g, key, tuple(sizes[c] for c in term))
    return unbroadcast(g, shape)


def _terms(equation: str) -> tuple[list[str], str]:
    inputs, output = equation.split("->")
    return inputs.split(","), output


def _letter_sizes(terms: list[str], tensors: Sequence[Tensor]) -> dict[str, int]:
    """Each letter's size: equal in every operand, or 1 there (broadcast)."""
    sizes: dict[str, int] = {}
    for k, (term, t) in enumerate(zip(terms, tensors, strict=True)):
        within: dict[str, int] = {}
        for c, n in zip(term, t.shape, strict=True):
            if within.setdefault(c, n) != n:
                raise ShapeMismatchError(
                    f"einsum: subscript {c} is repeated for operand {k} but its sizes differ, "
                    f"{within[c]} != {n}"
                )
            known = sizes.setdefault(c, n)
            if known != n and 1 not in (known, n):
                raise ShapeMismatchError(
                    f"einsum: subscript {c} has size {n} for operand {k}, which does not "
                    f"broadcast with the size {known} it has before"
                )
            if known == 1:  # a size 1 broadcasts to the other (0 included)
                sizes[c] = n
    return sizes


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, PyTorch's rules: ``"ij,jk->ik"``, an implicit output (the letters
    seen once, in alphabetical order), ``...`` for broadcast dimensions, a repeated letter
    for a diagonal (``"ii->i"``) or a trace (``"ii"``); operands given one by one or as a list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [as_tensor(t) for t in operands]
    if not isinstance(equation, str):
        raise ArgumentTypeError("einsum: the equation comes first, as in einsum('ij,jk', a, b)")
    return Einsum.apply(_explicit(equation, tensors), *tensors)


def _explicit(equation: str, tensors: list[Tensor]) -> str:
    """The equation with its output written out and each ``...`` as letters of its own."""
    text = equation.replace(" ", "")
    if text.count("->") > 1:
        raise ShapeMismatchError(f"einsum: {equation!r} has more than one '->'")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(tensors):
        fewer = "fewer" if len(tensors) < len(terms) else "more"
        raise ShapeMismatchError(
            f"einsum: {fewer} operands ({len(tensors)}) were given than the equation "
            f"{equation!r} has terms ({len(terms)})"
        )
    for part in [*terms, output]:
        bad = [c for c in part.replace("...", "") if c not in _LETTERS]
        if bad:
            raise ShapeMismatchError(
                f"einsum: {bad[0]!r} in {equation!r} is not a subscript: subscripts are the "
                "letters a-z and A-Z, with ... for broadcast dimensions"
            )
    # Each operand's ... stands for its dimensions that no letter names, right-aligned
    # (broadcast) against the others': letters the equation does not use.
    spare = [c for c in _LETTERS if c not in text]
    hidden = []
    for k, (term, t) in enumerate(zip(terms, tensors, strict=True)):
        letters = len(term.replace("...", ""))
        if term.count("...") > 1:
            raise ShapeMismatchError(f"einsum: operand {k}'s subscripts have more than one ...")
        if ("..." in term and letters > t.ndim) or ("..." not in term and letters != t.ndim):
            raise ShapeMismatchError(
                f"einsum: operand {k} has {t.ndim} dimensions, and its subscripts {term!r} "
                f"name {letters}"
            )
        hidden.append(t.ndim - letters)
    dots = "".join(spare[: max(hidden, default=0)])
    written = [
        term.replace("...", dots[len(dots) - n :] if n else "")
        for term, n in zip(terms, hidden, strict=True)
    ]
    if arrow:
        result = output.replace("...", dots)
        for c in result:
            if result.count(c) > 1:
                raise ShapeMismatchError(f"einsum: output subscript {c} appears more than once")
            if not any(c in term for term in written):
                raise ShapeMismatchError(
                    f"einsum: output subscript {c} does not appear in any input's subscripts"
                )
    else:
        counts = "".join(written)
        result = dots + "".join(
            sorted(c for c in set(counts) if counts.count(c) == 1 and c not in dots)
        )
    return ",".join(written) + "->" + result
