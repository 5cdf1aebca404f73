"""Factories under ``import gradcli as torch`` (issue #22, items 1 and 7): ``size=`` on every
factory, randint's forms, ``torch.normal``'s overloads, ``normal_`` and ``uniform_``, and
``arange``'s values, which are PyTorch's.

Draws come from gradcli's generator (``manual_seed``), not PyTorch's, so only their shapes,
types and distributions are compared. Reference values marked "torch:" were computed once
with PyTorch 2.13.0 (float64 as the default dtype); the tests never import torch.
"""

import math

import numpy as np
import pytest

import gradcli as torch
from gradcli.errors import ArgumentTypeError, ArgumentValueError, DtypeError

# --- size= -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_is_a_keyword_of_every_factory(name):
    make = getattr(torch, name)
    assert make(size=(2, 4)).shape == (2, 4) and make(size=[3]).shape == (3,)
    assert make(size=()).shape == () and make(2, 4).shape == make((2, 4)).shape == (2, 4)
    # torch: zeros(2, size=(2,)) TypeError "got multiple values for argument 'size'"
    with pytest.raises(TypeError, match="multiple values for argument 'size'"):
        make(2, size=(2,))


def test_size_keyword_with_requires_grad_and_the_other_factories():
    x = torch.randn(size=(), requires_grad=True)
    (x * 3).backward()
    assert x.shape == () and x.grad.item() == 3.0
    assert torch.full(size=(2,), fill_value=1.5).tolist() == [1.5, 1.5]
    assert torch.rand(size=(2, 4), dtype=torch.float32).dtype is torch.float64


def test_randint_takes_pytorchs_forms():
    torch.manual_seed(0)
    # torch: randint(3, (2,)), randint(0, 3, (2,)), randint(0, 3, size=(2,)), by keyword
    for drawn in (
        torch.randint(3, (2,)),
        torch.randint(0, 3, (2,)),
        torch.randint(0, 3, size=(2,)),
        torch.randint(low=0, high=3, size=(2,)),
        torch.randint(high=3, size=(2,)),
    ):
        assert drawn.shape == (2,) and drawn.dtype is torch.int64
        assert all(0 <= v < 3 for v in drawn.tolist())
    many = torch.randint(-2, 5, (1000,))
    assert set(many.tolist()) == set(range(-2, 5))
    assert torch.randint(0, 3, (2,), dtype=torch.float64).dtype is torch.float64
    # torch: randint(3, 2, (2,)) RuntimeError "random_ expects 'from' to be less than 'to'"
    with pytest.raises(RuntimeError, match="low < high"):
        torch.randint(3, 2, (2,))
    # torch: randint(0, 3.5, (2,)) TypeError
    with pytest.raises(TypeError):
        torch.randint(0, 3.5, (2,))


# --- normal, normal_, uniform_ --------------------------------------------------------------


def test_normal_takes_each_of_pytorchs_overloads():
    mean, std = torch.tensor([0.0, 100.0]), torch.tensor([1.0, 0.0])
    # torch: normal(tensor, tensor), normal(tensor, float), normal(float, tensor) shapes
    assert torch.normal(mean, std).shape == (2,) and torch.normal(mean, std)[1].item() == 100.0
    assert torch.normal(mean, 2.0).shape == (2,) and torch.normal(0.0, std).shape == (2,)
    assert torch.normal(mean=mean, std=1.0).shape == (2,)
    # torch: normal(tensor (2, 1), tensor (3,)) broadcasts to (2, 3)
    assert torch.normal(torch.zeros(2, 1), torch.ones(3)).shape == (2, 3)
    # torch: normal(0., 1., size=(2, 3)), normal(0., 1., (2, 3)), normal(mean=0., std=1., size=(2,))
    assert torch.normal(0.0, 1.0, size=(2, 3)).shape == (2, 3)
    assert torch.normal(0.0, 1.0, (2, 3)).shape == (2, 3)
    assert torch.normal(mean=0.0, std=1.0, size=(2,)).dtype is torch.float64
    assert torch.normal(0, 1, size=(2,)).dtype is torch.float64
    assert torch.normal(2.0, 0.0, size=(3,)).tolist() == [2.0] * 3
    x = torch.normal(0.0, 1.0, size=(3,), requires_grad=True)
    assert x.requires_grad and x.is_leaf


