"""Streams through the real command: many points in, one row per point out."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from clirun import run


def f(x):
    return math.sin(x) * math.exp(-(x**2) / 2)


def df(x):
    return (math.cos(x) - x * math.sin(x)) * math.exp(-(x**2) / 2)


def test_seq_into_diff_gives_one_row_per_point():
    code, out, err = run("diff", "sin(x)*exp(-x**2/2)", "--points", "-", "-o", "tsv",
                         stdin="0\n0.5\n1\n1.5\n2\n")  # fmt: skip
    assert code == 0 and err == ""
    header, *rows = out.splitlines()
    assert header == "x\tvalue\td/dx"
    for row, x in zip(rows, (0, 0.5, 1, 1.5, 2), strict=True):
        got = [float(v) for v in row.split("\t")]
        assert got == pytest.approx([x, f(x), df(x)], rel=1e-15, abs=1e-300)


def test_plain_in_a_pipe_has_no_header_and_higher_orders_follow():
    code, out, _ = run("diff", "x**3", "--points", "-", "--order", "3", stdin="1\n2\n")
    assert code == 0
    assert out == "1.0\t1.0\t3.0\t6.0\t6.0\n2.0\t8.0\t12.0\t12.0\t6.0\n"


def test_csv_with_a_header_names_the_variables(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x,y\n1,2\n3,4\n")
    code, out, _ = run("diff", "x**2*y + sin(y)", "--points", str(data), "-o", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "x,y,value,d/dx,d/dy"
    x, y, value, dx, dy = map(float, lines[2].split(","))
    assert (value, dx, dy) == pytest.approx(
        (x * x * y + math.sin(y), 2 * x * y, x * x + math.cos(y))
    )


def test_jsonl_rows_are_the_single_point_documents_without_expression():
    code, out, _ = run("diff", "norm(w - c)", "--at", "c=[1,2]", "--points", "-", "-o", "jsonl",
                       stdin='{"w": [0, 0]}\n{"w": [4, 6]}\n')  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[1] == {"at": {"w": [4.0, 6.0]}, "value": 5.0, "gradient": {"w": [0.6, 0.8]}}
    single = json.loads(run("diff", "norm(w - c)", "--at", "c=[1,2]", "--at", "w=[0,0]",
                            "--wrt", "w", "-o", "json")[1])  # fmt: skip
    assert rows[0]["value"] == single["value"] and rows[0]["gradient"] == single["gradient"]


def test_npy_in_npy_out(tmp_path):
    xs = np.linspace(0, 1, 7)
    np.save(tmp_path / "xs.npy", xs)
    result = subprocess.run(
        [sys.executable, "-m", "gradcli", "eval", "log1p(x)", "--points", str(tmp_path / "xs.npy"),
         "-o", "npy"],
        capture_output=True, check=True,
    )  # fmt: skip
    out = tmp_path / "ys.npy"
    out.write_bytes(result.stdout)
    np.testing.assert_array_equal(np.load(out), np.column_stack([xs, np.log1p(xs)]))


def test_a_bad_row_stops_after_every_earlier_row():
    code, out, err = run("eval", "x*2", "--points", "-", stdin="1\nfoo\n3\n")
    assert (code, out) == (2, "1.0\t2.0\n")
    assert err == "error: line 2: 'foo' is not a number (column x)\n"


@pytest.mark.parametrize(("policy", "out"), [("skip", "1.0\t2.0\n3.0\t6.0\n"),
                                             ("null", "1.0\t2.0\nnan\tnan\n3.0\t6.0\n")])  # fmt: skip
def test_bad_rows_can_be_skipped_or_nulled_and_are_counted(policy, out):
    code, stdout, err = run("eval", "x*2", "--points", "-", "--on-error", policy,
                            stdin="1\nfoo\n3\n")  # fmt: skip
    assert (code, stdout) == (0, out)
    assert "1 bad rows were" in err and "(lines 2)" in err


def test_constants_are_shared_by_every_row():
    code, out, _ = run("eval", "sum(w*x)", "--at", "w=[1,2,3]", "--points", "-", stdin="1\n10\n")
    assert (code, out) == (0, "1.0\t6.0\n10.0\t60.0\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("eval", "x", "--points", "-", "-o", "json"), "use -o jsonl"),
        (("eval", "x", "--at", "x=1", "-o", "tsv"), "give the points with --points"),
        (("diff", "x", "--points", "-", "--weights", "1"), "--weights applies to one point"),
        (("eval", "x", "--points", "-", "--on-error", "ignore"), "--on-error ignore"),
        (("eval", "x+y", "--points", "-"), "the variables expected: x, y"),
    ],
)
def test_stream_options_that_do_not_fit_are_refused(args, message):
    code, out, err = run(*args, stdin="1\n")
    assert code == 2 and out == "" and message in err


def test_a_slow_producer_gets_each_answer_before_it_sends_the_next():
    consumer = subprocess.Popen(
        [sys.executable, "-m", "gradcli", "eval", "x*10", "--points", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    consumer.stdin.write("1\n")
    consumer.stdin.flush()
    # The answer to the first row arrives while the input is still open.
    assert consumer.stdout.readline() == "1.0\t10.0\n"
    consumer.stdin.write("2\n")
    consumer.stdin.close()
    assert consumer.stdout.read() == "2.0\t20.0\n" and consumer.wait() == 0


def test_closing_the_pipe_early_ends_quietly():
    script = f"seq 1 200000 | {sys.executable} -m gradcli eval x --points - | head -n 2"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True,
                            text=True)  # fmt: skip
    assert result.stdout == "1.0\t1.0\n2.0\t2.0\n" and result.stderr == ""


def test_a_variable_can_be_loaded_whole_from_a_file(tmp_path):
    np.save(tmp_path / "w.npy", np.arange(6.0).reshape(2, 3))
    (tmp_path / "v.csv").write_text("a,b\n1,2\n3,4\n")
    doc = json.loads(run("eval", "sum(w) + sum(v)", "--at", f"w=@{tmp_path / 'w.npy'}",
                         "--at", f"v=@{tmp_path / 'v.csv'}", "-o", "json")[1])  # fmt: skip
    assert doc["value"] == 25.0 and doc["at"]["v"] == [[1.0, 2.0], [3.0, 4.0]]
    code, out, err = run("eval", "x", "--at", f"x=@{tmp_path / 'missing.npy'}")
    assert code == 2 and out == "" and err.startswith("error: --at x=@") and "cannot read" in err


def test_ctrl_c_mid_stream_exits_130_with_every_finished_row_written():
    import signal

    consumer = subprocess.Popen(
        [sys.executable, "-m", "gradcli", "eval", "x*10", "--points", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    consumer.stdin.write("1\n2\n")
    consumer.stdin.flush()
    assert consumer.stdout.readline() == "1.0\t10.0\n"
    assert consumer.stdout.readline() == "2.0\t20.0\n"
    consumer.send_signal(signal.SIGINT)
    assert consumer.wait(timeout=60) == 130
    assert consumer.stderr.read() == "error: interrupted\n" and consumer.stdout.read() == ""
