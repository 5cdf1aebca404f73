"""Per-node cost of gradcli's autograd engine, side by side with PyTorch (float64).

Run ``python bench/engine.py``. Each graph is built (forward) and
back-propagated (backward) several times; the table shows the median cost per
recorded node in microseconds. PyTorch is optional: without it its columns say
n/a. A second row group repeats both with the cyclic garbage collector
disabled, which shows how much of gradcli's cost is Python's GC walking the
growing graph (its gen-2 collections revisit every live node; PyTorch's graph
lives in C++ and is not walked).

gradcli is measured before PyTorch is imported: importing torch adds a few
hundred thousand Python objects that every full collection would walk too.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import gradcli

# --- the graphs: (name, nodes per step, step) -------------------------------------------

C = 0.5  # y -> C*y + sin(y) contracts to a fixed point, so long chains stay finite


def chain_step(lib: Any, y: Any) -> Any:
    return y * 1.0


def mix_step(lib: Any, y: Any) -> Any:
    return y * C + lib.sin(y)


GRAPHS: list[tuple[str, int, Callable[[Any, Any], Any], tuple[int, ...], tuple[int, ...]]] = [
    # name, nodes per step, step, shape of x, sizes (nodes)
    ("scalar y*1.0", 1, chain_step, (), (10**3, 10**4, 10**5)),
    ("scalar y*c+sin(y)", 3, mix_step, (), (10**3, 10**4, 10**5)),
    ("10x10 y*c+sin(y)", 3, mix_step, (10, 10), (10**3, 10**4)),
]


# --- timing -------------------------------------------------------------------------------


def _leaf(lib: Any, shape: tuple[int, ...]) -> Any:
    values = np.full(shape, 1.5)
    if lib is gradcli:
        return gradcli.tensor(values, requires_grad=True)
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def _once(lib: Any, step: Callable, shape: tuple[int, ...], steps: int) -> tuple[float, float]:
    """Seconds to build the graph and to back-propagate it, one run."""
    x = _leaf(lib, shape)
    start = time.perf_counter()
    y = x
    for _ in range(steps):
        y = step(lib, y)
    loss = y.sum()
    built = time.perf_counter()
    loss.backward()
    done = time.perf_counter()
    del y, loss
    return built - start, done - built


def measure(
    lib: Any, step: Callable, shape: tuple[int, ...], steps: int, repeats: int, gc_on: bool
) -> tuple[float, float]:
    """Median forward and backward seconds over ``repeats`` runs."""
    forward, backward = [], []
    for _ in range(repeats):
        gc.collect()
        if not gc_on:
            gc.disable()
        try:
            f, b = _once(lib, step, shape, steps)
        finally:
            gc.enable()
        forward.append(f)
        backward.append(b)
    return statistics.median(forward), statistics.median(backward)


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


def measure_all(lib: Any) -> Results:
    """Median (forward, backward) seconds for every graph and size, GC on and off."""
    results: Results = {}
    for gc_on in (True, False):
        for name, per_step, step, shape, sizes in GRAPHS:
            for size in sizes:
                steps = size // per_step
                results[gc_on, name, size] = measure(lib, step, shape, steps, _repeats(size), gc_on)
    return results


def main() -> None:
    print(f"gradcli {gradcli.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    print("measuring gradcli ...", flush=True)
    ours = measure_all(gradcli)
    theirs: Results = {}
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: its columns say n/a")
    else:
        print(f"measuring PyTorch {torch.__version__} ...", flush=True)
        theirs = measure_all(torch)
    print(
        "\nmedian µs per node (one recorded operation, the final sum included); "
        "ratio = gradcli total / PyTorch total\n"
    )
    print(HEADER)
    for gc_on in (True, False):
        print(f"--- cyclic GC {'enabled (default)' if gc_on else 'disabled (gc.disable())'}")
        for name, per_step, _step, _shape, sizes in GRAPHS:
            for size in sizes:
                nodes = size // per_step * per_step + 1
                key = (gc_on, name, size)
                print(row(name, nodes, ours[key], theirs.get(key)))
    if theirs:
        ratios = [sum(ours[k]) / sum(theirs[k]) for k in ours if k[0] and k[1].startswith("scalar")]
        print(
            f"\nscalar graphs, GC enabled: gradcli/PyTorch from {min(ratios):.2f} to "
            f"{max(ratios):.2f} (goal: within 2x)"
        )


if __name__ == "__main__":
    main()
