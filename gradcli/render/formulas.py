"""Formulas for people and for LaTeX: ``diff`` without a point, or with ``--symbolic``.

A formula arrives in gradcli's own syntax (what ``gradcli eval`` reads back, and
what plain and JSON output carry); a table on a terminal shows it with
superscripts and ``·``; ``-o latex`` writes the LaTeX that SymPy made beside it.
"""

from __future__ import annotations

import re
from typing import Any

from gradcli.compute.results import Formulas, TaylorPolynomial

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty(text: str) -> str:
    """``x**2*cos(x)`` as ``x²·cos(x)``; other powers as ``^``."""
    text = re.sub(r"\*\*(-?\d+)(?![\d.(])", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("**", "^").replace("*", "·")


def labelled(result: Formulas) -> list[tuple[str, str, str]]:
    """Each formula with its label: (label, formula, its LaTeX), in the order printed."""
    rows = []
    if result.derivatives is not None:
        for name in result.wrt:
            pairs = zip(result.derivatives[name], result.latex["derivatives"][name])
            for k, (formula, latex) in enumerate(pairs, start=1):
                label = f"d/d{name}" if k == 1 else f"d{k}/d{name}{k}"
                rows.append((label, formula, latex))
    elif result.hessian is not None:
        for i, a in enumerate(result.wrt):
            for j, b in enumerate(result.wrt):
                rows.append((f"d2/d{a}d{b}", result.hessian[i][j], result.latex["hessian"][i][j]))
    else:
        for name in result.wrt:
            rows.append((f"d/d{name}", result.gradient[name], result.latex["gradient"][name]))
    return rows


def latex_lines(result: Any) -> str:
    """``-o latex``: one formula a line, in the order of the plain output (a Taylor
    polynomial is one formula)."""
    if isinstance(result, TaylorPolynomial):
        return result.latex
    return "\n".join(latex for _, _, latex in labelled(result))


def document(result: Formulas) -> dict[str, Any]:
    """The JSON document: the numeric contract's keys holding formulas, and ``latex``."""
    document: dict[str, Any] = {
        "expression": result.expression,
        "value": result.value,
        "wrt": list(result.wrt),
    }
    document["gradient"] = result.gradient
    if result.derivatives is not None:
        document["derivatives"] = result.derivatives
    if result.hessian is not None:
        document["hessian"] = {"variables": list(result.wrt), "matrix": result.hessian}
    latex = {key: value for key, value in result.latex.items() if value is not None}
    if "hessian" in latex:
        latex["hessian"] = {"variables": list(result.wrt), "matrix": latex["hessian"]}
    document["latex"] = latex
    return document
