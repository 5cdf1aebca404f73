"""Start-up of the gradcli command beside `python -c "import numpy"`, and large-expression cost.

Run: python bench/startup.py [--rounds N] [--source DIR] [--no-large]

1. Whole processes. A fresh venv gets a non-editable `pip install SOURCE`
   (byte-compiled, as pip leaves it: an editable checkout would be measured
   recompiling gradcli on every start when PYTHONDONTWRITEBYTECODE is set).
   Every round runs each command once, in turn, so drift in the machine's speed
   hits all of them alike; the table shows each command's median wall time and
   its ratio to `python -c "import numpy"` from the same venv, then the same
   for CPU time (user + system), which other processes disturb less. Each
   round runs everything twice: in the environment as it is, and with
   OPENBLAS_NUM_THREADS=1, the quiet floor (numpy starts OpenBLAS's threads on
   import, and a busy second core stalls that by tens of milliseconds, which
   inflates the floor and flatters the ratio).
   Goal: plain and json <= 1.5x numpy, table <= 1.7x.
2. In process: compile + build (define-by-run evaluation) + differentiate sums
   of 10^3, 10^4, 10^5 terms, as the CLI does it (cyclic GC off), with the
   gradcli this interpreter imports. Goal: 10^5 terms in under 2 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = ["diff", "3*x**2-4*x", "--at", "x=1", "-o"]
FLOOR = "python -c 'import numpy'"
GOALS = {"plain": 1.5, "json": 1.5, "table": 1.7}


def install(source: Path, venv: Path) -> Path:
    """A fresh venv at ``venv`` with gradcli installed from ``source``; its bin directory."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # pip byte-compiles what it installs unless told not to; say so explicitly.
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--compile", str(source)],
        check=True,
        stderr=subprocess.DEVNULL,  # the local indexes' warnings about missing pages
    )
    where = subprocess.run(
        [str(python), "-c", "import gradcli; print(gradcli.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=venv,  # not the source tree, whose gradcli/ would shadow the installed one
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), f"gradcli imports from {where}, not the venv"
    cached = list(Path(where).parent.rglob("__pycache__/*.pyc"))
    assert cached, "the install is not byte-compiled"
    return python.parent


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run, its output read through a pipe as `$(...)` would."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # From the root directory, where no gradcli/ or numpy/ can shadow the installed ones.
    result = subprocess.run(command, env=env, capture_output=True, cwd="/")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{command} failed ({result.returncode}): {result.stderr.decode()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def startup(bin: Path, rounds: int) -> None:
    commands = {
        "python -c 'pass'": [str(bin / "python"), "-c", "pass"],
        FLOOR: [str(bin / "python"), "-c", "import numpy"],
        **{f"gradcli diff ... -o {f}": [str(bin / "gradcli"), *EXPRESSION, f] for f in GOALS},
    }
    # What a user's shell has: none of this session's PYTHON* settings (unbuffered
    # output, no bytecode writing) nor a thread count.
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTHON") and k != "OPENBLAS_NUM_THREADS"
    }
    environments = {"as is": base, "OPENBLAS_NUM_THREADS=1": {**base, "OPENBLAS_NUM_THREADS": "1"}}
    runs = [(e, name) for e in environments for name in commands]
    for e, name in runs:  # warm the OS page cache
        _run(commands[name], environments[e])
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {run: [] for run in runs}
    for _ in range(rounds):
        for e, name in runs:
            samples[e, name].append(_run(commands[name], environments[e]))

    def median(e: str, name: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[e, name])

    version = subprocess.run(
        [
            str(bin / "python"),
            "-c",
            "import sys, numpy; print(sys.version.split()[0], numpy.__version__)",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    print(
        f"fresh venv: Python {version[0]}, numpy {version[1]}, gradcli from pip install (byte-compiled)"
    )
    print(
        f"median of {rounds} rounds; each round runs every command once, in turn, in both environments"
    )
    print(
        f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)\n"
    )
    width = max(map(len, commands))
    print(f"{'':{width}}" + "".join(f" | {e:^32}" for e in environments))
    label = f"{'wall ms':>7} {'x numpy':>8} {'cpu ms':>7} {'x numpy':>8}"
    print(f"{'command':{width}}" + f" | {label}" * len(environments))
    for name in commands:
        cells = []
        for e in environments:
            wall, cpu = median(e, name, 0), median(e, name, 1)
            ratio, cpu_ratio = wall / median(e, FLOOR, 0), cpu / median(e, FLOOR, 1)
            cells.append(f" | {wall * 1000:7.1f} {ratio:7.2f}x {cpu * 1000:7.1f} {cpu_ratio:7.2f}x")
        print(f"{name:{width}}" + "".join(cells))
    print("\ngoal: " + ", ".join(f"-o {f} <= {g}x" for f, g in GOALS.items()) + " numpy")
    print()


def large_expressions() -> None:
    import gradcli
    from gradcli.autograd import engine

    print(
        "in process: compile + build + differentiate a sum of n terms (cyclic GC off, as in the CLI)"
    )
    print(f"{'terms':>8} {'term':>8} {'parse s':>8} {'build s':>8} {'grad s':>8} {'total s':>8}")
    for term in ("x", "x*x", "sin(x)"):
        for n in (1_000, 10_000, 100_000):
            source = "+".join([term] * n)
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                f = gradcli.compile(source)
                parsed = time.perf_counter()
                x = gradcli.tensor(0.5, requires_grad=True)
                y = f(x=x)
                built = time.perf_counter()
                engine.grad(y, x)
                done = time.perf_counter()
            finally:
                gc.enable()
            del f, y
            print(
                f"{n:8} {term:>8} {parsed - start:8.3f} {built - parsed:8.3f} "
                f"{done - built:8.3f} {done - start:8.3f}"
            )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=21)
    options.add_argument(
        "--source", type=Path, default=ROOT, help="what to pip install (default: this checkout)"
    )
    options.add_argument("--no-large", action="store_true", help="only the start-up table")
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="gradcli-startup-") as venv:
        startup(install(arguments.source.resolve(), Path(venv)), arguments.rounds)
    if not arguments.no_large:
        large_expressions()


if __name__ == "__main__":
    main()
