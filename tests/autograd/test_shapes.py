"""Shape arguments read one way by the engine, Taylor mode and the language
(gradcli.autograd.shapes), and Taylor mode's linear family against numpy applied
to each coefficient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradcli
from gradcli import taylor
from gradcli.errors import ExpressionError, ShapeError
from gradcli.taylor import Series
from tests.clirun import run

V = [0.5, -1.0, 2.0]
M = [[1.0, 2.0], [3.0, -4.0]]

# Each refused the same way by the engine's op and by Taylor mode's rule.
BAD = [
    ("sum", (M,), {"dim": 2}, "dim 2 is out of range for a tensor with 2 dimensions (use -2 to 1)"),
    ("sum", (M,), {"dim": 0.5}, "dim must be a whole number, not 0.5"),
    ("mean", (3.0,), {"dim": 1}, "dim 1 is out of range for a single number (only 0 and -1 fit)"),
    ("logsumexp", (V,), {"dim": float("inf")}, "dim must be a whole number, not inf"),
    ("prod", (M,), {"dim": -3}, "dim -3 is out of range for a tensor with 2 dimensions"),
    ("transpose", (M, 0, 2), {}, "dim 2 is out of range for a tensor with 2 dimensions"),
    ("reshape", (M, 2.5, 2), {}, "a dimension must be a whole number, not 2.5"),
    ("reshape", (M, True), {}, "a dimension must be a whole number, not True"),
    ("permute", (M, 0, 0), {}, "permute: (0, 0) is not a permutation of the 2 dimensions"),
    ("stack", ([V, V],), {"dim": 3}, "dim 3 is out of range for a tensor with 2 dimensions"),
    ("norm", (V,), {"p": 0}, "norm: p must be positive, not 0"),
    ("norm", (V,), {"p": -1.5}, "norm: p must be positive, not -1.5"),
    ("index", (V, 1.5), {}, "an index must be a whole number, not 1.5"),
    ("index", (V, np.array([0.0, 0.5])), {}, "an index must be a whole number, not 0.5"),
    ("index", (V, np.array([0.0, np.nan])), {}, "an index must be a whole number, not nan"),
]


def _engine(name):
    if name == "index":
        return lambda x, key: gradcli.tensor(x)[key]
    function = getattr(gradcli, name)
    return lambda x, *args, **kwargs: function(
        [gradcli.tensor(t) for t in x] if name == "stack" else gradcli.tensor(x), *args, **kwargs
    )


def _taylor(name):
    rule = taylor.RULES[name]
    return lambda x, *args, **kwargs: rule(
        [Series.variable(np.asarray(t), 2) for t in x]
        if name == "stack"
        else Series.variable(np.asarray(x), 2),
        *args,
        **kwargs,
    )


@pytest.mark.parametrize(("name", "args", "kwargs", "message"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("algebra", [_engine, _taylor], ids=["engine", "taylor"])
def test_engine_and_taylor_refuse_alike(algebra, name, args, kwargs, message):
    with pytest.raises((ShapeError, ExpressionError)) as raised:
        algebra(name)(*args, **kwargs)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("reshape(ones(4), 2.5, 2)", "a dimension must be a whole number, not 2.5"),
        ("ones(3)[1.5]", "an index must be a whole number, not 1.5"),
        ("ones(3)[0:1.5]", "a slice bound must be a whole number, not 1.5"),
        ("sum(ones(2, 2), dim=0.5)", "dim must be a whole number, not 0.5"),
    ],
)
def test_the_language_says_the_same(expression, message):
    code, out, err = run("eval", expression)
    assert code == 2 and out == "" and f"error: {message}" in err


# --- the linear family: the array op on every coefficient -------------------------------------

LINEAR = {
    "sum": (lambda s: taylor.sum(s, 1), lambda c: np.sum(c, axis=1)),
    "mean keepdim": (lambda s: taylor.mean(s, -1, True), lambda c: np.mean(c, -1, keepdims=True)),
    "reshape": (lambda s: taylor.reshape(s, 3, -1), lambda c: c.reshape(3, -1)),
    "permute": (lambda s: taylor.permute(s, 1, 0), lambda c: c.T),
    "transpose": (lambda s: taylor.transpose(s, -1, 0), lambda c: c.T),
    "index": (lambda s: s[1, ::-2], lambda c: c[1, ::-2]),
    "mask": (lambda s: s[np.array([True, False])], lambda c: c[np.array([True, False])]),
    "cat": (lambda s: taylor.cat([s, 2.0 * s], 1), lambda c: np.concatenate([c, 2 * c], 1)),
    "stack": (lambda s: taylor.stack([s, s], -1), lambda c: np.stack([c, c], -1)),
    "where": (
        lambda s: taylor.where(np.array([1.0, 0.0, 1.0]), s, -s),
        lambda c: np.where([True, False, True], c, -c),
    ),
    "matmul": (lambda s: s @ np.arange(6.0).reshape(3, 2), lambda c: c @ np.arange(6.0).reshape(3, 2)),
    "matmul left": (lambda s: np.arange(4.0).reshape(2, 2) @ s, lambda c: np.arange(4.0).reshape(2, 2) @ c),
}  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(LINEAR)),
    coefficients=hnp.arrays(np.float64, (6, 2, 3), elements=st.floats(-1e3, 1e3)),
)
def test_a_linear_op_is_the_array_op_on_every_coefficient(name, coefficients):
    rule, array_op = LINEAR[name]
    result = rule(Series(coefficients)).coefficients
    expected = np.stack([array_op(c) for c in coefficients])
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-9)


def test_a_constant_in_a_linear_slot_has_no_higher_coefficients():
    x = Series.variable(np.array([1.0, 2.0]), 3)
    joined = taylor.cat([x, np.array([5.0])])
    np.testing.assert_array_equal(
        joined.coefficients, [[1.0, 2.0, 5.0], [1.0, 1.0, 0.0], [0.0] * 3, [0.0] * 3]
    )
    chosen = taylor.where(np.array([1.0, 0.0]), x, 7.0)
    np.testing.assert_array_equal(chosen.coefficients[:2], [[1.0, 7.0], [1.0, 0.0]])
