"""Every differentiable operation in the registry, checked against central differences,
first and second order, on several shapes with broadcasting.

The samples (inputs per operation, inside its domain and away from its kinks) are the
library's, gradcli.compute.samples: ``gradcli check --builtins`` checks the same ones.
"""

import numpy as np
import pytest

import gradcli
from gradcli.autograd import gradcheck, gradgradcheck
from gradcli.compute.samples import SAMPLES, checked
from gradcli.language import compile
from gradcli.registry import OPS

rng = np.random.default_rng(1234)


def _cases():
    for name, info in OPS.items():
        if info.differentiable:
            for i, sample in enumerate(SAMPLES.get(name, [None])):
                yield pytest.param(name, sample, id=f"{name}-{i}")


def test_every_differentiable_op_has_samples():
    differentiable = {name for name, info in OPS.items() if info.differentiable}
    assert differentiable == set(SAMPLES)
    assert differentiable == {name for name, info in OPS.items() if checked(info)}


@pytest.mark.parametrize(("name", "sample"), list(_cases()))
def test_first_and_second_derivatives_match_central_differences(name, sample):
    expression = compile(sample.source)
    assert name in expression.operations
    values = sample.draw(rng)
    tensors = [gradcli.tensor(v, requires_grad=True) for v in values.values()]

    def fn(*ts):
        return expression.evaluate(dict(zip(values, ts)))

    assert gradcheck(fn, tensors, eps=1e-6, atol=1e-6, rtol=1e-4)
    assert gradgradcheck(fn, tensors, eps=1e-5, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("name", ["amax", "max", "maximum"])
def test_ties_share_the_gradient_evenly_as_central_differences_do(name):
    x = gradcli.tensor([1.0, 3.0, 3.0], requires_grad=True)
    fn = (
        (lambda t: OPS[name].function(t, gradcli.tensor(3.0)))
        if name == "maximum"
        else OPS[name].function
    )
    assert gradcheck(lambda t: fn(t).sum(), [x])
