"""``gradcli critical``: the critical points of f in a box, classified.

Newton's method on ∇f = 0 (the Hessian is its Jacobian) starts from a grid of points
filling the box, all of them at once through :func:`gradcli.compute.points.at_points`
(one batched evaluation with gradients and Hessians per round); where the starts land
is polished one by one by the same safeguarded Newton iteration ``gradcli solve`` runs,
so each point is exact to float64. Newton on ∇f = 0 goes to minima, maxima and saddles
alike, which is what this command wants.

Each point is classified by its Hessian's eigenvalues; a zero eigenvalue is "degenerate",
except in one variable, where the first derivative that is not 0 decides (Taylor mode
gives them: even order is a minimum or maximum, odd an inflection). In one variable the
closed interval also has its ends, and the points where f has no derivative (a jump in
f', found by bisection to adjacent floats); the global minimum and maximum on the
interval are the lowest and highest of all of these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradcli.autograd import creation
from gradcli.compute.bindings import Binding
from gradcli.compute.evaluation import point_of
from gradcli.compute.optimize import Objective, newton
from gradcli.compute.points import Request, at_points
from gradcli.compute.results import (
    Critical,
    CriticalPoint,
    Discontinuous,
    FlatRegion,
    TooManyPoints,
)
from gradcli.errors import LimitError, UsageError, option
from gradcli.language import Expression
from gradcli.registry import OPS

DEFAULT_STARTS = 400
MAX_STARTS = 20_000
MAX_VARIABLES = 6
ROUNDS = 80
"""Newton rounds from the starts: quadratic convergence needs a handful; a degenerate
point (x**3 at 0) halves its distance each round, so 60 reach 1e-18 of the box."""
POLISH_STEPS = 100
MAX_STEP = 0.25
"""A Newton step from a start may cross at most this fraction of the box's diagonal."""
SAME = 1e-7
"""Two points closer than this fraction of the box's diagonal are one point."""
BISECTIONS = 200
MAX_POINTS = 200
"""The most points listed: more is a continuum (or a very wiggly f), said in a note."""


def critical_points(
    expression: Expression,
    bound: Sequence[Binding],
    over: Sequence[tuple[str, float, float]],
    starts: int | None = None,
) -> Critical:
    """The critical points of a single-number ``expression`` in the box ``over`` (one
    range per variable); ``bound`` holds the other variables' values."""
    names = _check(expression, bound, over, starts)
    starts = starts or DEFAULT_STARTS
    lows = np.array([lo for _, lo, _ in over])
    highs = np.array([hi for _, _, hi in over])
    with creation.same_draws():
        search = _Search(expression, bound, names, lows, highs)
        grid = search.grid(starts)
        found = search.from_starts(grid)
        warnings: list[Any] = [search.flat] if search.flat is not None else []
        if len(found) > MAX_POINTS:
            warnings.append(TooManyPoints(len(found), MAX_POINTS))
            found = found[:MAX_POINTS]
        points = [search.classify(x, "stationary") for x in found]
        lowest = highest = None
        if len(names) == 1:
            points = search.kinks_and_ends(points)
            points.sort(key=lambda p: p.point[names[0]])
            if search.gap is not None:
                warnings.append(search.gap)
            elif search.finite:
                lowest, highest = _extremes(points)
        else:
            points.sort(key=lambda p: tuple(p.point.values()))
    return Critical(
        expression=expression.source,
        over={name: (lo, hi) for name, lo, hi in over},
        constants=point_of(bound),
        points=points,
        lowest=lowest,
        highest=highest,
        starts=len(grid),
        warnings=warnings,
    )


def _check(
    expression: Expression,
    bound: Sequence[Binding],
    over: Sequence[tuple[str, float, float]],
    starts: int | None,
) -> list[str]:
    names = [name for name, _, _ in over]
    if not names:
        raise UsageError(
            f"give each variable's range with {option('over')}, e.g. {option('over')} x=-2:2"
        )
    if len(set(names)) != len(names):
        raise UsageError(f"{option('over')} gives a variable's range twice")
    if len(names) > MAX_VARIABLES:
        raise LimitError(
            f"critical searches boxes of at most {MAX_VARIABLES} variables (a grid of starts "
            f"fills the box); this one has {len(names)}: fix some with {option('at')}"
        )
    for name in names:
        if name in {b.name for b in bound}:
            raise UsageError(
                f"{name} is given by {option('over')} and by {option('at')}; give it once"
            )
        if name not in expression.variables:
            raise UsageError(
                f"{option('over')} {name}: the expression does not use {name} (its variables: "
                f"{', '.join(expression.variables) or 'none'})"
            )
    if starts is not None and not 1 <= starts <= MAX_STARTS:
        raise UsageError(f"{option('starts')} {starts}: choose from 1 to {MAX_STARTS:,}")
    return names


