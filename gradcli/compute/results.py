"""What the commands compute, as plain data (numpy arrays and lists) for the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np


class Record:
    """A record's fields are its class's annotated names, in order; a name given a value in
    the class body defaults to it. Nothing is generated per class, so the two dozen notes
    and the results of the rarer commands cost next to nothing to define (a dataclass
    costs about 1 ms, a named tuple 0.2 ms), which matters because every command loads
    this module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = list(type(self).__annotations__)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes {len(names)} fields")
        values = dict(zip(names, args))
        for name in names[len(args) :]:
            if name in kwargs:
                values[name] = kwargs.pop(name)
            elif hasattr(type(self), name):
                values[name] = getattr(type(self), name)
            else:
                raise TypeError(f"{type(self).__name__} needs {name}")
        if kwargs:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(kwargs))}")
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), tuple(vars(self).values())))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"

    def _replace(self, **changes: Any) -> Any:
        """A copy with ``changes``, as a named tuple's ``_replace``."""
        return type(self)(**{**vars(self), **changes})


@dataclass
class Evaluation:
    expression: str
    at: dict[str, np.ndarray]
    value: np.ndarray
    warnings: list[Any] = field(default_factory=list)


@dataclass
class Differentiation(Evaluation):
    wrt: list[str] = field(default_factory=list)
    gradient: dict[str, np.ndarray] | None = None
    jacobian: dict[str, np.ndarray] | None = None
    weighted: bool = False
    derivatives: dict[str, list[float]] | None = None
    coefficients: dict[str, list[float]] | None = None
    """The Taylor coefficients f^(k)/k!, beside ``derivatives`` (as Taylor mode makes them)."""
    hessian: tuple[list[str], np.ndarray] | None = None
    method: str | None = None
    formulas: Formulas | None = None
    """With --symbolic: the same derivatives as formulas, checked against these numbers."""


class Formulas(Record):
    """``diff`` without a point, or with ``--symbolic``: the value and its derivatives as
    formulas in gradcli's syntax (``gradcli eval`` reads them back), and in LaTeX."""

    expression: str
    value: str
    wrt: list[str]
    gradient: dict[str, str]
    derivatives: dict[str, list[str]] | None
    """Orders 1..N by each variable (``--order N``)."""
    hessian: list[list[str]] | None
    latex: dict[str, Any]
    """The same keys (value, gradient, derivatives, hessian) in LaTeX."""
    warnings: list[Any]


class Term(Record):
    """One term of a Taylor polynomial: ``coefficient·Π (name - a)^power``."""

    powers: dict[str, int]
    coefficient: float
    exact: str | None
    """With --exact: the coefficient in gradcli's syntax (``-1/6``, ``sqrt(2)/2``)."""
    exact_latex: str | None


class TaylorPolynomial(Record):
    """``taylor``: the polynomial of total degree ``order`` about ``at``, its nonzero terms
    by total degree then lexicographically, and the same polynomial in gradcli's syntax."""

    expression: str
    at: dict[str, Any]
    """Each variable's value, a float; with --exact, its text as given (``pi/6``)."""
    order: int
    names: list[str]
    terms: list[Term]
    polynomial: str
    latex: str
    warnings: list[Any]


class Iterate(Record):
    """One row of ``--trace``: the point after ``iteration`` steps (row 0 is the start),
    f there (for ``solve``, |f|), the gradient's norm, and how far the step moved."""

    iteration: int
    point: Any
    """Each variable's value, by name (``critical`` gives the bare vector)."""
    value: float
    gradient_norm: float | None
    step: float | None


