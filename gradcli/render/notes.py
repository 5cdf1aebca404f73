"""The notes beside the numbers: every warning's sentence (chosen by the note's type, from
the data :mod:`gradcli.compute.results` holds), and what a finite-difference sweep's scheme
can reach, which steps it took and how its best row was chosen."""

from __future__ import annotations

import functools
import math
from typing import Any

from gradcli.compute.results import (
    AtKink,
    AxisClipped,
    BadRows,
    ComplexSkipped,
    CurveGap,
    EstimatesNotFinite,
    ExactEstimates,
    ExactNotFinite,
    NoRows,
    NoSamplesChecked,
    NotFiniteDerivative,
    NotFiniteRows,
    NotFiniteValue,
    NotSmooth,
    SampleNotChecked,
    SampleNote,
    StepUnderflow,
    TaylorFallback,
    TaylorNotCompared,
    UnusedSeed,
    ValueNotFiniteAtPoint,
)
from gradcli.finite import Sweep, best_step, nominal


def sweep_note(sweep: Sweep) -> str:
    """One line under a sweep's table (and its JSON ``note``)."""
    scheme, order = sweep.scheme, sweep.derivative_order
    hs = [row.h for row in sweep.rows]
    note = "; ".join(
        [
            _theory(scheme, order, sweep.x, sweep.shrink),
            _sweep_text(scheme, order, sweep.x, hs, sweep.shrink, list(sweep.defaults)),
            _best_text(scheme),
        ]
    )
    if sweep.withheld:
        note += ". No row is marked best: see the warning."
    return note


def _theory(scheme: str, order: int, x: float, shrink: float) -> str:
    best = best_step(scheme, order, x)

    def near() -> str:
        assert best is not None
        return f"h ≈ {best[1]}·max(1,|x|) (≈{best[0]:.1e} here)"

    if scheme in ("forward", "backward"):
        if order == 1:
            return (
                f"{scheme} differences have error O(h) plus rounding ~ε/h: best near "
                f"{near()}, about 8 correct digits"
            )
        return (
            f"{scheme} second differences have error O(h) plus rounding ~ε/h²: best near "
            f"{near()}, about 5 correct digits"
        )
    if scheme == "central":
        if order == 1:
            return (
                "central differences have error O(h²) plus rounding ~ε/h: best near "
                f"{near()}, about 10 correct digits"
            )
        return (
            "central second differences have error O(h²) plus rounding ~ε/h²: best near "
            f"{near()}, about 8 correct digits"
        )
    if scheme == "complex":
        if order == 1:
            return (
                "the complex step Im f(x+ih)/h subtracts nothing, so there is no cancellation: "
                "exact to rounding once h ≲ √ε·max(1,|x|), down to h = 1e-200 until h underflows"
            )
        return (
            "the 45° complex step Im[f(x+hω)+f(x-hω)]/h², ω=e^(iπ/4), has error O(h⁴) plus "
            f"rounding ~ε/h: best near {near()}, about 13 correct digits"
        )
    return (
        f"Richardson extrapolation of central differences in powers of h² (ratio {shrink:g}): "
        "each column cancels one more term; trust the smallest error estimate, "
        "later entries drown in rounding"
    )


def _step_text(h: float) -> str:
    """A step as people write it: 0.1, 0.000122, 1e-9 (no zero-padded exponent)."""
    text = f"{nominal(h):.3g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


def _sweep_text(
    scheme: str, order: int, x: float, hs: list[float], shrink: float, defaults: list[str]
) -> str:
    """Which steps the sweep used, which of them are defaults, and whether it reaches its best."""
    rows = f"{len(hs)} row" + ("" if len(hs) == 1 else "s")
    span = _step_text(hs[0]) if len(hs) == 1 else f"{_step_text(hs[0])} … {_step_text(hs[-1])}"
    steps = f"h = {span}, each ÷{shrink:g}, {rows}"
    if len(defaults) == 3:
        text = f"default steps for {scheme}: {steps}"
    elif defaults:
        given = [o for o in ("h", "steps", "shrink") if o not in defaults]
        text = (
            f"steps: {steps} ({' and '.join(given)} as given; "
            f"{' and '.join(defaults)}: {scheme}'s default)"
        )
    else:
        text = f"steps: {steps}, as given"
    best = best_step(scheme, order, x)
    # The complex step stays exact below its threshold, so only its second
    # derivative has a best region that a sweep can stop short of.
    if best is not None and (scheme, order) != ("complex", 1) and hs[-1] > best[0]:
        reach = 1 + math.ceil(math.log(hs[0] / best[0]) / math.log(shrink))
        text += f", stopping before the best step ({reach} steps reach it)"
    return text


def _best_text(scheme: str) -> str:
    if scheme == "richardson":
        return (
            "best: the diagonal entry with the smallest error estimate, "
            "chosen without the exact value"
        )
    return "best: the row that differs least from its neighbours, chosen without the exact value"


# --- warnings -----------------------------------------------------------------------------

CONVENTIONS = "abs'(0) = 0, ties split evenly"


@functools.singledispatch
def note_text(note: Any) -> str:
    """A warning's sentence, chosen by the note's type; a plain string stays as it is."""
    if isinstance(note, str):
        return note
    raise TypeError(f"no words for a {type(note).__name__}")


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
