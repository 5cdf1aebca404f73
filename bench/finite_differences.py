"""How close each finite-difference scheme of ``gradcli.finite`` gets to the true derivative.

A battery of smooth functions with closed-form derivatives; for each function and
scheme, the relative error of the row gradcli marks best, beside numdifftools'
``Derivative`` (default method, and ``method="complex"``) when it is installed.
A script that prints a table, not a test: accuracy is a goal here, not a gate.

    python bench/finite_differences.py            # first derivatives
    python bench/finite_differences.py --order 2  # second derivatives

Every sweep is what ``gradcli limit`` does by default: the scheme's own default
steps (``gradcli.finite.DEFAULT_SWEEPS``), and the best row chosen without the
exact value (the exact value only measures the error afterwards). That is the
fair comparison with numdifftools, which never sees the exact value either:
the summary at the end puts Richardson beside numdifftools' default.

numdifftools is not a dependency of gradcli: ``pip install numdifftools`` to
fill its columns.
"""

from __future__ import annotations

import argparse
import statistics
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradcli.finite import SCHEMES, sweep

try:
    import numdifftools as nd
except ImportError:  # bench-only dependency
    nd = None


@dataclass(frozen=True)
class Case:
    name: str
    f: Callable  # must accept complex arguments for the complex scheme
    x: float
    d1: Callable[[float], float]
    d2: Callable[[float], float]


def _sech2(x):
    return 1 / np.cosh(x) ** 2


BATTERY = [
    Case("exp(x)", np.exp, 1.0, np.exp, np.exp),
    Case("sin(x)", np.sin, 1.0, np.cos, lambda x: -np.sin(x)),
    Case(
        "log(1+x²)",
        lambda x: np.log(1 + x * x),
        1.5,
        lambda x: 2 * x / (1 + x * x),
        lambda x: 2 * (1 - x * x) / (1 + x * x) ** 2,
    ),
    Case("x³-2x", lambda x: x**3 - 2 * x, 2.0, lambda x: 3 * x**2 - 2, lambda x: 6 * x),
    Case(
        "1/(1+x²)",
        lambda x: 1 / (1 + x * x),
        0.5,
        lambda x: -2 * x / (1 + x * x) ** 2,
        lambda x: (6 * x * x - 2) / (1 + x * x) ** 3,
    ),
    Case("tanh(x)", np.tanh, 0.5, _sech2, lambda x: -2 * np.tanh(x) * _sech2(x)),
    Case(
        "sqrt(x)",
        np.sqrt,
        2.0,
        lambda x: 0.5 / np.sqrt(x),
        lambda x: -0.25 * x**-1.5,
    ),
    Case(
        "exp(sin x)",
        lambda x: np.exp(np.sin(x)),
        0.7,
        lambda x: np.cos(x) * np.exp(np.sin(x)),
        lambda x: (np.cos(x) ** 2 - np.sin(x)) * np.exp(np.sin(x)),
    ),
    Case(
        "x·e^(-x)",
        lambda x: x * np.exp(-x),
        0.5,
        lambda x: (1 - x) * np.exp(-x),
        lambda x: (x - 2) * np.exp(-x),
    ),
    Case(
        "atan(x)",
        np.arctan,
        0.8,
        lambda x: 1 / (1 + x * x),
        lambda x: -2 * x / (1 + x * x) ** 2,
    ),
    Case("cosh(x)", np.cosh, 1.2, np.sinh, np.cosh),
    Case(
        "sin(10x)",
        lambda x: np.sin(10 * x),
        0.3,
        lambda x: 10 * np.cos(10 * x),
        lambda x: -100 * np.sin(10 * x),
    ),
    # Close to a singularity or the edge of the domain: the first, large steps of
    # a sweep reach past it.
    Case("log(x)", np.log, 0.2, lambda x: 1 / x, lambda x: -1 / x**2),
    Case("1/x", lambda x: 1 / x, 0.3, lambda x: -1 / x**2, lambda x: 2 / x**3),
    Case(
        "tan(x)",
        np.tan,
        1.4,
        lambda x: 1 / np.cos(x) ** 2,
        lambda x: 2 * np.tan(x) / np.cos(x) ** 2,
    ),
]

