"""Formulas and multivariate Taylor coefficients: gradcli beside SymPy and nested reverse mode.

Run ``python bench/formulas.py [--rounds 5]``. Two tables:

* ``diff`` without ``--at`` (the derivatives as simplified formulas) on sums of
  about 10, 100 and 1,000 operations, as whole processes (median wall time of
  alternating rounds), and in process (the formula, its derivative, SymPy's
  simplify and the printing).
* A mixed partial of total order 10 in 3 variables,
  ∂¹⁰f/∂x⁴∂y³∂z³ of two functions at (0.1, 0.2, 0.3): gradcli's
  ``taylor`` (every one of the 286 coefficients of degree ≤ 10 in one batched
  Taylor pass), gradcli's nested reverse mode (``grad`` with ``create_graph``
  ten times), and SymPy (differentiate the formula ten times, then evaluate),
  with the value each gives.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import sympy as sp

import gradcli
from gradcli.autograd import engine
from gradcli.compute import symbolic

TERMS = {10: 2, 100: 20, 1000: 200}
"""Operations of the expression -> terms of ``sin(k*x)*exp(x/k)`` (about 5 each)."""

MIXED = {
    "exp(x*y)*cos(z) + x**2*y*z": (lambda m, x, y, z: m.exp(x * y) * m.cos(z) + x**2 * y * z),
    "exp(sin(x*y)*cos(z))": lambda m, x, y, z: m.exp(m.sin(x * y) * m.cos(z)),
}
AT = {"x": 0.1, "y": 0.2, "z": 0.3}
POWERS = {"x": 4, "y": 3, "z": 3}


def source(terms: int) -> str:
    return " + ".join(f"sin({k}*x)*exp(x/{k + 1})" for k in range(1, terms + 1))


def timed(run, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def formulas_table(rounds: int) -> None:
    print("diff without --at: whole process (median wall s of alternating rounds), in process")
    print(f"| {'operations':>10} | {'process s':>9} | {'in process s':>12} | {'simplified':>10} |")
    print(f"|{'-' * 12}|{'-' * 11}|{'-' * 14}|{'-' * 12}|")
    walls: dict[int, list[float]] = {n: [] for n in TERMS}
    for _ in range(rounds):
        for n, terms in TERMS.items():
            start = time.perf_counter()
            subprocess.run(["gradcli", "diff", source(terms), "-o", "plain"], check=True,
                           capture_output=True)  # fmt: skip
            walls[n].append(time.perf_counter() - start)
    for n, terms in TERMS.items():
        compiled = gradcli.compile(source(terms))
        result = None

        def run(compiled=compiled):
            nonlocal result
            result = symbolic.derivatives(compiled)

        inside = timed(run, max(1, rounds // 2))
        simplified = "no (note)" if result.warnings else "yes"
        print(
            f"| {n:>10,} | {statistics.median(walls[n]):>9.2f} | {inside:>12.3f} | {simplified:>10} |"
        )


def mixed_table(rounds: int) -> None:
    k = {name: POWERS[name] for name in AT}
    factorials = math.prod(math.factorial(p) for p in k.values())
    x, y, z = sp.symbols("x y z")
    print()
    print("∂¹⁰f/∂x⁴∂y³∂z³ at (0.1, 0.2, 0.3), median of rounds; taylor gives all 286")
    print("coefficients of degree <= 10 in its time, the others this one partial")
    print(f"| {'f':<26} | {'method':<28} | {'seconds':>8} | {'value':>22} | {'rel. diff':>9} |")
    print(f"|{'-' * 28}|{'-' * 30}|{'-' * 10}|{'-' * 24}|{'-' * 11}|")
    for source, build in MIXED.items():

        def by_taylor(source=source) -> float:
            result = gradcli.compile(source).taylor(10, at=AT)
            term = next(t for t in result.terms if t.powers == k)
            return term.coefficient * factorials

        def by_nested(build=build) -> float:
            variables = [gradcli.tensor(AT[n], requires_grad=True) for n in "xyz"]
            value = build(gradcli, *variables)
            for name, variable in zip("xyz", variables):
                for _ in range(POWERS[name]):
                    (value,) = engine.grad(value, [variable], create_graph=True)
            return float(value.numpy())

        def by_sympy(build=build) -> float:
            d = sp.diff(build(sp, x, y, z), x, POWERS["x"], y, POWERS["y"], z, POWERS["z"])
            return float(d.subs({x: AT["x"], y: AT["y"], z: AT["z"]}))

        reference = by_sympy()
        for label, run in (
            ("gradcli taylor (286 coeffs)", by_taylor),
            ("gradcli nested reverse mode", by_nested),
            ("SymPy: diff, then evaluate", by_sympy),
        ):
            seconds = timed(run, rounds)
            value = run()
            error = abs(value - reference) / abs(reference)
            print(
                f"| {source:<26} | {label:<28} | {seconds:>8.3f} | {value:>22.16g} | {error:>9.1e} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"gradcli from {Path(gradcli.__file__).parent}, SymPy {sp.__version__}, "
          f"numpy {np.__version__}\n")  # fmt: skip
    formulas_table(args.rounds)
    mixed_table(args.rounds)


if __name__ == "__main__":
    main()