class Optimum(Record):
    """``minimize``/``maximize``: where the method stopped and why.

    ``stop`` is "gradient" (|gradient| <= tolerance: converged), "steps" (the step limit),
    "diverged" (the point or value left every scale: unbounded), "stalled" (no step
    lowers f and the gradient is not small), "singular" (newton: the Hessian) or
    "not_optimum" (the gradient vanished at a point of another ``kind``)."""

    expression: str
    goal: str  # "minimum" or "maximum"
    method: str  # the one that ran (auto resolves to trust or lbfgs)
    start: dict[str, Any]
    constants: dict[str, Any]
    point: dict[str, Any]
    value: float
    gradient: dict[str, Any]
    gradient_norm: float
    iterations: int
    evaluations: int
    stop: str
    kind: str | None
    """What the point is where the gradient vanished (its Hessian says): the goal, or
    "saddle", "inflection", the other extremum ("not_optimum"), or "degenerate"; None when
    it did not converge or is too large for a Hessian."""
    tolerance: float
    bounds: dict[str, tuple[float, float]]
    at_bounds: list[str]
    """The variables (entries: ``w[1]``) the answer has on a bound of ``--over``, where the
    gradient need not vanish: L-BFGS-B converges when the projected gradient does."""
    trace: list[Iterate] | None
    warnings: list[Any]

    @property
    def converged(self) -> bool:
        return self.stop == "gradient"


class Root(Record):
    """``solve``: the root Newton's method reached, the value there, and why it stopped:
    "exact" (f is 0), "rounding" (the next step is below float64's rounding), "steps",
    "singular", "stalled" (a local minimum of |f| that is not 0) or "diverged"."""

    expression: str
    start: dict[str, Any]
    constants: dict[str, Any]
    point: dict[str, Any]
    residual: Any
    residual_norm: float
    iterations: int
    evaluations: int
    stop: str
    trace: list[Iterate] | None
    warnings: list[Any]

    @property
    def converged(self) -> bool:
        return self.stop in ("exact", "rounding")


class CriticalPoint(Record):
    """A point ``critical`` lists: where ∇f = 0 ("stationary"), where f has no derivative
    ("kink", one variable), or an end of the interval ("end", one variable).

    ``kind``: "minimum", "maximum", "saddle", "degenerate" (a zero eigenvalue: the
    Hessian cannot tell), "inflection" (one variable: the first derivative that is not 0
    is of odd order), or "neither" (a kink or end that is no local extremum)."""

    where: str
    point: dict[str, float]
    value: float
    kind: str
    eigenvalues: list[float] | None = None
    order: int | None = None
    """One variable, a degenerate stationary point: the order of the first derivative that
    is not 0, which decided ``kind``."""


class Critical(Record):
    """``critical``: the points of f in a box (``over``: name -> (low, high)); in one
    variable on its closed interval, the global extremes among them (``lowest``,
    ``highest``: every point that reaches each)."""

    expression: str
    over: dict[str, tuple[float, float]]
    constants: dict[str, Any]
    points: list[CriticalPoint]
    lowest: list[CriticalPoint] | None
    highest: list[CriticalPoint] | None
    starts: int
    warnings: list[Any]


@dataclass
class Limit:
    expression: str
    at: dict[str, np.ndarray]
    wrt: str
    derivative_order: int
    exact: float
    sweeps: dict[str, Any]
    warnings: list[Any] = field(default_factory=list)


@dataclass
class Functions:
    """``gradcli functions``: the registry's entries (``gradcli.registry.OpInfo``) to list."""

    entries: list[Any]


# --- gradcli check ------------------------------------------------------------------------

AGREE, DISAGREE, NOT_SMOOTH = "agree", "DISAGREE", "not smooth"
"""A check row's verdicts."""


class CheckRow(NamedTuple):
    """One derivative at one point: the exact value beside the numerical estimate.

    ``input`` names the element (``x``, ``v[1]``; ``w,x`` for a mixed second
    derivative); ``method`` is how the exact value was computed (``reverse``,
    ``taylor``), ``scheme`` how the numerical one was (``complex``, ``richardson``).
    ``verdict`` is ``agree``, ``DISAGREE`` or ``not smooth`` (then ``reason`` says why).
    """

    point: int
    input: str
    order: int
    method: str
    exact: float
    numerical: float
    scheme: str
    abs_error: float
    rel_error: float | None
    tolerance: float
    verdict: str
    reason: str = ""


@dataclass
class Check:
    """``gradcli check``: every derivative of ``expression`` at every point, checked."""

    expression: str
    wrt: list[str]
    order: int
    points: list[dict[str, np.ndarray]]
    rows: list[CheckRow]
    operations: list[str] = field(default_factory=list)
    """The operations the expression uses (by name), the suspects when a check fails."""
    weights: np.ndarray | None = None
    """The fixed random weights that reduce a non-scalar value to one number."""
    warnings: list[Any] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(row.verdict != DISAGREE for row in self.rows)


