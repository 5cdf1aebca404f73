"""Minima, maxima and roots from exact derivatives: ``gradcli minimize``, ``maximize`` and
``solve`` (``gradcli critical`` builds on the same pieces, in :mod:`.critical`).

The objective is the compiled expression as a function of one float64 vector, the
variables being varied flattened in order; its gradient, Hessian and Jacobian come from
gradcli's engine in reverse mode, never from differences.

* The robust methods are scipy.optimize's (trust-exact with the exact Hessian for small
  problems, L-BFGS-B for large ones and for bounds, BFGS by name), fed those exact
  derivatives. A minimum they reach without bounds is then polished by Newton steps while
  each one lowers the gradient: scipy stops at a gradient of 1e-8, a few Newton steps more
  reach the float64 minimum itself (Rosenbrock's (1, 1) exactly).
* The teaching methods are the training loop the tutorials take apart:
  ``optimizer.zero_grad(); loss = f(params); loss.backward(); optimizer.step()`` with
  gradcli.optim's optimisers (PyTorch's update rules): gd, momentum, adam, rmsprop; and
  newton, the textbook x - H^-1 g with nothing added.
* ``solve`` is Newton's method on f(x) = 0 with the exact derivative or Jacobian and a
  backtracking line search on |f|, run until the root stops moving in float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradcli.autograd import creation
from gradcli.autograd.function import no_grad
from gradcli.autograd.functional import jacobian_of
from gradcli.autograd.tensor import Tensor
from gradcli.compute.bindings import Binding
from gradcli.compute.differentiate import gradients, hessian_of
from gradcli.compute.evaluation import as_array, choose_wrt, point_of, tensors_of
from gradcli.compute.results import Iterate, Optimum, Root, StepLimit, Unconfirmed
from gradcli.errors import LimitError, UsageError, option
from gradcli.language import Expression

ROBUST = ("auto", "trust", "bfgs", "lbfgs")
TEACHING = ("gd", "momentum", "adam", "rmsprop", "newton")
METHODS = ROBUST + TEACHING

DEFAULT_STEPS = 1000
MAX_STEPS = 10**6
DEFAULT_TOLERANCE = 1e-8
"""The gradient norm (for ``solve``, the step's) below which a method has converged:
scipy's own default for its Newton-type methods."""

MAX_HESSIAN_VARIABLES = 200
"""The largest problem a method with the exact Hessian takes: a Hessian costs one backward
pass per variable at every iteration; ``auto`` goes quasi-Newton (L-BFGS-B) beyond it."""

FAR = 1e150
"""A point this far out, or a value this large, has left every problem's scale: the method
diverged (the function is unbounded, or the step blew up)."""

POLISH_STEPS = 100
"""Newton steps after scipy: two or three reach a minimum's float64 point; a degenerate
one (x**4 at 0) is only crept up on, by a constant factor per step."""
FLAT = 1e-8
"""An eigenvalue below this fraction of the largest curvature seen counts as 0."""
HIGHEST_ORDER = 8
LINE_SEARCH_HALVINGS = 40
EPS = float(np.finfo(np.float64).eps)


def check_method(
    method: str, lr: float | None, momentum: float | None, bounded: bool = False
) -> None:
    """The method and its settings, checked once, before anything runs."""
    if method not in METHODS:
        raise UsageError(f"{option('method')} {method!r}: choose {', '.join(METHODS)}")
    if lr is not None and method not in TEACHING[:4]:
        raise UsageError(
            f"{option('lr')} sets the learning rate of gd, momentum, adam and rmsprop; "
            f"{method} chooses its own steps"
        )
    if lr is not None and not (lr > 0 and math.isfinite(lr)):
        raise UsageError(f"{option('lr')} {lr}: the learning rate must be a positive number")
    if momentum is not None and method != "momentum":
        raise UsageError(f"{option('momentum')} goes with {option('method')} momentum")
    if momentum is not None and not 0 <= momentum < 1:
        raise UsageError(f"{option('momentum')} {momentum}: choose a number in [0, 1)")
    if bounded and method not in ("auto", "lbfgs"):
        raise UsageError(
            f"{option('method')} {method} does not take bounds; with {option('over')} use "
            "auto or lbfgs"
        )


def check_steps(steps: int | None, tolerance: float | None) -> tuple[int, float]:
    steps = DEFAULT_STEPS if steps is None else steps
    if not 0 <= steps <= MAX_STEPS:
        raise UsageError(f"{option('steps')} {steps}: choose from 0 to {MAX_STEPS:,}")
    tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
    if not (tolerance >= 0 and math.isfinite(tolerance)):
        raise UsageError(f"{option('tol')} {tolerance}: choose a number >= 0")
    return steps, tolerance


class Trace(list):
    """The iterates; each is handed to ``observe`` as it is made, so a stream can write
    its row while the method goes on."""

    def __init__(self, observe: Callable[[Iterate], None] | None = None):
        super().__init__()
        self.observe = observe

    def append(self, iterate: Iterate) -> None:
        super().append(iterate)
        if self.observe is not None:
            self.observe(iterate)


# --- the objective as a function of one vector ---------------------------------------


class Objective:
    """The expression as a function of one float64 vector ``x``: the variables named by
    ``names`` (each with its shape), flattened in order; the other bound variables are
    constants. ``sign`` -1 turns a maximum into a minimum."""

    def __init__(
        self,
        expression: Expression,
        bound: Sequence[Binding],
        names: Sequence[str],
        sign: float = 1.0,
        what: str = "minimize",
    ):
        self.expression = expression
        self.names = list(names)
        self.what = what
        self.sign = sign
        self.bound = list(bound)
        starts = {b.name: b.value for b in bound}
        self.shapes = [np.shape(starts[name]) for name in self.names]
        self.sizes = [int(np.prod(shape, dtype=int)) for shape in self.shapes]
        self.start = np.concatenate([np.reshape(starts[n], -1) for n in self.names] or [[]])
        self.constants = tensors_of([b for b in bound if b.name not in self.names])
        self.evaluations = 0

    @property
    def size(self) -> int:
        return int(self.start.size)

    def split(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The vector as each variable's value, in its shape."""
        parts = np.split(np.asarray(x, dtype=np.float64), np.cumsum(self.sizes)[:-1])
        return {n: p.reshape(s) for n, p, s in zip(self.names, parts, self.shapes)}

    def _run(self, x: np.ndarray, record: bool) -> tuple[Tensor, list[Tensor]]:
        self.evaluations += 1
        inputs = [Tensor(v, requires_grad=record) for v in self.split(x).values()]
        value = self.expression.evaluate({**self.constants, **dict(zip(self.names, inputs))})
        return value, inputs

    def _scalar(self, value: Tensor) -> float:
        if value.numel() != 1:
            raise UsageError(
                f"{self.what} needs a single-number value, and this one has shape "
                f"{tuple(value.shape)}; reduce it first, e.g. sum(...) or norm(...)"
            )
        return float(value.numpy().reshape(-1)[0])

    def value(self, x: np.ndarray) -> float:
        """f(x) (times ``sign``)."""
        with no_grad():
            value, _ = self._run(x, record=False)
        return self.sign * self._scalar(value)

    def value_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """f(x) and its gradient from one backward pass (both times ``sign``)."""
        value, inputs = self._run(x, record=True)
        number = self._scalar(value)
        grads = gradients(value, inputs, None)
        flat = np.concatenate([g.reshape(-1) for g in grads] or [[]])
        return self.sign * number, self.sign * flat

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """The exact Hessian at x (times ``sign``), one backward pass per variable."""
        value, inputs = self._run(x, record=True)
        self._scalar(value)
        _, matrix = hessian_of(value, inputs, self.names)
        return self.sign * matrix

    def kind(self, x: np.ndarray, curvature: float = 0.0) -> tuple[str, list[float], int | None]:
        """What the critical point x is: "minimum", "maximum", "saddle", "degenerate" (an
        eigenvalue of the Hessian below FLAT times the largest curvature seen, ``curvature``
        or here), or in one variable, where f'' = 0, what the first derivative that is not
        0 says ("inflection" for an odd order, which ``order`` gives). With its eigenvalues."""
        eigenvalues = np.linalg.eigvalsh(self.hessian(x))
        flat = FLAT * max(curvature, float(np.max(np.abs(eigenvalues), initial=0.0)))
        found = [float(e) for e in eigenvalues]
        if np.any(np.abs(eigenvalues) <= flat):
            return self._higher(x, found) if self.size == 1 else ("degenerate", found, None)
        if np.all(eigenvalues > 0):
            return "minimum", found, None
        if np.all(eigenvalues < 0):
            return "maximum", found, None
        return "saddle", found, None

    def _higher(self, x: np.ndarray, found: list[float]) -> tuple[str, list[float], int | None]:
        """One variable, f'' = 0: the first derivative that is not 0 decides (Taylor mode)."""
        from gradcli.compute.differentiate import differentiate

        name = self.names[0]
        at = [b for b in self.bound if b.name != name]
        at.append(Binding(name, "", np.float64(np.reshape(x, -1)[0])))
        try:
            derivatives = differentiate(self.expression, at, [name], order=HIGHEST_ORDER)
        except UsageError:
            return "degenerate", found, None
        coefficients = [
            self.sign * d / math.factorial(k)
            for k, d in enumerate(derivatives.derivatives[name], 1)
        ]
        largest = max((abs(c) for c in coefficients[1:]), default=0.0)
        for k, c in enumerate(coefficients[1:], start=2):
            if abs(c) > FLAT * largest:
                if k % 2:
                    return "inflection", found, k
                return ("minimum" if c > 0 else "maximum"), found, k
        return "degenerate", found, None


def objective(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None,
    sign: float,
    what: str,
) -> Objective:
    """The objective over the ``--wrt`` variables (by default every bound one used)."""
    names = choose_wrt(expression, bound, wrt, doing="vary")
    found = Objective(expression, bound, names, sign, what)
    if found.size == 0:
        raise UsageError(f"the variables to vary ({', '.join(names)}) have no elements")
    return found


# --- minimize and maximize ------------------------------------------------------------


def optimize(
    expression: Expression,
    bound: Sequence[Binding],
    goal: str = "minimum",
    method: str = "auto",
    wrt: Sequence[str] | None = None,
    bounds: Sequence[tuple[str, float, float]] = (),
    steps: int | None = None,
    tolerance: float | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    trace: bool = False,
    observe: Callable[[Iterate], None] | None = None,
) -> Optimum:
    """The minimum (``goal="minimum"``) or maximum of a single-number expression, from the
    bound point; ``bounds`` keep variables in ranges (``--over x=0:1``). With ``trace`` the
    result keeps every iterate; ``observe`` sees each as it is made."""
    check_method(method, lr, momentum, bool(bounds))
    steps, tolerance = check_steps(steps, tolerance)
    what = "minimize" if goal == "minimum" else "maximize"
    with creation.same_draws():
        f = objective(expression, bound, wrt, 1.0 if goal == "minimum" else -1.0, what)
        limits = _limits(f, bounds)
        first, gradient = f.value_and_gradient(f.start)
        if not math.isfinite(first):
            raise UsageError(
                f"{what} starts where the value is {first * f.sign:g}: start at a point where "
                f"the expression is finite ({option('at')})"
            )
        if method in ("trust", "newton") and f.size > MAX_HESSIAN_VARIABLES:
            raise LimitError(
                f"{option('method')} {method} uses the exact Hessian, and this problem has "
                f"{f.size:,} variables (at most {MAX_HESSIAN_VARIABLES} for it); use "
                f"{option('method')} lbfgs, which needs only gradients"
            )
        chosen = _resolve(method, f.size, limits is not None)
        iterates = Trace(observe)
        if chosen in TEACHING:
            x, stop, iterations = _teaching(f, chosen, steps, tolerance, lr, momentum, iterates)
        else:
            x, stop, iterations = _scipy(f, chosen, steps, tolerance, limits, iterates)
            if stop in ("gradient", "stalled") and f.size <= MAX_HESSIAN_VARIABLES:
                x, stop = _polish(f, x, stop, tolerance, limits)
            if stop in ("stalled", "steps") and limits is None and _unbounded(f, x):
                stop = "diverged"
        value, gradient = f.value_and_gradient(x)
        if stop == "stalled" and np.linalg.norm(gradient) <= tolerance:
            stop = "gradient"
        if stop not in ("diverged",) and (
            not math.isfinite(value) or np.max(np.abs(x), initial=0) > FAR
        ):
            stop = "diverged"
        norm = float(np.linalg.norm(gradient))
        notes: list[Any] = [StepLimit(iterations, norm, tolerance)] if stop == "steps" else []
        kind = None
        interior = limits is None or _inside(x, limits)
        if stop == "gradient" and f.size <= MAX_HESSIAN_VARIABLES and interior:
            # The gradient vanishes at saddles and inflections too: the Hessian (in one
            # variable, the first derivative that is not 0) says which this is.
            curvature = float(np.max(np.abs(np.linalg.eigvalsh(f.hessian(f.start)))))
            found, _, _ = f.kind(x, curvature)
            kind = {"minimum": goal, "maximum": _OTHER[goal]}.get(found, found)
            if kind == "degenerate":
                notes.append(Unconfirmed(goal))
            elif kind != goal:
                stop = "not_optimum"
        from gradcli.autograd.shapes import entry_labels

        labels = [e for n, shape in zip(f.names, f.shapes) for e in entry_labels(n, shape)]
        return Optimum(
            expression=expression.source,
            goal=goal,
            method=chosen,
            start=f.split(f.start),
            constants=point_of([b for b in bound if b.name not in f.names]),
            point=f.split(x),
            value=f.sign * value,
            gradient=f.split(f.sign * gradient),
            gradient_norm=norm,
            iterations=iterations,
            evaluations=f.evaluations,
            stop=stop,
            kind=kind,
            tolerance=tolerance,
            bounds={name: (lo, hi) for name, lo, hi in bounds},
            at_bounds=[labels[i] for i in _bounded(x, limits)],
            trace=iterates if trace else None,
            warnings=notes,
        )


_OTHER = {"minimum": "maximum", "maximum": "minimum"}


def _limits(f: Objective, bounds: Sequence[tuple[str, float, float]]) -> list[Any] | None:
    """scipy's bounds, one pair per element; the start moved into the box (its middle
    for a variable no --at gives)."""
    if not bounds:
        return None
    pairs: list[tuple[float, float]] = []
    given = {name: (lo, hi) for name, lo, hi in bounds}
    for name in given:
        if name not in f.names:
            raise UsageError(
                f"{option('over')} {name}: {name} is not among the variables varied "
                f"({', '.join(f.names)})"
            )
    for name, size in zip(f.names, f.sizes):
        pairs += [given.get(name, (-np.inf, np.inf))] * size
    lows, highs = np.array(pairs).T
    outside = (f.start < lows) | (f.start > highs)
    if outside.any():
        raise UsageError(
            f"the start is outside the {option('over')} range: start inside it, or leave "
            f"{option('at')} out to start in its middle"
        )
    return pairs


def _resolve(method: str, size: int, bounded: bool) -> str:
    if method == "auto":
        return "lbfgs" if bounded or size > MAX_HESSIAN_VARIABLES else "trust"
    return method


def _record(
    iterates: list[Iterate], f: Objective, k: int, x: np.ndarray, value: float,
    gradient: np.ndarray, previous: np.ndarray | None,
) -> None:  # fmt: skip
    step = 0.0 if previous is None else float(np.linalg.norm(x - previous))
    iterates.append(Iterate(k, f.split(x), f.sign * value, float(np.linalg.norm(gradient)), step))


def _far(x: np.ndarray, value: float) -> bool:
    return not math.isfinite(value) or abs(value) > FAR or np.max(np.abs(x), initial=0) > FAR


def _teaching(
    f: Objective,
    method: str,
    steps: int,
    tolerance: float,
    lr: float | None,
    momentum: float | None,
    iterates: list[Iterate],
) -> tuple[np.ndarray, str, int]:
    """The textbook loop, one row of ``iterates`` per step (row 0 is the start)."""
    if method == "newton":
        return _newton_minimize(f, steps, tolerance, iterates)
    from gradcli import optim

    params = [Tensor(v.copy(), requires_grad=True) for v in f.split(f.start).values()]
    maximize = f.sign < 0
    settings: dict[str, Any] = {"maximize": maximize}
    if lr is not None:
        settings["lr"] = lr
    if method == "gd":
        optimizer: Any = optim.SGD(params, **settings)
    elif method == "momentum":
        optimizer = optim.SGD(params, momentum=0.9 if momentum is None else momentum, **settings)
    elif method == "adam":
        optimizer = optim.Adam(params, **settings)
    else:
        optimizer = optim.RMSprop(params, **settings)
    previous = None
    for k in range(steps + 1):
        optimizer.zero_grad()
        f.evaluations += 1
        loss = f.expression.evaluate({**f.constants, **dict(zip(f.names, params))})
        value = f.sign * f._scalar(loss)
        if loss.requires_grad:
            loss.backward()
        x = np.concatenate([p.detach().numpy().reshape(-1) for p in params])
        grads = [np.zeros(p.shape) if p.grad is None else p.grad.numpy() for p in params]
        gradient = f.sign * np.concatenate([g.reshape(-1) for g in grads])
        _record(iterates, f, k, x, value, gradient, previous)
        if stop := _stop(x, value, gradient, k, steps, tolerance):
            return x, stop, k
        optimizer.step()
        previous = x


def _stop(
    x: np.ndarray, value: float, gradient: np.ndarray, k: int, steps: int, tolerance: float
) -> str | None:
    """Why a textbook loop stops after step ``k``, or None to go on."""
    if _far(x, value):
        return "diverged"
    if np.linalg.norm(gradient) <= tolerance:
        return "gradient"
    return "steps" if k == steps else None


def _newton_minimize(
    f: Objective, steps: int, tolerance: float, iterates: list[Iterate]
) -> tuple[np.ndarray, str, int]:
    """x <- x - H^-1 g, as the textbook writes it: no line search, no safeguard, so it goes
    to the nearest stationary point of any kind, or away."""
    x, previous = f.start.copy(), None
    for k in range(steps + 1):
        value, gradient = f.value_and_gradient(x)
        _record(iterates, f, k, x, value, gradient, previous)
        if stop := _stop(x, value, gradient, k, steps, tolerance):
            return x, stop, k
        step = _solve(f.hessian(x), -gradient)
        if step is None:
            return x, "singular", k
        previous, x = x, x + step
    raise AssertionError("unreachable")


def _solve(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray | None:
    """matrix^-1 vector, or None where the matrix is singular in float64."""
    if not np.all(np.isfinite(matrix)):
        return None
    if np.linalg.cond(matrix) > 1 / EPS:
        return None
    return np.linalg.solve(matrix, vector)


_SCIPY_NAMES = {"trust": "trust-exact", "bfgs": "BFGS", "lbfgs": "L-BFGS-B"}


class _Diverged(Exception):
    """Raised inside scipy's loop when the point or value has left every scale."""


def _scipy(
    f: Objective,
    method: str,
    steps: int,
    tolerance: float,
    limits: list[Any] | None,
    iterates: list[Iterate],
) -> tuple[np.ndarray, str, int]:
    import scipy.optimize

    seen: dict[bytes, tuple[float, np.ndarray]] = {}
    last = [f.start]

    def value_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        key = x.tobytes()
        if key not in seen:
            value, gradient = f.value_and_gradient(x)
            if _far(x, value) and value < 0:
                last[0] = x.copy()
                raise _Diverged
            seen.clear()  # only the latest point is asked for again (by the callback)
            seen[key] = (value, gradient)
        return seen[key]

    def callback(intermediate_result: Any) -> None:
        x = np.array(intermediate_result.x)
        value, gradient = value_and_gradient(x)
        _record(iterates, f, len(iterates), x, value, gradient, last[0])
        last[0] = x
        # A line search on a function unbounded below can crawl for thousands of
        # evaluations (L-BFGS-B on x moves it by 1e10 a step); a probe now and then ends it.
        if limits is None and len(iterates) % PROBE_EVERY == 0 and _unbounded(f, x):
            raise _Diverged

    value, gradient = value_and_gradient(f.start)
    _record(iterates, f, 0, f.start, value, gradient, None)
    if np.linalg.norm(gradient) <= tolerance or steps == 0:
        return f.start.copy(), "gradient" if steps else "steps", 0
    options: dict[str, Any] = {"maxiter": steps, "gtol": tolerance}
    if method == "lbfgs":
        # L-BFGS-B stops by default when f changes by 2e-9 relatively; the gradient decides.
        options.update(ftol=0.0, maxfun=max(15000, 20 * steps))
    if method == "trust":
        options["max_trust_radius"] = FAR  # an unbounded function runs away in a few hundred steps
    try:
        # Overflow on the way to a divergence is the divergence, said in the result.
        with np.errstate(over="ignore", invalid="ignore"):
            found = scipy.optimize.minimize(
                value_and_gradient,
                f.start,
                jac=True,
                hess=f.hessian if method == "trust" else None,
                method=_SCIPY_NAMES[method],
                bounds=limits,
                callback=callback,
                options=options,
            )
    except _Diverged:
        return last[0], "diverged", len(iterates)
    x = np.asarray(found.x, dtype=np.float64)
    if found.success:
        stop = "gradient"
    elif found.nit >= steps:
        stop = "steps"
    else:
        stop = "stalled"
    return x, stop, int(found.nit)


PROBES = 80
PROBE_EVERY = 50
"""Steps of the probe for an unbounded function: each 256 times the last, from the point's
scale out past :data:`FAR`."""


def _unbounded(f: Objective, x: np.ndarray) -> bool:
    """Whether f falls without bound along -∇f from x, probed at points ever farther out:
    a line search fails on such a function (BFGS stalls on -x**2) or crawls (L-BFGS-B
    moves x by 1e10 a step), so "stalled" or the step limit would hide a divergence."""
    value, gradient = f.value_and_gradient(x)
    norm = float(np.linalg.norm(gradient))
    if not norm or not math.isfinite(norm):
        return False
    direction = -gradient / norm
    reach = 1.0 + float(np.linalg.norm(x))
    with np.errstate(all="ignore"):
        for _ in range(PROBES):
            farther = f.value(x + reach * direction)
            if not farther < value:
                return False
            if farther < -FAR or reach > FAR:
                return True
            value, reach = farther, reach * 256
    return False


def _inside(x: np.ndarray, limits: list[Any]) -> bool:
    """Strictly inside the bounds: no bound is active, so the point is an unconstrained
    critical point and Newton may polish it."""
    lows, highs = np.array(limits, dtype=np.float64).T
    return bool(np.all((x > lows) & (x < highs)))


def _bounded(x: np.ndarray, limits: list[Any] | None) -> list[int]:
    """The elements of x that sit on a bound."""
    if limits is None:
        return []
    lows, highs = np.array(limits, dtype=np.float64).T
    return [int(i) for i in np.flatnonzero((x <= lows) | (x >= highs))]


def _polish(
    f: Objective, x: np.ndarray, stop: str, tolerance: float, limits: list[Any] | None = None
) -> tuple[np.ndarray, str]:
    """Newton steps with the exact Hessian while each lowers the gradient without raising
    f, and is shorter than the last: from scipy's 1e-8 to the minimum in float64
    (quadratic convergence takes two or three). Only where the Hessian is positive definite: elsewhere Newton heads for a
    saddle. With bounds, the variables on a bound stay there and the others are polished."""
    free = np.ones(x.shape, bool)
    if limits is not None:
        free[_bounded(x, limits)] = False
    value, gradient = f.value_and_gradient(x)
    moved = math.inf
    for _ in range(POLISH_STEPS):
        if not gradient[free].any():
            break
        matrix = f.hessian(x)[np.ix_(free, free)]
        if not np.all(np.isfinite(matrix)) or np.linalg.eigvalsh(matrix)[0] <= 0:
            break
        step = np.linalg.solve(matrix, -gradient[free])
        # Steps that stop shrinking are not converging to a point (exp(-x) moves by 1 a
        # step for ever): leave it where scipy's test put it.
        if not np.linalg.norm(step) < moved:
            break
        moved = float(np.linalg.norm(step))
        candidate = x.copy()
        candidate[free] += step
        if limits is not None and _bounded(candidate, limits) != _bounded(x, limits):
            break
        new_value, new_gradient = f.value_and_gradient(candidate)
        better = np.linalg.norm(new_gradient[free]) < np.linalg.norm(gradient[free])
        if not better or new_value > value + 4 * EPS * abs(value):
            break
        x, value, gradient = candidate, new_value, new_gradient
    if stop == "stalled" and np.linalg.norm(gradient[free]) <= tolerance:
        stop = "gradient"
    return x, stop


# --- solve ------------------------------------------------------------------------------


def solve(
    expression: Expression,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    steps: int | None = None,
    trace: bool = False,
    observe: Callable[[Iterate], None] | None = None,
) -> Root:
    """A root of f(x) = 0 near the bound point: a scalar equation or, for a vector value,
    a system with as many equations as unknowns."""
    steps, _ = check_steps(steps, None)
    with creation.same_draws():
        names = choose_wrt(expression, bound, wrt, doing="vary")
        f = Objective(expression, bound, names, what="solve")
        size = f.size

        def residual(x: np.ndarray) -> np.ndarray:
            with no_grad():
                value, _ = f._run(x, record=False)
            return as_array(value).reshape(-1)

        def system(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            value, inputs = f._run(x, record=True)
            flat = as_array(value).reshape(-1)
            if not value.requires_grad:
                return flat, np.zeros((flat.size, size))
            blocks = jacobian_of(value, inputs)
            matrix = np.concatenate([as_array(b).reshape(flat.size, -1) for b in blocks], axis=1)
            return flat, matrix

        with no_grad():
            shape = tuple(f._run(f.start, record=False)[0].shape)
        first = residual(f.start)
        if first.size != size:
            raise UsageError(
                f"solve needs as many equations as unknowns: the value has {first.size} "
                f"element{'s' * (first.size != 1)} and the unknowns ({', '.join(names)}) "
                f"{size}; for a least-squares answer, minimize sum((...)**2)"
            )
        if not np.all(np.isfinite(first)):
            raise UsageError(
                f"solve starts where the value is not finite: start at a point where the "
                f"expression is finite ({option('at')})"
            )
        iterates = Trace(observe)
        x, value, stop, iterations = newton(system, residual, f.start, steps, iterates, f.split)
        return Root(
            expression=expression.source,
            start=f.split(f.start),
            constants=point_of([b for b in bound if b.name not in names]),
            point=f.split(x),
            residual=value.reshape(shape),
            residual_norm=float(np.linalg.norm(value)),
            iterations=iterations,
            evaluations=f.evaluations,
            stop=stop,
            trace=iterates if trace else None,
            warnings=[],
        )


def newton(
    system: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    residual: Callable[[np.ndarray], np.ndarray],
    start: np.ndarray,
    steps: int,
    iterates: list[Iterate] | None = None,
    names: Callable[[np.ndarray], dict[str, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray, str, int]:
    """A root of F from ``start`` by Newton's method, ``system(x)`` giving F(x) and its
    Jacobian and ``residual(x)`` F(x) alone: each Newton step is halved until |F| falls
    (Armijo's test), and the iteration goes on until the root stops moving in float64.

    Stops: "exact" (F is 0), "rounding" (Newton's next step is below float64's rounding of
    the point: converged), "steps", "singular" (the Jacobian is singular and |F| will not
    fall), "stalled" (|F| will not fall: a local minimum of |F| that is not a root),
    "diverged" (the point left every scale).
    """
    x = np.array(start, dtype=np.float64)
    value, matrix = system(x)
    size = float(np.linalg.norm(value))
    previous = None
    for k in range(steps + 1):
        if iterates is not None:
            point = names(x) if names else x
            step = 0.0 if previous is None else float(np.linalg.norm(x - previous))
            iterates.append(Iterate(k, point, size, None, step))
        if size == 0:
            return x, value, "exact", k
        if not np.isfinite(size) or np.max(np.abs(x), initial=0) > FAR:
            return x, value, "diverged", k
        if k == steps:
            return x, value, "steps", k
        direction = _solve(matrix, -value)
        singular = direction is None
        if singular:
            # The least-squares step: the best Newton can say where J has no inverse.
            direction = np.linalg.lstsq(np.nan_to_num(matrix), -value, rcond=None)[0]
        t, accepted = 1.0, None
        for _ in range(LINE_SEARCH_HALVINGS):
            candidate = x + t * direction
            if np.array_equal(candidate, x):
                break
            found = residual(candidate)
            if np.linalg.norm(found) <= (1 - 1e-4 * t) * size:
                accepted = candidate
                break
            t /= 2
        if accepted is None:
            small = np.linalg.norm(direction) <= 1e-9 * max(1.0, float(np.linalg.norm(x)))
            if small and not singular:
                return x, value, "rounding", k
            return x, value, "singular" if singular else "stalled", k
        previous, x = x, accepted
        value, matrix = system(x)
        size = float(np.linalg.norm(value))
    raise AssertionError("unreachable")
