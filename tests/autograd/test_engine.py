"""The engine's PyTorch semantics: accumulation, grad mode, errors, autograd.grad,
higher orders, deep graphs, indexing, numerically careful formulas, creation limits.

Expected numbers are analytic or computed independently with numpy.
"""

import math
import tracemalloc
import warnings
from typing import ClassVar

import numpy as np
import pytest

import gradcli as torch
from gradcli import autograd
from gradcli.errors import LimitError, ShapeError

rng = np.random.default_rng(7)


def leaf(values):
    return torch.tensor(values, requires_grad=True)


# --- accumulation and .grad -----------------------------------------------------------


def test_gradients_accumulate_across_backward_calls_and_zero_resets():
    x = leaf([1.0, -2.0, 3.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad
    y.backward()
    assert x.grad is first  # accumulated in place, as PyTorch does
    np.testing.assert_array_equal(x.grad.numpy(), 4 * np.array([1.0, -2.0, 3.0]))
    x.grad.zero_()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_gradients_from_separate_graphs_add_up():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    (x * 5).sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]


def test_the_gradient_passed_to_backward_is_not_written_to():
    x = leaf([1.0, 2.0])
    v = torch.tensor([1.0, 1.0])
    x.backward(v)
    x.backward(v)
    assert v.tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_shared_subexpressions_add_their_gradients():
    x = leaf(1.5)
    (x * x).backward()
    assert x.grad.item() == 3.0
    x = leaf(0.75)
    a = x * 2
    (a * (a * 3 + a)).backward()  # 16 x**2
    assert x.grad.item() == 32 * 0.75


def test_retain_grad_keeps_the_gradient_of_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    other = x * 3
    (h * h + other).sum().backward()
    assert h.grad.tolist() == [6.0, 12.0]  # 2h
    assert x.grad.tolist() == [21.0, 39.0]  # 18x + 3
    assert other.grad is None  # intermediates keep no .grad
    assert not h.is_leaf


def test_retain_grad_on_a_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.tensor([1.0]).retain_grad()


def test_backward_on_a_leaf_and_on_a_one_element_vector():
    x = leaf(2.0)
    x.backward()
    assert x.grad.item() == 1.0
    v = leaf([3.0])
    (v * v).backward()  # shape (1,) needs no explicit gradient
    assert v.grad.tolist() == [6.0]


# --- grad mode ---------------------------------------------------------------------------


def test_nothing_is_recorded_inside_no_grad():
    x = leaf([1.0, 2.0])
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        y = x * 2 + torch.sin(x)
        assert not y.requires_grad and y.grad_fn is None and y.is_leaf
        with torch.enable_grad():
            z = x * 2
        assert z.requires_grad and z.grad_fn.name() == "MulBackward0"
    assert torch.is_grad_enabled()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError), torch.no_grad():
        _ = 1 / 0
    assert torch.is_grad_enabled()


def test_set_grad_enabled_as_context_manager_and_as_plain_call():
    x = leaf(1.0)
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    torch.set_grad_enabled(False)  # like torch.set_grad_enabled, this acts at once
    try:
        assert not torch.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        torch.set_grad_enabled(True)
    assert (x * 2).requires_grad


def test_no_grad_and_enable_grad_as_decorators():
    x = leaf(1.0)

    @torch.no_grad()
    def without(depth):
        return without(depth - 1) if depth else (x * 2).requires_grad

    @torch.enable_grad()
    def with_grad():
        return (x * 2).requires_grad

    assert without(3) is False
    assert torch.is_grad_enabled()
    with torch.no_grad():
        assert with_grad() is True
        assert not torch.is_grad_enabled()


def test_in_place_on_a_leaf_is_allowed_inside_no_grad_and_refused_outside():
    w = leaf([1.0, 2.0])
    for update in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_()):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
            update()
    with pytest.raises(RuntimeError, match=r"sub_\(\)"):
        w -= 1
    assert w.tolist() == [1.0, 2.0]
    with torch.no_grad():
        w.mul_(3)
        w -= 1
    assert w.tolist() == [2.0, 5.0]
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    (w * w).sum().backward()
    assert w.grad.tolist() == [4.0, 10.0]


