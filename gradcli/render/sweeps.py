"""The note under a finite-difference sweep: what its scheme can reach, which steps it took
and how its best row was chosen."""

from __future__ import annotations

import math

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
            "best: the diagonal entry with the smallest error estimate (never below its "
            "rounding), chosen without the exact value"
        )
    return "best: the row that differs least from its neighbours, chosen without the exact value"
