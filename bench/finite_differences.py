"""How close each finite-difference scheme of ``gradcli.finite`` gets to the true derivative.

A battery of smooth functions with closed-form derivatives; for each function and
scheme the best relative error reached over a sweep of steps, beside numdifftools'
``Derivative`` (default method, and ``method="complex"``) when it is installed.
A script that prints a table, not a test: accuracy is a goal here, not a gate.

    python bench/finite_differences.py            # first derivatives
    python bench/finite_differences.py --order 2  # second derivatives

Sweeps: forward, backward, central and complex start at h = 0.1 and shrink by 10
for 16 steps (down to 1e-16, well past the breakdown of the real schemes);
Richardson starts at h = 0.4 and halves 16 times. "richardson" is the best row
measured against the exact value; "rich. pick" is the row Richardson picks by
its own error estimate without seeing the exact value, which is the fair figure
beside numdifftools (it never sees the exact value either).
"""

from __future__ import annotations

import argparse
import statistics
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradcli.finite import sweep

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
]

SWEEPS = {
    "forward": {"scheme": "forward", "h": 0.1, "steps": 16, "shrink": 10.0},
    "backward": {"scheme": "backward", "h": 0.1, "steps": 16, "shrink": 10.0},
    "central": {"scheme": "central", "h": 0.1, "steps": 16, "shrink": 10.0},
    "complex": {"scheme": "complex", "h": 0.1, "steps": 16, "shrink": 10.0},
    "richardson": {"scheme": "richardson", "h": 0.4, "steps": 16, "shrink": 2.0},
}
COLUMNS = [*SWEEPS, "rich. pick", "nd default", "nd complex"]


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
    """Best relative error per column for one function."""
    exact = float((case.d1 if order == 1 else case.d2)(case.x))
    out: dict[str, float | None] = {}
    for column, kwargs in SWEEPS.items():
        s = sweep(case.f, case.x, exact=exact, order=order, **kwargs)
        out[column] = None if s.best is None else s.best.rel_error
    blind = sweep(case.f, case.x, exact=None, order=order, **SWEEPS["richardson"])
    out["rich. pick"] = None if blind.best is None else _relative(blind.best.estimate, exact)
    out["nd default"] = _numdifftools(case, order, None)
    out["nd complex"] = _numdifftools(case, order, "complex")
    return out


def _cell(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "0" if value == 0 else f"{value:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, choices=(1, 2), default=1)
    args = parser.parse_args()

    results = [(case, measure(case, args.order)) for case in BATTERY]
    name_width = max(len(c.name) for c in BATTERY) + 2
    header = f"{'function':<{name_width}}{'x':>5}" + "".join(f"{c:>12}" for c in COLUMNS)
    print(f"best relative error of the derivative of order {args.order}")
    if nd is None:
        print("(numdifftools is not installed: pip install numdifftools for its columns)")
    print(header)
    print("-" * len(header))
    for case, row in results:
        cells = "".join(f"{_cell(row[c]):>12}" for c in COLUMNS)
        print(f"{case.name:<{name_width}}{case.x:>5g}{cells}")
    print("-" * len(header))
    medians = []
    for column in COLUMNS:
        values = [row[column] for _, row in results if row[column] is not None]
        medians.append(statistics.median(values) if values else None)
    print(f"{'median':<{name_width}}{'':>5}" + "".join(f"{_cell(m):>12}" for m in medians))


if __name__ == "__main__":
    main()
