"""Evaluation on concrete values: define-by-run.

A parse tree is compiled once into a flat list of steps, children before
parents; running them on a stack calls the scope's algebra for every operation
(the engine records the graph). No recursion, so 3,000 nested parentheses or a
50,000-term sum are no problem, and control flow can jump within the list.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import difflib
import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from gradcli.autograd import creation, ops, shapes
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError, GradcliError, LimitError, option
from gradcli.language.compiler import CHILD, CONTROL, Code, Function, Instruction, compile_tree
from gradcli.language.parser import (
    CONSTANTS,
    SPELLINGS,
    SUPERSCRIPTS,
    Tree,
    UnboundNameError,
    parse,
)
from gradcli.registry import ALIASES, OPS, OpInfo

# --- evaluation -------------------------------------------------------------------


MAX_DIMENSIONS = 64
"""numpy's limit on a tensor's dimensions, and so gradcli's."""


class Elements(list):
    """The value of an array literal before it is used: a list of tensors or numbers.

    ``cat`` and ``stack`` take it as a list; anywhere else it becomes one tensor.
    """


def _stack_tensors(items: list[Any]) -> Tensor:
    return ops.stack([as_tensor(v) for v in items])


@dataclass
class Scope:
    """What names mean while evaluating: bound variables, the functions, and the values' algebra.

    The default algebra is the autograd engine's tensors. Another one (Taylor
    series, in ``gradcli.compute.higher``) supplies its own ``functions`` for the same
    names, ``stack`` for array literals that hold non-constant values, and
    ``constant`` for numbers and constant arrays.
    """

    variables: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    functions: Mapping[str, OpInfo] = field(default_factory=lambda: OPS)
    stack: Callable[[list[Any]], Any] = _stack_tensors
    constant: Callable[[Any], Any] = as_tensor


def variable_names(tree: Tree) -> list[str]:
    """Names used as values in the expression, in order of first use (not function names)."""
    seen: dict[str, None] = {}
    for node in postorder(tree):
        if node.data == "name":
            seen.setdefault(_name(node.children[0]), None)
    return list(seen)


