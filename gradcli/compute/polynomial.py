"""The Taylor polynomial of total degree N about a point, in one variable or several.

Every coefficient comes from one batched forward pass of Taylor mode
(:func:`gradcli.compute.higher.taylor_along`): each row moves all the variables together
along its own unit direction u, twice as many directions as there are monomials of degree
N. Along u the coefficient of t^d is ``sum over |k| = d of f_k·u^k``, with
``f_k = (d^k f / dx^k) / k!``, so the coefficients of each degree are the least-squares
solution of a small, well-conditioned system: polarization of univariate Taylor series
(Griewank, Utke and Walther, Math. Comp. 69, 2000). The cost grows as C(n+N-1, N)·N² per
operation, not as nested reverse mode's graph, which multiplies at every order. The
coefficients hold to about 1e-15 of the largest one of their degree (a small mixed one
loses digits relative to itself); one variable needs no solve and is exact to the pass.

With ``exact``, SymPy expands the formula of the expression
(:func:`gradcli.compute.symbolic.formula`) about the point as the ``--at`` values were
written (``pi/6`` stays pi/6), and its coefficients are the ones given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.tensor import Tensor
from gradcli.batching import Batched
from gradcli.compute.bindings import Binding
from gradcli.compute.higher import taylor_along, without_taylor_rule
from gradcli.compute.results import TaylorPolynomial, Term
from gradcli.errors import ExpressionError, LimitError, UsageError, option

MAX_ORDER = 170
"""Beyond 170, k! overflows float64 (as for ``diff --order``)."""

MAX_TERMS = 5_000
"""Terms of the polynomial, C(n+N, N): about the rows of Taylor mode, and the output's lines."""


def check_order(order: int | None, variables: int) -> int:
    """The one check of ``order`` for the command and the library: given, at least 0,
    within the budget of terms for this many variables."""
    if order is None:
        raise UsageError(f"give the degree of the polynomial with {option('order')} N, e.g. 5")
    if order < 0:
        raise UsageError(f"{option('order')} {order}: the degree must be at least 0")
    if order > MAX_ORDER:
        raise LimitError(f"{option('order')} {order}: the highest degree is {MAX_ORDER}")
    if math.comb(variables + order, order) > MAX_TERMS:
        fits = max(k for k in range(order) if math.comb(variables + k, k) <= MAX_TERMS)
        raise LimitError(
            f"{option('order')} {order} in {variables} variables is "
            f"{math.comb(variables + order, order):,} terms, over the budget of {MAX_TERMS:,}; "
            f"in {variables} variables the highest degree is {fits}"
        )
    return order


def multi_indices(variables: int, degree: int) -> list[tuple[int, ...]]:
    """Every multi-index of ``variables`` entries with sum ``degree``, lexicographically
    from the highest power of the first variable (x², xy, y²)."""
    if variables == 0:
        return [()] if degree == 0 else []
    return [
        (first, *rest)
        for first in range(degree, -1, -1)
        for rest in multi_indices(variables - 1, degree - first)
    ]


def _directions(variables: int, order: int) -> np.ndarray:
    """Twice as many unit directions as there are monomials of degree ``order``, from a fixed
    seed: on the sphere, oversampled two to one, the monomials are well conditioned (about
    10² at degree 6 in 3 variables, 10³ at degree 10; the principal lattice's are 10⁹)."""
    if variables == 1:
        return np.ones((1, 1))  # one variable: the pass's own coefficients, nothing to solve
    count = 2 * math.comb(variables + order - 1, order)
    directions = np.random.default_rng(0).standard_normal((count, variables))
    return directions / np.linalg.norm(directions, axis=1, keepdims=True)


