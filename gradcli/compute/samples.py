"""Inputs for every operation of the registry: what ``gradcli check --builtins`` checks and
what the test suite's gradcheck runs (tests/test_ops_gradcheck.py), from one table.

A :class:`Sample` is a call of one operation written in the expression language
(``sum(x, dim=1)``) and, for each variable, the domain and shape its values are
drawn from: inside the operation's domain (positive for ``log``), away from its
kinks (no ties for ``max``, nothing near 0 for ``abs``), with broadcasting
between shapes. Operations registered without samples (a plugin's) get
:func:`default_samples`, drawn from their signatures.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradcli.language import CONSTANTS
from gradcli.registry import OPS, OpInfo

Domain = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def uniform(low: float, high: float) -> Domain:
    return lambda rng, shape: rng.uniform(low, high, shape)


ANY = uniform(-1.0, 1.0)
POSITIVE = uniform(0.5, 2.0)
INSIDE_UNIT = uniform(-0.8, 0.8)
PROBABILITY = uniform(0.0, 1.0)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values with no ties and no kinks nearby, for max/min/abs-like operations."""
    values = rng.permutation(np.arange(np.prod(shape, dtype=int)) * 0.37 + 0.2)
    return (values * rng.choice([-1.0, 1.0])).reshape(shape)


def near_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """In [-0.5, 0.5): apart from ``distinct``'s values, which are 0.2 + 0.37k."""
    return rng.uniform(5.0, 6.0, shape) - 5.5


def fixed(value: list[list[float]]) -> Domain:
    """Always the same values (zeros where an operation treats them specially)."""
    return lambda rng, shape: np.array(value, dtype=np.float64)


@dataclass(frozen=True)
class Sample:
    """One call to check: ``source`` and, per variable, where its values come from."""

    source: str
    inputs: tuple[tuple[str, Domain, tuple[int, ...]], ...]

    def draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Fresh values for the variables, in the order ``source`` names them."""
        return {name: np.asarray(domain(rng, shape), float) for name, domain, shape in self.inputs}


def _unary(domain: Domain, shapes: tuple[tuple[int, ...], ...] = ((), (3,), (2, 3))) -> list:
    return [("{op}(x)", ((domain, s),)) for s in shapes]


def _binary(x: Domain, y: Domain) -> list:
    pairs = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))]
    return [("{op}(x, y)", ((x, a), (y, b))) for a, b in pairs]


def _reduction(domain: Domain = ANY) -> list:
    return [
        ("{op}(x)", ((domain, (4,)),)),
        ("{op}(x)", ((domain, (2, 3)),)),
        ("{op}(x, dim=1)", ((domain, (2, 3)),)),
        ("{op}(x, dim=0, keepdim=1)", ((domain, (2, 3, 2)),)),
    ]


# Per operation: (source with {op} for its name, ((domain, shape) per variable x, y, ...)).
_RECIPES: dict[str, list] = {
    "add": _binary(ANY, ANY),
    "sub": _binary(ANY, ANY),
    "mul": _binary(ANY, ANY),
    "div": _binary(ANY, away_from_zero),
    "pow": _binary(POSITIVE, ANY),
    "neg": _unary(ANY),
    "maximum": _binary(distinct, near_zero),
    "minimum": _binary(distinct, near_zero),
    "exp": _unary(ANY),
    "expm1": _unary(ANY),
    "log": _unary(POSITIVE),
    "log1p": _unary(POSITIVE),
    "log2": _unary(POSITIVE),
    "log10": _unary(POSITIVE),
    "sqrt": _unary(POSITIVE),
    "sin": _unary(ANY),
    "cos": _unary(ANY),
    "tan": _unary(INSIDE_UNIT),
    "asin": _unary(INSIDE_UNIT),
    "acos": _unary(INSIDE_UNIT),
    "atan": _unary(ANY),
    "sinh": _unary(ANY),
    "cosh": _unary(ANY),
    "tanh": _unary(ANY),
    "asinh": _unary(ANY),
    "acosh": _unary(uniform(1.5, 3.0)),
    "atanh": _unary(INSIDE_UNIT),
    "sigmoid": _unary(ANY),
    "softplus": _unary(ANY),
    "relu": _unary(away_from_zero),
    "abs": _unary(away_from_zero),
    "sign": _unary(away_from_zero),
    "clamp": [("{op}(x, min=-0.5, max=0.55)", ((distinct, (2, 3)),))],
    "where": [
        ("{op}([[1, 0, 1]], x, y)", ((ANY, (2, 3)), (ANY, (3,)))),
        ("{op}([1, 0], x, y)", ((ANY, ()), (ANY, (2,)))),
    ],
    "sum": _reduction(),
    "mean": _reduction(),
    "prod": [
        *_reduction(away_from_zero),
        ("{op}(x, dim=1)", ((fixed([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]]), (2, 3)),)),
    ],
    "amax": _reduction(distinct),
    "amin": _reduction(distinct),
    "max": _reduction(distinct),
    "min": _reduction(distinct),
    "norm": [*_reduction(away_from_zero), ("{op}(x, p=3)", ((away_from_zero, (3,)),))],
    "logsumexp": _reduction(),
    "softmax": [("{op}(x)", ((ANY, (4,)),)), ("{op}(x, dim=0)", ((ANY, (2, 3)),))],
    "log_softmax": [("{op}(x)", ((ANY, (4,)),)), ("{op}(x, dim=0)", ((ANY, (2, 3)),))],
    "matmul": [
        ("{op}(x, y)", ((ANY, (2, 3)), (ANY, (3, 4)))),
        ("{op}(x, y)", ((ANY, (3,)), (ANY, (3, 2)))),
        ("{op}(x, y)", ((ANY, (2, 3)), (ANY, (3,)))),
        ("{op}(x, y)", ((ANY, (3,)), (ANY, (3,)))),
        ("{op}(x, y)", ((ANY, (2, 2, 3)), (ANY, (3, 2)))),
    ],
    "dot": [("{op}(x, y)", ((ANY, (4,)), (ANY, (4,))))],
    "cat": [
        ("{op}([x, y])", ((ANY, (2,)), (ANY, (3,)))),
        ("{op}([x, y], dim=0)", ((ANY, (2, 2)), (ANY, (1, 2)))),
        ("{op}([x, y])", ((ANY, ()), (ANY, (2,)))),
    ],
    "stack": [("{op}([x, y], dim=1)", ((ANY, (2,)), (ANY, (2,))))],
    "reshape": [("{op}(x, 3, 2)", ((ANY, (2, 3)),)), ("{op}(x, -1, 1)", ((ANY, (4,)),))],
    "transpose": [("{op}(x)", ((ANY, (2, 3)),)), ("{op}(x, 0, 2)", ((ANY, (2, 3, 4)),))],
    "bce_with_logits": [("{op}(x, y)", ((ANY, (3,)), (PROBABILITY, (3,))))],
    "mse": [("{op}(x, y)", ((ANY, (2, 3)), (ANY, (2, 3))))],
}

_NAMES = ("x", "y")

SAMPLES: dict[str, list[Sample]] = {
    op: [
        Sample(source.format(op=op), tuple((n, d, s) for n, (d, s) in zip(_NAMES, inputs)))
        for source, inputs in recipes
    ]
    for op, recipes in _RECIPES.items()
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
