"""Hooks and modes as PyTorch code uses them: ``Tensor.register_hook``, ``retain_grad``,
``inference_mode``, ``detect_anomaly`` and ``autograd.functional.vhp``/``hvp``.

Expected numbers are analytic, or were computed once with real PyTorch (torch 2.13) from
the same statements with ``import torch`` (``/tmp/torchenv/bin/python``); where so, the
comment says "as torch".
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradcli as torch
from gradcli.errors import AutogradError, ShapeError


def leaf(values):
    return torch.tensor(values, requires_grad=True)


# --- register_hook ----------------------------------------------------------------------


def test_hooks_on_a_leaf_and_a_non_leaf_replace_the_gradient():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 10)
    y = x * 3
    y.register_hook(lambda g: g * 2)
    z = (y * y).sum()
    # dz/dy = 2y = 6x, doubled by y's hook: 12x; through y = 3x: 36x, then x's hook: 360x.
    (at_x,) = torch.autograd.grad(z, x, retain_graph=True)
    (at_y,) = torch.autograd.grad(z, y, retain_graph=True)
    assert at_x.tolist() == [360.0, 720.0] and at_y.tolist() == [12.0, 24.0]  # as torch
    y.retain_grad()
    z.backward()
    assert x.grad.tolist() == [360.0, 720.0] and y.grad.tolist() == [12.0, 24.0]  # as torch


def test_retain_grad_keeps_the_gradient_the_hooks_made():
    a = leaf([1.0, 2.0])
    b = a * 1
    b.retain_grad()  # before the hook, and still it sees the hook's result, as torch
    b.register_hook(lambda g: g * 5)
    b.sum().backward()
    assert b.grad.tolist() == [5.0, 5.0] and a.grad.tolist() == [5.0, 5.0]


def test_a_leaf_hook_runs_once_with_the_summed_gradient():
    calls = []
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: calls.append(g.tolist()))
    (x * 2 + x * 3).sum().backward()
    assert calls == [[5.0, 5.0]] and x.grad.tolist() == [5.0, 5.0]


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(np.float64, 3, elements=st.floats(-4, 4)),
    st.floats(-3, 3),
    st.floats(-3, 3),
)
def test_hooks_compose_in_the_order_they_were_registered(values, scale, shift):
    x = leaf(values.tolist())
    y = torch.sin(x)
    y.register_hook(lambda g: g * scale)
    y.register_hook(lambda g: g + shift)
    (y * y).sum().backward()
    # d(sin²x)/d(sin x) = 2 sin x, then ·scale, then +shift, then times cos x on the way.
    expected = (2 * np.sin(values) * scale + shift) * np.cos(values)
    np.testing.assert_allclose(x.grad.tolist(), expected, rtol=1e-13, atol=1e-13)


def test_a_hook_returning_none_only_observes():
    seen = []
    x = leaf([3.0])
    x.register_hook(lambda g: seen.append(g.item()))
    (x * x).sum().backward()
    assert seen == [6.0] and x.grad.tolist() == [6.0]


def test_remove_takes_the_hook_off_and_a_with_block_does_too():
    x = leaf(3.0)
    handle = x.register_hook(lambda g: g * 2)
    handle.remove()
    handle.remove()  # twice is harmless, as in PyTorch
    (x * 1).backward()
    assert x.grad.item() == 1.0
    with x.register_hook(lambda g: g * 100):
        (x * 1).backward()
    (x * 1).backward()
    assert x.grad.item() == 1.0 + 100.0 + 1.0


def test_a_hook_may_remove_itself_while_running():
    x = leaf(1.0)
    handles = []
    handles.append(x.register_hook(lambda g: handles[0].remove()))
    (x * 2).backward()
    (x * 2).backward()
    assert x.grad.item() == 4.0


def test_hooks_on_the_outputs_of_a_multi_output_function():
    class TwoMultiples(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    x = leaf([1.0, 2.0])
    a, b = TwoMultiples.apply(x)
    b.register_hook(lambda g: g * 100)
    a.retain_grad()
    b.retain_grad()
    (a + b).sum().backward()
    assert x.grad.tolist() == [302.0, 302.0]  # as torch: 2·1 + 3·100
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [100.0, 100.0]


def test_a_hook_sees_a_differentiable_gradient_under_create_graph():
    x = leaf(3.0)
    seen = []
    x.register_hook(lambda g: seen.append(g.requires_grad) or g * 2)
    (g,) = torch.autograd.grad(x**3, x, create_graph=True)
    assert seen == [True] and g.item() == 54.0  # 2 · 3x²
    (h,) = torch.autograd.grad(g, x)
    # The first doubling is part of g's graph, and the hook doubles again: 2 · 2 · 6x.
    assert h.item() == 72.0 and seen == [True, False]  # as torch


def test_a_hook_on_a_tensor_without_grad_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.tensor(1.0).register_hook(print)


def test_a_hook_that_changes_the_shape_is_refused_by_name():
    x = leaf([1.0, 2.0])
    y = x * 1

    def widen(g):
        return torch.ones(3)

    y.register_hook(widen)
    with pytest.raises(RuntimeError, match=r"widen.*shape \(3,\).*shape \(2,\)") as caught:
        y.sum().backward()
    assert isinstance(caught.value, ShapeError)


def test_a_hook_registered_before_an_in_place_change_sees_the_old_values_gradient():
    # As PyTorch documents: the hook belongs to the tensor's value at registration time.
    x = leaf([1.0, 2.0])
    y = x * 1
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.mul_(3)
    y.sum().backward()
    assert seen == [[3.0, 3.0]] and x.grad.tolist() == [3.0, 3.0]


# --- inference_mode -----------------------------------------------------------------------


def test_inference_mode_as_a_context_manager():
    x = leaf([1.0])
    with torch.inference_mode():
        assert torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
        y = x * 2
        with torch.inference_mode(False):  # recording again, as torch
            assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
    assert y.grad_fn is None and not y.requires_grad
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def test_inference_mode_as_a_decorator_with_and_without_parentheses():
    @torch.inference_mode
    def bare(x):
        return x * 2, torch.is_grad_enabled()

    @torch.inference_mode()
    def called(x):
        return x * 2, torch.is_grad_enabled()

    x = leaf(1.0)
    for function in (bare, called):
        y, recording = function(x)
        assert not recording and y.grad_fn is None
    assert bare.__name__ == "bare"
    assert torch.autograd.inference_mode is torch.inference_mode


def test_inference_mode_false_inside_no_grad_records():
    x = leaf(2.0)
    with torch.no_grad(), torch.inference_mode(False):
        y = x * x
    y.backward()
    assert x.grad.item() == 4.0


# --- anomaly detection --------------------------------------------------------------------


def test_detect_anomaly_names_the_operation_and_where_it_was_recorded():
    x = leaf([0.0, 1.0])
    with torch.autograd.detect_anomaly():
        y = torch.sqrt(x) * 0  # sqrt's gradient at 0 is inf, times 0: NaN
        with pytest.raises(RuntimeError, match=r"SqrtBackward0 returned NaN") as caught:
            y.sum().backward()
    assert "test_torch_hooks.py" in str(caught.value)
    assert "y = torch.sqrt(x) * 0" in str(caught.value)


def test_without_anomaly_mode_the_nan_gradient_just_arrives():
    x = leaf([0.0, 1.0])
    (torch.sqrt(x) * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])


def test_detect_anomaly_names_a_custom_function():
    class Poisoned(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = leaf([1.0])
    with torch.autograd.detect_anomaly(), pytest.raises(AutogradError, match="PoisonedBackward"):
        Poisoned.apply(x).sum().backward()


def test_a_nan_value_with_a_finite_gradient_is_no_anomaly():
    x = leaf([-1.0])
    with torch.autograd.detect_anomaly():
        y = torch.log(x)
        assert np.isnan(y.item())
        y.sum().backward()
    assert x.grad.tolist() == [-1.0]  # 1/x, as torch


def test_check_nan_false_lets_it_through():
    x = leaf([0.0])
    with torch.autograd.detect_anomaly(check_nan=False):
        (torch.sqrt(x) * 0).sum().backward()
    assert np.isnan(x.grad.item())


def test_set_detect_anomaly_as_a_call_and_in_a_with_statement():
    assert not torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(True)
    try:
        assert torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
    finally:
        torch.autograd.set_detect_anomaly(False)
    assert not torch.is_anomaly_enabled()
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
    assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()


def test_detect_anomaly_as_a_decorator():
    @torch.autograd.detect_anomaly()
    def inside():
        return torch.is_anomaly_enabled()

    assert inside() and not torch.is_anomaly_enabled()


# --- functional.vhp and hvp ---------------------------------------------------------------


def two_inputs(a, c):
    return (a**3 * c.exp()).sum() + (a * c).sum() ** 2


def test_vhp_and_hvp_give_torchs_numbers():
    a, c = torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.25])
    v = (torch.tensor([1.0, 0.5]), torch.tensor([-1.0, 2.0]))
    for product in (torch.autograd.functional.vhp, torch.autograd.functional.hvp):
        value, (pa, pc) = product(two_inputs, (a, c), v)
        # Recorded with torch 2.13 (hvp prints the same, to the last digit or two):
        # /tmp/torchenv/bin/python -c "
        # import torch; torch.set_default_dtype(torch.float64); T = torch.tensor
        # f = lambda a, c: (a**3 * c.exp()).sum() + (a * c).sum() ** 2
        # value, (pa, pc) = torch.autograd.functional.vhp(
        #     f, (T([1., -2.]), T([.5, .25])), (T([1., .5]), T([-1., 2.])))
        # print(value.item(), pa.tolist(), pc.tolist())"
        assert value.item() == pytest.approx(-8.623482062801802, rel=1e-15)
        np.testing.assert_allclose(
            pa.tolist(), [0.5711638121003846, 20.924957500379346], rtol=1e-13
        )
        np.testing.assert_allclose(pc.tolist(), [-5.452557458599744, 4.659745833122585], rtol=1e-13)
        assert not pa.requires_grad


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(np.float64, 3, elements=st.floats(-2, 2)),
    hnp.arrays(np.float64, 3, elements=st.floats(-2, 2)),
)
def test_vhp_is_v_times_the_analytic_hessian(x, v):
    # f = Σ x_i³ + (Σ x_i)²: H = diag(6x) + 2·11ᵀ
    def f(t):
        return (t**3).sum() + t.sum() ** 2

    _, product = torch.autograd.functional.vhp(
        f, torch.tensor(x.tolist()), torch.tensor(v.tolist())
    )
    hessian = np.diag(6 * x) + 2 * np.ones((3, 3))
    np.testing.assert_allclose(product.tolist(), v @ hessian, rtol=1e-13, atol=1e-13)


def test_vhp_with_create_graph_is_differentiable():
    x = leaf([1.0, 2.0])
    v = torch.tensor([1.0, 1.0])
    _, product = torch.autograd.functional.vhp(lambda t: (t**4).sum(), x, v, create_graph=True)
    product.sum().backward()  # Σ 12 x² v → 24 x
    assert x.grad.tolist() == [24.0, 48.0]


def test_infinities_and_nans_are_values_without_numpy_warnings():
    import subprocess
    import sys

    script = (
        "import gradcli as torch\n"
        "t = torch.tensor([0.0, 1.0], requires_grad=True)\n"
        "(torch.sqrt(t) * 0).sum().backward()\n"
        "print(1 / torch.tensor(0.0), torch.log(torch.tensor(-1.0)), t.grad)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.split() == ["tensor(inf)", "tensor(nan)", "tensor([nan,", "0.])"]
    assert result.stderr == ""