# --- requires_grad ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: a**b,
        lambda a, b: torch.maximum(a, b),
        lambda a, b: torch.cat([a, b]),
        lambda a, b: torch.stack([a, b]),
        lambda a, b: torch.dot(a, b),
        lambda a, b: torch.sin(a) + b[0],
    ],
)
def test_a_result_requires_grad_iff_some_input_does(op):
    def make(requires_grad):
        return torch.tensor([1.0, 2.0], requires_grad=requires_grad)

    for ra, rb in [(True, False), (False, True), (True, True), (False, False)]:
        result = op(make(ra), make(rb))
        assert result.requires_grad == (ra or rb)
        assert (result.grad_fn is not None) == (ra or rb)
        assert result.is_leaf == (not (ra or rb))


def test_requires_grad_flags_and_detach():
    x = torch.tensor([1.0, 2.0])
    assert x.dtype == np.float64 and not x.requires_grad and x.is_leaf
    assert x.requires_grad_() is x and x.requires_grad
    y = x * 2
    assert not y.detach().requires_grad and y.detach().is_leaf
    assert y.detach().tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="non-leaf"):
        y.requires_grad_(False)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        torch.tensor([True]).requires_grad_()
    assert not (x > 1).requires_grad  # comparisons are not differentiable


# --- errors --------------------------------------------------------------------------------


def test_a_second_backward_through_a_freed_graph_names_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        y.backward()
    z = torch.exp(x).sum()
    autograd.grad(z, x)
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        autograd.grad(z, x)


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        autograd.grad(x * 2, x)


def test_a_gradient_of_the_wrong_shape_is_refused():
    x = leaf([1.0, 2.0])
    with pytest.raises(ShapeError, match=r"shape \(3,\).*shape \(2,\)"):
        (x * 2).backward(torch.ones(3))
    with pytest.raises(ShapeError, match="shape"):
        autograd.grad(x * 2, x, grad_outputs=torch.ones(2, 1))
    assert x.grad is None


def test_in_place_change_of_a_saved_tensor_is_detected():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = (y * y).sum()  # MulBackward0 saves y
    y.add_(1)
    # torch 2.13's words: "... modified by an inplace operation: [torch.DoubleTensor [2]],
    # which is output 0 of Add, is at version 1; expected version 0 instead."
    with pytest.raises(
        RuntimeError,
        match=r"modified by an inplace operation: \[gradcli.DoubleTensor \[2\]\], which is "
        r"output 0 of Add, is at version 1; expected version 0 instead\. MulBackward0 saved",
    ):
        z.backward()
    e = torch.exp(x)  # ExpBackward0 saves its result
    s = e.sum()
    e.mul_(2)
    with pytest.raises(RuntimeError, match=r"output 0 of Mul, is at version 1.*ExpBackward0 saved"):
        s.backward()


def test_in_place_on_a_non_leaf_that_nothing_saved_is_differentiated():
    x = leaf([1.0, 2.0])
    y = x * 2
    s = torch.exp(y).sum()  # saves its result, not y
    y.mul_(3)
    assert y.grad_fn.name() == "MulBackward0" and not y.is_leaf
    y.sum().backward(retain_graph=True)
    assert x.grad.tolist() == [6.0, 6.0]
    s.backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 + 2 * np.exp(2 * np.array([1.0, 2.0])))


def test_overwriting_a_non_leaf_in_place_cuts_it_from_its_history():
    for overwrite, values in [
        (lambda h: h.zero_(), [0.0, 0.0]),
        (lambda h: h.fill_(5.0), [5.0, 5.0]),
        (lambda h: h.copy_(torch.tensor([7.0, 8.0])), [7.0, 8.0]),
    ]:
        x = leaf([1.0, 2.0])
        h = x * 3
        overwrite(h)
        assert h.tolist() == values and h.requires_grad and not h.is_leaf
        (h * x).sum().backward()
        assert x.grad.tolist() == values  # d/dx (c * x) with h now a constant c


