"""Rows of output columns as plain text, TSV, CSV, JSON Lines or one ``.npy`` array.

A writer takes chunk after chunk of columns, each a ``(name, array)`` pair whose
array has the row axis first: ``(rows,)`` for a scalar column, ``(rows, *shape)``
for an array-valued one. Text formats spread an array column over one column
per entry, named like ``w[0,1]``; JSON Lines keeps its shape as nested lists.

Numbers are exact: each is the shortest text that reads back to the same
float64, spelled by orjson (``0.1``, ``12.0``, ``-0.0``, ``1e-7``, ``0.00001``,
``1e16``; ``float()``, numpy, awk and JSON parsers read them back bit for bit).
This is the same digits as Python's ``repr`` with the exponent written without
``+`` and leading zeros, and with fixed-point down to 1e-5 instead of 1e-4.
Formatting a whole chunk in one orjson call is what makes a million rows a
second possible: ``repr`` per number is about 5x slower (``bench/streams.py``).
Non-finite numbers are ``nan``, ``inf`` and ``-inf`` in text and the strings
``"NaN"``, ``"Infinity"``, ``"-Infinity"`` in JSON Lines, as in gradcli's JSON.

Each :meth:`Writer.write` flushes, so every finished row is out before the next
chunk is read (a slow producer sees its answer, Ctrl-C loses nothing written).
A closed pipe (``| head``) raises ``BrokenPipeError`` from ``write`` or
``close``: the caller decides how to end quietly.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from typing import IO, Any, NamedTuple

import numpy as np

WRITE_FORMATS = ("plain", "tsv", "csv", "jsonl", "npy")

Columns = Sequence[tuple[str, np.ndarray]]
"""Output columns of one chunk: a name and an array with the row axis first."""

_TEXT_NONFINITE = (b"nan", b"inf", b"-inf")
_JSON_NONFINITE = (b'"NaN"', b'"Infinity"', b'"-Infinity"')


class Constant(NamedTuple):
    """A fixed part of every JSON Lines row (``{"variables": Constant(["x", "y"])}``)."""

    value: Any


def open_writer(stream: IO[bytes], format: str, layout: Mapping[str, Any] | None = None) -> Writer:
    """A writer of ``format`` (one of :data:`WRITE_FORMATS`) to a binary stream.

    ``layout`` shapes each JSON Lines row: a nested mapping whose leaves are
    column names (or :class:`Constant` values), for example
    ``{"at": {"x": "x"}, "value": "value", "gradient": {"x": "d/dx"}}``. Without
    it a row is a flat object of the columns. Other formats ignore it.
    """
    if format in ("plain", "tsv", "csv"):
        return TextWriter(stream, format)
    if format == "jsonl":
        return JsonLinesWriter(stream, layout)
    if format == "npy":
        return NpyWriter(stream)
    raise ValueError(f"format must be one of {', '.join(WRITE_FORMATS)}, not {format!r}")


class Writer:
    """Chunks of columns in, bytes out; the first chunk fixes the columns' names and shapes."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.names: list[str] | None = None
        self.shapes: list[tuple[int, ...]] = []
        self.rows = 0
        self.whole = np.zeros(0, bool)

    def write(self, columns: Columns) -> None:
        """Write the rows of one chunk and flush them."""
        names = [name for name, _ in columns]
        given = [np.asarray(array) for _, array in columns]
        arrays = [np.asarray(array, dtype=np.float64) for array in given]
        if any(array.ndim == 0 for array in arrays):
            raise ValueError("each column needs the row axis first")
        counts = {len(array) for array in arrays}
        if len(counts) > 1:
            raise ValueError(f"columns of different lengths: {sorted(counts)}")
        shapes = [array.shape[1:] for array in arrays]
        if self.names is None:
            self.names, self.shapes = names, shapes
            # An integer column (an iteration count) is written as integers: 3, not 3.0.
            self.whole = np.concatenate(
                [
                    np.full(int(np.prod(a.shape[1:])), np.issubdtype(a.dtype, np.integer))
                    for a in given
                ]
                or [np.zeros(0, bool)]
            )
            self._start()
        elif names != self.names or shapes != self.shapes:
            raise ValueError("every chunk must have the columns of the first, in the same shapes")
        count = counts.pop() if counts else 0
        matrix = np.empty((count, sum(int(np.prod(shape)) for shape in shapes)))
        offset = 0
        for array in arrays:
            width = int(np.prod(array.shape[1:]))
            matrix[:, offset : offset + width] = array.reshape(count, width)
            offset += width
        self._rows(matrix)
        self.rows += count
        self.stream.flush()

    def close(self) -> None:
        """Finish the output (the ``.npy`` header); the stream itself stays open."""
        self.stream.flush()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        """Called once, when the first chunk has fixed the columns."""

    def _rows(self, matrix: np.ndarray) -> None:
        raise NotImplementedError

    def labels(self) -> list[str]:
        """One name per text column: ``x``, or ``w[0,0]``, ``w[0,1]``, ... for an array."""
        from gradcli.autograd.shapes import entry_labels

        assert self.names is not None
        return [
            label
            for name, shape in zip(self.names, self.shapes)
            for label in entry_labels(name, shape)
        ]


