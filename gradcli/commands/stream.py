"""``--points``: one expression over a stream of points: read a chunk, compute every row,
write it.

Memory stays flat however many rows come, and each chunk is written (and
flushed) before the next is read, so a slow producer sees its answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from gradcli.autograd.creation import same_draws
from gradcli.commands import display, inputs
from gradcli.compute.bindings import Binding
from gradcli.compute.points import Block, Part, Request, at_points, derivative, hessian_entry
from gradcli.compute.results import BadRows, NoRows, NotFiniteRows
from gradcli.errors import GradcliError, UsageError, option
from gradcli.io.columns import point_columns, read_named
from gradcli.io.readers import FORMATS, ON_ERROR, Chunk, PointsError
from gradcli.io.writers import Constant, open_writer
from gradcli.language import Expression


@dataclass
class Report:
    """What a stream did: rows written, bad rows set aside, rows whose results are not finite."""

    rows: int = 0
    errors: list[PointsError] = field(default_factory=list)
    nonfinite: int = 0
    first_nonfinite: int | None = None

    def warnings(self, on_error: str) -> list[Any]:
        notes: list[Any] = []
        if self.errors:
            errors = sorted(self.errors, key=lambda e: -1 if e.line is None else e.line)
            lines = tuple(e.line for e in errors[:5] if e.line is not None)
            notes.append(BadRows(len(errors), on_error, lines, str(errors[0])))
        elif not self.rows:
            notes.append(NoRows())
        if self.nonfinite:
            notes.append(NotFiniteRows(self.nonfinite, self.first_nonfinite))
        return notes


def run(
    expression: Expression,
    at: Sequence[str] | None,
    seed: int | None,
    points: str,
    points_format: str | None,
    on_error: str | None,
    output: str | None,
    digits: int | None,
    **request: Any,
) -> None:
    """The command's part: the options checked, the rows written to standard output as each
    chunk is done, then the warnings."""
    if points_format is not None and points_format not in FORMATS:
        raise UsageError(f"--points-format {points_format}: choose one of {', '.join(FORMATS)}")
    if on_error is not None and on_error not in ON_ERROR:
        raise UsageError(f"--on-error {on_error}: choose one of {', '.join(ON_ERROR)}")
    chosen = display.stream_format(output, digits)
    constants = inputs.point(at, seed)
    # A table of a stream is TSV with its header line: rows are written as they come.
    written = "tsv" if chosen == "table" else chosen
    report = stream(
        expression, constants, inputs.points_source(points), sys.stdout.buffer, output=written,
        points_format=points_format, on_error=on_error or "stop", **request,
    )  # fmt: skip
    display.warn([inputs.unused_seed(seed), *report.warnings(on_error or "stop")])


def stream(
    expression: Expression,
    constants: Sequence[Binding],
    source: Any,
    sink: IO[bytes],
    *,
    output: str,
    wrt: Sequence[str] | None = None,
    differentiate: bool = False,
    order: int | None = None,
    hessian: bool = False,
    points_format: str | None = None,
    on_error: str = "stop",
    columns: str | Sequence[str] | None = None,
) -> Report:
    """Evaluate (or differentiate) ``expression`` at every point of ``source``, in order.

    ``wrt`` defaults to the row variables: the point's coordinates. ``columns``
    names the columns of an input that does not (``"x,y"``). A bad row (one that
    cannot be read, or whose evaluation fails) stops the stream with a
    :class:`PointsError` naming its line after every earlier row is written,
    unless ``on_error`` skips it or writes it as NaN.
    """
    rule = point_columns(expression, [b.name for b in constants], columns)
    free = list(rule.expected)
    request = Request(tuple(wrt or free) if differentiate else (), order, hessian)
    unknown = [n for n in request.wrt if n not in free and n not in {b.name for b in constants}]
    if unknown:
        raise UsageError(f"{option('wrt')} {unknown[0]}: no such variable in the expression")
    report = Report()
    rows = _Rows(expression, constants, request, on_error)
    writer = None
    try:
        # Random draws are part of the function: the same at every row of every chunk.
        with same_draws():
            for chunk in read_named(source, rule, points_format, on_error):
                report.errors += chunk.errors
                if not chunk.rows:
                    continue
                blocks, lines, failed = rows.evaluate(chunk)
                report.errors += [error for error in failed if on_error != "stop"]
                if len(lines):
                    bad = {error.line for error in chunk.errors + failed}
                    _count_nonfinite(report, blocks[len(chunk.columns) :], lines, bad)
                    if writer is None:
                        writer = open_writer(sink, output, _layout(chunk.columns, request))
                    labelled = [(part.label, array) for part, array in blocks]
                    writer.write(
                        labelled + (_gathered(blocks, request) if output == "jsonl" else [])
                    )
                    report.rows += len(lines)
                if failed and on_error == "stop":
                    raise failed[0]
    finally:
        if writer is not None:
            writer.close()
    return report


class _Rows:
    """The results of the rows of each chunk, a failing row set aside as a bad row.

    A chunk is computed at once; when that fails, it is halved until each failing
    row stands alone, so an error costs a few evaluations per bad row, not one per
    row. Every row's results must have the shapes of the first row's.
    """

    def __init__(
        self, expression: Expression, constants: Sequence[Binding], request: Request, on_error: str
    ):
        self.expression = expression
        self.constants = constants
        self.request = request
        self.on_error = on_error
        self.shapes: list[tuple[int, ...]] | None = None  # each result's shape at one row

    def evaluate(self, chunk: Chunk) -> tuple[list[Block], np.ndarray, list[PointsError]]:
        """The blocks of the rows written, their lines, and the rows that failed.

        Stopping, the rows written are those before the first failure; skipping, every
        row but the failed ones; nulling, every row, a failed one with NaN results.
        """
        inputs = len(chunk.columns)
        # A row the reader already nulled is a bad row once, not again for its NaN.
        nulled = {error.line for error in chunk.errors}
        kept: list[tuple[int, int, list[Block] | None]] = []
        failed: list[PointsError] = []
        for start, stop, result in self._stretches(chunk.columns, 0, chunk.rows):
            if isinstance(result, GradcliError):
                line = int(chunk.lines[start])
                if line not in nulled:
                    failed.append(_bad_row(result, line))
                if self.on_error == "stop":
                    break
                if self.on_error == "null":
                    kept.append((start, stop, None))
                continue
            shapes = [array.shape[1:] for _, array in result[inputs:]]
            if self.shapes is None:
                self.shapes = shapes
            elif shapes != self.shapes:
                last = start + 1 if self.on_error == "stop" else stop
                failed += [
                    _unlike(result[inputs:], self.shapes, int(line))
                    for line in chunk.lines[start:last]
                ]
                if self.on_error == "stop":
                    break
                if self.on_error == "null":
                    kept.append((start, stop, None))
                continue
            kept.append((start, stop, result))
        return self._joined(chunk, kept), self._lines(chunk, kept), failed

    def _stretches(
        self, columns: Mapping[str, np.ndarray], start: int, stop: int
    ) -> Iterator[tuple[int, int, list[Block] | GradcliError]]:
        """``(start, stop, blocks or the error)`` over the rows, in order, lazily: stopping
        at the first error, the rows after it are never computed."""
        part = {name: values[start:stop] for name, values in columns.items()}
        try:
            yield start, stop, at_points(self.expression, self.constants, part, self.request)
            return
        except UsageError:
            raise  # the request itself is wrong (e.g. diff of an array value): no row fixes it
        except GradcliError as error:
            if stop - start == 1:
                yield start, stop, error
                return
        middle = (start + stop) // 2
        yield from self._stretches(columns, start, middle)
        yield from self._stretches(columns, middle, stop)

    def _joined(self, chunk: Chunk, kept: list[tuple[int, int, list[Block] | None]]) -> list[Block]:
        if len(kept) == 1 and kept[0][2] is not None and kept[0][1] - kept[0][0] == chunk.rows:
            return kept[0][2]  # the whole chunk at once: nothing to join
        inputs = [(Part("input", (name,)), values) for name, values in chunk.columns.items()]
        labels = self.request.parts()
        if self.shapes is None and any(result is None for _, _, result in kept):
            # Rows written as NaN before any row had results: one number each, and a later
            # row with an array result is a bad row rather than a column the header lacks.
            self.shapes = [()] * len(labels)
        joined: list[Block] = []
        for i, (part, values) in enumerate(inputs + [(label, None) for label in labels]):
            parts = []
            for start, stop, result in kept:
                if result is not None:
                    parts.append(result[i][1])
                elif values is not None:
                    parts.append(values[start:stop])
                else:
                    shape = self.shapes[i - len(inputs)]  # type: ignore[index]
                    parts.append(np.full((stop - start, *shape), np.nan))
            joined.append((part, np.concatenate(parts) if parts else np.zeros(0)))
        return joined

    @staticmethod
    def _lines(chunk: Chunk, kept: list[tuple[int, int, list[Block] | None]]) -> np.ndarray:
        if not kept:
            return chunk.lines[:0]
        return np.concatenate([chunk.lines[start:stop] for start, stop, _ in kept])


def _bad_row(error: GradcliError, line: int) -> PointsError:
    # The message as raised, its settings still marked, for the CLI to spell as flags.
    return PointsError(Exception.__str__(error), line=line)


def _unlike(results: list[Block], shapes: list[tuple[int, ...]], line: int) -> PointsError:
    for (part, array), shape in zip(results, shapes):
        if array.shape[1:] != shape:
            return PointsError(
                f"{part.label} has shape {array.shape[1:]} at this row and {shape} at the rows "
                "before; every row's results must have one shape",
                line=line,
            )
    raise AssertionError("no result differs in shape")


def _count_nonfinite(
    report: Report, results: list[Block], lines: np.ndarray, bad: set[int | None]
) -> None:
    """Count the rows with a NaN or infinite result, but not the bad rows written as NaN:
    those are counted once, as bad rows."""
    nonfinite = np.zeros(len(lines), dtype=bool)
    for _, array in results:
        nonfinite |= ~np.isfinite(array.reshape(len(lines), -1)).all(axis=1)
    if bad:
        nonfinite &= ~np.isin(lines, [line for line in bad if line is not None])
    if nonfinite.any():
        report.nonfinite += int(nonfinite.sum())
        if report.first_nonfinite is None:
            report.first_nonfinite = int(lines[np.argmax(nonfinite)])


def _gathered(blocks: list[Block], request: Request) -> list[tuple[str, np.ndarray]]:
    """For JSON Lines: each variable's derivatives of orders 1..N as one array column, and
    the Hessian as one matrix column."""
    found = dict(blocks)
    if request.hessian:
        n = len(request.wrt)
        entries = [found[hessian_entry(a, b)].reshape(-1) for a in request.wrt for b in request.wrt]
        return [("hessian matrix", np.stack(entries, axis=1).reshape(-1, n, n))]
    if request.order is None:
        return []
    return [
        (
            f"derivatives of {name}",
            np.concatenate(
                [found[derivative(name, k)].reshape(-1, 1) for k in range(1, request.order + 1)],
                axis=1,
            ),
        )
        for name in request.wrt
    ]


def _layout(columns: dict[str, np.ndarray], request: Request) -> dict[str, Any]:
    """A JSON Lines row shaped like the single-point document, without ``expression``."""
    layout: dict[str, Any] = {"at": {name: name for name in columns}, "value": "value"}
    if request.wrt:
        layout["gradient"] = {name: derivative(name).label for name in request.wrt}
    if request.order is not None:
        layout["derivatives"] = {name: f"derivatives of {name}" for name in request.wrt}
    if request.hessian:
        layout["hessian"] = {"variables": Constant(list(request.wrt)), "matrix": "hessian matrix"}
    return layout
