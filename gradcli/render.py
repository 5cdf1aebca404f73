"""Results as text: rich tables for people, bare numbers for shells, strict JSON.

Rendering never computes; it formats what ``gradcli.calculus`` (and the other
computing modules) returned. Rich is imported only for table output.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gradcli.calculus import Differentiation, Evaluation


# --- numbers ----------------------------------------------------------------------

_NONFINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def json_number(value: float) -> float | str:
    """A float for JSON: itself (shortest round-trip), or a string for NaN and infinities."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    return _NONFINITE.get(value, value)


def json_array(array: Any) -> Any:
    """A number for a scalar, nested lists for an array (non-finite numbers as strings)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 0:
        return json_number(array)
    return [json_array(row) for row in array] if array.ndim > 1 else [json_number(v) for v in array]


def plain_number(value: float) -> str:
    """Python's shortest round-trip form: ``12.0``, ``2.3000000000000043``, ``nan``."""
    return repr(float(value))


def _rows(array: np.ndarray) -> np.ndarray:
    """An array of two or more dimensions as a matrix of its last axis (empty ones too)."""
    return array.reshape(int(np.prod(array.shape[:-1])), array.shape[-1])


def plain_array(array: Any) -> str:
    """One line per row, numbers separated by tabs; a scalar is one number."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim <= 1:
        return "\t".join(plain_number(v) for v in np.atleast_1d(array))
    return "\n".join("\t".join(plain_number(v) for v in row) for row in _rows(array))


def short_number(value: float, digits: int) -> str:
    """A number for people: ``digits`` significant digits, no trailing noise."""
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def to_json(document: dict[str, Any]) -> str:
    """One strict RFC 8259 document (no NaN/Infinity literals)."""
    return json.dumps(document, allow_nan=False, ensure_ascii=False)


# --- eval and diff ------------------------------------------------------------------


def evaluation_document(result: Evaluation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "expression": result.expression,
        "at": {name: json_array(v) for name, v in result.at.items()},
        "value": json_array(result.value),
    }
    if result.warnings:
        document["warnings"] = list(result.warnings)
    return document


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
    if warnings:
        document["warnings"] = warnings
    return document


def evaluation_plain(result: Evaluation) -> str:
    return plain_array(result.value)


def differentiation_plain(result: Differentiation) -> str:
    """Only the derivatives, one block per variable in --wrt order."""
    if result.hessian is not None:
        return plain_array(result.hessian[1])
    table = result.derivatives or result.gradient or result.jacobian or {}
    return "\n".join(plain_array(table[name]) for name in result.wrt)


MAX_GRID_COLUMNS = 8
MAX_GRID_ROWS = 12


def _array_view(array: Any, digits: int) -> RenderableType:
    """A scalar as text, a small array as a grid of right-aligned numbers.

    A larger one is laid out by numpy (summarised with ... and wrapped to the
    terminal); plain and JSON output always carry every number.
    """
    from rich.table import Table
    from rich.text import Text

    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 0:
        return short_number(array, digits)
    if array.size == 0:
        return f"(empty, shape {array.shape})"
    rows = np.atleast_2d(array)
    if array.ndim > 2 or rows.shape[1] > MAX_GRID_COLUMNS or rows.shape[0] > MAX_GRID_ROWS:
        text = np.array2string(
            array,
            max_line_width=48,
            threshold=24,
            edgeitems=3,
            separator="  ",
            formatter={"float_kind": lambda v: short_number(v, digits)},
        )
        return Text(f"{text}\nshape {array.shape}")
    grid = Table.grid(padding=(0, 2))
    for _ in range(rows.shape[1]):
        grid.add_column(justify="right")
    for row in rows:
        grid.add_row(*(short_number(v, digits) for v in row))
    return grid


def _point_text(at: dict[str, np.ndarray], digits: int) -> str:
    parts = []
    for name, value in at.items():
        value = np.asarray(value)
        shown = short_number(value, digits) if value.ndim == 0 else f"array of shape {value.shape}"
        parts.append(f"{name} = {shown}")
    return ", ".join(parts) or "(no variables)"


def _summary(title: str, result: Evaluation, digits: int) -> Any:
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left", expand=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("expression", result.expression)
    table.add_row("at", _point_text(result.at, digits))
    for name, value in result.at.items():
        if np.ndim(value) > 0:
            table.add_row(f"  {name}", _array_view(value, digits))
    table.add_row("value", _array_view(result.value, digits))
    return table


def evaluation_table(result: Evaluation, digits: int) -> RenderableType:
    return _summary("gradcli eval", result, digits)


def differentiation_table(result: Differentiation, digits: int) -> RenderableType:
    from rich.table import Table

    table = _summary("gradcli diff", result, digits)
    if result.gradient is not None:
        label = "weighted gradient" if result.weighted else "gradient"
        for name in result.wrt:
            table.add_row(f"{label} ∂/∂{name}", _array_view(result.gradient[name], digits))
    if result.jacobian is not None:
        for name in result.wrt:
            table.add_row(f"Jacobian ∂value/∂{name}", _array_view(result.jacobian[name], digits))
    if result.hessian is not None:
        labels, matrix = result.hessian
        grid = Table(show_edge=False, box=None, padding=(0, 1))
        grid.add_column("")
        for label in labels:
            grid.add_column(label, justify="right")
        for label, row in zip(labels, matrix):
            grid.add_row(label, *(short_number(v, digits) for v in row))
        table.add_row("Hessian", grid)
    if result.derivatives is not None:
        for name in result.wrt:
            grid = Table(box=None, padding=(0, 2))
            grid.add_column("order", justify="right")
            grid.add_column(f"d^k/d{name}^k", justify="right")
            grid.add_column("f^(k)/k!", justify="right")
            for k, value in enumerate(result.derivatives[name], start=1):
                grid.add_row(
                    str(k), short_number(value, digits), short_number(_taylor(value, k), digits)
                )
            table.add_row(f"derivatives in {name} ({result.method})", grid)
    return table


def _taylor(value: float, k: int) -> float:
    """f^(k)/k!, the k-th Taylor coefficient, without overflowing k!."""
    return value / math.factorial(k) if k <= 170 else math.nan


def functions_table(entries: list[Any]) -> RenderableType:
    from rich.table import Table

    table = Table(title="functions of the expression language", title_justify="left")
    for column in ("signature", "what it computes", "kind"):
        table.add_column(column)
    for info in entries:
        kind = info.category + ("" if info.differentiable else ", not differentiable")
        table.add_row(info.signature, info.summary, kind)
    return table


# --- limit ------------------------------------------------------------------------------


def _row_document(row: Any) -> dict[str, Any]:
    document = {"h": row.h, "estimate": json_number(row.estimate)}
    for key in ("abs_error", "rel_error", "order"):
        value = getattr(row, key)
        document[key] = None if value is None else json_number(value)
    return document


def _sweep_document(sweep: Any) -> dict[str, Any]:
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
        "note": sweep.note,
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


def limit_document(result: Any) -> dict[str, Any]:
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
        document["warnings"] = list(result.warnings)
    return document


def _optional(value: float | None) -> str:
    return "" if value is None else plain_number(value)


def limit_plain(result: Any) -> str:
    """One line per row: scheme (with --scheme all), h, estimate, abs error, rel error, order."""
    lines = []
    several = len(result.sweeps) > 1
    for sweep in result.sweeps.values():
        for row in sweep.rows:
            fields = [plain_number(row.h), plain_number(row.estimate), _optional(row.abs_error),
                      _optional(row.rel_error), _optional(row.order)]  # fmt: skip
            lines.append("\t".join(([sweep.scheme] if several else []) + fields))
    return "\n".join(lines)


def fixed(value: float | None, places: int) -> str:
    """Fixed-point like the seed's ``{:.5f}``, switching to exponent form for tiny or huge values."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0 or 10.0**-places <= abs(value) < 1e6:
        return f"{value:.{places}f}"
    return f"{value:.{max(places - 2, 1)}e}"


