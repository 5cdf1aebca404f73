"""Results as rich tables for people. Rich is imported here only, when a table is asked for.

Every piece of user text is shown literally and no number is cut: wide arrays
wrap or are summarised with a note saying so.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from gradcli.compute.results import (
    BuiltinsCheck,
    Check,
    Critical,
    Differentiation,
    Evaluation,
    Formulas,
    Functions,
    Limit,
    Optimum,
    Root,
    Steps,
    TaylorPolynomial,
)
from gradcli.registry import BUILT_IN
from gradcli.render.numbers import fixed, plain_number, short_number

if TYPE_CHECKING:
    from rich.console import RenderableType


@functools.singledispatch
def table(result: Any, digits: int) -> RenderableType:
    """The rich table of a result, chosen by its type (each type registers below)."""
    raise TypeError(f"no table for a {type(result).__name__}")


# --- tables -------------------------------------------------------------------------
#
# Rich is imported inside functions, so plain and JSON output never load it. User
# text always goes in as Text (never read as markup: "[x, y]" stays "[x, y]"), and
# every cell folds rather than ending in "…". Layouts that depend on the width are
# chosen when rich renders them, from the width it offers (a terminal's, or 80 in
# a pipe): a grid when it fits, otherwise a layout that wraps.

MAX_GRID_COLUMNS = 8
MAX_GRID_ROWS = 12
SUMMARY_THRESHOLD = 24
"""Arrays with more values are summarised to EDGE_ITEMS at each end of each axis, with a note."""
EDGE_ITEMS = 3
MAX_MATRIX_SIDE = 12
"""Hessians show at most this many rows and columns, with a note."""
_ALL_VALUES = "use -o json for all"


def _text(value: str, style: str = "") -> Any:
    from rich.text import Text

    return Text(value, style=style, overflow="fold")


_PROGRAM_LINES = 12
"""A program longer than this shows its first lines in a table's expression row."""


def _source(text: str) -> str:
    """The expression or program as a table's row shows it: a long program's first
    lines, and how many more there are (-o json has them all)."""
    lines = text.strip("\n").splitlines()
    if len(lines) <= _PROGRAM_LINES:
        return text
    more = len(lines) - (_PROGRAM_LINES - 2)
    return "\n".join([*lines[: _PROGRAM_LINES - 2], f"… {more} more lines (-o json has them all)"])


def _named(text: str) -> str:
    """The expression as a title names it: a program (several lines) by its size."""
    lines = text.strip().splitlines()
    return text if len(lines) < 2 else f"the program ({len(lines)} lines)"


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


class _Trimmed:
    """A renderable whose lines end at their last character: rich pads a table's title,
    a grid's cells and a wrapped line's last word with spaces up to the width, which a
    person copying the output (or a diff of it) then carries along."""

    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment

        for line in console.render_lines(self.renderable, options, pad=False):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                last = line[-1]
                line[-1] = Segment(last.text.rstrip(), last.style)
            yield from line
            yield Segment.line()


def trimmed(renderable: Any) -> RenderableType:
    """``renderable`` with no line ending in spaces (see :class:`_Trimmed`)."""
    return _Trimmed(renderable)


MAX_LAYOUTS = 5_000
"""Combinations of column widths :func:`fitting_widths` compares; past it, the spare width
goes to the columns in proportion to what they lack."""


def _lines_at(paragraphs: list[list[int]], width: int) -> int:
    """Lines a cell takes (its paragraphs, as the widths of their words) wrapped at spaces
    to ``width``, a longer word folded, as rich wraps it."""
    count = 0
    for words in paragraphs:
        used = 0
        count += 1
        for size in words:
            if used and used + 1 + size <= width:
                used += 1 + size
                continue
            if used:
                count += 1
            count += (size - 1) // width if size else 0
            used = size % width or (width if size else 0)
    return count


FOLDED = 4
"""Columns a column of words keeps when it must fold its longest words to fit at all."""


