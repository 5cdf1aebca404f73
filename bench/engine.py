"""Per-node cost of gradcli's autograd engine, side by side with PyTorch (float64).

Run ``python bench/engine.py [--torch-python PYTHON]``. Each graph is built
(forward) and back-propagated (backward) several times; the table shows the
median cost per recorded node in microseconds. PyTorch is optional: without it
its columns say n/a. A second row group repeats both with the cyclic garbage
collector disabled, which shows how much of gradcli's cost is Python's GC
walking the growing graph (its gen-2 collections revisit every live node;
PyTorch's graph lives in C++ and is not walked).

The runs alternate, gradcli then PyTorch, one run each, so a change in the
machine's speed (another process, a frequency step) hits both sides alike
instead of whichever happened to be measured at the time. Each library runs
in its own worker process: importing torch adds a few hundred thousand Python
objects that every full collection in gradcli's process would walk too.
``--torch-python`` runs PyTorch's worker with another interpreter (one whose
environment has torch, which gradcli never depends on).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import gradcli

# --- the graphs: (name, nodes per step, build, shape of x, sizes) ------------------------

C = 0.5  # y -> C*y + sin(y) contracts to a fixed point, so long chains stay finite


def chain(lib: Any, x: Any, steps: int) -> Any:
    y = x
    for _ in range(steps):
        y = y * 1.0
    return y


def mix(lib: Any, x: Any, steps: int) -> Any:
    y = x
    for _ in range(steps):
        y = y * C + lib.sin(y)
    return y


def loop(lib: Any, x: Any, steps: int) -> Any:
    """The loop of docs/graph.md, written against the library: 50,000 iterations record
    10^5 operations (PyTorch eager records the same two per iteration)."""
    s = 0
    for i in range(steps):
        s = s + x * i
    return s


GRAPHS: list[tuple[str, int, Callable[[Any, Any, int], Any], tuple[int, ...], tuple[int, ...]]] = [
    # name, nodes per step, build, shape of x, sizes (nodes)
    ("scalar y*1.0", 1, chain, (), (10**3, 10**4, 10**5)),
    ("scalar y*c+sin(y)", 3, mix, (), (10**3, 10**4, 10**5)),
    ("loop s=s+x*i", 2, loop, (), (10**3, 10**4, 10**5)),
    ("10x10 y*c+sin(y)", 3, mix, (10, 10), (10**3, 10**4)),
]


# --- timing -------------------------------------------------------------------------------


def _leaf(lib: Any, shape: tuple[int, ...]) -> Any:
    values = np.full(shape, 1.5)
    if lib is gradcli:
        return gradcli.tensor(values, requires_grad=True)
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def _once(lib: Any, build: Callable, shape: tuple[int, ...], steps: int) -> tuple[float, float]:
    """Seconds to build the graph and to back-propagate it, one run."""
    x = _leaf(lib, shape)
    start = time.perf_counter()
    y = build(lib, x, steps)
    loss = y.sum()
    built = time.perf_counter()
    loss.backward()
    done = time.perf_counter()
    del y, loss
    return built - start, done - built


def _run(
    lib: Any, build: Callable, shape: tuple[int, ...], steps: int, gc_on: bool
) -> tuple[float, float]:
    """One run, after a full collection, with the cyclic GC on or off."""
    gc.collect()
    if not gc_on:
        gc.disable()
    try:
        return _once(lib, build, shape, steps)
    finally:
        gc.enable()


def _repeats(nodes: int) -> int:
    """More repeats for small graphs, whose runs are short enough for noise to dominate."""
    return {10**3: 21, 10**4: 9}.get(nodes, 5)


# --- the table ----------------------------------------------------------------------------

HEADER = (
    f"{'graph':<20} {'nodes':>7} | {'gradcli µs/node':^23} | {'PyTorch µs/node':^23} | {'ratio':>5}\n"
    f"{'':<20} {'':>7} | {'fwd':>7} {'bwd':>7} {'total':>7} | {'fwd':>7} {'bwd':>7} {'total':>7} |"
)


def _cells(seconds: tuple[float, float] | None, nodes: int) -> list[str]:
    if seconds is None:
        return ["n/a"] * 3
    f, b = (s / nodes * 1e6 for s in seconds)
    return [f"{f:.2f}", f"{b:.2f}", f"{f + b:.2f}"]


def row(
    name: str, nodes: int, ours: tuple[float, float], theirs: tuple[float, float] | None
) -> str:
    ratio = "n/a" if theirs is None else f"{sum(ours) / sum(theirs):.2f}"
    cells = _cells(ours, nodes) + _cells(theirs, nodes)
    return (
        f"{name:<20} {nodes:>7} | "
        + " ".join(f"{c:>7}" for c in cells[:3])
        + " | "
        + (" ".join(f"{c:>7}" for c in cells[3:]))
        + f" | {ratio:>5}"
    )


Results = dict[tuple[bool, str, int], tuple[float, float]]
CASES = [
    (gc_on, name, size) for gc_on in (True, False) for name, *_, sizes in GRAPHS for size in sizes
]


def worker(library: str) -> None:
    """Serve runs on request: a case's index on each line in, its two timings on a line out."""
    lib = importlib.import_module(library)
    graphs = {name: (per_step, build, shape) for name, per_step, build, shape, _ in GRAPHS}
    print("ready", lib.__version__, flush=True)
    for line in sys.stdin:
        gc_on, name, size = CASES[int(line)]
        per_step, build, shape = graphs[name]
        forward, backward = _run(lib, build, shape, size // per_step, gc_on)
        print(forward, backward, flush=True)


class Worker:
    """A process that has imported one library and times runs of it."""

    def __init__(self, python: str, library: str):
        self.process = subprocess.Popen(
            [python, __file__, "--worker", library],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        first = self.process.stdout.readline().split()  # type: ignore[union-attr]
        self.version = first[1] if first[:1] == ["ready"] else None

    def run(self, case: int) -> tuple[float, float]:
        self.process.stdin.write(f"{case}\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        forward, backward = self.process.stdout.readline().split()  # type: ignore[union-attr]
        return float(forward), float(backward)

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait()


def measure_all(workers: dict[str, Worker]) -> dict[str, Results]:
    """Median (forward, backward) seconds of every library for every case, runs alternating."""
    samples: dict[str, dict[int, list[tuple[float, float]]]] = {lib: {} for lib in workers}
    for index, (_, _, size) in enumerate(CASES):
        for worker in workers.values():  # one run each, not counted: first-call costs
            worker.run(index)
        for _ in range(_repeats(size)):
            for lib, worker in workers.items():
                samples[lib].setdefault(index, []).append(worker.run(index))
    return {
        lib: {
            CASES[i]: (
                statistics.median(f for f, _ in runs),
                statistics.median(b for _, b in runs),
            )
            for i, runs in by_case.items()
        }
        for lib, by_case in samples.items()
    }


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument(
        "--torch-python", default=sys.executable, help="the interpreter with torch"
    )
    options.add_argument("--worker", choices=("gradcli", "torch"), help=argparse.SUPPRESS)
    arguments = options.parse_args()
    if arguments.worker:
        worker(arguments.worker)
        return
    print(f"gradcli {gradcli.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    workers = {"gradcli": Worker(sys.executable, "gradcli")}
    torch = Worker(arguments.torch_python, "torch")
    if torch.version is None:
        print("PyTorch is not installed: its columns say n/a")
        torch.close()
    else:
        print(f"PyTorch {torch.version}")
        workers["torch"] = torch
    print("measuring, alternating gradcli and PyTorch run by run ...", flush=True)
    results = measure_all(workers)
    for each in workers.values():
        each.close()
    ours, theirs = results["gradcli"], results.get("torch", {})
    print(
        "\nmedian µs per node (one recorded operation, the final sum included); "
        "ratio = gradcli total / PyTorch total\n"
    )
    print(HEADER)
    for gc_on in (True, False):
        print(f"--- cyclic GC {'enabled (default)' if gc_on else 'disabled (gc.disable())'}")
        for name, per_step, _build, _shape, sizes in GRAPHS:
            for size in sizes:
                nodes = size // per_step * per_step + 1
                key = (gc_on, name, size)
                print(row(name, nodes, ours[key], theirs.get(key)))
    if theirs:
        ratios = [sum(ours[k]) / sum(theirs[k]) for k in ours if k[0] and k[1].startswith("scalar")]
        print(
            f"\nscalar graphs, GC enabled: gradcli/PyTorch from {min(ratios):.2f} to "
            f"{max(ratios):.2f} (goal: at most 1.0)"
        )
        key = (True, "loop s=s+x*i", 10**5)
        print(
            f"the 50,000-iteration loop, GC enabled: gradcli/PyTorch eager "
            f"{sum(ours[key]) / sum(theirs[key]):.2f} (goal: at most 1.2)"
        )


if __name__ == "__main__":
    main()
