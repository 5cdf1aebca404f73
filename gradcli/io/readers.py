"""Points from text, JSON Lines, ``.npy`` and ``.npz``, read in chunks of rows.

:func:`read_points` yields :class:`Chunk` objects: a float64 array per variable
with the row axis first, and the input line (or row) number of every row.
Memory stays flat however long the input: at most ``chunk_rows`` rows are held.
When a pipe or terminal has nothing more waiting, the rows read so far are
yielded at once, so a slow producer gets each answer promptly.

Text is parsed on three paths that accept the same numbers (an optional sign,
then decimal digits with an optional point and exponent, or ``nan``, ``inf``,
``infinity`` in any case): a chunk of plain decimal numbers goes through
orjson's parser (correctly rounded, 2-3x faster than numpy's), anything else
through ``numpy.loadtxt``, and a chunk that either refuses row by row, which is
where a bad row gets its line number.

Columns are named by the input (a header line, JSON keys, ``.npz`` members, a
record ``.npy``) or by the caller (``columns``), never by the order of the names
the caller expects: otherwise only a lone unnamed column is named, by the lone
name expected. A UTF-8 byte-order mark at the start is skipped, and a line
longer than :data:`LINE_CAP` is a bad row (its bytes are dropped as they come,
never held).
"""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gradcli.errors import GradcliError, option
from gradcli.io.sources import ByteSource, Source, size

FORMATS = ("text", "csv", "tsv", "jsonl", "npy", "npz")
"""``text`` is whitespace-separated (spaces or tabs, any number); ``tsv`` is one tab."""

ON_ERROR = ("stop", "skip", "null")

CHUNK_ROWS = 1 << 16

LINE_CAP = 1 << 20
"""The longest line of text or JSON Lines, in bytes; a longer one is a bad row."""

_NPY_HEADER_CAP = 10_000
"""The longest ``.npy`` header read (numpy's own ``max_header_size``)."""

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".npy": "npy",
    ".npz": "npz",
}
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

_NUMBER = re.compile(
    rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:inf|infinity|nan))", re.ASCII
)
# A blank line or a comment: neither is a row (matched with re.M over a chunk).
_NOT_A_ROW = re.compile(rb"^[ \t]*(?:#|$)", re.M)
_DIGITS = b"0123456789.eE+-\n"


class PointsError(GradcliError, ValueError):
    """Points that cannot be read: a bad row (``line`` says where) or an unreadable input.

    ``line`` is the 1-based line of text and JSON Lines input, or the 1-based row
    of ``.npy`` and ``.npz`` input; ``None`` when the whole input is at fault.
    ``source`` names the input (a path, ``standard input``) for the message.
    """

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None):
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.message = message
        self.line = line
        self.source = source


@dataclass
class Chunk:
    """Consecutive rows of the input.

    ``columns`` maps each variable, in input order, to a float64 array of shape
    ``(rows,)`` or ``(rows, *shape)``. ``lines`` holds each row's input line
    (text, JSON Lines) or row number (``.npy``, ``.npz``), 1-based. ``errors``
    are the rows of this stretch of input that ``on_error`` skipped (absent from
    ``columns``) or nulled (present, all NaN), in input order; a chunk may hold
    only errors.
    """

    columns: dict[str, np.ndarray]
    lines: np.ndarray
    errors: list[PointsError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.lines)


