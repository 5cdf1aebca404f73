"""The words and shapes of ``minimize``, ``maximize``, ``solve`` and ``critical``'s results:
why a method stopped, the plain lines and the JSON documents (the tables are in
:mod:`.tables`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.compute.results import Critical, CriticalPoint, Iterate, Optimum, Root
from gradcli.render.numbers import json_array, json_number, plain_array


def _g(value: float) -> str:
    return f"{value:.3g}"


def stop_text(result: Optimum | Root) -> str:
    """Why the method stopped, in a sentence."""
    if isinstance(result, Root):
        return _root_stop(result)
    steps = f"{result.iterations:,} iteration{'s' * (result.iterations != 1)}"
    norm = _g(result.gradient_norm)
    if result.stop == "gradient" and result.at_bounds:
        way = "falls" if result.goal == "minimum" else "rises"
        names = ", ".join(result.at_bounds)
        bounded = f"converged after {steps} on the bounds of {names}: f {way} beyond them"
        if len(result.at_bounds) < sum(np.size(v) for v in result.point.values()):
            bounded += ", and along the other variables its gradient is 0"
        return bounded
    if result.stop == "gradient":
        return f"converged: |∇f| = {norm} ≤ {result.tolerance:g} after {steps}"
    if result.stop == "steps":
        return f"stopped at the step limit after {steps}: |∇f| = {norm}"
    if result.stop == "not_optimum":
        what = {"saddle": "a saddle point", "inflection": "an inflection point"}.get(
            result.kind or "", f"a {result.kind}"
        )
        return (
            f"the gradient vanishes after {steps}, but at {what}, not a {result.goal}; "
            "start elsewhere (--at)"
        )
    if result.stop == "singular":
        return (
            f"stopped after {steps}: the Hessian is singular here, so Newton's step is not "
            "defined; use --method auto"
        )
    if result.stop == "diverged":
        down = result.goal == "minimum"
        if not np.isfinite(result.value) or (result.value < 0) == down:
            way = "below" if down else "above"
            return (
                f"diverged after {steps}: f went to {_g(result.value)} and is unbounded "
                f"{way} along the gradient: bound the variables with --over, or start elsewhere"
            )
        return (
            f"diverged after {steps}: the steps grew until f reached {_g(result.value)}; "
            "the learning rate is too large for this function: give a smaller --lr"
        )
    return (
        f"stalled after {steps}: no step improves f, and |∇f| = {norm} is above the "
        f"tolerance {result.tolerance:g}; try another --method or start"
    )


def _root_stop(result: Root) -> str:
    steps = f"{result.iterations:,} iteration{'s' * (result.iterations != 1)}"
    norm = _g(result.residual_norm)
    if result.stop == "exact":
        return f"converged after {steps}: f is exactly 0 here"
    if result.stop == "rounding":
        return (
            f"converged after {steps}: the next Newton step is below float64's rounding; "
            f"|f| = {norm}"
        )
    if result.stop == "steps":
        return f"no root found in {steps} (the step limit): |f| = {norm}; give more --steps"
    if result.stop == "singular":
        return (
            f"no root found: the Jacobian is singular here and |f| = {norm} is not 0; "
            "start elsewhere (--at)"
        )
    if result.stop == "diverged":
        return f"no root found: the iterates ran off (|f| = {norm}); start nearer a root"
    return (
        f"no root found: |f| stops falling at {norm} after {steps}, a local minimum of |f| "
        "that is not 0; there may be no real root near the start"
    )


def failure(result: Optimum | Root | Critical) -> str | None:
    """The error line when the method found no answer; None when it did (a minimum at the
    step limit is where the steps went, said in a warning; critical always answers)."""
    if isinstance(result, Critical) or result.converged:
        return None
    if isinstance(result, Optimum) and result.stop == "steps":
        return None
    return stop_text(result)


# --- plain ---------------------------------------------------------------------------------


def plain(result: Optimum | Root) -> str:
    """The point: one line per variable (a vector's elements tab-separated), as ``diff``
    writes its gradient, so ``x=$(gradcli minimize ...)`` reads it."""
    blocks = [plain_array(value) for value in result.point.values()]
    return ("\n\n" if any("\n" in block for block in blocks) else "\n").join(blocks)


# --- JSON ----------------------------------------------------------------------------------


def _point(point: dict[str, Any]) -> dict[str, Any]:
    return {name: json_array(value) for name, value in point.items()}


def _iterate(iterate: Iterate, value: str) -> dict[str, Any]:
    row = {
        "iteration": iterate.iteration,
        "point": _point(iterate.point),
        value: json_number(iterate.value),
    }
    if iterate.gradient_norm is not None:
        row["gradient_norm"] = json_number(iterate.gradient_norm)
    row["step"] = json_number(iterate.step)
    return row


def document(result: Optimum | Root) -> dict[str, Any]:
    if isinstance(result, Root):
        found: dict[str, Any] = {
            "expression": result.expression,
            "start": _point(result.start),
            "root": _point(result.point),
            "residual": json_array(result.residual),
            "residual_norm": json_number(result.residual_norm),
        }
        value = "residual_norm"
    else:
        found = {
            "expression": result.expression,
            "goal": result.goal,
            "method": result.method,
            "start": _point(result.start),
            "point": _point(result.point),
            "value": json_number(result.value),
            "gradient": _point(result.gradient),
            "gradient_norm": json_number(result.gradient_norm),
            "kind": result.kind,
        }
        if result.bounds:
            found["bounds"] = {n: list(pair) for n, pair in result.bounds.items()}
            found["at_bounds"] = result.at_bounds
        value = "value"
    if result.constants:
        found["at"] = _point(result.constants)
    found.update(
        iterations=result.iterations,
        evaluations=result.evaluations,
        converged=result.converged,
        stop=result.stop,
        message=stop_text(result),
    )
    if result.trace is not None:
        found["trace"] = [_iterate(iterate, value) for iterate in result.trace]
    return found


# --- critical ------------------------------------------------------------------------------


def derivative_name(order: int) -> str:
    """f'' for 2, f⁽⁴⁾ for 4, as textbooks write them."""
    from gradcli.compute.plot import derivative_label

    return derivative_label(order)


def test_text(point: CriticalPoint, digits: int = 6) -> str:
    """What decided the point's kind, in a few words."""
    if point.where == "end":
        return "an end of the interval"
    if point.where == "kink":
        return "f' jumps here" if point.kind == "neither" else "f' jumps and changes sign"
    if point.order is not None:
        return f"first nonzero derivative: {derivative_name(point.order)}"
    return "f'' = " + ", ".join(f"{e:.{digits}g}" for e in point.eigenvalues or [])


def critical_plain(result: Critical) -> str:
    """One line per point: where, kind, the coordinates, f."""
    return "\n".join(
        "\t".join([p.where, p.kind, *(repr(v) for v in p.point.values()), repr(float(p.value))])
        for p in result.points
    )


def _critical_point(point: CriticalPoint) -> dict[str, Any]:
    return {
        "where": point.where,
        "kind": point.kind,
        "point": {name: json_number(v) for name, v in point.point.items()},
        "value": json_number(point.value),
        "eigenvalues": None
        if point.eigenvalues is None
        else [json_number(e) for e in point.eigenvalues],
        "order": point.order,
    }


def critical_document(result: Critical) -> dict[str, Any]:
    found: dict[str, Any] = {
        "expression": result.expression,
        "over": {name: list(pair) for name, pair in result.over.items()},
    }
    if result.constants:
        found["at"] = _point(result.constants)
    found["starts"] = result.starts
    found["points"] = [_critical_point(p) for p in result.points]
    for key, extreme in (("global_minimum", result.lowest), ("global_maximum", result.highest)):
        if extreme:
            found[key] = {
                "value": json_number(extreme[0].value),
                "points": [{n: json_number(v) for n, v in p.point.items()} for p in extreme],
            }
    return found
