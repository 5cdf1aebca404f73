"""numpy's names PyTorch takes (issue #22, item 3): ``axis=`` for ``dim=`` and ``keepdims=``
for ``keepdim=``, on every reduction, as a function and as a tensor method. PyTorch's
argument parser takes them for every operation with a ``dim``; so does gradcli.

Reference values marked "torch:" were computed once with PyTorch 2.13.0; the tests never
import torch.
"""

import numpy as np
import pytest

import gradcli as torch

X = [[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]

REDUCTIONS = [
    "sum",
    "mean",
    "prod",
    "amax",
    "amin",
    "max",
    "min",
    "argmax",
    "argmin",
    "logsumexp",
    "norm",
    "all",
    "any",
]


def _values(result):
    """A result's numbers: a (values, indices) pair as its values."""
    return result[0].tolist() if isinstance(result, tuple) else result.tolist()


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("keepdim", [False, True])
def test_axis_and_keepdims_are_dim_and_keepdim(name, keepdim):
    x = torch.tensor(X)
    expected = getattr(x, name)(dim=1, keepdim=keepdim)
    as_method = getattr(x, name)(axis=1, keepdims=keepdim)
    as_function = getattr(torch, name)(x, axis=1, keepdims=keepdim)
    mixed = getattr(x, name)(axis=1, keepdim=keepdim)
    for result in (as_method, as_function, mixed):
        assert _values(result) == _values(expected)
    assert np.shape(_values(as_method)) == ((2, 1) if keepdim else (2,))


def test_the_numbers_are_pytorchs():
    x = torch.tensor(X)
    # torch: x.sum(axis=0), torch.sum(x, axis=1, keepdims=True), x.argmax(axis=1)
    assert x.sum(axis=0).tolist() == [5.0, 3.0, -3.0]
    assert torch.sum(x, axis=1, keepdims=True).tolist() == [[2.0], [3.0]]
    assert x.argmax(axis=1).tolist() == [2, 1] and x.max(axis=1).indices.tolist() == [2, 1]
    # torch: x.all(axis=1), (x > 0).any(dim=1, keepdims=True) (bool tensors)
    assert x.all(axis=1).tolist() == [True, True] and (x > 4).any(axis=1).tolist() == [False, True]
    assert torch.all(torch.tensor([True, False])).item() is False


def test_other_operations_with_a_dim_take_axis_too():
    x = torch.tensor(X)
    # torch: x.softmax(axis=1), x.sort(axis=1), torch.cat([x, x], axis=0), x[None].squeeze(axis=0)
    np.testing.assert_allclose(x.softmax(axis=1).numpy(), x.softmax(dim=1).numpy(), rtol=0)
    assert x.sort(axis=1).values.tolist() == [[-2.0, 1.0, 3.0], [-6.0, 4.0, 5.0]]
    assert torch.cat([x, x], axis=0).shape == (4, 3) and x[None].squeeze(axis=0).shape == (2, 3)


def test_gradients_flow_through_the_numpy_names():
    x = torch.tensor(X, requires_grad=True)
    x.sum(axis=0, keepdims=True).mean(axis=1).backward()
    assert x.grad.tolist() == [[1 / 3] * 3] * 2


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(dim=0, axis=0),
        lambda x: torch.sum(x, dim=0, axis=0),
        lambda x: x.mean(0, keepdim=True, keepdims=True),
        lambda x: x.max(dim=1, axis=1),
    ],
)
def test_both_names_at_once_are_a_type_error_as_in_pytorch(call):
    # torch: x.sum(dim=0, axis=0) TypeError "sum() got an unexpected keyword argument 'axis'"
    with pytest.raises(TypeError, match="numpy's name for the same argument"):
        call(torch.tensor(X))
