"""How a command shows its result: the format checked once, warnings to standard error, and
the renderer chosen by the result's type (each render module dispatches on it).

Only the render module the format needs is imported: plain and JSON never load rich.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from gradcli.errors import UsageError

DOCUMENTS = ("table", "plain", "json")
"""The formats of a command that writes one document."""

MAX_CHARACTERS = 1000
"""The widest and tallest terminal plot, in characters."""
MAX_PIXELS = 10_000
"""The widest and tallest plot file, in pixels (a 10,000-pixel square PNG is ~400 MB in memory)."""


def default_format() -> str:
    """A table for a person at a terminal, plain numbers for a pipe."""
    return "table" if sys.stdout.isatty() else "plain"


def document_format(choice: str | None, digits: int | None) -> str:
    """The format of one document; ``--digits`` only with the table it shapes."""
    refuse_digits(choice, digits)
    if choice == "latex":
        raise UsageError(
            "-o latex writes formulas: gradcli diff without --at gives the derivatives as "
            "formulas, and with --symbolic beside the numbers"
        )
    if choice is not None and choice not in DOCUMENTS:
        raise UsageError(
            f"-o {choice} writes one row per point: give the points with --points, "
            "or choose table, plain or json"
        )
    return choice or default_format()


def formula_format(choice: str | None, digits: int | None, alone: str | None = None) -> str:
    """The format of a document of formulas: a document's, or latex. ``alone`` says what
    a command without --points writes, for a row format asked of it."""
    if choice == "latex":
        refuse_digits(choice, digits)
        return choice
    if alone is not None and choice in ("tsv", "csv", "jsonl", "npy"):
        raise UsageError(
            f"-o {choice} writes rows of points; {alone}: choose table, plain, json or latex"
        )
    return document_format(choice, digits)


def stream_format(choice: str | None, digits: int | None) -> str:
    """The format of rows written as the points are read."""
    if digits is not None:
        raise UsageError("--digits shapes tables; rows from --points always carry every digit")
    if choice == "json":
        raise UsageError("-o json is one document; with --points use -o jsonl, one per row")
    if choice == "latex":
        raise UsageError("-o latex writes formulas, one document; it does not go with --points")
    chosen = choice or default_format()
    if chosen == "npy" and sys.stdout.isatty():
        raise UsageError("-o npy writes binary data: redirect it to a file (> points.npy)")
    return chosen


def refuse_digits(choice: str | None, digits: int | None) -> None:
    """``--digits`` only with the table it shapes."""
    if choice is not None and choice != "table" and digits is not None:
        raise UsageError(
            f"--digits sets the digits of tables; -o {choice} always writes every digit, "
            "so leave --digits out (or use -o table)"
        )


def warn(notes: Iterable[Any]) -> None:
    """Each note (a result's, a command's) as a ``warning:`` line on standard error."""
    # A note may be an empty named tuple (NoRows): only None means no note.
    if not (notes := [note for note in notes if note is not None]):
        return
    from gradcli.render.notes import note_text

    for note in notes:
        sys.stderr.write(f"warning: {note_text(note)}\n")


def show(result: Any, fmt: str, digits: int | None = None) -> None:
    """Warnings to standard error, then ``result`` as ``fmt`` on standard output."""
    warn(getattr(result, "warnings", []))
    if fmt == "json":
        from gradcli.render import documents

        sys.stdout.write(documents.to_json(documents.document(result)) + "\n")
    elif fmt == "latex":
        from gradcli.render.formulas import latex_lines

        sys.stdout.write(latex_lines(getattr(result, "formulas", None) or result) + "\n")
    elif fmt == "plain":
        from gradcli.render import plain

        sys.stdout.write(plain.plain(result) + "\n")
    else:
        from rich.console import Console

        from gradcli.render import tables

        Console(highlight=False).print(tables.table(result, 6 if digits is None else digits))


def check_drawing(
    drawing: bool,
    output: str | None,
    digits: int | None,
    width: int | None,
    height: int | None,
    what: str,
    saving: bool = False,
) -> None:
    """Options that only tables or only plots take, refused in the other; sizes in range."""
    if drawing and (output is not None or digits is not None):
        flag = "-o" if output is not None else "--digits"
        raise UsageError(
            f"{flag} shapes the table; {what} draws a plot instead, so leave {flag} out"
        )
    if not drawing and (width is not None or height is not None):
        raise UsageError("--width and --height size a plot: give --plot or --save too")
    unit, most = ("pixels", MAX_PIXELS) if saving else ("characters", MAX_CHARACTERS)
    for flag, size, extent in (("--width", width, "wide"), ("--height", height, "tall")):
        if size is not None and size > most:
            raise UsageError(f"{flag} {size}: a plot is at most {most:,} {unit} {extent}")


def draw(data: Any, save: str | None, width: int | None, height: int | None) -> None:
    """Warnings to standard error, then the plot: to the file ``save`` (sized in pixels) or as
    text on standard output (sized in characters, by default to fit the terminal)."""
    from gradcli.render import plots

    warn(data.warnings)
    if save is not None:
        plots.check_file(save)
        plots.save(data, save, width or 960, height or 600)
        sys.stderr.write(f"saved {save}\n")
        return
    terminal = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
    columns = width or (terminal.columns if terminal else 80)
    lines = height or (min(max(terminal.lines - 2, 12), 40) if terminal else 24)
    color = (
        terminal is not None and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )
    sys.stdout.write(plots.text(data, columns, lines, color) + "\n")
