"""One expression over a stream of points: read a chunk, compute every row, write it.

Memory stays flat however many rows come, and each chunk is written (and
flushed) before the next is read, so a slow producer sees its answers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from gradcli.compute.bindings import Binding
from gradcli.compute.points import Block, Request, at_points
from gradcli.errors import UsageError, option
from gradcli.language import CONSTANTS, Expression
from gradcli.streams.readers import PointsError, read_points
from gradcli.streams.writers import Constant, open_writer


@dataclass
class Report:
    """What a stream did: rows written, bad rows set aside, rows whose results are not finite."""

    rows: int = 0
    errors: list[PointsError] = field(default_factory=list)
    nonfinite: int = 0
    first_nonfinite: int | None = None

    def warnings(self, on_error: str) -> list[str]:
        notes = []
        if self.errors:
            done = "skipped" if on_error == "skip" else "written as NaN"
            lines = ", ".join(str(e.line) for e in self.errors[:5] if e.line is not None)
            more = ", ..." if len(self.errors) > 5 else ""
            notes.append(f"{len(self.errors)} bad rows were {done} (lines {lines}{more})")
        if self.nonfinite:
            notes.append(
                f"{self.nonfinite} rows have NaN or infinite results "
                f"(the first at line {self.first_nonfinite})"
            )
        return notes


def row_variables(expression: Expression, constants: Sequence[Binding]) -> list[str]:
    """The variables the points must give: those the expression uses and no constant binds."""
    bound = {b.name for b in constants}
    return [name for name in expression.names if name not in bound and name not in CONSTANTS]


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
) -> Report:
    """Evaluate (or differentiate) ``expression`` at every point of ``source``, in order.

    ``wrt`` defaults to the row variables: the point's coordinates. A bad row
    stops the stream with a :class:`PointsError` after every earlier row is
    written, unless ``on_error`` skips it or writes it as NaN.
    """
    free = row_variables(expression, constants)
    request = Request(tuple(wrt or free) if differentiate else (), order, hessian)
    unknown = [n for n in request.wrt if n not in free and n not in {b.name for b in constants}]
    if unknown:
        raise UsageError(f"{option('wrt')} {unknown[0]}: no such variable in the expression")
    report = Report()
    writer = None
    try:
        for chunk in read_points(source, points_format, free or None, on_error=on_error):
            report.errors += chunk.errors
            if not chunk.rows:
                continue
            missing = [name for name in free if name not in chunk.columns]
            if missing:
                raise PointsError(
                    f"the points give no values for {', '.join(missing)}: name the columns in "
                    f"a header line (e.g. {' '.join(free)}), or bind constants with --at"
                )
            blocks = at_points(expression, constants, chunk.columns, request)
            _count_nonfinite(report, blocks[len(chunk.columns) :], chunk.lines)
            if writer is None:
                writer = open_writer(sink, output, _layout(chunk.columns, request))
            writer.write(blocks + (_gathered(blocks, request) if output == "jsonl" else []))
            report.rows += chunk.rows
    finally:
        if writer is not None:
            writer.close()
    return report


def _count_nonfinite(report: Report, results: list[Block], lines: np.ndarray) -> None:
    bad = np.zeros(len(lines), dtype=bool)
    for _, array in results:
        bad |= ~np.isfinite(array.reshape(len(lines), -1)).all(axis=1)
    if bad.any():
        report.nonfinite += int(bad.sum())
        if report.first_nonfinite is None:
            report.first_nonfinite = int(lines[np.argmax(bad)])


def _gathered(blocks: list[Block], request: Request) -> list[Block]:
    """For JSON Lines: each variable's derivatives of orders 1..N as one array column, and
    the Hessian as one matrix column."""
    named = dict(blocks)
    if request.hessian:
        n = len(request.wrt)
        entries = [named[f"d2/d{a}d{b}"].reshape(-1) for a in request.wrt for b in request.wrt]
        return [("hessian matrix", np.stack(entries, axis=1).reshape(-1, n, n))]
    if request.order is None:
        return []
    return [
        (
            f"derivatives of {name}",
            np.concatenate(
                [named[f"d/d{name}"].reshape(-1, 1)]
                + [named[f"d{k}/d{name}{k}"].reshape(-1, 1) for k in range(2, request.order + 1)],
                axis=1,
            ),
        )
        for name in request.wrt
    ]


def _layout(columns: dict[str, np.ndarray], request: Request) -> dict[str, Any]:
    """A JSON Lines row shaped like the single-point document, without ``expression``."""
    layout: dict[str, Any] = {"at": {name: name for name in columns}, "value": "value"}
    if request.wrt:
        layout["gradient"] = {name: f"d/d{name}" for name in request.wrt}
    if request.order is not None:
        layout["derivatives"] = {name: f"derivatives of {name}" for name in request.wrt}
    if request.hessian:
        layout["hessian"] = {"variables": Constant(list(request.wrt)), "matrix": "hessian matrix"}
    return layout
