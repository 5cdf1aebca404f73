"""gradcli.autograd.functional against analytic Jacobians and Hessians."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli as torch
from gradcli.autograd.functional import hessian, hvp, jacobian, jvp, vjp


def f(x):
    return torch.stack([x[0] ** 2 * x[1], torch.sin(x[1]) + x[2], x[0] * x[2]])


def jacobian_of_f(x):
    a, b, c = x
    return np.array([[2 * a * b, a * a, 0.0], [0.0, np.cos(b), 1.0], [c, 0.0, a]])


def g(x):
    return (x[0] ** 2 * x[1] + torch.exp(x[1] * x[2])).sum()


def hessian_of_g(x):
    a, b, c = x
    e = np.exp(b * c)
    return np.array(
        [[2 * b, 2 * a, 0.0], [2 * a, c * c * e, e + b * c * e], [0.0, e + b * c * e, b * b * e]]
    )


point = st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3).map(np.array)


@settings(max_examples=30, deadline=None)
@given(point)
def test_jacobian_and_its_products(x0):
    x = torch.tensor(x0)
    expected = jacobian_of_f(x0)
    np.testing.assert_allclose(jacobian(f, x).numpy(), expected, rtol=1e-12, atol=1e-12)
    v = np.array([0.3, -1.2, 2.0])
    out, product = vjp(f, x, torch.tensor(v))
    np.testing.assert_allclose(out.numpy(), f(x).numpy())
    np.testing.assert_allclose(product.numpy(), v @ expected, rtol=1e-12, atol=1e-12)
    _, pushed = jvp(f, x, torch.tensor(v))
    np.testing.assert_allclose(pushed.numpy(), expected @ v, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(point)
def test_hessian_and_hvp(x0):
    x = torch.tensor(x0)
    expected = hessian_of_g(x0)
    np.testing.assert_allclose(hessian(g, x).numpy(), expected, rtol=1e-12, atol=1e-12)
    v = np.array([1.0, -0.5, 0.25])
    value, product = hvp(g, x, torch.tensor(v))
    assert value.item() == pytest.approx(g(x).item())
    np.testing.assert_allclose(product.numpy(), expected @ v, rtol=1e-12, atol=1e-12)


def test_tuple_inputs_give_tuples_of_blocks():
    a, b = torch.tensor([1.0, 2.0]), torch.tensor(3.0)
    blocks = jacobian(lambda x, y: x * y, (a, b))
    assert blocks[0].tolist() == [[3.0, 0.0], [0.0, 3.0]] and blocks[1].tolist() == [1.0, 2.0]
    h = hessian(lambda x, y: (x * x).sum() * y, (a, b))
    assert h[0][0].tolist() == [[6.0, 0.0], [0.0, 6.0]]
    assert h[0][1].tolist() == [2.0, 4.0] and h[1][1].item() == 0.0


def test_unused_inputs_get_zeros_unless_strict():
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([5.0])
    assert jacobian(lambda x, y: x * 2, (a, b))[1].tolist() == [[0.0], [0.0]]
    with pytest.raises(RuntimeError, match="strict"):
        jacobian(lambda x, y: x * 2, (a, b), strict=True)


def test_create_graph_keeps_results_differentiable():
    x = torch.tensor(2.0, requires_grad=True)
    (_, slope) = vjp(lambda t: t**3, x, create_graph=True)
    (curvature,) = torch.autograd.grad(slope, x)
    assert slope.item() == 12.0 and curvature.item() == 12.0


def test_vector_needed_for_non_scalar_outputs():
    with pytest.raises(RuntimeError, match="give v"):
        vjp(lambda t: t * 2, torch.tensor([1.0, 2.0]))


def test_pytorch_signatures_are_accepted():
    x = torch.tensor([1.0, 2.0])
    assert jacobian(lambda t: t * t, x, vectorize=True).tolist() == [[2.0, 0.0], [0.0, 4.0]]
    assert hessian(lambda t: (t**3).sum(), x, outer_jacobian_strategy="reverse-mode").tolist() == [
        [6.0, 0.0],
        [0.0, 12.0],
    ]
    with pytest.raises(ValueError, match="reverse mode"):
        jacobian(lambda t: t, x, strategy="forward-mode")