def fitting_widths(
    columns: list[list[str]], available: int, whole: list[bool] | None = None
) -> list[int] | None:
    """Widths for columns of text (each list: the header, then its cells) that share
    ``available`` so that the table has the fewest lines, each column at least as wide as
    its longest word, so that no number or name is split. When that is too wide, only the
    columns marked ``whole`` (numbers: all of them by default) keep their longest words;
    None when even that is too wide.

    Rich's own layout narrows the widest columns first, which leaves every column the same
    width and wraps the ones whose cells are long sentences."""
    from itertools import product

    from rich.cells import cell_len

    natural = [max(map(_width, column)) for column in columns]
    if sum(natural) <= available:
        return natural
    floor = [
        max([1, *(_width(word) for cell in column for word in cell.split())]) for column in columns
    ]
    if sum(floor) > available and whole is not None:
        floor = [f if keep else min(f, FOLDED) for f, keep in zip(floor, whole)]
    if sum(floor) > available:
        return None
    # The column with the most to lose takes whatever the others leave.
    rest = max(range(len(columns)), key=lambda k: natural[k] - floor[k])
    spans = [
        range(floor[k], min(natural[k], available - sum(floor) + floor[k]) + 1)
        if k != rest
        else range(floor[k], natural[k] + 1)
        for k in range(len(columns))
    ]
    layouts = 1
    for k, span in enumerate(spans):
        layouts *= len(span) if k != rest else 1
    if layouts > MAX_LAYOUTS:
        spare = available - sum(floor)
        lacking = [n - f for n, f in zip(natural, floor)]
        return [f + spare * lack // sum(lacking) for f, lack in zip(floor, lacking)]
    lines = []
    split = []  # a word cut in two costs as much as a line more
    for column, span in zip(columns, spans):
        cells = [[[cell_len(w) for w in p.split()] for p in cell.split("\n")] for cell in column]
        lines.append(np.array([[_lines_at(cell, w) for w in span] for cell in cells]))
        longest = np.array([max((max(p, default=0) for p in cell), default=0) for cell in cells])
        split.append((longest[:, None] > np.array(span)[None, :]).sum(axis=0))
    others = [k for k in range(len(columns)) if k != rest]
    best: tuple[int, list[int]] | None = None
    for choice in product(*(spans[k] for k in others)):
        widths = dict(zip(others, choice))
        left = min(available - sum(choice), natural[rest])
        if left < floor[rest]:
            continue
        widths[rest] = left
        per_row = np.max(
            [lines[k][:, widths[k] - spans[k].start] for k in range(len(columns))], axis=0
        )
        total = int(per_row.sum()) + sum(int(split[k][widths[k] - spans[k].start]) for k in widths)
        if best is None or total < best[0]:
            best = (total, [widths[k] for k in range(len(columns))])
    return None if best is None else best[1]


class _ColumnsThatFit:
    """A table built by ``build(widths)`` with the column widths :func:`fitting_widths`
    chooses for the width it is given (``overhead``: the columns' rules and padding);
    ``build(None)`` is rich's own layout, for a width too narrow for that."""

    def __init__(
        self, build: Any, columns: list[list[str]], overhead: int, whole: list[bool] | None
    ) -> None:
        self.build = build
        self.columns = columns
        self.overhead = overhead
        self.whole = whole

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.build(None))

    def __rich_console__(self, console: Any, options: Any) -> Any:
        available = options.max_width - self.overhead
        yield self.build(fitting_widths(self.columns, available, self.whole))


def columns_that_fit(
    build: Any, columns: list[list[str]], overhead: int, whole: list[bool] | None = None
) -> RenderableType:
    """See :class:`_ColumnsThatFit` and :func:`fitting_widths`."""
    return _ColumnsThatFit(build, columns, overhead, whole)


