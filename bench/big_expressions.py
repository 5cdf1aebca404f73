"""Big expressions, whole commands: time and peak memory of `diff` and `graph` (#19).

Run: python bench/big_expressions.py [--rounds N] [--vs-commit COMMIT]

Cases (inputs written to a temporary directory, read with @FILE):

* diff of 10^5 sin(x) terms: goal <= 5 s and <= 250 MB;
* diff of a 10^5-term polynomial (x**2*3+x**3*2+...);
* graph of 5*10^4 sin(x) terms (plain, the default 200 nodes shown): goal <= 4 s.

Each command runs as its own process (``python -m gradcli``, the checkout on
PYTHONPATH), its output to /dev/null; the wall time and the peak RSS come from
the process's own rusage. Every round runs every case once per checkout, in
turn, so drift in a shared machine's speed hits all alike; the table gives
medians. With ``--vs-commit``, that commit is checked out in a temporary git
worktree and measured beside this checkout, as ratios (this / that).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _inputs(directory: Path) -> dict[str, list[str]]:
    """The cases: a name -> the gradcli arguments, with their input files written."""
    sines = directory / "sines.gc"
    sines.write_text("+".join(["sin(x)"] * 100_000))
    polynomial = directory / "polynomial.gc"
    polynomial.write_text("+".join(f"x**{k % 7 + 2}*{k % 5 + 2}" for k in range(100_000)))
    half = directory / "sines_half.gc"
    half.write_text("+".join(["sin(x)"] * 50_000))
    return {
        "diff, 10^5 sin(x)": ["diff", f"@{sines}", "--at", "x=1", "-o", "plain"],
        "diff, 10^5-term polynomial": ["diff", f"@{polynomial}", "--at", "x=1", "-o", "plain"],
        "graph, 5*10^4 sin(x)": ["graph", f"@{half}", "--at", "x=1", "-o", "plain"],
    }


def _run(checkout: Path, arguments: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``python -m gradcli ARGUMENTS`` from ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "gradcli", *arguments],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
            cwd="/",  # where no other gradcli/ shadows the checkout's
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{arguments} from {checkout} failed: {errors.read().decode()}")
    return wall, usage.ru_maxrss / 1024  # kilobytes on Linux


def _worktree(commit: str, directory: Path) -> Path:
    path = directory / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), commit],
        check=True,
    )
    return path


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    arguments.add_argument("--vs-commit", metavar="COMMIT", help="measure COMMIT beside this")
    options = arguments.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        cases = _inputs(directory)
        checkouts = {"this": ROOT}
        if options.vs_commit:
            checkouts = {options.vs_commit: _worktree(options.vs_commit, directory), **checkouts}
        try:
            samples: dict[tuple[str, str], list[tuple[float, float]]] = {
                (c, name): [] for c in checkouts for name in cases
            }
            for _ in range(options.rounds):
                for name, case in cases.items():
                    for label, checkout in checkouts.items():
                        samples[label, name].append(_run(checkout, case))
        finally:
            if options.vs_commit:
                subprocess.run(
                    [
                        "git",
                        "-C",
                        str(ROOT),
                        "worktree",
                        "remove",
                        "--force",
                        str(directory / "before"),
                    ],
                    check=True,
                )
    _table(samples, list(checkouts), list(cases), options.rounds)


def _table(
    samples: dict[tuple[str, str], list[tuple[float, float]]],
    checkouts: list[str],
    cases: list[str],
    rounds: int,
) -> None:
    def median(label: str, name: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[label, name])

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"median of {rounds} rounds, whole processes; load average {load} ({os.cpu_count()} cores)"
    )
    width = max(map(len, cases))
    header = f"{'case':{width}}"
    for label in checkouts:
        header += f" | {label[:12]:>12} s {'MB':>6}"
    if len(checkouts) == 2:
        header += f" | {'time':>6} {'RSS':>6}"
    print(header)
    for name in cases:
        line = f"{name:{width}}"
        for label in checkouts:
            line += f" | {median(label, name, 0):14.2f} {median(label, name, 1):6.0f}"
        if len(checkouts) == 2:
            before, after = checkouts
            time_ratio = median(after, name, 0) / median(before, name, 0)
            rss_ratio = median(after, name, 1) / median(before, name, 1)
            line += f" | {time_ratio:5.2f}x {rss_ratio:5.2f}x"
        print(line)
    if len(checkouts) == 2:
        print(f"ratios: {checkouts[1]} / {checkouts[0]}")
    print("goals: diff of 10^5 sin(x) <= 5 s and <= 250 MB; graph of 5*10^4 terms <= 4 s")


if __name__ == "__main__":
    main()
