"""Streams of points: how fast numbers are read and written, and the whole command in a pipe.

Run ``python bench/streams.py`` (``--rows N`` to change the 10^6 rows, ``--large``
to add the peak memory at 10^7 rows). Two tables:

* I/O alone: each way of parsing or formatting the rows (10^6 values of ``x``
  uniform in [-3, 3], or rows of ``x``, value and derivative), best of three, in
  million rows a second. gradcli's readers and writers are in ``gradcli.io``.
* End to end: ``sin(x)*exp(-x**2/2)`` and its derivative at every point, text
  in and text out through pipes, beside the references (awk with the
  hand-derived formula, Python with numpy and ``repr``, numpy with no I/O), and
  with ``.npy`` in and out. The peak resident memory of each pipeline is its
  largest process's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import orjson

from gradcli.io.readers import read_points
from gradcli.io.writers import open_writer, text_rows

EXPRESSION = "sin(x)*exp(-x**2/2)"
AWK = "awk '{x=$1; e=exp(-x*x/2); printf \"%.17g\\t%.17g\\t%.17g\\n\", x, sin(x)*e, (cos(x)-x*sin(x))*e}'"
BY_HAND = """
import sys, numpy as np
x = np.array(sys.stdin.buffer.read().split(), dtype=float)
e = np.exp(-x * x / 2)
v, d = np.sin(x) * e, (np.cos(x) - x * np.sin(x)) * e
sys.stdout.write("".join(f"{a!r}\\t{b!r}\\t{c!r}\\n" for a, b, c in zip(x.tolist(), v.tolist(), d.tolist())))
"""


def best(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def rows_table(title: str, rows: list[tuple[str, str, float]], count: int) -> None:
    print(f"\n{title}")
    print(f"| {'what':<58} | {'how':<38} | {'s':>6} | {'M rows/s':>8} |")
    print(f"|{'-' * 60}|{'-' * 40}|{'-' * 7}:|{'-' * 9}:|")
    for what, how, seconds in rows:
        print(f"| {what:<58} | {how:<38} | {seconds:6.3f} | {count / seconds / 1e6:8.2f} |")


# --- I/O alone ------------------------------------------------------------------------------


def gradcli_read(text: bytes, names: list[str]) -> None:
    for _ in read_points(io.BytesIO(text), columns=names):
        pass


def io_table(count: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, count)
    matrix = np.stack([x, np.sin(x), np.cos(x)], axis=1)
    one = text_rows(x.reshape(-1, 1))
    three = text_rows(matrix)
    signed = b"".join(
        b"+" + line + b"\n" if not line.startswith(b"-") else line + b"\n"
        for line in one.splitlines()
    )
    npy = io.BytesIO()
    np.save(npy, matrix)
    rows: list[tuple[str, str, float]] = []

    def read(what: str, how: str, run: Callable[[], object]) -> None:
        rows.append((what, how, best(run)))

    read(
        "read 1 column: gradcli read_points (plain decimals)",
        "orjson.loads of the chunk",
        lambda: gradcli_read(one, ["x"]),
    )
    read(
        "read 1 column: gradcli read_points (+1.5: orjson refuses)",
        "numpy.loadtxt of the chunk",
        lambda: gradcli_read(signed, ["x"]),
    )
    read("read 1 column: numpy.loadtxt", "", lambda: np.loadtxt(io.BytesIO(one)))
    read(
        "read 1 column: bytes.split + np.array(dtype=float)",
        "",
        lambda: np.array(one.split(), dtype=float),
    )
    read(
        "read 1 column: np.fromstring(sep=' ')",
        "deprecated; no field counts",
        lambda: np.fromstring(one, sep=" "),
    )
    read(
        "read 1 column: map(float, bytes.split())",
        "",
        lambda: np.fromiter(map(float, one.split()), float),
    )
    read(
        "read 3 columns TSV: gradcli read_points",
        "orjson + a numpy field-count check",
        lambda: gradcli_read(three, ["x", "v", "d"]),
    )
    read(
        "read 3 columns TSV: numpy.loadtxt",
        "",
        lambda: np.loadtxt(io.BytesIO(three), delimiter="\t"),
    )
    read(
        "read 3 columns TSV: bytes.split + np.array(dtype=float)",
        "",
        lambda: np.array(three.split(), dtype=float).reshape(-1, 3),
    )
    read(
        "read 3 columns .npy: gradcli read_points",
        "chunks of 65536 rows",
        lambda: gradcli_read(npy.getvalue(), ["x", "v", "d"]),
    )
    read(
        "read 3 columns .npy: numpy.load",
        "whole array",
        lambda: np.load(io.BytesIO(npy.getvalue())),
    )
    rows_table(f"Reading {count:,} rows (best of 3)", rows, count)

    rows = []
    columns = [("x", x), ("value", matrix[:, 1]), ("d/dx", matrix[:, 2])]
    layout = {"at": {"x": "x"}, "value": "value", "gradient": {"x": "d/dx"}}

    def write(format: str, **options: object) -> None:
        open_writer(io.BytesIO(), format, **options).write(columns)  # type: ignore[arg-type]

    def per_row_json() -> bytes:
        return b"".join(
            orjson.dumps({"at": {"x": a}, "value": b, "gradient": {"x": c}}) + b"\n"
            for a, b, c in matrix.tolist()
        )

    rows.append(
        (
            "write 3 columns TSV: gradcli text_rows",
            "one orjson call, separators by numpy",
            best(lambda: text_rows(matrix)),
        )
    )
    rows.append(
        (
            "write 3 columns TSV: orjson 2-D + bytes.replace",
            "",
            best(
                lambda: (
                    orjson.dumps(matrix, option=orjson.OPT_SERIALIZE_NUMPY)[2:-2]
                    .replace(b"],[", b"\n")
                    .replace(b",", b"\t")
                )
            ),
        )
    )
    rows.append(
        (
            "write 3 columns TSV: repr per number, str.join",
            "",
            best(lambda: "".join(f"{a!r}\t{b!r}\t{c!r}\n" for a, b, c in matrix.tolist()).encode()),
        )
    )
    rows.append(
        (
            "write 3 columns TSV: numpy.savetxt %.17g",
            "exact, not shortest",
            best(lambda: np.savetxt(io.BytesIO(), matrix, fmt="%.17g", delimiter="\t"), 1),
        )
    )
    rows.append(
        (
            "write JSON Lines: gradcli JsonLinesWriter",
            "byte template, orjson per column",
            best(lambda: write("jsonl", layout=layout)),
        )
    )
    rows.append(("write JSON Lines: orjson.dumps per row dict", "", best(per_row_json)))
    rows.append(
        (
            "write JSON Lines: json.dumps per row dict",
            "",
            best(
                lambda: "".join(
                    json.dumps({"at": {"x": a}, "value": b, "gradient": {"x": c}}) + "\n"
                    for a, b, c in matrix.tolist()
                ),
                1,
            ),
        )
    )
    rows.append(
        (
            "write .npy: gradcli NpyWriter (seekable)",
            "header patched at close",
            best(lambda: (w := open_writer(io.BytesIO(), "npy"), w.write(columns), w.close())),
        )
    )
    rows_table(f"Writing {count:,} rows (best of 3)", rows, count)


# --- end to end -----------------------------------------------------------------------------


# Run from a small helper: a child forked from this process (with its arrays) would
# report this process's memory as its own peak.
MEASURE = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(["bash", "-o", "pipefail", "-c", sys.argv[1]])
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def pipeline(command: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB, of the largest process) of a shell pipeline."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, command], capture_output=True, text=True, check=True
    )
    seconds, peak, status = result.stdout.split()
    if int(status):
        raise SystemExit(f"failed ({status}): {command}")
    return float(seconds), int(peak) / 1024


def end_to_end(count: int, large: bool) -> None:
    gradcli = shutil.which("gradcli") or f"{sys.executable} -m gradcli"
    work = Path(tempfile.mkdtemp(prefix="gradcli-streams-"))
    try:
        sizes = [count] + ([10 * count] if large else [])
        for size in sizes:
            x = np.random.default_rng(1).uniform(-3, 3, size)
            (work / f"x{size}.txt").write_bytes(text_rows(x.reshape(-1, 1)))
            np.save(work / f"x{size}.npy", x)
        text, npy = work / f"x{count}.txt", work / f"x{count}.npy"
        (work / "by_hand.py").write_text(BY_HAND)
        x = np.load(npy)

        def numpy_alone() -> None:
            e = np.exp(-x * x / 2)
            np.sin(x) * e, (np.cos(x) - x * np.sin(x)) * e

        rows: list[tuple[str, float, float | None]] = []
        runs = [
            ("awk, hand-derived formula, %.17g", f"cat {text} | {AWK} | cat > /dev/null"),
            (
                "Python + numpy by hand, repr formatting",
                f"cat {text} | {sys.executable} {work / 'by_hand.py'} | cat > /dev/null",
            ),
            (
                "gradcli diff --points - (text in, plain out)",
                f"cat {text} | {gradcli} diff '{EXPRESSION}' --points - | cat > /dev/null",
            ),
            (
                "gradcli diff --points - -o csv",
                f"cat {text} | {gradcli} diff '{EXPRESSION}' --points - -o csv | cat > /dev/null",
            ),
            (
                "gradcli diff --points - -o jsonl",
                f"cat {text} | {gradcli} diff '{EXPRESSION}' --points - -o jsonl | cat > /dev/null",
            ),
            (
                "gradcli diff --points x.npy -o npy (to a pipe)",
                f"{gradcli} diff '{EXPRESSION}' --points {npy} -o npy | cat > /dev/null",
            ),
            (
                "gradcli diff --points - < x.npy -o npy > file",
                f"{gradcli} diff '{EXPRESSION}' --points - -o npy < {npy} > {work / 'out.npy'}",
            ),
            (
                "gradcli diff --order 10 --points - (text)",
                f"cat {text} | {gradcli} diff '{EXPRESSION}' --order 10 --points - | cat > /dev/null",
            ),
        ]
        rows.append(("numpy in process, no I/O", best(numpy_alone), None))
        for name, command in runs:
            timings = [pipeline(command) for _ in range(3)]
            rows.append((name, min(t for t, _ in timings), max(m for _, m in timings)))
        print(
            f"\nEnd to end: value and d/dx of {EXPRESSION} at {count:,} points, through pipes (best of 3)"
        )
        print(f"| {'pipeline':<48} | {'s':>6} | {'M points/s':>10} | {'peak RSS MB':>11} |")
        print(f"|{'-' * 50}|{'-' * 7}:|{'-' * 11}:|{'-' * 12}:|")
        for name, seconds, peak in rows:
            rss = f"{peak:11.0f}" if peak is not None else f"{'':>11}"
            print(f"| {name:<48} | {seconds:6.3f} | {count / seconds / 1e6:10.2f} | {rss} |")
        if large:
            print("\nPeak RSS by row count (memory flat in the number of rows)")
            for size in sizes:
                for name, command in [
                    (
                        "text",
                        f"cat {work / f'x{size}.txt'} | {gradcli} diff '{EXPRESSION}' --points - | cat > /dev/null",
                    ),
                    (
                        ".npy",
                        f"{gradcli} diff '{EXPRESSION}' --points {work / f'x{size}.npy'} -o npy | cat > /dev/null",
                    ),
                ]:
                    seconds, peak = pipeline(command)
                    print(
                        f"  {size:>10,} rows, {name:<5} {seconds:7.2f} s  {size / seconds / 1e6:5.2f} M/s  {peak:6.0f} MB"
                    )
    finally:
        shutil.rmtree(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**6)
    parser.add_argument("--large", action="store_true", help="also 10x the rows, for peak memory")
    parser.add_argument("--io-only", action="store_true", help="skip the end-to-end pipelines")
    args = parser.parse_args()
    print(
        f"numpy {np.__version__}, orjson {orjson.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    io_table(args.rows)
    if not args.io_only:
        end_to_end(args.rows, args.large)


if __name__ == "__main__":
    main()