def coefficients(
    expression: Any, point: Mapping[str, Any], names: Sequence[str], order: int
) -> dict[tuple[int, ...], float]:
    """``(d^k f / dx^k) / k!`` at ``point`` for every multi-index k over ``names`` with ``|k| ≤ order``
    (scalar variables, a scalar value). Raises NotAnalyticError at a kink or a jump, and
    ExpressionError where a coefficient is not finite (no Taylor series there)."""
    value = _scalar_value(expression, point)
    found = {(0,) * len(names): value}
    if order == 0:
        return found
    directions = _directions(len(names), order)
    rows = len(directions)
    # One pass for every direction: the directions are rows, evaluated together as
    # --points evaluates its rows.
    values = {
        name: Batched(np.full(rows, float(np.reshape(v, ())))) if name in names else v
        for name, v in point.items()
    }
    moving = {name: directions[:, m] for m, name in enumerate(names)}
    along = taylor_along(expression, values, moving, order)
    if not along.exists or not math.isfinite(value):
        raise ExpressionError(
            "the Taylor series does not exist at this point (a coefficient is NaN or "
            "infinite, as for sqrt(x) or x**1.5 at 0)"
        )
    series = along.coefficients.reshape(order, rows)
    for degree in range(1, order + 1):
        alphas = multi_indices(len(names), degree)
        # Along u, the coefficient of t^d is the sum of f_k·u^k over |k| = d: least squares.
        monomials = np.prod(directions[:, None, :] ** np.array(alphas)[None], axis=2)
        solution = np.linalg.lstsq(monomials, series[degree - 1], rcond=None)[0]
        found.update(zip(alphas, solution.tolist()))
    return found


def _scalar_value(expression: Any, point: Mapping[str, Any]) -> float:
    """The value at the point, which must be a single number."""
    value = expression.evaluate({name: Tensor(v) for name, v in point.items()}).numpy()
    if np.size(value) != 1:
        raise UsageError(
            f"taylor expands a single-number value, and this one has shape {np.shape(value)}; "
            "reduce it first, e.g. sum(...)"
        )
    return float(np.reshape(value, ()))


def _settled(found: dict[tuple[int, ...], float]) -> dict[tuple[int, ...], float]:
    """Each coefficient within 64 ulps (of the largest of its degree) of 0 or of a decimal of
    8 significant digits, as that: the interpolation's rounding, not the function's."""
    settled = {}
    for alpha, c in found.items():
        scale = max(abs(v) for a, v in found.items() if sum(a) == sum(alpha))
        near = float(f"{c:.8g}")
        tolerance = 64 * np.finfo(np.float64).eps * scale
        settled[alpha] = 0.0 if abs(c) <= tolerance else near if abs(near - c) <= tolerance else c
    return settled


