"""The forward pass, and what every computation shares: the scope, the point, the warnings."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.results import Evaluation, NotFiniteValue
from gradcli.errors import UsageError, option
from gradcli.language import CONSTANTS, Algebra, Expression
from gradcli.registry import OPS

ELEMENTS_PER_OPERATION = 1_000
"""Elements whose computing costs about what one operation costs by itself: an operation
on a single number takes about 8 µs, nearly all of it the step, and each element it
touches adds a few nanoseconds."""


def tensors_of(bound: Sequence[Binding], wrt: Sequence[str] = ()) -> dict[str, Tensor]:
    """The bound values as tensors; those in ``wrt`` record the graph."""
    return {b.name: Tensor(b.value, requires_grad=b.name in wrt) for b in bound}


def point_of(bound: Sequence[Binding]) -> dict[str, np.ndarray]:
    return {b.name: b.value for b in bound}


def as_array(value: Tensor) -> np.ndarray:
    return np.asarray(value.numpy(), dtype=np.float64)


def nonfinite_warnings(
    expression: Expression, values: dict[str, Tensor], value: Tensor
) -> list[NotFiniteValue]:
    """Say where NaN or infinity first came from, by re-running with a trace."""
    if np.all(np.isfinite(value.numpy())):
        return []
    origins: list[str] = []
    with no_grad():
        expression.evaluate(values, trace=origins)
    kind = "NaN" if np.any(np.isnan(value.numpy())) else "infinite"
    where = origins[0] if origins else "the expression"
    return [NotFiniteValue(kind, where)]


def evaluate_expression(expression: Expression, bound: Sequence[Binding]) -> Evaluation:
    """The forward pass only."""
    with creation.same_draws():
        values = tensors_of(bound)
        with no_grad():
            value = expression.evaluate(values)
        return Evaluation(
            expression=expression.source,
            at=point_of(bound),
            value=as_array(value),
            warnings=nonfinite_warnings(expression, values, value),
        )


def choose_wrt(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None,
    doing: str = "differentiate",
) -> list[str]:
    """The variables to differentiate by (or, ``doing`` "vary", to vary in minimize and
    solve): ``wrt``, checked, or every bound one used."""
    names = [b.name for b in bound]
    if wrt:
        for name in wrt:
            if not name.isidentifier():
                raise UsageError(
                    f"{option('wrt')} {name!r} is not a variable name; separate names with commas: {option('wrt')} x,y"
                )
            if name not in names:
                raise UsageError(
                    f"{option('wrt')} {name}: no such variable; bind it with {option('at')} {name}=VALUE"
                )
        return list(dict.fromkeys(wrt))
    used = set(expression.names) - (set(CONSTANTS) - set(names))
    chosen = [name for name in names if name in used]
    if not chosen:
        # Evaluating first reports what is really wrong (an unbound name, a bad
        # call) with its caret; only an expression that works has nothing to vary.
        with no_grad():
            expression.evaluate(tensors_of(bound))
        raise UsageError(
            f"the expression uses none of the {option('at')} variables, so there is nothing to "
            f"{doing}; bind the variables it uses with {option('at')} NAME=VALUE"
        )
    return chosen


class Profile(NamedTuple):
    """What one evaluation did: what the budgets count, and what numpy reported."""

    operations: int
    elements: int
    """Elements the operations touched: for each, the larger of its result and its
    largest argument (a sum of a million numbers touches a million)."""
    events: frozenset[str]
    """numpy's floating-point reports on the way ("overflow", "divide" by zero,
    "invalid", "underflow"), and "0/0" where a division of 0 by 0 made a NaN."""

    @property
    def work(self) -> int:
        """The cost in operations on single numbers: one per operation, and one more
        per :data:`ELEMENTS_PER_OPERATION` elements touched."""
        return self.operations + self.elements // ELEMENTS_PER_OPERATION


def profile(expression: Expression, values: Mapping[str, Tensor]) -> Profile:
    """Evaluate once at ``values`` (recording no graph), counting what it runs and touches
    and watching for floating-point trouble."""
    elements = 0
    events: set[str] = set()

    def watched(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal elements
            result = function(*args, **kwargs)
            elements += max(_size(v) for v in (result, *args, *kwargs.values()))
            if name == "div" and _zero_over_zero(result, *args):
                events.add("0/0")
            return result

        return run

    functions = dict(OPS)
    for name in {*expression.operations, "div"}.intersection(OPS):
        functions[name] = dataclasses.replace(OPS[name], function=watched(name, OPS[name].function))
    algebra = Algebra(functions=functions)
    tally: list[int] = []
    with no_grad(), floating_point_reports() as reports:
        expression.evaluate(values, algebra, tally=tally)
    return Profile(tally[0], elements, frozenset(events | reports))


@contextlib.contextmanager
def floating_point_reports() -> Iterator[set[str]]:
    """What numpy reports inside the block ("overflow", "divide" by zero, "invalid",
    "underflow"), gathered into the set it gives, as it happens."""
    reports: set[str] = set()
    previous = np.seterrcall(lambda kind, flag: reports.add(kind.split()[0]))
    try:
        with np.errstate(all="call"):
            yield reports
    finally:
        np.seterrcall(previous)


def _size(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        return sum(_size(v) for v in value)
    return value.numel() if isinstance(value, Tensor) else int(np.size(value))


def _zero_over_zero(result: Any, numerator: Any, denominator: Any) -> bool:
    def array(value: Any) -> np.ndarray:
        return value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)

    with np.errstate(all="ignore"):
        found = np.isnan(array(result)) & (array(numerator) == 0) & (array(denominator) == 0)
    return bool(np.any(found))
