"""Results as strict JSON documents (RFC 8259), in the contract's shapes."""

from __future__ import annotations

import functools
import json
from typing import Any

from gradcli.compute.results import (
    BuiltinsCheck,
    Check,
    Critical,
    Differentiation,
    Evaluation,
    Formulas,
    Functions,
    Limit,
    Optimum,
    Root,
    Steps,
    TaylorPolynomial,
)
from gradcli.render.notes import note_text
from gradcli.render.numbers import json_array, json_number


@functools.singledispatch
def document(result: Any) -> dict[str, Any]:
    """The JSON document of a result, chosen by its type (each type registers below)."""
    raise TypeError(f"no JSON document for a {type(result).__name__}")


def to_json(document: dict[str, Any]) -> str:
    """One strict RFC 8259 document (no NaN/Infinity literals)."""
    return json.dumps(document, allow_nan=False, ensure_ascii=False)


# --- eval and diff ------------------------------------------------------------------


@document.register
def evaluation_document(result: Evaluation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "expression": result.expression,
        "at": {name: json_array(v) for name, v in result.at.items()},
        "value": json_array(result.value),
    }
    if result.warnings:
        document["warnings"] = [note_text(note) for note in result.warnings]
    return document


@document.register
def differentiation_document(result: Differentiation) -> dict[str, Any]:
    document = evaluation_document(result)
    warnings = document.pop("warnings", None)
    document["wrt"] = list(result.wrt)
    if result.gradient is not None:
        document["gradient"] = {n: json_array(g) for n, g in result.gradient.items()}
    if result.jacobian is not None:
        document["jacobian"] = {n: json_array(j) for n, j in result.jacobian.items()}
    if result.derivatives is not None:
        document["derivatives"] = {n: json_array(d) for n, d in result.derivatives.items()}
        document["method"] = result.method
    if result.hessian is not None:
        labels, matrix = result.hessian
        document["hessian"] = {"variables": labels, "matrix": json_array(matrix)}
    if result.formulas is not None:
        from gradcli.render.formulas import document as formulas_document

        document["formulas"] = formulas_document(result.formulas)
    if warnings:
        document["warnings"] = warnings
    return document


@document.register
def steps_document(result: Steps) -> dict[str, Any]:
    from gradcli.render import steps

    return steps.document(result)


@document.register
def taylor_document(result: TaylorPolynomial) -> dict[str, Any]:
    from gradcli.render import polynomials

    return _with_warnings(polynomials.document(result), result.warnings)


@document.register
def critical_document(result: Critical) -> dict[str, Any]:
    from gradcli.render import optima

    return _with_warnings(optima.critical_document(result), result.warnings)


@document.register(Optimum)
@document.register(Root)
def optimum_document(result: Optimum | Root) -> dict[str, Any]:
    from gradcli.render import optima

    return _with_warnings(optima.document(result), result.warnings)


@document.register
def formulas_document(result: Formulas) -> dict[str, Any]:
    from gradcli.render import formulas

    return _with_warnings(formulas.document(result), result.warnings)


def _with_warnings(document: dict[str, Any], warnings: list[Any]) -> dict[str, Any]:
    if warnings:
        document["warnings"] = [note_text(note) for note in warnings]
    return document


# --- limit ------------------------------------------------------------------------------


def _row_document(row: Any) -> dict[str, Any]:
    document = {"h": row.h, "estimate": json_number(row.estimate)}
    for key in ("abs_error", "rel_error", "order"):
        value = getattr(row, key)
        document[key] = None if value is None else json_number(value)
    return document


def _sweep_document(sweep: Any) -> dict[str, Any]:
    # The theory of finite differences loads for limit's output only.
    from gradcli.render.sweeps import sweep_note

    document: dict[str, Any] = {
        "scheme": sweep.scheme,
        "rows": [_row_document(row) for row in sweep.rows],
        "best": None
        if sweep.best is None
        else {
            "h": sweep.best.h,
            "estimate": json_number(sweep.best.estimate),
            "abs_error": None
            if sweep.best.abs_error is None
            else json_number(sweep.best.abs_error),
        },
        "note": sweep_note(sweep),
    }
    if sweep.extrapolation:
        document["extrapolation"] = [
            {
                "level": column.level,
                "best": json_number(column.best),
                "h": column.best_h,
                "error_estimate": None
                if column.error_estimate is None
                else json_number(column.error_estimate),
            }
            for column in sweep.extrapolation
        ]
    return document


@document.register
def limit_document(result: Limit) -> dict[str, Any]:
    """The contract's shape; with --scheme all, one block per scheme under "schemes"."""
    head: dict[str, Any] = {
        "expression": result.expression,
        "at": {name: json_array(v) for name, v in result.at.items()},
        "wrt": result.wrt,
    }
    sweeps = [_sweep_document(s) for s in result.sweeps.values()]
    tail = {"order": result.derivative_order, "exact": json_number(result.exact)}
    if len(sweeps) == 1:
        (sweep,) = sweeps
        document = {**head, "scheme": sweep.pop("scheme"), **tail, **sweep}
    else:
        document = {**head, **tail, "schemes": {s["scheme"]: s for s in sweeps}}
    if result.warnings:
        document["warnings"] = [note_text(note) for note in result.warnings]
    return document


# --- check ------------------------------------------------------------------------------


def _check_row_document(row: Any) -> dict[str, Any]:
    document = {
        "point": row.point, "input": row.input, "order": row.order, "method": row.method,
        "scheme": row.scheme, "exact": json_number(row.exact),
        "numerical": json_number(row.numerical), "abs_error": json_number(row.abs_error),
        "rel_error": None if row.rel_error is None else json_number(row.rel_error),
        "tolerance": json_number(row.tolerance), "verdict": row.verdict,
    }  # fmt: skip
    if row.reason:
        document["reason"] = row.reason
    return document


@document.register
def check_document(result: Check) -> dict[str, Any]:
    """``{"expression", "wrt", "order", "points": [{name: value}], "rows": [...],
    "passed"}`` (``"weights"`` for a non-scalar value); each row's ``point`` indexes
    ``points``."""
    document: dict[str, Any] = {
        "expression": result.expression,
        "wrt": list(result.wrt),
        "order": result.order,
        "points": [{n: json_array(v) for n, v in point.items()} for point in result.points],
        "rows": [_check_row_document(row) for row in result.rows],
        "passed": result.passed,
    }
    if result.weights is not None:
        document["weights"] = json_array(result.weights)
    if result.warnings:
        document["warnings"] = [note_text(note) for note in result.warnings]
    return document


@document.register
def builtins_document(result: BuiltinsCheck) -> dict[str, Any]:
    """``--builtins``: ``{"order", "operations": {name: [one check document per sample]},
    "unchecked": [...], "passed"}``."""
    document: dict[str, Any] = {
        "order": result.order,
        "operations": {
            name: [check_document(check) for check in checks]
            for name, checks in result.checks.items()
        },
        "unchecked": list(result.unchecked),
        "passed": result.passed,
    }
    if result.warnings:
        document["warnings"] = [note_text(note) for note in result.warnings]
    return document


# --- functions ------------------------------------------------------------------------


@document.register
def functions_document(result: Functions) -> dict[str, Any]:
    """The operations of the language, each with where it comes from."""
    return {
        "functions": [
            {"name": i.name, "signature": i.signature, "summary": i.summary,
             "category": i.category, "origin": i.origin}
            for i in result.entries
        ]
    }  # fmt: skip
