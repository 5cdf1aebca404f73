"""Taylor polynomials (#20): every coefficient against SymPy's series and partials."""

import math

import numpy as np
import pytest
import sympy as sp

import gradcli
from gradcli.compute.polynomial import coefficients


def _sympy_coefficients(source: str, point: dict[str, float], order: int) -> dict:
    symbols = {name: sp.Symbol(name) for name in point}
    formula = sp.sympify(source, locals=symbols)
    at = {symbols[n]: sp.Rational(repr(v)) for n, v in point.items()}
    exact = {}
    for degree in range(order + 1):
        for powers in _indices(len(point), degree):
            d = formula
            for name, k in zip(point, powers):
                d = sp.diff(d, symbols[name], k)
            exact[powers] = float(d.subs(at)) / math.prod(math.factorial(k) for k in powers)
    return exact


def _indices(n: int, degree: int):
    if n == 1:
        yield (degree,)
        return
    for first in range(degree, -1, -1):
        for rest in _indices(n - 1, degree - first):
            yield (first, *rest)


CASES = [
    ("sin(x)", {"x": 0.0}, 9),
    ("exp(sin(x))", {"x": 0.7}, 8),
    ("log(1 + x)/(2 + x**2)", {"x": 0.3}, 6),
    ("exp(x)*sin(y)", {"x": 0.3, "y": 0.7}, 6),
    ("cos(x*y) + x**3*y/(1 + y**2)", {"x": -0.4, "y": 1.2}, 6),
    ("exp(x*y)*cos(z) + x**2*y*z", {"x": 0.3, "y": -0.7, "z": 1.1}, 6),
    ("1/(1 + x + 2*y + 3*z)", {"x": 0.3, "y": 0.2, "z": 0.1}, 6),
]


@pytest.mark.parametrize(("source", "point", "order"), CASES)
def test_coefficients_match_sympy(source, point, order):
    f = gradcli.compile(source)
    found = coefficients(f, {k: np.array(v) for k, v in point.items()}, list(point), order)
    exact = _sympy_coefficients(source, point, order)
    assert found.keys() == exact.keys()
    for degree in range(order + 1):
        # Polarization holds each coefficient to the largest of its degree; one variable
        # needs no solve and is exact to the pass.
        same = [k for k in exact if sum(k) == degree]
        scale = max(abs(exact[k]) for k in same)
        for k in same:
            assert abs(found[k] - exact[k]) <= 1e-12 * scale + 1e-300, (k, found[k], exact[k])


def test_one_variable_matches_sympy_series():
    result = gradcli.compile("exp(sin(x))").taylor(7, at={"x": "1/2"})
    x = sp.Symbol("x")
    series = sp.series(sp.exp(sp.sin(x)), x, sp.Rational(1, 2), 8).removeO()
    reread = gradcli.compile(result.polynomial)
    for value in (0.3, 0.5, 0.61):
        assert reread.evaluate({"x": value}).item() == pytest.approx(
            float(series.subs(x, value)), rel=1e-13
        )


def test_exact_coefficients_are_sympys():
    result = gradcli.compile("exp(x)*sin(y)").taylor(3, at={"x": 0, "y": 0}, exact=True)
    assert result.polynomial == "y + x*y + x**2*y/2 - y**3/6"
    assert [t.exact for t in result.terms] == ["1", "1", "1/2", "-1/6"]
