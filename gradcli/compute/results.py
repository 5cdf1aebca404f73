"""What the commands compute, as plain data (numpy arrays and lists) for the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Evaluation:
    expression: str
    at: dict[str, np.ndarray]
    value: np.ndarray
    warnings: list[str] = field(default_factory=list)


@dataclass
class Differentiation(Evaluation):
    wrt: list[str] = field(default_factory=list)
    gradient: dict[str, np.ndarray] | None = None
    jacobian: dict[str, np.ndarray] | None = None
    weighted: bool = False
    derivatives: dict[str, list[float]] | None = None
    coefficients: dict[str, list[float]] | None = None
    """The Taylor coefficients f^(k)/k!, beside ``derivatives`` (as Taylor mode makes them)."""
    hessian: tuple[list[str], np.ndarray] | None = None
    method: str | None = None


@dataclass
class Limit:
    expression: str
    at: dict[str, np.ndarray]
    wrt: str
    derivative_order: int
    exact: float
    sweeps: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Functions:
    """``gradcli functions``: the registry's entries (``gradcli.registry.OpInfo``) to list."""

    entries: list[Any]


# --- gradcli check ------------------------------------------------------------------------

AGREE, DISAGREE, NOT_SMOOTH = "agree", "DISAGREE", "not smooth"
"""A check row's verdicts."""


@dataclass
class CheckRow:
    """One derivative at one point: the exact value beside the numerical estimate.

    ``input`` names the element (``x``, ``v[1]``; ``w,x`` for a mixed second
    derivative); ``method`` is how the exact value was computed (``reverse``,
    ``taylor``), ``scheme`` how the numerical one was (``complex``, ``richardson``).
    ``verdict`` is ``agree``, ``DISAGREE`` or ``not smooth`` (then ``reason`` says why).
    """

    point: int
    input: str
    order: int
    method: str
    exact: float
    numerical: float
    scheme: str
    abs_error: float
    rel_error: float | None
    tolerance: float
    verdict: str
    reason: str = ""


@dataclass
class Check:
    """``gradcli check``: every derivative of ``expression`` at every point, checked."""

    expression: str
    wrt: list[str]
    order: int
    points: list[dict[str, np.ndarray]]
    rows: list[CheckRow]
    operations: list[str] = field(default_factory=list)
    """The operations the expression uses (by name), the suspects when a check fails."""
    weights: np.ndarray | None = None
    """The fixed random weights that reduce a non-scalar value to one number."""
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(row.verdict != DISAGREE for row in self.rows)


@dataclass
class BuiltinsCheck:
    """``gradcli check --builtins``: one :class:`Check` per sample of every operation."""

    order: int
    checks: dict[str, list[Check]]
    unchecked: list[str] = field(default_factory=list)
    """Operations without derivatives (comparisons, creation), which are not checked."""
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for checks in self.checks.values() for check in checks)
