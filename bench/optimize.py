"""minimize on the Moré-Garbow-Hillstrom classics: gradcli beside scipy.optimize.

Run ``python bench/optimize.py [--rounds 5] [--only rosenbrock,beale]``. For each classic
(Rosenbrock, Powell singular, Beale, Freudenstein-Roth, helical valley, each from the
paper's start, and a 100-variable extended Rosenbrock, for the L-BFGS-B rows and the
Hessian methods), one row per way of minimising it:

* gradcli's ``optimize``: ``auto`` (trust-exact with the exact Hessian, then the Newton
  polish; the 100-variable problem too, being under the 200-variable limit) and
  ``lbfgs`` (L-BFGS-B with exact gradients, then the polish), the expression compiled
  once outside the timing;
* scipy.optimize.minimize with finite-difference gradients (``jac=None``): BFGS and
  L-BFGS-B (trust-exact cannot run without a Hessian);
* scipy with gradients written by hand in numpy, and Hessians by hand for trust-exact
  and Newton-CG. Every hand gradient is checked against gradcli's before timing, every
  hand Hessian against central differences of the hand gradient.

scipy runs with gradcli's settings (``gtol`` 1e-8, 1,000 iterations; L-BFGS-B with
``ftol`` 0 and up to 20,000 evaluations), so both are asked for the same gradient;
Newton-CG, which has no gradient test, stops when its step is below ``xtol`` 1e-12.
``evals`` is what each counts: gradcli's evaluations of the expression (each with the
backward passes its derivatives need), scipy's ``nfev`` (which includes the difference
quotients' evaluations) and, where hand derivatives were given, ``+njev+nhev``. ``conv``
is whether the method reports convergence (scipy's ``success``; gradcli's stop
"gradient"). ``|x-x*|`` is the distance to the known minimum (Freudenstein-Roth: to the
local minimum (11.4128, -0.8968), f = 48.98, where every method goes from the paper's
start). The rows of a classic alternate run by run over ``--rounds`` rounds (after one
untimed warm-up each) and the time is the median; ``ratio`` is the row's time over
gradcli's of the same family (the L-BFGS-B rows over gradcli lbfgs, the others over
gradcli auto).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import scipy
import scipy.optimize

import gradcli
from gradcli.compute.bindings import Binding
from gradcli.compute.optimize import optimize

TOLERANCE = 1e-8
STEPS = 1000


# --- the classics: expression, start, minimum, and residuals by hand -----------------------
#
# Every classic is a sum of squares f = r.r, so by hand g = 2 J^T r and
# H = 2 (J^T J + sum_i r_i Hess(r_i)): each problem gives r, J and the curvature term.


@dataclass
class Classic:
    name: str
    source: str  # the gradcli expression, over one vector variable x
    start: list[float]
    minimum: list[float]
    residuals: Callable[[np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray], np.ndarray]
    curvature: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x, r) -> sum r_i Hess r_i
    skip: tuple[str, ...] = ()  # rows left out (too slow to repeat)

    def f(self, x: np.ndarray) -> float:
        r = self.residuals(x)
        return float(r @ r)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return 2 * self.jacobian(x).T @ self.residuals(x)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        j = self.jacobian(x)
        return 2 * (j.T @ j + self.curvature(x, self.residuals(x)))


def _rosenbrock() -> Classic:
    def curvature(x, r):
        return np.array([[-20 * r[0], 0], [0, 0]])

    return Classic(
        "Rosenbrock", "(1-x[0])**2 + 100*(x[1]-x[0]**2)**2", [-1.2, 1.0], [1.0, 1.0],
        lambda x: np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]]),
        lambda x: np.array([[-20 * x[0], 10], [-1, 0]]),
        curvature,
    )  # fmt: skip


def _powell() -> Classic:
    s5, s10 = np.sqrt(5), np.sqrt(10)

    def residuals(x):
        a, b, c, d = x
        return np.array([a + 10 * b, s5 * (c - d), (b - 2 * c) ** 2, s10 * (a - d) ** 2])

    def jacobian(x):
        a, b, c, d = x
        return np.array([
            [1, 10, 0, 0],
            [0, 0, s5, -s5],
            [0, 2 * (b - 2 * c), -4 * (b - 2 * c), 0],
            [2 * s10 * (a - d), 0, 0, -2 * s10 * (a - d)],
        ])  # fmt: skip

    def curvature(x, r):
        u = np.array([0, 1, -2, 0])  # r3 = (u.x)^2, r4 = sqrt(10) (v.x)^2
        v = np.array([1, 0, 0, -1])
        return r[2] * 2 * np.outer(u, u) + r[3] * 2 * s10 * np.outer(v, v)

    source = "(x[0]+10*x[1])**2 + 5*(x[2]-x[3])**2 + (x[1]-2*x[2])**4 + 10*(x[0]-x[3])**4"
    return Classic("Powell singular", source, [3.0, -1.0, 0.0, 1.0], [0.0] * 4,
                   residuals, jacobian, curvature)  # fmt: skip


def _beale() -> Classic:
    c = np.array([1.5, 2.25, 2.625])
    i = np.array([1, 2, 3])

    def residuals(x):
        return c - x[0] * (1 - x[1] ** i)

    def jacobian(x):
        return np.stack([-(1 - x[1] ** i), x[0] * i * x[1] ** (i - 1)], axis=1)

    def curvature(x, r):
        xy = i * x[1] ** (i - 1)  # d2 r_i / dx dy
        yy = x[0] * i * (i - 1) * x[1] ** np.maximum(i - 2, 0)
        return np.array([[0, r @ xy], [r @ xy, r @ yy]])

    source = ("(1.5-x[0]+x[0]*x[1])**2 + (2.25-x[0]+x[0]*x[1]**2)**2 + "
              "(2.625-x[0]+x[0]*x[1]**3)**2")  # fmt: skip
    return Classic("Beale", source, [1.0, 1.0], [3.0, 0.5], residuals, jacobian, curvature)


def _freudenstein_roth() -> Classic:
    def residuals(x):
        p, q = x
        return np.array([-13 + p + ((5 - q) * q - 2) * q, -29 + p + ((q + 1) * q - 14) * q])

    def jacobian(x):
        q = x[1]
        return np.array([[1, 10 * q - 3 * q**2 - 2], [1, 3 * q**2 + 2 * q - 14]])

    def curvature(x, r):
        q = x[1]
        return np.array([[0, 0], [0, r[0] * (10 - 6 * q) + r[1] * (6 * q + 2)]])

    source = "(-13+x[0]+((5-x[1])*x[1]-2)*x[1])**2 + (-29+x[0]+((x[1]+1)*x[1]-14)*x[1])**2"
    local = [11.412778986902094, -0.8968052532744765]  # f = 48.98425367924...
    return Classic("Freudenstein-Roth", source, [0.5, -2.0], local,
                   residuals, jacobian, curvature)  # fmt: skip


def _helical_valley() -> Classic:
    # theta as the paper defines it (atan2's case split; gradcli has where, not atan2).
    def theta(x):
        t = np.arctan(x[1] / x[0]) / (2 * np.pi)
        return t if x[0] > 0 else t + 0.5

    def residuals(x):
        return np.array([10 * (x[2] - 10 * theta(x)), 10 * (np.hypot(x[0], x[1]) - 1), x[2]])

    def jacobian(x):
        p, q, _ = x
        rr = p * p + q * q
        r = np.sqrt(rr)
        tp, tq = -q / (2 * np.pi * rr), p / (2 * np.pi * rr)
        return np.array([[-100 * tp, -100 * tq, 10], [10 * p / r, 10 * q / r, 0], [0, 0, 1]])

    def curvature(x, res):
        p, q, _ = x
        rr = p * p + q * q
        r = np.sqrt(rr)
        tpp, tqq, tpq = (
            p * q / (np.pi * rr**2),
            -p * q / (np.pi * rr**2),
            (q * q - p * p) / (2 * np.pi * rr**2),
        )
        theta_h = -100 * np.array([[tpp, tpq, 0], [tpq, tqq, 0], [0, 0, 0]])
        radius_h = 10 * np.array([[q * q, -p * q, 0], [-p * q, p * p, 0], [0, 0, 0]]) / r**3
        return res[0] * theta_h + res[1] * radius_h

    source = ("t = where(x[0] > 0, atan(x[1]/x[0])/(2*pi), atan(x[1]/x[0])/(2*pi) + 0.5); "
              "100*((x[2] - 10*t)**2 + (sqrt(x[0]**2 + x[1]**2) - 1)**2) + x[2]**2")  # fmt: skip
    return Classic("helical valley", source, [-1.0, 0.0, 0.0], [1.0, 0.0, 0.0],
                   residuals, jacobian, curvature)  # fmt: skip


def _extended_rosenbrock(n: int = 100) -> Classic:
    def residuals(x):
        odd, even = x[0::2], x[1::2]
        return np.concatenate([10 * (even - odd**2), 1 - odd])

    def jacobian(x):
        half = n // 2
        j = np.zeros((n, n))
        rows = np.arange(half)
        j[rows, 2 * rows] = -20 * x[0::2]
        j[rows, 2 * rows + 1] = 10
        j[half + rows, 2 * rows] = -1
        return j

    def curvature(x, r):
        return np.diag(np.ravel(np.column_stack([-20 * r[: n // 2], np.zeros(n // 2)])))

    return Classic(f"extended Rosenbrock n={n}",
                   "sum(100*(x[1::2] - x[::2]**2)**2 + (1 - x[::2])**2)",
                   [-1.2, 1.0] * (n // 2), [1.0] * n, residuals, jacobian, curvature,
                   skip=("scipy BFGS, FD gradient", "scipy BFGS, hand gradient"))  # fmt: skip


CLASSICS = {
    "rosenbrock": _rosenbrock,
    "powell": _powell,
    "beale": _beale,
    "freudenstein-roth": _freudenstein_roth,
    "helical": _helical_valley,
    "extended": _extended_rosenbrock,
}


def check_by_hand(classic: Classic) -> None:
    """The hand derivatives at the start and at a nearby point: the gradient to gradcli's,
    the Hessian to central differences of the hand gradient."""
    compiled = gradcli.compile(classic.source)
    rng = np.random.default_rng(0)
    for x in (
        np.array(classic.start),
        np.array(classic.start) + 0.1 * rng.standard_normal(len(classic.start)),
    ):
        exact = np.asarray(compiled.grad(x=x)["x"])
        assert abs(
            compiled.evaluate({"x": gradcli.tensor(x)}).numpy() - classic.f(x)
        ) <= 1e-12 * max(1, abs(classic.f(x))), classic.name
        assert np.allclose(classic.gradient(x), exact, rtol=1e-12, atol=1e-12), classic.name
        h = 1e-6
        columns = [
            (classic.gradient(x + h * e) - classic.gradient(x - h * e)) / (2 * h)
            for e in np.eye(len(x))
        ]
        assert np.allclose(classic.hessian(x), np.array(columns).T, rtol=1e-6, atol=1e-4), (
            classic.name
        )


# --- the runs -----------------------------------------------------------------------------


@dataclass
class Outcome:
    iterations: int
    evals: str
    converged: bool
    x: np.ndarray


def gradcli_run(classic: Classic, method: str) -> Callable[[], Outcome]:
    compiled = gradcli.compile(classic.source)
    start = np.array(classic.start)
    bound = [Binding("x", repr(classic.start), start)]

    def run() -> Outcome:
        found = optimize(compiled, bound, method=method, steps=STEPS, tolerance=TOLERANCE)
        return Outcome(found.iterations, str(found.evaluations), found.stop == "gradient",
                       np.asarray(found.point["x"]))  # fmt: skip

    return run


def scipy_run(classic: Classic, method: str, derivatives: str) -> Callable[[], Outcome]:
    """``derivatives``: "fd" (jac=None), "grad" (hand gradient), "hess" (and Hessian)."""
    options: dict[str, Any] = {"maxiter": STEPS, "gtol": TOLERANCE}
    if method == "L-BFGS-B":
        options.update(ftol=0.0, maxfun=20 * STEPS)
    jac = None if derivatives == "fd" else classic.gradient
    hess = classic.hessian if derivatives == "hess" else None
    if method == "Newton-CG":
        options = {"maxiter": STEPS, "xtol": 1e-12}

    def run() -> Outcome:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # precision-loss and overflow notes from FD runs
            found = scipy.optimize.minimize(classic.f, np.array(classic.start), jac=jac,
                                            hess=hess, method=method, options=options)  # fmt: skip
        counts = [found.nfev] + [
            getattr(found, k, 0)
            for k in ("njev", "nhev")
            if jac is not None and getattr(found, k, 0)
        ]
        return Outcome(int(found.nit), "+".join(map(str, counts)), bool(found.success), found.x)

    return run


RUNS: list[tuple[str, str, Callable[[Classic], Callable[[], Outcome]]]] = [
    # label, family (whose gradcli time the ratio divides by), runner
    ("gradcli auto (trust-exact, exact H)", "auto", lambda c: gradcli_run(c, "auto")),
    ("gradcli lbfgs (exact gradient)", "lbfgs", lambda c: gradcli_run(c, "lbfgs")),
    ("scipy BFGS, FD gradient", "auto", lambda c: scipy_run(c, "BFGS", "fd")),
    ("scipy L-BFGS-B, FD gradient", "lbfgs", lambda c: scipy_run(c, "L-BFGS-B", "fd")),
    ("scipy BFGS, hand gradient", "auto", lambda c: scipy_run(c, "BFGS", "grad")),
    ("scipy L-BFGS-B, hand gradient", "lbfgs", lambda c: scipy_run(c, "L-BFGS-B", "grad")),
    ("scipy trust-exact, hand g + H", "auto", lambda c: scipy_run(c, "trust-exact", "hess")),
    ("scipy Newton-CG, hand g + H", "auto", lambda c: scipy_run(c, "Newton-CG", "hess")),
]


def table(classic: Classic, rounds: int) -> None:
    check_by_hand(classic)
    runs = [
        (label, family, make(classic)) for label, family, make in RUNS if label not in classic.skip
    ]
    outcomes = {label: run() for label, _, run in runs}  # warm-up, and the answer
    times: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    for _ in range(rounds):
        for label, _, run in runs:
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
    median = {label: statistics.median(t) for label, t in times.items()}
    base = {"auto": median[runs[0][0]], "lbfgs": median[runs[1][0]]}
    print(f"\n{classic.name} from {_short(classic.start)}")
    if classic.skip:
        print(f"(left out: {'; '.join(classic.skip)}; 540 iterations, 30 s a run with FD)")
    print(f"| {'method':<36} | {'iters':>5} | {'evals':>12} | {'conv':>4} | {'|x-x*|':>8} "
          f"| {'ms':>8} | {'ratio':>6} |")  # fmt: skip
    print(f"|{'-' * 38}|{'-' * 7}|{'-' * 14}|{'-' * 6}|{'-' * 10}|{'-' * 10}|{'-' * 8}|")
    for label, family, _ in runs:
        o = outcomes[label]
        error = float(np.linalg.norm(o.x - classic.minimum))
        print(f"| {label:<36} | {o.iterations:>5} | {o.evals:>12} | {'yes' if o.converged else 'no':>4} "
              f"| {error:>8.1e} | {1000 * median[label]:>8.2f} | {median[label] / base[family]:>6.2f} |")  # fmt: skip


def _short(start: list[float]) -> str:
    if len(start) > 4:
        return f"({start[0]:g}, {start[1]:g}, ... x{len(start) // 2})"
    return "(" + ", ".join(f"{v:g}" for v in start) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(CLASSICS),
                        help=f"comma-separated classics, of {','.join(CLASSICS)} (default all)")  # fmt: skip
    args = parser.parse_args()
    print(f"gradcli from {Path(gradcli.__file__).parent}, scipy {scipy.__version__}, "
          f"numpy {np.__version__}; median of {args.rounds} alternating rounds")  # fmt: skip
    for name in args.only.split(","):
        table(CLASSICS[name](), args.rounds)


if __name__ == "__main__":
    main()
