"""Integer and bool tensors under ``import gradcli as torch`` (issue #22, item 2): their
dtypes, PyTorch's type promotion, conversions, indexing with them, and that they never
enter the autograd graph; and the expression language, which keeps one number type.

Reference values marked "torch:" were computed once with PyTorch 2.13.0 (float64 as the
default dtype) by the expression written beside them; the tests never import torch.
"""

import math

import numpy as np
import pytest

import gradcli as torch
from gradcli.errors import DtypeError, GradcliError
from tests.clirun import run

# --- what factories make ---------------------------------------------------------------------


def test_whole_numbers_make_int64_tensors_and_booleans_bool_ones():
    # torch: tensor([1, 2]).dtype, arange(3).dtype, tensor([True]).dtype, tensor(2).dtype
    assert torch.tensor([1, 2]).dtype is torch.int64 and torch.tensor(2).dtype is torch.long
    assert torch.arange(3).dtype is torch.int64 and torch.arange(3).tolist() == [0, 1, 2]
    assert torch.tensor([True]).dtype is torch.bool and torch.tensor(True).item() is True
    # torch: tensor([1, 2.]) is float, tensor([True, 2]) is int64 [1, 2]
    assert torch.tensor([1, 2.0]).dtype is torch.float64
    assert (
        torch.tensor([True, 2]).tolist() == [1, 2] and torch.tensor([True, 2]).dtype is torch.int64
    )
    assert (
        torch.arange(3.0).dtype is torch.float64 and torch.arange(0, 3, 0.5).dtype is torch.float64
    )
    # torch: arange(tensor(3)) is int64, arange(tensor(3.)) float
    assert torch.arange(torch.tensor(3)).dtype is torch.int64
    assert torch.arange(torch.tensor(3.0)).dtype is torch.float64
    # torch: full((2,), 3) int64, full((2,), True) bool, full((2,), 3.) float, full_like(int, 2.7) [2, 2]
    assert torch.full((2,), 3).dtype is torch.int64 and torch.full((2,), True).dtype is torch.bool
    assert torch.full((2,), 3.0).dtype is torch.float64
    assert torch.full_like(torch.tensor([1, 2]), 2.7).tolist() == [2, 2]
    assert torch.zeros_like(torch.tensor([True])).dtype is torch.bool
    # the legacy constructor is a FloatTensor whatever the data (torch: Tensor([1, 2]) float32)
    assert torch.Tensor([1, 2]).dtype is torch.float64 and torch.Tensor([True]).tolist() == [1.0]
    assert torch.randint(0, 3, (4,)).dtype is torch.int64


def test_dtype_converts_on_every_factory_and_float32_and_int32_are_stored_wide():
    # torch: tensor([1.7, -1.7], dtype=long) [1, -1]; tensor([1, 2, 0], dtype=bool) [T, T, F]
    assert torch.tensor([1.7, -1.7], dtype=torch.long).tolist() == [1, -1]
    assert torch.tensor([1, 2, 0], dtype=torch.bool).tolist() == [True, True, False]
    assert torch.zeros(2, dtype=torch.bool).tolist() == [False, False]
    # torch: linspace(0, 1, 3, dtype=long) [0, 0, 1]; eye(2, dtype=long)
    assert torch.linspace(0, 1, 3, dtype=torch.long).tolist() == [0, 0, 1]
    assert torch.eye(2, dtype=torch.long).dtype is torch.int64
    # int32 (torch.int, .int()) is stored as int64 and says so, as float32 is stored as float64
    x = torch.tensor([1, 2], dtype=torch.int32)
    assert torch.int is torch.int32 and x.dtype is torch.int64 and x.dtype != torch.int32
    assert x.numpy().dtype == np.int64 and torch.tensor([1.5]).int().dtype is torch.int64


def test_from_numpy_shares_the_types_a_tensor_holds_and_copies_the_others():
    whole, flags = np.array([1, 2]), np.array([True, False])
    x, m = torch.from_numpy(whole), torch.from_numpy(flags)
    whole[0], flags[1] = 7, True
    assert x.tolist() == [7, 2] and x.dtype is torch.int64 and m.tolist() == [True, True]
    narrow = np.array([1, 2], dtype=np.int32)
    y = torch.from_numpy(narrow)
    narrow[0] = 9
    assert y.tolist() == [1, 2] and y.dtype is torch.int64


# --- promotion -------------------------------------------------------------------------------


