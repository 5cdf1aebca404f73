"""Streams of points: how fast numbers are read and written, and the whole command in a pipe.

Run ``python bench/streams.py`` (``--rows N`` to change the 10^6 rows, ``--large``
to add the peak memory at 10^7 rows, ``--only batch,in-process`` for some tables).
The tables:

* I/O alone: each way of parsing or formatting the rows (10^6 values of ``x``
  uniform in [-3, 3], or rows of ``x``, value and derivative), best of three, in
  million rows a second. gradcli's readers and writers are in ``gradcli.io``.
* End to end: ``sin(x)*exp(-x**2/2)`` and its derivative at every point, text
  in and text out through pipes, beside the references (awk with the
  hand-derived formula, Python with numpy and ``repr``, numpy with no I/O), and
  with ``.npy`` in and out. The peak resident memory of each pipeline is its
  largest process's.
* Batch axis (#19): expressions with reductions, ``stack``, ``softmax``, ``norm``
  and ``dot`` beside the same maths written elementwise, through the whole
  command (``eval``, ``diff``, ``diff --order 3`` over ``--points FILE -o tsv``
  into a pipe) at 10^5 and 10^6 rows (``--batch-rows``). The two commands of a
  pair alternate round by round and each gets the median of its rounds: the
  machine is shared, and load that comes and goes then falls on both. The
  ratio is the non-elementwise form's rows a second over the elementwise
  form's (the goal is at least 0.5).
* In process: :func:`gradcli.compute.points.at_points` on the same functions
  over arrays, beside numpy written by hand (value and hand-derived gradient)
  and, where it is installed, JAX's ``jit(vmap(value_and_grad))`` in float64,
  compiled before timing. Times are medians; the ratio is to numpy's time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import orjson

import gradcli
from gradcli.compute.points import Request, at_points
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
# report this process's memory as its own peak. Under a time limit the pipeline gets
# a session of its own, so that the limit kills every process in it, not only bash
# (without one, Ctrl-C still reaches the pipeline).
MEASURE = """
import os, signal, subprocess, sys, time
limit = float(sys.argv[2])
start = time.perf_counter()
child = subprocess.Popen(["bash", "-o", "pipefail", "-c", sys.argv[1]], start_new_session=limit > 0)
if limit:
    signal.signal(signal.SIGALRM, lambda *_: os.killpg(child.pid, signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, limit)
_, status, usage = os.wait4(child.pid, 0)
signal.setitimer(signal.ITIMER_REAL, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def pipeline(command: str, limit: float = 0) -> tuple[float, float]:
    """Seconds and peak RSS (MB, of the largest process) of a shell pipeline; the
    seconds are ``inf`` where it ran past ``limit`` seconds (0: no limit) and was killed."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, command, str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak, status = result.stdout.split()
    if limit and int(status) == -9:
        return float("inf"), int(peak) / 1024
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


# --- batch axis (#19) -----------------------------------------------------------------------


def softmax_by_hand(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    m = np.maximum(x, y)
    a, b = np.exp(x - m), np.exp(y - m)
    s = a + b
    p, q = a / s, b / s
    total = p + q
    # The softmax's vector-Jacobian product with ones, written out: d(p + q)/dx = p (1 - (p + q)),
    # as autodiff computes it (not the shortcut p + q = 1, which no library takes).
    rest = x * (1 - total)
    return total * x, total + p * rest, q * rest


def norm_by_hand(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
    r = np.sqrt(x * x + y * y + z * z)
    return r, x / r, y / r, z / r


def dot_by_hand(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    s = np.sin(x)
    return x * y * y + y * s, y * y + y * np.cos(x), 2 * x * y + s


@dataclass(frozen=True)
class Function:
    """An expression of #19 that needs the batch axis, and the same maths elementwise."""

    name: str
    variables: str
    batched: str
    elementwise: str
    by_hand: Callable[..., tuple[np.ndarray, ...]]
    jax: Callable[[Any], Callable[..., Any]]
    """Given the jax module, the function of one row's scalars."""
    jax_elementwise: Callable[[Any], Callable[..., Any]]
    """The same in the elementwise form, to show what the batch axis costs JAX itself."""


def softmax_elementwise(jnp: Any, x: Any, y: Any) -> Any:
    m = jnp.maximum(x, y)
    a, b = jnp.exp(x - m), jnp.exp(y - m)
    s = a + b
    return (a / s + b / s) * x


FUNCTIONS = [
    Function(
        "softmax",
        "xy",
        "sum(softmax(stack([x, y]))) * x",
        # The stable form softmax itself computes: the largest subtracted before exp.
        "m = maximum(x, y); a = exp(x - m); b = exp(y - m); s = a + b; (a/s + b/s) * x",
        softmax_by_hand,
        lambda jax: lambda x, y: jax.numpy.sum(jax.nn.softmax(jax.numpy.stack([x, y]))) * x,
        lambda jax: lambda x, y: softmax_elementwise(jax.numpy, x, y),
    ),
    Function(
        "norm",
        "xyz",
        "norm(stack([x, y, z]))",
        "sqrt(x*x + y*y + z*z)",
        norm_by_hand,
        lambda jax: lambda x, y, z: jax.numpy.linalg.norm(jax.numpy.stack([x, y, z])),
        lambda jax: lambda x, y, z: jax.numpy.sqrt(x * x + y * y + z * z),
    ),
    Function(
        "dot",
        "xy",
        "dot(stack([x, y]), stack([y*y, sin(x)]))",
        "x*y*y + y*sin(x)",
        dot_by_hand,
        lambda jax: (
            lambda x, y: jax.numpy.dot(
                jax.numpy.stack([x, y]), jax.numpy.stack([y * y, jax.numpy.sin(x)])
            )
        ),
        lambda jax: lambda x, y: x * y * y + y * jax.numpy.sin(x),
    ),
]

MODES = [("eval", "eval", ""), ("diff", "diff", ""), ("diff --order 3", "diff", " --order 3")]


def points_file(work: Path, variables: str, count: int) -> Path:
    """A TSV file with a header: ``count`` rows of the variables, uniform in [-3, 3]."""
    path = work / f"{variables}{count}.tsv"
    if not path.exists():
        matrix = np.random.default_rng(3).uniform(-3, 3, (count, len(variables)))
        path.write_bytes("\t".join(variables).encode() + b"\n" + text_rows(matrix))
    return path


def command(gradcli: str, mode: str, expression: str, points: Path) -> str:
    _, verb, options = next(m for m in MODES if m[0] == mode)
    return f"{gradcli} {verb} {shlex.quote(expression)}{options} --points {points} -o tsv"


def differs(found: np.ndarray, expected: np.ndarray) -> float:
    """The largest difference, relative where the numbers are large."""
    return float(np.max(np.abs(found - expected) / (1 + np.abs(expected)), initial=0.0))


def check_commands(gradcli: str, work: Path, limit: float) -> None:
    """Both forms' every column (value, gradient, orders 2 and 3) at a few hundred rows,
    against each other and value and gradient against numpy: a fast wrong answer is no
    answer."""
    count = 300
    for function in FUNCTIONS:
        points = points_file(work, function.variables, count)
        found = {}
        for kind in ("batched", "elementwise"):
            out = work / f"check-{kind}.tsv"
            line = command(gradcli, "diff --order 3", getattr(function, kind), points)
            seconds, _ = pipeline(f"{line} > {out}", limit)
            if seconds == float("inf"):
                print(f"  check {function.name} ({kind}): ran past {limit:g} s at {count} rows")
                continue
            found[kind] = np.loadtxt(out, delimiter="\t", skiprows=1, ndmin=2)
        inputs = np.loadtxt(points, delimiter="\t", skiprows=1, ndmin=2)
        expected = np.stack(function.by_hand(*inputs.T), axis=1)
        width = len(function.variables)
        worst = {kind: differs(a[:, width : 2 * width + 1], expected) for kind, a in found.items()}
        if len(found) == 2:
            worst["batched vs elementwise, all columns"] = differs(
                found["batched"], found["elementwise"]
            )
        print(f"  check {function.name}: " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))
        if any(v > 1e-9 for v in worst.values()):
            print(f"  MISMATCH in {function.name}: the timings below compare different answers")


def batch_table(sizes: list[int], rounds: int, limit: float) -> None:
    gradcli = shutil.which("gradcli") or f"{sys.executable} -m gradcli"
    work = Path(tempfile.mkdtemp(prefix="gradcli-batch-"))
    try:
        print("\nBatch axis: checking the answers (largest difference, relative above 1)")
        check_commands(gradcli, work, limit)
        print(
            f"\nBatch axis through the whole command: {{eval,diff}} EXPR --points FILE.tsv -o tsv"
            f" | cat, median of {rounds} alternating rounds, a run cut at {limit:g} s"
        )
        print(
            f"| {'function':<8} | {'rows':>9} | {'command':<14} | {'non-elem s':>10} | "
            f"{'elem s':>7} | {'non-elem rows/s':>15} | {'elem rows/s':>11} | {'ratio':>6} |"
        )
        print(
            f"|{'-' * 10}|{'-' * 10}:|{'-' * 16}|{'-' * 11}:|{'-' * 8}:|{'-' * 16}:|{'-' * 12}:|{'-' * 7}:|"
        )
        # (function, mode, form) that ran past the limit: not run again at more rows.
        given_up: set[tuple[str, str, str]] = set()
        for size in sizes:
            for function in FUNCTIONS:
                points = points_file(work, function.variables, size)
                for mode, _, _ in MODES:
                    kinds = ("batched", "elementwise")
                    lines = {k: command(gradcli, mode, getattr(function, k), points) for k in kinds}
                    skipped = {k for k in kinds if (function.name, mode, k) in given_up}
                    times: dict[str, list[float]] = {k: [] for k in kinds}
                    for _ in range(rounds):
                        for kind in kinds:
                            if (function.name, mode, kind) in given_up:
                                continue
                            seconds, _ = pipeline(f"{lines[kind]} | cat > /dev/null", limit)
                            if seconds == float("inf"):
                                given_up.add((function.name, mode, kind))
                                times[kind] = []
                            else:
                                times[kind].append(seconds)
                    cells = {}
                    for kind in kinds:
                        if kind in skipped:
                            cells[kind] = ("skipped", "skipped", None)
                        elif not times[kind]:
                            cells[kind] = (f">{limit:g}", f"<{size / limit:,.0f}", None)
                        else:
                            median = statistics.median(times[kind])
                            cells[kind] = (f"{median:.3f}", f"{size / median:,.0f}", median)
                    a, b = cells["batched"], cells["elementwise"]
                    ratio = f"{b[2] / a[2]:6.3f}" if a[2] and b[2] else f"{'-':>6}"
                    if a[2] is None and b[2] and not skipped:
                        ratio = f"<{b[2] / limit:5.3f}"
                    print(
                        f"| {function.name:<8} | {size:>9,} | {mode:<14} | {a[0]:>10} | {b[0]:>7} | "
                        f"{a[1]:>15} | {b[1]:>11} | {ratio} |",
                        flush=True,
                    )
    finally:
        shutil.rmtree(work)


def load_jax() -> Any:
    """JAX in float64 on the CPU, or None where it is not installed (it is a reference
    here, never a dependency of gradcli)."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def in_process_runs(
    function: Function, arrays: dict[str, np.ndarray], jax: Any
) -> list[tuple[str, Callable[[], list[np.ndarray]]]]:
    """Each way of computing the value and the gradient by every variable at every row."""
    request = Request(wrt=tuple(function.variables))
    runs: list[tuple[str, Callable[[], list[np.ndarray]]]] = []
    for kind, label in (
        ("batched", "gradcli at_points"),
        ("elementwise", "gradcli at_points, elementwise form"),
    ):
        compiled = gradcli.compile(getattr(function, kind))

        def run(compiled: Any = compiled) -> list[np.ndarray]:
            blocks = at_points(compiled, [], arrays, request)
            return [block for _, block in blocks[len(arrays) :]]

        runs.append((label, run))
    runs.append(("numpy by hand", lambda: list(function.by_hand(*arrays.values()))))
    if jax:
        argnums = tuple(range(len(function.variables)))
        inputs = [jax.numpy.asarray(a) for a in arrays.values()]
        for form, label in (
            (function.jax, "JAX jit(vmap(value_and_grad))"),
            (function.jax_elementwise, "JAX jit(vmap(value_and_grad)), elementwise form"),
        ):
            step = jax.jit(jax.vmap(jax.value_and_grad(form(jax), argnums=argnums)))

            def run_jax(step: Any = step) -> list[np.ndarray]:
                value, gradient = jax.block_until_ready(step(*inputs))
                return [value, *gradient]

            runs.append((label, run_jax))
    return runs


def in_process_table(sizes: list[int], rounds: int) -> None:
    jax = load_jax()
    print(
        f"\nBatch axis in process: value and gradient by every variable over arrays, median of "
        f"{rounds} alternating rounds after a warm-up; "
        + (f"JAX {jax.__version__} on {jax.devices()[0]}" if jax else "JAX not installed")
    )
    print(
        f"| {'function':<8} | {'rows':>9} | {'how':<48} | {'ms':>8} | {'M rows/s':>8} | "
        f"{'x numpy':>7} | {'vs numpy':>8} |"
    )
    print(f"|{'-' * 10}|{'-' * 10}:|{'-' * 50}|{'-' * 9}:|{'-' * 9}:|{'-' * 8}:|{'-' * 9}:|")
    for size in sizes:
        for function in FUNCTIONS:
            rng = np.random.default_rng(4)
            arrays = {name: rng.uniform(-3, 3, size) for name in function.variables}
            runs = in_process_runs(function, arrays, jax)
            expected = function.by_hand(*arrays.values())
            # The warm-up compiles JAX's function and checks every answer.
            worst = {}
            for label, run in runs:
                found = run()
                worst[label] = max(differs(np.asarray(f), e) for f, e in zip(found, expected))
            times: dict[str, list[float]] = {label: [] for label, _ in runs}
            for _ in range(rounds):
                for label, run in runs:
                    start = time.perf_counter()
                    run()
                    times[label].append(time.perf_counter() - start)
            numpy_time = statistics.median(times["numpy by hand"])
            for label, _ in runs:
                median = statistics.median(times[label])
                print(
                    f"| {function.name:<8} | {size:>9,} | {label:<48} | {median * 1e3:8.2f} | "
                    f"{size / median / 1e6:8.2f} | {median / numpy_time:7.2f} | {worst[label]:8.1e} |",
                    flush=True,
                )


SECTIONS = ("io", "end-to-end", "batch", "in-process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=10**6, help="rows of the I/O and end-to-end tables"
    )
    parser.add_argument("--large", action="store_true", help="also 10x the rows, for peak memory")
    parser.add_argument("--io-only", action="store_true", help="the I/O tables alone")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated tables to run, of {','.join(SECTIONS)} (default all)",
    )
    parser.add_argument(
        "--batch-rows",
        default="100000,1000000",
        help="comma-separated row counts of the batch-axis tables",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the batch-axis commands")
    parser.add_argument(
        "--in-process-rounds",
        type=int,
        default=11,
        help="rounds in process, where a round takes milliseconds and the noise is larger",
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=60,
        help="seconds after which a batch-axis command is cut (and not run at more rows)",
    )
    args = parser.parse_args()
    only = {"io"} if args.io_only else set(args.only.split(","))
    if only - set(SECTIONS):
        parser.error(f"--only: unknown {', '.join(sorted(only - set(SECTIONS)))}")
    sizes = [int(float(n)) for n in args.batch_rows.split(",")]
    print(
        f"numpy {np.__version__}, orjson {orjson.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    if "io" in only:
        io_table(args.rows)
    if "end-to-end" in only:
        end_to_end(args.rows, args.large)
    if "batch" in only:
        batch_table(sizes, args.rounds, args.limit)
    if "in-process" in only:
        in_process_table(sizes, args.in_process_rounds)


if __name__ == "__main__":
    main()
