"""The one line that says why ``gradcli check`` failed: the operations under suspicion,
the input, the point and the size of the error."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradcli.compute.results import DISAGREE, NOT_SMOOTH, BuiltinsCheck, Check
from gradcli.registry import BUILT_IN, OPS


def failure(result: Check | BuiltinsCheck) -> str:
    """One line saying what disagreed: the operations, the input, the size of the error."""
    if isinstance(result, BuiltinsCheck):
        failed = [
            (name, check)
            for name, checks in result.checks.items()
            for check in checks
            if not check.passed
        ]
        names = list(dict.fromkeys(name for name, _ in failed))
        worst = failed[0][1]
        return f"the derivatives of {', '.join(names)} disagree with numerical ones; " + _worst(
            worst, f"in {worst.expression}"
        )
    added = [op for op in result.operations if op in OPS and OPS[op].origin != BUILT_IN]
    suspects = added or [op for op in result.operations if op in OPS]
    origin = ", ".join(f"{op} (from {OPS[op].origin})" if op in added else op for op in suspects)
    what = f"the rule of {origin}" if len(suspects) == 1 else f"a rule of {origin}"
    return f"{what} disagrees with numerical derivatives: " + _worst(result, "")


def _worst(result: Check, where: str) -> str:
    bad = [row for row in result.rows if row.verdict == DISAGREE]
    row = max(bad, key=lambda r: r.abs_error / r.tolerance if r.tolerance > 0 else math.inf)
    if row.order == 1:
        kind = f"∂/∂{row.input}"
    else:
        parts = row.input.split(",")
        kind = f"∂²/∂{parts[0]}²" if len(parts) == 1 else f"∂²/∂{parts[0]}∂{parts[1]}"
    point = ", ".join(
        f"{name} = {_short(value)}" for name, value in result.points[row.point].items()
    )
    place = f" at point {row.point + 1}" if len(result.points) > 1 else ""
    total = sum(row.verdict != NOT_SMOOTH for row in result.rows)
    return (
        f"{kind}{' ' + where if where else ''}{place} ({point}) is {_short(row.exact)} "
        f"by {row.method} mode and {_short(row.numerical)} numerically, off by "
        f"{row.abs_error:.2g} (relative {row.rel_error or 0:.2g}, tolerance {row.tolerance:.2g}); "
        f"{len(bad)} of {total} derivatives disagree"
    )


def _short(value: Any) -> str:
    array = np.asarray(value)
    if array.size == 1:
        return f"{float(array.item()):.6g}"
    return f"an array of shape {array.shape}"