@dataclass
class BuiltinsCheck:
    """``gradcli check --builtins``: one :class:`Check` per sample of every operation."""

    order: int
    checks: dict[str, list[Check]]
    unchecked: list[str] = field(default_factory=list)
    """Operations without derivatives (comparisons, creation), which are not checked."""
    warnings: list[Any] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for checks in self.checks.values() for check in checks)


# --- gradcli plot and limit --plot ----------------------------------------------------------


class Curve(NamedTuple):
    label: str  # f, f', f'', f''', f⁽⁴⁾, ...
    order: int
    values: np.ndarray  # one per sample, as computed (NaN and infinities kept)


@dataclass
class Sampled:
    """f and its derivatives on a grid, and the y range that shows them."""

    expression: str
    variable: str
    at: dict[str, np.ndarray]
    x: np.ndarray
    curves: list[Curve]
    ylim: tuple[float, float] | None  # None: no finite value at all
    clipped: bool
    warnings: list[Any] = field(default_factory=list)

    def shown(self, curve: Curve) -> np.ndarray:
        """The curve as drawn: NaN (a gap) where it is not finite or lies outside ``ylim``."""
        return visible(curve.values, self.ylim)


def visible(values: np.ndarray, ylim: tuple[float, float] | None) -> np.ndarray:
    """``values`` with NaN (a gap) where they are not finite or lie outside ``ylim``."""
    shown = np.where(np.isfinite(values), values, np.nan)
    if ylim is not None:
        with np.errstate(invalid="ignore"):
            shown[(shown < ylim[0]) | (shown > ylim[1])] = np.nan
    return shown


class ErrorSweep(NamedTuple):
    """One scheme's |estimate - exact| against h, with what the theory says of it."""

    scheme: str
    h: np.ndarray
    error: np.ndarray  # as the Limit's rows have it (0, NaN kept)
    expected_order: int | None  # the slope truncation error should have
    observed_order: float | None  # median observed order over the steps above best_h
    best_h: float | None  # the theoretical best step, where truncation meets rounding
    chosen_h: float | None  # the row the sweep marks best (chosen without the exact value)
    reference: tuple[np.ndarray, np.ndarray] | None  # a line C·h^p through the largest step


@dataclass
class ErrorPlot:
    """The V of truncation against rounding: every scheme's error against h, log-log."""

    expression: str
    variable: str
    point: float
    derivative_order: int
    exact: float
    sweeps: list[ErrorSweep]
    floor: float  # ε·|exact|: where rounding alone puts the error of a perfect scheme
    warnings: list[Any] = field(default_factory=list)

    def shown(self, sweep: ErrorSweep) -> np.ndarray:
        """The errors as drawn on a log axis: an error of exactly 0 (the estimate rounds to
        the exact value) sits on ``floor / 2``, and NaN or infinity is a gap."""
        error = np.where(np.isfinite(sweep.error), sweep.error, np.nan)
        return np.where(error == 0, self.floor / 2, error)


# --- minimize, maximize, solve and critical --plot -----------------------------------------


class Level(Record):
    """One contour of a two-variable plot, as polylines of (x, y) points (each an (n, 2)
    array; a closed one ends where it starts): where f equals ``level``, or for a system
    where its component ``component`` (1, 2) is 0."""

    level: float
    lines: list[np.ndarray]
    component: int = 0


class PathCurve(Record):
    """``--plot`` of one variable: f over a range (``curve``, sampled by ``gradcli plot``'s
    own sampler), the iterates in order on it (``iterates``, rows of x and f(x); the last
    is where the method stopped), the line drawn through them (``line``: solve's goes
    from each iterate along the Newton step down to y = 0 and up to the next), and
    ``critical``'s points and its extremes on the interval (``lowest``, ``highest``).
    ``goal``: "minimum", "maximum", "root" or "critical"."""

    goal: str
    expression: str
    constants: dict[str, Any]
    curve: Sampled
    iterates: np.ndarray | None
    line: np.ndarray | None
    points: list[CriticalPoint]
    lowest: list[CriticalPoint] | None
    highest: list[CriticalPoint] | None
    method: str | None
    iterations: int | None
    converged: bool | None
    warnings: list[Any]


