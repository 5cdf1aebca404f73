"""Which column of the points is which variable: the one rule of every command that reads points.

The input names its columns (a header line, JSON keys, ``.npz`` members, a record
``.npy``), or ``--columns`` does; the only column named without either is a lone
unnamed column when the expression has a lone row variable. Where a column would
be a guess (two unnamed columns, two variables) the points are refused, saying
how to name them. A column may not give a variable that ``--at`` binds too, and
every row variable needs a column.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from gradcli.errors import UsageError, option
from gradcli.io.readers import CHUNK_ROWS, Chunk, PointsError, read_points
from gradcli.language import Expression

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


@dataclass(frozen=True)
class PointColumns:
    """What the points must give: ``expected``, the row variables (the expression's
    variables that no ``--at`` binds), in order of use; ``bound``, the names ``--at``
    binds; ``given``, the names ``--columns`` gives the unnamed columns, if any."""

    expected: tuple[str, ...]
    bound: frozenset[str]
    given: tuple[str, ...] | None = None

    def check(self, names: Sequence[str]) -> None:
        """Refuse columns that clash with ``--at``, or that leave a row variable without values."""
        clash = [name for name in names if name in self.bound]
        if clash:
            raise UsageError(
                f"{option('points')} gives {clash[0]} in a column, and {option('at')} binds "
                f"{clash[0]} too; drop one of them (a column gives each row its own value, "
                f"{option('at')} one value to every row)"
            )
        missing = [name for name in self.expected if name not in names]
        if missing:
            raise PointsError(
                f"the points give no values for {', '.join(missing)}: name the columns in a "
                f"header line (e.g. {' '.join(self.expected)}) or with {option('columns')}, "
                f"or bind constants with {option('at')}"
            )


def point_columns(
    expression: Expression,
    bound: Collection[str],
    columns: str | Sequence[str] | None = None,
) -> PointColumns:
    """The rule for ``expression``'s points, with ``bound`` names bound by ``--at`` and the
    names of ``--columns`` (``"x,y"`` or a sequence), checked here, before any point is read."""
    expected = tuple(name for name in expression.variables if name not in bound)
    given = None if columns is None else _column_names(columns)
    rule = PointColumns(expected, frozenset(bound), given)
    if given is not None:
        rule.check(given)
    return rule


def read_named(
    source: Any,
    rule: PointColumns,
    format: str | None = None,
    on_error: str = "stop",
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[Chunk]:
    """:func:`gradcli.io.readers.read_points` under ``rule``: the columns of the first
    chunk with rows are checked against it before that chunk is yielded."""
    checked = rule.given is not None
    for chunk in read_points(
        source, format, rule.expected, chunk_rows, on_error, columns=rule.given
    ):
        if not checked and chunk.rows:
            rule.check(list(chunk.columns))
            checked = True
        yield chunk


def _column_names(columns: str | Sequence[str]) -> tuple[str, ...]:
    text = columns if isinstance(columns, str) else ",".join(columns)
    names = tuple(name.strip() for name in text.split(","))
    for name in names:
        if not _NAME.fullmatch(name):
            raise UsageError(
                f"{option('columns')} {text}: {name!r} is not a variable name; give the "
                f"columns' names in order, separated by commas, e.g. {option('columns')} x,y"
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{option('columns')} {text}: {repeated[0]!r} is named twice")
    return names
