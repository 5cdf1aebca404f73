"""The stack machine: compiled code run on concrete values, define-by-run.

A parse tree is compiled once into a flat list of steps, children before
parents (``compiler``); :func:`run` runs them on a stack, calling the algebra
for every operation (the engine records the graph). No recursion, so 3,000
nested parentheses or a 50,000-term sum are no problem, and control flow jumps
within the list. Here too: the frames of a program's calls, its control steps,
and the budgets that bound its loops, calls and operations.
"""

from __future__ import annotations

import builtins
import collections
from collections.abc import Mapping
from typing import Any, NamedTuple

from gradcli.autograd import creation, shapes
from gradcli.errors import ExpressionError, GradcliError, LimitError, option
from gradcli.language import positions
from gradcli.language.calls import bind_parameters, call, lookup, spelled
from gradcli.language.compiler import CHILD, CONTROL, Code, Function, Instruction
from gradcli.language.parser import SUPERSCRIPTS, UnboundNameError
from gradcli.language.values import (
    Algebra,
    Elements,
    became_nonfinite,
    indexed,
    operand,
    to_value,
    truth,
)

MAX_ITERATIONS = 100_000
"""How many loop iterations and function calls one evaluation of a program may make; it
may run ten times as many operations."""

MAX_DEPTH = 1000
"""How deeply the program's functions may call each other (recursion included)."""


# Steps that only move values about; the others are what budgets count.
_BOOKKEEPING = frozenset({"number", "name", "superscript", "arguments", "keyword", "slice"})


class _Frame(NamedTuple):
    """A call in progress: where to return to, and the caller's names."""

    resume: int
    variables: Any
    function: Function


def run(
    code: Code,
    values: Mapping[str, Any],
    algebra: Algebra,
    source: str = "",
    trace: list[str] | None = None,
    origin: Any = None,
    max_iterations: int = MAX_ITERATIONS,
    tally: list[int] | None = None,
) -> Any:
    """Run compiled steps on a stack, with ``values`` for the variables, in ``algebra``.

    ``source`` is the text compiled, for errors' columns. With ``trace``, each
    operation whose inputs are finite but whose result is not (``log(-1)``,
    ``1/0``, overflow) is appended to it, with its column. With ``origin``, every
    graph node an operation records gets ``origin = (origin, index of the step)``,
    a way back to the source text. Loops and calls together may run
    ``max_iterations`` times. With ``tally``, the number of steps run is
    appended to it.
    """
    creation.rewind()
    # The names are this run's own frame: the program assigns to it without
    # touching the caller's values, and jumps move ``index`` (the program counter).
    variables: Any = dict(values)
    top = variables
    steps = code.steps
    stack: list[Any] = []
    calls: list[_Frame] = []
    iterations = 0
    index = 0
    executed = 0
    count = len(steps)
    while index < count:
        step = steps[index]
        kind, template, arity = step.kind, step.template, step.arity
        if kind == "name" and template[0] in variables:
            stack.append(variables[template[0]])  # the commonest step, kept short
            index += 1
            continue
        if arity == len(template):
            args = stack[-arity:] if arity else []
            del stack[len(stack) - arity :]
        elif arity:
            taken = iter(stack[-arity:])
            del stack[-arity:]
            args = [next(taken) if t is CHILD else t for t in template]
        else:
            args = list(template)
        try:
            if step.kind in CONTROL:
                if step.kind in ("loop", "call_user"):
                    iterations += 1
                    if iterations > max_iterations:
                        raise _over_budget(step, max_iterations)
                if step.kind == "call_user":
                    function = code.functions[str(args[0])]
                    if len(calls) >= MAX_DEPTH:
                        raise LimitError(
                            f"the calls of {function.name} go more than {MAX_DEPTH:,} deep; "
                            "a recursive function needs a case that stops it"
                        )
                    calls.append(_Frame(index + 1, variables, function))
                    local = bind_parameters(function, args[1] or [])
                    variables = collections.ChainMap(local, top)
                    index = function.entry.index
                    continue
                if step.kind == "return":
                    value = args[0]
                    if not calls:
                        if tally is not None:
                            tally.append(executed)
                        return to_value(value, algebra)
                    frame = calls.pop()
                    variables = frame.variables
                    stack.append(value)
                    index = frame.resume
                    continue
                target = _control(step, args, algebra, variables, stack)
                if target is not None:
                    index = target
                    continue
                index += 1
                continue
            value = _compute(step.kind, args, algebra, variables)
            if kind not in _BOOKKEEPING:
                executed += 1
                if executed > 10 * max_iterations:
                    raise _over_budget(step, max_iterations, executed - 1)
            if trace is not None and became_nonfinite(value, args):
                trace.append(f"{positions.describe(step.node)} ({positions.where(source, index)})")
        except UnboundNameError as error:
            local = calls[-1].function.locals if calls else ()
            if error.name in code.assigned or error.name in local:
                raise ExpressionError(
                    f"'{error.name}' is used before it is assigned a value",
                    source=source,
                    column=positions.column(source, index),
                ) from None
            if error.column is None:
                error.column, error.source = positions.column(source, index), source
            raise
        except ExpressionError as error:
            if error.column is None:
                error.column, error.source = positions.column(source, index), source
            raise
        except (
            GradcliError,
            ValueError,
            TypeError,
            IndexError,
            ZeroDivisionError,
            OverflowError,
        ) as error:
            column = positions.column(source, index)
            # The raw message keeps the settings it names, for the caller to spell.
            message = Exception.__str__(error)
            raise ExpressionError(message, source=source, column=column) from None
        except MemoryError:
            raise LimitError(
                "not enough memory to evaluate the expression; use smaller tensors"
            ) from None
        if origin is not None and step.kind != "name":
            node = getattr(value, "grad_fn", None)
            if node is not None:
                node.origin = (origin, index)
        stack.append(value)
        index += 1
    if tally is not None:
        tally.append(executed)
    try:
        return to_value(stack[-1], algebra)
    except ExpressionError as error:
        error.source, error.column = source, positions.column(source, len(steps) - 1)
        raise