# --- text -----------------------------------------------------------------------------------


def text_rows(
    matrix: np.ndarray, separator: bytes = b"\t", whole: np.ndarray | None = None
) -> bytes:
    """One line per row of a float64 matrix, numbers separated by ``separator`` (one byte);
    the columns ``whole`` marks are written as integers."""
    import orjson

    rows, width = matrix.shape
    if not rows or not width:
        return b"\n" * rows
    flat = np.ascontiguousarray(matrix, dtype=np.float64).reshape(-1)
    numbers: Any = flat
    if whole is not None and whole.any():
        # Rare (--trace's rows), so Python numbers are fine: ints where whole, floats elsewhere.
        cells = matrix.astype(object)
        cells[:, whole] = matrix[:, whole].astype(np.int64)
        numbers = cells.reshape(-1).tolist()
    # orjson writes the flat array as "[a,b,...]": every comma becomes the separator
    # or, after each row's last number, a newline, in place; "]" ends the last line.
    text = np.frombuffer(orjson.dumps(numbers, option=orjson.OPT_SERIALIZE_NUMPY), np.uint8).copy()
    commas = np.flatnonzero(text == ord(","))
    text[commas] = separator[0]
    text[commas[width - 1 :: width]] = ord("\n")
    text[-1] = ord("\n")
    body = text[1:].tobytes()
    return _fill_nulls(body, flat, _TEXT_NONFINITE)


def _fill_nulls(body: bytes, values: np.ndarray, spellings: tuple[bytes, bytes, bytes]) -> bytes:
    """orjson writes every non-finite number as ``null``: put back which one it was."""
    bad = values[~np.isfinite(values)]
    if not bad.size:
        return body
    nan, inf, minus_inf = spellings
    words = [nan if np.isnan(v) else inf if v > 0 else minus_inf for v in bad.tolist()]
    parts = body.split(b"null")
    joined: list[bytes] = [b""] * (2 * len(parts) - 1)
    joined[0::2] = parts
    joined[1::2] = words
    return b"".join(joined)


class TextWriter(Writer):
    """``plain`` (tab-separated, no header), ``tsv`` and ``csv`` (one header line)."""

    def __init__(self, stream: IO[bytes], format: str):
        super().__init__(stream)
        self.format = format
        self.separator = b"," if format == "csv" else b"\t"

    def _start(self) -> None:
        if self.format == "plain":
            return
        labels = self.labels()
        if self.format == "csv":
            line = io.StringIO()
            csv.writer(line, lineterminator="\n").writerow(labels)  # quotes w[0,1]
            self.stream.write(line.getvalue().encode())
        else:
            self.stream.write(("\t".join(labels) + "\n").encode())

    def _rows(self, matrix: np.ndarray) -> None:
        self.stream.write(text_rows(matrix, self.separator, self.whole))


# --- JSON Lines -----------------------------------------------------------------------------