def test_copy_from_a_tensor_that_requires_grad_carries_its_gradient():
    source = leaf([1.0, -2.0])
    target = torch.zeros(2)
    target.copy_(source)
    assert target.requires_grad and not target.is_leaf
    (target * target).sum().backward()
    assert source.grad.tolist() == [2.0, -4.0]


def test_retain_grad_follows_a_tensor_through_an_in_place_op():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    h.mul_(2)  # h = 6x
    (h * h).sum().backward()
    assert h.grad.tolist() == [12.0, 24.0]  # 2h for the current h
    assert x.grad.tolist() == [72.0, 144.0]  # 72x


# --- custom functions ----------------------------------------------------------------------


class Cube(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.tensor(x.numpy() ** 3)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x * x


class OneGradientForTwo(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class WrongShape(autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a.sum()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class Scale(autograd.Function):
    """scale * x, with a plain-number argument and a record of needs_input_grad."""

    seen: ClassVar[list[tuple[bool, ...]]] = []

    @staticmethod
    def forward(ctx, x, scale, y):
        ctx.scale = scale
        return x * scale + y

    @staticmethod
    def backward(ctx, grad_output):
        Scale.seen.append(ctx.needs_input_grad)
        # A gradient for y even when it needs none is ignored; trailing Nones are fine.
        return grad_output * ctx.scale, None, grad_output, None


def test_custom_function_forward_backward_and_higher_order():
    x = leaf([1.0, -2.0])
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    (g,) = autograd.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0]
    (h,) = autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, -12.0]


def test_custom_function_with_too_few_gradients_names_itself():
    a, b = leaf([1.0]), leaf([2.0])
    with pytest.raises(
        RuntimeError, match=r"OneGradientForTwoBackward.*returned 1 gradients.*2 inputs"
    ):
        OneGradientForTwo.apply(a, b).sum().backward()


def test_custom_function_with_a_wrong_gradient_shape_names_itself():
    with pytest.raises(ShapeError, match=r"WrongShapeBackward.*shape \(\).*\(3,\)"):
        WrongShape.apply(leaf([1.0, 2.0, 3.0])).backward()


def test_custom_function_needs_input_grad_and_ignored_gradients():
    Scale.seen.clear()
    x, y = leaf([1.0, 2.0]), torch.tensor([5.0, 5.0])
    out = Scale.apply(x, 4.0, y)
    out.sum().backward()
    assert Scale.seen == [(True, False, False)]
    assert x.grad.tolist() == [4.0, 4.0]
    assert y.grad is None


# --- autograd.grad and autograd.backward ------------------------------------------------------


def test_grad_allow_unused():
    x, unused = leaf(2.0), leaf(3.0)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad(x * x, [x, unused])
    gx, gu = autograd.grad(x * x, [x, unused], allow_unused=True)
    assert gx.item() == 4.0 and gu is None
    assert x.grad is None and unused.grad is None  # .grad is untouched


def test_grad_with_grad_outputs():
    values = np.array([1.0, -2.0, 0.5])
    x = leaf(values)
    v = np.array([2.0, 3.0, -1.0])
    (g,) = autograd.grad(x * x, x, grad_outputs=torch.tensor(v))
    np.testing.assert_array_equal(g.numpy(), 2 * values * v)


def test_grad_with_respect_to_a_non_leaf_leaves_the_graph_below_it_intact():
    x = leaf([1.0, 2.0])
    h = x * 3
    z = (h * h).sum()
    (gh,) = autograd.grad(z, h)
    assert gh.tolist() == [6.0, 12.0]  # 2h
    h.sum().backward(retain_graph=True)  # grad() neither ran nor freed h's own node
    assert x.grad.tolist() == [3.0, 3.0]
    gh2, gx = autograd.grad((h * h).sum(), [h, x])
    assert gh2.tolist() == [6.0, 12.0] and gx.tolist() == [18.0, 36.0]


def test_grad_of_several_outputs_and_several_inputs():
    x, y = leaf(3.0), leaf(-2.0)
    (g,) = autograd.grad([x * x, x * 5], x)
    assert g.item() == 2 * 3.0 + 5
    (g,) = autograd.grad([x * x, x * 5], x, grad_outputs=[torch.tensor(2.0), torch.tensor(3.0)])
    assert g.item() == 2 * 6.0 + 3 * 5
    gx, gy = autograd.grad(x * y + torch.sin(y), [x, y])
    assert gx.item() == -2.0 and gy.item() == 3.0 + math.cos(-2.0)
    (same,) = autograd.grad(x, x)  # an input that is the output itself
    assert same.item() == 1.0


def test_grad_errors_on_inputs_or_outputs_without_grad():
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.grad(x * 2, torch.tensor(1.0))
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.grad(torch.tensor(1.0) * 2, x)


def test_autograd_backward_with_grad_tensors():
    x = leaf([1.0, 2.0])
    autograd.backward([x * x, x * 3], [torch.tensor([1.0, 1.0]), torch.tensor([2.0, 0.0])])
    assert x.grad.tolist() == [2.0 + 6.0, 4.0 + 0.0]
    autograd.backward((x * x).sum())
    assert x.grad.tolist() == [10.0, 8.0]


# --- higher orders ----------------------------------------------------------------------------


def test_third_and_fourth_derivatives_of_x_to_the_fourth():
    x = leaf(2.0)
    y = x**4
    (d1,) = autograd.grad(y, x, create_graph=True)
    (d2,) = autograd.grad(d1, x, create_graph=True)
    (d3,) = autograd.grad(d2, x, create_graph=True)
    (d4,) = autograd.grad(d3, x)
    assert [d.item() for d in (d1, d2, d3, d4)] == [4 * 8.0, 12 * 4.0, 24 * 2.0, 24.0]
    assert d3.item() == 48.0


def test_derivatives_of_sin_cycle():
    at = 0.7
    x = leaf(at)
    value = torch.sin(x)
    expected = [math.cos(at), -math.sin(at), -math.cos(at), math.sin(at), math.cos(at)]
    for want in expected:
        (value,) = autograd.grad(value, x, create_graph=True)
        assert value.item() == pytest.approx(want, rel=1e-14)


def test_backward_with_create_graph_makes_grad_differentiable():
    x = leaf(1.5)
    (x**3).backward(create_graph=True)
    assert x.grad.item() == 3 * 1.5**2 and x.grad.grad_fn is not None
    (g2,) = autograd.grad(x.grad, x)
    assert g2.item() == 6 * 1.5


# --- deep graphs ------------------------------------------------------------------------------


def test_a_chain_of_100000_multiplications():
    x = leaf(1.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    assert y.item() == 1.5
    y.backward()
    assert x.grad.item() == 1.0


def test_a_left_leaning_sum_of_100000_terms():
    x = leaf(0.5)
    y = x
    for _ in range(99_999):
        y = y + x
    assert y.item() == 50_000.0
    (g,) = autograd.grad(y, x)
    assert g.item() == 100_000.0


def test_a_deep_graph_can_be_dropped_without_backward():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = torch.exp(y * 0.0)  # ExpBackward0 saves its result: reference cycles
    del y  # no RecursionError or crash while freeing


# --- printing and Python conversions ------------------------------------------------------------


def test_repr_like_pytorch():
    x = torch.arange(4.0, requires_grad=True)
    assert repr(2 * torch.dot(x, x)) == "tensor(28., grad_fn=<MulBackward0>)"
    assert (
        repr(torch.tensor([0.0, 1.0], requires_grad=True)) == "tensor([0., 1.], requires_grad=True)"
    )
    assert repr(torch.tensor(3.0)) == "tensor(3.)"
    assert repr(x.sum()) == "tensor(6., grad_fn=<SumBackward0>)"


def test_bool_and_float_of_one_element_tensors():
    assert bool(torch.tensor([2.0])) is True
    assert bool(torch.tensor(0.0)) is False
    assert float(torch.tensor([[3.5]])) == 3.5
    x = leaf(2.0)
    steps = 0
    while x * 2**steps < 100:  # comparisons of one-element tensors drive control flow
        steps += 1
    assert steps == 6
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="2 elements"):
        float(torch.tensor([1.0, 2.0]))


# --- indexing and shapes ------------------------------------------------------------------------


def test_slice_gradient():
    x = torch.arange(5.0, requires_grad=True)
    x[1:3].sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 0.0, 0.0]