class PathContours(Record):
    """``--plot`` of two variables: f on a grid (``values[i, j]`` at ``x[j]``, ``y[i]``; a
    system's components stacked first) and its contours, the iterates in order
    (``iterates``, rows of x and y; the last is where the method stopped), and
    ``critical``'s points. A system (``goal`` "root") has the zero curves of its two
    components for contours."""

    goal: str
    expression: str
    names: tuple[str, str]
    constants: dict[str, Any]
    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    levels: list[Level]
    iterates: np.ndarray | None
    points: list[CriticalPoint]
    method: str | None
    iterations: int | None
    converged: bool | None
    warnings: list[Any]


# --- gradcli graph ---------------------------------------------------------------------------


@dataclass
class Vertex:
    """One node of the graph: an operation (``v1``, ``v2``, ...) or a leaf (its name)."""

    index: int
    """Its place in :attr:`Graph.vertices`: leaves first, then operations as recorded."""
    label: str
    op: str
    """PyTorch's name of the node: ``MulBackward0``; ``AccumulateGrad`` for a leaf."""
    leaf: bool
    inputs: tuple[int | None, ...] = ()
    """Per argument of the operation, the vertex its gradient flows to (None: a constant)."""
    shape: tuple[int, ...] | None = None
    value: np.ndarray | None = None
    """The forward value, None where the graph kept no tensor of it."""
    adjoint: np.ndarray | None = None
    """d(output)/d(this value) (a leaf's gradient), None where no gradient reached it."""
    origin: tuple[Any, int] | None = None
    """(expression, step) that recorded it, when an expression did."""
    uses: int = 0
    """How many arguments of other operations it is: more than one is a shared value."""
    plain: set[int] = field(default_factory=set)
    """The arguments that are not tensors (an exponent, ``dim=``): never part of the graph."""


class Fold(NamedTuple):
    """``repeats`` consecutive copies of the same ``period`` operations (in recorded order)
    starting at vertex ``first``: a loop's iterations, or a long chain of one operation."""

    first: int
    period: int
    repeats: int

    @property
    def hidden(self) -> range:
        """The vertices --collapse folds away: all but the first and the last copy."""
        return range(self.first + self.period, self.first + (self.repeats - 1) * self.period)


@dataclass
class Graph:
    """The DAG behind one output: vertices (leaves, then operations in the order
    recorded) with values and adjoints, from one forward and one backward pass.

    Plain data: ``gradcli.graph(tensor)`` wraps it in a view that prints and
    exports it (:class:`gradcli.graphview.GraphView`).
    """

    vertices: list[Vertex]
    output: int
    weights: str
    """What the backward pass started from: ``1`` (a one-number output), ``ones``
    (ones of the output's shape, a non-scalar output), or ``given`` (weights passed in)."""
    source: str | None = None
    folds: list[Fold] = field(default_factory=list)
    """Repeated structure among the operations (a loop's iterations), for --collapse."""

    @property
    def leaves(self) -> list[Vertex]:
        return [v for v in self.vertices if v.leaf]

    @property
    def operations(self) -> list[Vertex]:
        return [v for v in self.vertices if not v.leaf]

    def text(self, index: int) -> str | None:
        """The source text of the step that recorded vertex ``index`` (None: no source)."""
        origin = self.vertices[index].origin
        return None if origin is None or self.span(index) is None else origin[0].text(origin[1])

    def span(self, index: int) -> tuple[int, int] | None:
        """Where that text is in its source: 0-based start and end offsets."""
        origin = self.vertices[index].origin
        return None if origin is None else origin[0].span(origin[1])

    def column(self, index: int) -> int | None:
        """The 1-based column a caret for that step points at (a binary operator's symbol)."""
        origin = self.vertices[index].origin
        return None if origin is None else origin[0].column(origin[1])


# --- notes: what the user should know beside a result (gradcli.render.notes words them) ---


class Note(Record):
    """A warning or remark beside a result, for the renderers to word."""