COLUMNS = [*SCHEMES, "nd default", "nd complex"]


def _relative(estimate: float, exact: float) -> float:
    return abs(estimate - exact) / abs(exact)


def _numdifftools(case: Case, order: int, method: str | None) -> float | None:
    if nd is None:
        return None
    kwargs = {"n": order} if method is None else {"n": order, "method": method}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            estimate = float(np.real(nd.Derivative(case.f, **kwargs)(case.x)))
    except Exception:  # a method numdifftools does not offer for this order
        return None
    exact = float((case.d1 if order == 1 else case.d2)(case.x))
    return _relative(estimate, exact)


def measure(case: Case, order: int) -> dict[str, float | None]:
    """Relative error of each column's answer for one function."""
    exact = float((case.d1 if order == 1 else case.d2)(case.x))
    out: dict[str, float | None] = {}
    with np.errstate(all="ignore"):
        for scheme in SCHEMES:
            best = sweep(case.f, case.x, exact=exact, scheme=scheme, order=order).best
            out[scheme] = None if best is None else best.rel_error
    out["nd default"] = _numdifftools(case, order, None)
    out["nd complex"] = _numdifftools(case, order, "complex")
    return out


def _summary(results: list[dict[str, float | None]], column: str) -> tuple[float, float] | None:
    """Median and worst relative error of a column (a missing answer counts as 1: no digit)."""
    values = [1.0 if row[column] is None else row[column] for row in results]
    if nd is None and column.startswith("nd"):
        return None
    return statistics.median(values), max(values)


def _cell(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "0" if value == 0 else f"{value:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, choices=(1, 2), default=1)
    args = parser.parse_args()

    results = [(case, measure(case, args.order)) for case in BATTERY]
    rows = [row for _, row in results]
    name_width = max(len(c.name) for c in BATTERY) + 2
    header = f"{'function':<{name_width}}{'x':>5}" + "".join(f"{c:>12}" for c in COLUMNS)
    print(
        f"relative error of the derivative of order {args.order}: gradcli's best row with "
        "each scheme's default steps, chosen without the exact value"
    )
    if nd is None:
        print("(numdifftools is not installed: pip install numdifftools for its columns)")
    print(header)
    print("-" * len(header))
    for case, row in results:
        cells = "".join(f"{_cell(row[c]):>12}" for c in COLUMNS)
        print(f"{case.name:<{name_width}}{case.x:>5g}{cells}")
    print("-" * len(header))
    for label, index in (("median", 0), ("worst", 1)):
        cells = []
        for column in COLUMNS:
            summary = _summary(rows, column)
            cells.append(_cell(None if summary is None else summary[index]))
        print(f"{label:<{name_width}}{'':>5}" + "".join(f"{c:>12}" for c in cells))

    print()
    print("the fair figure: neither side sees the exact value")
    print(f"{'':<34}{'median':>10}{'worst':>10}")
    for label, column in (
        ("gradcli richardson (default)", "richardson"),
        ("numdifftools Derivative (default)", "nd default"),
    ):
        summary = _summary(rows, column)
        if summary is None:
            print(f"{label:<34}{'n/a':>10}{'n/a':>10}")
        else:
            print(f"{label:<34}{_cell(summary[0]):>10}{_cell(summary[1]):>10}")
    if nd is not None:
        ahead = sum(
            1
            for row in rows
            if row["richardson"] is not None
            and row["nd default"] is not None
            and row["richardson"] <= row["nd default"]
        )
        print(f"gradcli at least as accurate on {ahead} of {len(rows)} functions")


if __name__ == "__main__":
    main()
