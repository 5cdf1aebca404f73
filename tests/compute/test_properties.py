"""Property tests: broadcasting is undone exactly, gradients accumulate linearly,
autograd.grad agrees with backward, and elementwise derivatives match central
differences, on shapes and values chosen by hypothesis."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradcli as torch
from gradcli import autograd

fast = settings(max_examples=50, deadline=None)

values = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
away_from_zero = st.floats(0.25, 2.0).flatmap(lambda v: st.sampled_from([v, -v]))


def arrays(shape, elements=values):
    return hnp.arrays(np.float64, shape, elements=elements)


def reduce_to(gradient, shape):
    """The gradient of a broadcast input: each element collects every output it was copied to.

    Computed without any axis bookkeeping: broadcast the input's flat indices to
    the output shape and add up the output gradient per index.
    """
    size = int(np.prod(shape, dtype=int))
    source = np.broadcast_to(np.arange(size).reshape(shape), gradient.shape)
    return np.bincount(source.ravel(), weights=gradient.ravel(), minlength=size).reshape(shape)


# op: (the op on tensors, d op/dx and d op/dy on the broadcast numpy arrays)
BINARY = {
    "+": (lambda x, y: x + y, lambda a, b: np.ones_like(a), lambda a, b: np.ones_like(b)),
    "-": (lambda x, y: x - y, lambda a, b: np.ones_like(a), lambda a, b: -np.ones_like(b)),
    "*": (lambda x, y: x * y, lambda a, b: b, lambda a, b: a),
    "/": (lambda x, y: x / y, lambda a, b: 1 / b, lambda a, b: -a / b**2),
}


@st.composite
def broadcast_case(draw):
    op = draw(st.sampled_from(sorted(BINARY)))
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
    )
    x_shape, y_shape = shapes.input_shapes
    x = draw(arrays(x_shape))
    y = draw(arrays(y_shape, away_from_zero if op == "/" else values))
    weights = draw(arrays(shapes.result_shape))
    return op, x, y, weights


@fast
@given(broadcast_case())
def test_broadcast_gradients_are_reduced_back_to_each_input(case):
    op, x_values, y_values, weights = case
    forward, dx, dy = BINARY[op]
    x, y = torch.tensor(x_values, requires_grad=True), torch.tensor(y_values, requires_grad=True)
    out = forward(x, y)
    assert out.shape == np.broadcast_shapes(x_values.shape, y_values.shape)
    (out * torch.tensor(weights)).sum().backward()
    assert x.grad.shape == x_values.shape and y.grad.shape == y_values.shape
    a, b = np.broadcast_arrays(x_values, y_values)
    np.testing.assert_allclose(
        x.grad.numpy(), reduce_to(weights * dx(a, b), x_values.shape), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        y.grad.numpy(), reduce_to(weights * dy(a, b), y_values.shape), rtol=1e-12, atol=1e-12
    )


FUNCTIONS = {
    "poly": lambda x: x * x * 0.5 - x * 3.0,
    "sin*exp": lambda x: torch.sin(x) * torch.exp(x * 0.5),
    "tanh/(1+x^2)": lambda x: torch.tanh(x) / (1.0 + x * x),
    "softplus+sigmoid": lambda x: torch.softplus(x) + torch.sigmoid(x * 2.0),
    "cube": lambda x: x**3,
    "log1p(x^2)": lambda x: torch.log1p(x * x),
    "sqrt(x^2+1)": lambda x: torch.sqrt(x * x + 1.0),
    "atan": torch.atan,
    "cosh-x": lambda x: torch.cosh(x) - x,
}


@st.composite
def function_and_input(draw):
    name = draw(st.sampled_from(sorted(FUNCTIONS)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
    return name, draw(arrays(shape))


@fast
@given(function_and_input(), st.integers(1, 4))
def test_k_backward_calls_give_k_times_one(case, k):
    name, values = case
    x = torch.tensor(values, requires_grad=True)
    y = FUNCTIONS[name](x).sum()
    y.backward(retain_graph=True)
    once = x.grad.numpy().copy()
    for _ in range(k - 1):
        y.backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), k * once, rtol=1e-14)


@fast
@given(function_and_input(), arrays(()), st.sampled_from([(0,), (1,), (0, 1)]), st.booleans())
def test_autograd_grad_agrees_with_backward(case, other_value, wanted, create_graph):
    name, values = case
    f = FUNCTIONS[name]

    def build():
        x = torch.tensor(values, requires_grad=True)
        z = torch.tensor(other_value, requires_grad=True)
        return (x, z), (f(x) * z + torch.sin(z)).sum()

    inputs, y = build()
    grads = autograd.grad(y, [inputs[i] for i in wanted], create_graph=create_graph)
    assert all(t.grad is None for t in inputs)
    assert all(g.requires_grad == create_graph for g in grads)
    inputs, y = build()
    y.backward()
    for g, i in zip(grads, wanted, strict=True):
        np.testing.assert_array_equal(g.numpy(), inputs[i].grad.numpy())


def _central(f, values, h=1e-5):
    """Central differences of an elementwise f, all elements at once."""
    with torch.no_grad():
        ahead = f(torch.tensor(values + h)).numpy()
        behind = f(torch.tensor(values - h)).numpy()
    return (ahead - behind) / (2 * h)


@fast
@given(function_and_input())
def test_gradient_of_a_sum_matches_central_differences(case):
    name, values = case
    f = FUNCTIONS[name]
    x = torch.tensor(values, requires_grad=True)
    (g,) = autograd.grad(f(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), _central(f, values), rtol=1e-6, atol=1e-7)
    # and the second derivative, differentiating the gradient itself
    (h,) = autograd.grad(g.sum(), x)

    def first_derivative(t):
        with torch.enable_grad():
            t = t.detach().requires_grad_()
            return autograd.grad(f(t).sum(), t)[0]

    np.testing.assert_allclose(h.numpy(), _central(first_derivative, values), rtol=1e-5, atol=1e-6)
