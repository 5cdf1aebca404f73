"""The worked examples of PyTorch autograd tutorials, written as they are written for PyTorch:
gradients, custom Functions, accumulation, retain_graph, in-place changes, small nets."""

import numpy as np
import pytest

import gradcli as torch


def test_dot_product_gradient():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    assert y.item() == 28.0
    assert y.grad_fn.name() == "MulBackward0"
    y.backward()
    assert x.grad.tolist() == [0.0, 4.0, 8.0, 12.0]


def test_sum_after_zeroing():
    x = torch.arange(4.0, requires_grad=True)
    (2 * torch.dot(x, x)).backward()
    x.grad.zero_()
    y = x.sum()
    assert y.grad_fn.name() == "SumBackward0"
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_non_scalar_output():
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 4.0, 6.0]
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * x).backward()


def test_gradient_through_python_control_flow():
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        return b if b.sum() > 0 else 100 * b

    a = torch.tensor(2.0, requires_grad=True)
    d = f(a)
    d.backward()
    assert d.item() == 1024.0
    assert a.grad.item() == 512.0
    assert a.grad.item() == d.item() / a.item()  # f is linear in a along this path


def test_custom_function_multiply_add():
    class MultiplyAdd(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_output):
            _w, x = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False, True)
            return grad_output * x, None, grad_output

    x = torch.ones(1)
    w = torch.rand(1, requires_grad=True)
    b = torch.rand(1, requires_grad=True)
    z = MultiplyAdd.apply(w, x, b)
    assert z.grad_fn.name() == "MultiplyAddBackward"
    z.backward()
    assert w.grad.tolist() == x.tolist() == [1.0]
    assert b.grad.tolist() == [1.0]
    assert x.grad is None


def _product_of_sums():
    w = torch.tensor([1.0], requires_grad=True)
    x = torch.tensor([2.0], requires_grad=True)
    a = torch.add(x, w)
    b = torch.add(w, 1)
    return w, x, a, b


def test_product_of_sums_and_requires_grad_propagating():
    w, x, a, b = _product_of_sums()
    y = torch.mul(a, b)
    assert a.requires_grad and b.requires_grad and y.requires_grad
    y.backward()
    assert w.grad.tolist() == [5.0]
    assert x.grad.tolist() == [2.0]
    plain = torch.tensor([1.0]) * torch.tensor([2.0])
    assert not plain.requires_grad and plain.grad_fn is None


def test_weighted_cat():
    w, x, a, b = _product_of_sums()
    loss = torch.cat([torch.mul(a, b), torch.add(a, b)], dim=0)
    assert loss.grad_fn.name() == "CatBackward0"
    loss.backward(gradient=torch.tensor([1.0, 2.0]))
    assert w.grad.tolist() == [9.0]
    assert x.grad.tolist() == [4.0]


def test_second_derivative_with_create_graph():
    x = torch.tensor([3.0], requires_grad=True)
    y = torch.pow(x, 2)
    g1 = torch.autograd.grad(y, x, create_graph=True)
    assert g1[0].tolist() == [6.0]
    assert g1[0].grad_fn.name() == "MulBackward0"
    g2 = torch.autograd.grad(g1[0], x)
    assert g2[0].tolist() == [2.0]


def test_gradients_accumulate():
    w, _x, a, b = _product_of_sums()
    y = torch.mul(a, b)
    seen = []
    for _ in range(3):
        y.backward(retain_graph=True)
        seen.append(w.grad.item())
    assert seen == [5.0, 10.0, 15.0]
    seen = []
    for _ in range(3):
        w.grad.zero_()
        y.backward(retain_graph=True)
        seen.append(w.grad.item())
    assert seen == [5.0, 5.0, 5.0]


def test_in_place_on_a_leaf_that_requires_grad():
    w, *_ = _product_of_sums()
    with pytest.raises(RuntimeError, match=r"add_\(\): a leaf tensor that requires grad"):
        w.add_(1)
    assert w.tolist() == [1.0]
    with torch.no_grad():
        w.add_(1)
    assert w.tolist() == [2.0]


def test_retain_graph():
    _w, _x, a, b = _product_of_sums()
    y = torch.mul(a, b)
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    w2, _x2, a2, b2 = _product_of_sums()
    y2 = torch.mul(a2, b2)
    y2.backward(retain_graph=True)
    y2.backward()
    assert w2.grad.tolist() == [10.0]


def test_binary_cross_entropy_with_logits():
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor([[0.1 * i - 0.2 * j for j in range(3)] for i in range(5)], requires_grad=True)
    b = torch.tensor([0.5, -0.5, 0.25], requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    assert z.grad_fn.name() == "AddBackward0"
    assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    assert loss.item() == pytest.approx(0.854120422759253, abs=1e-15)
    loss.backward()
    expected = [0.2725, 0.1258, 0.1069]
    assert np.round(b.grad.numpy(), 4).tolist() == expected
    assert np.round(w.grad.numpy(), 4).tolist() == [expected] * 5
    # independently: d(mean bce)/dz = (sigmoid(z) - y) / 3
    zs = z.detach().numpy()
    np.testing.assert_allclose(b.grad.numpy(), 1 / (1 + np.exp(-zs)) / 3, rtol=1e-14)


def test_binary_cross_entropy_with_random_weights_is_reproducible():
    torch.manual_seed(0)
    first = torch.randn(5, 3).tolist()
    torch.manual_seed(0)
    assert torch.randn(5, 3).tolist() == first


def test_weighted_backward_twice_then_zeroed():
    inp = torch.eye(5, requires_grad=True)
    out = (inp + 1).pow(2)
    diagonal = np.eye(5, dtype=bool)
    out.backward(torch.ones_like(inp), retain_graph=True)
    assert np.all(inp.grad.numpy()[diagonal] == 4) and np.all(inp.grad.numpy()[~diagonal] == 2)
    out.backward(torch.ones_like(inp), retain_graph=True)
    assert np.all(inp.grad.numpy()[diagonal] == 8) and np.all(inp.grad.numpy()[~diagonal] == 4)
    inp.grad.zero_()
    out.backward(torch.ones_like(inp), retain_graph=True)
    assert np.all(inp.grad.numpy()[diagonal] == 4) and np.all(inp.grad.numpy()[~diagonal] == 2)


def test_mean():
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = a + 3
    c = b * b * 3
    out = c.mean()
    assert out.grad_fn.name() == "MeanBackward0"
    out.backward()
    assert a.grad.tolist() == [15.0, 18.0]


def test_two_layer_linear_net():
    x = torch.tensor([2.0], requires_grad=True)
    w1 = torch.tensor([[-0.2377], [0.3578]])
    w2 = torch.tensor([[0.4739, -0.2122]])
    out = w2 @ (w1 @ x)
    out.backward()
    assert round(out.item(), 4) == -0.3771
    assert round(x.grad.item(), 4) == -0.1886
    assert x.grad.item() == pytest.approx(-0.2377 * 0.4739 + 0.3578 * -0.2122, rel=1e-14)
