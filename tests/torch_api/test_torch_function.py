"""Custom ``autograd.Function`` as PyTorch's docs write them, under ``import gradcli as torch``.

Expected numbers are analytic or computed independently with numpy; where a behaviour
is PyTorch's (what backward receives, which tensor is which), it was checked once with
torch 2.13 (``/tmp/torchenv/bin/python``) running the same class, and the comment says
"as torch".
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli as torch
from gradcli.autograd import gradcheck, gradgradcheck
from gradcli.autograd.function import once_differentiable
from gradcli.errors import AutogradError, ShapeError


def leaf(values):
    return torch.tensor(values, requires_grad=True)


def test_a_fresh_import_gives_tensors_their_methods():
    # Only `import gradcli as torch`: no module of the ops is imported by hand.
    program = "import gradcli as torch; x = torch.tensor([0.0, 1.0]); print((x * 2).exp())"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tensor([1.    , 7.3891])"


# --- the docs' examples -----------------------------------------------------------------


class Exp(torch.autograd.Function):
    """The docs' first example: it saves its output, so double backward goes through it."""

    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class LegacyExp(torch.autograd.Function):
    """The same with ``saved_variables``, the old name tutorials' MultiplyAdd uses."""

    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_variables
        return grad_output * result


@pytest.mark.parametrize("function", [Exp, LegacyExp])
def test_exp_first_and_second_derivatives(function):
    x = leaf([0.5, -1.0])
    (g,) = torch.autograd.grad(function.apply(x).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    expected = [math.exp(0.5), math.exp(-1.0)]
    np.testing.assert_allclose(g.tolist(), expected, rtol=1e-15)
    np.testing.assert_allclose(h.tolist(), expected, rtol=1e-15)


class LinearFunction(torch.autograd.Function):
    """The docs' LinearFunction, in PyTorch 2's style (forward without ctx, setup_context)."""

    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


def test_linear_function_in_setup_context_style():
    inputs = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
    weight = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
    bias = np.array([0.01, -0.02])
    upstream = np.array([[1.0, -1.0], [2.0, 0.5]])
    inp, w, b = leaf(inputs.tolist()), leaf(weight.tolist()), leaf(bias.tolist())
    out = LinearFunction.apply(inp, w, b)
    assert out.grad_fn.name() == "LinearFunctionBackward"
    (out * torch.tensor(upstream.tolist())).sum().backward()
    np.testing.assert_allclose(out.tolist(), inputs @ weight.T + bias, rtol=1e-15)
    np.testing.assert_allclose(inp.grad.tolist(), upstream @ weight, rtol=1e-15)
    np.testing.assert_allclose(w.grad.tolist(), upstream.T @ inputs, rtol=1e-15)
    np.testing.assert_allclose(b.grad.tolist(), upstream.sum(0), rtol=1e-15)
    assert gradcheck(LinearFunction.apply, [inp, w, b])


def test_linear_function_without_bias_and_needs_input_grad():
    inp = torch.tensor([[1.0, 2.0]])  # no gradient wanted: backward skips it
    w = leaf([[3.0, -1.0]])
    LinearFunction.apply(inp, w, None).sum().backward()
    assert w.grad.tolist() == [[1.0, 2.0]]
    assert inp.grad is None


class MulConstant(torch.autograd.Function):
    """A plain number among the inputs, kept on ctx by setup_context."""

    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


def test_mul_constant_keeps_a_number_on_ctx():
    x = leaf([1.0, 2.0])
    MulConstant.apply(x, 2.5).sum().backward()
    assert x.grad.tolist() == [2.5, 2.5]


# --- several outputs ----------------------------------------------------------------------


class MyCube(torch.autograd.Function):
    """The docs' MyCube: x**3 and its derivative, both outputs; backward uses both gradients."""

    @staticmethod
    def forward(x):
        result = x**3
        dx = 3 * x**2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        _, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x


def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


def test_several_outputs_come_back_as_a_tuple_sharing_one_node():
    x = leaf([2.0])
    result, dx = MyCube.apply(x)
    assert result.tolist() == [8.0] and dx.tolist() == [12.0]
    assert result.grad_fn.name() == dx.grad_fn.name() == "MyCubeBackward"
    assert repr(result.grad_fn) == repr(dx.grad_fn)
    # As PyTorch records it: each input's edge names the node and which output it was.
    (first, k0), (second, k1) = (result * dx).grad_fn.next_functions
    assert (k0, k1) == (0, 1) and first is second
    assert first.next_functions == result.grad_fn.next_functions
    assert [t.tolist() for t in first.saved_tensors] == [[2.0], [12.0]]


@settings(max_examples=30, deadline=None)
@given(st.floats(-3.0, 3.0))
def test_my_cube_double_backward_is_six_x(value):
    x = leaf(value)
    (g,) = torch.autograd.grad(my_cube(x), x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    assert g.item() == pytest.approx(3 * value**2, rel=1e-14, abs=1e-300)
    assert h.item() == pytest.approx(6 * value, rel=1e-14, abs=1e-300)


def test_both_outputs_used_and_differentiated_twice():
    x = leaf(1.5)
    result, dx = MyCube.apply(x)
    (g,) = torch.autograd.grad(result + 2 * dx, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    assert g.item() == pytest.approx(3 * 1.5**2 + 12 * 1.5, rel=1e-15)  # 3x² + 2·6x
    assert h.item() == pytest.approx(6 * 1.5 + 12, rel=1e-15)


class Sinh(torch.autograd.Function):
    """The double-backward tutorial's Sinh: intermediate results returned as outputs, and a
    backward that updates its result in place (``+=``) while recording."""

    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def test_sinh_with_intermediate_outputs_passes_gradcheck_and_gradgradcheck():
    x = leaf([0.5, -1.25, 2.0])
    for output in range(3):
        assert gradcheck(lambda t, k=output: Sinh.apply(t)[k], [x])
        assert gradgradcheck(lambda t, k=output: Sinh.apply(t)[k], [x])
    assert gradgradcheck(lambda t: Sinh.apply(t), [x])  # every output at once


def test_sinh_mixing_all_outputs_matches_analytic_and_torch():
    values = np.array([0.5, -1.25, 2.0])
    weights = np.array([1.0, 2.0, 3.0])
    x = leaf(values.tolist())
    s, e, n = Sinh.apply(x)
    loss = (s * s).sum() + (e * torch.tensor(weights.tolist())).sum() - n.sum()
    (g,) = torch.autograd.grad(loss, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    # d/dx [sinh² + w·eˣ - e⁻ˣ] = sinh 2x + w·eˣ + e⁻ˣ, and again 2 cosh 2x + w·eˣ - e⁻ˣ
    first = np.sinh(2 * values) + weights * np.exp(values) + np.exp(-values)
    second = 2 * np.cosh(2 * values) + weights * np.exp(values) - np.exp(-values)
    np.testing.assert_allclose(g.tolist(), first, rtol=1e-14)
    np.testing.assert_allclose(h.tolist(), second, rtol=1e-14)


class Recorder(torch.autograd.Function):
    """x*2, 7, x*3: a plain value among the outputs; backward records what it received."""

    received: list = []  # noqa: RUF012
    materialize = True

    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(Recorder.materialize)
        return x * 2, 7, x * 3

    @staticmethod
    def backward(ctx, g1, g2, g3):
        Recorder.received.append((g1, g2, g3))
        total = 0
        for g, factor in ((g1, 2), (g3, 3)):
            if g is not None:
                total = total + g * factor
        return total


@pytest.fixture
def recorder():
    Recorder.received.clear()
    Recorder.materialize = True
    yield Recorder
    Recorder.materialize = True


def test_an_unused_output_gets_zeros_and_a_plain_value_passes_through(recorder):
    x = leaf([1.0, 2.0])
    twice, seven, _ = recorder.apply(x)
    assert seven == 7 and type(seven) is int  # as in PyTorch
    twice.sum().backward()
    ((g1, g2, g3),) = recorder.received
    assert g1.tolist() == [1.0, 1.0] and g2 is None and g3.tolist() == [0.0, 0.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_without_materialized_grads_an_unused_output_gets_none(recorder):
    recorder.materialize = False
    x = leaf([1.0, 2.0])
    _, _, thrice = recorder.apply(x)
    (thrice * torch.tensor([1.0, 10.0])).sum().backward()
    ((g1, g2, g3),) = recorder.received
    assert g1 is None and g2 is None and g3.tolist() == [1.0, 10.0]
    assert x.grad.tolist() == [3.0, 30.0]


def test_each_output_gets_its_summed_gradient_in_one_backward_call(recorder):
    x = leaf([1.0])
    twice, _, thrice = recorder.apply(x)
    (twice * 5 + twice * 2 + thrice * thrice).sum().backward()
    ((g1, _, g3),) = recorder.received  # one call, with whole gradients
    assert g1.tolist() == [7.0] and g3.tolist() == [6.0]  # 2·(3x)
    assert x.grad.tolist() == [7 * 2 + 6 * 3]


def test_a_one_tuple_is_a_tuple_as_in_pytorch():
    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return (x * 2,)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf([1.0, 3.0])
    (y,) = Twice.apply(x)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_no_gradient_needed_gives_plain_outputs():
    result, dx = MyCube.apply(torch.tensor([2.0]))
    assert not result.requires_grad and not dx.requires_grad
    with torch.no_grad():
        result, _ = MyCube.apply(leaf([2.0]))
    assert result.grad_fn is None and result.tolist() == [8.0]


def test_retain_grad_and_autograd_grad_per_output():
    x = leaf([1.0, 2.0])
    result, dx = MyCube.apply(x)
    result.retain_grad()
    dx.retain_grad()
    (result * 2 + dx * 5).sum().backward(retain_graph=True)
    assert result.grad.tolist() == [2.0, 2.0] and dx.grad.tolist() == [5.0, 5.0]
    g_result, g_dx = torch.autograd.grad((result * 2 + dx * 5).sum(), [result, dx])
    assert g_result.tolist() == [2.0, 2.0] and g_dx.tolist() == [5.0, 5.0]


def test_backward_from_a_second_output_alone():
    x = leaf([1.0, -2.0])
    _, dx = MyCube.apply(x)
    dx.sum().backward()  # d(3x²)/dx = 6x
    assert x.grad.tolist() == [6.0, -12.0]


# --- ctx: mark_non_differentiable, mark_dirty, once_differentiable -----------------------


class SortWithIndices(torch.autograd.Function):
    """Sorted values and their indices; the indices have no gradient."""

    seen: list = []  # noqa: RUF012

    @staticmethod
    def forward(ctx, x):
        order = np.argsort(x.numpy(), kind="stable")
        values, indices = torch.tensor(x.numpy()[order]), torch.tensor(order.astype(float))
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        SortWithIndices.seen.append(grad_indices)
        (indices,) = ctx.saved_tensors
        out = np.zeros(grad_values.shape)
        out[indices.numpy().astype(int)] = grad_values.numpy()
        return torch.tensor(out)


def test_a_non_differentiable_output_needs_no_grad_and_its_gradient_is_zeros():
    SortWithIndices.seen.clear()
    x = leaf([3.0, 1.0, 2.0])
    values, indices = SortWithIndices.apply(x)
    assert values.requires_grad and not indices.requires_grad and indices.grad_fn is None
    (values * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 1.0, 2.0]  # as torch: the weight of each value's place
    assert SortWithIndices.seen[0].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="does not require grad"):
        indices.sum().backward()


class Double(torch.autograd.Function):
    """Doubles its input in place (mark_dirty) and returns it."""

    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2


def test_mark_dirty_rebases_the_input_on_the_function():
    a = leaf([1.0, 2.0])
    y = a * 1
    z = Double.apply(y)
    assert z is y and y.tolist() == [2.0, 4.0]
    assert y.grad_fn.name() == "DoubleBackward"
    assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"
    assert z._version == 2  # the in-place mul_, then mark_dirty, as torch reports
    (z * z).sum().backward()
    assert a.grad.tolist() == [8.0, 16.0]  # d(2a)²/da = 8a


def test_mark_dirty_on_a_leaf_that_requires_grad_is_refused():
    x = leaf([1.0])
    with pytest.raises(AutogradError, match=r"leaf tensor that requires grad.*mark_dirty"):
        Double.apply(x)
    assert x.tolist() == [2.0]  # forward has run, as in PyTorch; the message says so


def test_mark_dirty_without_recording_returns_the_modified_input():
    x = torch.tensor([1.5])
    assert Double.apply(x) is x and x.tolist() == [3.0]


def test_an_input_returned_unmarked_is_a_new_tensor():
    class Identity(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    a = leaf([1.0, 2.0, 3.0])
    y = Identity.apply(a)
    assert y is not a and a.is_leaf
    y.sum().backward()
    assert a.grad.tolist() == [5.0, 5.0, 5.0]


class OnceCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        OnceCube.recording = torch.is_grad_enabled()
        return 3 * x**2 * grad_output


def test_once_differentiable_first_order_runs_without_recording():
    x = leaf(2.0)
    (g,) = torch.autograd.grad(OnceCube.apply(x), x)
    assert g.item() == 12.0 and OnceCube.recording is False
    (g,) = torch.autograd.grad(OnceCube.apply(x), x, create_graph=True)
    assert g.item() == 12.0 and OnceCube.recording is False


@pytest.mark.parametrize(
    "second_order",
    [
        # Through the gradient's history (PyTorch raises here too) ...
        lambda x: torch.autograd.grad(OnceCube.apply(x) ** 2, x, create_graph=True)[0],
        # ... and where PyTorch would return 2 instead of 6x + 2 = 14, silently.
        lambda x: torch.autograd.grad(OnceCube.apply(x) + x**2, x, create_graph=True)[0],
    ],
)
def test_differentiating_a_once_differentiable_backward_names_it(second_order):
    x = leaf(2.0)
    g = second_order(x)
    with pytest.raises(AutogradError, match=r"OnceCubeBackward.*once_differentiable"):
        torch.autograd.grad(g, x)


def test_once_differentiable_is_caught_by_functional_hessian():
    with pytest.raises(AutogradError, match="once_differentiable"):
        torch.autograd.functional.hessian(lambda t: OnceCube.apply(t).sum(), leaf([1.0]))


# --- backward that returns the wrong thing ------------------------------------------------


class MultiplyAddMissingOne(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        return grad_output * x, grad_output * w


def test_too_few_gradients_say_expected_and_got():
    w, x, b = leaf([1.0]), leaf([2.0]), leaf([3.0])
    with pytest.raises(RuntimeError, match=r"MultiplyAddMissingOneBackward.*\(expected 3, got 2\)"):
        MultiplyAddMissingOne.apply(w, x, b).sum().backward()


def test_a_gradient_for_a_plain_number_input_is_refused():
    class Shifted(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            return x * k + y

        @staticmethod
        def backward(ctx, g):
            return g, g, None  # the None belongs before the second g

    with pytest.raises(AutogradError, match=r"ShiftedBackward.*input 1, which is not a tensor"):
        Shifted.apply(leaf([1.0]), 2.0, leaf([1.0])).sum().backward()


def test_an_unreduced_broadcast_gradient_is_refused_with_what_to_do():
    class Product(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * x  # y's gradient is still (2, 3)

    with pytest.raises(ShapeError, match=r"shape \(2, 3\) for input 1.*\(3,\).*sum the gradient"):
        Product.apply(leaf(np.ones((2, 3))), leaf([1.0, 2.0, 3.0])).sum().backward()


def test_a_wrong_shape_that_is_no_broadcast_has_no_hint():
    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return torch.ones(2)

    # A ShapeError, and the RuntimeError PyTorch raises here.
    with pytest.raises(ShapeError, match=r"WrongBackward.*\(2,\).*\(3,\)$") as caught:
        Wrong.apply(leaf([1.0, 2.0, 3.0])).backward()
    assert isinstance(caught.value, RuntimeError)


def test_mark_dirty_on_something_not_an_input_is_refused():
    class Confused(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            ctx.mark_dirty(y)
            return y

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(AutogradError, match="not an input"):
        Confused.apply(leaf([1.0]))


def test_gradcheck_stays_a_function_after_its_module_is_imported():
    import gradcli
    import gradcli.autograd.numerical

    assert callable(gradcli.autograd.gradcheck)
    assert gradcli.autograd.gradcheck(lambda x: x * x, gradcli.tensor([1.5], requires_grad=True))
