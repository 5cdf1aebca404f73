"""gradcli.io: points read in chunks and rows written, exactly, from pipes and files."""

import io
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradcli.errors import ExitStatus, GradcliError
from gradcli.io.readers import PointsError, read_points
from gradcli.io.writers import Constant, open_writer

FLOATS = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=64)
HARD = [0.0, -0.0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 1e-5, 1e16, 0.1]


def same(a, b):
    """Bit for bit, except that any NaN equals any NaN (text keeps no payload)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    return bool(((a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))).all())


def read_all(source, **options):
    chunks = list(read_points(source, **options))
    names = list(chunks[0].columns) if chunks else []
    columns = {name: np.concatenate([c.columns[name] for c in chunks]) for name in names}
    return columns, np.concatenate([c.lines for c in chunks]) if chunks else np.array([])


def written(format, columns, **options):
    out = io.BytesIO()
    with open_writer(out, format, **options) as writer:
        for chunk in columns:
            writer.write(chunk)
    return out.getvalue()


def halves(columns):
    """The same columns as two chunks, so headers and templates meet a second write."""
    middle = len(columns[0][1]) // 2
    return [[(n, a[:middle]) for n, a in columns], [(n, a[middle:]) for n, a in columns]]


# --- round trips ----------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    values=hnp.arrays(np.float64, st.tuples(st.integers(1, 30), st.just(2)), elements=FLOATS),
    format=st.sampled_from(["tsv", "csv", "plain"]),
)
def test_text_round_trips_bit_for_bit(values, format):
    values = np.concatenate([values, np.array(HARD).reshape(-1, 2)])
    text = written(format, halves([("x", values[:, 0]), ("y", values[:, 1])]))
    named = {"columns": ["x", "y"]} if format == "plain" else {}  # plain has no header line
    columns, lines = read_all(io.BytesIO(text), **named)
    assert same(columns["x"], values[:, 0]) and same(columns["y"], values[:, 1])
    assert list(lines) == list(
        range(1 + (format != "plain"), len(values) + 1 + (format != "plain"))
    )


@settings(max_examples=60, deadline=None)
@given(
    values=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 20), st.just(2), st.just(3)), elements=FLOATS
    )
)
def test_json_lines_round_trip_keeps_array_shapes(values):
    x = values[:, 0, 0].copy()
    text = written("jsonl", halves([("x", x), ("w", values)]))
    columns, _ = read_all(io.BytesIO(text))
    assert list(columns) == ["x", "w"]
    assert same(columns["x"], x) and same(columns["w"], values)


@settings(max_examples=30, deadline=None)
@given(values=hnp.arrays(np.float64, st.tuples(st.integers(0, 20), st.just(3)), elements=FLOATS))
def test_npy_round_trips_through_a_file_and_through_a_pipe(values, tmp_path_factory):
    columns = [("x", values[:, 0]), ("w", values[:, 1:])]
    path = tmp_path_factory.mktemp("npy") / "out.npy"
    with path.open("wb") as file, open_writer(file, "npy") as writer:
        for chunk in halves(columns):
            writer.write(chunk)
    piped = written("npy", [columns])
    assert same(np.load(path), values)
    assert same(np.load(io.BytesIO(piped)), values)
    back, _ = read_all(path, columns=["x", "y", "z"])
    assert back or not len(values)  # no rows, no chunks
    assert not back or same(
        np.stack([back["x"], back["y"], back["z"]], axis=1).reshape(values.shape), values
    )


def test_the_npy_writer_waits_on_disk_for_a_pipe():
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, data):
            self.data += data
            return len(data)

    pipe = Pipe()
    with open_writer(pipe, "npy") as writer:
        writer.write([("x", np.arange(3.0))])
        assert not pipe.data  # the row count is not known yet: nothing can be sent
    assert same(np.load(io.BytesIO(bytes(pipe.data))), np.arange(3.0).reshape(3, 1))


def test_npz_arrays_are_read_by_name_in_chunks_even_from_a_pipe():
    archive = io.BytesIO()
    np.savez(archive, x=np.arange(5.0), w=np.arange(10.0).reshape(5, 2))
    blocks = (archive.getvalue()[i : i + 7] for i in range(0, len(archive.getvalue()), 7))
    chunks = list(read_points(blocks, chunk_rows=2))
    assert [c.rows for c in chunks] == [2, 2, 1]
    assert same(np.concatenate([c.columns["w"] for c in chunks]), np.arange(10.0).reshape(5, 2))
    assert list(np.concatenate([c.lines for c in chunks])) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("shape", "names", "expected"),
    [((4,), {"names": ["x"]}, {"x": (4,)}), ((4, 2), {"columns": ["x", "y"]}, {"x": (4,), "y": (4,)}),
     ((4, 2), {"names": ["w"]}, {"w": (4, 2)}), ((4, 2, 3), {"names": ["w"]}, {"w": (4, 2, 3)}),
     ((4, 2), {"names": ["x", "y"], "columns": ["w"]}, {"w": (4, 2)})],
)  # fmt: skip
def test_npy_columns_follow_the_names(shape, names, expected):
    data = io.BytesIO()
    np.save(data, np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    columns, lines = read_all(io.BytesIO(data.getvalue()), **names)
    assert {name: c.shape for name, c in columns.items()} == expected
    assert all(c.dtype == np.float64 for c in columns.values()) and list(lines) == [1, 2, 3, 4]


def test_npy_whose_columns_do_not_match_the_names_is_refused():
    data = io.BytesIO()
    np.save(data, np.zeros((4, 3)))
    with pytest.raises(PointsError, match=r"4x3 array and columns names 2 columns"):
        read_all(io.BytesIO(data.getvalue()), columns=["x", "y"])


def test_npy_columns_are_not_named_by_the_order_of_the_expected_names():
    data = io.BytesIO()
    np.save(data, np.zeros((4, 2)))
    message = r"2 columns of numbers \(4x2\) with no names \(the variables expected: x, y\); .* columns x,y"
    with pytest.raises(PointsError, match=message):
        read_all(io.BytesIO(data.getvalue()), names=["x", "y"])


# --- numbers in every spelling --------------------------------------------------------------

SPELLINGS = st.one_of(
    FLOATS.map(repr),
    FLOATS.filter(np.isfinite).map(lambda v: f"{v:.25e}"),
    st.sampled_from(
        ["-0", "+1.5", ".5", "1.", "1E5", "007", "nan", "-inf", "Infinity", "1e400", "-0e0"]
    ),
    st.integers(-(10**30), 10**30).map(str),
)


@settings(max_examples=150, deadline=None)
@given(tokens=st.lists(st.tuples(SPELLINGS, SPELLINGS), min_size=1, max_size=20))
def test_every_spelling_of_a_number_reads_as_python_reads_it(tokens):
    # Whichever parser a chunk takes (orjson, numpy, row by row), the numbers agree with float().
    text = "".join(f"{a},{b}\n" for a, b in tokens).encode()
    columns, _ = read_all(io.BytesIO(b"x,y\n" + text))
    assert same(columns["x"], [float(a) for a, _ in tokens])
    assert same(columns["y"], [float(b) for _, b in tokens])


def test_negative_zero_survives_the_fast_path():
    columns, _ = read_all(io.BytesIO(b"1\n-0\n2\n"), names=["x"])
    assert same(columns["x"], [1.0, -0.0, 2.0])


# --- headers and detection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("p.csv", b"x,y\n1,2\n"), ("p.tsv", b"x\ty\n1\t2\n"), ("p.txt", b"x y\n1 2\n"),
     ("p.dat", b"x,  y\n1, 2\n"), ("p", b"  x\t y\n 1  2\n"), ("p.jsonl", b'{"x": 1, "y": 2}\n'),
     ("p.json", b'\n{"x": 1, "y": 2}\n')],
)  # fmt: skip
def test_the_format_comes_from_the_name_or_the_first_line(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    for source in (path, io.BytesIO(content)):
        columns, _ = read_all(source)
        assert {n: c.tolist() for n, c in columns.items()} == {"x": [1.0], "y": [2.0]}


def test_an_explicit_format_wins():
    # Sniffing would take the comma for CSV; as TSV the line is one field.
    with pytest.raises(PointsError, match=r"^line 2: '1,2' is not a number \(column x,y\)$"):
        read_all(io.BytesIO(b"x,y\n1,2\n"), format="tsv")


def test_one_bare_column_takes_the_free_variable_name():
    columns, lines = read_all(io.BytesIO(b"0\n0.5\n1\n"), names=["x"])
    assert columns["x"].tolist() == [0.0, 0.5, 1.0] and lines.tolist() == [1, 2, 3]


def test_numbers_without_a_header_and_no_names_say_what_to_add():
    with pytest.raises(PointsError, match=r"line 1: 2 columns of numbers and no header.*: none\)"):
        read_all(io.BytesIO(b"1 2\n"))
    with pytest.raises(
        PointsError, match=r"variables expected: x\); .* first line of names or columns$"
    ):
        read_all(io.BytesIO(b"1 2\n"), names=["x"])


def test_two_unnamed_columns_are_not_named_by_the_order_of_the_names():
    # Which column is x is the user's to say: the order of the names is no answer.
    with pytest.raises(PointsError, match=r"expected: y, x\); .* such as 'y,x' or columns y,x$"):
        read_all(io.BytesIO(b"1,10\n"), names=["y", "x"])
    columns, _ = read_all(io.BytesIO(b"1,10\n"), names=["y", "x"], columns=["x", "y"])
    assert (columns["x"].tolist(), columns["y"].tolist()) == ([1.0], [10.0])


@pytest.mark.parametrize("content", [b"x,y\n1,2\n", b'{"x": 1, "y": 2}\n'])
def test_columns_cannot_rename_columns_the_input_names(content):
    with pytest.raises(PointsError, match="leave out columns"):
        read_all(io.BytesIO(content), columns=["x", "y"])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"x x\n", "names 'x' twice"),
        (b"x 1\n", "'1' is not a name"),
        (b"x,,y\n", "'' is not a name"),
    ],
)
def test_a_bad_header_is_refused_whatever_the_policy(header, message):
    with pytest.raises(PointsError, match=message) as caught:
        read_all(io.BytesIO(header + b"1 2\n"), on_error="skip")
    assert caught.value.line == 1 and caught.value.exit_status == ExitStatus.BAD_INPUT


def test_comments_blank_lines_and_crlf_keep_the_line_numbers():
    text = b"# sensor 3\r\nx\ty\r\n\r\n1\t2\r\n  # pause\r\n3\t4\r\n5\t6"
    for chunk_rows in (1, 2, 1000):
        columns, lines = read_all(io.BytesIO(text), chunk_rows=chunk_rows)
        assert columns["y"].tolist() == [2.0, 4.0, 6.0] and lines.tolist() == [4, 6, 7]


def test_array_columns_spread_over_entry_names_and_csv_quotes_them():
    columns = [("x", np.array([1.0])), ("w", np.array([[[1.0, 2.0], [3.0, 4.0]]]))]
    assert (
        written("csv", [columns]) == b'x,"w[0,0]","w[0,1]","w[1,0]","w[1,1]"\n1.0,1.0,2.0,3.0,4.0\n'
    )
    assert written("tsv", [columns]).split(b"\n")[0] == b"x\tw[0,0]\tw[0,1]\tw[1,0]\tw[1,1]"
    read, _ = read_all(io.BytesIO(written("csv", [columns])))
    assert list(read) == ["x", "w[0,0]", "w[0,1]", "w[1,0]", "w[1,1]"]


def test_the_header_is_written_once_and_plain_has_none():
    columns = [("x", np.arange(4.0)), ("value", np.arange(4.0) ** 2)]
    assert written("tsv", halves(columns)) == b"x\tvalue\n0.0\t0.0\n1.0\t1.0\n2.0\t4.0\n3.0\t9.0\n"
    assert written("plain", halves(columns)) == b"0.0\t0.0\n1.0\t1.0\n2.0\t4.0\n3.0\t9.0\n"
    assert written("csv", [[("x", np.empty(0))]]) == b"x\n"


def test_non_finite_numbers_are_spelled_as_in_gradcli_json():
    values = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert written("plain", [[("v", values)]]) == b"nan\ninf\n-inf\n1.0\n"
    rows = written("jsonl", [[("v", values)]]).decode().splitlines()
    assert rows == ['{"v":"NaN"}', '{"v":"Infinity"}', '{"v":"-Infinity"}', '{"v":1.0}']


def test_json_lines_rows_follow_the_layout():
    layout = {
        "at": {"x": "x", "w": "w"},
        "value": "value",
        "gradient": {"x": "d/dx"},
        "hessian": {"variables": Constant(["x"]), "matrix": "h"},
    }
    columns = [
        ("x", np.array([0.5, 2.0])),
        ("w", np.array([[1.0, 2.0], [3.0, 4.0]])),
        ("value", np.array([0.25, 4.0])),
        ("d/dx", np.array([1.0, 4.0])),
        ("h", np.array([[[2.0]], [[2.0]]])),
    ]
    import json

    rows = [
        json.loads(line) for line in written("jsonl", halves(columns), layout=layout).splitlines()
    ]
    assert rows[1] == {
        "at": {"x": 2.0, "w": [3.0, 4.0]},
        "value": 4.0,
        "gradient": {"x": 4.0},
        "hessian": {"variables": ["x"], "matrix": [[2.0]]},
    }


# --- bad rows -------------------------------------------------------------------------------

BAD_TEXT = b"x,y\n1,2\n3\n4,5\n6,seven\n8,9\n"


def test_stop_yields_every_earlier_row_then_raises_with_the_line():
    reader = read_points(io.BytesIO(BAD_TEXT))
    first = next(reader)
    assert first.columns["x"].tolist() == [1.0] and first.lines.tolist() == [2]
    with pytest.raises(PointsError) as caught:
        next(reader)
    assert (
        caught.value.line == 3 and str(caught.value) == "line 3: 1 field where the columns are x, y"
    )
    assert isinstance(caught.value, GradcliError)


def test_skip_leaves_bad_rows_out_and_says_which():
    chunk = next(read_points(io.BytesIO(BAD_TEXT), on_error="skip"))
    assert chunk.columns["x"].tolist() == [1.0, 4.0, 8.0] and chunk.lines.tolist() == [2, 4, 6]
    assert [(e.line, e.message) for e in chunk.errors] == [
        (3, "1 field where the columns are x, y"),
        (5, "'seven' is not a number (column y)"),
    ]


def test_null_keeps_bad_rows_as_nan():
    chunk = next(read_points(io.BytesIO(BAD_TEXT), on_error="null"))
    assert same(chunk.columns["y"], [2.0, np.nan, 5.0, np.nan, 9.0])
    assert chunk.lines.tolist() == [2, 3, 4, 5, 6] and [e.line for e in chunk.errors] == [3, 5]


def test_json_lines_bad_rows_say_what_is_wrong():
    text = b'{"x": 1, "w": [1, 2]}\n{"x": 2, "w": [1]}\n{"w": [1, 2]}\n{"x": true, "w": [1, 2]}\n[1]\n{"x":\n{"x": 3, "w": [5, "NaN"]}\n'
    chunk = next(read_points(io.BytesIO(text), on_error="null"))
    assert chunk.lines.tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert same(chunk.columns["w"][-1], [5.0, np.nan]) and same(
        chunk.columns["x"][1:6], [np.nan] * 5
    )
    messages = [str(e) for e in chunk.errors]
    assert messages[0] == "line 2: w has shape (1,), and in the first row (2,)"
    assert messages[1] == "line 3: no value for x"
    assert messages[2] == "line 4: x is true, not a number or an array of numbers"
    assert messages[3].startswith("line 5: expected an object of variables")
    assert messages[4].startswith("line 6: not JSON")


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.sampled_from([b"1 2", b"3", b"x y", b"-0 nan", b"", b"# c", b"1 2 3"]), max_size=40
    ),
    policy=st.sampled_from(["skip", "null"]),
    chunk_rows=st.integers(1, 7),
)
def test_every_input_row_is_accounted_for(rows, policy, chunk_rows):
    text = b"a b\n" + b"\n".join(rows) + b"\n"
    chunks = list(read_points(io.BytesIO(text), on_error=policy, chunk_rows=chunk_rows))
    good = [c for c in chunks for _ in range(c.rows)]
    errors = [e.line for c in chunks for e in c.errors]
    data_lines = [i for i, row in enumerate(rows, 2) if row and not row.startswith(b"#")]
    read_lines = sorted(
        [int(n) for c in chunks for n in c.lines] + (errors if policy == "skip" else [])
    )
    assert read_lines == data_lines and len(set(errors)) == len(errors)
    assert sorted(errors) == [i for i, row in enumerate(rows, 2) if row in (b"3", b"x y", b"1 2 3")]
    assert len(good) == len(data_lines) - (len(errors) if policy == "skip" else 0)
    assert all(c.rows <= chunk_rows for c in chunks)


# --- streaming ------------------------------------------------------------------------------

PRODUCER = textwrap.dedent(
    """
    import select, sys
    out = sys.stdout.buffer
    out.write(b"x\\n1\\n2\\n"); out.flush()
    # Wait until the reader has answered the first rows (a broken reader fails, not hangs).
    select.select([sys.stdin], [], [], 60)
    out.write(b"3\\n"); out.flush()
    """
)


def test_rows_from_a_slow_producer_come_out_before_it_finishes():
    producer = subprocess.Popen(
        [sys.executable, "-c", PRODUCER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        chunks = read_points(producer.stdout, chunk_rows=1000)
        first = next(chunks)
        # The producer is blocked on its stdin until we answer: it cannot have finished.
        assert producer.poll() is None
        assert first.columns["x"].tolist() == [1.0, 2.0] and first.lines.tolist() == [2, 3]
        producer.stdin.write(b"go\n")
        producer.stdin.flush()
        assert [c.columns["x"].tolist() for c in chunks] == [[3.0]]
    finally:
        producer.stdin.close()
        producer.wait()


def test_npy_rows_from_a_slow_producer_come_out_before_it_finishes():
    header = io.BytesIO()
    np.save(header, np.arange(6.0).reshape(3, 2))
    data = header.getvalue()
    script = f"""
