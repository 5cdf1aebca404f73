"""The recipe of docs/streams.md: the compiled expression mapped over a Dask array's blocks."""

import pickle

import numpy as np
import pytest

import gradcli

da = pytest.importorskip("dask.array")


def test_an_expression_travels_to_worker_processes():
    f = gradcli.compile("sin(x)*exp(-x**2/2)")
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(
        g.grad(x=np.array([0.0, 1.0]))["x"], f.grad(x=np.array([0.0, 1.0]))["x"]
    )


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_the_recipe_maps_grad_over_blocks(scheduler):
    import dask

    f = gradcli.compile("sin(x)*exp(-x**2/2)")
    x = da.random.default_rng(0).uniform(-3, 3, size=10**5, chunks=2 * 10**4)
    slopes = x.map_blocks(lambda block: f.grad(x=block)["x"], dtype=float)
    with dask.config.set(scheduler=scheduler):
        got = slopes.compute()
    xs = x.compute()
    np.testing.assert_allclose(got, (np.cos(xs) - xs * np.sin(xs)) * np.exp(-(xs**2) / 2),
                               rtol=1e-14, atol=1e-15)  # fmt: skip
