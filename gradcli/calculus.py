"""What the commands compute: values, gradients, Jacobians, higher derivatives, Hessians.

Each command calls one function here. Results are plain data (numpy arrays
and lists) for ``gradcli.render``; nothing here prints or knows about options.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcli.autograd import creation, engine
from gradcli.autograd.function import no_grad
from gradcli.autograd.table import ALIASES, OPS
from gradcli.autograd.tensor import Tensor, _wrap
from gradcli.errors import ExpressionError, LimitError, ShapeError, UsageError
from gradcli.language import (
    CONSTANTS,
    STRUCTURAL,
    Scope,
    UnboundNameError,
    evaluate,
    parse,
    postorder,
    variable_names,
)

MAX_JACOBIAN_ROWS = 10_000
"""Backward passes a Jacobian may take; beyond it, ask for a vector-Jacobian product."""

MAX_JACOBIAN_ENTRIES = 10**6
"""Numbers a Jacobian may hold (rows times the wrt variables' elements): 8 MB as an
array, about 20 MB and 1 s as JSON."""

MAX_HESSIAN_SIZE = 2_000
"""Variables (flattened) a Hessian may span."""

MAX_BACKWARD_WORK = 500_000
"""Graph operations that the backward passes of a Jacobian or Hessian may walk in all
(rows times the graph's size; about 16 µs each, so about 8 s)."""

MAX_SWEEP_WORK = 400_000
"""Operations a ``limit`` sweep may run in all: the expression's operations times the
evaluations its rows take (about 25 µs each on the tree-walking evaluator: 10 s)."""

_EVALUATIONS_PER_ROW = 4
"""At most, for any scheme: central second differences take f(x+h), f(x), f(x-h)."""


@dataclass
class Binding:
    name: str
    source: str
    value: Tensor


@dataclass
class Evaluation:
    expression: str
    at: dict[str, np.ndarray]
    value: np.ndarray
    warnings: list[str] = field(default_factory=list)


@dataclass
class Differentiation(Evaluation):
    wrt: list[str] = field(default_factory=list)
    gradient: dict[str, np.ndarray] | None = None
    jacobian: dict[str, np.ndarray] | None = None
    weighted: bool = False
    derivatives: dict[str, list[float]] | None = None
    hessian: tuple[list[str], np.ndarray] | None = None
    method: str | None = None


# --- binding variables ------------------------------------------------------------


def parse_binding(text: str, seen: Sequence[str] = ()) -> tuple[str, str]:
    """Split ``NAME=VALUE`` and check the name can be a variable."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not value.strip():
        raise UsageError(f'--at {text!r}: write NAME=VALUE, e.g. --at x=1 or --at "v=[1,2,3]"')
    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise UsageError(
            f"--at {text!r}: {name!r} is not a variable name (letters, digits and _, "
            "starting with a letter or _)"
        )
    if name in OPS or name in ALIASES:
        raise UsageError(f"--at {text!r}: {name!r} is a function; choose another variable name")
    if name in seen:
        raise UsageError(f"--at {text!r}: {name!r} is bound twice")
    if re.search(r",\s*[A-Za-z_]\w*\s*=", value):
        raise UsageError(f"--at {text!r}: give one --at per variable, e.g. --at x=1 --at y=2")
    return name, value.strip()


def bind(bindings: Sequence[str], seed: int | None = None) -> list[Binding]:
    """Evaluate each ``NAME=VALUE``; VALUE is a constant expression (``2*pi``, ``randn(3)``)."""
    if seed is not None:
        if seed < 0:
            raise UsageError(f"--seed {seed}: the seed must be a whole number >= 0")
        creation.manual_seed(seed)
    bound: list[Binding] = []
    for text in bindings:
        name, source = parse_binding(text, [b.name for b in bound])
        try:
            value = constant(source, f"--at {name}=...")
        except UnboundNameError as error:
            if error.name in [b.name for b in bound] or any(
                t.partition("=")[0].strip() == error.name for t in bindings
            ):
                raise UsageError(
                    f"--at {name}={source}: a value cannot refer to another variable "
                    f"({error.name}); give {name} a number or a constant expression"
                ) from None
            raise
        bound.append(Binding(name, source, _wrap(np.asarray(value._data, dtype=np.float64))))
    return bound


def constant(source: str, what: str) -> Tensor:
    """A constant expression given in an option, such as ``--weights``."""
    try:
        with no_grad():
            return evaluate(parse(source), Scope(source=source))
    except ExpressionError as error:
        error.message = f"in {what}: {error.message}"
        error.args = (error.message,)
        raise


# --- evaluation ---------------------------------------------------------------------


def _scope(expression: str, bound: Sequence[Binding], wrt: Sequence[str]) -> Scope:
    variables = {}
    for b in bound:
        variables[b.name] = Tensor(b.value._data, requires_grad=b.name in wrt)
    return Scope(variables=variables, source=expression)


def _nonfinite_warnings(tree: Any, scope: Scope, value: Tensor) -> list[str]:
    """Say where NaN or infinity first came from, by re-running with a trace."""
    if np.all(np.isfinite(value._data)):
        return []
    origins: list[str] = []
    with no_grad():
        evaluate(tree, scope, trace=origins)
    kind = "NaN" if np.any(np.isnan(value._data)) else "infinite"
    where = origins[0] if origins else "the expression"
    return [f"the value is {kind}: it first appears at {where}"]


def evaluate_expression(expression: str, bound: Sequence[Binding]) -> Evaluation:
    """The forward pass only."""
    with creation.same_draws():
        return _evaluate_expression(expression, bound)


def _evaluate_expression(expression: str, bound: Sequence[Binding]) -> Evaluation:
    tree = parse(expression)
    scope = _scope(expression, bound, ())
    with no_grad():
        value = evaluate(tree, scope)
    return Evaluation(
        expression=expression,
        at=_point(bound),
        value=_plain(value),
        warnings=_nonfinite_warnings(tree, scope, value),
    )


def _point(bound: Sequence[Binding]) -> dict[str, np.ndarray]:
    return {b.name: np.asarray(b.value._data) for b in bound}


def _plain(value: Tensor) -> np.ndarray:
    return np.asarray(value._data, dtype=np.float64)


def _choose_wrt(
    expression: str, tree: Any, bound: Sequence[Binding], wrt: Sequence[str] | None
) -> list[str]:
    names = [b.name for b in bound]
    if wrt:
        for name in wrt:
            if not name.isidentifier():
                raise UsageError(
                    f"--wrt {name!r} is not a variable name; separate names with commas: --wrt x,y"
                )
            if name not in names:
                raise UsageError(f"--wrt {name}: no such variable; bind it with --at {name}=VALUE")
        return list(dict.fromkeys(wrt))
    used = set(variable_names(tree)) - (set(CONSTANTS) - set(names))
    chosen = [name for name in names if name in used]
    if not chosen:
        # Evaluating first reports what is really wrong (an unbound name, a bad
        # call) with its caret; only an expression that works has nothing to vary.
        with no_grad():
            evaluate(tree, _scope(expression, bound, ()))
        raise UsageError(
            "the expression uses none of the --at variables, so there is nothing to "
            "differentiate; bind the variables it uses with --at NAME=VALUE"
        )
    return chosen


def differentiate(
    expression: str,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None = None,
    weights: Tensor | None = None,
    order: int | None = None,
    hessian: bool = False,
    method: str = "auto",
) -> Differentiation:
    """Value and derivatives of ``expression`` at the bound point.

    Random draws in the expression are the same in every evaluation it takes.
    """
    with creation.same_draws():
        return _differentiate(expression, bound, wrt, weights, order, hessian, method)


def _differentiate(
    expression: str,
    bound: Sequence[Binding],
    wrt: Sequence[str] | None,
    weights: Tensor | None,
    order: int | None,
    hessian: bool,
    method: str,
) -> Differentiation:
    tree = parse(expression)
    names = _choose_wrt(expression, tree, bound, wrt)
    scope = _scope(expression, bound, names)
    inputs = [scope.variables[name] for name in names]
    value = evaluate(tree, scope)
    result = Differentiation(
        expression=expression,
        at=_point(bound),
        value=_plain(value),
        warnings=_nonfinite_warnings(tree, scope, value),
        wrt=names,
    )
    if weights is not None:
        result.gradient = _vjp(value, inputs, names, weights)
        result.weighted = True
    elif value.numel() == 1:
        result.gradient = _vjp(value, inputs, names, None, retain_graph=hessian)
    else:
        result.jacobian = _jacobian(value, inputs, names)
    if order is not None:
        from gradcli.higher import pure_derivatives

        result.derivatives, result.method = pure_derivatives(
            tree, scope, names, order, method, value, result.warnings
        )
    elif hessian:
        result.hessian = _hessian(value, inputs, names)
    _gradient_warnings(result)
    return result


def _grads(
    output: Tensor, inputs: list[Tensor], weight: Tensor | None, **options: Any
) -> list[np.ndarray]:
    """d(output)/d(inputs) as arrays; zeros where an input is not used."""
    if not output.requires_grad:
        return [np.zeros(t.shape) for t in inputs]
    grads = engine.grad(output, inputs, weight, allow_unused=True, **options)
    return [np.zeros(t.shape) if g is None else _plain(g) for g, t in zip(grads, inputs)]


def _vjp(
    value: Tensor,
    inputs: list[Tensor],
    names: list[str],
    weights: Tensor | None,
    **options: Any,
) -> dict[str, np.ndarray]:
    if weights is not None and weights.shape != value.shape:
        raise ShapeError(
            f"--weights has shape {tuple(weights.shape)} but the expression's value has "
            f"shape {tuple(value.shape)}; give weights of the value's shape"
        )
    if weights is None:
        weights = _wrap(np.ones_like(value._data))
    return dict(zip(names, _grads(value, inputs, weights, **options)))


def _jacobian(value: Tensor, inputs: list[Tensor], names: list[str]) -> dict[str, np.ndarray]:
    rows = value.numel()
    if rows > MAX_JACOBIAN_ROWS:
        raise LimitError(
            f"the value has {rows:,} elements, so its Jacobian needs {rows:,} backward passes "
            f"(the limit is {MAX_JACOBIAN_ROWS:,}); pass --weights W for a vector-Jacobian product"
        )
    entries = rows * sum(t.numel() for t in inputs)
    if entries > MAX_JACOBIAN_ENTRIES:
        raise LimitError(
            f"the Jacobian would hold {entries:,} numbers ({rows:,} value elements times "
            f"{entries // rows:,} variable elements; the limit is {MAX_JACOBIAN_ENTRIES:,}); pass "
            "--weights W for a vector-Jacobian product, or differentiate a part of the value"
        )
    _check_backward_work(
        "the Jacobian", rows, value, "pass --weights W for one vector-Jacobian product instead"
    )
    flat = value.reshape((-1,))
    per_row = [_grads(flat[i], inputs, None, retain_graph=True) for i in range(rows)]
    return {
        name: np.array([row[k] for row in per_row]).reshape(value.shape + inputs[k].shape)
        for k, name in enumerate(names)
    }


def entry_labels(name: str, shape: tuple[int, ...]) -> list[str]:
    """``x`` for a scalar, ``w[0,1]`` ... for the entries of an array, row-major."""
    if not shape:
        return [name]
    return [f"{name}[{','.join(map(str, index))}]" for index in np.ndindex(shape)]


def _hessian(value: Tensor, inputs: list[Tensor], names: list[str]) -> tuple[list[str], np.ndarray]:
    if value.numel() != 1:
        raise UsageError(
            f"--hessian needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    size = sum(t.numel() for t in inputs)
    if size > MAX_HESSIAN_SIZE:
        raise LimitError(
            f"a Hessian over {size:,} variables is above the limit of {MAX_HESSIAN_SIZE:,}"
        )
    labels = [label for name, t in zip(names, inputs) for label in entry_labels(name, t.shape)]
    matrix = np.zeros((size, size))
    if not value.requires_grad:
        return labels, matrix
    offsets = np.cumsum([0] + [t.numel() for t in inputs])
    firsts = engine.grad(value.reshape(()), inputs, create_graph=True, allow_unused=True)
    for first in firsts:
        if first is not None:
            _check_backward_work(
                "the Hessian", size, first, "differentiate by fewer variables with --wrt"
            )
    for k, first in enumerate(firsts):
        if first is None:  # the value does not depend on this variable: its rows stay 0
            continue
        flat = first.reshape((-1,))
        for i in range(flat.numel()):
            parts = _grads(flat[i], inputs, None, retain_graph=True)
            matrix[offsets[k] + i] = np.concatenate([p.reshape(-1) for p in parts])
    return labels, matrix


# --- finite differences -------------------------------------------------------------


@dataclass
class Limit:
    expression: str
    at: dict[str, np.ndarray]
    wrt: str
    derivative_order: int
    exact: float
    sweeps: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _non_analytic(tree: Any) -> str:
    """The operations in the expression that are not holomorphic (no complex step through
    them), as the user wrote them (``abs``, ``>``), or "" if there are none."""
    found = []
    for node in postorder(tree):
        name = str(node.children[0]) if node.data == "call" else node.data
        info = OPS.get(name)
        if info is not None and not info.analytic:
            # A comparison's signature is "x > y": the user wrote its operator.
            found.append(info.signature.split()[1] if info.category == "comparison" else name)
    names = list(dict.fromkeys(found))
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]} are"
    return f"{names[0]} is" if names else ""


def finite_differences(
    expression: str,
    bound: Sequence[Binding],
    wrt: str | None = None,
    h: float | None = None,
    steps: int | None = None,
    shrink: float | None = None,
    scheme: str = "forward",
    order: int = 1,
) -> Limit:
    """A sweep of finite-difference estimates as h shrinks, beside the exact derivative.

    Random draws in the expression are the same in every evaluation it takes.
    """
    with creation.same_draws():
        return _finite_differences(expression, bound, wrt, h, steps, shrink, scheme, order)


def _finite_differences(
    expression: str,
    bound: Sequence[Binding],
    wrt: str | None,
    h: float | None,
    steps: int | None,
    shrink: float | None,
    scheme: str,
    order: int,
) -> Limit:
    from gradcli import finite

    tree = parse(expression)
    names = _choose_wrt(expression, tree, bound, [wrt] if wrt else None)
    if len(names) != 1:
        raise UsageError(
            f"limit differentiates by one variable; pick one with --wrt ({', '.join(names)})"
        )
    (name,) = names
    scope = _scope(expression, bound, [name])
    point = scope.variables[name]
    if point.numel() != 1 or point.ndim != 0:
        raise UsageError(
            f"limit needs a scalar variable, and {name} has shape {tuple(point.shape)}; "
            "bind a number, or differentiate by a scalar one with --wrt"
        )
    if order not in (1, 2):
        raise UsageError(f"--order {order}: limit supports first (1) and second (2) derivatives")
    schemes = list(finite.SCHEMES) if scheme == "all" else [scheme]
    if "complex" in schemes:
        blocked = _non_analytic(tree)
        if blocked and scheme == "complex":
            raise UsageError(
                f"the complex step needs an analytic expression, and {blocked} not; "
                "use --scheme central or richardson"
            )
        if blocked:
            schemes.remove("complex")
    _check_sweep_work(
        tree, [finite.sweep_parameters(s, order, h, steps, shrink)[1] for s in schemes]
    )
    value = evaluate(tree, scope)
    if value.numel() != 1:
        raise UsageError(
            f"limit needs a scalar value, and this one has shape {tuple(value.shape)}; "
            "reduce it first, e.g. sum(...)"
        )
    value = value.reshape(())
    from gradcli.higher import pure_derivatives

    derivatives, _ = pure_derivatives(tree, scope, [name], order, "nested", value)
    exact = derivatives[name][order - 1]
    others = {k: v for k, v in scope.variables.items() if k != name}

    def f(t: complex | float) -> Any:
        variables = dict(others, **{name: _wrap(np.asarray(t))})
        with no_grad():
            return evaluate(tree, Scope(variables=variables, source=expression))._data

    sweeps = finite.sweep_all(
        f,
        float(point.item()),
        exact=exact,
        h=h,
        steps=steps,
        shrink=shrink,
        order=order,
        schemes=schemes,
    )
    kink = _not_smooth(tree, scope, name, order)
    if kink:
        # No row is the best estimate of a derivative that does not exist.
        sweeps = {
            key: dataclasses.replace(
                sweep,
                best=None,
                note=f"{sweep.note.rstrip('.')}. No row is marked best: see the warning.",
            )
            for key, sweep in sweeps.items()
        }
    result = Limit(expression, _point(bound), name, order, exact, sweeps)
    if kink:
        result.warnings.append(
            f"the function is not smooth at {name} = {float(point.item())!r}: {kink}"
        )
    if scheme == "all" and "complex" not in schemes:
        result.warnings.append(f"the complex step was skipped: {_non_analytic(tree)} not analytic")
    if not math.isfinite(exact):
        result.warnings.append(f"the exact derivative is {exact} at this point")
    result.warnings.extend(_limit_warnings(value, sweeps))
    return result


def _check_backward_work(what: str, rows: int, output: Tensor, advice: str) -> None:
    size = engine.graph_size(output)
    if rows * size > MAX_BACKWARD_WORK:
        raise LimitError(
            f"{what} needs {rows:,} backward passes through a graph of {size:,} operations: "
            f"about {rows * size:,} in all, over the budget of {MAX_BACKWARD_WORK:,}; {advice}"
        )


def _not_smooth(tree: Any, scope: Scope, name: str, order: int) -> str:
    """Why the expression has no Taylor expansion in ``name`` at the point (a kink of abs,
    a jump of a comparison, ...), or "" where it has one."""
    from gradcli.higher import taylor_series_exists

    try:
        if taylor_series_exists(tree, scope, name, order):
            return ""
        return "its derivatives are not finite there, so the estimates cannot converge"
    except ExpressionError as error:
        return (
            f"{error.message}; the schemes estimate one-sided or averaged slopes, and the exact "
            "value follows the engine's convention there (abs'(0) = 0, ties split evenly), "
            "so they need not agree"
        )


def _check_sweep_work(tree: Any, rows: list[int]) -> None:
    operations = sum(1 for n in postorder(tree) if n.data == "call" or n.data not in STRUCTURAL)
    evaluations = _EVALUATIONS_PER_ROW * sum(rows)
    if operations * evaluations > MAX_SWEEP_WORK:
        raise LimitError(
            f"this sweep evaluates the expression up to {evaluations:,} times ({sum(rows):,} rows) "
            f"and each evaluation runs {operations:,} operations: about "
            f"{operations * evaluations:,.0f} in all, over the budget of {MAX_SWEEP_WORK:,}; "
            "ask for fewer --steps or one --scheme"
        )


def _limit_warnings(value: Tensor, sweeps: dict[str, Any]) -> list[str]:
    """Say why NaN or infinity appear in a sweep."""
    notes = []
    if not np.isfinite(value._data):
        notes.append(f"the value at the point is {float(value.item())}")
    for sweep in sweeps.values():
        underflow = [row.h for row in sweep.rows if row.h == 0]
        if underflow:
            notes.append(f"{sweep.scheme}: the step underflowed to 0 in {len(underflow)} rows")
        bad = [row for row in sweep.rows if not math.isfinite(row.estimate)]
        if bad and len(bad) > len(underflow):
            notes.append(
                f"{sweep.scheme}: {len(bad)} estimates are NaN or infinite (f is not finite "
                "at some of the points x ± h)"
            )
    return notes


def _gradient_warnings(result: Differentiation) -> None:
    parts = [
        ("gradient", result.gradient),
        ("Jacobian", result.jacobian),
    ]
    for label, table in parts:
        for name, array in (table or {}).items():
            if not np.all(np.isfinite(array)):
                result.warnings.append(
                    f"the {label} with respect to {name} is not finite (the function may not be "
                    "differentiable there)"
                )
    if result.hessian is not None and not np.all(np.isfinite(result.hessian[1])):
        result.warnings.append("the Hessian is not finite at this point")
    for name, values in (result.derivatives or {}).items():
        if not all(math.isfinite(v) for v in values):
            result.warnings.append(f"some derivatives with respect to {name} are not finite")