def _control(
    step: Instruction, args: list[Any], algebra: Algebra, variables: Any, stack: list[Any]
) -> int | None:
    """A step of a program that is not an operation; the index to jump to, if it jumps."""
    kind = step.kind
    if kind == "store":
        variables[args[0]] = to_value(args[1], algebra)
        return None
    if kind == "jump" or kind == "loop":
        return args[0].index
    if kind == "jump_if_false":
        return None if truth(algebra.settle(args[1]), step.node) else args[0].index
    if kind in ("and_jump", "or_jump"):
        # `a and b` is a when a is false, else b; `a or b` is a when a is true.
        if truth(algebra.settle(stack[-1]), step.node) == (kind == "or_jump"):
            return args[0].index
        stack.pop()
        return None
    if kind == "range":
        numbers = [shapes.whole(algebra.settle(a), "a number of range") for a in args[1]]
        variables[args[0]] = iter(builtins.range(*numbers))
        return None
    if kind == "next":
        counter, name, end = args
        number = next(variables[counter], None)
        if number is None:
            return end.index
        variables[name] = float(number)
        return None
    if kind == "no_return":
        raise ExpressionError(
            f"{args[0]} ended without return: a function gives its value with return EXPRESSION"
        )
    if kind == "no_output":
        raise ExpressionError(
            "the program ended without reaching return on this path: end it with the result"
        )
    raise AssertionError(kind)


def _over_budget(step: Instruction, budget: int, operations: int = 0) -> LimitError:
    if operations:
        return LimitError(
            f"the program ran {operations:,} operations, the budget for one evaluation "
            f"(10 per loop iteration allowed); if it is meant to run longer, raise the budget "
            f"with {option('max_iterations')} N"
        )
    what = {"while_": "while loop", "for_": "for loop"}.get(step.node.data)
    line = step.node.meta.line if not step.node.meta.empty else None
    where = f"the {what}" + (f" on line {line}" if line else "") if what else "the calls"
    return LimitError(
        f"{where} ran {budget:,} times, the budget for loops and calls; if it is meant to "
        f"run longer, raise the budget with {option('max_iterations')} N, or check that it ends"
    )


def _compute(kind: str, args: list[Any], algebra: Algebra, variables: Mapping[str, Any]) -> Any:
    """The value of a step that is not control: an operation, or a value it takes."""
    if kind == "number":
        return float(args[0])
    if kind == "name":
        return lookup(spelled(args[0]), algebra, variables)
    if kind == "superscript":
        return float(str(args[0]).translate(SUPERSCRIPTS))
    if kind == "call":
        return call(str(args[0]), args[1] or [], algebra, variables)
    if kind == "arguments":
        return args
    if kind == "keyword":
        return (str(args[0]), args[1])
    if kind == "array":
        return Elements(
            to_value(a, algebra) if isinstance(a, Elements) else a for a in args if a is not None
        )
    if kind == "slice":
        bounds = (None if a is None else algebra.settle(a) for a in args)
        return slice(*(None if a is None else shapes.whole(a, "a slice bound") for a in bounds))
    if kind == "index":
        return indexed(to_value(args[0], algebra), [algebra.settle(a) for a in args[1:]])
    if kind == "method":
        return call(str(args[1]), [args[0], *(args[2] or [])], algebra, variables)
    if kind == "negation":
        return float(not truth(algebra.settle(args[0])))
    if kind == "attribute":
        if str(args[1]) != "T":
            raise ExpressionError(f"unknown attribute '.{args[1]}'; only .T (transpose) exists")
        value = to_value(args[0], algebra)
        # A number (a constant of the Taylor algebra) is its own transpose.
        return value if isinstance(value, (float, int)) else value.T
    info = algebra.functions[kind]
    return info.function(
        *(operand(to_value(a, algebra) if isinstance(a, Elements) else a) for a in args)
    )
