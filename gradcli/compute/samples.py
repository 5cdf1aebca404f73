"""Inputs for every operation of the registry: what ``gradcli check --builtins`` checks and
what the test suite's gradcheck runs (tests/autograd/test_ops_gradcheck.py), from one table.

A :class:`Sample` is a call of one operation written in the expression language
(``sum(x, dim=1)``) and, for each variable, the domain and shape its values are
drawn from: inside the operation's domain (positive for ``log``), away from its
kinks (no ties for ``max``, nothing near 0 for ``abs``), with broadcasting
between shapes. Each built-in operation's registry row gives its samples
(:data:`gradcli.registry.Recipe`, naming a domain of :data:`DOMAINS`); operations
registered without them (a plugin's) get :func:`default_samples`, drawn from their
signatures.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradcli.language import CONSTANTS
from gradcli.registry import OPS, OpInfo, Recipe

Domain = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def uniform(low: float, high: float) -> Domain:
    return lambda rng, shape: rng.uniform(low, high, shape)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values with no ties and no kinks nearby, for max/min/abs-like operations."""
    values = rng.permutation(np.arange(np.prod(shape, dtype=int)) * 0.37 + 0.2)
    return (values * rng.choice([-1.0, 1.0])).reshape(shape)


def near_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """In [-0.5, 0.5): apart from ``distinct``'s values, which are 0.2 + 0.37k."""
    return rng.uniform(5.0, 6.0, shape) - 5.5


def between_wholes(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """k + [0.3, 0.7] for whole k in [-2, 2): at least 0.3 from every whole number, where
    floor, ceil and trunc jump (farther than a check's largest step, 0.25)."""
    return rng.integers(-2, 2, shape) + rng.uniform(0.3, 0.7, shape)


def near_wholes(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """k + [-0.2, 0.2] for whole k in [-2, 2]: at least 0.3 from every half, where round
    jumps."""
    return rng.integers(-2, 3, shape) + rng.uniform(-0.2, 0.2, shape)


def fixed(value: list[list[float]]) -> Domain:
    """Always the same values (zeros where an operation treats them specially)."""
    return lambda rng, shape: np.array(value, dtype=np.float64)


POSITIVE = uniform(0.5, 2.0)

DOMAINS: dict[str, Domain] = {
    "any": uniform(-1.0, 1.0),
    "positive": POSITIVE,
    "inside_unit": uniform(-0.8, 0.8),
    "probability": uniform(0.0, 1.0),
    "above_one": uniform(1.5, 3.0),
    "away_from_zero": away_from_zero,
    "distinct": distinct,
    "near_zero": near_zero,
    "between_wholes": between_wholes,
    "near_wholes": near_wholes,
    "with_zeros": fixed([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]]),
}
"""Where the registry's samples draw a variable's values, by the names its rows use."""


@dataclass(frozen=True)
class Sample:
    """One call to check: ``source`` and, per variable, where its values come from."""

    source: str
    inputs: tuple[tuple[str, Domain, tuple[int, ...]], ...]

    def draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Fresh values for the variables, in the order ``source`` names them."""
        return {name: np.asarray(domain(rng, shape), float) for name, domain, shape in self.inputs}


def _sample(name: str, recipe: Recipe) -> Sample:
    source, variables = recipe
    inputs = tuple(
        (variable, DOMAINS[domain], shape)
        for variable, (domain, shape) in zip(_NAMES[: len(variables)], variables, strict=True)
    )
    return Sample(source.format(op=name), inputs)


_NAMES = ("x", "y")

SAMPLES: dict[str, list[Sample]] = {
    name: [_sample(name, recipe) for recipe in info.samples]
    for name, info in OPS.items()
    if info.samples
}
"""The samples of every differentiable built-in operation (a test keeps this complete)."""

DEFAULT_SHAPES = ((), (3,), (2, 3))


def checked(info: OpInfo) -> bool:
    """Whether ``gradcli check --builtins`` checks the operation: it has derivatives."""
    return info.differentiable and info.category not in ("comparison", "creation")


def samples(info: OpInfo) -> list[Sample]:
    """The operation's samples: from the table, or :func:`default_samples`."""
    return SAMPLES.get(info.name) or default_samples(info)


def default_samples(info: OpInfo) -> list[Sample]:
    """Every parameter without a default a variable of the same shape, (), (3,) then
    (2, 3), drawn from [0.5, 2]: positive and away from 0, where rules have their kinks
    and their domains end (log, sqrt, abs)."""
    signature = inspect.signature(info.function)
    required = [
        p.name
        for p in signature.parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    # A parameter name that is also an operation or a constant cannot be a variable.
    names = [
        name if name.isidentifier() and name not in OPS and name not in CONSTANTS else f"x{k}"
        for k, name in enumerate(required)
    ]
    source = f"{info.name}({', '.join(names)})"
    return [Sample(source, tuple((n, POSITIVE, shape) for n in names)) for shape in DEFAULT_SHAPES]


def all_samples() -> dict[str, list[Sample]]:
    """The samples of every operation :func:`checked` in the registry, built-in or added."""
    return {name: samples(info) for name, info in OPS.items() if checked(info)}