def test_repeated_indices_accumulate():
    x = torch.arange(5.0, requires_grad=True)
    (x[[0, 0, 2]] * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [11.0, 0.0, 100.0, 0.0, 0.0]
    y = torch.arange(5.0, requires_grad=True)
    (y[[0, 0, 2]] ** 2).sum().backward(create_graph=True)
    assert y.grad.tolist() == [0.0, 0.0, 4.0, 0.0, 0.0]
    (h,) = autograd.grad(y.grad.sum(), y)
    assert h.tolist() == [4.0, 0.0, 2.0, 0.0, 0.0]


def test_element_and_mask_indexing_gradients():
    m = torch.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (m[0, 1] * 5).backward()
    assert m.grad.tolist() == [[0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]
    m.grad = None
    (m[-1] * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert m.grad.tolist() == [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]
    x = torch.tensor([3.0, -1.0, 2.0, -4.0], requires_grad=True)
    (x[x > 0] ** 2).sum().backward()
    assert x.grad.tolist() == [6.0, 0.0, 4.0, 0.0]


def test_transpose_reshape_gradients():
    values = rng.standard_normal((2, 3))
    weights = rng.standard_normal((3, 2))
    m = leaf(values)
    (m.T * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), weights.T)

    m = leaf(values)
    (m.reshape(3, 2) * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), weights.reshape(2, 3))

    cube = leaf(rng.standard_normal((2, 3, 4)))
    w = rng.standard_normal((4, 3, 2))
    (cube.transpose(0, 2) * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(cube.grad.numpy(), np.transpose(w, (2, 1, 0)))


# --- numerically careful formulas ---------------------------------------------------------------


@pytest.fixture
def strict_floats():
    """Turn numpy's overflow / invalid-value warnings into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


@pytest.mark.parametrize("big", [1000.0, 1e15])
def test_logsumexp_of_large_values(strict_floats, big):
    x = leaf([big, big])
    y = torch.logsumexp(x)
    assert y.item() == pytest.approx(big + math.log(2), rel=1e-15)
    y.backward()
    # softmax(x): exact, not exp(x - result), which inherits result's rounding
    assert x.grad.tolist() == [0.5, 0.5]
    z = leaf([big, big - 1.0])  # both exact in float64
    torch.logsumexp(z).backward()
    e = math.exp(-1.0)
    np.testing.assert_allclose(z.grad.numpy(), [1 / (1 + e), e / (1 + e)], rtol=1e-15)


def test_softplus_and_sigmoid_at_extremes(strict_floats):
    x = leaf([1000.0, -1000.0])
    s = torch.softplus(x)
    assert s.tolist() == [1000.0, 0.0]
    s.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]
    z = leaf([-1000.0, 1000.0])
    p = torch.sigmoid(z)
    assert p.tolist() == [0.0, 1.0]
    p.sum().backward()
    assert z.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("target", "loss", "grad"), [([0.0, 1.0], 1000.0, [0.5, -0.5]), ([1.0, 0.0], 0.0, [0.0, 0.0])]
)
def test_bce_with_logits_at_extreme_logits(strict_floats, target, loss, grad):
    x = leaf([1000.0, -1000.0])
    value = torch.nn.functional.binary_cross_entropy_with_logits(x, torch.tensor(target))
    assert value.item() == loss  # mean of max(x,0) - x*t + log1p(exp(-|x|))
    value.backward()
    assert x.grad.tolist() == grad  # (sigmoid(x) - t) / 2


def test_norm_of_huge_values(strict_floats):
    x = leaf([1e200, 1e200])
    n = x.norm()
    assert n.item() == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15)
    n.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / math.sqrt(2)] * 2, rtol=1e-15)


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1.0])
def test_norm_neither_overflows_nor_underflows(strict_floats, scale):
    x = leaf([3.0 * scale, 4.0 * scale])
    n = torch.norm(x)
    assert n.item() == pytest.approx(5.0 * scale, rel=1e-15)
    n.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.6, 0.8], rtol=1e-15)


def test_norm_at_zero_has_gradient_zero(strict_floats):
    x = leaf([0.0, 0.0, 0.0])
    n = torch.norm(x)
    assert n.item() == 0.0
    n.backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_kink_conventions():
    x = leaf([-2.0, 0.0, 3.0])
    torch.abs(x).sum().backward()
    assert x.grad.tolist() == [-1.0, 0.0, 1.0]  # abs'(0) = 0
    x = leaf([-2.0, 0.0, 3.0])
    torch.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # relu'(0) = 0
    x, y = leaf([1.0, 2.0]), leaf([1.0, 3.0])
    torch.maximum(x, y).sum().backward()
    assert x.grad.tolist() == [0.5, 0.0] and y.grad.tolist() == [0.5, 1.0]  # ties split


def _product_of_others(values, axis):
    """d prod / d x_i = product of the other elements, computed by deleting x_i."""
    moved = np.moveaxis(values, axis, -1)
    out = np.empty_like(moved)
    for i in range(moved.shape[-1]):
        out[..., i] = np.prod(np.delete(moved, i, axis=-1), axis=-1)
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [2.0, -1.5, 3.0], [0.0]])
def test_prod_gradient_with_zeros(values):
    x = leaf(values)
    torch.prod(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), _product_of_others(np.array(values), 0))


def test_prod_gradient_along_a_dim_and_second_order_with_a_zero():
    values = np.array([[2.0, 0.0, 3.0], [1.0, 2.0, 4.0], [0.0, 5.0, 0.0]])
    for dim in (0, 1):
        m = leaf(values)
        torch.prod(m, dim=dim).sum().backward()
        np.testing.assert_array_equal(m.grad.numpy(), _product_of_others(values, dim))
    x = leaf([2.0, 0.0, 3.0])
    (g,) = autograd.grad(torch.prod(x), x, create_graph=True)
    (h,) = autograd.grad(g[1], x)  # d/dx_j of x0 * x2
    assert h.tolist() == [3.0, 0.0, 2.0]


# --- creation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.arange(1e12),
        lambda: torch.ones(100_000, 100_000),
        lambda: torch.zeros((100_000, 100_000)),
        lambda: torch.full((10**6, 10**6), 1.0),
        lambda: torch.eye(10**6),
        lambda: torch.linspace(0, 1, 10**12),
        lambda: torch.rand(10**5, 10**5),
        lambda: torch.randn(torch.MAX_ELEMENTS + 1),
    ],
)
def test_creation_refuses_huge_sizes_before_allocating(make):
    tracemalloc.start()
    try:
        with pytest.raises(LimitError, match="limit"):
            make()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10**6


def test_manual_seed_makes_random_tensors_reproducible():
    torch.manual_seed(123)
    a, b = torch.rand(3, 2), torch.randn(4)
    torch.manual_seed(123)
    assert torch.rand(3, 2).tolist() == a.tolist()
    assert torch.randn(4).tolist() == b.tolist()
    torch.manual_seed(124)
    assert torch.rand(3, 2).tolist() != a.tolist()
    assert np.all((a.numpy() >= 0) & (a.numpy() < 1))


def test_pow_higher_derivatives_when_the_exponent_passes_through_zero():
    # (1+x)**sin(x) = exp(sin(x) log(1+x)); at 0 its derivatives are 0, 2, -3.
    x = torch.tensor(0.0, requires_grad=True)
    current = (1 + x) ** torch.sin(x)
    found = []
    for _ in range(3):
        (current,) = autograd.grad(current, x, create_graph=True)
        found.append(current.item())
    assert found == pytest.approx([0.0, 2.0, -3.0], abs=1e-12)


def test_pow_derivative_of_x_to_the_zero_at_zero_is_zero():
    x = torch.tensor(0.0, requires_grad=True)
    (g,) = autograd.grad(x**0.0, x)
    assert g.item() == 0.0


def test_grad_mode_is_per_thread_as_in_pytorch():
    import threading

    import gradcli

    seen = []
    with gradcli.no_grad():
        worker = threading.Thread(target=lambda: seen.append(gradcli.is_grad_enabled()))
        worker.start()
        worker.join()
        assert not gradcli.is_grad_enabled()
    assert seen == [True] and gradcli.is_grad_enabled()
