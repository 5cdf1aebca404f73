"""Reductions over a short last axis of many rows (a batch of small vectors) are computed
column by column; they must give numpy's own results bit for bit."""

import numpy as np
import pytest

import gradcli


@pytest.mark.parametrize("n", [2, 3, 5, 7, 8, 9])
@pytest.mark.parametrize("keepdim", [False, True])
def test_the_bits_are_numpys(n, keepdim):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(3000, n)) * 10.0 ** rng.integers(-8, 8, size=(3000, n))
    a[5, 1] = np.nan
    a[7, 0] = np.inf
    x = gradcli.tensor(a)
    with np.errstate(invalid="ignore"):  # the NaN row: amax's tie share is 0/0 there
        pairs = _pairs(x, a, keepdim)
    for ours, theirs in pairs:
        assert ours.numpy().tobytes() == theirs.tobytes()


def _pairs(x, a, keepdim):
    return [
        (x.sum(dim=1, keepdim=keepdim), np.sum(a, axis=1, keepdims=keepdim)),
        (x.mean(dim=-1, keepdim=keepdim), np.mean(a, axis=-1, keepdims=keepdim)),
        (x.amax(dim=1, keepdim=keepdim), np.max(a, axis=1, keepdims=keepdim)),
        (x.amin(dim=1, keepdim=keepdim), np.min(a, axis=1, keepdims=keepdim)),
    ]


def test_the_norm_of_each_row_is_the_plain_formulas_to_rounding():
    a = np.random.default_rng(0).normal(size=(5000, 3))
    norm = gradcli.tensor(a).norm(dim=1).numpy()
    assert np.allclose(norm, np.sqrt(np.sum(a * a, axis=1)), rtol=4e-16, atol=0)
