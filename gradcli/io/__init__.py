"""Points in, rows out: reading points and programs, writing rows; nothing here computes.

Reading (:mod:`gradcli.io.readers`)::

    for chunk in read_points(sys.stdin.buffer, names=["x"], on_error="skip"):
        chunk.columns["x"]   # float64, shape (rows,), row axis first
        chunk.lines          # each row's input line number
        chunk.errors         # rows skipped (or nulled) here, as PointsError with .line

Writing (:mod:`gradcli.io.writers`)::

    with open_writer(sys.stdout.buffer, "tsv") as out:
        out.write([("x", xs), ("value", values), ("d/dx", slopes)])

Bounded reads of program text and ``@`` files are in :mod:`gradcli.io.sources`, and which
column is which variable in :mod:`gradcli.io.columns`. The modules are imported one by one,
so reading a program file does not load the readers and writers.
"""