import select, sys
data = {data!r}
out = sys.stdout.buffer
out.write(data[:-16]); out.flush()
select.select([sys.stdin], [], [], 60)
out.write(data[-16:]); out.flush()
"""
    producer = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        chunks = read_points(producer.stdout, columns=["x", "y"], chunk_rows=1000)
        first = next(chunks)
        assert producer.poll() is None and first.columns["y"].tolist() == [1.0, 3.0]
        producer.stdin.write(b"go\n")
        producer.stdin.flush()
        assert [c.columns["x"].tolist() for c in chunks] == [[4.0]]
    finally:
        producer.stdin.close()
        producer.wait()


def test_unbounded_input_is_consumed_in_chunks():
    produced = 0

    def rows():
        nonlocal produced
        yield b"x\n"
        for _ in range(1000):
            produced += 1
            yield b"1.5\n" * 1000

    reader = read_points(rows(), chunk_rows=1000)
    first = next(reader)
    assert 0 < first.rows <= 1000 and produced <= 2  # read ahead by at most one block
    tracemalloc.start()
    total = first.rows + sum(chunk.rows for chunk in reader)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == 10**6 and produced == 1000
    assert peak < 2_000_000  # a million rows are 4 MB of text and 8 MB of floats


def test_a_missing_file_is_a_points_error(tmp_path):
    with pytest.raises(PointsError, match=r"cannot read .*nothing\.csv: No such file"):
        read_all(tmp_path / "nothing.csv")


# --- bounded lines --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.integers(1, 30), min_size=1, max_size=12),
    cuts=st.lists(st.integers(1, 40), min_size=1, max_size=8),
    chunk_rows=st.integers(1, 5),
)
def test_a_line_over_the_cap_is_a_bad_row_however_the_bytes_arrive(rows, cuts, chunk_rows):
    # Rows of 1..30 digits with a cap of 12: whether a line is too long must not depend on
    # where the blocks of bytes happen to end.
    from gradcli.io import readers

    text = b"".join(b"1" * width + b"\n" for width in rows)
    blocks, at = [], 0
    while at < len(text):
        size = cuts[len(blocks) % len(cuts)]
        blocks.append(text[at : at + size])
        at += size
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "LINE_CAP", 12)
        chunks = list(
            read_points(iter(blocks), columns=["x"], on_error="skip", chunk_rows=chunk_rows)
        )
    read = [int(n) for c in chunks for n in c.lines]
    skipped = [e.line for c in chunks for e in c.errors]
    assert read == [i for i, width in enumerate(rows, 1) if width <= 12]
    assert skipped == [i for i, width in enumerate(rows, 1) if width > 12]
    values = np.concatenate([c.columns["x"] for c in chunks if c.rows] or [np.zeros(0)])
    assert values.tolist() == [float("1" * width) for width in rows if width <= 12]


def test_an_endless_line_is_dropped_as_it_arrives_not_held():
    taken = 0

    def zeros():
        nonlocal taken
        while taken < 64 << 20:
            taken += 1 << 20
            yield b"0" * (1 << 20)
        yield b"\n5\n"

    tracemalloc.start()
    chunks = list(read_points(zeros(), columns=["x"], on_error="skip"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [e.line for c in chunks for e in c.errors] == [1]
    assert [c.columns["x"].tolist() for c in chunks if c.rows] == [[5.0]]
    assert peak < 8 << 20  # 64 MiB went through


def test_a_npy_header_claiming_gigabytes_is_refused_before_reading_it():
    def claimed():
        yield b"\x93NUMPY\x02\x00" + (1 << 31).to_bytes(4, "little")
        for _ in range(100):
            yield b" " * 1024
        pytest.fail("read on into the claimed header")

    with pytest.raises(PointsError, match=r"a \.npy header of 2,147,483,648 bytes"):
        read_all(claimed(), format="npy", names=["x"])