def test_normal_draws_have_the_distribution_asked_for_and_follow_manual_seed():
    torch.manual_seed(22)
    draws = torch.normal(3.0, 2.0, size=(100_000,)).numpy()
    assert abs(draws.mean() - 3.0) < 0.03 and abs(draws.std() - 2.0) < 0.03
    means = torch.normal(torch.tensor([-5.0, 5.0]).expand(50_000, 2), 0.5).numpy()
    np.testing.assert_allclose(means.mean(0), [-5.0, 5.0], atol=0.01)
    torch.manual_seed(7)
    first = torch.normal(0.0, 1.0, size=(4,)).tolist()
    torch.manual_seed(7)
    assert torch.normal(0.0, 1.0, size=(4,)).tolist() == first


def test_normal_of_tensors_that_require_grad_has_a_zero_gradient_as_in_pytorch():
    mean = torch.tensor([0.0, 1.0], requires_grad=True)
    std = torch.tensor([[1.0], [2.0]], requires_grad=True)
    # torch: grad_fn NormalBackward1 (tensor, float), 2 (float, tensor), 3 (tensor, tensor)
    assert torch.normal(mean, 1.0).grad_fn.name() == "NormalBackward1"
    assert torch.normal(0.0, std).grad_fn.name() == "NormalBackward2"
    both = torch.normal(mean, std)
    assert both.grad_fn.name() == "NormalBackward3" and both.shape == (2, 2)
    # torch: normal(m, 1.).sum().backward() -> m.grad == [0., 0.]
    both.sum().backward()
    assert mean.grad.tolist() == [0.0, 0.0] and std.grad.tolist() == [[0.0], [0.0]]
    assert torch.normal(torch.tensor([0.0]), 1.0).grad_fn is None


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        # torch: normal(0., -1., size=(2,)) RuntimeError "normal expects std >= 0.0"
        (lambda: torch.normal(0.0, -1.0, size=(2,)), RuntimeError, "std >= 0.0"),
        (
            lambda: torch.normal(torch.tensor([0.0]), torch.tensor([-1.0])),
            RuntimeError,
            "std >= 0.0",
        ),
        # torch: normal(0., 1.) TypeError (two numbers need a size)
        (lambda: torch.normal(0.0, 1.0), TypeError, "needs a size"),
        # torch: normal(tensor([0., 1.]), tensor([1., 2., 3.])) RuntimeError (sizes must match)
        (lambda: torch.normal(torch.zeros(2), torch.ones(3)), RuntimeError, "broadcast"),
        # torch: normal(tensor([0, 1]), 1.) NotImplementedError for Long
        (lambda: torch.normal(torch.tensor([0, 1]), 1.0), RuntimeError, "int64"),
        (lambda: torch.normal(torch.zeros(2), 1.0, size=(2,)), TypeError, "takes no size"),
        (lambda: torch.normal(0.0, 1.0, size=(2,), dtype=torch.long), RuntimeError, "floating"),
    ],
)
def test_normal_refuses_what_pytorch_refuses(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_normal_and_uniform_fill_in_place():
    torch.manual_seed(1)
    x = torch.zeros(20_000)
    assert x.normal_(2.0, 0.5) is x
    assert abs(x.mean().item() - 2.0) < 0.02 and abs(x.numpy().std() - 0.5) < 0.02
    assert torch.zeros(3).normal_(mean=2, std=0.0).tolist() == [2.0] * 3
    u = torch.zeros(20_000).uniform_(-1, 3)
    assert u.numpy().min() >= -1 and u.numpy().max() < 3 and abs(u.mean().item() - 1) < 0.03
    assert torch.zeros(3).uniform_(2, 2).tolist() == [2.0] * 3
    assert torch.zeros(2).uniform_(**{"from": 5, "to": 6}).numpy().min() >= 5
    # under no_grad a parameter is filled, as initialisation code does
    w = torch.zeros(2, 3, requires_grad=True)
    with torch.no_grad():
        w.normal_(0, 0.01)
        w.uniform_(-0.1, 0.1)
    assert w.requires_grad and w.is_leaf and 0 < np.abs(w.numpy()).max() < 0.1


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        # torch: a leaf Variable that requires grad is being used in an in-place operation
        (lambda: torch.zeros(3, requires_grad=True).normal_(), RuntimeError, "leaf"),
        # torch: normal_(0, -1) RuntimeError "normal expects std >= 0.0"
        (lambda: torch.zeros(3).normal_(0, -1), RuntimeError, "std >= 0.0"),
        # torch: uniform_(1, 0) RuntimeError "uniform_ expects to return a [from, to) range"
        (lambda: torch.zeros(3).uniform_(1, 0), RuntimeError, r"\[from, to\) range"),
        # torch: an int64 tensor's normal_ / uniform_ are not implemented for Long
        (lambda: torch.zeros(3, dtype=torch.long).normal_(), RuntimeError, "int64"),
        (lambda: torch.zeros(3, dtype=torch.long).uniform_(), RuntimeError, "int64"),
        (lambda: torch.zeros(3).uniform_(a=-1), TypeError, "unexpected keyword 'a'"),
    ],
)
def test_normal_and_uniform_in_place_refuse_what_pytorch_refuses(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_in_place_draws_are_recorded_with_a_zero_gradient():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    y = w * 1
    y.normal_()
    (y * w).sum().backward()
    assert w.grad.tolist() == y.tolist()  # only the second factor's gradient reaches w


def test_generator_takes_none_and_refuses_anything_else_in_its_terms():
    torch.manual_seed(3)
    first = torch.rand(2, generator=None).tolist()
    torch.manual_seed(3)
    assert torch.rand(2).tolist() == first
    with pytest.raises(ArgumentTypeError, match="generator="):
        torch.normal(0.0, 1.0, size=(2,), generator=object())


def test_random_floats_refuse_integer_dtypes_as_pytorch():
    # torch: rand(2, dtype=long), randn_like(int tensor) NotImplementedError for Long
    for call in (
        lambda: torch.rand(2, dtype=torch.long),
        lambda: torch.randn(2, dtype=torch.bool),
        lambda: torch.rand_like(torch.tensor([1, 2])),
        lambda: torch.randn_like(torch.tensor([1, 2])),
    ):
        with pytest.raises(DtypeError):
            call()


# --- full, arange ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a", None, [1.0, 2.0]])
def test_full_takes_a_number(value):
    # torch: full((2,), "a") TypeError "fill_value must be Number, not str"
    with pytest.raises(TypeError):
        torch.full((2,), value)


# torch: torch.arange(-8.0, 8.0, 0.1, dtype=torch.float64).tolist() (torch 2.13.0, AVX2 CPU;
# the float32 default gives these values rounded to float32)
TORCH_ARANGE = [
    -8.0, -7.9, -7.8, -7.7,
    -7.6, -7.5, -7.3999999999999995, -7.3,
    -7.2, -7.1000000000000005, -7.0, -6.9,
    -6.8, -6.7, -6.6, -6.5,
    -6.4, -6.300000000000001, -6.2, -6.1000000000000005,
    -6.0, -5.9, -5.8, -5.7,
    -5.6, -5.5, -5.3999999999999995, -5.3,
    -5.2, -5.1000000000000005, -5.0, -4.9,
    -4.8, -4.7, -4.6, -4.5,
    -4.3999999999999995, -4.3, -4.199999999999999, -4.1,
    -4.0, -3.9, -3.8, -3.7,
    -3.5999999999999996, -3.4999999999999996, -3.3999999999999995, -3.3,
    -3.1999999999999997, -3.0999999999999996, -2.9999999999999996, -2.9,
    -2.8, -2.6999999999999997, -2.5999999999999996, -2.5,
    -2.3999999999999995, -2.2999999999999994, -2.1999999999999993, -2.0999999999999996,
    -1.9999999999999996, -1.8999999999999995, -1.7999999999999996, -1.6999999999999995,
    -1.5999999999999996, -1.4999999999999996, -1.3999999999999997, -1.2999999999999996,
    -1.1999999999999997, -1.0999999999999996, -0.9999999999999998, -0.8999999999999997,
    -0.7999999999999996, -0.6999999999999996, -0.5999999999999996, -0.49999999999999956,
    -0.3999999999999996, -0.2999999999999996, -0.19999999999999957, -0.09999999999999956,
    4.440892098500626e-16, 0.10000000000000045, 0.20000000000000046, 0.3000000000000005,
    0.40000000000000047, 0.5000000000000004, 0.6000000000000005, 0.7000000000000005,
    0.8000000000000005, 0.9000000000000005, 1.0000000000000004, 1.1000000000000005,
    1.2000000000000006, 1.3000000000000007, 1.4000000000000006, 1.5000000000000007,
    1.6000000000000005, 1.7000000000000006, 1.8000000000000005, 1.9000000000000006,
    2.0000000000000004, 2.1000000000000005, 2.2000000000000006, 2.3000000000000003,
    2.4000000000000004, 2.5000000000000004, 2.6000000000000005, 2.7,
    2.8000000000000007, 2.900000000000001, 3.000000000000001, 3.1000000000000005,
    3.2000000000000006, 3.3000000000000007, 3.400000000000001, 3.5000000000000004,
    3.6000000000000005, 3.7000000000000006, 3.8000000000000007, 3.9000000000000004,
    4.000000000000001, 4.1000000000000005, 4.200000000000001, 4.300000000000001,
    4.4, 4.5, 4.6000000000000005, 4.7,
    4.800000000000001, 4.9, 5.000000000000001, 5.1000000000000005,
    5.200000000000001, 5.300000000000001, 5.400000000000001, 5.500000000000001,
    5.6000000000000005, 5.7, 5.800000000000001, 5.9,
    6.000000000000001, 6.1000000000000005, 6.200000000000001, 6.300000000000001,
    6.4, 6.5, 6.6000000000000005, 6.7,
    6.800000000000001, 6.9, 7.000000000000001, 7.1000000000000005,
    7.200000000000001, 7.300000000000001, 7.400000000000001, 7.500000000000001,
    7.6000000000000005, 7.7, 7.800000000000001, 7.9,
]  # fmt: skip


def test_arange_has_pytorchs_values_bit_for_bit():
    values = torch.arange(-8.0, 8.0, 0.1)
    assert values.dtype is torch.float64 and values.tolist() == TORCH_ARANGE
    assert values[80].item() == 4.440892098500626e-16  # numpy's arange: -2.8e-14
    assert torch.arange(-8, 8, 0.1, dtype=torch.float32).tolist() == TORCH_ARANGE


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        (0, 1, 0.1),
        (-1, 1, 0.01),
        (1.5, 100.3, 0.37),
        (5.0, -3.0, -0.3),
        (0.3, 7.1, 0.7),
        (-3.3, 2.2, 0.11),
    ],
)
def test_arange_rounds_each_run_of_four_once_as_pytorchs_kernel(start, end, step):
    # The kernel's rule, element by element in exact rational arithmetic: the first of each
    # run of four is start + i*step rounded once, the next three first + j*step rounded once,
    # and those after the last whole run of eight start + i*step rounded once.
    from fractions import Fraction

    def once(x, k, c):
        return float(Fraction(x) * k + Fraction(c))

    values = torch.arange(start, end, step).tolist()
    count = math.ceil((end - start) / step)
    assert len(values) == count
    last_run = count - count % 8 if count >= 8 else 0
    for i, value in enumerate(values):
        j = i % 4 if i < last_run else 0
        first = once(step, i - j, start)
        assert value == (once(step, j, first) if j else first), i


def test_arange_refuses_what_is_no_range():
    # torch: arange(0, 1, 0) RuntimeError "step must be nonzero"; arange(0, inf) RuntimeError
    for call in (lambda: torch.arange(0, 1, 0), lambda: torch.arange(0, float("inf"))):
        with pytest.raises(RuntimeError) as caught:
            call()
        assert isinstance(caught.value, ArgumentValueError)
    with pytest.raises(TypeError, match="numbers"):
        torch.arange(0, "a")
