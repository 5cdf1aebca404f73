"""Variables bound on the command line: ``NAME=VALUE``, where VALUE is a constant expression."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import no_grad
from gradcli.errors import ExpressionError, UsageError, option
from gradcli.language import UnboundNameError, compile
from gradcli.registry import ALIASES, OPS


@dataclass
class Binding:
    """A variable's name, the text of its value, and the value, as a float64 array."""

    name: str
    source: str
    value: np.ndarray


# --- binding variables ------------------------------------------------------------


def parse_binding(text: str, seen: Sequence[str] = ()) -> tuple[str, str]:
    """Split ``NAME=VALUE`` and check the name can be a variable."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not value.strip():
        raise UsageError(
            f'{option("at")} {text!r}: write NAME=VALUE, e.g. {option("at")} x=1 or {option("at")} "v=[1,2,3]"'
        )
    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise UsageError(
            f"{option('at')} {text!r}: {name!r} is not a variable name (letters, digits and _, "
            "starting with a letter or _)"
        )
    if name in OPS or name in ALIASES:
        raise UsageError(
            f"{option('at')} {text!r}: {name!r} is a function; choose another variable name"
        )
    if name in seen:
        raise UsageError(f"{option('at')} {text!r}: {name!r} is bound twice")
    if re.search(r",\s*[A-Za-z_]\w*\s*=", value):
        raise UsageError(
            f"{option('at')} {text!r}: give one {option('at')} per variable, e.g. {option('at')} x=1 {option('at')} y=2"
        )
    return name, value.strip()


def bind(bindings: Sequence[str], seed: int | None = None) -> list[Binding]:
    """Evaluate each ``NAME=VALUE``; VALUE is a constant expression (``2*pi``, ``randn(3)``)."""
    if seed is not None:
        if seed < 0:
            raise UsageError(f"{option('seed')} {seed}: the seed must be a whole number >= 0")
        creation.manual_seed(seed)
    bound: list[Binding] = []
    for text in bindings:
        name, source = parse_binding(text, [b.name for b in bound])
        if source.startswith("@"):
            bound.append(Binding(name, source, load(source[1:], f"{option('at')} {name}")))
            continue
        try:
            value = constant(source, f"{option('at')} {name}=...")
        except UnboundNameError as error:
            if error.name in [b.name for b in bound] or any(
                t.partition("=")[0].strip() == error.name for t in bindings
            ):
                raise UsageError(
                    f"{option('at')} {name}={source}: a value cannot refer to another variable "
                    f"({error.name}); give {name} a number or a constant expression"
                ) from None
            raise
        bound.append(Binding(name, source, value))
    return bound


def load(path: str, what: str) -> np.ndarray:
    """A whole array from a file: ``.npy``, or numbers in text, CSV, TSV or JSON Lines
    (one column gives a vector, several a matrix with a row per line)."""
    from gradcli.streams.readers import PointsError, read_points

    if path.endswith(".npy"):
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise UsageError(f"{what}=@{path}: cannot read it ({error})") from None
        check_size(array.size, f"{what}=@{path}", array.shape)
        return np.asarray(array, dtype=np.float64)
    try:
        parts = [
            np.column_stack(list(chunk.columns.values()))
            for chunk in read_points(path, names=["value"])
            if chunk.rows
        ]
    except PointsError as error:
        raise UsageError(f"{what}=@{path}: {error}") from None
    matrix = np.concatenate(parts) if parts else np.zeros((0, 1))
    check_size(matrix.size, f"{what}=@{path}", matrix.shape)
    return matrix[:, 0] if matrix.shape[1] == 1 else matrix


def constant(source: str, what: str) -> np.ndarray:
    """The value of a constant expression given in an option, such as ``--weights``."""
    try:
        with no_grad():
            return np.asarray(compile(source).evaluate()._data, dtype=np.float64)
    except ExpressionError as error:
        error.message = f"in {what}: {error.message}"
        error.args = (error.message,)
        raise
