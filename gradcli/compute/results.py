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