class _Search:
    """The box, the objective, and what the starting grid taught about f's scale."""

    def __init__(
        self,
        expression: Expression,
        bound: Sequence[Binding],
        names: list[str],
        lows: np.ndarray,
        highs: np.ndarray,
    ):
        self.expression, self.bound, self.names = expression, list(bound), names
        self.lows, self.highs = lows, highs
        self.diagonal = float(np.linalg.norm(highs - lows))
        middle = [Binding(n, "", np.float64((a + b) / 2)) for n, a, b in zip(names, lows, highs)]
        self.f = Objective(expression, [*self.bound, *middle], names, what="critical")
        value = self.f.value(self.f.start)  # refuses a value that is not one number
        self.curvature = 0.0
        self.slope = 0.0
        self.finite = math.isfinite(value)
        self.flat: FlatRegion | None = None
        self.gap: Discontinuous | None = None

    # --- many starts at once -------------------------------------------------------------

    def grid(self, count: int) -> np.ndarray:
        """About ``count`` points filling the box: the centres of a k^n grid of cells."""
        n = len(self.names)
        side = max(1, round(count ** (1 / n)))
        axes = [
            lo + (np.arange(side) + 0.5) * (hi - lo) / side for lo, hi in zip(self.lows, self.highs)
        ]
        return np.stack([a.reshape(-1) for a in np.meshgrid(*axes, indexing="ij")], axis=1)

    def derivatives(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """f, ∇f and the Hessian at every row of ``x``, in one batched pass."""
        rows = {name: x[:, i] for i, name in enumerate(self.names)}
        request = Request(wrt=tuple(self.names), hessian=True)
        blocks = {
            part: block for part, block in at_points(self.expression, self.bound, rows, request)
        }
        n = len(self.names)
        values = next(b for p, b in blocks.items() if p.kind == "value").reshape(-1)
        gradient = np.stack(
            [next(b for p, b in blocks.items() if p.kind == "derivative" and p.names == (name,))
             for name in self.names], axis=1).reshape(len(x), n)  # fmt: skip
        hessian = np.stack([b for p, b in blocks.items() if p.kind == "hessian"], axis=1).reshape(
            len(x), n, n
        )
        return values, gradient, hessian

    def from_starts(self, grid: np.ndarray) -> list[np.ndarray]:
        """Newton on ∇f = 0 from every start at once, then each landing polished alone;
        the distinct points inside the box."""
        x = grid.copy()
        landed: list[np.ndarray] = []
        with np.errstate(all="ignore"):
            values, gradient, hessian = self.derivatives(x)
            usable = np.isfinite(values)
            self.finite = bool(usable.all())
            self.curvature = float(np.max(np.abs(hessian[usable]), initial=0.0))
            self.slope = float(np.max(np.abs(gradient[usable]), initial=0.0))
            # Where f is flat every point is critical: say where, and list none of them.
            flat = ~np.any(gradient, axis=1) & ~np.any(hessian, axis=(1, 2)) & usable
            if flat.any():
                self.flat = self._flat(x[flat], values[flat])
                x, values, gradient, hessian = (
                    x[~flat],
                    values[~flat],
                    gradient[~flat],
                    hessian[~flat],
                )
            for _ in range(ROUNDS):
                if not len(x):
                    break
                step = _newton_steps(gradient, hessian)
                length = np.linalg.norm(step, axis=1)
                longest = MAX_STEP * self.diagonal
                step *= np.minimum(1.0, longest / np.where(length > 0, length, 1.0))[:, None]
                done = length <= 1e-12 * (1 + np.linalg.norm(x, axis=1))
                landed += list(x[done])
                x = x + step
                margin = 0.1 * (self.highs - self.lows)
                keep = (
                    ~done
                    & np.all(np.isfinite(x), axis=1)
                    & np.all(x >= self.lows - margin, axis=1)
                    & np.all(x <= self.highs + margin, axis=1)
                )
                x = x[keep]
                if len(x):
                    values, gradient, hessian = self.derivatives(x)
            # Those still moving slowly (a degenerate point) are polished too.
            landed += list(x)
        return self._distinct(
            [p for p in map(self._polish, self._distinct(landed)) if p is not None]
        )

    def _flat(self, x: np.ndarray, values: np.ndarray) -> FlatRegion:
        low = dict(zip(self.names, map(float, x.min(axis=0))))
        high = dict(zip(self.names, map(float, x.max(axis=0))))
        return FlatRegion(len(x), low, high, (float(values.min()), float(values.max())))

    def _polish(self, x: np.ndarray) -> np.ndarray | None:
        """The point exact to float64 by ``solve``'s Newton on ∇f; None if it is no
        critical point or lies outside the box."""
        f = self.f

        def system(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return f.value_and_gradient(x)[1], f.hessian(x)

        with np.errstate(all="ignore"):
            x, gradient, stop, _ = newton(
                system, lambda x: f.value_and_gradient(x)[1], x, POLISH_STEPS
            )
        x = self._snapped(x)
        inside = np.all(x >= self.lows - 1e-12 * self.diagonal) and np.all(
            x <= self.highs + 1e-12 * self.diagonal
        )
        small = np.linalg.norm(gradient) <= max(1e-6 * self.slope, 1e-12)
        if not inside or not (stop in ("exact", "rounding") or small):
            return None
        if self.flat is not None and not self.f.hessian(x).any() and not gradient.any():
            return None  # a point of the flat region, which the note covers
        return np.clip(x, self.lows, self.highs)

    def _snapped(self, x: np.ndarray) -> np.ndarray:
        """A degenerate point Newton only creeps up on (x**3 at 0, reached as 1e-43) is
        0 when its tiny coordinates set to 0 have a gradient no larger."""
        tiny = np.abs(x) <= 1e-9 * self.diagonal
        if not tiny.any() or np.all(x[tiny] == 0):
            return x
        snapped = np.where(tiny, 0.0, x)
        with np.errstate(all="ignore"):
            here = np.linalg.norm(self.f.value_and_gradient(x)[1])
            there = np.linalg.norm(self.f.value_and_gradient(snapped)[1])
        return snapped if there <= here else x

    def _distinct(self, points: list[np.ndarray]) -> list[np.ndarray]:
        kept: list[np.ndarray] = []
        for point in points:
            if all(np.linalg.norm(point - other) > SAME * self.diagonal for other in kept):
                kept.append(point)
        return kept

    # --- what each point is --------------------------------------------------------------

    def classify(self, x: np.ndarray, where: str) -> CriticalPoint:
        kind, eigenvalues, order = self.f.kind(x, self.curvature)
        point = {name: float(v) for name, v in zip(self.names, x)}
        return CriticalPoint(where, point, self.f.value(x), kind, eigenvalues, order)

    # --- one variable: kinks and ends ----------------------------------------------------

    def kinks_and_ends(self, stationary: list[CriticalPoint]) -> list[CriticalPoint]:
        """The stationary points with the kinks and the ends added; a stationary point at
        a kink (where one side's derivative is 0) is the kink: f has no derivative there."""
        name = self.names[0]
        lo, hi = float(self.lows[0]), float(self.highs[0])
        xs = np.linspace(lo, hi, 4 * DEFAULT_STARTS + 1)
        with np.errstate(all="ignore"):
            values, gradient, hessian = self.derivatives(xs[:, None])
        slopes, bends = gradient[:, 0], hessian[:, 0, 0]
        self._check_continuous(xs, values, slopes, bends)
        found: list[CriticalPoint] = []
        if not all(OPS[op].analytic for op in self.expression.operations if op in OPS):
            found += self._kinks(xs, slopes, bends)
        for point in stationary:
            if all(abs(point.point[name] - k.point[name]) > SAME * self.diagonal for k in found):
                found.append(point)
        taken = [p.point[name] for p in found]
        for end, inward in ((lo, 1.0), (hi, -1.0)):
            if any(abs(end - t) <= SAME * self.diagonal for t in taken):
                continue
            x = np.array([end])
            value, gradient = self.f.value_and_gradient(x)
            slope = inward * gradient[0]
            kind = "minimum" if slope > 0 else "maximum" if slope < 0 else "degenerate"
            found.append(CriticalPoint("end", {name: end}, value, kind))
        return found

    def _slope(self, x: float) -> float:
        return float(self.f.value_and_gradient(np.array([x]))[1][0])

    def _check_continuous(
        self, xs: np.ndarray, values: np.ndarray, slopes: np.ndarray, bends: np.ndarray
    ) -> None:
        """The global extremes on the interval are among the critical points, the kinks
        and the ends only where f is continuous: a pole (1/x) or a step between neighbours
        of the fine grid (f changes against its slope on both sides, or by more than the
        slopes allow) or a value that is not finite is said, and no extreme is named."""
        h = xs[1] - xs[0]
        change = np.diff(values)
        with np.errstate(all="ignore"):
            against = (
                (np.sign(slopes[:-1]) == np.sign(slopes[1:]))
                & (np.sign(change) == -np.sign(slopes[:-1]))
                & (slopes[:-1] != 0)
            )
            steady = np.maximum(np.abs(slopes[:-1]), np.abs(slopes[1:]))
            bend = np.maximum(np.abs(bends[:-1]), np.abs(bends[1:]))
            scale = 1e-12 * np.maximum(1.0, np.maximum(np.abs(values[:-1]), np.abs(values[1:])))
            beyond = np.abs(change) > 2 * h * steady + h * h * bend + scale
        jumps = np.flatnonzero((against | beyond) & np.isfinite(change))
        holes = np.flatnonzero(~np.isfinite(values))
        if jumps.size or holes.size:
            self.finite = False
            where = xs[jumps[0]] if jumps.size else xs[holes[0]]
            self.gap = Discontinuous(
                self.names[0], float(where), float(where + h) if jumps.size else None
            )

    def _kinks(self, xs: np.ndarray, slopes: np.ndarray, bends: np.ndarray) -> list[CriticalPoint]:
        """Where f' jumps: between neighbours of the fine grid whose f' differ by more
        than f'' can explain, narrowed by bisection to adjacent floats."""
        h = xs[1] - xs[0]
        noise = 1e-6 * max(self.slope, 1e-300)
        found = []
        for i in range(len(xs) - 1):
            jump = abs(slopes[i + 1] - slopes[i])
            if jump > 10 * h * max(abs(bends[i]), abs(bends[i + 1])) + noise:
                point = self._narrow(xs[i], xs[i + 1], noise)
                if point is not None:
                    found.append(point)
        kept: list[CriticalPoint] = []
        for point in found:
            if all(abs(point.point[self.names[0]] - k.point[self.names[0]]) > SAME * self.diagonal
                   for k in kept):  # fmt: skip
                kept.append(point)
        return kept

    def _narrow(self, a: float, b: float, noise: float) -> CriticalPoint | None:
        left, right = self._slope(a), self._slope(b)
        for _ in range(BISECTIONS):
            middle = a + (b - a) / 2
            if middle in (a, b):
                break
            slope = self._slope(middle)
            # The jump is on the side whose ends differ more.
            if abs(slope - left) >= abs(right - slope):
                b, right = middle, slope
            else:
                a, left = middle, slope
        if abs(right - left) <= noise:
            return None
        # Which way f' jumps, read a little off the kink: at it, f' is a convention's
        # (abs'(0) = 0), not either side's.
        aside = 1e-6 * self.diagonal
        left, right = self._slope(a - aside), self._slope(b + aside)
        name = self.names[0]
        if left < 0 < right:
            kind = "minimum"
        elif left > 0 > right:
            kind = "maximum"
        else:
            kind = "neither"
        # The two adjacent floats the jump lies between: the lower one for a minimum (the
        # higher for a maximum), and at a tie the rounder number (0.5, not 0.49999999999999994).
        values = {float(x): self.f.value(np.array([x])) for x in (a, b)}
        sign = {"minimum": 1.0, "maximum": -1.0}.get(kind, 0.0)
        x = min(values, key=lambda x: (sign * values[x], abs(x).as_integer_ratio()[1]))
        return CriticalPoint("kink", {name: x}, values[x], kind)


def _newton_steps(gradient: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """-H^-1 ∇f for every row; a row whose Hessian is singular takes the least-squares
    step (pinv), which for f'' = 0 in one variable is no step at all."""
    try:
        return -np.linalg.solve(hessian, gradient[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return -np.einsum("rij,rj->ri", np.linalg.pinv(np.nan_to_num(hessian)), gradient)


def _extremes(
    points: list[CriticalPoint],
) -> tuple[list[CriticalPoint] | None, list[CriticalPoint] | None]:
    """The lowest and the highest points (every one that reaches each, to rounding)."""
    finite = [p for p in points if math.isfinite(p.value)]
    if not finite:
        return None, None
    low = min(p.value for p in finite)
    high = max(p.value for p in finite)

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))

    return [p for p in finite if near(p.value, low)], [p for p in finite if near(p.value, high)]