class JsonLinesWriter(Writer):
    """One JSON object per row, shaped by ``layout``; arrays as nested lists.

    The layout becomes one byte template with a slot per number, filled from
    one orjson call per output column, so no Python object is built per number.
    """

    def __init__(self, stream: IO[bytes], layout: Mapping[str, Any] | None):
        super().__init__(stream)
        self.layout = layout
        self.template = b""
        self.slots: list[int] = []

    def _start(self) -> None:
        import orjson

        assert self.names is not None
        offsets, offset = {}, 0
        for name, shape in zip(self.names, self.shapes):
            offsets[name] = (offset, shape)
            offset += int(np.prod(shape))
        layout = self.layout if self.layout is not None else {name: name for name in self.names}
        pieces: list[bytes] = []

        def entries(start: int, shape: tuple[int, ...]) -> None:
            if not shape:
                pieces.append(b"%b")
                self.slots.append(start)
                return
            step = int(np.prod(shape[1:]))
            pieces.append(b"[")
            for i in range(shape[0]):
                if i:
                    pieces.append(b",")
                entries(start + i * step, shape[1:])
            pieces.append(b"]")

        def place(node: Any) -> None:
            if isinstance(node, Constant):
                pieces.append(orjson.dumps(node.value).replace(b"%", b"%%"))
            elif isinstance(node, str):
                if node not in offsets:
                    raise ValueError(f"the layout names {node!r}, which is not a column")
                entries(*offsets[node])
            elif isinstance(node, Mapping):
                pieces.append(b"{")
                for i, (key, value) in enumerate(node.items()):
                    pieces.append(
                        (b"," if i else b"") + orjson.dumps(str(key)).replace(b"%", b"%%")
                    )
                    pieces.append(b":")
                    place(value)
                pieces.append(b"}")
            else:
                raise ValueError(f"a layout leaf is a column name or a Constant, not {node!r}")

        place(layout)
        self.template = b"".join(pieces) + b"\n"

    def _rows(self, matrix: np.ndarray) -> None:
        import orjson

        if not len(matrix):
            return
        if not self.slots:
            self.stream.write(self.template * len(matrix))
            return
        tokens = []
        for index in self.slots:
            column = np.ascontiguousarray(matrix[:, index])
            written = column.astype(np.int64) if self.whole[index] else column
            text = orjson.dumps(written, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1]
            words = text.split(b",")
            for row in np.flatnonzero(~np.isfinite(column)).tolist():
                value = column[row]
                nan, inf, minus_inf = _JSON_NONFINITE
                words[row] = nan if np.isnan(value) else inf if value > 0 else minus_inf
            tokens.append(words)
        self.stream.write(b"".join(map(self.template.__mod__, zip(*tokens))))


# --- .npy -----------------------------------------------------------------------------------


class NpyWriter(Writer):
    """One 2-D float64 array, the columns of ``plain``, rows as they come.

    The row count is known only at the end. A seekable stream (a file) gets the
    rows at once and its header rewritten on :meth:`close` (numpy leaves room
    for that). Anything else (a pipe) gets nothing until :meth:`close`: the rows
    wait in an anonymous temporary file, on disk, so memory stays flat either way.
    """

    def __init__(self, stream: IO[bytes]):
        super().__init__(stream)
        try:
            self.start = stream.tell() if stream.seekable() else None
        except (AttributeError, OSError):
            self.start = None
        self.target = stream if self.start is not None else tempfile.TemporaryFile()  # noqa: SIM115
        self.width = 0
        self.closed = False

    def _start(self) -> None:
        self.width = sum(int(np.prod(shape)) for shape in self.shapes)
        if self.start is not None:
            self.stream.write(self._header(0))

    def _header(self, rows: int) -> bytes:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (rows, self.width)}
        )
        return header.getvalue()

    def _rows(self, matrix: np.ndarray) -> None:
        self.target.write(np.ascontiguousarray(matrix, dtype="<f8").data)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        header = self._header(self.rows)
        if self.start is None:
            self.stream.write(header)
            self.target.seek(0)
            shutil.copyfileobj(self.target, self.stream, 1 << 20)
            self.target.close()
        elif self.names is None:
            self.stream.write(header)
        else:
            end = self.stream.tell()
            self.stream.seek(self.start)
            # numpy pads the header so the row count can grow to 21 digits in place.
            assert len(header) == len(self._header(0))
            self.stream.write(header)
            self.stream.seek(end)
        self.stream.flush()