def postorder(tree: Tree) -> Iterator[Tree]:
    """Subtrees, children before parents, left to right, without recursion."""
    stack: list[tuple[Tree, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node
            continue
        stack.append((node, True))
        for child in reversed(node.children):
            if isinstance(child, Tree):
                stack.append((child, False))


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
    scope: Scope,
    trace: list[str] | None = None,
    origin: Any = None,
    max_iterations: int = MAX_ITERATIONS,
    tally: list[int] | None = None,
) -> Any:
    """Run compiled steps on a stack; the engine records the graph as they go.

    With ``trace``, each operation whose inputs are finite but whose result is
    not (``log(-1)``, ``1/0``, overflow) is appended to it, with its column.
    With ``origin``, every graph node an operation records gets
    ``origin = (origin, index of the step)``, a way back to the source text.
    Loops and calls together may run ``max_iterations`` times. With ``tally``,
    the number of steps run is appended to it.
    """
    creation.rewind()
    # The names are this run's own frame: the program assigns to it without
    # touching the caller's values, and jumps move ``index`` (the program counter).
    scope = dataclasses.replace(scope, variables=dict(scope.variables))
    top = scope.variables
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
        if kind == "name" and template[0] in scope.variables:
            stack.append(scope.variables[template[0]])  # the commonest step, kept short
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
                    calls.append(_Frame(index + 1, scope.variables, function))
                    local = _bind_parameters(function, args[1] or [])
                    scope.variables = collections.ChainMap(local, top)
                    index = function.entry.index
                    continue
                if step.kind == "return":
                    value = args[0]
                    if not calls:
                        if tally is not None:
                            tally.append(executed)
                        return _to_value(value, scope)
                    frame = calls.pop()
                    scope.variables = frame.variables
                    stack.append(value)
                    index = frame.resume
                    continue
                target = _control(step, args, scope, stack)
                if target is not None:
                    index = target
                    continue
                index += 1
                continue
            value = _evaluate_node(step.kind, args, scope)
            if kind not in _BOOKKEEPING:
                executed += 1
                if executed > 10 * max_iterations:
                    raise _over_budget(step, max_iterations, executed - 1)
            if trace is not None and _became_nonfinite(value, args):
                trace.append(f"{_describe(step.node)} ({_where(scope.source, index)})")
        except UnboundNameError as error:
            local = calls[-1].function.locals if calls else ()
            if error.name in code.assigned or error.name in local:
                raise ExpressionError(
                    f"'{error.name}' is used before it is assigned a value",
                    source=scope.source,
                    column=_locate(scope.source, index),
                ) from None
            if error.column is None:
                error.column, error.source = _locate(scope.source, index), scope.source
            raise
        except ExpressionError as error:
            if error.column is None:
                error.column, error.source = _locate(scope.source, index), scope.source
            raise
        except (
            GradcliError,
            ValueError,
            TypeError,
            IndexError,
            ZeroDivisionError,
            OverflowError,
        ) as error:
            column = _locate(scope.source, index)
            # The raw message keeps the settings it names, for the caller to spell.
            message = Exception.__str__(error)
            raise ExpressionError(message, source=scope.source, column=column) from None
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
        return _to_value(stack[-1], scope)
    except ExpressionError as error:
        error.source, error.column = scope.source, _locate(scope.source, len(steps) - 1)
        raise


def _control(step: Instruction, args: list[Any], scope: Scope, stack: list[Any]) -> int | None:
    """A step of a program that is not an operation; the index to jump to, if it jumps."""
    kind = step.kind
    if kind == "store":
        scope.variables[args[0]] = _to_value(args[1], scope)
        return None
    if kind == "jump" or kind == "loop":
        return args[0].index
    if kind == "jump_if_false":
        return None if truth(args[1], step.node) else args[0].index
    if kind in ("and_jump", "or_jump"):
        # `a and b` is a when a is false, else b; `a or b` is a when a is true.
        if truth(stack[-1], step.node) == (kind == "or_jump"):
            return args[0].index
        stack.pop()
        return None
    if kind == "range":
        numbers = [shapes.whole(a, "a number of range") for a in args[1]]
        scope.variables[args[0]] = iter(builtins.range(*numbers))
        return None
    if kind == "next":
        counter, name, end = args
        number = next(scope.variables[counter], None)
        if number is None:
            return end.index
        scope.variables[name] = float(number)
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


def _bind_parameters(function: Function, arguments: list[Any]) -> dict[str, Any]:
    positional = [a for a in arguments if not isinstance(a, tuple)]
    named = dict(a for a in arguments if isinstance(a, tuple))
    wanted = ", ".join(function.parameters)
    if len(positional) > len(function.parameters):
        raise ExpressionError(
            f"{function.name}({wanted}) takes {len(function.parameters)} argument"
            f"{'' if len(function.parameters) == 1 else 's'}, and {len(positional)} were given"
        )
    values = dict(zip(function.parameters, positional))
    for name, value in named.items():
        if name not in function.parameters:
            raise ExpressionError(f"{function.name}({wanted}) has no parameter {name}")
        if name in values:
            raise ExpressionError(f"{function.name}: the argument {name} is given twice")
        values[name] = value
    missing = [p for p in function.parameters if p not in values]
    if missing:
        raise ExpressionError(f"{function.name}({wanted}) needs a value for {', '.join(missing)}")
    return values


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


def truth(value: Any, node: Tree | None = None) -> bool:
    """A condition's value as Python's ``bool``, in any algebra: a single number."""
    data = getattr(value, "_data", None)
    if data is None:
        data = getattr(value, "primal", value)
    array = np.asarray(data)
    if array.size != 1:
        what = {"while_": "a while loop's", "if_": "an if's"}.get(getattr(node, "data", ""), "a")
        raise ExpressionError(
            f"{what} condition must be one value, and this one has shape {array.shape}; the "
            "truth of several values is ambiguous: reduce them first, e.g. sum(c) > 0, or "
            "compare one element, c[0] > 0"
        )
    number = array.reshape(())[()]
    return bool(number.real if np.iscomplexobj(array) else number)


def evaluate(tree: Tree, scope: Scope, trace: list[str] | None = None) -> Any:
    """Evaluate a parsed expression on the scope's values (see :func:`run`)."""
    return run(compile_tree(tree, scope.source), scope, trace)


@functools.lru_cache(maxsize=4)
def _positioned_steps(source: str) -> tuple[Instruction, ...]:
    # Compiling is deterministic, so these are the steps that ran, with positions.
    # Kept for the next question about the same source (every node of a graph asks).
    return compile_tree(parse(source, positions=True), source).steps


def node_of(source: str, index: int) -> Tree | None:
    """The parse-tree node of step ``index``, from a parse that tracks positions."""
    if not source:
        return None
    steps = _positioned_steps(source)
    return steps[index].node if 0 <= index < len(steps) else None


def _locate(source: str, index: int) -> int | None:
    """The column (in the whole text) that a caret for step ``index`` points at."""
    node = node_of(source, index)
    return None if node is None else _column(node, source)


def _where(source: str, index: int) -> str:
    """Where step ``index`` is, for a message: its column, and its line in a program."""
    node = node_of(source, index)
    if node is None or node.meta.empty:
        return "column ?"
    column = _column(node, source) or node.meta.start_pos + 1
    if "\n" not in source.strip():
        return f"column {column}"
    line = source.count("\n", 0, column - 1) + 1
    return f"line {line}, column {column - source.rfind(chr(10), 0, column - 1) - 1}"


def _became_nonfinite(result: Any, args: list[Any]) -> bool:
    def finite(value: Any) -> bool:
        if isinstance(value, Elements):
            return all(finite(v) for v in value)
        if isinstance(value, (Tensor, float)):
            return bool(np.all(np.isfinite(as_tensor(value)._data)))
        if isinstance(value, list):
            return all(finite(v) for v in value)
        if isinstance(value, tuple):  # a keyword argument
            return finite(value[1])
        return True

    return not finite(result) and all(finite(a) for a in args)


def _describe(node: Tree) -> str:
    if node.data == "name":
        return f"the value of {node.children[0]}"
    if node.data == "call":
        return f"{node.children[0]}(...)"
    exponent = node.children[-1]
    if node.data == "pow" and getattr(exponent, "data", None) == "superscript":
        return f"the power {exponent.children[0]}"
    symbols = {
        "add": "+",
        "sub": "-",
        "mul": "*",
        "div": "/",
        "pow": "**",
        "matmul": "@",
        "neg": "unary -",
        "sqrt": "√",
    }
    return symbols.get(node.data, node.data)


def _column(node: Tree, source: str) -> int | None:
    """The column to point at: a binary operator's symbol, else where the node starts."""
    meta = node.meta
    if meta.empty:
        return None
    left = node.children[0] if node.children else None
    if (
        node.data in OPS
        and len(node.children) == 2
        and isinstance(left, Tree)
        and not left.meta.empty
    ):
        position = left.meta.end_pos
        while position < len(source) and source[position] in " \t)":
            position += 1
        return position + 1
    return meta.start_pos + 1


def _evaluate_node(kind: str, args: list[Any], scope: Scope) -> Any:
    if kind == "number":
        return float(args[0])
    if kind == "name":
        return _lookup(_name(args[0]), scope)
    if kind == "superscript":
        return float(str(args[0]).translate(SUPERSCRIPTS))
    if kind == "call":
        return _call(str(args[0]), args[1] or [], scope)
    if kind == "arguments":
        return args
    if kind == "keyword":
        return (str(args[0]), args[1])
    if kind == "array":
        return Elements(
            _to_value(a, scope) if isinstance(a, Elements) else a for a in args if a is not None
        )
    if kind == "slice":
        return slice(*(None if a is None else shapes.whole(a, "a slice bound") for a in args))
    if kind == "index":
        return _index(_to_value(args[0], scope), args[1:])
    if kind == "method":
        return _call(str(args[1]), [args[0], *(args[2] or [])], scope)
    if kind == "negation":
        return float(not truth(args[0]))
    if kind == "attribute":
        if str(args[1]) != "T":
            raise ExpressionError(f"unknown attribute '.{args[1]}'; only .T (transpose) exists")
        return _to_value(args[0], scope).T
    return _operator(kind, args, scope)


def _operator(kind: str, args: list[Any], scope: Scope) -> Any:
    info = scope.functions[kind]
    return info.function(*(_to_value(a, scope) if isinstance(a, Elements) else a for a in args))


def _name(token: Any) -> str:
    return SPELLINGS.get(str(token), str(token))


def _lookup(name: str, scope: Scope) -> Any:
    if name in scope.variables:
        return scope.variables[name]
    if name in CONSTANTS:
        return CONSTANTS[name]
    function = scope.functions.get(ALIASES.get(name, name))
    if function is not None:
        call = function.signature.replace(function.name, name, 1)
        raise ExpressionError(f"'{name}' is a function; call it as {call}")
    raise UnboundNameError(name)


def _call(name: str, arguments: list[Any], scope: Scope) -> Any:
    info = scope.functions.get(name) or scope.functions.get(ALIASES.get(name, ""))
    if info is None:
        if _name(name) in scope.variables or _name(name) in CONSTANTS:
            raise ExpressionError(
                f"'{name}' is a value, not a function; to multiply, write {name}*(...)"
            )
        close = difflib.get_close_matches(name, [*scope.functions, *ALIASES], n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see `gradcli functions` for the list"
        raise ExpressionError(f"unknown function '{name}'{hint}")
    positional = [a for a in arguments if not isinstance(a, tuple)]
    named = [a for a in arguments if isinstance(a, tuple)]
    keywords = dict(named)
    if len(keywords) < len(named):
        repeated = next(k for k, _ in named if sum(1 for j, _ in named if j == k) > 1)
        raise ExpressionError(f"{name}: the argument {repeated}= is given twice")
    takes_list = info.name in ("cat", "stack")
    if takes_list and positional and not isinstance(positional[0], Elements):
        raise ExpressionError(
            f"{name} joins a list of tensors written in brackets: "
            f"{name}([x, y]) or {name}([x, y], dim=1)"
        )
    converted = [
        _argument(a, scope, keep_list=takes_list and i == 0) for i, a in enumerate(positional)
    ]
    keywords = {k: _argument(v, scope, keep_list=False) for k, v in keywords.items()}
    if info.category == "reduction":
        _check_reduction(info, converted, keywords)
    try:
        return info.function(*converted, **keywords)
    except TypeError:
        # Binding the signature only now keeps it off the path of every call;
        # it turns arguments that do not fit into a message in the user's terms.
        _check_arguments(info, converted, keywords, name)
        raise


# For a reduction given what looks like two values: how to write what was probably meant.
_TWO_VALUES = {
    "sum": "a + b",
    "prod": "a * b",
    "mean": "(a + b)/2",
    "amax": "max(a, b)",
    "amin": "min(a, b)",
}


def _check_reduction(info: OpInfo, args: list[Any], kwargs: dict[str, Any]) -> None:
    """A reduction's second argument is a dimension (or norm's p), never a second value.

    ``sum(v, 0)`` sums v over dimension 0, as in PyTorch; where that reading
    cannot be what was meant (x is a single number, or the "dimension" is a
    tensor), say how to write the values' sum. (For max and min a second
    positional argument is a value: they compare two values elementwise.)
    """
    name = info.name
    second = list(_signature(info.function).parameters)[1:2]
    alternative = f" or {_TWO_VALUES[name]}" if name in _TWO_VALUES else ""
    if name not in ("max", "min") and len(args) > 1 and _ndim(args[0]) == 0:
        raise ExpressionError(
            f"{name}(x, {second[0]}) works over the elements of one tensor, and this x is a "
            f"single number; for the {name} of several values write {name}([a, b]){alternative}"
        )
    dim = kwargs.get("dim", args[1] if len(args) > 1 and second == ["dim"] else None)
    if dim is not None and _ndim(dim):
        raise ExpressionError(
            f"{name}: dim is the number of a dimension, such as 0 or -1, not a tensor of shape "
            f"{tuple(dim.shape)}; for the {name} of two tensors write "
            + (f"{name}(a, b)" if name in ("max", "min") else f"{name}([a, b], dim=0){alternative}")
        )


def _ndim(value: Any) -> int:
    """The number of dimensions of a value of any algebra (numbers have none)."""
    return int(getattr(value, "ndim", 0))


def _argument(value: Any, scope: Scope, keep_list: bool) -> Any:
    """A call argument as the functions take it: constant scalars as Python numbers."""
    if isinstance(value, Elements):
        return list(value) if keep_list else _to_value(value, scope)
    if isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad:
        return value.item()
    return value


@functools.cache
def _signature(function: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(function)


# What people may have meant by arguments a function does not take.
_ARGUMENT_HINTS = {
    "log": "; for a logarithm to base b write log(x)/log(b) (log2 and log10 exist)",
    "sqrt": "; for an n-th root write x**(1/n)",
}


def _check_arguments(
    info: OpInfo, args: list[Any], kwargs: dict[str, Any], called: str | None = None
) -> None:
    try:
        _signature(info.function).bind(*args, **kwargs)
    except TypeError as error:
        name = called or info.name
        detail = str(error).replace("'", "")
        use = info.signature.replace(f"{info.name}(", f"{name}(")
        raise ExpressionError(
            f"wrong arguments for {name} ({detail}): use {use}" + _ARGUMENT_HINTS.get(info.name, "")
        ) from None


def _index(value: Any, subscripts: list[Any]) -> Any:
    key = []
    for item in subscripts:
        if isinstance(item, slice):
            key.append(item)
        elif isinstance(item, Elements) or (isinstance(item, (Tensor, np.ndarray)) and item.ndim):
            key.append(np.asarray(as_tensor(_to_value(item, Scope()))._data))
        else:
            key.append(shapes.whole(item, "an index"))
    _check_index(tuple(value.shape), key)
    return value[tuple(key)]


def _check_index(shape: tuple[int, ...], key: list[Any]) -> None:
    """Refuse an index that does not fit, saying so in the language's terms."""
    if not shape:
        raise ExpressionError(
            "a single number cannot be indexed; use the value itself, without [...]"
        )
    masks = [k for k in key if isinstance(k, np.ndarray) and k.dtype == bool]
    used = len(key) - len(masks) + builtins.sum(m.ndim for m in masks)
    if used > len(shape):
        plural = "s" if len(shape) > 1 else ""
        raise ExpressionError(
            f"{len(key)} indices for a tensor of shape {shape}, which has {len(shape)} "
            f"dimension{plural}; give at most {len(shape)}"
        )
    dim = 0
    for k in key:
        if isinstance(k, np.ndarray) and k.dtype == bool:
            dim += k.ndim
            continue
        size = shape[dim]
        if isinstance(k, int) or (isinstance(k, np.ndarray) and k.size):
            values = np.asarray(k, dtype=np.float64)
            outside = values[(values < -size) | (values >= size)]
            if outside.size:
                bad = outside.flat[0]
                shown = int(bad) if bad == int(bad) else bad
                allowed = f"indices run from {-size} to {size - 1}" if size else "it is empty"
                raise ExpressionError(
                    f"index {shown} is out of range for dimension {dim}, of size {size} ({allowed})"
                )
        dim += 1


def _to_value(value: Any, scope: Scope) -> Any:
    """Any value of the language (number, tensor, array literal) in the scope's algebra."""
    if not isinstance(value, Elements):
        return scope.constant(value) if isinstance(value, (float, int)) else value
    plain = all(isinstance(v, (float, int, np.ndarray)) for v in value)
    shapes = {
        np.shape(v) if isinstance(v, (float, int, np.ndarray)) else tuple(v.shape) for v in value
    }
    if len(shapes) > 1:
        listed = ", ".join(str(s) for s in sorted(shapes, key=len))
        raise ExpressionError(f"the elements of an array literal must have one shape, got {listed}")
    if shapes and len(next(iter(shapes))) >= MAX_DIMENSIONS:
        raise ExpressionError(
            f"array literals nest at most {MAX_DIMENSIONS} deep (a tensor has at most "
            f"{MAX_DIMENSIONS} dimensions); this one nests deeper"
        )
    if plain:
        return scope.constant(np.array(value, dtype=np.float64) if value else np.zeros(0))
    return scope.stack(list(value))


def evaluate_source(source: str, variables: Mapping[str, Any] | None = None) -> Tensor:
    """Parse and evaluate ``source`` with the given variable values."""
    return evaluate(parse(source), Scope(variables=variables or {}, source=source))
