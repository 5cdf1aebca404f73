"""Formulas and multivariate Taylor coefficients: gradcli beside SymPy and nested reverse mode.

Run ``python bench/formulas.py [--rounds 5]``. Two tables:

* ``diff`` without ``--at`` (the derivatives as simplified formulas) on sums of
  about 10, 100 and 1,000 operations, as whole processes (median wall time of
  alternating rounds), and in process (the formula, its derivative, SymPy's
  simplify and the printing).
* A mixed partial of total order 10 in 3 variables,
  ∂¹⁰f/∂x⁴∂y³∂z³ of ``exp(x*y)*cos(z) + x**2*y*z`` at (0.1, 0.2, 0.3): gradcli's
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

MIXED = "exp(x*y)*cos(z) + x**2*y*z"
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

    def by_taylor() -> float:
        result = gradcli.compile(MIXED).taylor(10, at=AT)
        term = next(t for t in result.terms if t.powers == k)
        return term.coefficient * factorials

    def by_nested() -> float:
        x, y, z = (gradcli.tensor(AT[n], requires_grad=True) for n in "xyz")
        value = gradcli.exp(x * y) * gradcli.cos(z) + x**2 * y * z
        for name, variable in (("x", x), ("y", y), ("z", z)):
            for _ in range(POWERS[name]):
                (value,) = engine.grad(value, [variable], create_graph=True)
        return float(value.numpy())

    def by_sympy() -> float:
        x, y, z = sp.symbols("x y z")
        f = sp.exp(x * y) * sp.cos(z) + x**2 * y * z
        d = sp.diff(f, x, POWERS["x"], y, POWERS["y"], z, POWERS["z"])
        return float(d.subs({x: AT["x"], y: AT["y"], z: AT["z"]}))

    reference = by_sympy()
    print()
    print("∂¹⁰f/∂x⁴∂y³∂z³ of exp(x*y)*cos(z) + x**2*y*z at (0.1, 0.2, 0.3) (median of rounds)")
    print(f"| {'method':<38} | {'seconds':>9} | {'value':>22} | {'rel. diff':>9} |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 24}|{'-' * 11}|")
    rows = [
        ("gradcli taylor (all 286 coefficients)", by_taylor),
        ("gradcli nested reverse mode (10 grads)", by_nested),
        ("SymPy: diff 10 times, then evaluate", by_sympy),
    ]
    for label, run in rows:
        seconds = timed(run, rounds)
        value = run()
        error = abs(value - reference) / abs(reference)
        print(f"| {label:<38} | {seconds:>9.4f} | {value:>22.16g} | {error:>9.1e} |")


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
