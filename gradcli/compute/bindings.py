"""Variables bound on the command line: ``NAME=VALUE``, where VALUE is a constant expression."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.creation import check_size
from gradcli.autograd.function import no_grad
from gradcli.errors import ExpressionError, LimitError, UsageError, option
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
    if re.search(r",\s*[A-Za-z_]\w*\s*=", _outermost(value)):
        raise UsageError(
            f"{option('at')} {text!r}: give one {option('at')} per variable, e.g. {option('at')} x=1 {option('at')} y=2"
        )
    return name, value.strip()


def _outermost(text: str) -> str:
    """The text outside every bracket: ``x=1, y=2`` binds two variables, but the keyword in
    ``reshape(stack([a, b], dim=1), 4)`` is an argument."""
    depth, kept = 0, []
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        kept.append(char if depth == 0 or char in "([{" else " ")
    return "".join(kept)


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
    (one column gives a vector, several a matrix with a row per line).

    The file may hold at most :data:`~gradcli.io.sources.WHOLE_FILE_CAP` bytes,
    refused before more is read, and must hold at least one number: an empty file
    is more likely a mistake than a wish for an empty array.
    """
    from gradcli.io.readers import PointsError, read_points
    from gradcli.io.sources import WHOLE_FILE_CAP, read_capped, size

    given = f"{what}=@{path}"
    too_large = (
        f"{given}: the file is larger than {size(WHOLE_FILE_CAP)}, the most a variable is "
        "loaded from"
    )
    if path.endswith(".npy"):
        try:
            data = read_capped(path, WHOLE_FILE_CAP, "a variable's file")
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except LimitError:
            raise LimitError(too_large) from None
        except (OSError, ValueError) as error:
            raise UsageError(f"{given}: cannot read it ({error})") from None
        check_size(array.size, given, array.shape)
        matrix = np.asarray(array, dtype=np.float64)
    else:
        chunks = read_points(path, names=["value"], limit=WHOLE_FILE_CAP)
        parts, count = [], 0
        while True:
            try:
                chunk = next(chunks, None)
            except PointsError as error:
                raise UsageError(f"{given}: {error}") from None
            except LimitError:
                raise LimitError(too_large) from None
            if chunk is None:
                break
            if chunk.rows:
                parts.append(np.column_stack(list(chunk.columns.values())))
                count += parts[-1].size
                check_size(count, given)  # as the rows come: the file may hold millions
        stacked = np.concatenate(parts) if parts else np.zeros((0, 1))
        matrix = stacked[:, 0] if stacked.shape[1] == 1 else stacked
    if not matrix.size:
        raise UsageError(
            f"{given}: the file holds no numbers; for an empty array, write {what}=zeros(0)"
        )
    return matrix


def constant(source: str, what: str) -> np.ndarray:
    """The value of a constant expression given in an option, such as ``--weights``."""
    try:
        with no_grad():
            return np.asarray(compile(source).evaluate().numpy(), dtype=np.float64)
    except ExpressionError as error:
        error.message = f"in {what}: {error.message}"
        error.args = (error.message,)
        raise
