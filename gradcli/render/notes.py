"""Every warning's sentence, chosen by the note's type, from the data
:mod:`gradcli.compute.results` holds."""

from __future__ import annotations

import functools
from typing import Any

from gradcli.compute.results import (
    AtKink,
    AxisClipped,
    BadRows,
    ComplexSkipped,
    CurveGap,
    Discontinuous,
    EstimatesNotFinite,
    ExactEstimates,
    ExactNotFinite,
    FlatRegion,
    NoRows,
    NoSamplesChecked,
    NotFiniteDerivative,
    NotFiniteRows,
    NotFiniteValue,
    NotSimplified,
    NotSmooth,
    SampleNotChecked,
    SampleNote,
    StepLimit,
    StepUnderflow,
    TaylorFallback,
    TaylorNotCompared,
    TooManyPoints,
    Unconfirmed,
    UnusedSeed,
    ValueNotFiniteAtPoint,
)

# --- warnings -----------------------------------------------------------------------------

CONVENTIONS = "abs'(0) = 0, ties split evenly"


@functools.singledispatch
def note_text(note: Any) -> str:
    """A warning's sentence, chosen by the note's type; a plain string stays as it is."""
    if isinstance(note, str):
        return note
    raise TypeError(f"no words for a {type(note).__name__}")


@note_text.register
def _(note: FlatRegion) -> str:
    low = ", ".join(f"{n} = {v:g}" for n, v in note.low.items())
    high = ", ".join(f"{n} = {v:g}" for n, v in note.high.items())
    lo, hi = note.values
    values = f"f = {lo:g}" if lo == hi else f"f from {lo:g} to {hi:g}"
    return (
        f"f is flat (gradient and Hessian exactly 0) at {note.count:,} of the starts, from "
        f"{low} to {high} ({values}): every point there is critical, and none is listed"
    )


@note_text.register
def _(note: Discontinuous) -> str:
    if note.to is None:
        where = f"f is not finite at {note.name} = {note.at:g}"
    else:
        where = f"f jumps between {note.name} = {note.at:g} and {note.to:g} (a pole or a step)"
    return (
        f"{where}, so its least and greatest values on the interval need not be among the "
        "points listed; no global minimum or maximum is named"
    )


@note_text.register
def _(note: TooManyPoints) -> str:
    return (
        f"found {note.found:,} critical points and lists the first {note.shown:,}; choose a "
        "smaller box with --over"
    )


@note_text.register
def _(note: Unconfirmed) -> str:
    return (
        f"the Hessian is singular here, so the second-order test cannot confirm a {note.goal}: "
        "the gradient vanishes, but this may be a saddle"
    )


@note_text.register
def _(note: StepLimit) -> str:
    return (
        f"stopped at the step limit ({note.steps:,} steps) before convergence: |∇f| = "
        f"{note.gradient_norm:.3g} is above the tolerance {note.tolerance:g}; give more "
        "--steps, or another --method"
    )


@note_text.register
def _(note: NotFiniteValue) -> str:
    return f"the value is {note.kind}: it first appears at {note.where}"


@note_text.register
def _(note: AtKink) -> str:
    return (
        f"{note.reason}; the derivatives there follow PyTorch's conventions ({CONVENTIONS}), "
        "and one-sided ones may differ"
    )


@note_text.register
def _(note: NotFiniteDerivative) -> str:
    if note.what == "Hessian":
        return "the Hessian is not finite at this point"
    if note.what == "derivatives":
        return f"some derivatives with respect to {note.name} are not finite"
    return (
        f"the {note.what} with respect to {note.name} is not finite (the function may not be "
        "differentiable there)"
    )


@note_text.register
def _(note: NotSimplified) -> str:
    return (
        f"a formula has {note.operations:,} operations, more than the {note.limit:,} SymPy "
        "simplifies in good time: it is given with its common factors taken out, not "
        "fully simplified"
    )


@note_text.register
def _(note: TaylorFallback) -> str:
    if note.names:
        return (
            f"Taylor mode: the Taylor series in {', '.join(note.names)} does not exist at this "
            "point (a coefficient is NaN or infinite, as for sqrt(x) or x**1.5 at 0); nested "
            "reverse mode was used instead, which gives the one-sided limits of the derivatives"
        )
    instead = "nested reverse mode was used instead"
    if note.kink:
        instead += f" (at a kink, with its conventions: {CONVENTIONS})"
    return f"Taylor mode: {note.reason}; {instead}"