class NotFiniteValue(Note):
    kind: str  # "NaN" or "infinite"
    where: str  # the step it first appears at, as the machine's trace names it


class AtKink(Note):
    reason: str  # Taylor mode's account of the kink or jump


class NotFiniteDerivative(Note):
    what: str  # "gradient", "Jacobian", "Hessian" or "derivatives"
    name: str | None = None


class Step(Record):
    """A value of ``diff --steps``'s forward trace: ``v3 = v1*v2``."""

    name: str
    formula: str
    value: float


class Partial(Record):
    """A local partial ∂``of``/∂``by``, its formula and number."""

    of: str
    by: str
    formula: str
    value: float


class Adjoint(Record):
    """d(output)/d(``of``), summed over the values that use it (``users``):
    Σ adjoint(user)·∂user/∂of; the output's own is 1, with no users."""

    of: str
    users: list[str]
    value: float


class Steps(Record):
    """``diff --steps``: the forward trace, the local partials, the backward pass."""

    expression: str
    at: dict[str, Any]
    wrt: list[str]
    forward: list[Step]
    partials: list[Partial]
    backward: list[Adjoint]
    gradient: dict[str, float]


class Unconfirmed(Note):
    """``minimize``/``maximize``: the Hessian is singular where the gradient vanished, so
    the second-order test cannot confirm the ``goal`` (Powell's function has such a
    minimum; x**3*y**2 has such a saddle)."""

    goal: str


class StepLimit(Note):
    """``minimize``/``maximize`` stopped at the step limit before the gradient was small."""

    steps: int
    gradient_norm: float
    tolerance: float


class FlatRegion(Note):
    """``critical``: f is flat (∇f and the Hessian exactly 0) at ``count`` of the starts,
    between ``low`` and ``high``: every point there is critical, so none is listed."""

    count: int
    low: dict[str, float]
    high: dict[str, float]
    values: tuple[float, float]


class Discontinuous(Note):
    """``critical``, one variable: f jumps between ``at`` and ``to`` (a pole, a step), or is
    not finite at ``at`` (``to`` None), so no global extreme is named on the interval."""

    name: str
    at: float
    to: float | None


class TooManyPoints(Note):
    """``critical``: more distinct points than it lists."""

    found: int
    shown: int


class NotSimplified(Note):
    """A derivative too large to simplify in good time, given as differentiated."""

    operations: int
    limit: int


class TaylorFallback(Note):
    """--order: Taylor mode could not answer, so nested reverse mode did."""

    reason: str  # Taylor mode's words
    kink: bool = False
    names: tuple[str, ...] = ()  # the variables whose series does not exist (reason "")


class NotSmooth(Note):
    """limit: why the estimates need not approach the exact derivative."""

    cause: str  # "kink", "0/0", "overflow" or "not finite"
    name: str
    x: float
    reason: str = ""  # a kink's account
    near: float | None = None  # a point nearby for 0/0


class ComplexSkipped(Note):
    blocked: str  # the operations that are not analytic


class ExactNotFinite(Note):
    exact: float


class ValueNotFiniteAtPoint(Note):
    value: float


class StepUnderflow(Note):
    scheme: str
    rows: int


class EstimatesNotFinite(Note):
    scheme: str
    rows: int


class CurveGap(Note):
    label: str
    name: str
    count: int
    low: float
    high: float


class AxisClipped(Note):
    low: float
    high: float
    extremes: tuple[tuple[str, float, str, float], ...]  # (curve, value, variable, where)


class ExactEstimates(Note):
    count: int
    floor: float


class TaylorNotCompared(Note):
    reason: str


class SampleNotChecked(Note):
    source: str
    reason: str


class SampleNote(Note):
    source: str
    note: Any


class NoSamplesChecked(Note):
    name: str


class BadRows(Note):
    count: int
    done: str  # "skip" or "null"
    lines: tuple[int, ...]  # the lines of the first five
    first: str  # the first bad row's message


class NoRows(Note):
    """The points had no rows."""

    __annotations__ = {}  # no fields


class NotFiniteRows(Note):
    count: int
    first_line: int | None


class UnusedSeed(Note):
    seed: int