def number_text(value: float) -> str:
    """The shortest decimal that reads back as ``value``; whole numbers without ``.0``."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _factor(name: str, at: str, power: int) -> str:
    base = (
        name
        if at == "0"
        else f"({name} - {at})"
        if not at.startswith("-")
        else f"({name} + {at[1:]})"
    )
    return base if power == 1 else f"{base}**{power}"


def polynomial_text(
    names: Sequence[str],
    at: Sequence[str],
    terms: Sequence[Term],
    number: Callable[[float], str] | None = None,
) -> str:
    """The polynomial in gradcli's syntax (``gradcli eval`` reads it back), powers of
    ``(x - a)``, or of ``x`` where a is 0; ``number`` writes the coefficients (by default
    with every digit, the shortest decimal that reads back)."""
    number = number or number_text
    text = ""
    for term in terms:
        factors = [_factor(n, a, p) for n, a, p in zip(names, at, term.powers.values()) if p]
        coefficient = term.exact if term.exact is not None else number(term.coefficient)
        negative = coefficient.startswith("-")
        magnitude = coefficient[1:] if negative else coefficient
        if "+" in magnitude or "-" in magnitude.lstrip("(").replace("e-", "e"):
            magnitude = f"({magnitude})"
        if factors and magnitude == "1":
            body = "*".join(factors)
        elif factors and "/" in magnitude and "(" not in magnitude and magnitude.startswith("1/"):
            body = f"{'*'.join(factors)}/{magnitude[2:]}"
        else:
            body = "*".join([magnitude, *factors])
        if not text:
            text = f"-{body}" if negative else body
        else:
            text += f" - {body}" if negative else f" + {body}"
    return text or "0"


def polynomial_latex(names: Sequence[str], at: Sequence[str], terms: Sequence[Term]) -> str:
    """The polynomial in LaTeX: the same terms in the same order; ``at`` in LaTeX."""
    text = ""
    for term in terms:
        factors = []
        for name, a, power in zip(names, at, term.powers.values()):
            if power:
                base = name if a == "0" else rf"\left({name} - {a}\right)"
                base = base.replace("- -", "+ ")
                factors.append(base if power == 1 else f"{base}^{{{power}}}")
        coefficient = term.exact_latex or number_text(term.coefficient)
        negative = coefficient.startswith("-")
        magnitude = (coefficient[1:] if negative else coefficient).strip()
        if "+" in magnitude or "-" in magnitude:
            magnitude = rf"\left({magnitude}\right)"
        body = " ".join(factors if factors and magnitude == "1" else [magnitude, *factors])
        sign = ("-" if negative else "") if not text else (" - " if negative else " + ")
        text += sign + body
    return text or "0"


def taylor_polynomial(
    expression: Any, bound: Sequence[Binding], order: int | None, exact: bool = False
) -> TaylorPolynomial:
    """The Taylor polynomial of total degree ``order`` about the bound point, in every
    variable of the expression; with ``exact``, SymPy's coefficients about the point as
    written."""
    point = {b.name: b.value for b in bound}
    missing = [name for name in expression.variables if name not in point]
    if missing:
        raise UsageError(
            f"taylor expands about a point: give {', '.join(missing)} a value with "
            f"{option('at')}, e.g. {option('at')} {missing[0]}=0"
        )
    moving = [b for b in bound if b.name in expression.variables]
    names = [b.name for b in moving]
    for name in names:
        if point[name].size != 1:
            raise UsageError(
                f"taylor expands in scalar variables, and {name} has shape {point[name].shape}; "
                "bind each element as a variable of its own"
            )
    order = check_order(order, len(names))
    if missing_rules := without_taylor_rule(expression):
        raise UsageError(
            f"taylor needs Taylor mode, and {', '.join(missing_rules)} has no Taylor rule"
        )
    found = _settled(coefficients(expression, point, names, order))
    numbers = [number_text(float(point[name].reshape(()))) for name in names]
    if exact:
        symbolic, at, at_latex = _exact(expression, bound, names, order)
    else:
        symbolic, at, at_latex = {}, numbers, numbers
    terms = []
    for alpha, c in found.items():
        text, latex = symbolic.get(alpha, (None, None))
        if (text == "0") if exact else c == 0.0:
            continue
        terms.append(Term(dict(zip(names, alpha)), c, text, latex))
    return TaylorPolynomial(
        expression.source,
        dict(zip(names, at if exact else [float(point[name].reshape(())) for name in names])),
        order,
        names,
        terms,
        polynomial_text(names, at, terms),
        polynomial_latex(names, at_latex, terms),
        [],
    )


def _exact(
    expression: Any, bound: Sequence[Binding], names: Sequence[str], order: int
) -> tuple[dict[tuple[int, ...], tuple[str, str]], list[str], list[str]]:
    """SymPy's coefficients about the point as written, in gradcli's syntax and in LaTeX,
    and the point's coordinates in both."""
    # Loaded here only: SymPy is a second of start-up that the numbers never pay.
    import sympy as sp

    from gradcli.compute import symbolic
    from gradcli.language import compile as compile_expression

    point = {b.name: b.value for b in bound}
    value = symbolic.formula(expression, point)
    t = sp.Symbol("t")
    steps = [sp.Symbol(f"_{name}") for name in names]
    moved = {
        symbolic.symbols_of(expression)[name]: symbolic.formula(compile_expression(b.source))
        + t * step
        for name, b, step in zip(names, [b for b in bound if b.name in names], steps)
    }
    moved.update(
        (symbolic.symbols_of(expression)[b.name], symbolic.formula(compile_expression(b.source)))
        for b in bound
        if b.name in expression.variables and b.name not in names
    )
    series = sp.series(value.subs(moved, simultaneous=True), t, 0, order + 1).removeO()
    found = {}
    for degree in range(order + 1):
        part = sp.expand(series.coeff(t, degree))
        polynomial = sp.Poly(part, *steps) if steps else None
        for alpha in multi_indices(len(names), degree):
            c = sp.simplify(polynomial.coeff_monomial(alpha) if steps else part)
            found[alpha] = (symbolic.text(c), sp.latex(c))
    centre = [symbolic.formula(compile_expression(b.source)) for b in bound if b.name in names]
    return found, [symbolic.text(a) for a in centre], [sp.latex(a) for a in centre]