def read_points(
    source: Source,
    format: str | None = None,
    names: Sequence[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    on_error: str = "stop",
    *,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
) -> Iterator[Chunk]:
    """The rows of ``source`` in chunks of at most ``chunk_rows``.

    ``source`` is a path, a binary file object (``sys.stdin.buffer``) or an
    iterable of byte blocks. ``format`` is one of :data:`FORMATS`; by default it
    comes from the file name (``.csv``, ``.tsv``, ``.jsonl``, ``.npy``, ...) or
    from the first bytes (npy and zip magic, ``{`` for JSON Lines, a comma for
    CSV, otherwise whitespace-separated text).

    ``columns`` name, in order, the columns the input leaves unnamed: text
    without a header line (the first line is a header when any of its fields is
    not a number) and a plain ``.npy``; an input that names its own columns (a
    header, JSON keys, ``.npz`` members, a record ``.npy``) is refused with
    them. ``names`` are the variables the caller expects, in order: without
    ``columns``, one unnamed column is named by the one name expected (a
    ``.npy``'s whole row is that variable), and several unnamed columns are
    refused, since which is which would be a guess. Names the input gives are
    returned as they are; the caller checks they are the ones it needs.

    A bad row (not a number, a wrong field count, a wrong shape) is a
    :class:`PointsError` with its line. ``on_error="stop"`` raises it after
    yielding every earlier row; ``"skip"`` leaves the row out and ``"null"``
    gives it NaN values, both listing it in the chunk's ``errors``. Text skips
    blank lines and ``#`` comments, JSON Lines blank lines. An input that cannot
    be read at all (a missing file, a bad header) raises whatever the policy.
    A line longer than :data:`LINE_CAP` is a bad row. With a ``limit``, an input
    of more than ``limit`` bytes is a :class:`~gradcli.errors.LimitError`.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    try:
        data = ByteSource(source, limit)
    except OSError as error:
        raise PointsError(str(error)) from None
    naming = _Naming(names, columns)
    try:
        data.skip_bom()
        kind = format or _detect(data, source)
        policy = _Policy(on_error, data.label)
        if kind in ("text", "csv", "tsv"):
            yield from _TextReader(data, kind, naming, policy).chunks(chunk_rows)
            return
        if kind == "npy":
            yield from _read_npy(data, naming, chunk_rows)
            return
        if columns is not None:
            what = "JSON Lines name their variables" if kind == "jsonl" else ".npz names its arrays"
            raise PointsError(
                f"{data.label}: {what}; leave out {option('columns')}", source=data.label
            )
        if kind == "jsonl":
            yield from _JsonLinesReader(data, policy).chunks(chunk_rows)
        else:
            yield from _read_npz(data, chunk_rows)
    except OSError as error:
        raise PointsError(f"cannot read {data.label}: {error}", source=data.label) from None
    finally:
        data.close()


# --- detection ------------------------------------------------------------------------------


def _detect(data: ByteSource, source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        suffix = Path(source).suffix.lower()
        if suffix in _SUFFIXES:
            return _SUFFIXES[suffix]
    # Only as many bytes as it takes: a slow producer may have sent a single short line.
    while len(data.peeked) < len(_NPY_MAGIC) and b"\n" not in data.peeked:
        if not data.peek_more():
            break
    if data.peeked.startswith(_NPY_MAGIC):
        return "npy"
    if data.peeked.startswith(_ZIP_MAGIC):
        return "npz"
    line = _first_row(data)
    if line.lstrip().startswith(b"{"):
        return "jsonl"
    return "csv" if b"," in line else "text"


def _first_row(data: ByteSource) -> bytes:
    """The first line that is not blank or a comment, peeked (or b"" if there is none).

    Of a line longer than :data:`LINE_CAP`, its first bytes: reading on would hold the
    whole line (``/dev/zero`` has no end), and the line is a bad row anyway.
    """
    ended = False
    while True:
        lines = data.peeked.split(b"\n")
        for line in lines if ended else lines[:-1]:
            if not _NOT_A_ROW.match(line):
                return line
        if ended:
            return b""
        if len(lines[-1]) > LINE_CAP:
            return lines[-1][:LINE_CAP]
        ended = not data.peek_more()


# --- naming unnamed columns -----------------------------------------------------------------


class _Naming:
    """Names for the columns of an input that does not name them, or why there are none."""

    def __init__(self, expected: Sequence[str] | None, given: Sequence[str] | None):
        self.expected = list(expected or [])
        self.given = list(given) if given is not None else None

    def refuse_own_names(
        self, what: str, names: Sequence[str], label: str, line: int | None = None
    ) -> None:
        """The input names its columns (``what`` says where): naming them again is a
        contradiction, not a choice."""
        if self.given is not None:
            raise PointsError(
                f"{what} ({', '.join(names)}); leave out {option('columns')}",
                line=line,
                source=label,
            )

    def unnamed(
        self, count: int, what: str, header: str | None, line: int | None, label: str
    ) -> list[str]:
        """The names of ``count`` unnamed columns, or the refusal saying how to name them:
        ``what`` describes the columns, ``header`` joins names into a header line (None
        where the input cannot have one)."""
        if self.given is not None:
            return list(self.given)
        if count == 1 and len(self.expected) == 1:
            return list(self.expected)
        # Names to copy only when they fit the columns; the order is the user's to say.
        fits = bool(self.expected) and count == len(self.expected)
        ways = []
        if header is not None:
            ways.append(
                f"a first line such as {header.join(self.expected)!r}"
                if fits
                else "a first line of names"
            )
        ways.append(f"{option('columns')} {','.join(self.expected)}" if fits else option("columns"))
        npz = "" if header is not None else ", or save an .npz with one array per variable"
        expected = ", ".join(self.expected) or "none"
        raise PointsError(
            f"{what} (the variables expected: {expected}); say which "
            f"column is which, in order, with {' or '.join(ways)}{npz}",
            line=line,
            source=label,
        )


# --- bad rows -------------------------------------------------------------------------------


class _Policy:
    """What ``on_error`` does with the rows of one chunk once each is parsed or refused."""

    def __init__(self, on_error: str, label: str):
        self.on_error = on_error
        self.label = label

    def error(self, message: str, line: int | None = None) -> PointsError:
        return PointsError(message, line=line, source=self.label)

    def settle(
        self,
        names: Sequence[str],
        shapes: Sequence[tuple[int, ...]],
        lines: Sequence[int],
        rows: Sequence[Sequence[np.ndarray] | PointsError],
    ) -> Iterator[Chunk]:
        """A chunk of the good rows (and the nulled ones), then the first error if stopping."""
        errors = [row for row in rows if isinstance(row, PointsError)]
        if errors and self.on_error == "stop":
            first = next(i for i, row in enumerate(rows) if isinstance(row, PointsError))
            if first:
                yield from self.settle(names, shapes, lines[:first], rows[:first])
            raise errors[0]
        if self.on_error == "null":
            nulls = [np.full(shape, np.nan) for shape in shapes]
            rows = [nulls if isinstance(row, PointsError) else row for row in rows]
        else:
            kept = [i for i, row in enumerate(rows) if not isinstance(row, PointsError)]
            rows, lines = [rows[i] for i in kept], [lines[i] for i in kept]
        columns = {
            name: np.array([row[j] for row in rows], dtype=np.float64).reshape(len(rows), *shape)
            for j, (name, shape) in enumerate(zip(names, shapes))
        }
        if rows or errors:
            yield Chunk(columns, np.asarray(lines, dtype=np.int64), errors)


# --- lines ----------------------------------------------------------------------------------


def _line_blocks(data: ByteSource, chunk_rows: int) -> Iterator[tuple[bytes | None, int]]:
    """Blocks of whole lines (each ending in a newline) and the number of the first.

    A block has ``chunk_rows`` lines, or fewer when the input pauses or ends. A line
    longer than :data:`LINE_CAP` comes as ``(None, its number)`` as soon as it is known
    to be too long; its bytes are dropped as they arrive, up to its newline.
    """
    lines = _Lines(chunk_rows)
    dropping = False
    while more := data.read():
        while more:
            if dropping:
                end = more.find(b"\n")
                more, dropping = (b"", True) if end < 0 else (more[end + 1 :], False)
                continue
            start = _long_line(more, lines.tail)
            if start is None:
                yield from lines.add(more)
                break
            yield from lines.add(more[:start])
            yield from lines.complete()
            yield None, lines.skip()
            more, dropping = more[start:], True
        if lines.newlines and not data.ready():
            yield from lines.complete()
    if lines.buffer:
        yield bytes(lines.buffer) + (b"" if lines.buffer.endswith(b"\n") else b"\n"), lines.line


class _Lines:
    """The lines read and not yet handed over: whole ones, then the start of the next."""

    def __init__(self, chunk_rows: int):
        self.chunk_rows = chunk_rows
        self.buffer = bytearray()
        self.newlines = 0
        self.line = 1  # the number of the first line in the buffer
        self.tail = 0  # the length of the unfinished line at its end

    def add(self, more: bytes) -> Iterator[tuple[bytes, int]]:
        """Take ``more``, handing over every full block of ``chunk_rows`` lines."""
        self.buffer += more
        count = more.count(b"\n")
        self.newlines += count
        self.tail = len(more) - 1 - more.rfind(b"\n") if count else self.tail + len(more)
        while self.newlines >= self.chunk_rows:
            cut = _after_newline(self.buffer, self.chunk_rows)
            yield bytes(self.buffer[:cut]), self.line
            del self.buffer[:cut]
            self.line += self.chunk_rows
            self.newlines -= self.chunk_rows

    def complete(self) -> Iterator[tuple[bytes, int]]:
        """Hand over the whole lines, however few."""
        if self.newlines:
            cut = len(self.buffer) - self.tail
            yield bytes(self.buffer[:cut]), self.line
            del self.buffer[:cut]
            self.line += self.newlines
            self.newlines = 0

    def skip(self) -> int:
        """Drop the unfinished line (after :meth:`complete`); its number."""
        self.buffer.clear()
        self.tail = 0
        self.line += 1
        return self.line - 1


def _long_line(more: bytes, tail: int) -> int | None:
    """Where in ``more`` the first line longer than :data:`LINE_CAP` starts (0 also for
    the line ``tail`` bytes of which came before), or None if ``more`` shows none."""
    first = more.find(b"\n")
    if first < 0:
        return 0 if tail + len(more) > LINE_CAP else None
    if tail + first > LINE_CAP:
        return 0
    last = more.rfind(b"\n")
    if last - first > LINE_CAP:  # only a block longer than the cap can hold a long line whole
        ends = np.flatnonzero(np.frombuffer(more, dtype=np.uint8) == ord("\n"))
        long = np.flatnonzero(np.diff(ends) - 1 > LINE_CAP)
        if len(long):
            return int(ends[long[0]]) + 1
    return last + 1 if len(more) - 1 - last > LINE_CAP else None


def _after_newline(buffer: bytearray, count: int) -> int:
    """The offset just past the ``count``-th newline of ``buffer``."""
    view = np.frombuffer(buffer, dtype=np.uint8)
    offset = int(np.flatnonzero(view == ord("\n"))[count - 1]) + 1
    del view  # the bytearray cannot be resized while numpy holds its buffer
    return offset


def _may_skip(text: bytes) -> bool:
    """Whether a block of lines may hold a blank line or a comment (cheap, can say yes wrongly)."""
    return (
        b"#" in text
        or b"\n\n" in text
        or text[:1] in (b" ", b"\t", b"\n")
        or b"\n " in text
        or b"\n\t" in text
    )


def _too_long(policy: _Policy, line: int) -> PointsError:
    return policy.error(f"the line is longer than {size(LINE_CAP)}, the most a row may take", line)


def _shown(text: bytes, limit: int = 40) -> str:
    shown = text.decode("utf-8", "replace")
    return repr(shown if len(shown) <= limit else shown[: limit - 1] + "…")


# --- text -----------------------------------------------------------------------------------


class _TextReader:
    """Whitespace, CSV or TSV text; a header line names the columns, or ``naming`` does."""

    def __init__(self, data: ByteSource, kind: str, naming: _Naming, policy: _Policy):
        self.data = data
        self.kind = kind
        self.naming = naming
        self.names: list[str] | None = None
        self.policy = policy
        separators = {"text": b" \t", "csv": b",", "tsv": b"\t"}[kind]
        self.separators = separators
        self.to_commas = bytes.maketrans(separators + b"\n", b"," * (len(separators) + 1))
        self.delimiter = None if kind == "text" else separators.decode()

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        for text, first in _line_blocks(self.data, chunk_rows):
            if text is not None:
                yield from self._block(text, first)
            elif self.names is None and self.naming.given is None:
                # It may have been the header: without names no later row can be read.
                raise _too_long(self.policy, first)
            else:
                self.names = self.names or list(self.naming.given)  # type: ignore[arg-type]
                shapes = [()] * len(self.names)
                yield from self.policy.settle(
                    self.names, shapes, [first], [_too_long(self.policy, first)]
                )

    def _block(self, text: bytes, first: int) -> Iterator[Chunk]:
        if b"\r" in text:
            text = text.replace(b"\r\n", b"\n")
        if self.names is None:
            text, first = self._take_header(text, first)
            if self.names is None:
                return  # only blank lines and comments so far
        # The fast path takes no blank line or comment (orjson refuses the empty fields), so
        # only a block it refuses is searched for lines that are not rows.
        lines = np.arange(first, first + text.count(b"\n"), dtype=np.int64)
        values = self._plain_numbers(text, len(lines)) if len(lines) else None
        if values is None and _may_skip(text):
            rows = [
                (number, line)
                for number, line in enumerate(text.split(b"\n")[:-1], first)
                if not _NOT_A_ROW.match(line)
            ]
            lines = np.array([number for number, _ in rows], dtype=np.int64)
            text = b"".join(line + b"\n" for _, line in rows)
        if not len(lines):
            return
        if values is None:
            values = self._loadtxt(text, len(lines))
        if values is not None:
            columns = {
                name: np.ascontiguousarray(values[:, j]) for j, name in enumerate(self.names)
            }
            yield Chunk(columns, lines)
            return
        parsed = [self._row(line, number) for number, line in zip(lines, text.split(b"\n"))]
        shapes = [()] * len(self.names)
        yield from self.policy.settle(self.names, shapes, [int(n) for n in lines], parsed)

    def _take_header(self, text: bytes, first: int) -> tuple[bytes, int]:
        """The block from its first row on (after the header, if that row is one)."""
        start = 0
        while start < len(text):
            end = text.index(b"\n", start)
            line = text[start:end]
            if not _NOT_A_ROW.match(line):
                if self._header(first, line):
                    return text[end + 1 :], first + 1
                return text[start:], first
            start, first = end + 1, first + 1
        return b"", first

    def _fields(self, line: bytes) -> list[bytes]:
        if self.delimiter is None:
            return line.split()
        return [field.strip() for field in line.split(self.separators)]

    def _header(self, line: int, text: bytes) -> bool:
        """Take the names from the first row; whether it was a header (not data)."""
        fields = self._fields(text)
        if all(_NUMBER.fullmatch(field) for field in fields):
            columns = "1 column" if len(fields) == 1 else f"{len(fields)} columns"
            what = f"{columns} of numbers and no header line naming them"
            header = {"text": " ", "csv": ",", "tsv": "\t"}[self.kind]
            self.names = self.naming.unnamed(len(fields), what, header, line, self.policy.label)
            return False
        try:
            decoded = text.decode("utf-8")
        except UnicodeDecodeError:
            raise self.policy.error("the header line is not UTF-8 text", line) from None
        if self.kind == "csv":
            names = [name.strip() for name in next(csv.reader([decoded]))]
        elif self.kind == "tsv":
            names = [name.strip() for name in decoded.split("\t")]
        else:
            names = decoded.split()
        for name in names:
            if not name or _NUMBER.fullmatch(name.encode()):
                raise self.policy.error(
                    f"the header line names the columns, and {name!r} is not a name", line
                )
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise self.policy.error(f"the header line names {repeated[0]!r} twice", line)
        self.naming.refuse_own_names(
            "the header line names the columns", names, self.policy.label, line
        )
        self.names = names
        return True

    def _plain_numbers(self, text: bytes, rows: int) -> np.ndarray | None:
        """The chunk through orjson when it holds only plain decimals, one per field."""
        width = len(self.names)  # type: ignore[arg-type]
        if text.translate(None, _DIGITS + self.separators):
            return None  # letters (nan, inf, a typo), quotes, a stray \r, ...
        flat = bytearray(b"[")
        flat += text
        flat = flat.translate(self.to_commas)
        flat[-1] = ord("]")
        # "-0" is a JSON integer, so orjson would read it as 0 and lose the sign.
        if flat.count(b",") != rows * width - 1 or b"-0," in flat or b"-0]" in flat:
            return None
        import orjson

        try:
            values = np.array(orjson.loads(flat), dtype=np.float64)
        except (orjson.JSONDecodeError, OverflowError, TypeError):
            return None
        if width > 1 and not self._one_row_per_line(text, rows, width):
            return None
        return values.reshape(rows, width)

    def _one_row_per_line(self, text: bytes, rows: int, width: int) -> bool:
        """Whether every line holds exactly ``width - 1`` separators (the total is right)."""
        view = np.frombuffer(text, dtype=np.uint8)
        ends = np.flatnonzero(view == ord("\n"))
        is_separator = view == self.separators[0]
        for other in self.separators[1:]:
            is_separator |= view == other
        separators = np.flatnonzero(is_separator).reshape(rows, width - 1)
        starts = np.concatenate(([-1], ends[:-1]))
        return bool((separators[:, 0] > starts).all() and (separators[:, -1] < ends).all())

    def _loadtxt(self, text: bytes, rows: int) -> np.ndarray | None:
        width = len(self.names)  # type: ignore[arg-type]
        try:
            values = np.loadtxt(
                io.BytesIO(text), delimiter=self.delimiter, comments=None, ndmin=2, dtype=np.float64
            )
        except (ValueError, UnicodeDecodeError):
            return None
        return values if values.shape == (rows, width) else None

    def _row(self, text: bytes, line: int) -> list[np.ndarray] | PointsError:
        assert self.names is not None
        fields = self._fields(text)
        if len(fields) != len(self.names):
            expected = ", ".join(self.names)
            return self.policy.error(
                f"{len(fields)} field{'s' * (len(fields) != 1)} where the columns are {expected}",
                line,
            )
        values = []
        for name, field_ in zip(self.names, fields):
            if not _NUMBER.fullmatch(field_):
                return self.policy.error(f"{_shown(field_)} is not a number (column {name})", line)
            values.append(float(field_))
        return values


# --- JSON Lines -----------------------------------------------------------------------------

_JSON_NONFINITE = {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}


class _JsonLinesReader:
    """One JSON object per line; the first good row fixes the variables and their shapes.

    Values are numbers, nested lists of numbers (an array, kept with its shape)
    or the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` of gradcli's JSON
    output. A JSON integer ``-0`` is zero; write ``-0.0`` for negative zero.
    """

    def __init__(self, data: ByteSource, policy: _Policy):
        self.data = data
        self.policy = policy
        self.names: list[str] | None = None
        self.shapes: list[tuple[int, ...]] = []
        self.keys: set[str] = set()

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        for text, first in _line_blocks(self.data, chunk_rows):
            if text is None:
                # Before the first good row there are no names: the row is an error only.
                names, shapes = (self.names, self.shapes) if self.names else ([], [])
                error = _too_long(self.policy, first)
                yield from self.policy.settle(names, shapes, [first], [error])
                continue
            if b"\r" in text:
                text = text.replace(b"\r\n", b"\n")
            rows = [
                (number, line)
                for number, line in enumerate(text.split(b"\n")[:-1], first)
                if line.strip()
            ]
            if not rows:
                continue
            if self.names is None:
                self._row(*rows[0][::-1])  # the first good row, if it is one, fixes the names
            chunk = self._all_good(rows) if self.names is not None else None
            if chunk is not None:
                yield chunk
                continue
            parsed = [self._row(line, number) for number, line in rows]
            lines = [number for number, _ in rows]
            if self.names is None:
                # No good row yet, so no names: every row here is an error.
                names: list[str] = []
                parsed = [row if isinstance(row, PointsError) else [] for row in parsed]
                yield from self.policy.settle(names, [], lines, parsed)
                continue
            yield from self.policy.settle(self.names, self.shapes, lines, parsed)

    def _all_good(self, rows: list[tuple[int, bytes]]) -> Chunk | None:
        """The chunk in one orjson call when every row is a plain object of numbers."""
        import orjson

        assert self.names is not None
        text = b"\n".join(line for _, line in rows)
        # Strings other than the keys ("NaN", typos) and true/false/null need the row path.
        if text.count(b'"') != 2 * len(self.names) * len(rows) or any(
            word in text for word in (b"true", b"false", b"null")
        ):
            return None
        try:
            objects = orjson.loads(b"[" + text.replace(b"\n", b",") + b"]")
        except orjson.JSONDecodeError:
            return None
        if len(objects) != len(rows) or not all(
            type(obj) is dict and obj.keys() == self.keys for obj in objects
        ):
            return None
        columns = {}
        for name, shape in zip(self.names, self.shapes):
            try:
                column = np.array([obj[name] for obj in objects], dtype=np.float64)
            except (ValueError, TypeError):
                return None
            if column.shape != (len(rows), *shape):
                return None
            columns[name] = column
        return Chunk(columns, np.array([number for number, _ in rows], dtype=np.int64))

    def _row(self, text: bytes, line: int) -> list[np.ndarray] | PointsError:
        import orjson

        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            return self.policy.error(f"not JSON ({error.msg.lower()})", line)
        if type(obj) is not dict:
            return self.policy.error(
                f'expected an object of variables such as {{"x": 1.5}}, found {_shown(text)}', line
            )
        values = []
        for name, value in obj.items():
            array = _json_array(value)
            if array is None:
                shown = orjson.dumps(value).decode()
                shown = shown if len(shown) <= 40 else shown[:39] + "…"
                return self.policy.error(
                    f"{name} is {shown}, not a number or an array of numbers", line
                )
            values.append(array)
        if self.names is None:
            self.names = list(obj)
            self.keys = set(obj)
            self.shapes = [array.shape for array in values]
            return values
        if obj.keys() != self.keys:
            missing = [name for name in self.names if name not in obj]
            if missing:
                return self.policy.error(f"no value for {', '.join(missing)}", line)
            extra = [name for name in obj if name not in self.keys]
            return self.policy.error(
                f"{', '.join(extra)} is not among the variables of the first row "
                f"({', '.join(self.names)})",
                line,
            )
        by_name = dict(zip(obj, values))
        row = []
        for name, shape in zip(self.names, self.shapes):
            array = by_name[name]
            if array.shape != shape:
                return self.policy.error(
                    f"{name} has shape {array.shape}, and in the first row {shape}", line
                )
            row.append(array)
        return row


def _json_array(value: object) -> np.ndarray | None:
    """A JSON number, non-finite string or rectangular nested list as an array, else None."""
    if type(value) in (int, float):
        return np.array(float(value))  # type: ignore[arg-type]
    if type(value) is str:
        return np.array(_JSON_NONFINITE[value]) if value in _JSON_NONFINITE else None
    if type(value) is not list or not value:
        return None
    items = [_json_array(item) for item in value]
    if any(item is None for item in items) or len({item.shape for item in items}) != 1:  # type: ignore[union-attr]
        return None
    return np.stack(items)  # type: ignore[arg-type]


# --- .npy and .npz --------------------------------------------------------------------------


class _NpyStream:
    """The rows of one ``.npy`` stream, read without holding the whole array."""

    def __init__(self, data: ByteSource, label: str):
        self.data = data
        self.label = label
        magic = data.take(8)
        if not magic.startswith(_NPY_MAGIC) or len(magic) < 8:
            raise PointsError(f"{label} is not a .npy file", source=label)
        size_format = "<H" if magic[6] == 1 else "<I"
        size_bytes = data.take(struct.calcsize(size_format))
        header_size = struct.unpack(size_format, size_bytes)[0]
        if header_size > _NPY_HEADER_CAP:
            raise PointsError(
                f"{label} has a .npy header of {header_size:,} bytes, more than the "
                f"{_NPY_HEADER_CAP:,} numpy reads",
                source=label,
            )
        header = data.take(header_size)
        reader = np.lib.format.read_array_header_1_0
        if magic[6] != 1:
            reader = np.lib.format.read_array_header_2_0
        try:
            shape, fortran_order, dtype = reader(io.BytesIO(size_bytes + header))
        except ValueError as error:
            raise PointsError(f"{label} has a broken .npy header ({error})", source=label) from None
        self.shape, self.dtype = tuple(shape), dtype
        if not shape:
            raise PointsError(
                f"{label} holds a single value, not rows; bind it as a constant instead",
                source=label,
            )
        if dtype.hasobject or not (dtype.names or dtype.kind in "biuf"):
            raise PointsError(f"{label} holds {dtype}, not real numbers", source=label)
        if fortran_order and len(shape) > 1:
            raise PointsError(
                f"{label} is stored in Fortran order, which cannot be read row by row; "
                "save it with numpy.save(path, numpy.ascontiguousarray(array))",
                source=label,
            )
        self.row_shape = self.shape[1:]
        self.row_bytes = dtype.itemsize * int(np.prod(self.row_shape))
        self.done = 0
        self.buffer = bytearray()

    def next(self, chunk_rows: int, prompt: bool) -> np.ndarray | None:
        """Up to ``chunk_rows`` rows (a copy); with ``prompt``, the whole rows already waiting."""
        left = self.shape[0] - self.done
        if not left:
            if self.buffer or self.data.read():
                raise PointsError(
                    f"{self.label} goes on after the {self.shape[0]} rows its header announces",
                    source=self.label,
                )
            return None
        count = min(chunk_rows, left)
        if self.row_bytes:
            while len(self.buffer) < count * self.row_bytes:
                if prompt and len(self.buffer) >= self.row_bytes and not self.data.ready():
                    count = len(self.buffer) // self.row_bytes
                    break
                more = self.data.read()
                if not more:
                    whole = self.done + len(self.buffer) // self.row_bytes
                    raise PointsError(
                        f"{self.label} ends after {whole} of the {self.shape[0]} rows "
                        "its header announces",
                        source=self.label,
                    )
                self.buffer += more
        size = count * self.row_bytes
        view = np.frombuffer(self.buffer, dtype=np.uint8, count=size)
        rows = view.view(self.dtype).reshape(count, *self.row_shape).copy()
        del view  # the bytearray cannot be resized while numpy holds its buffer
        del self.buffer[:size]
        self.done += count
        return rows


def _float_columns(
    stream: _NpyStream, naming: _Naming
) -> list[tuple[str, tuple[int, ...], slice | str | None]]:
    """How the rows of a ``.npy`` map to variables: (name, row shape, what to take)."""
    if stream.dtype.names:
        what = f"{stream.label} is a record array naming its columns"
        naming.refuse_own_names(what, stream.dtype.names, stream.label)
        return [(name, stream.dtype[name].shape, name) for name in stream.dtype.names]
    row_shape = stream.row_shape
    shape = "x".join(map(str, stream.shape))
    if naming.given is None and len(naming.expected) == 1:
        names = naming.expected  # the one variable takes the whole row, a vector per row or not
    elif len(row_shape) == 1:
        what = f"{stream.label} holds {row_shape[0]} columns of numbers ({shape}) with no names"
        names = naming.unnamed(row_shape[0], what, None, None, stream.label)
    else:
        what = (
            f"{stream.label} holds one column of numbers with no name"
            if not row_shape
            else f"{stream.label} holds a {shape} array with no names"
        )
        names = naming.unnamed(1, what, None, None, stream.label)
    if len(names) == 1:
        return [(names[0], row_shape, None)]
    if len(row_shape) == 1 and len(names) == row_shape[0]:
        return [(name, (), j) for j, name in enumerate(names)]  # type: ignore[misc]
    raise PointsError(
        f"{stream.label} is a {shape} array and {option('columns')} names {len(names)} columns; "
        "a 2-D array gives one variable per column, a 1-D array one variable",
        source=stream.label,
    )


def _columns(rows: np.ndarray, mapping) -> dict[str, np.ndarray]:
    columns = {}
    for name, shape, take in mapping:
        values = rows if take is None else rows[take] if isinstance(take, str) else rows[:, take]
        columns[name] = np.array(values, dtype=np.float64).reshape(len(rows), *shape)
    return columns


def _read_npy(data: ByteSource, naming: _Naming, chunk_rows: int) -> Iterator[Chunk]:
    stream = _NpyStream(data, data.label)
    mapping = _float_columns(stream, naming)
    while (rows := stream.next(chunk_rows, prompt=True)) is not None:
        if len(rows):
            lines = np.arange(stream.done - len(rows) + 1, stream.done + 1, dtype=np.int64)
            yield Chunk(_columns(rows, mapping), lines)


def _read_npz(data: ByteSource, chunk_rows: int) -> Iterator[Chunk]:
    # zip keeps its directory at the end: a pipe goes to a temporary file first.
    file = data.seekable_file()
    spooled = None if file is not None else data.spool()
    try:
        archive = zipfile.ZipFile(file or spooled)  # type: ignore[arg-type]
    except zipfile.BadZipFile:
        raise PointsError(f"{data.label} is not a .npz file", source=data.label) from None
    with archive:
        members = [name for name in archive.namelist() if name.endswith(".npy")]
        if not members:
            raise PointsError(f"{data.label} holds no arrays", source=data.label)
        streams = []
        for member in members:
            name = member[: -len(".npy")]
            stream = _NpyStream(ByteSource(archive.open(member)), f"{name} in {data.label}")
            if stream.dtype.names:
                raise PointsError(f"{stream.label} is a record array", source=data.label)
            streams.append((name, stream))
        counts = {stream.shape[0] for _, stream in streams}
        if len(counts) > 1:
            sizes = ", ".join(f"{name} {stream.shape[0]}" for name, stream in streams)
            raise PointsError(
                f"the arrays in {data.label} have different numbers of rows ({sizes})",
                source=data.label,
            )
        done = 0
        while True:
            blocks = [(name, stream.next(chunk_rows, prompt=False)) for name, stream in streams]
            if blocks[0][1] is None:
                break
            count = len(blocks[0][1])
            columns = {
                name: np.asarray(rows, dtype=np.float64)
                for name, rows in blocks  # type: ignore[misc]
            }
            yield Chunk(columns, np.arange(done + 1, done + count + 1, dtype=np.int64))
            done += count
    if spooled is not None:
        spooled.close()
