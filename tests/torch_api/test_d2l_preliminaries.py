"""The "Dive into Deep Learning" book's preliminaries under ``import gradcli as torch``.

Chapter 2's PyTorch cells (d2l-ai/d2l-en: chapter_preliminaries/ndarray.md,
linear-algebra.md, calculus.md, autograd.md), transcribed as the book has them. Each
function runs a chapter's cells in order and collects what the notebook shows: the repr of
each cell's last expression and what the cell prints. Only the data changed: a random draw
keeps the book's call and shows its shape and dtype, or is followed by a fixed value.

The expected printouts are PyTorch's, recorded once from torch 2.13.0 running these same
functions: with ``gradcli`` and its submodules aliased to ``torch``'s in ``sys.modules``,
``import gradcli as torch`` imports torch itself, and the book's ``dtype=torch.float32``
asks for float64, as gradcli computes it. At the repository's top:

RECORD = 'python -c "import sys, torch; torch.set_default_dtype(torch.float64);
          torch.float32 = torch.float = torch.float64;
          sys.modules.update({\"gradcli\" + k[5:]: m for k, m in list(sys.modules.items())
                              if k.split(\".\")[0] == \"torch\"});
          from tests.torch_api import test_d2l_preliminaries as t; print(t.PROGRAM())"'

:func:`as_gradcli_prints` turns PyTorch's text into gradcli's by the differences that
docs/pytorch.md lists; the rest must agree character for character, except that PyTorch
pads a tensor of fractions to four decimals where gradcli drops the trailing zeros
(``tensor([0.5000, 1.0000])`` and ``tensor([0.5, 1. ])``): there the numbers are compared
by value, exactly.
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

import gradcli as torch

# --- the chapters ----------------------------------------------------------------------------


def ndarray() -> list[str]:
    """2.1 Data Manipulation."""
    shown: list[str] = []

    def show(value: object) -> None:
        shown.append(repr(value))

    x = torch.arange(12, dtype=torch.float32)
    show(x)
    show(x.numel())
    show(x.shape)
    X = x.reshape(3, 4)
    show(X)
    show(torch.zeros((2, 3, 4)))
    show(torch.ones((2, 3, 4)))
    random = torch.randn(3, 4)  # data: a random draw, shown by its shape and dtype
    show((random.shape, random.dtype))
    show(torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))
    show((X[-1], X[1:3]))
    X[1, 2] = 17
    show(X)
    X[:2, :] = 12
    show(X)
    show(torch.exp(x))
    x = torch.tensor([1.0, 2, 4, 8])
    y = torch.tensor([2, 2, 2, 2])
    show((x + y, x - y, x * y, x / y, x**y))
    X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
    Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
    show((torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)))
    show(X == Y)
    show(X.sum())
    a = torch.arange(3).reshape((3, 1))
    b = torch.arange(2).reshape((1, 2))
    show((a, b))
    show(a + b)
    before = id(Y)
    Y = Y + X
    show(id(Y) == before)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        Z = torch.zeros_like(Y)
        print("id(Z):", id(Z))
        Z[:] = X + Y
        print("id(Z):", id(Z))
    # The book prints the id twice to show it did not change; ids differ between runs.
    first, second = printed.getvalue().splitlines()
    show((first == second, re.sub(r"\d+", "<id>", first)))
    before = id(X)
    X += Y
    show(id(X) == before)
    A = X.numpy()
    B = torch.from_numpy(A)
    show((type(A), type(B)))
    a = torch.tensor([3.5])
    show((a, a.item(), float(a), int(a)))
    return shown


def linear_algebra() -> list[str]:
    """2.3 Linear Algebra."""
    shown: list[str] = []

    def show(value: object) -> None:
        shown.append(repr(value))

    x = torch.tensor(3.0)
    y = torch.tensor(2.0)
    show((x + y, x * y, x / y, x**y))
    x = torch.arange(3)
    show(x)
    show(x[2])
    show(len(x))
    show(x.shape)
    A = torch.arange(6).reshape(3, 2)
    show(A)
    show(A.T)
    A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
    show(A == A.T)
    show(torch.arange(24).reshape(2, 3, 4))
    A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    B = A.clone()  # Assign a copy of A to B by allocating new memory
    show((A, A + B))
    show(A * B)
    a = 2
    X = torch.arange(24).reshape(2, 3, 4)
    show((a + X, (a * X).shape))
    x = torch.arange(3, dtype=torch.float32)
    show((x, x.sum()))
    show((A.shape, A.sum()))
    show((A.shape, A.sum(axis=0).shape))
    show((A.shape, A.sum(axis=1).shape))
    show(A.sum(axis=[0, 1]) == A.sum())  # Same as A.sum()
    show((A.mean(), A.sum() / A.numel()))
    show((A.mean(axis=0), A.sum(axis=0) / A.shape[0]))
    sum_A = A.sum(axis=1, keepdims=True)
    show((sum_A, sum_A.shape))
    show(A / sum_A)
    show(A.cumsum(axis=0))
    y = torch.ones(3, dtype=torch.float32)
    show((x, y, torch.dot(x, y)))
    show(torch.sum(x * y))
    show((A.shape, x.shape, torch.mv(A, x), A @ x))
    B = torch.ones(3, 4)
    show((torch.mm(A, B), A @ B))
    u = torch.tensor([3.0, -4.0])
    show(torch.norm(u))
    show(torch.abs(u).sum())
    show(torch.norm(torch.ones((4, 9))))
    return shown


def calculus() -> list[str]:
    """2.4 Calculus: its numerical limit (numpy only; the rest of the chapter plots)."""

    def f(x):
        return 3 * x**2 - 4 * x

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        for h in 10.0 ** np.arange(-1, -6, -1):
            print(f"h={h:.5f}, numerical limit={(f(1 + h) - f(1)) / h:.5f}")
    # The book plots f and its tangent at 1 over np.arange(0, 3, 0.1); here, autograd's
    # slope there (not the book's code: the tangent 2x - 3 the chapter derives by hand).
    x = torch.tensor(1.0, requires_grad=True)
    f(x).backward()
    return [*printed.getvalue().splitlines(), repr(x.grad)]


def autograd() -> list[str]:
    """2.5 Automatic Differentiation."""
    shown: list[str] = []

    def show(value: object) -> None:
        shown.append(repr(value))

    x = torch.arange(4.0)
    show(x)
    # Can also create x = torch.arange(4.0, requires_grad=True)
    x.requires_grad_(True)
    show(x.grad)  # The gradient is None by default
    y = 2 * torch.dot(x, x)
    show(y)
    y.backward()
    show(x.grad)
    show(x.grad == 4 * x)
    x.grad.zero_()  # Reset the gradient
    y = x.sum()
    y.backward()
    show(x.grad)
    x.grad.zero_()
    y = x * x
    y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
    show(x.grad)
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x

    z.sum().backward()
    show(x.grad == u)
    x.grad.zero_()
    y.sum().backward()
    show(x.grad == 2 * x)

    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:  # noqa: SIM108 (the book's)
            c = b
        else:
            c = 100 * b
        return c

    a = torch.randn(size=(), requires_grad=True)
    show((a.shape, a.requires_grad))
    # data: fixed draws in place of the random one, one through each branch of f
    for value in (0.8125, -1.3):
        with torch.no_grad():
            a.fill_(value)
        a.grad = None
        d = f(a)
        d.backward()
        show((d, a.grad))
        show(a.grad == d / a)
    return shown


# --- PyTorch's printouts, recorded -----------------------------------------------------------

# RECORD with PROGRAM = ndarray.
NDARRAY = [
    'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])',
    '12',
    'torch.Size([12])',
    'tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]])',
    'tensor([[[0., 0., 0., 0.],\n         [0., 0., 0., 0.],\n         [0., 0., 0., 0.]],\n\n        [[0., 0., 0., 0.],\n         [0., 0., 0., 0.],\n         [0., 0., 0., 0.]]])',
    'tensor([[[1., 1., 1., 1.],\n         [1., 1., 1., 1.],\n         [1., 1., 1., 1.]],\n\n        [[1., 1., 1., 1.],\n         [1., 1., 1., 1.],\n         [1., 1., 1., 1.]]])',
    '(torch.Size([3, 4]), torch.float64)',
    'tensor([[2, 1, 4, 3],\n        [1, 2, 3, 4],\n        [4, 3, 2, 1]])',
    '(tensor([ 8.,  9., 10., 11.]), tensor([[ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]]))',
    'tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5., 17.,  7.],\n        [ 8.,  9., 10., 11.]])',
    'tensor([[12., 12., 12., 12.],\n        [12., 12., 12., 12.],\n        [ 8.,  9., 10., 11.]])',
    'tensor([162754.7914, 162754.7914, 162754.7914, 162754.7914, 162754.7914,\n        162754.7914, 162754.7914, 162754.7914,   2980.9580,   8103.0839,\n         22026.4658,  59874.1417])',
    '(tensor([ 3.,  4.,  6., 10.]), tensor([-1.,  0.,  2.,  6.]), tensor([ 2.,  4.,  8., 16.]), tensor([0.5000, 1.0000, 2.0000, 4.0000]), tensor([ 1.,  4., 16., 64.]))',
    '(tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.],\n        [ 2.,  1.,  4.,  3.],\n        [ 1.,  2.,  3.,  4.],\n        [ 4.,  3.,  2.,  1.]]), tensor([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],\n        [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],\n        [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]]))',
    'tensor([[False,  True, False,  True],\n        [False, False, False, False],\n        [False, False, False, False]])',
    'tensor(66.)',
    '(tensor([[0],\n        [1],\n        [2]]), tensor([[0, 1]]))',
    'tensor([[0, 1],\n        [1, 2],\n        [2, 3]])',
    'False',
    "(True, 'id(Z): <id>')",
    'True',
    "(<class 'numpy.ndarray'>, <class 'torch.Tensor'>)",
    '(tensor([3.5000]), 3.5, 3.5, 3)',
]  # fmt: skip

# RECORD with PROGRAM = linear_algebra.
LINEAR_ALGEBRA = [
    '(tensor(5.), tensor(6.), tensor(1.5000), tensor(9.))',
    'tensor([0, 1, 2])',
    'tensor(2)',
    '3',
    'torch.Size([3])',
    'tensor([[0, 1],\n        [2, 3],\n        [4, 5]])',
    'tensor([[0, 2, 4],\n        [1, 3, 5]])',
    'tensor([[True, True, True],\n        [True, True, True],\n        [True, True, True]])',
    'tensor([[[ 0,  1,  2,  3],\n         [ 4,  5,  6,  7],\n         [ 8,  9, 10, 11]],\n\n        [[12, 13, 14, 15],\n         [16, 17, 18, 19],\n         [20, 21, 22, 23]]])',
    '(tensor([[0., 1., 2.],\n        [3., 4., 5.]]), tensor([[ 0.,  2.,  4.],\n        [ 6.,  8., 10.]]))',
    'tensor([[ 0.,  1.,  4.],\n        [ 9., 16., 25.]])',
    '(tensor([[[ 2,  3,  4,  5],\n         [ 6,  7,  8,  9],\n         [10, 11, 12, 13]],\n\n        [[14, 15, 16, 17],\n         [18, 19, 20, 21],\n         [22, 23, 24, 25]]]), torch.Size([2, 3, 4]))',
    '(tensor([0., 1., 2.]), tensor(3.))',
    '(torch.Size([2, 3]), tensor(15.))',
    '(torch.Size([2, 3]), torch.Size([3]))',
    '(torch.Size([2, 3]), torch.Size([2]))',
    'tensor(True)',
    '(tensor(2.5000), tensor(2.5000))',
    '(tensor([1.5000, 2.5000, 3.5000]), tensor([1.5000, 2.5000, 3.5000]))',
    '(tensor([[ 3.],\n        [12.]]), torch.Size([2, 1]))',
    'tensor([[0.0000, 0.3333, 0.6667],\n        [0.2500, 0.3333, 0.4167]])',
    'tensor([[0., 1., 2.],\n        [3., 5., 7.]])',
    '(tensor([0., 1., 2.]), tensor([1., 1., 1.]), tensor(3.))',
    'tensor(3.)',
    '(torch.Size([2, 3]), torch.Size([3]), tensor([ 5., 14.]), tensor([ 5., 14.]))',
    '(tensor([[ 3.,  3.,  3.,  3.],\n        [12., 12., 12., 12.]]), tensor([[ 3.,  3.,  3.,  3.],\n        [12., 12., 12., 12.]]))',
    'tensor(5.)',
    'tensor(7.)',
    'tensor(6.)',
]  # fmt: skip

# RECORD with PROGRAM = calculus.
CALCULUS = [
    'h=0.10000, numerical limit=2.30000',
    'h=0.01000, numerical limit=2.03000',
    'h=0.00100, numerical limit=2.00300',
    'h=0.00010, numerical limit=2.00030',
    'h=0.00001, numerical limit=2.00003',
    'tensor(2.)',
]  # fmt: skip

# RECORD with PROGRAM = autograd.
AUTOGRAD = [
    'tensor([0., 1., 2., 3.])',
    'None',
    'tensor(28., grad_fn=<MulBackward0>)',
    'tensor([ 0.,  4.,  8., 12.])',
    'tensor([True, True, True, True])',
    'tensor([1., 1., 1., 1.])',
    'tensor([0., 2., 4., 6.])',
    'tensor([True, True, True, True])',
    'tensor([True, True, True, True])',
    '(torch.Size([]), True)',
    '(tensor(1664., grad_fn=<MulBackward0>), tensor(2048.))',
    'tensor(True)',
    '(tensor(-133120., grad_fn=<MulBackward0>), tensor(102400.))',
    'tensor(True)',
]  # fmt: skip


# --- the comparison --------------------------------------------------------------------------

NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:e[-+]?\d+)?")
PADDED = re.compile(r"\d\.\d{4}\b")


def as_gradcli_prints(text: str) -> str:
    """PyTorch's printout with docs/pytorch.md's differences applied: shapes are tuples,
    and types and dtypes are gradcli's."""
    text = re.sub(
        r"torch\.Size\(\[([^\]]*)\]\)",
        lambda size: repr(tuple(int(n) for n in size[1].split(",") if n.strip())),
        text,
    )
    return text.replace("<class 'torch.Tensor'>", repr(torch.Tensor)).replace("torch.", "gradcli.")


def agrees(printed: str, recorded: str) -> bool:
    """The same printout, up to PyTorch's four-decimal padding of fractional floats."""
    expected = as_gradcli_prints(recorded)
    if printed == expected or not PADDED.search(recorded):
        return printed == expected
    words = [re.sub(r"\s+", "", part) for part in NUMBER.split(printed)]
    if words != [re.sub(r"\s+", "", part) for part in NUMBER.split(expected)]:
        return False
    return [float(n) for n in NUMBER.findall(printed)] == [
        float(n) for n in NUMBER.findall(expected)
    ]


def check(printed: list[str], recorded: list[str]) -> None:
    assert len(printed) == len(recorded)
    for line, (mine, theirs) in enumerate(zip(printed, recorded, strict=True)):
        assert agrees(mine, theirs), f"cell {line}:\n{mine}\nPyTorch:\n{theirs}"


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chapter, recorded",
    [
        (ndarray, NDARRAY),
        (linear_algebra, LINEAR_ALGEBRA),
        (calculus, CALCULUS),
        (autograd, AUTOGRAD),
    ],
    ids=["ndarray", "linear-algebra", "calculus", "autograd"],
)
def test_the_chapter_prints_what_pytorch_prints(chapter, recorded):
    check(chapter(), recorded)
