"""The compiled expression: parsed once, evaluated many times, under any algebra."""

import doctest
import math

import numpy as np
import pytest

import gradcli
from gradcli.errors import ExpressionError
from gradcli.language import compiled


def test_the_docstring_examples_run():
    assert doctest.testmod(compiled).failed == 0


def test_it_knows_its_variables_and_operations():
    f = gradcli.compile("x*pi + sin(y)**2 - x")
    assert f.names == ("x", "pi", "y") and f.variables == ("x", "y")
    assert f.operations == ("mul", "sin", "pow", "add", "sub")


def test_it_evaluates_many_times_without_parsing_again(monkeypatch):
    from gradcli.language._lalr import Lark  # the generated parser's class, not lark's

    f = gradcli.compile("x**3 - 2*x")
    monkeypatch.setattr(Lark, "parse", lambda *a, **k: pytest.fail("parsed again"))
    for x in (-1.5, 0.0, 2.0):
        assert f(x=x).item() == pytest.approx(x**3 - 2 * x)
        assert float(f.grad(x=x)["x"]) == pytest.approx(3 * x**2 - 2)


def test_called_on_tensors_it_records_a_graph_that_points_back_to_the_source():
    f = gradcli.compile("exp(x) * sin(x)")
    x = gradcli.tensor(0.3, requires_grad=True)
    y = f(x=x)
    y.backward()
    assert x.grad.item() == pytest.approx(math.exp(0.3) * (math.sin(0.3) + math.cos(0.3)))
    source, index = y.grad_fn.origin
    assert source is f and f.text(index) == "exp(x) * sin(x)" and f.column(index) == 8
    (left, _), (right, _) = y.grad_fn.next_functions
    assert f.text(left.origin[1]) == "exp(x)" and f.text(right.origin[1]) == "sin(x)"


def test_it_runs_under_the_taylor_algebra():
    from gradcli import taylor
    from gradcli.compute.higher import taylor_algebra

    f = gradcli.compile("exp(2*x)")
    series = f.evaluate({"x": taylor.Series.variable(0.0, 4)}, taylor_algebra())
    assert list(series.coefficients) == pytest.approx([1, 2, 2, 4 / 3, 2 / 3])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("-1", -1.0),
        ("2 - 3", -1.0),
        ("exp(0) * -(2**2)", -4.0),
        ("sum(arange(3)) - 4", -1.0),
        ("arange(3)[-1]", 2.0),
        ("-arange(3)", [0.0, -1.0, -2.0]),
        ("(1 > 0) * 1.0", 1.0),
    ],
)
def test_constants_stay_constants_under_the_taylor_algebra(source, expected):
    # The -1 of x[-1] or dim=-1 is neg(1): a series there would be refused as an index.
    from gradcli import taylor
    from gradcli.compute.higher import taylor_algebra

    value = gradcli.compile(source).evaluate({}, taylor_algebra())
    assert not isinstance(value, taylor.Series)
    np.testing.assert_array_equal(value, expected)


@pytest.mark.parametrize(
    ("source", "rate"),
    [
        ("exp((x*arange(4))[-1])", 3),
        ("exp((x*arange(4))[arange(2) + 1][1 - 2])", 2),
        ("exp(sum((x*arange(4))[arange(4) > 1]))", 5),
        ("exp(sum(reshape(x*arange(4), -1, 1)[-2:]))", 5),
        ("exp(sum(transpose(reshape(x*arange(4), 2, -1), -1, 0)[0]))", 2),
        ("exp(sum(softmax(x*ones(2), dim=-1)*arange(2)*8*x))", 4),
    ],
)
def test_constant_indices_dims_and_shapes_work_on_series(source, rate):
    from gradcli import taylor
    from gradcli.compute.higher import taylor_algebra

    series = gradcli.compile(source).evaluate(
        {"x": taylor.Series.variable(0.5, 4)}, taylor_algebra()
    )
    # exp(rate*x): its k-th coefficient is rate**k * exp(rate/2) / k!.
    expected = [rate**k * math.exp(rate * 0.5) / math.factorial(k) for k in range(5)]
    assert series.coefficients.tolist() == pytest.approx(expected, rel=1e-14)


def test_it_runs_on_complex_numbers_for_the_complex_step():
    f = gradcli.compile("x**2 * exp(x)")
    with gradcli.no_grad():
        value = f.evaluate({"x": gradcli.as_tensor(np.complex128(1.0 + 1e-20j))})
    assert value.numpy().imag / 1e-20 == pytest.approx(3 * math.e)


def test_grad_of_an_elementwise_expression_is_vectorised_over_points():
    x = np.linspace(-3, 3, 1001)
    slopes = gradcli.compile("sin(x)*exp(-x**2/2)").grad(x=x)["x"]
    np.testing.assert_allclose(slopes, (np.cos(x) - x * np.sin(x)) * np.exp(-(x**2) / 2),
                               rtol=1e-14, atol=1e-15)  # fmt: skip


def test_grad_of_an_array_value_that_mixes_elements_says_what_it_needs():
    with pytest.raises(ExpressionError, match="single-number value, or an expression"):
        gradcli.compile("x*sum(x)").grad(x=np.arange(3.0))


def test_a_syntax_error_is_raised_when_compiling():
    with pytest.raises(ExpressionError) as error:
        gradcli.compile("x +* 2")
    assert error.value.column == 4


def test_deep_nesting_compiles_and_runs_without_recursion():
    depth = 3000
    f = gradcli.compile("(" * depth + "x" + ")" * depth + "+1")
    assert f(x=1.0).item() == 2.0