def limit_table(result: Any, digits: int) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    places = max(digits - 1, 1)
    tables: list[Any] = []
    kind = "f'" if result.derivative_order == 1 else "f''"
    for sweep in result.sweeps.values():
        table = Table(
            title=f"{sweep.scheme} differences for {kind}({result.wrt}) of {result.expression}",
            title_justify="left",
        )
        for column in ("h", "estimate", "abs error", "rel error", "order", ""):
            table.add_column(column, justify="right")
        for row in sweep.rows:
            best = sweep.best is not None and row is sweep.best
            table.add_row(
                fixed(row.h, places),
                fixed(row.estimate, places),
                "" if row.abs_error is None else f"{row.abs_error:.2e}",
                "" if row.rel_error is None else f"{row.rel_error:.2e}",
                "" if row.order is None else f"{row.order:.2f}",
                "◀ best" if best else "",
                style="bold green" if best else None,
            )
        tables.append(table)
        tables.append(Text(f"exact (autograd) {kind} = {plain_number(result.exact)}"))
        tables.append(Text(sweep.note, style="dim"))
        if sweep.extrapolation:
            extra = Table(title="Richardson extrapolation, by column", title_justify="left")
            for column in ("column", "best estimate", "at h", "error estimate"):
                extra.add_column(column, justify="right")
            for column in sweep.extrapolation:
                extra.add_row(
                    f"removes h^{2 * column.level}" if column.level else "central",
                    short_number(column.best, 17),
                    fixed(column.best_h, places),
                    "" if column.error_estimate is None else f"{column.error_estimate:.2e}",
                )
            tables.append(extra)
    return Group(*tables)
