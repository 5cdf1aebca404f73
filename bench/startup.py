"""Start-up and large-expression cost of the gradcli command.

Run: python bench/startup.py [--runs N]

1. Whole processes, alternating, medians: `gradcli diff "3*x**2-4*x" --at x=1
   -o plain` against `python -c "import numpy"` from the same environment (the
   floor any numpy program pays). Goal: ratio <= 1.5.
2. In-process: parse + build (define-by-run evaluation) + differentiate sums of
   10^3, 10^4, 10^5 terms, as the CLI does it (cyclic GC off). Goal: 10^5 terms
   in under 2 s.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time_process(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def startup(runs: int) -> None:
    gradcli = shutil.which("gradcli")
    diff = [gradcli or "gradcli", "diff", "3*x**2-4*x", "--at", "x=1", "-o"]
    floor = "import numpy, typer, typer.main, lark; from gradcli.language import parser; parser()"
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "python -c 'pass'": [sys.executable, "-c", "pass"],
        "numpy+typer (floor)": [sys.executable, "-c", "import numpy, typer, typer.main"],
        "numpy+typer+lark (floor)": [sys.executable, "-c", floor],
        "gradcli diff (plain)": [*diff, "plain"],
        "gradcli diff (json)": [*diff, "json"],
        "gradcli diff (table)": [*diff, "table"],
    }
    if gradcli is None:
        print("gradcli is not on PATH; install it first (pip install .)")
        return
    # Measure what an installed user runs: pip byte-compiles a wheel install,
    # while an editable checkout (or PYTHONDONTWRITEBYTECODE) would recompile
    # gradcli's sources on every start.
    import gradcli as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    for command in commands.values():  # warm caches (the grammar cache, the OS page cache)
        _time_process(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():  # alternate, so drift hits all alike
            samples[name].append(_time_process(command))
    numpy_floor = statistics.median(samples["python -c 'import numpy'"])
    print(f"whole processes, median of {runs} alternating runs")
    print(f"{'command':28} {'median ms':>10} {'vs numpy':>9}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:28} {median * 1000:10.1f} {median / numpy_floor:9.2f}x")
    print()


def large_expressions() -> None:
    import gradcli
    from gradcli.autograd import engine
    from gradcli.language import Scope, evaluate, parse

    print(
        "in process: parse + build + differentiate a sum of n terms (cyclic GC off, as in the CLI)"
    )
    print(f"{'terms':>8} {'term':>8} {'parse s':>8} {'build s':>8} {'grad s':>8} {'total s':>8}")
    for term in ("x", "x*x", "sin(x)"):
        for n in (1_000, 10_000, 100_000):
            source = "+".join([term] * n)
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                tree = parse(source)
                parsed = time.perf_counter()
                x = gradcli.tensor(0.5, requires_grad=True)
                y = evaluate(tree, Scope(variables={"x": x}, source=source))
                built = time.perf_counter()
                engine.grad(y, x)
                done = time.perf_counter()
            finally:
                gc.enable()
            del tree, y
            print(
                f"{n:8} {term:>8} {parsed - start:8.3f} {built - parsed:8.3f} "
                f"{done - built:8.3f} {done - start:8.3f}"
            )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=21)
    arguments = options.parse_args()
    startup(arguments.runs)
    large_expressions()


if __name__ == "__main__":
    main()
