"""What a command reads before it computes: the expression, the plugins, the point, the names.

Each is checked here once, for every command that takes it.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from gradcli.compute.bindings import Binding, bind, constant
from gradcli.compute.results import UnusedSeed
from gradcli.errors import UsageError
from gradcli.io.sources import PROGRAM_CAP, read_capped
from gradcli.language import MAX_ITERATIONS, Expression, compile
from gradcli.registry import ALIASES, OPS


def load_plugins(paths: Sequence[str] | None) -> None:
    """Register the operations of ``--plugin`` files and of ``GRADCLI_PLUGINS``.

    Nothing is imported unless a plugin is named: this is the only way any of
    the user's Python code runs.
    """
    if paths or os.environ.get("GRADCLI_PLUGINS"):
        from gradcli.plugins import load

        load(list(paths or []))


def expression(
    text: str | None,
    file: str | None,
    max_iterations: int | None,
    stdin_taken: bool = False,
) -> Expression:
    """The compiled expression or program: from EXPR, ``@FILE``, ``--file`` or standard input."""
    if text is not None and file is not None:
        raise UsageError(f"give the expression as EXPR or with --file, not both (--file {file})")
    if text is None and file is None:
        raise UsageError(
            'give an expression or a program: EXPR, @FILE or --file FILE, e.g. "x**2" --at x=1'
        )
    if file is None and text is not None and text.startswith("@"):
        file = text[1:]
    if file is not None:
        text = _read(file, stdin_taken)
    elif text == "-":
        text = _read("-", stdin_taken)
    assert text is not None
    compiled = compile(text, max_iterations or MAX_ITERATIONS)
    if max_iterations is not None and not compiled.repeats:
        raise UsageError(
            f"--max-iterations {max_iterations} bounds the loops and calls of a program, and "
            "this one has none; leave it out"
        )
    return compiled


def _read(file: str, stdin_taken: bool) -> str:
    """The text of a program file, or of standard input (``-``): at most PROGRAM_CAP bytes,
    refused before more is read (``-f /dev/zero``), and without a byte-order mark."""
    if file == "-":
        if stdin_taken:
            raise UsageError("the expression and --points cannot both come from standard input")
        if sys.stdin.isatty():
            sys.stderr.write("reading the expression from standard input; end it with Ctrl-D\n")
        # Bytes, decoded here: a stray byte is named, whatever the locale's error handler.
        return read_capped(sys.stdin.buffer, PROGRAM_CAP, "a program").decode("utf-8").strip()
    try:
        data = read_capped(file, PROGRAM_CAP, "a program")
    except OSError as error:
        raise UsageError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{file} is not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start}); "
            "convert it, e.g. with iconv -t UTF-8"
        ) from None


def point(at: Sequence[str] | None, seed: int | None) -> list[Binding]:
    """The ``--at`` bindings, evaluated (``--seed`` first, so ``randn`` repeats)."""
    return bind(list(at or []), seed)


def over(text: str) -> tuple[str, float, float]:
    """``NAME=LO:HI`` (the ends are constant expressions: ``x=-pi:2*pi``)."""
    name, _, source = (part.strip() for part in text.partition("="))
    if not re.fullmatch(r"[A-Za-z_]\w*", name) or name in OPS or name in ALIASES:
        raise UsageError(
            f"--over {text!r}: {name!r} is not a variable name; "
            f"write NAME=LO:HI, e.g. --over x=-3:3"
        )
    depth, split = 0, -1
    for i, char in enumerate(source):
        depth += (char in "([{") - (char in ")]}")
        if char == ":" and depth == 0:
            split = i
            break
    if split < 0:
        raise UsageError(f"--over {text!r}: write NAME=LO:HI, e.g. --over x=-3:3")
    ends = []
    for part in (source[:split], source[split + 1 :]):
        if not part.strip():
            raise UsageError(f"--over {text!r}: both ends are needed, e.g. --over x=-3:3")
        value = constant(part.strip(), f"--over {name}=...")
        if value.size != 1 or not math.isfinite(float(value.reshape(-1)[0])):
            raise UsageError(
                f"--over {text!r}: each end must be one finite number, got {part.strip()!r}"
            )
        ends.append(float(value.reshape(-1)[0]))
    lo, hi = ends
    if not lo < hi:
        raise UsageError(
            f"--over {text!r}: the range must run from low to high ({lo:g} is not below {hi:g})"
        )
    return name, lo, hi


def weights(text: str | None) -> np.ndarray | None:
    """``--weights W``, a constant expression."""
    return None if text is None else constant(text, "--weights")


def names(wrt: str | None) -> list[str] | None:
    """``--wrt x,y`` as a list of names (repeated --wrt options arrive joined by commas)."""
    if wrt is None:
        return None
    chosen = [name.strip() for name in wrt.split(",") if name.strip()]
    if not chosen:
        raise UsageError("--wrt needs at least one variable name, e.g. --wrt x,y")
    return chosen


def points_source(points: str) -> IO[bytes] | str:
    """Where ``--points`` come from: a path, or standard input for ``-``."""
    return sys.stdin.buffer if points == "-" else points


def only_with_points(points: str | None, **given: Any) -> None:
    """Options that only say how to read or handle --points, refused without it."""
    if points is None:
        for name, value in given.items():
            if value is not None:
                flag = "--" + name.replace("_", "-")
                raise UsageError(f"{flag} applies to the rows of --points; give --points FILE too")


def unused_seed(seed: int | None) -> UnusedSeed | None:
    """A seed given where nothing random was drawn is worth a word: the user may think it
    steers something it does not."""
    from gradcli.autograd.creation import drawn_since_seed

    if seed is not None and not drawn_since_seed():
        return UnusedSeed(seed)
    return None
