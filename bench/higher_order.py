"""Derivatives 1..N of a scalar function: Taylor mode against nested reverse mode.

For each expression and order N this times one Taylor-mode pass
(``gradcli.taylor.derivatives``), gradcli's nested reverse mode (``autograd.grad``
with ``create_graph=True``, N times) and, where it is installed, PyTorch's, in
float64; nested runs stop growing once one passes ``--limit`` seconds. The last
column is the largest relative difference between Taylor mode and the nested
results. Then, if a ``gradcli`` executable with ``diff --order`` is on PATH, it
times whole processes for ``--order 1`` against ``--order 30``.

    python bench/higher_order.py [--limit 10]

Goals: Taylor mode at order 10 at least 100x faster than both nested
modes; a ``gradcli diff ... --order 30`` process at most 1.5x an ``--order 1`` one.
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

import gradcli
from gradcli import taylor

ORDERS = (1, 2, 4, 8, 10, 20, 30, 100)
X0 = 0.5
EXPRESSIONS: dict[str, Callable[[Any, Any], Any]] = {
    "exp(sin(x))": lambda m, x: m.exp(m.sin(x)),
    "sin(x)*exp(-x**2/2) + log(1+x**2)": lambda m, x: (
        m.sin(x) * m.exp(-(x**2) / 2) + m.log(1 + x**2)
    ),
}

try:
    import torch
except ImportError:
    torch = None


class TooSlow(Exception):
    """A nested run went past the time limit."""


def best_time(run: Callable[[], list[float]], budget: float = 0.3) -> tuple[float, list[float]]:
    """The fastest of a few runs (at least one, more while they fit in ``budget``)."""
    gc.collect()
    best, spent, result = math.inf, 0.0, []
    while spent < budget:
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget / 10 and best > budget / 3:
            break
    return best, result


def taylor_mode(f: Callable[[Any, Any], Any], order: int) -> list[float]:
    return taylor.derivatives(lambda x: f(taylor, x), X0, order)


def nested(library: str, f: Callable[[Any, Any], Any], order: int, limit: float) -> list[float]:
    """Differentiate ``order`` times, each derivative's graph kept for the next."""
    start = time.perf_counter()
    if library == "gradcli":
        x, grad, module = gradcli.tensor(X0, requires_grad=True), gradcli.autograd.grad, gradcli
    else:
        x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        grad, module = torch.autograd.grad, torch
    current, results = f(module, x), []
    for _ in range(order):
        (current,) = grad(current, x, create_graph=True)
        results.append(current.item())
        if time.perf_counter() - start > limit:
            raise TooSlow
    return results


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 1e-3:
        return f"{value * 1e6:.0f} us"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def ratio(slow: Any, fast: float) -> str:
    return f"{slow / fast:,.0f}x" if isinstance(slow, float) else "-"


def relative_difference(a: list[float], b: list[float]) -> float:
    return max(abs(p - q) / max(abs(q), 1e-300) for p, q in zip(a, b, strict=True))


def benchmark(limit: float) -> None:
    header = (
        "order",
        "taylor",
        "gradcli nested",
        "torch nested",
        "nested/taylor",
        "torch/taylor",
        "max rel diff",
    )
    for label, f in EXPRESSIONS.items():
        print(f"\n{label} at x = {X0}")
        print(" | ".join(f"{h:>14}" for h in header))
        taylor_mode(f, 2)  # warm up numpy's paths
        slow = {"gradcli": False, "torch": torch is None}
        if torch is not None:
            nested("torch", f, 2, limit)  # torch initialises lazily
        for order in ORDERS:
            fast, reference = best_time(functools.partial(taylor_mode, f, order))
            cells: dict[str, Any] = {}
            difference = 0.0
            for library in ("gradcli", "torch"):
                if library == "torch" and torch is None:
                    cells[library] = "n/a"
                elif slow[library]:
                    cells[library] = "skipped"
                else:
                    try:
                        run = functools.partial(nested, library, f, order, limit)
                        cells[library], result = best_time(run)
                        difference = max(difference, relative_difference(reference, result))
                    except TooSlow:
                        cells[library], slow[library] = f"> {limit:g} s", True
                    if isinstance(cells[library], float) and cells[library] > limit:
                        slow[library] = True
            row = (
                str(order),
                seconds(fast),
                *(seconds(c) if isinstance(c, float) else c for c in cells.values()),
                ratio(cells["gradcli"], fast),
                ratio(cells["torch"], fast),
                f"{difference:.1e}" if difference else "-",
            )
            print(" | ".join(f"{c:>14}" for c in row), flush=True)


def cli(runs: int = 7, timeout: float = 30.0) -> None:
    """Whole ``gradcli diff`` processes, --order 1 against --order 30, alternating."""
    print(f"\ngradcli diff EXPR --at x=0.5 --order N -o plain, whole process, median of {runs}")
    executable = shutil.which("gradcli")
    if executable is None:
        print("  CLI not available (no gradcli executable on PATH)")
        return
    for label in EXPRESSIONS:
        command = [executable, "diff", label, "--at", "x=0.5", "-o", "plain", "--order"]
        try:
            for order in ("1", "30"):
                probe = subprocess.run(
                    [*command, order], capture_output=True, text=True, timeout=timeout
                )
                if probe.returncode != 0:
                    last = (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1]
                    print(f"  CLI not available ({last})")
                    return
        except subprocess.TimeoutExpired:
            print(f"  {label}: --order {order} did not finish in {timeout:g} s (not Taylor mode?)")
            continue
        times: dict[str, list[float]] = {"1": [], "30": []}
        for _ in range(runs):
            for order in times:
                start = time.perf_counter()
                subprocess.run([*command, order], capture_output=True, check=True, timeout=timeout)
                times[order].append(time.perf_counter() - start)
        one, thirty = (statistics.median(times[o]) for o in ("1", "30"))
        print(
            f"  {label}: --order 1 {seconds(one)}, --order 30 {seconds(thirty)}, "
            f"ratio {thirty / one:.2f}x (goal <= 1.5x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=float, default=10.0, help="seconds before nested runs stop growing"
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the whole-process timing")
    args = parser.parse_args()
    print(f"torch {torch.__version__}" if torch is not None else "torch: n/a (not installed)")
    benchmark(args.limit)
    if not args.no_cli:
        cli()


if __name__ == "__main__":
    main()
