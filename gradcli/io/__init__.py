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

# Loaded on first use: reading a program file needs only gradcli.streams.sources, and
# the readers and writers cost tens of milliseconds at start-up.
_HOMES = {
    **dict.fromkeys(("CHUNK_ROWS", "FORMATS", "ON_ERROR", "Chunk", "PointsError", "read_points"),
                    "gradcli.streams.readers"),
    **dict.fromkeys(("WRITE_FORMATS", "Constant", "JsonLinesWriter", "NpyWriter", "TextWriter",
                     "Writer", "open_writer", "text_rows"), "gradcli.streams.writers"),
}  # fmt: skip

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
