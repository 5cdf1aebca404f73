"""One place per operation: its module's ``__all__`` makes it ``gradcli.X`` and a tensor
method, and its registry row makes it an operation of the language, with its samples and
(by its name) its Taylor rule; no other list names it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import gradcli
from gradcli.autograd import Tensor, ops


@pytest.mark.parametrize("name", ops.__all__)
def test_each_operation_is_a_function_of_gradcli(name):
    assert getattr(gradcli, name) is getattr(ops, name)
    assert name in gradcli.__all__ and name in dir(gradcli)


def test_operations_are_tensor_methods_where_pytorch_has_them():
    x, y = gradcli.tensor([1.0, 2.0, 3.0]), gradcli.tensor([2.0, 2.0, 2.0])
    # torch: x.lt(y), x.le(y), x.gt(y), x.ge(y), x.eq(y), x.ne(y); x.broadcast_to((2, 3))
    assert [x.lt(y).tolist(), x.le(y).tolist(), x.gt(y).tolist()] == [
        [True, False, False],
        [True, True, False],
        [False, False, True],
    ]
    assert [x.ge(y).tolist(), x.eq(y).tolist(), x.ne(y).tolist()] == [
        [False, True, True],
        [False, True, False],
        [True, False, True],
    ]
    assert x.broadcast_to((2, 3)).tolist() == [[1.0, 2.0, 3.0]] * 2
    assert x.equal(x) and x.allclose(x + 1e-12) and not x.allclose(y)
    np.testing.assert_allclose(x.exp().numpy(), np.exp([1.0, 2.0, 3.0]), rtol=1e-15)
    # where's method takes the condition first, as PyTorch's: x.where(c, y)
    assert x.where(x > 1.5, y).tolist() == [2.0, 2.0, 3.0]
    assert x.clip(1.5, 2.5).tolist() == [1.5, 2.0, 2.5]


def test_functions_only_and_methods_only_stay_so_as_in_pytorch():
    x = gradcli.tensor([1.0, 2.0])
    # torch.cat and torch.nn.functional.mse_loss are no tensor methods; torch.view is none
    for name in ("cat", "stack", "mse_loss", "binary_cross_entropy_with_logits"):
        assert not hasattr(Tensor, name), name
    for name in ("view", "expand", "contiguous", "Dim", "unbroadcast"):
        assert not hasattr(gradcli, name), name
    assert x.view(2, 1).shape == (2, 1) and x.expand(3, 2).shape == (3, 2)


def test_import_gradcli_loads_no_engine_and_dir_lists_the_operations():
    listing = "import gradcli, sys; print('gradcli.autograd' in sys.modules, 'exp' in dir(gradcli))"
    shown = subprocess.run(
        [sys.executable, "-c", listing], capture_output=True, text=True, check=True
    ).stdout
    # the engine is loaded by dir(), after the first check
    assert shown.split() == ["False", "True"]
    with pytest.raises(AttributeError, match="no attribute 'expm2'"):
        gradcli.expm2  # noqa: B018


def test_each_built_in_operation_has_a_taylor_rule_under_its_name():
    from gradcli.registry import BUILT_IN, OPS
    from gradcli.taylor import RULES

    computed = {
        name
        for name, info in OPS.items()
        if info.origin == BUILT_IN and info.category != "creation"
    }
    assert computed <= set(RULES), sorted(computed - set(RULES))
    # the language's x[i] and the series' .T: rules with no operation of their own
    assert set(RULES) - computed == {"index", "permute"}


def test_each_differentiable_built_in_has_samples_in_its_row():
    from gradcli.compute.samples import DOMAINS, SAMPLES
    from gradcli.registry import OPS

    for name, info in OPS.items():
        assert bool(info.samples) == info.differentiable, name
        for source, variables in info.samples:
            assert "{op}" in source and {domain for domain, _ in variables} <= set(DOMAINS)
    assert SAMPLES["log"][0].source == "log(x)"
    assert SAMPLES["log"][0].draw(np.random.default_rng(0))["x"] >= 0.5  # "positive"