@note_text.register
def _(note: NotSmooth) -> str:
    at = f"{note.name} = {note.x!r}"
    if note.cause == "kink":
        return (
            f"the function is not smooth at {at}: {note.reason}; the schemes estimate "
            "one-sided or averaged slopes, and the exact value follows the engine's convention "
            f"there ({CONVENTIONS}), so they need not agree"
        )
    if note.cause == "0/0":
        return (
            f"the expression is 0/0 (NaN) at {at} itself: a point it does not define, "
            "a removable singularity if its limit exists there (as for sin(x)/x at 0), so "
            "neither its value nor its exact derivative is a number; write it in a form defined "
            f"there, or evaluate near it, at {note.name} = {note.near!r}"
        )
    if note.cause == "overflow":
        return (
            f"the function overflows at {at}: its value or a derivative there is "
            "beyond the range of float64 (about ±1.8e308), so they are infinite or NaN and the "
            "estimates cannot converge; scale the expression down or choose another point"
        )
    return (
        f"the function is not smooth at {at}: its derivatives are not finite "
        "there, so the estimates cannot converge"
    )


@note_text.register
def _(note: ComplexSkipped) -> str:
    return f"the complex step was skipped: {note.blocked} not analytic"


@note_text.register
def _(note: ExactNotFinite) -> str:
    return f"the exact derivative is {note.exact} at this point"


@note_text.register
def _(note: ValueNotFiniteAtPoint) -> str:
    return f"the value at the point is {note.value}"


@note_text.register
def _(note: StepUnderflow) -> str:
    return f"{note.scheme}: the step underflowed to 0 in {note.rows} rows"


@note_text.register
def _(note: EstimatesNotFinite) -> str:
    return (
        f"{note.scheme}: {note.rows} estimates are NaN or infinite (f is not finite "
        "at some of the points x ± h)"
    )


@note_text.register
def _(note: CurveGap) -> str:
    where = (
        f"{note.name} = {note.low:.4g}"
        if note.count == 1
        else f"{note.count} points in {note.low:.4g} ≤ {note.name} ≤ {note.high:.4g}"
    )
    return f"{note.label} is not finite at {where}: drawn as a gap"


@note_text.register
def _(note: AxisClipped) -> str:
    extremes = "; ".join(
        f"{label} reaches {value:.3g} at {name} = {x:.4g}"
        for label, value, name, x in note.extremes
    )
    return (
        f"the y axis is clipped to [{note.low:.4g}, {note.high:.4g}] so the rest stays readable "
        f"({extremes}); values beyond it are gaps"
    )


@note_text.register
def _(note: ExactEstimates) -> str:
    return (
        f"{note.count} estimate(s) equal the exact value to the last bit (error 0): drawn at "
        f"ε·|f'|/2 = {note.floor / 2:.2g}, below the rounding floor"
    )


@note_text.register
def _(note: TaylorNotCompared) -> str:
    return f"Taylor mode was not compared: {note.reason}"


@note_text.register
def _(note: SampleNotChecked) -> str:
    return f"{note.source} was not checked: {note.reason}"


@note_text.register
def _(note: SampleNote) -> str:
    return f"{note.source}: {note_text(note.note)}"


@note_text.register
def _(note: NoSamplesChecked) -> str:
    return f"{note.name}: none of its samples could be checked"


@note_text.register
def _(note: BadRows) -> str:
    done = "skipped" if note.done == "skip" else "written as NaN"
    listed = ", ".join(str(line) for line in note.lines)
    if note.count == 1:
        return f"1 bad row was {done} (line {listed}); first, {note.first}"
    more = ", ..." if note.count > 5 else ""
    return f"{note.count} bad rows were {done} (lines {listed}{more}); first, {note.first}"


@note_text.register
def _(note: NoRows) -> str:
    return "the points have no rows: nothing was written"


@note_text.register
def _(note: NotFiniteRows) -> str:
    return f"{note.count} rows have NaN or infinite results (the first at line {note.first_line})"


@note_text.register
def _(note: UnusedSeed) -> str:
    return f"--seed {note.seed} has no effect: nothing drew random numbers (rand, randn)"