class _ArrayView:
    """An array for people: right-aligned columns when they fit the width, otherwise
    numpy's bracketed layout wrapped to it; a large array summarised with a note.

    A summary keeps EDGE_ITEMS at each end of the leading axes, and along the last one
    as many values as fit the width on one line per row (a wide terminal shows more of
    each row, not more rows); when not even one at each end fits, numpy's layout wraps."""

    def __init__(self, array: np.ndarray, digits: int) -> None:
        self.array = array
        self.digits = digits
        rows = np.atleast_2d(array)
        self.gridded = (
            array.ndim <= 2 and rows.shape[0] <= MAX_GRID_ROWS and rows.shape[1] <= MAX_GRID_COLUMNS
        )
        self.threshold = array.size if self.gridded else SUMMARY_THRESHOLD
        self.summarised = array.size > self.threshold
        shown = array
        if self.summarised:  # only the corner blocks numpy prints are formatted
            for axis, n in enumerate(array.shape):
                shown = np.take(shown, _edges(n), axis=axis)
        self.shown = int(shown.size)
        self.widest = max((_width(short_number(v, digits)) for v in shown.flat), default=1)
        self.cells = (
            [[short_number(v, digits) for v in row] for row in rows] if self.gridded else []
        )
        self._layouts: dict[int, tuple[str, int] | None] = {}
        self._corner: np.ndarray | None = None  # the summary's values, formatted

    def _grid_width(self) -> int:
        columns = zip(*self.cells)
        return sum(max(map(_width, c)) for c in columns) + 2 * (len(self.cells[0]) - 1)

    def _numpy(self, width: int) -> str:
        return np.array2string(
            self.array,
            max_line_width=width,
            threshold=self.threshold,
            edgeitems=EDGE_ITEMS,
            separator="  ",
            formatter={"float_kind": lambda v: short_number(v, self.digits)},
        )

    def _fitted(self, width: int) -> tuple[str, int] | None:
        """The summary whose rows fit ``width`` on one line each, and how many values it
        shows; None when not even one value at each end of a row fits."""
        if width not in self._layouts:
            n = self.array.shape[-1]
            # A value and its separator take at least 3 columns: no more than this can fit.
            low, high = 0, min((n + 1) // 2, width // 3 + 1)
            while low < high:  # the most values at each end that fit (rows grow with them)
                keep = (low + high + 1) // 2
                if _widest(self._summary(keep)[0]) <= width:
                    low = keep
                else:
                    high = keep - 1
            self._layouts[width] = self._summary(low) if low else None
        return self._layouts[width]

    def _summary(self, keep: int) -> tuple[str, int]:
        """The layout with ``keep`` values at each end of each row, and how many it shows."""
        *leading, n = self.array.shape
        if self._corner is None or self._corner.shape[-1] < min(2 * keep, n):
            corner = self.array
            for axis, length in enumerate(leading):
                corner = np.take(corner, _edges(length), axis=axis)
            corner = np.take(corner, _edges(n, keep), axis=-1)
            self._corner = np.vectorize(lambda v: short_number(v, self.digits), otypes=[object])(
                corner
            )
        cells = self._corner  # holds the values at each end, so any fewer are its own ends
        if 2 * keep < n:
            cells = np.concatenate([cells[..., :keep], cells[..., cells.shape[-1] - keep :]], -1)
        elided = [length > 2 * EDGE_ITEMS for length in leading]
        return _nested(cells, elided, keep, n), cells.size

    def _note(self, shown: int) -> str:
        note = f"shape {self.array.shape}"
        if shown < self.array.size:
            note += f": showing {shown:,} of {self.array.size:,} values; {_ALL_VALUES}"
        return note

    def _lines(self, width: int) -> str:
        """The array and its note as laid out at ``width``, when not gridded."""
        fitted = self._fitted(width) if self.summarised else None
        text, shown = fitted or (self._numpy(width), self.shown)
        return f"{text}\n{self._note(shown)}"

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        narrowest = self.widest + 2 * self.array.ndim
        if self.summarised:
            # Rows of one value at each end, unwrapped, when the width allows them: a table
            # that lays its values out below their labels reads better than wrapped rows.
            one_a_side = _widest(self._summary(1)[0])
            if one_a_side <= options.max_width:
                narrowest = max(narrowest, one_a_side)
        if self.gridded:
            widest = self._grid_width()
        elif self.summarised and self._fitted(options.max_width) is None:
            widest = _widest(f"{self._numpy(10**9)}\n{self._note(self.shown)}")
        else:
            widest = _widest(self._lines(options.max_width if self.summarised else 10**9))
        return Measurement(narrowest, max(narrowest, widest))

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.table import Table

        if self.gridded and self._grid_width() <= options.max_width:
            grid = Table.grid(padding=(0, 2))
            for _ in self.cells[0]:
                grid.add_column(justify="right", overflow="fold")
            for row in self.cells:
                grid.add_row(*row)
            yield grid
        else:
            yield _text(self._lines(options.max_width))


def _widest(text: str) -> int:
    return max(map(_width, text.splitlines()))


def _nested(cells: np.ndarray, elided: list[bool], keep: int, n: int) -> str:
    """numpy's bracketed layout of formatted values: ``keep`` at each end of each row of
    ``n`` and "..." between them, and "..." where a leading axis left rows out."""
    if cells.ndim == 1:
        row = list(cells) if 2 * keep >= n else [*cells[:keep], "...", *cells[-keep:]]
        return "[" + "  ".join(row) + "]"
    depth = len(elided) - cells.ndim + 1
    blocks = [_nested(block, elided, keep, n) for block in cells]
    if elided[depth]:
        blocks.insert(EDGE_ITEMS, "...")
    # Blocks of a deeper axis are set apart by more blank lines, as numpy does.
    separator = "\n" * (cells.ndim - 1) + " " * (depth + 1)
    return "[" + separator.join(blocks) + "]"


def _edges(n: int, edge: int = EDGE_ITEMS) -> list[int]:
    """The indices numpy prints of an axis of length n when it summarises to ``edge`` at each end."""
    return list(range(n)) if n <= 2 * edge else [*range(edge), *range(n - edge, n)]


def _array_view(array: Any, digits: int) -> Any:
    """A scalar as its number, an array as an _ArrayView."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 0:
        return _text(short_number(array, digits))
    if array.size == 0:
        return _text(f"(empty, shape {array.shape})")
    return _ArrayView(array, digits)


class _LabeledGrid:
    """A matrix with labelled rows and columns (a Hessian, a table of orders).

    When the columns do not fit the width they are split into blocks, each repeating
    the row labels, so every number and label is shown whole.
    """

    def __init__(
        self,
        corner: str,
        columns: list[str],
        rows: list[tuple[str, list[str]]],
        padding: int,
        labels: str = "right",
    ) -> None:
        self.corner = corner
        self.labels = labels
        self.columns = columns
        self.rows = rows
        self.padding = padding
        self.label_width = max([_width(corner)] + [_width(label) for label, _ in rows])
        self.column_widths = [
            max([_width(name)] + [_width(cells[k]) for _, cells in rows])
            for k, name in enumerate(columns)
        ]

    def _span(self, width: int) -> int:
        return width + 2 * self.padding

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        labels = self._span(self.label_width)
        narrowest = labels + self._span(max(self.column_widths))
        return Measurement(narrowest, labels + sum(map(self._span, self.column_widths)))

    def _blocks(self, width: int) -> list[list[int]]:
        blocks: list[list[int]] = [[]]
        used = self._span(self.label_width)
        for k, column_width in enumerate(self.column_widths):
            if blocks[-1] and used + self._span(column_width) > width:
                blocks.append([])
                used = self._span(self.label_width)
            blocks[-1].append(k)
            used += self._span(column_width)
        return blocks

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.table import Table

        blocks = self._blocks(options.max_width)
        for number, block in enumerate(blocks):
            grid = Table(box=None, padding=(0, self.padding), show_edge=False)
            grid.add_column(_text(self.corner), justify=self.labels, overflow="fold")
            for k in block:
                grid.add_column(_text(self.columns[k]), justify="right", overflow="fold")
            for label, cells in self.rows:
                grid.add_row(_text(label), *(cells[k] for k in block))
            if number:
                yield _text("")
            yield grid


class _FirstThatFits:
    """The first of several layouts whose natural width fits; the last one otherwise."""

    def __init__(self, *layouts: Any) -> None:
        self.layouts = layouts

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        narrowest = Measurement.get(console, options, self.layouts[-1]).minimum
        return Measurement(narrowest, Measurement.get(console, options, self.layouts[0]).maximum)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        unbounded = options.update_width(10**6)
        for layout in self.layouts[:-1]:
            if Measurement.get(console, unbounded, layout).maximum <= options.max_width:
                yield layout
                return
        yield self.layouts[-1]


class _Summary:
    """Label and value side by side; stacked (the label above its value) when the
    values' narrowest layouts would not fit beside the labels."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, Any]] = []
        self.laid_out: list[Any] = []

    def add_row(self, label: str, value: Any, wraps: bool = False) -> None:
        """``wraps``: text that may break anywhere (the expression), so its width never
        decides the layout."""
        self.rows.append((label, value))
        if not wraps:
            self.laid_out.append(value)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement
        from rich.padding import Padding
        from rich.table import Table

        labels = max(_width(label) for label, _ in self.rows)
        values = max(
            (Measurement.get(console, options, v).minimum for v in self.laid_out), default=0
        )
        side_by_side = labels + values + 7 <= options.max_width  # 3 rules, 2 x 2 padding
        table = Table(
            title=_text(self.title), show_header=False, title_justify="left", expand=False
        )
        if side_by_side:
            # A fixed label column: when the table must shrink, the values adapt, not the labels.
            table.add_column(style="bold", width=labels, overflow="fold")
            table.add_column(overflow="fold")
            for label, value in self.rows:
                table.add_row(_text(label), _Within(value, options.max_width - labels - 7))
        else:
            table.add_column(overflow="fold")
            for label, value in self.rows:
                table.add_row(_text(label, style="bold"))
                table.add_row(Padding(_Within(value, options.max_width - 6), (0, 0, 0, 2)))
        yield table


class _Within:
    """A value measured at the most its column can have: an array's summary, which shows
    more values the wider it may be, is measured as it will be drawn, so the column is as
    wide as the summary and no wider."""

    def __init__(self, renderable: Any, width: int) -> None:
        self.renderable = renderable
        self.width = width

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        within = options.update_width(max(1, min(options.max_width, self.width)))
        return Measurement.get(console, within, self.renderable)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.renderable


def _point_text(at: dict[str, np.ndarray], digits: int) -> str:
    parts = []
    for name, value in at.items():
        value = np.asarray(value)
        shown = short_number(value, digits) if value.ndim == 0 else f"array of shape {value.shape}"
        parts.append(f"{name} = {shown}")
    return ", ".join(parts) or "(no variables)"


def _summary(title: str, result: Evaluation, digits: int) -> _Summary:
    table = _Summary(title)
    table.add_row("expression", _text(_source(result.expression)), wraps=True)
    table.add_row("at", _text(_point_text(result.at, digits)), wraps=True)
    for name, value in result.at.items():
        if np.ndim(value) > 0:
            table.add_row(f"  {name}", _array_view(value, digits))
    table.add_row("value", _array_view(result.value, digits))
    return table


@table.register(Evaluation)
def evaluation_table(result: Evaluation, digits: int) -> RenderableType:
    return trimmed(_summary("gradcli eval", result, digits))


@table.register(Differentiation)
def differentiation_table(result: Differentiation, digits: int) -> RenderableType:
    table = _summary("gradcli diff", result, digits)
    if result.gradient is not None:
        label = "weighted gradient" if result.weighted else "gradient"
        for name in result.wrt:
            table.add_row(f"{label} ∂/∂{name}", _array_view(result.gradient[name], digits))
    if result.jacobian is not None:
        for name in result.wrt:
            table.add_row(f"Jacobian ∂value/∂{name}", _array_view(result.jacobian[name], digits))
    if result.hessian is not None:
        table.add_row("Hessian", _hessian_view(*result.hessian, digits))
    if result.formulas is not None:
        from gradcli.render.formulas import labelled, pretty

        table.add_row("formula", _text(pretty(result.formulas.value)), wraps=True)
        for label, formula, _ in labelled(result.formulas):
            table.add_row(f"formula {label}", _text(pretty(formula)), wraps=True)
    if result.derivatives is not None:
        for name in result.wrt:
            pairs = zip(result.derivatives[name], result.coefficients[name])
            rows = [
                (str(k), [short_number(value, digits), short_number(coefficient, digits)])
                for k, (value, coefficient) in enumerate(pairs, start=1)
            ]
            grid = _LabeledGrid("order", [f"d^k/d{name}^k", "f^(k)/k!"], rows, padding=2)
            table.add_row(f"derivatives in {name} ({result.method})", grid)
    return trimmed(table)


@table.register(Steps)
def steps_table(result: Steps, digits: int) -> RenderableType:
    from gradcli.render import steps

    return trimmed(steps.table(result, digits))


@table.register(Formulas)
def formulas_table(result: Formulas, digits: int) -> RenderableType:
    from gradcli.render.formulas import labelled, pretty

    table = _Summary("gradcli diff")
    table.add_row("expression", _text(_source(result.expression)), wraps=True)
    table.add_row("value", _text(pretty(result.value)), wraps=True)
    for label, formula, _ in labelled(result):
        table.add_row(label, _text(pretty(formula)), wraps=True)
    return trimmed(table)


@table.register(TaylorPolynomial)
def taylor_table(result: TaylorPolynomial, digits: int) -> RenderableType:
    """The polynomial with superscripts and ·, then each coefficient by its monomial."""
    from gradcli.compute.polynomial import number_text, polynomial_text
    from gradcli.render.formulas import pretty

    table = _Summary("gradcli taylor")
    table.add_row("expression", _text(_source(result.expression)), wraps=True)
    at = ", ".join(
        f"{name} = {value if isinstance(value, str) else plain_number(value)}"
        for name, value in result.at.items()
    )
    table.add_row("at", _text(at or "(no variables)"))
    table.add_row("order", _text(str(result.order)))
    # For people, the coefficients as the rows below show them; plain and JSON carry every digit.
    at_texts = [v if isinstance(v, str) else number_text(v) for v in result.at.values()]
    shown = polynomial_text(result.names, at_texts, result.terms, lambda c: short_number(c, digits))
    table.add_row("polynomial", _text(pretty(shown)), wraps=True)
    for term in result.terms:
        # The monomial in powers of (x - a), as the polynomial writes it.
        unit = term._replace(coefficient=1.0, exact=None)
        monomial = (
            polynomial_text(result.names, at_texts, [unit]) if any(term.powers.values()) else ""
        )
        shown = term.exact if term.exact is not None else short_number(term.coefficient, digits)
        table.add_row(f"coefficient of {pretty(monomial) or '1'}", _text(pretty(shown)))
    return trimmed(table)


_METHODS = {
    "trust": "trust region, exact Hessian (scipy trust-exact)",
    "lbfgs": "quasi-Newton (scipy L-BFGS-B)",
    "bfgs": "quasi-Newton (scipy BFGS)",
    "newton": "Newton's method, x - H⁻¹∇f",
    "gd": "gradient descent",
    "momentum": "gradient descent with momentum",
    "adam": "Adam",
    "rmsprop": "RMSprop",
}


@table.register(Optimum)
@table.register(Root)
def optimum_table(result: Optimum | Root, digits: int) -> RenderableType:
    """Where the method stopped and why; with --trace, a row per iteration below."""
    from rich.console import Group

    from gradcli.render.optima import stop_text

    solving = isinstance(result, Root)
    command = "solve" if solving else "minimize" if result.goal == "minimum" else "maximize"
    table = _Summary(f"gradcli {command}")
    table.add_row("expression", _text(_source(result.expression)), wraps=True)
    if result.constants:
        table.add_row("at", _text(_point_text(result.constants, digits)), wraps=True)
    if not solving:
        table.add_row("method", _text(_METHODS[result.method]))
    table.add_row("start", _text(_point_text(result.start, digits)), wraps=True)
    for name, value in result.point.items():
        label = "root" if solving else result.goal
        table.add_row(f"{label} {name}", _array_view(value, digits))
    if solving:
        table.add_row("f there", _array_view(result.residual, digits))
    else:
        table.add_row("f there", _text(short_number(result.value, digits)))
        table.add_row("|∇f| there", _text(short_number(result.gradient_norm, digits)))
    table.add_row(
        "iterations", _text(f"{result.iterations:,} ({result.evaluations:,} evaluations)")
    )
    table.add_row("stopped", _text(stop_text(result)), wraps=True)
    if result.trace is None:
        return trimmed(table)
    return trimmed(Group(table, _trace_table(result, digits)))


def _trace_table(result: Optimum | Root, digits: int) -> Any:
    solving = isinstance(result, Root)
    trace = result.trace or []
    names = list(trace[0].point) if trace else []
    headers = ["iteration", *names, "|f|" if solving else "f"]
    headers += [] if solving else ["|∇f|"]
    rows = []
    for row in trace:
        cells = [str(row.iteration)]
        cells += [
            short_number(v, digits) if np.ndim(v) == 0 else f"shape {np.shape(v)}"
            for v in row.point.values()
        ]
        cells.append(short_number(row.value, digits))
        if not solving:
            cells.append(short_number(row.gradient_norm, digits))
        cells.append(short_number(row.step, digits))
        rows.append(cells)
    return _wide_or_records("trace", [*headers, "step"], rows, numbers={*headers, "step"})


@table.register(Critical)
def critical_table(result: Critical, digits: int) -> RenderableType:
    """The box and what was found, then a row per point."""
    from rich.console import Group

    from gradcli.render.optima import test_text

    summary = _Summary("gradcli critical")
    summary.add_row("expression", _text(_source(result.expression)), wraps=True)
    if result.constants:
        summary.add_row("at", _text(_point_text(result.constants, digits)), wraps=True)
    box = ", ".join(
        f"{name} ∈ [{short_number(lo, digits)}, {short_number(hi, digits)}]"
        for name, (lo, hi) in result.over.items()
    )
    summary.add_row("box", _text(box))
    counts: dict[str, int] = {}
    for point in result.points:
        counts[point.where] = counts.get(point.where, 0) + 1
    words = {"stationary": "stationary point", "kink": "kink", "end": "end"}
    found = ", ".join(
        f"{counts[where]} {word}{'s' * (counts[where] != 1)}"
        for where, word in words.items()
        if where in counts
    )
    summary.add_row("found", _text(f"{found or 'none'} (from {result.starts:,} starts)"))
    for label, extreme in (("global minimum", result.lowest), ("global maximum", result.highest)):
        if extreme:
            where = " and ".join(_point_text(p.point, digits) for p in extreme)
            summary.add_row(label, _text(f"{short_number(extreme[0].value, digits)} at {where}"))
    if not result.points:
        return trimmed(summary)
    names = list(result.points[0].point)
    # One variable: where each point comes from (stationary, kink, end) and what decided its
    # kind; several: every point is stationary and its Hessian's eigenvalues decide.
    one = len(names) == 1
    headers = ["where", "kind", *names, "f", "why"] if one else ["kind", *names, "f", "eigenvalues"]
    rows = []
    for point in result.points:
        why = test_text(point, digits)
        if not one and point.eigenvalues is not None:
            why = ", ".join(short_number(e, digits) for e in point.eigenvalues)
        numbers = [short_number(v, digits) for v in (*point.point.values(), point.value)]
        rows.append([*([point.where] if one else []), point.kind, *numbers, why])
    points = _wide_or_records("points", headers, rows, numbers={*names, "f"})
    return trimmed(Group(summary, points))


def _wide_or_records(
    title: str, headers: list[str], rows: list[list[str]], numbers: Any = ()
) -> Any:
    """A table with a column per header when it fits the width (the ``numbers`` columns
    aligned right); otherwise one record per row, a line per header, so that every cell
    is shown whole at 40 columns too."""
    from rich.table import Table

    wide = Table(title=_text(title), title_justify="left")
    for header in headers:
        wide.add_column(header, overflow="fold", justify="right" if header in numbers else "left")
    for row in rows:
        wide.add_row(*map(_text, row))
    records = Table(title=_text(title), title_justify="left", show_header=False)
    records.add_column(overflow="fold")
    records.add_column(overflow="fold")
    for row in rows:
        for k, (header, cell) in enumerate(zip(headers, row)):
            records.add_row(_text(header), _text(cell), end_section=k == len(row) - 1)
    return _FirstThatFits(wide, records)


def _hessian_view(labels: list[str], matrix: np.ndarray, digits: int) -> Any:
    """The Hessian's leading MAX_MATRIX_SIDE rows and columns; only those are formatted."""
    from rich.console import Group

    side = min(len(labels), MAX_MATRIX_SIDE)
    rows = [(labels[i], [short_number(v, digits) for v in matrix[i, :side]]) for i in range(side)]
    grid = _LabeledGrid("", labels[:side], rows, padding=1, labels="left")
    if side == len(labels):
        return grid
    note = (
        f"showing rows and columns 1 to {side} ({labels[0]} to {labels[side - 1]}) "
        f"of {len(labels):,}; {_ALL_VALUES}"
    )
    return Group(grid, _text(note, style="dim"))


@table.register(Functions)
def _functions(result: Functions, digits: int) -> RenderableType:
    return functions_table(result.entries)


def functions_table(entries: list[Any]) -> RenderableType:
    from rich.table import Table

    # Where each one comes from matters once a plugin adds some; until then all are built in.
    origins = any(info.origin != BUILT_IN for info in entries)
    headers = ["signature", "what it computes", "kind", *(["origin"] if origins else [])]
    rows = [
        [
            info.signature,
            info.summary,
            info.category + ("" if info.differentiable else ", not differentiable"),
            *([info.origin] if origins else []),
        ]
        for info in entries
    ]

    def build(widths: list[int] | None) -> Any:
        table = Table(title="functions of the expression language", title_justify="left")
        for k, header in enumerate(headers):
            table.add_column(header, overflow="fold", width=widths[k] if widths else None)
        for row in rows:
            table.add_row(*map(_text, row))
        return table

    columns = [list(column) for column in zip(headers, *rows)]
    # Any column may fold a long word when the width allows no better.
    whole = [False] * len(headers)
    return trimmed(columns_that_fit(build, columns, overhead=3 * len(headers) + 1, whole=whole))


def _step(h: float, digits: int) -> str:
    """A step in the teaching loop's ``0.00001`` form, or as ``1e-06`` or ``0.015625``, where
    that is exact (steps are usually round); otherwise as ``fixed`` shows it."""
    forms = (f"{h:.{max(digits - 1, 1)}f}", f"{h:.{digits}g}")
    # Steps of one and more (scaled to a large x) read best short: 1e+09, not 1000000000.00000.
    for short in forms if abs(h) < 1 else forms[::-1]:
        if float(short) == h:
            return short
    return fixed(h, digits)


@table.register(Limit)
def limit_table(result: Limit, digits: int) -> RenderableType:
    # The theory of finite differences loads for limit's output only.
    from rich.console import Group
    from rich.table import Table

    from gradcli.render.sweeps import sweep_note

    parts: list[Any] = []
    kind = "f'" if result.derivative_order == 1 else "f''"
    columns = ("h", "estimate", "abs error", "rel error", "order")
    for sweep in result.sweeps.values():
        title = (
            f"{sweep.scheme} differences for {kind}({result.wrt}) of {_named(result.expression)}"
        )
        rows = [
            (
                [
                    _step(row.h, digits),
                    fixed(row.estimate, digits),
                    "" if row.abs_error is None else f"{row.abs_error:.2e}",
                    "" if row.rel_error is None else f"{row.rel_error:.2e}",
                    "" if row.order is None else f"{row.order:.2f}",
                ],
                sweep.best is not None and row is sweep.best,
            )
            for row in sweep.rows
        ]
        wide = Table(title=_text(title), title_justify="left")
        for column in (*columns, ""):
            wide.add_column(column, justify="right", overflow="fold")
        for cells, best in rows:
            wide.add_row(*cells, "◀ best" if best else "", style="bold green" if best else None)
        # Too narrow for the columns: one record per step, a line per quantity.
        records = Table(title=_text(title), title_justify="left", show_header=False)
        records.add_column(overflow="fold")
        records.add_column(justify="right", overflow="fold")
        for cells, best in rows:
            for number, (column, cell) in enumerate(zip(columns, cells)):
                records.add_row(
                    column,
                    cell + (" ◀ best" if best and number == 0 else ""),
                    style="bold green" if best else None,
                    end_section=number == len(columns) - 1,
                )
        layouts = (wide, records)
        parts.append(_FirstThatFits(*layouts))
        parts.append(_text(f"exact (autograd) {kind} = {plain_number(result.exact)}"))
        parts.append(_text(sweep_note(sweep), style="dim"))
        if sweep.extrapolation:
            extra = Table(title="Richardson extrapolation, by column", title_justify="left")
            for column in ("column", "best (every digit)", "at h", "error estimate"):
                extra.add_column(column, justify="right", overflow="fold")
            for column in sweep.extrapolation:
                extra.add_row(
                    f"removes h^{2 * column.level}" if column.level else "central",
                    plain_number(column.best),
                    _step(column.best_h, digits),
                    "" if column.error_estimate is None else f"{column.error_estimate:.2e}",
                )
            parts.append(extra)
    return trimmed(Group(*parts))


# --- check ------------------------------------------------------------------------------

_SCHEMES = {"complex": "complex step", "richardson": "Richardson-extrapolated central differences"}
_VERDICT_STYLES = {"agree": "green", "DISAGREE": "bold red", "not smooth": "yellow"}


def _derivative(row: Any) -> str:
    """``∂/∂x``, ``∂²/∂x²``, ``∂²/∂x∂y`` for the row's input and order."""
    if row.order == 1:
        return f"∂/∂{row.input}"
    parts = row.input.split(",")
    return f"∂²/∂{parts[0]}²" if len(parts) == 1 else f"∂²/∂{parts[0]}∂{parts[1]}"


def _check_point_text(point: dict[str, np.ndarray], digits: int) -> str:
    """The point's values: whole for small arrays (random points are worth seeing)."""
    parts = []
    for name, value in point.items():
        value = np.asarray(value)
        if value.ndim == 0:
            shown = short_number(value, digits)
        elif value.size <= 8:
            shown = np.array2string(
                value, separator=", ", formatter={"float_kind": lambda v: short_number(v, digits)}
            )
        else:
            shown = f"array of shape {value.shape}"
        parts.append(f"{name} = {shown}")
    return ", ".join(parts) or "(no variables)"


_CHECK_COLUMNS = ("derivative", "exact", "numerical", "abs err", "rel err", "tolerance", "verdict")


def _check_point_table(result: Any, point: int, digits: int) -> Any:
    from rich import box
    from rich.table import Table

    title = f"{_named(result.expression)} at {_check_point_text(result.points[point], digits)}"
    if len(result.points) > 1:
        title = f"point {point + 1}: {title}"
    rows = [
        (
            [
                _derivative(row) + (" taylor" if row.method == "taylor" else ""),
                short_number(row.exact, digits),
                short_number(row.numerical, digits),
                f"{row.abs_error:.1e}",
                "" if row.rel_error is None else f"{row.rel_error:.1e}",
                f"{row.tolerance:.1e}",
            ],
            row.verdict,
        )
        for row in result.rows
        if row.point == point
    ]
    # No vertical rules, so that the columns fit 80 characters more often.
    wide = Table(
        title=_text(title),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for column in _CHECK_COLUMNS:
        justify = "left" if column == "derivative" else "right"
        wide.add_column(column, justify=justify, no_wrap=True)
    for cells, verdict in rows:
        wide.add_row(_text(cells[0]), *cells[1:], _text(verdict, style=_VERDICT_STYLES[verdict]))
    # Too narrow for the columns: one record per derivative, a line per quantity.
    records = Table(title=_text(title), title_justify="left", show_header=False)
    records.add_column(overflow="fold")
    records.add_column(justify="right", overflow="fold")
    for cells, verdict in rows:
        records.add_row(
            _text(cells[0], style="bold"), _text(verdict, style=_VERDICT_STYLES[verdict])
        )
        for number, (column, cell) in enumerate(zip(_CHECK_COLUMNS[1:-1], cells[1:])):
            records.add_row(f"  {column}", cell, end_section=number == len(cells) - 2)
    return _FirstThatFits(wide, records)


def _check_notes(result: Any) -> list[Any]:
    reasons = dict.fromkeys(
        f"{_derivative(row)}{'' if len(result.points) == 1 else f' (point {row.point + 1})'}: "
        f"not smooth: {row.reason}"
        for row in result.rows
        if row.verdict == "not smooth" and row.method == "reverse"
    )
    return [_text(reason, style="dim") for reason in reasons]


def _check_summary(rows: list[Any]) -> Any:
    bad = sum(row.verdict == "DISAGREE" for row in rows)
    rough = sum(row.verdict == "not smooth" for row in rows)
    checked = len(rows) - rough
    skipped = f" ({rough} not smooth, not counted)" if rough else ""
    if bad:
        return _text(f"{bad} of {checked} derivatives DISAGREE{skipped}", style="bold red")
    if not checked:
        return _text(f"no derivative could be checked{skipped}", style="yellow")
    return _text(f"all {checked} derivatives agree{skipped}", style="green")


@table.register(Check)
def check_table(result: Check, digits: int) -> RenderableType:
    """A table per point (derivative and method, exact, numerical, errors, tolerance,
    verdict), why rows are not smooth, and a summary."""
    from rich.console import Group

    parts: list[Any] = [_check_point_table(result, p, digits) for p in range(len(result.points))]
    parts.extend(_check_notes(result))
    numerical = " and ".join(sorted({_SCHEMES[row.scheme] for row in result.rows}))
    taylor = (
        "; rows marked taylor: Taylor mode"
        if any(r.method == "taylor" for r in result.rows)
        else ""
    )
    parts.append(
        _text(
            f"exact: reverse mode{taylor}. numerical: {numerical}. tolerance: 10 times the "
            "numerical estimate's error estimate + 1e-6 times the larger value",
            style="dim",
        )
    )
    parts.append(_check_summary(result.rows))
    return trimmed(Group(*parts))


@table.register(BuiltinsCheck)
def builtins_table(result: BuiltinsCheck, digits: int) -> RenderableType:
    """--builtins: a row per operation and the tables of the samples that disagree."""
    from rich.console import Group
    from rich.table import Table

    order = "first derivatives" if result.order == 1 else "first and second derivatives"
    table = Table(title=f"every operation's {order}, on random inputs", title_justify="left")
    for column in ("operation", "samples", "derivatives", "worst error / tolerance", "verdict"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    failing = []
    every_row = []
    for name, checks in result.checks.items():
        rows = [row for check in checks for row in check.rows if row.verdict != "not smooth"]
        every_row.extend(rows)
        ratios = [row.abs_error / row.tolerance for row in rows if row.tolerance > 0]
        passed = all(check.passed for check in checks)
        failing.extend(check for check in checks if not check.passed)
        verdict = "agree" if passed else "DISAGREE"
        table.add_row(
            _text(name),
            str(len(checks)),
            str(len(rows)),
            f"{max(ratios, default=0.0):.1e}",
            _text(verdict, style=_VERDICT_STYLES[verdict]),
        )
    parts: list[Any] = [table]
    for check in failing:
        parts.append(check_table(check, digits))
    if result.unchecked:
        parts.append(
            _text(f"without derivatives, not checked: {', '.join(result.unchecked)}", style="dim")
        )
    parts.append(_check_summary(every_row))
    return trimmed(Group(*parts))
