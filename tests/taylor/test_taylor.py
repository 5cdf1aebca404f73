"""Taylor mode (gradcli.taylor) against nested reverse mode, closed forms and an
independent high-precision recursion."""

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli import taylor
from gradcli.errors import ExpressionError, LimitError, NotAnalyticError, ShapeError
from gradcli.registry import OPS
from gradcli.taylor import RULES, Series, derivatives, taylor_coefficients

# --- two ways to evaluate the same expression ---------------------------------------------


class Taylor:
    """Calls the Taylor rules; constants stay numpy arrays."""

    def __call__(self, name, *args, **kwargs):
        return RULES[name](*args, **kwargs)

    @staticmethod
    def c(value):
        return np.asarray(value, dtype=np.float64)


class Engine:
    """Calls the engine's ops by the same names; constants become tensors."""

    def __call__(self, name, *args, **kwargs):
        if name == "index":
            return args[0][args[1]]
        function = OPS[name].function if name in OPS else getattr(gradcli, name)
        return function(*args, **kwargs)

    @staticmethod
    def c(value):
        return gradcli.tensor(value)


def nested(build, x0, order):
    """[f', ..., f^(order)] at x0 by differentiating the engine's graph again and again."""
    x = gradcli.tensor(float(x0), requires_grad=True)
    current = build(Engine(), x)
    results = []
    for _ in range(order):
        if not isinstance(current, gradcli.Tensor) or not current.requires_grad:
            results.append(0.0)
            current = None
            continue
        (current,) = gradcli.autograd.grad(current, x, create_graph=True, allow_unused=True)
        results.append(0.0 if current is None else float(current.item()))
    return results


def taylor_mode(build, x0, order):
    return derivatives(lambda x: build(Taylor(), x), x0, order)


