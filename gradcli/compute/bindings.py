"""Variables bound on the command line: ``NAME=VALUE``, where VALUE is a constant expression."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradcli.autograd import creation
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


def constant(source: str, what: str) -> np.ndarray:
    """The value of a constant expression given in an option, such as ``--weights``."""
    try:
        with no_grad():
            return np.asarray(compile(source).evaluate()._data, dtype=np.float64)
    except ExpressionError as error:
        error.message = f"in {what}: {error.message}"
        error.args = (error.message,)
        raise