def test_arithmetic_promotes_by_kind_as_pytorch():
    i, f, b = torch.tensor([1, 2]), torch.tensor([1.5, 2.5]), torch.tensor([True, False])
    cases = {
        # torch: int + float -> float; int / int -> float (true division); int * 2.0 -> float
        "i + f": (i + f, [2.5, 4.5], torch.float64),
        "i / i": (i / i, [1.0, 1.0], torch.float64),
        "i * 2.0": (i * 2.0, [2.0, 4.0], torch.float64),
        # torch: int + True -> int64; bool + 2 -> int64; int ** 2 -> int64; 2 ** int -> int64
        "i + True": (i + True, [2, 3], torch.int64),
        "b + 2": (b + 2, [3, 2], torch.int64),
        "i ** 2": (i**2, [1, 4], torch.int64),
        "2 ** i": (2**i, [2, 4], torch.int64),
        "2.5 ** i": (2.5**i, [2.5, 6.25], torch.float64),
        # torch: bool + bool is logical or, bool * bool logical and, bool / bool float
        "b + b": (b + b, [True, False], torch.bool),
        "b * b": (b * b, [True, False], torch.bool),
        "b + True": (b + True, [True, True], torch.bool),
        # torch: -int, abs, sign, relu, clamp(int bounds) keep int64; exp of int is float
        "-i": (-i, [-1, -2], torch.int64),
        "abs(-i)": ((-i).abs(), [1, 2], torch.int64),
        "sign": (i.sign(), [1, 1], torch.int64),
        "relu": (torch.relu(i), [1, 2], torch.int64),
        "clamp(0, 1)": (i.clamp(0, 1), [1, 1], torch.int64),
        "clamp(0.5, 1.5)": (i.clamp(0.5, 1.5), [1.0, 1.5], torch.float64),
        "maximum(b, i)": (torch.maximum(b, i), [1, 2], torch.int64),
        "where(b, i, 0)": (torch.where(b, i, 0), [1, 0], torch.int64),
        "where(b, i, 2.5)": (torch.where(b, i, 2.5), [1.0, 2.5], torch.float64),
        "cat": (torch.cat([i, f]), [1.0, 2.0, 1.5, 2.5], torch.float64),
        "stack(b, i)": (torch.stack([b, i]), [[1, 0], [1, 2]], torch.int64),
        "masked_fill": (i.masked_fill(b, 2.7), [2, 2], torch.int64),
    }
    for name, (result, values, dtype) in cases.items():
        assert result.tolist() == values and result.dtype is dtype, name
    np.testing.assert_allclose(i.exp().numpy(), np.exp([1.0, 2.0]), rtol=1e-15)
    assert (i / 0).tolist() == [float("inf")] * 2  # torch: int / 0 is inf, as float division
    # torch: sign(bool) is bool; sort of bools, descending, keeps tied indices in order
    assert b.sign().dtype is torch.bool
    values, indices = torch.tensor([False, True, False]).sort(descending=True)
    assert values.tolist() == [True, False, False] and indices.tolist() == [1, 0, 2]


def test_integer_powers_follow_pytorch():
    i = torch.tensor([1, 2, -1, 0, 3])
    # torch: i ** tensor(-1) -> [1, 0, -1, 0, 0]; i ** tensor([-1, -2, -3, -1, 0]) -> [1, 0, -1, 0, 1]
    assert (i ** torch.tensor(-1)).tolist() == [1, 0, -1, 0, 0]
    assert (i ** torch.tensor([-1, -2, -3, -1, 0])).tolist() == [1, 0, -1, 0, 1]
    # torch: i ** -1 RuntimeError "Integers to negative integer powers are not allowed."
    with pytest.raises(RuntimeError, match="Integers to negative integer powers"):
        i**-1
    assert (i**-1.0).dtype is torch.float64
    # torch: bool ** bool is not implemented; bool ** 2 is int64 [1, 0]
    b = torch.tensor([True, False])
    with pytest.raises(RuntimeError, match="two bool tensors"):
        b**b
    assert (b**2).tolist() == [1, 0] and (b**2).dtype is torch.int64


# torch: for x0 in (-1., 0., .5, 2.): base = tensor(0., requires_grad=True), x = tensor(x0,
# requires_grad=True); autograd.grad(base ** x, (base, x)) and autograd.grad(0 ** x, x)
ZERO_POWERS = {
    -1.0: (math.inf, -math.inf, -math.inf, -math.inf),
    0.0: (1.0, 0.0, 0.0, 0.0),
    0.5: (0.0, math.inf, 0.0, 0.0),
    2.0: (0.0, 0.0, 0.0, 0.0),
}  # value, d/dbase, d/dx, d/dx of the number 0 ** x


