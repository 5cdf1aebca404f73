"""How reverse mode reaches the gradient, step by step: ``diff --steps``.

The textbook table: the forward trace (each intermediate vₖ as a formula of the
inputs and earlier v's, with its value), each local partial ∂vⱼ/∂vᵢ as a formula
and a number, then the backward pass, v̄ᵢ = Σⱼ v̄ⱼ·∂vⱼ/∂vᵢ, down to the
inputs' gradients.

The compiled expression runs twice, calling the same operations in the same
order: once on the engine's tensors, recording the graph, which gives every vₖ's
value and adjoint; once on SymPy's symbols, each operation's result named vₖ,
which gives its formula and local partials. Each adjoint the table sums from the
partials is checked against the engine's before it is shown: the two come from
one graph, so a difference is a bug of gradcli's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from gradcli.autograd import creation, engine
from gradcli.autograd.tensor import Tensor
from gradcli.compute import symbolic
from gradcli.compute.bindings import Binding
from gradcli.compute.differentiate import choose_wrt
from gradcli.compute.evaluation import point_of, tensors_of
from gradcli.compute.results import Adjoint, Partial, Step, Steps
from gradcli.errors import FormulaMismatch, UsageError, option
from gradcli.language import Algebra, Expression
from gradcli.language.values import recording

MAX_STEPS = 200
"""The most intermediate values a table of steps shows: the textbook's size, well past it."""


def steps(expression: Expression, bound: Sequence[Binding], wrt: Sequence[str] | None) -> Steps:
    """The forward trace, the local partials and the backward pass at the bound point."""
    names = choose_wrt(expression, bound, wrt)
    for b in bound:
        if b.name in names and np.ndim(b.value):
            raise UsageError(
                f"{option('steps')} follows single numbers, and {b.name} has shape "
                f"{np.shape(b.value)}; `gradcli graph` shows the graph of arrays"
            )
    with creation.same_draws():
        tensors = tensors_of(bound, names)
        results: list[Any] = []
        output = expression.evaluate(tensors, recording(Algebra(), results))
        rows: list[tuple[sp.Symbol, Any, int]] = []
        symbols = _symbols(expression, bound, names)
        formula = expression.evaluate(
            symbols, _naming(symbolic.sympy_algebra(point_of(bound)), rows)
        )
    if not isinstance(output, Tensor) or output.numel() != 1:
        raise UsageError(f"{option('steps')} follows a single-number value; reduce it first")
    if len(rows) > MAX_STEPS:
        raise UsageError(
            f"{option('steps')}: {len(rows):,} intermediate values, more than the {MAX_STEPS} "
            "a table of steps shows; `gradcli graph --view trace` shows large graphs"
        )
    values = {symbols[n]: float(tensors[n].numpy()) for n in names}
    recorded: dict[sp.Symbol, Tensor] = {}
    for symbol, _, call in rows:
        result = results[call]
        if not isinstance(result, Tensor) or result.numel() != 1:
            raise UsageError(f"{option('steps')} follows single numbers; this program has arrays")
        values[symbol] = float(result.numpy())
        recorded[symbol] = result
    leaves = [symbols[n] for n in names]
    adjoints = _engine_adjoints(output, leaves, tensors, names, recorded)
    forward = [Step(str(s), symbolic.text(f), values[s]) for s, f, _ in rows]
    partials, backward = _backward(rows, leaves, values, adjoints, formula)
    return Steps(
        expression=expression.source,
        at=point_of(bound),
        wrt=list(names),
        forward=forward,
        partials=partials,
        backward=backward,
        gradient={n: adjoints[symbols[n]] for n in names},
    )


def _symbols(expression: Expression, bound: Sequence[Binding], names: Sequence[str]) -> dict:
    """The variables differentiated by as symbols; the others are their numbers."""
    symbols = symbolic.symbols_of(expression)
    for b in bound:
        if b.name in symbols and b.name not in names:
            symbols[b.name] = symbolic.constant(b.value)
    return symbols


def _naming(algebra: Algebra, rows: list[tuple[sp.Symbol, Any, int]]) -> Algebra:
    """The SymPy algebra, each result that depends on a variable named v1, v2, ...: the
    row keeps its formula in the names before it, and the number of the call."""
    calls: list[Any] = []
    inner = recording(algebra, calls)

    def named(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            if isinstance(result, np.ndarray):
                raise UsageError(
                    f"{option('steps')} follows single numbers; this expression has arrays "
                    "(`gradcli graph --view trace` shows their graph)"
                )
            if isinstance(result, sp.Basic) and result.free_symbols:
                symbol = sp.Symbol(f"v{len(rows) + 1}", real=True)
                rows.append((symbol, result, len(calls) - 1))
                return symbol
            return result

        return run

    functions = {
        name: dataclasses.replace(info, function=named(info.function))
        for name, info in inner.functions.items()
    }
    return dataclasses.replace(inner, functions=functions, stack=named(inner.stack))


def _engine_adjoints(
    output: Tensor,
    leaves: list[sp.Symbol],
    tensors: dict[str, Tensor],
    names: Sequence[str],
    recorded: dict[sp.Symbol, Tensor],
) -> dict[sp.Symbol, float]:
    """d(output)/d(v) for every v and input, from one backward pass of the engine; 0 for
    a value the graph does not differentiate (a comparison's)."""
    pairs = [(s, tensors[n]) for s, n in zip(leaves, names)] + list(recorded.items())
    live = [(s, t) for s, t in pairs if t.requires_grad]
    grads = engine.grad(output, [t for _, t in live], allow_unused=True, retain_graph=True)
    adjoints = dict.fromkeys((s for s, _ in pairs), 0.0)
    adjoints.update((s, 0.0 if g is None else float(g.numpy())) for (s, _), g in zip(live, grads))
    return adjoints


def _backward(
    rows: list[tuple[sp.Symbol, Any, int]],
    leaves: list[sp.Symbol],
    values: dict[sp.Symbol, float],
    adjoints: dict[sp.Symbol, float],
    formula: Any,
) -> tuple[list[Partial], list[Adjoint]]:
    """The local partials, and the adjoints summed from them in reverse order (each
    checked against the engine's)."""
    partials: list[Partial] = []
    uses: dict[sp.Symbol, list[tuple[sp.Symbol, float]]] = {}
    for symbol, f, _ in rows:
        for by in sorted(f.free_symbols, key=str):
            d = sp.diff(f, by)
            number = float(d.subs(values))
            partials.append(Partial(str(symbol), str(by), symbolic.text(d), number))
            uses.setdefault(by, []).append((symbol, number))
    backward: list[Adjoint] = []
    summed: dict[sp.Symbol, float] = {}
    for symbol in [*(s for s, _, _ in reversed(rows)), *leaves]:
        terms = uses.get(symbol, [])
        if symbol == formula:
            total = 1.0  # the output
        else:
            total = float(sum(summed.get(user, 0.0) * partial for user, partial in terms))
        summed[symbol] = total
        backward.append(Adjoint(str(symbol), [str(user) for user, _ in terms], total))
        if not symbolic.agrees(total, adjoints.get(symbol, 1.0 if symbol == formula else 0.0)):
            raise FormulaMismatch(
                f"the adjoint of {symbol} sums to {total!r} from the local partials, and the "
                f"engine's backward pass gives {adjoints[symbol]!r}; this is a bug in gradcli: "
                "please report it with the command"
            )
    return partials, backward
