"""Every differentiable operation in the registry, checked against central differences,
first and second order, on several shapes with broadcasting."""

import numpy as np
import pytest

import gradcli
from gradcli.autograd import gradcheck, gradgradcheck
from gradcli.registry import OPS

rng = np.random.default_rng(1234)


def leaf(*shape, low=-1.0, high=1.0):
    return gradcli.tensor(rng.uniform(low, high, shape), requires_grad=True)


def positive(*shape):
    return leaf(*shape, low=0.5, high=2.0)


def inside_unit(*shape):
    return leaf(*shape, low=-0.8, high=0.8)


def away_from_zero(*shape):
    values = rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    return gradcli.tensor(values, requires_grad=True)


def distinct(*shape):
    """Values with no ties and no kinks nearby, for max/min/abs-like ops."""
    values = rng.permutation(np.arange(np.prod(shape, dtype=int)) * 0.37 + 0.2) * rng.choice(
        [-1.0, 1.0]
    )
    return gradcli.tensor(values.reshape(shape), requires_grad=True)


def unary(make, shapes=((), (3,), (2, 3))):
    return [lambda s=s: ((make(*s),), {}) for s in shapes]


def binary(make_x, make_y):
    pairs = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))]
    return [lambda a=a, b=b: ((make_x(*a), make_y(*b)), {}) for a, b in pairs]


def reduction(make=leaf):
    cases = [
        ((4,), {}),
        ((2, 3), {}),
        ((2, 3), {"dim": 1}),
        ((2, 3, 2), {"dim": 0, "keepdim": True}),
    ]
    return [lambda s=s, k=k: ((make(*s),), k) for s, k in cases]


SAMPLES = {
    "add": binary(leaf, leaf),
    "sub": binary(leaf, leaf),
    "mul": binary(leaf, leaf),
    "div": binary(leaf, away_from_zero),
    "pow": binary(positive, leaf),
    "neg": unary(leaf),
    "maximum": binary(distinct, lambda *s: leaf(*s, low=5.0, high=6.0) - 5.5),
    "minimum": binary(distinct, lambda *s: leaf(*s, low=5.0, high=6.0) - 5.5),
    "exp": unary(leaf),
    "expm1": unary(leaf),
    "log": unary(positive),
    "log1p": unary(positive),
    "log2": unary(positive),
    "log10": unary(positive),
    "sqrt": unary(positive),
    "sin": unary(leaf),
    "cos": unary(leaf),
    "tan": unary(inside_unit),
    "asin": unary(inside_unit),
    "acos": unary(inside_unit),
    "atan": unary(leaf),
    "sinh": unary(leaf),
    "cosh": unary(leaf),
    "tanh": unary(leaf),
    "asinh": unary(leaf),
    "acosh": unary(lambda *s: leaf(*s, low=1.5, high=3.0)),
    "atanh": unary(inside_unit),
    "sigmoid": unary(leaf),
    "softplus": unary(leaf),
    "relu": unary(away_from_zero),
    "abs": unary(away_from_zero),
    "sign": unary(away_from_zero),
    "clamp": [lambda: ((distinct(2, 3),), {"min": -0.5, "max": 0.55})],
    "where": [
        lambda: ((gradcli.tensor([[1.0, 0.0, 1.0]]), leaf(2, 3), leaf(3)), {}),
        lambda: ((gradcli.tensor([True, False]), leaf(), leaf(2)), {}),
    ],
    "sum": reduction(),
    "mean": reduction(),
    "prod": [
        *reduction(away_from_zero),
        lambda: (
            (gradcli.tensor([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]], requires_grad=True),),
            {"dim": 1},
        ),
    ],
    "amax": reduction(distinct),
    "amin": reduction(distinct),
    "max": reduction(distinct),
    "min": reduction(distinct),
    "norm": [*reduction(away_from_zero), lambda: ((away_from_zero(3),), {"p": 3})],
    "logsumexp": reduction(),
    "softmax": [lambda: ((leaf(4),), {}), lambda: ((leaf(2, 3),), {"dim": 0})],
    "log_softmax": [lambda: ((leaf(4),), {}), lambda: ((leaf(2, 3),), {"dim": 0})],
    "matmul": [
        lambda: ((leaf(2, 3), leaf(3, 4)), {}),
        lambda: ((leaf(3), leaf(3, 2)), {}),
        lambda: ((leaf(2, 3), leaf(3)), {}),
        lambda: ((leaf(3), leaf(3)), {}),
        lambda: ((leaf(2, 2, 3), leaf(3, 2)), {}),
    ],
    "dot": [lambda: ((leaf(4), leaf(4)), {})],
    "cat": [
        lambda: (([leaf(2), leaf(3)],), {}),
        lambda: (([leaf(2, 2), leaf(1, 2)],), {"dim": 0}),
        lambda: (([leaf(), leaf(2)],), {}),
    ],
    "stack": [lambda: (([leaf(2), leaf(2)],), {"dim": 1})],
    "reshape": [lambda: ((leaf(2, 3), 3, 2), {}), lambda: ((leaf(4), -1, 1), {})],
    "transpose": [lambda: ((leaf(2, 3),), {}), lambda: ((leaf(2, 3, 4), 0, 2), {})],
    "bce_with_logits": [lambda: ((leaf(3), leaf(3, low=0.0, high=1.0)), {})],
    "mse": [lambda: ((leaf(2, 3), leaf(2, 3)), {})],
}


def _cases():
    for name, info in OPS.items():
        if info.differentiable:
            for i, make in enumerate(SAMPLES.get(name, [None])):
                yield pytest.param(name, make, id=f"{name}-{i}")


def test_every_differentiable_op_has_samples():
    differentiable = {name for name, info in OPS.items() if info.differentiable}
    assert differentiable == set(SAMPLES)


def _flat_call(info, args, kwargs):
    """fn(*tensors) for gradcheck, rebuilding list arguments (cat, stack)."""
    if isinstance(args[0], list):
        count = len(args[0])
        return list(args[0]), lambda *ts: info.function(list(ts[:count]), *args[1:], **kwargs)
    tensors = [a for a in args if isinstance(a, gradcli.Tensor)]
    rest = args[len(tensors) :]
    return tensors, lambda *ts: info.function(*ts, *rest, **kwargs)


@pytest.mark.parametrize(("name", "make"), list(_cases()))
def test_first_and_second_derivatives_match_central_differences(name, make):
    args, kwargs = make()
    tensors, fn = _flat_call(OPS[name], args, kwargs)
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