@pytest.mark.parametrize("x0", list(ZERO_POWERS))
def test_powers_of_zero_have_pytorchs_gradients(x0):
    base = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor(x0, requires_grad=True)
    value = base**x
    grads = torch.autograd.grad(value, (base, x))
    x_alone = torch.tensor(x0, requires_grad=True)
    (of_number,) = torch.autograd.grad(0**x_alone, x_alone)
    got = (value.item(), grads[0].item(), grads[1].item(), of_number.item())
    assert got == ZERO_POWERS[x0]
    assert (0**x_alone).grad_fn.name() == "PowBackward2"


@pytest.mark.parametrize(
    "subtract",
    [lambda b: b - b, lambda b: b - 1, lambda b: 1 - b, lambda b: b - 1.5, lambda b: -b],
)
def test_bool_subtraction_and_negation_are_refused_in_pytorch_words(subtract):
    # torch: each is a RuntimeError naming the `-` operator and ~ / logical_not()
    with pytest.raises(RuntimeError, match="the `-` operator") as caught:
        subtract(torch.tensor([True, False]))
    assert isinstance(caught.value, DtypeError)


def test_reductions_of_bools_and_integers():
    b = torch.tensor([[True, True], [False, True]])
    # torch: sum of bool -> int64 (3), along dim [1, 2]; prod of bool int64; amax of bool bool
    assert b.sum().item() == 3 and b.sum().dtype is torch.int64 and b.sum(0).tolist() == [1, 2]
    assert b.prod().dtype is torch.int64 and b.amax().dtype is torch.bool
    i = torch.tensor([[1, 2], [3, 4]])
    assert i.sum(1).tolist() == [3, 7] and i.prod(1).tolist() == [2, 12]
    assert i.max(0).values.dtype is torch.int64 and i.max(0).indices.tolist() == [1, 1]
    assert type(b.sum().item()) is int
    # torch: mean of an int tensor raises; with dtype= it is converted first (1.5)
    for x in (i, b):
        with pytest.raises(
            RuntimeError, match="mean\\(\\): could not infer output dtype"
        ) as caught:
            x.mean()
        assert isinstance(caught.value, DtypeError)
    assert torch.tensor([1, 2]).mean(dtype=torch.float64).item() == 1.5
    assert torch.tensor([1, 2]).sum(dtype=torch.float64).dtype is torch.float64
    # torch: norm and softmax of an integer tensor raise too; logsumexp computes in float
    for refused in (lambda: i.norm(), lambda: i.softmax(0), lambda: i.log_softmax(0)):
        with pytest.raises(RuntimeError):
            refused()
    assert torch.tensor([1, 2]).logsumexp(0).dtype is torch.float64
    assert torch.tensor([0, 2]).any().item() is True and torch.tensor([0, 2]).all().item() is False


def test_comparisons_give_bool_and_arguments_give_int64():
    x = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
    assert (x > 0.5).dtype is torch.bool and x.argmax(1).dtype is torch.int64
    # torch: tensor([True, False]) == tensor([1, 0]) -> [True, True]
    assert (torch.tensor([True, False]) == torch.tensor([1, 0])).tolist() == [True, True]
    assert (torch.tensor([1, 2]) == torch.tensor([1.0, 2.5])).tolist() == [True, False]


# --- conversions -----------------------------------------------------------------------------


def test_conversions_by_method_to_and_type():
    f = torch.tensor([1.7, -1.7, 0.0])
    # torch: tensor([1.7, -1.7]).long() -> [1, -1] (towards zero); bool: nonzero is True
    assert f.long().tolist() == [1, -1, 0] and f.int().tolist() == [1, -1, 0]
    assert f.bool().tolist() == [True, True, False]
    i = torch.tensor([1, 2])
    assert i.float().dtype is torch.float64 and i.double().tolist() == [1.0, 2.0]
    assert i.to(torch.float32).dtype is torch.float64 and i.type(torch.float).dtype is torch.float64
    assert (
        i.type("torch.FloatTensor").dtype is torch.float64
        and i.type("torch.IntTensor").dtype is torch.int64
    )
    # itself when nothing changes, as in PyTorch (torch: i.long() is i, i.to(long) is i)
    assert i.long() is i and i.to(torch.long) is i and f.float() is f
    assert (i.type(), torch.tensor([True]).type()) == ("gradcli.LongTensor", "gradcli.BoolTensor")
    assert not i.is_floating_point() and i.float().is_floating_point()


