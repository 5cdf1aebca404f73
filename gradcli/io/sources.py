"""Bytes from a path, a binary file object or an iterable of byte blocks, as they arrive.

A reader asks for the next block of bytes and whether more are ready now. The
second question is what lets a slow producer (``tail -f``, a person typing) get
each row's answer at once: when nothing more is waiting in the pipe, the reader
hands over the rows it has instead of waiting for a full chunk.

Inputs read whole (a program, a file loaded into one variable) are read with a
size cap, counted before the bytes are kept: ``/dev/zero`` or a runaway pipe is
refused after cap + 1 bytes, not when memory runs out.
"""

from __future__ import annotations

import os
import select
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from gradcli.errors import LimitError

BLOCK = 1 << 20
"""Bytes asked for per read: larger than any buffered reader's buffer, so one ``read1``
drains it and ``select`` on the descriptor then tells whether more is waiting."""

PROGRAM_CAP = 1 << 20
"""The most bytes a program or expression file (``-f``, ``@FILE``, standard input) may hold."""

WHOLE_FILE_CAP = 128 << 20
"""The most bytes a file loaded whole into one variable (``--at x=@FILE``) may hold: room
for the largest tensor as ``.npy`` (10^7 float64 numbers, 80 MB)."""

BOM = b"\xef\xbb\xbf"
"""UTF-8's byte-order mark, which Excel ("CSV UTF-8") and Notepad put before the text."""

Source = str | os.PathLike | BinaryIO | Iterable[bytes]


def size(count: int) -> str:
    """A byte count as people write it (``1 MiB``, ``128 MiB``, ``1,000 bytes``)."""
    if count >= 1 << 20 and count % (1 << 20) == 0:
        return f"{count >> 20:,} MiB"
    return f"{count:,} bytes"


def read_capped(source: str | os.PathLike | BinaryIO, cap: int, what: str) -> bytes:
    """All of ``source`` (a path or a binary file), without a leading byte-order mark.

    At most ``cap + 1`` bytes are ever read: more than ``cap`` is a :class:`LimitError`
    naming the input as ``what`` (``"a program"``). An unreadable path is an ``OSError``.
    """
    label = _label(source)
    too_large = LimitError(f"{label} is larger than {size(cap)}, the most {what} may hold")
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            if _regular_size(file) > cap:
                raise too_large
            data = file.read(cap + 1)
    else:
        data = source.read(cap + 1)
    if len(data) > cap:
        raise too_large
    return data[len(BOM) :] if data.startswith(BOM) else data


def _regular_size(file: object) -> int:
    """The size of a regular file, known without reading it; 0 for anything else."""
    descriptor = _descriptor(file)
    if descriptor is None:
        return 0
    status = os.fstat(descriptor)
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


class ByteSource:
    """One input as a sequence of byte blocks; ``ready()`` says whether more is waiting.

    Regular files and objects without a descriptor (``BytesIO``, iterables) are
    always ready: reading them never waits for a producer. Pipes, terminals and
    sockets are asked with ``select``. With a ``limit``, reading more than that
    many bytes is a :class:`LimitError`.
    """

    def __init__(self, source: Source, limit: int | None = None):
        self.label = _label(source)
        self._owned: IO[bytes] | None = None
        self._blocks: Iterator[bytes] | None = None
        self._pending = b""
        self._limit = limit
        self._total = 0
        if isinstance(source, str | os.PathLike):
            try:
                self._owned = open(source, "rb", buffering=0)  # noqa: SIM115 (closed by close())
            except OSError as error:
                raise OSError(f"cannot read {self.label}: {error.strerror}") from error
            self._file: IO[bytes] | None = self._owned
        elif hasattr(source, "read"):
            self._file = source  # type: ignore[assignment]
        else:
            self._file = None
            self._blocks = iter(source)  # type: ignore[arg-type]
        self._fd = _descriptor(self._file)
        self._regular = self._fd is None or stat.S_ISREG(os.fstat(self._fd).st_mode)
        if limit is not None and _regular_size(self._file) > limit:
            self.close()
            raise LimitError(f"{self.label} is larger than {size(limit)}")

    def read(self) -> bytes:
        """The next bytes (at least one unless the input has ended, then ``b""``)."""
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        data = self._next()
        self._total += len(data)
        if self._limit is not None and self._total > self._limit:
            raise LimitError(f"{self.label} is larger than {size(self._limit)}")
        return data

    def _next(self) -> bytes:
        if self._blocks is not None:
            for block in self._blocks:
                if block:
                    return bytes(block)
            return b""
        # Within a limit, one byte past it is enough to know the input is too large.
        want = BLOCK if self._limit is None else min(BLOCK, self._limit + 1 - self._total)
        read = getattr(self._file, "read1", None) or self._file.read  # type: ignore[union-attr]
        while True:
            try:
                return read(want) or b""
            except InterruptedError:  # pragma: no cover - PEP 475 retries most of these
                continue

    def skip_bom(self) -> None:
        """Drop a leading UTF-8 byte-order mark, waiting for no more than the first line."""
        while len(self._pending) < len(BOM) and b"\n" not in self._pending:
            if not self.peek_more():
                break
        if self._pending.startswith(BOM):
            self._pending = self._pending[len(BOM) :]

    def peek(self, size: int) -> bytes:
        """At least ``size`` bytes from the start (fewer only at the end), not consumed."""
        while len(self._pending) < size:
            if not self.peek_more():
                break
        return self._pending[:size]

    def peek_more(self) -> bool:
        """Read one more block into the peeked bytes; ``False`` at the end of the input."""
        data, self._pending = self._pending, b""
        more = self.read()
        self._pending = data + more
        return bool(more)

    @property
    def peeked(self) -> bytes:
        """The bytes read ahead and not yet consumed."""
        return self._pending

    def take(self, size: int) -> bytes:
        """Exactly ``size`` bytes (fewer only at the end), consumed."""
        data = self.peek(size)
        self._pending = self._pending[size:]
        return data

    def ready(self) -> bool:
        """Whether more bytes can be read now without waiting for a producer."""
        if self._pending or self._regular:
            return True
        try:
            readable, _, _ = select.select([self._fd], [], [], 0)
        except (OSError, ValueError):
            return False  # cannot tell: answer what we have rather than risk a wait
        return bool(readable)

    def seekable_file(self) -> IO[bytes] | None:
        """The underlying file, back where reading began, when it can seek (``zipfile`` needs it).

        Bytes already peeked are given back by seeking, so the file reads from its start.
        """
        if self._file is None:
            return None
        try:
            if not self._file.seekable():
                return None
            self._file.seek(self._file.tell() - len(self._pending))
        except (AttributeError, OSError):
            return None
        self._pending = b""
        return self._file

    def spool(self) -> IO[bytes]:
        """The rest of the input in an anonymous temporary file (disk, not memory), at its start."""
        import tempfile  # only .npz from a pipe needs it: not loaded at every start

        spooled = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
        while data := self.read():
            spooled.write(data)
        spooled.seek(0)
        return spooled

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def _label(source: object) -> str:
    if isinstance(source, str | os.PathLike):
        return str(Path(source))
    name = getattr(source, "name", None)
    if name in (0, "<stdin>"):
        return "standard input"
    return name if isinstance(name, str) else "the input"


def _descriptor(file: object) -> int | None:
    try:
        return file.fileno()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return None
