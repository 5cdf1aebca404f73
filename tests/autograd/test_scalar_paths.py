"""The engine's short cuts for scalar graphs (#19) compute what the general path computes,
and record what PyTorch records.

A 0-d leaf's arithmetic runs on numpy scalars rather than through numpy's array machinery,
an operation outside recording makes no node, and an operation saves only the tensors the
gradients it will compute need.
"""

import operator

import numpy as np
import pytest

import gradcli as torch
from gradcli.errors import AutogradError

VALUES = [1.5, -0.0, 0.0, 3.0, -7.25, 1e-310, 1e308, np.inf, -np.inf, np.nan, 1 / 3]
OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


def _bits(value) -> bytes:
    return np.asarray(value, dtype=np.float64).tobytes()


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.__name__)
def test_arithmetic_of_a_0d_leaf_is_bit_for_bit_numpys_on_arrays(op):
    for a in VALUES:
        for b in VALUES:
            leaf, other = torch.tensor(a, requires_grad=True), torch.tensor(b)
            with np.errstate(all="ignore"):  # inf, NaN and division by zero are the cases
                reference = {"pow": np.power}.get(op.__name__, op)
                expected = _bits(reference(np.array([a]), np.array([b]))[0])
                recorded = op(leaf, other)
                numbers = op(leaf.detach() * 1.0, other * 1.0)  # numpy scalars
            assert _bits(recorded.item()) == expected, (op, a, b)
            assert _bits(numbers.item()) == expected, (op, a, b)
            assert recorded.shape == () and recorded.grad_fn is not None


def test_an_operation_outside_recording_makes_no_node():
    x = torch.tensor(2.0, requires_grad=True)
    with torch.no_grad():
        y = x * 3.0 + torch.sin(x)
    assert y.grad_fn is None and not y.requires_grad
    assert y.item() == 6.0 + np.sin(2.0)
    z = torch.tensor(2.0) * 3.0  # grad mode on, nothing requires grad
    assert z.grad_fn is None and not z.requires_grad


def test_a_factor_is_saved_only_for_the_other_factors_gradient():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 1; z = h * 2.0
    #   h.add_(1); z.sum().backward(); x.grad -> tensor([2., 2.]) (MulBackward0 saved 2.0
    #   for h's gradient, not h, which only 2.0's gradient would need)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    z = h * 2.0
    h.add_(1)
    z.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    # torch: the same with z = h / 2.0 -> tensor([0.5, 0.5]); with z = 2.0 * h * h, or
    #   z = x / h, changing h is refused (the other factor's gradient needs h)
    x.grad = None
    h = x * 1
    z = h / 2.0
    h.add_(1)
    z.sum().backward()
    assert x.grad.tolist() == [0.5, 0.5]
    for make in (lambda h: 2.0 * h * h, lambda h: x / h):
        h = x * 1
        z = make(h)
        h.add_(1)
        with pytest.raises(AutogradError, match="modified by an inplace operation"):
            z.sum().backward()