def test_integer_tensors_print_as_pytorch_prints_them():
    # torch: repr(tensor([[1, 2], [3, 40]])), repr(tensor([True, False])), repr(tensor(True))
    assert repr(torch.tensor([[1, 2], [3, 40]])) == "tensor([[ 1,  2],\n        [ 3, 40]])"
    assert repr(torch.tensor([True, False])) == "tensor([ True, False])"
    assert repr(torch.tensor([True, True])) == "tensor([True, True])"
    assert repr(torch.tensor(True)) == "tensor(True)" and repr(torch.tensor(3)) == "tensor(3)"
    assert repr(torch.tensor([1, 10**12])) == "tensor([            1, 1000000000000])"
    assert str(torch.int64) == "gradcli.int64" and str(torch.tensor([True]).dtype) == "gradcli.bool"


def test_an_integer_tensor_of_one_element_is_an_index():
    # torch: list(range(tensor(3))) [0, 1, 2]; [1, 2, 3][tensor(1)] 2; [1, 2, 3][tensor(1.)] TypeError
    assert list(range(torch.tensor(3))) == [0, 1, 2] and [1, 2, 3][torch.tensor(1)] == 2
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2, 3][torch.tensor(1.0)]


# --- indexing --------------------------------------------------------------------------------


def test_int64_and_bool_tensors_index_and_masks_assign():
    x = torch.tensor([5.0, 6.0, 7.0], requires_grad=True)
    picked = (
        x[torch.tensor([2, 0])] * torch.tensor([1.0, 10.0])
        + x[torch.tensor([True, False, True])] * 100
    )
    picked.sum().backward()
    assert picked.tolist() == [507.0, 750.0] and x.grad.tolist() == [110.0, 0.0, 101.0]
    assert x[torch.tensor(1)].item() == 6.0 and torch.tensor([5, 6, 7])[
        torch.tensor([2, 0])
    ].tolist() == [7, 5]
    # torch: an int tensor takes assigned floats converted (i[b] = 2.7 -> 2), fill_ too
    i = torch.tensor([1, 2])
    i[torch.tensor([True, False])] = 2.7
    assert i.tolist() == [2, 2] and i.dtype is torch.int64
    assert torch.tensor([1, 2]).fill_(2.7).tolist() == [2, 2]


def test_in_place_results_keep_the_tensors_kind_as_pytorch():
    i = torch.tensor([1, 2])
    assert i.add_(1).tolist() == [2, 3] and i.dtype is torch.int64
    # torch: i.add_(1.5) "result type Float can't be cast to the desired output type Long"
    for change in (lambda t: t.add_(1.5), lambda t: t.mul_(2.0), lambda t: t.div_(2)):
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type int64"):
            change(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type bool"):
        torch.tensor([True]).add_(1)
    assert torch.tensor([1.5]).add_(torch.tensor([1])).tolist() == [2.5]


# --- autograd --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.tensor([1, 2], requires_grad=True),
        lambda: torch.arange(3, requires_grad=True),
        lambda: torch.randint(0, 3, (2,), requires_grad=True),
        lambda: torch.zeros(2, dtype=torch.long, requires_grad=True),
        lambda: torch.full((2,), True, requires_grad=True),
        lambda: torch.tensor([1, 2]).requires_grad_(),
    ],
)
def test_only_floating_tensors_can_require_gradients(make):
    # torch: RuntimeError "Only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(
        RuntimeError, match="Only Tensors of floating point and complex dtype"
    ) as caught:
        make()
    assert isinstance(caught.value, DtypeError)


def test_integer_and_bool_tensors_never_enter_the_graph():
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    counts = torch.tensor([2, 3])
    y = (w * counts).sum() + (w > 0).sum()
    assert (w > 0).grad_fn is None and w.argmax().grad_fn is None and w.long().grad_fn is None
    y.backward()
    assert w.grad.tolist() == [2.0, 3.0] and w.grad.dtype is torch.float64
    # an integer gradient is taken as float (torch: (x * 2).backward(tensor([1, 1])) -> [2., 2.])
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(torch.tensor([1, 1]))
    assert x.grad.tolist() == [2.0, 2.0] and x.grad.dtype is torch.float64