def assert_close(actual, expected, rtol=1e-9):
    scale = max(1.0, *(abs(e) for e in expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


# --- every rule against nested reverse mode, orders 1-4 ----------------------------------------


def vec(o, x):
    """A length-3 vector depending on x, entries distinct and away from 0 at x near 0.4."""
    return x * o.c([1.0, -0.5, 2.0]) + o.c([0.3, 0.1, -0.2])


def unit(o, x):
    """Entries in (-1, 1) near x = 0.4."""
    return x * o.c([0.5, 1.0, -1.0]) + o.c([0.1, -0.3, 0.2])


def positive(o, x):
    return x * o.c([0.5, 1.0, 1.5]) + o.c([0.8, 0.2, 1.0])


def mat(o, x):
    return x * o.c([[1.0, 2.0], [-1.0, 0.5]]) + o.c([[0.2, 0.1], [0.3, -0.4]])


UNARY_DOMAIN = {
    "log": (0.7, positive),
    "log2": (0.7, positive),
    "log10": (0.7, positive),
    "sqrt": (0.7, positive),
    "log1p": (0.4, positive),
    "asin": (0.3, unit),
    "acos": (0.3, unit),
    "atanh": (0.3, unit),
    "acosh": (1.6, lambda o, x: positive(o, x) + 1.0),
}
UNARY = [
    "neg", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid",
    "softplus", "sec", "csc", "cot", "cbrt",
]  # fmt: skip

CASES = []
for _name in UNARY:
    _x0, _make = UNARY_DOMAIN.get(_name, (0.4, vec))
    CASES.append((_name, _x0, lambda o, x, n=_name: o(n, x)))
    CASES.append((_name, _x0, lambda o, x, n=_name, m=_make: o("sum", o(n, m(o, x)))))

CASES += [
    # log to a base: a number, 2 and 10 (log2 and log10), and a series
    ("log", 0.7, lambda o, x: o("log", x, 3.0)),
    ("log", 0.7, lambda o, x: o("log", x, 2.0) + o("log", x, 10.0)),
    ("log", 0.7, lambda o, x: o("log", 1.0 + x, 2.0 + o("sin", x))),
    ("cbrt", -0.6, lambda o, x: o("cbrt", x)),
    ("add", 0.4, lambda o, x: o("add", o("sin", x), o("exp", x))),
    ("add", 0.4, lambda o, x: o("sum", o("add", mat(o, x), o("sin", vec(o, x)[:2])))),
    ("sub", 0.4, lambda o, x: o("sub", x * x * x, o("cos", x))),
    ("mul", 0.4, lambda o, x: o("mul", o("sin", x), o("exp", x))),
    ("mul", 0.4, lambda o, x: o("sum", o("mul", vec(o, x), o("cos", vec(o, x))))),
    ("div", 0.4, lambda o, x: o("div", o("sin", x), 1.0 + x * x)),
    ("div", 0.4, lambda o, x: o("div", 2.0, o("exp", x) + x)),
    ("pow", 0.7, lambda o, x: o("pow", x, 3.0)),
    ("pow", 0.7, lambda o, x: o("pow", x, 2.5)),
    ("pow", 0.7, lambda o, x: o("pow", x, -2.0)),
    ("pow", 0.7, lambda o, x: o("pow", 2.0, x)),
    ("pow", 0.7, lambda o, x: o("pow", 1.0 + x * x, o("cos", x))),
    ("pow", 0.7, lambda o, x: o("sum", o("pow", positive(o, x), o.c([2.0, 0.5, -1.0])))),
    ("abs", 0.4, lambda o, x: o("abs", x - 0.2) * o("sin", x)),
    ("abs", -0.5, lambda o, x: o("abs", x) * o("sin", x)),
    ("relu", 0.4, lambda o, x: o("relu", o("sin", x))),
    ("relu", -0.4, lambda o, x: o("relu", o("sin", x)) + x),
    ("sign", -0.4, lambda o, x: o("sign", x) * o("sin", x)),
    ("maximum", 0.4, lambda o, x: o("maximum", o("sin", x), o("cos", x))),
    ("maximum", 1.0, lambda o, x: o("maximum", o("sin", x), o("cos", x))),
    ("minimum", 0.4, lambda o, x: o("minimum", o("sin", x), o("cos", x))),
    ("clamp", 0.3, lambda o, x: o("clamp", o("sin", x), -0.5, 0.5) * x),
    ("clamp", 1.0, lambda o, x: o("clamp", o("sin", x), min=-0.5, max=0.5) * x),
    ("clamp", -1.0, lambda o, x: o("clamp", o("sin", x), min=-0.5) * x),
    ("where", 0.4, lambda o, x: o("where", o("gt", x, 0.2), o("sin", x), o("exp", x))),
    ("where", 0.1, lambda o, x: o("where", o("gt", x, 0.2), o("sin", x), o("exp", x))),
    ("where", 0.4, lambda o, x: o("sum", o("where", o("gt", vec(o, x), 0.2), o("sin", vec(o, x)), 1.0))),
    ("sum", 0.4, lambda o, x: o("sum", o("sin", mat(o, x)))),
    ("sum", 0.4, lambda o, x: o("dot", o("sum", o("exp", mat(o, x)), dim=0), o.c([1.0, -2.0]))),
    ("sum", 0.4, lambda o, x: o("sum", o("sum", o("exp", mat(o, x)), dim=-1, keepdim=True) * o.c([[1.0], [3.0]]))),
    ("mean", 0.4, lambda o, x: o("mean", o("exp", vec(o, x)))),
    ("mean", 0.4, lambda o, x: o("dot", o("mean", o("exp", mat(o, x)), dim=1), o.c([1.0, -2.0]))),
    ("prod", 0.4, lambda o, x: o("prod", vec(o, x))),
    ("prod", 0.4, lambda o, x: o("dot", o("prod", o("sin", mat(o, x)), dim=1), o.c([1.0, -2.0]))),
    ("amax", 0.4, lambda o, x: o("amax", o("sin", vec(o, x)))),
    ("amax", 0.4, lambda o, x: o("sum", o("amax", mat(o, x), dim=1))),
    ("amin", 0.4, lambda o, x: o("amin", o("sin", vec(o, x)))),
    ("amin", 0.4, lambda o, x: o("sum", o("amin", mat(o, x), dim=0, keepdim=True))),
    ("max", 0.4, lambda o, x: o("max", o("exp", vec(o, x)))),
    ("min", 0.4, lambda o, x: o("min", o("exp", vec(o, x)))),
    ("norm", 0.4, lambda o, x: o("norm", vec(o, x))),
    ("norm", 0.4, lambda o, x: o("sum", o("norm", mat(o, x), dim=1))),
    ("norm", 0.4, lambda o, x: o("norm", vec(o, x), p=1)),
    ("norm", 0.4, lambda o, x: o("norm", vec(o, x), p=3)),
    ("norm", 0.4, lambda o, x: o("norm", vec(o, x), p=float("inf"))),
    ("logsumexp", 0.4, lambda o, x: o("logsumexp", vec(o, x))),
    ("logsumexp", 0.4, lambda o, x: o("dot", o("logsumexp", mat(o, x), dim=1), o.c([1.0, -2.0]))),
    ("softmax", 0.4, lambda o, x: o("dot", o("softmax", vec(o, x)), o.c([1.0, 2.0, 3.0]))),
    ("softmax", 0.4, lambda o, x: o("sum", o("softmax", mat(o, x), dim=0) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("log_softmax", 0.4, lambda o, x: o("dot", o("log_softmax", vec(o, x)), o.c([1.0, 2.0, 3.0]))),
    ("matmul", 0.4, lambda o, x: o("sum", o("matmul", mat(o, x), o("sin", mat(o, x))))),
    ("matmul", 0.4, lambda o, x: o("dot", o("matmul", mat(o, x), o("exp", vec(o, x)[:2])), o.c([1.0, 3.0]))),
    ("matmul", 0.4, lambda o, x: o("matmul", vec(o, x), o("exp", vec(o, x)))),
    ("matmul", 0.4, lambda o, x: o("sum", o("matmul", o.c([[1.0, 2.0], [0.0, 1.0]]), o("sin", mat(o, x))))),
    ("dot", 0.4, lambda o, x: o("dot", o("sin", vec(o, x)), o("exp", vec(o, x)))),
    ("cat", 0.4, lambda o, x: o("dot", o("cat", [vec(o, x), o("sin", vec(o, x))]), o.c([1.0, 2, 3, 4, 5, 6]))),
    ("cat", 0.4, lambda o, x: o("dot", o("cat", [x, o("sin", x)]), o.c([1.0, 2.0]))),
    ("cat", 0.4, lambda o, x: o("sum", o("cat", [mat(o, x), o("exp", mat(o, x))], dim=1) * o.c([1.0, 2, 3, 4]))),
    ("stack", 0.4, lambda o, x: o("dot", o("stack", [x, o("sin", x), o("exp", x)]), o.c([1.0, 2.0, 3.0]))),
    ("stack", 0.4, lambda o, x: o("sum", o("stack", [vec(o, x), o("exp", vec(o, x))], dim=1) * o.c([1.0, 2.0]))),
    ("reshape", 0.4, lambda o, x: o("dot", o("reshape", o("exp", mat(o, x)), 4), o.c([1.0, 2, 3, 4]))),
    ("transpose", 0.4, lambda o, x: o("sum", o("matmul", o("transpose", o("exp", mat(o, x))), o.c([[1.0, 2.0], [3.0, 5.0]])) * mat(o, x))),
    ("permute", 0.4, lambda o, x: o("sum", o("permute", o("exp", mat(o, x)), 1, 0) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("index", 0.4, lambda o, x: o("index", o("exp", vec(o, x)), 1) * o("index", vec(o, x), 2)),
    ("index", 0.4, lambda o, x: o("sum", o("index", o("exp", mat(o, x)), (slice(None), 1)))),
    ("bce_with_logits", 0.4, lambda o, x: o("bce_with_logits", vec(o, x), o.c([0.0, 1.0, 0.5]))),
    ("mse", 0.4, lambda o, x: o("mse", o("sin", vec(o, x)), o.c([0.1, 0.2, 0.3]))),
    # #22: constant between jumps (derivatives 0), smooth ones, and kinks on either side
    ("floor", 0.4, lambda o, x: o("floor", 3.0 * x) * o("sin", x)),
    ("ceil", 0.4, lambda o, x: o("sum", o("ceil", vec(o, x)) * o("exp", vec(o, x)))),
    ("trunc", -0.4, lambda o, x: o("trunc", 3.0 * x) * o("sin", x) + x),
    ("round", 0.4, lambda o, x: o("round", 3.0 * x) * o("exp", x)),
    ("round", 0.4, lambda o, x: o("round", x, 1) * o("exp", x)),
    ("frac", 0.4, lambda o, x: o("frac", 3.0 * x) * o("sin", x)),
    ("frac", -0.3, lambda o, x: o("sum", o("frac", 3.0 * vec(o, x)))),  # frac(0) moves: no jump
    ("rsqrt", 0.7, lambda o, x: o("sum", o("rsqrt", positive(o, x)))),
    ("exp2", 0.4, lambda o, x: o("exp2", o("sin", x))),
    ("erf", 0.4, lambda o, x: o("sum", o("erf", vec(o, x)))),
    ("erfc", 0.4, lambda o, x: o("erfc", 2.0 * x)),
    ("logaddexp", 0.4, lambda o, x: o("logaddexp", o("sin", x), 3.0 * x)),
    ("logaddexp", 0.4, lambda o, x: o("sum", o("logaddexp", vec(o, x), o.c([800.0, -1.0, 0.5])))),
    ("hypot", 0.4, lambda o, x: o("hypot", o("sin", x), 1.0 + x)),
    ("hypot", 0.4, lambda o, x: o("sum", o("hypot", vec(o, x), o("exp", vec(o, x))))),
    ("copysign", 0.4, lambda o, x: o("copysign", o("sin", x), x - 1.0)),
    ("copysign", 0.4, lambda o, x: o("sum", o("copysign", vec(o, x), o.c([-0.0, 2.0, -1.0])))),
    ("fmod", 0.4, lambda o, x: o("fmod", 5.0 * x, 1.0 + x)),
    ("fmod", 0.4, lambda o, x: o("sum", o("fmod", -5.0 * vec(o, x), o.c([0.3, -0.7, 0.25])))),
    ("remainder", 0.4, lambda o, x: o("remainder", 5.0 * x, 1.0 + x)),
    ("remainder", 0.4, lambda o, x: o("sum", o("remainder", -5.0 * vec(o, x), o.c([0.3, -0.7, 0.25])))),
    ("gelu", 0.4, lambda o, x: o("sum", o("gelu", vec(o, x)))),
    ("gelu", -0.6, lambda o, x: o("gelu", 2.0 * x, approximate="tanh")),
    ("elu", 0.4, lambda o, x: o("sum", o("elu", vec(o, x)))),
    ("elu", -0.4, lambda o, x: o("elu", x, 2.0)),
    ("selu", 0.4, lambda o, x: o("sum", o("selu", vec(o, x)))),
    ("silu", 0.4, lambda o, x: o("sum", o("silu", vec(o, x)))),
    ("mish", 0.4, lambda o, x: o("sum", o("mish", vec(o, x)))),
    ("leaky_relu", 0.4, lambda o, x: o("sum", o("leaky_relu", vec(o, x)))),
    ("leaky_relu", -0.4, lambda o, x: o("leaky_relu", x, 0.2) * o("exp", x)),
    ("relu6", 0.4, lambda o, x: o("sum", o("relu6", 8.0 * vec(o, x)) * o("exp", vec(o, x)))),
    ("hardtanh", 0.4, lambda o, x: o("sum", o("hardtanh", vec(o, x)) * o("exp", vec(o, x)))),
    ("hardtanh", 0.4, lambda o, x: o("sum", o("hardtanh", vec(o, x), -0.5, 0.55) * o("sin", vec(o, x)))),
    ("logsigmoid", 0.4, lambda o, x: o("sum", o("logsigmoid", 10.0 * vec(o, x)))),
    ("isnan", 0.4, lambda o, x: o("where", o("isnan", o("log", x - 0.5)), o("sin", x), o("exp", x))),
    ("isinf", 0.4, lambda o, x: o("where", o("isinf", o("log", x - 0.4)), o("sin", x), o("exp", x))),
    ("isfinite", 0.4, lambda o, x: o("where", o("isfinite", x), o("sin", x), o("exp", x))),
    # (#22)
    ("cumsum", 0.4, lambda o, x: o("dot", o("cumsum", o("exp", vec(o, x)), 0), o.c([1.0, 2.0, 3.0]))),
    ("cumsum", 0.4, lambda o, x: o("sum", o("cumsum", o("sin", mat(o, x)), dim=1) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("cumprod", 0.4, lambda o, x: o("dot", o("cumprod", vec(o, x), 0), o.c([1.0, 2.0, 3.0]))),
    ("cumprod", 0.4, lambda o, x: o("sum", o("cumprod", mat(o, x) * o.c([[1.0, 0.0], [1.0, 1.0]]), dim=1) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("logcumsumexp", 0.4, lambda o, x: o("dot", o("logcumsumexp", vec(o, x), 0), o.c([1.0, -2.0, 3.0]))),
    ("logcumsumexp", 0.4, lambda o, x: o("sum", o("logcumsumexp", mat(o, x), dim=0) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("var", 0.4, lambda o, x: o("var", o("exp", vec(o, x)))),
    ("var", 0.4, lambda o, x: o("dot", o("var", mat(o, x), 1, 0), o.c([1.0, -2.0]))),
    ("std", 0.4, lambda o, x: o("std", o("exp", vec(o, x)))),
    ("std", 0.4, lambda o, x: o("sum", o("std", mat(o, x), dim=0, keepdim=1))),
    ("median", 0.4, lambda o, x: o("median", o("sin", vec(o, x)))),
    ("median", 0.4, lambda o, x: o("dot", o("median", o("exp", mat(o, x)), dim=1), o.c([1.0, -2.0]))),
    ("tril", 0.4, lambda o, x: o("sum", o("tril", o("exp", mat(o, x))) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("triu", 0.4, lambda o, x: o("sum", o("triu", o("exp", mat(o, x)), 1) * mat(o, x))),
    ("diag", 0.4, lambda o, x: o("sum", o("diag", o("exp", vec(o, x)), -1) * o("exp", x))),
    ("diag", 0.4, lambda o, x: o("dot", o("diag", o("sin", mat(o, x))), o.c([1.0, 2.0]))),
    ("trace", 0.4, lambda o, x: o("trace", o("exp", mat(o, x)))),
    ("flip", 0.4, lambda o, x: o("dot", o("flip", o("exp", vec(o, x)), 0), o.c([1.0, 2.0, 3.0]))),
    ("roll", 0.4, lambda o, x: o("sum", o("roll", o("exp", mat(o, x)), 1, 1) * o.c([[1.0, 2.0], [3.0, 5.0]]))),
    ("outer", 0.4, lambda o, x: o("sum", o("outer", vec(o, x), o("exp", vec(o, x))) * o.c([[1.0, 2.0, 3.0]] * 3))),
    ("cross", 0.4, lambda o, x: o("dot", o("cross", vec(o, x), o("exp", vec(o, x))), o.c([1.0, 2.0, 3.0]))),
    ("mv", 0.4, lambda o, x: o("dot", o("mv", mat(o, x), o("exp", vec(o, x)[:2])), o.c([1.0, 3.0]))),
]  # fmt: skip
COMPARISONS = ("lt", "le", "gt", "ge", "eq", "ne")


def _switch(o, x, n):
    return o("where", o(n, x, 0.3), o("exp", x), o("sin", x))


for _name in COMPARISONS:
    for _x0 in (0.2, 0.4):
        CASES.append((_name, _x0, lambda o, x, n=_name: _switch(o, x, n)))


def test_every_rule_has_a_case():
    assert set(RULES) <= {name for name, _, _ in CASES}


@pytest.mark.parametrize(("name", "x0", "build"), CASES, ids=[c[0] for c in CASES])
def test_rule_matches_nested_reverse_mode(name, x0, build):
    assert_close(taylor_mode(build, x0, 4), nested(build, x0, 4))


@pytest.mark.parametrize("name", COMPARISONS)
def test_a_comparison_whose_sides_tie_is_a_jump(name):
    symbol = OPS[name].signature.split()[1]
    with pytest.raises(NotAnalyticError, match=f"^{symbol} is not continuous at this point"):
        taylor_mode(lambda o, x: _switch(o, x, name), 0.3, 4)


def test_a_comparison_of_a_series_with_itself_is_no_jump():
    assert taylor_mode(lambda o, x: o("where", o("ge", x, x), o("exp", x), x), 0.3, 2) == (
        pytest.approx([math.exp(0.3)] * 2)
    )


# --- closed forms at high orders ------------------------------------------------------------------


def test_exp_all_derivatives_equal_exp():
    result = derivatives(taylor.exp, 0.5, 100)
    np.testing.assert_allclose(result, math.exp(0.5), rtol=1e-13)


def test_sin_cycles():
    result = derivatives(taylor.sin, 0.5, 100)
    expected = [math.sin(0.5 + k * math.pi / 2) for k in range(1, 101)]
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_geometric_series():
    result = derivatives(lambda x: 1 / (1 - x), 0.5, 100)
    expected = [math.factorial(k) / 0.5 ** (k + 1) for k in range(1, 101)]
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_log1p_alternates():
    for f in (lambda x: taylor.log(1 + x), taylor.log1p):
        result = derivatives(f, 0.5, 100)
        expected = [(-1) ** (k - 1) * math.factorial(k - 1) / 1.5**k for k in range(1, 101)]
        np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_polynomial_is_exact_and_vanishes_past_its_degree():
    result = derivatives(lambda x: 3 * x**5 - 2 * x**3 + x - 7, 2.0, 30)
    assert result[:5] == [217.0, 456.0, 708.0, 720.0, 360.0]
    assert result[5:] == [0.0] * 25


@pytest.mark.parametrize(
    ("f", "x0", "derivative"),
    [
        (lambda x: x**0.5, 2.0, lambda k: math.prod(0.5 - j for j in range(k)) * 2.0 ** (0.5 - k)),
        (
            lambda x: x**-1.5,
            0.7,
            lambda k: math.prod(-1.5 - j for j in range(k)) * 0.7 ** (-1.5 - k),
        ),
        (taylor.sqrt, 2.0, lambda k: math.prod(0.5 - j for j in range(k)) * 2.0 ** (0.5 - k)),
        (lambda x: 2.0**x, 0.3, lambda k: 2.0**0.3 * math.log(2.0) ** k),
        (taylor.cosh, 0.5, lambda k: math.cosh(0.5) if k % 2 == 0 else math.sinh(0.5)),
        (lambda x: taylor.exp(-x), 0.5, lambda k: (-1) ** k * math.exp(-0.5)),
    ],
)
def test_more_closed_forms_to_order_30(f, x0, derivative):
    expected = [derivative(k) for k in range(1, 31)]
    np.testing.assert_allclose(derivatives(f, x0, 30), expected, rtol=1e-12)


def _exp_sin_reference(x0: str, order: int) -> list[float]:
    """d^k/dx^k exp(sin(x)) by Leibniz on f' = f·cos(x), in 60-digit decimals.

    f^(n+1) = Σ_k C(n, k)·f^(k)·g^(n+1-k) with g = sin: unnormalised derivatives and
    binomials, independent of the Taylor rules' normalised recurrences.
    """
    with localcontext() as context:
        context.prec = 60
        x = Decimal(x0)
        s = c = Decimal(0)
        term, k = x, 1
        while abs(term) > Decimal(10) ** -70:  # sin and cos by their series
            s += term
            term = -term * x * x / ((2 * k) * (2 * k + 1))
            k += 1
        term, k = Decimal(1), 1
        while abs(term) > Decimal(10) ** -70:
            c += term
            term = -term * x * x / ((2 * k - 1) * (2 * k))
            k += 1
        g = [s, c, -s, -c]  # g^(m) = g[m % 4]
        f = [s.exp()]
        for n in range(order):
            f.append(sum(math.comb(n, k) * f[k] * g[(n + 1 - k) % 4] for k in range(n + 1)))
        return [float(d) for d in f[1:]]


def test_100th_derivative_of_exp_sin():
    result = derivatives(lambda x: taylor.exp(taylor.sin(x)), 0.5, 100)
    expected = _exp_sin_reference("0.5", 100)
    np.testing.assert_allclose(result, expected, rtol=1e-10)
    assert expected[-1] == pytest.approx(-1.8795447056622e106, rel=1e-12)


def test_factorial_limit():
    result = derivatives(lambda x: 1 / (1 - x), 0.0, 171)
    assert result[169] == float(math.factorial(170))
    assert result[170] == math.inf  # 171! is beyond float64


def test_taylor_coefficients_are_normalised():
    coefficients = taylor_coefficients(lambda x: 1 / (1 - x), 0.0, 10)
    assert coefficients == [1.0] * 11
    assert taylor_coefficients(lambda x: 3.0, 1.0, 2) == [3.0, 0.0, 0.0]


# --- random expressions against nested reverse mode ----------------------------------------------

SAFE_UNARY = {
    # f(child) with the child mapped into f's domain.
    "neg": lambda o, c: o("neg", c),
    "exp": lambda o, c: o("exp", o("tanh", c)),
    "expm1": lambda o, c: o("expm1", o("sin", c)),
    "log": lambda o, c: o("log", 1.0 + c * c),
    "log1p": lambda o, c: o("log1p", c * c),
    "log2": lambda o, c: o("log2", o("exp", o("sin", c)) + 0.5),
    "log10": lambda o, c: o("log10", 1.5 + o("cos", c)),
    "sqrt": lambda o, c: o("sqrt", 1.0 + c * c),
    "sin": lambda o, c: o("sin", c),
    "cos": lambda o, c: o("cos", c),
    "tan": lambda o, c: o("tan", 0.7 * o("tanh", c)),
    "asin": lambda o, c: o("asin", 0.8 * o("tanh", c)),
    "acos": lambda o, c: o("acos", 0.8 * o("sin", c)),
    "atan": lambda o, c: o("atan", c),
    "sinh": lambda o, c: o("sinh", o("tanh", c)),
    "cosh": lambda o, c: o("cosh", o("sin", c)),
    "tanh": lambda o, c: o("tanh", c),
    "asinh": lambda o, c: o("asinh", c),
    "acosh": lambda o, c: o("acosh", 1.5 + c * c),
    "atanh": lambda o, c: o("atanh", 0.7 * o("sin", c)),
    "sigmoid": lambda o, c: o("sigmoid", c),
    "softplus": lambda o, c: o("softplus", c),
    "square": lambda o, c: o("pow", c, 2.0),
    "cube": lambda o, c: o("pow", c, 3.0),
    "root": lambda o, c: o("pow", 1.0 + c * c, 0.75),
}
SAFE_BINARY = {
    "add": lambda o, a, b: o("add", a, b),
    "sub": lambda o, a, b: o("sub", a, b),
    "mul": lambda o, a, b: o("mul", a, b),
    "div": lambda o, a, b: o("div", a, 1.0 + b * b),
    # The exponent stays away from 0: the engine's x**y treats an exponent that is
    # exactly 0 at the point as constant in its higher derivatives.
    "pow": lambda o, a, b: o("pow", 1.0 + a * a, 1.5 + o("sin", b)),
}

leaves = st.one_of(st.just("x"), st.floats(-2.0, 2.0).map(lambda v: round(v, 3)))
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(SAFE_UNARY)), children),
        st.tuples(st.sampled_from(sorted(SAFE_BINARY)), children, children),
    ),
    max_leaves=5,
)


def build_tree(tree):
    def build(o, x):
        def value(node):
            if node == "x":
                return x
            if not isinstance(node, tuple):
                return node
            if len(node) == 2:
                return SAFE_UNARY[node[0]](o, value(node[1]))
            return SAFE_BINARY[node[0]](o, value(node[1]), value(node[2]))

        result = value(tree)
        # A tree without x is a number; tie it to x so both modes see a function.
        return result + 0.0 * x

    return build


@settings(max_examples=200, deadline=None)
@given(tree=trees, x0=st.floats(-1.5, 1.5))
def test_random_expressions_match_nested_reverse_mode(tree, x0):
    build = build_tree(tree)
    expected = nested(build, x0, 4)
    assume(all(math.isfinite(e) and abs(e) < 1e8 for e in expected))
    assert_close(taylor_mode(build, x0, 4), expected, rtol=1e-8)


# --- the Series type ------------------------------------------------------------------------------


def test_series_constructors_and_properties():
    x = Series.variable(2.0, 3)
    assert x.order == 3 and x.shape == () and float(x.primal) == 2.0
    np.testing.assert_array_equal(x.coefficients, [2.0, 1.0, 0.0, 0.0])
    c = Series.constant([1.0, 2.0], 2)
    assert c.shape == (2,)
    np.testing.assert_array_equal(c.coefficients, [[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal((x * x).derivatives(), [4.0, 2.0, 0.0])


def test_operators_mix_series_numbers_and_arrays():
    x = Series.variable(0.5, 3)
    for y in (2 - x, -x + 2, np.float64(2.0) - x, (4 - 2 * x) / 2):
        np.testing.assert_allclose(y.coefficients, [1.5, -1.0, 0.0, 0.0])
    v = np.array([1.0, 2.0]) * x + np.array([0.0, 1.0])
    assert v.shape == (2,)
    np.testing.assert_allclose(v.coefficients[:2], [[0.5, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose((2.0**x).primal, 2.0**0.5)
    np.testing.assert_allclose(abs(-x).primal, 0.5)


def test_elementwise_over_an_array_variable():
    x0 = np.array([[0.1, 0.2], [0.3, 0.4]])
    y = taylor.sin(taylor.exp(Series.variable(x0, 5)))
    for index in np.ndindex(x0.shape):
        scalar = derivatives(lambda t: taylor.sin(taylor.exp(t)), x0[index], 5)
        np.testing.assert_allclose(y.derivatives()[(slice(None), *index)], scalar, rtol=1e-14)


def test_comparisons_use_primals_and_return_arrays():
    x = Series.variable(0.5, 2)
    assert isinstance(x < 1, np.ndarray) and bool(x < 1) and not bool(x > 1)
    assert bool(x != 0.7) and bool(Series.constant(0.5, 2) >= 0.5)
    with pytest.raises(NotAnalyticError, match="a jump"):
        x >= Series.constant(0.5, 2)  # noqa: B015 (the comparison raises)
    np.testing.assert_array_equal(
        taylor.gt(Series.variable(np.array([0.0, 1.0]), 2), 0.5), [False, True]
    )


def test_constants_lift_to_the_variable_order():
    x = Series.variable(0.5, 4)
    y = x * taylor.exp(1.0) + taylor.sin(np.array(0.0))
    np.testing.assert_allclose(y.coefficients, [0.5 * math.e, math.e, 0, 0, 0])
    with pytest.raises(ShapeError, match="different orders"):
        Series.variable(0.5, 3) + Series.variable(0.5, 4)


def test_matmul_matches_numpy_on_coefficients():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 3))
    result = Series(a) @ Series(b)
    expected = sum(a[j] @ b[3 - j] for j in range(4))
    np.testing.assert_allclose(result.coefficients[3], expected)
    with pytest.raises(ShapeError):
        Series(a) @ Series(rng.normal(size=(4, 2)))


# --- kinks raise, non-finite values are data ------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "x0", "op"),
    [
        (taylor.abs, 0.0, "abs"),
        (taylor.relu, 0.0, "relu"),
        (taylor.sign, 0.0, "sign"),
        (lambda x: taylor.abs(x**3), 0.0, "abs"),
        (lambda x: taylor.maximum(x, 1 - x), 0.5, "maximum"),
        (lambda x: taylor.minimum(x, 1 - x), 0.5, "minimum"),
        (lambda x: taylor.clamp(x, 0.0, 1.0), 1.0, "clamp"),
        (lambda x: taylor.amax(taylor.stack([x, 1 - x])), 0.5, "amax"),
        (lambda x: taylor.amin(taylor.stack([x, 1 - x])), 0.5, "amin"),
        (lambda x: taylor.norm(taylor.stack([x, 2 * x])), 0.0, "norm"),
        (lambda x: taylor.median(taylor.stack([x, 1 - x, 3.0])), 0.5, "median"),
        (lambda x: taylor.median(taylor.stack([[x, 2.0, -x]]), 1), 0.0, "median"),
    ],
)
def test_kinks_raise_a_not_analytic_error_naming_the_op(f, x0, op):
    # Typed, so that the routes looking for kinks catch them by type, not by wording.
    with pytest.raises(NotAnalyticError, match=op):
        derivatives(f, x0, 3)


def test_a_series_that_cannot_be_formed_is_no_kink():
    # x**1.5 at 1e-300: the value underflows; Taylor mode cannot run, which is not a kink.
    with pytest.raises(ExpressionError, match="under- or overflows") as raised:
        derivatives(lambda x: x**1.5, 1e-300, 2)
    assert not isinstance(raised.value, NotAnalyticError)


def test_touching_without_crossing_is_analytic():
    assert derivatives(lambda x: taylor.abs(x**2), 0.0, 4) == [0.0, 2.0, 0.0, 0.0]
    assert derivatives(lambda x: taylor.relu(-(x**2)), 0.0, 3) == [0.0, 0.0, 0.0]
    assert derivatives(lambda x: taylor.maximum(x, x), 0.3, 2) == [1.0, 0.0]
    assert derivatives(lambda x: x**2 * taylor.abs(x), 1.0, 3) == [3.0, 6.0, 6.0]
    # The order is too low to see the crossing of x**3: no kink yet.
    assert derivatives(lambda x: taylor.abs(x**3), 0.0, 2) == [0.0, 0.0]

    def touching(x):  # the middle elements x**2 and 2*x**2 touch at 0 without crossing
        return taylor.median(taylor.stack([x**2, 2 * x**2, -1.0]))

    assert derivatives(touching, 0.0, 2) == [0.0, 2.0]


def test_nonfinite_values_are_data():
    assert taylor_coefficients(taylor.log, 0.0, 1) == [-math.inf, math.inf]
    # log(-1) is nan, its derivatives those of log|x|, as the engine's 1/x gives.
    value, *rest = taylor_coefficients(taylor.log, -1.0, 2)
    assert math.isnan(value) and rest == [-1.0, -0.5]
    assert derivatives(taylor.sqrt, 0.0, 1) == [math.inf]
    assert derivatives(lambda x: 1 / x, 0.0, 1) == [-math.inf]


def test_pow_cases():
    # A whole exponent is exact at 0; a Series exponent needs x0 > 0.
    assert derivatives(lambda x: x**3, 0.0, 4) == [0.0, 0.0, 6.0, 0.0]
    assert derivatives(lambda x: x**0, 0.0, 2) == [0.0, 0.0]
    assert derivatives(lambda x: 0.0**x, 0.5, 2) == [0.0, 0.0]
    value, *rest = taylor_coefficients(lambda x: (-x) ** (x + 1.5), 0.5, 2)
    assert value == 0.25 and all(math.isnan(c) for c in rest)
    np.testing.assert_allclose(derivatives(lambda x: x**x, 1.0, 3), [1.0, 2.0, 3.0])
    # A Series exponent that passes through 0 at the point: (1+x)**sin(x) = 1 + x² - x³/2 + ...
    expected = nested(lambda o, x: o("exp", o("sin", x) * o("log", 1.0 + x)), 0.0, 4)
    assert_close(derivatives(lambda x: (1 + x) ** taylor.sin(x), 0.0, 4), expected)


def test_bad_orders_and_outputs():
    with pytest.raises(LimitError):
        derivatives(taylor.exp, 0.0, -1)
    with pytest.raises(ShapeError, match="single number"):
        derivatives(lambda x: x * np.ones(2), 0.0, 2)
    assert derivatives(taylor.exp, 0.0, 0) == []
