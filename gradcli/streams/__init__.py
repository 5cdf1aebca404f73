"""Points in, rows out: the I/O of streaming ``eval``/``diff`` over many points.

Reading::

    for chunk in read_points(sys.stdin.buffer, names=["x"], on_error="skip"):
        chunk.columns["x"]   # float64, shape (rows,), row axis first
        chunk.lines          # each row's input line number
        chunk.errors         # rows skipped (or nulled) here, as PointsError with .line

Writing::

    with open_writer(sys.stdout.buffer, "tsv") as out:
        out.write([("x", xs), ("value", values), ("d/dx", slopes)])

The formats, the number spelling and the memory behaviour are described in
:mod:`gradcli.streams.readers` and :mod:`gradcli.streams.writers`.
"""

from gradcli.streams.readers import (
    CHUNK_ROWS,
    FORMATS,
    ON_ERROR,
    Chunk,
    PointsError,
    read_points,
)
from gradcli.streams.writers import (
    WRITE_FORMATS,
    Constant,
    JsonLinesWriter,
    NpyWriter,
    TextWriter,
    Writer,
    open_writer,
    text_rows,
)

__all__ = [
    "CHUNK_ROWS", "FORMATS", "ON_ERROR", "WRITE_FORMATS", "Chunk", "Constant", "JsonLinesWriter",
    "NpyWriter", "PointsError", "TextWriter", "Writer", "open_writer", "read_points", "text_rows",
]  # fmt: skip