def test_a_custom_functions_integer_output_does_not_require_grad():
    class Rounded(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.long(), x * 2

        @staticmethod
        def backward(ctx, grad_whole, grad_twice):
            return grad_twice * 2

    class Argmax(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.argmax()

        @staticmethod
        def backward(ctx, grad_output):
            return None

    # torch: both classes applied to tensor([1.5, 2.5], requires_grad=True): the integer
    # outputs have requires_grad False and grad_fn None
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    index = Argmax.apply(x)
    assert index.item() == 1 and not index.requires_grad and index.grad_fn is None
    whole, twice = Rounded.apply(x)
    assert not whole.requires_grad and whole.grad_fn is None and twice.requires_grad
    twice.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_the_d2l_accuracy_function_runs():
    def accuracy(y_hat, y):  # d2l.ai, chapter 3.6, as written
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = y_hat.argmax(axis=1)
        cmp = y_hat.type(y.dtype) == y
        return float(cmp.type(y.dtype).sum())

    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.9, 0.05, 0.05]])
    y = torch.tensor([0, 2, 0])
    # torch: accuracy(y_hat, y) -> 2.0, and 2.0 / len(y)
    assert accuracy(y_hat, y) == 2.0 and accuracy(y_hat, y) / len(y) == 2 / 3


# --- the language keeps one number type ------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "printed"),
    [
        ("(x > 0) + (x > 0)", "2.0"),
        ("(x > 0) - (x < 0)", "1.0"),
        ("-(x > 0)", "-1.0"),
        ("mean([1, 2, 3] > 1)", "0.6666666666666666"),
        ("sum([1, 2, 3] > 1)", "2.0"),
        ("[1, 2, 3][[1, 2, 3] > 1]", "2.0\t3.0"),
        ("arange(4)", "0.0\t1.0\t2.0\t3.0"),
        ("arange(sum([1, 2, 3] > 1))", "0.0\t1.0"),
        ("full([2], 1) / 2", "0.5\t0.5"),
    ],
)
def test_the_languages_comparisons_are_numbers_and_its_numbers_floats(expression, printed):
    code, out, err = run("eval", expression, "--at", "x=2", "-o", "plain")
    assert (code, out.strip(), err) == (0, printed, "")


def test_the_languages_comparison_results_stay_masks_and_differentiate_as_before():
    code, out, _ = run(
        "diff", "sum(v > 1) * x + x * (x > 0)", "--at", "x=2", "--at", "v=[1,2,3]", "-o", "plain"
    )
    assert code == 0 and out.split() == ["3.0", "0.0", "0.0", "0.0"]  # d/dx, then d/dv


def test_gradcli_errors_for_dtypes_are_gradcli_errors():
    assert issubclass(DtypeError, GradcliError) and issubclass(DtypeError, RuntimeError)


def test_rounded_division_of_integers_stays_integer():
    # torch 2.13: a = tensor([-7, 7, 5]); b = tensor([2, 2, -3]); a // b, div(a, b, "floor"/"trunc")
    a, b = torch.tensor([-7, 7, 5]), torch.tensor([2, 2, -3])
    for result, expected in [
        (a // b, [-4, 3, -2]),
        (torch.div(a, b, rounding_mode="floor"), [-4, 3, -2]),
        (torch.div(a, b, rounding_mode="trunc"), [-3, 3, -1]),
        (a // 2, [-4, 3, 2]),
    ]:
        assert result.dtype == torch.int64 and result.tolist() == expected
    assert (a // 2.0).dtype == torch.float64


def test_the_shape_operations_keep_integers_as_pytorch_does():
    # torch 2.13: a = arange(6).reshape(2, 3); cumsum(a, 1), cumprod(tensor([1, 2, 3]), 0),
    # median(a), F.one_hot(tensor([0, 2]), 3), trace, outer, roll of int64 tensors
    import gradcli.nn.functional as F

    a = torch.arange(6).reshape(2, 3)
    cases = [
        (torch.cumsum(a, 1), [[0, 1, 3], [3, 7, 12]]),
        (torch.cumprod(torch.tensor([1, 2, 3]), 0), [1, 2, 6]),
        (torch.median(a), 2),
        (F.one_hot(torch.tensor([0, 2]), 3), [[1, 0, 0], [0, 0, 1]]),
        (F.one_hot(torch.tensor([1, 3])), [[0, 1, 0, 0], [0, 0, 0, 1]]),
        (torch.trace(torch.tensor([[1, 2], [3, 4]])), 5),
        (torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4])), [[3, 4], [6, 8]]),
        (torch.roll(a, 1, 1), [[2, 0, 1], [5, 3, 4]]),
        (torch.cumsum(a > 2, 1), [[0, 0, 0], [1, 2, 3]]),
    ]
    for result, expected in cases:
        assert result.dtype == torch.int64 and result.tolist() == expected
    with pytest.raises(TypeError, match="index tensors"):
        F.one_hot(torch.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="floating point"):
        torch.std(a)
