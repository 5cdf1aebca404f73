"""Taylor polynomials (``gradcli taylor``) for people, for shells and as JSON."""

from __future__ import annotations

from typing import Any

from gradcli.compute.results import TaylorPolynomial
from gradcli.render.numbers import json_number


def document(result: TaylorPolynomial) -> dict[str, Any]:
    """{"expression", "at", "order", "variables", "polynomial", "latex", "coefficients"}: each
    nonzero coefficient by its powers, a number (with --exact, its exact text)."""
    return {
        "expression": result.expression,
        "at": {
            name: value if isinstance(value, str) else json_number(value)
            for name, value in result.at.items()
        },
        "order": result.order,
        "variables": list(result.names),
        "polynomial": result.polynomial,
        "latex": result.latex,
        "coefficients": [
            {
                "powers": term.powers,
                "coefficient": term.exact
                if term.exact is not None
                else json_number(term.coefficient),
            }
            for term in result.terms
        ],
    }
