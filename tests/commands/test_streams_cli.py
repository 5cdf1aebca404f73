"""Streams through the real command: many points in, one row per point out."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from tests.clirun import run


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
    assert "1 bad row was" in err and "(line 2)" in err


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


# --- which column is which: named by the input or by --columns, never by a guess -------------


def test_two_unnamed_columns_are_refused_saying_how_to_name_them():
    # y appears first in the expression; taking the first column for y would be a guess.
    code, out, err = run("diff", "y**2 + x", "--points", "-", stdin="1 10\n")
    assert (code, out) == (2, "")
    assert err.startswith("error: line 1: 2 columns of numbers and no header line") and (
        err.count("\n") == 1
    )
    assert "'y x'" in err and "--columns y,x" in err


def test_columns_names_them_in_order():
    code, out, err = run("diff", "y**2 + x", "--points", "-", "--columns", "x,y", "-o", "tsv",
                         stdin="1 10\n")  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "x\ty\tvalue\td/dy\td/dx\n1.0\t10.0\t101.0\t20.0\t1.0\n"


def test_one_unnamed_column_is_the_one_variable(tmp_path):
    code, out, _ = run("diff", "x**2*c", "--at", "c=3", "--points", "-", stdin="2\n")
    assert (code, out) == (0, "2.0\t12.0\t12.0\n")
    np.save(tmp_path / "w.npy", np.arange(6.0).reshape(3, 2))
    code, out, _ = run("eval", "sum(w)", "--points", str(tmp_path / "w.npy"), "-o", "jsonl")
    assert code == 0 and [json.loads(r)["value"] for r in out.splitlines()] == [1.0, 5.0, 9.0]


def test_an_unnamed_npy_with_two_columns_needs_columns(tmp_path):
    np.save(tmp_path / "p.npy", np.array([[1.0, 10.0], [2.0, 20.0]]))
    code, out, err = run("eval", "y - x", "--points", str(tmp_path / "p.npy"))
    assert (code, out) == (2, "") and "--columns y,x" in err and ".npz" in err
    code, out, _ = run("eval", "y - x", "--points", str(tmp_path / "p.npy"), "--columns", "x,y")
    assert (code, out) == (0, "1.0\t10.0\t9.0\n2.0\t20.0\t18.0\n")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--columns", "x,x"), "1 2\n", "error: --columns x,x: 'x' is named twice\n"),
        (("--columns", "x,2y"), "1 2\n", "'2y' is not a variable name"),
        (("--columns", "x,"), "1 2\n", "'' is not a variable name"),
        (("--columns", "x,y"), "x y\n1 2\n", "line 1: the header line names the columns (x, y); leave out --columns"),
        (("--columns", "x,y"), '{"x": 1, "y": 2}\n', "JSON Lines name their variables; leave out --columns"),
        (("--columns", "x,y", "--at", "y=1"), "1 2\n", "--points gives y in a column, and --at binds y too"),
        (("--columns", "x"), "1\n", "the points give no values for y"),
    ],
)  # fmt: skip
def test_columns_is_checked_before_any_row(args, stdin, message):
    code, out, err = run("eval", "x*y", "--points", "-", *args, stdin=stdin)
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["eval", "diff", "check"])
@pytest.mark.parametrize(
    ("flag", "value"), [("--columns", "x"), ("--points-format", "csv"), ("--on-error", "skip")]
)
def test_options_for_the_points_without_points_are_refused(command, flag, value):
    if command == "check" and flag == "--on-error":
        pytest.skip("check stops at the first bad point: it has no --on-error")
    code, out, err = run(command, "x", "--at", "x=1", flag, value)
    assert (code, out) == (2, "")
    assert err == f"error: {flag} applies to the rows of --points; give --points FILE too\n"


def test_a_column_that_at_also_binds_is_refused(tmp_path):
    points = tmp_path / "pts.csv"
    points.write_text("x,y\n1,2\n")
    code, out, err = run("diff", "x*y", "--points", str(points), "--at", "x=5")
    assert (code, out) == (2, "")
    assert err.startswith("error: --points gives x in a column, and --at binds x too; drop one")


def test_check_points_follow_the_same_rule(tmp_path):
    code, out, err = run("check", "y**2 + x", "--points", "-", stdin="1 10\n")
    assert (code, out) == (2, "") and "--columns y,x" in err
    points = tmp_path / "pts.csv"
    points.write_text("x,y\n1,2\n")
    code, out, err = run("check", "x*y", "--points", str(points), "--at", "x=5")
    assert (code, out) == (2, "") and "--at binds x too" in err
    doc = json.loads(run("check", "y**2 + x", "--points", "-", "--columns", "x,y", "-o", "json",
                         stdin="1 10\n")[1])  # fmt: skip
    assert doc["passed"] and {r["input"]: r["exact"] for r in doc["rows"]} == {"y": 20.0, "x": 1.0}


# --- empty inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"a,b\n", b"\n# nothing yet\n"])
def test_an_at_file_without_numbers_is_refused(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    code, out, err = run("eval", "sum(w)", "--at", f"w=@{path}")
    assert (code, out) == (2, "")
    assert (
        err
        == f"error: --at w=@{path}: the file holds no numbers; for an empty array, write --at w=zeros(0)\n"
    )


def test_an_empty_npy_at_file_is_refused(tmp_path):
    np.save(tmp_path / "e.npy", np.zeros((0, 3)))
    code, out, err = run("eval", "sum(w)", "--at", f"w=@{tmp_path / 'e.npy'}")
    assert (code, out) == (2, "") and "holds no numbers" in err


@pytest.mark.parametrize("output", ["plain", "csv", "jsonl"])
def test_points_without_rows_write_nothing_and_say_so(tmp_path, output):
    path = tmp_path / "header.csv"
    path.write_text("x,y\n")
    code, out, err = run("eval", "x*y", "--points", str(path), "-o", output)
    assert (code, out) == (0, "")
    assert err == "warning: the points have no rows: nothing was written\n"


# --- a row whose evaluation fails is a bad row ---------------------------------------------------

INDEXED = "".join(f"{i}\n" for i in range(11))  # seq 0 10; arange(5)[x] fails from x = 5


def test_an_evaluation_error_stops_after_the_earlier_rows_naming_its_line():
    code, out, err = run("eval", "arange(5)[x]", "--points", "-", stdin=INDEXED)
    assert code == 2
    assert out == "".join(f"{i}.0\t{i}.0\n" for i in range(5))
    assert err == (
        "error: line 6: index 5 is out of range for dimension 0, of size 5 "
        "(indices run from -5 to 4)\n"
    )


def test_evaluation_errors_can_be_skipped():
    code, out, err = run("eval", "arange(5)[x]", "--points", "-", "--on-error", "skip",
                         stdin=INDEXED)  # fmt: skip
    assert (code, out) == (0, "".join(f"{i}.0\t{i}.0\n" for i in range(5)))
    assert err == (
        "warning: 6 bad rows were skipped (lines 6, 7, 8, 9, 10, ...); first, line 6: index 5 "
        "is out of range for dimension 0, of size 5 (indices run from -5 to 4)\n"
    )


def test_evaluation_errors_can_be_written_as_nan_keeping_the_row_inputs():
    code, out, err = run("eval", "arange(5)[x]", "--points", "-", "--on-error", "null",
                         stdin=INDEXED)  # fmt: skip
    assert code == 0
    assert out.splitlines() == [f"{i}.0\t{i}.0" for i in range(5)] + [
        f"{i}.0\tnan" for i in range(5, 11)
    ]
    # Counted once, as bad rows, not again as rows with NaN results.
    assert err.count("\n") == 1 and "6 bad rows were written as NaN" in err


def test_good_rows_between_bad_ones_are_kept_in_order():
    stdin = "x,y\n1,1\n9,1\n2,1\n7,1\n3,1\n"
    code, out, err = run("diff", "sum(arange(5)[x]*y)", "--points", "-", "--on-error", "skip",
                         stdin=stdin)  # fmt: skip
    assert code == 0 and "(lines 3, 5)" in err
    assert out == "1.0\t1.0\t1.0\t0.0\t1.0\n2.0\t1.0\t2.0\t0.0\t2.0\n3.0\t1.0\t3.0\t0.0\t3.0\n"


def test_a_row_whose_results_change_shape_is_a_bad_row():
    code, out, err = run("eval", "ones(x)", "--points", "-", stdin="1\n2\n")
    assert (code, out) == (2, "1.0\t1.0\n")
    assert err == (
        "error: line 2: value has shape (2,) at this row and (1,) at the rows before; "
        "every row's results must have one shape\n"
    )
    code, out, _ = run("eval", "ones(x)", "--points", "-", "--on-error", "skip",
                       stdin="1\n2\n1\n")  # fmt: skip
    assert (code, out) == (0, "1.0\t1.0\n1.0\t1.0\n")


# --- a byte-order mark is not part of the text ----------------------------------------------------

BOM = b"\xef\xbb\xbf"


def test_a_byte_order_mark_is_skipped_in_points_at_files_and_programs(tmp_path):
    (tmp_path / "excel.csv").write_bytes(BOM + b"x,y\r\n1,2\r\n")
    code, out, _ = run("eval", "x*y", "--points", str(tmp_path / "excel.csv"))
    assert (code, out) == (0, "1.0\t2.0\t2.0\n")
    code, out, _ = run("eval", "x", "--points", "-", stdin=BOM + b"3\n")
    assert (code, out) == (0, "3.0\t3.0\n")
    code, out, _ = run("eval", "w", "--points", "-", "-o", "jsonl", stdin=BOM + b'{"w": 4}\n')
    assert (code, out) == (0, '{"at":{"w":4.0},"value":4.0}\n')
    code, out, _ = run("eval", "sum(w)", "--at", f"w=@{tmp_path / 'excel.csv'}", "-o", "plain")
    assert (code, out) == (0, "3.0\n")
    (tmp_path / "notepad.gc").write_bytes(BOM + b"y = x*2\r\ny + 1\r\n")
    for args in (["-f", str(tmp_path / "notepad.gc")], [f"@{tmp_path / 'notepad.gc'}"]):
        code, out, _ = run("eval", *args, "--at", "x=3", "-o", "plain")
        assert (code, out) == (0, "7.0\n")
    code, out, _ = run("eval", "-", "--at", "x=3", "-o", "plain", stdin=BOM + b"x**2")
    assert (code, out) == (0, "9.0\n")
