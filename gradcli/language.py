"""The expression language: the grammar, one cached LALR parser, and tree -> graph.

Evaluation is define-by-run: the parse tree is walked bottom-up on concrete
values, every operation calls the engine, and the engine records the graph.
The walk is an explicit loop, not recursion, so 3,000 nested parentheses or a
50,000-term sum are no problem. User text is only ever parsed by the grammar;
names resolve to the op table and to bound variables, nothing else.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gradcli.autograd import ops
from gradcli.autograd.table import OPS, OpInfo
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError, GradcliError, LimitError

if TYPE_CHECKING:
    from lark import Lark, Tree

MAX_SOURCE_LENGTH = 1_000_000
"""The longest expression accepted, in characters."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

# Nodes of the tree that are structure rather than operations.
STRUCTURAL = (
    "number",
    "name",
    "call",
    "arguments",
    "keyword",
    "array",
    "index",
    "slice",
    "attribute",
)

_GRAMMAR_FILES = (
    Path(__file__).parent / "_grammar" / "gradcli.lark",  # inside an installed wheel
    Path(__file__).parent.parent / "grammar" / "gradcli.lark",  # a source or editable checkout
)


class UnboundNameError(ExpressionError):
    """A name that is neither a bound variable, a constant nor a function."""

    def __init__(self, name: str, *, source: str | None = None, column: int | None = None):
        super().__init__(f"unknown name '{name}'", source=source, column=column)
        self.name = name


def grammar_path() -> Path:
    """Where the grammar file is, for a wheel install or a source checkout."""
    for path in _GRAMMAR_FILES:
        if path.is_file():
            return path
    raise FileNotFoundError(f"gradcli's grammar is missing; looked in {_GRAMMAR_FILES}")


@functools.cache
def parser(positions: bool = False) -> Lark:
    """The LALR parser, built once per process and cached on disk between processes.

    Tracking positions halves parsing speed, so the everyday parser does not;
    when an error needs a caret the expression is parsed again with them.
    """
    from lark import Lark

    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        propagate_positions=positions,
        maybe_placeholders=True,
        cache=True,
    )


def parse(source: str) -> Tree:
    """Parse an expression, raising ExpressionError with the column of a syntax error."""
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
    )

    if len(source) > MAX_SOURCE_LENGTH:
        raise LimitError(
            f"the expression is {len(source):,} characters long; the limit is {MAX_SOURCE_LENGTH:,}"
        )
    if not source.strip():
        raise ExpressionError("the expression is empty", source=source, column=1)
    try:
        return parser().parse(source)
    except UnexpectedInput as error:
        # Columns count from the start of the whole text (not of its line), so the
        # caret lands right under multi-line input, which is shown on one line.
        position = getattr(error, "pos_in_stream", None)
        column = position + 1 if isinstance(position, int) and position >= 0 else len(source) + 1
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            column = len(source) + 1
        if isinstance(error, UnexpectedEOF):
            column = len(source) + 1
        expected = _expected(error, source, column)
        if isinstance(error, UnexpectedCharacters):
            # The lexer cannot tell what would fit after a stray character.
            message, expected = f"unexpected character {source[column - 1]!r}", ""
        elif column > len(source):
            message = "the expression ends too early"
        else:
            message = f"unexpected {error.token.value!r}"  # type: ignore[union-attr]
            before = source[: column - 1].rstrip()
            if (
                error.token.type == "NAME"
                and before
                and (before[-1].isdigit() or before[-1] == ".")
            ):  # type: ignore[union-attr]
                number = _trailing_number(before)
                message += f"; to multiply, write {number}*{error.token.value}"  # type: ignore[union-attr]
                expected = ""
        if expected:
            message += f"; expected {expected}"
        raise ExpressionError(message, source=source, column=column) from None


def _trailing_number(text: str) -> str:
    end = len(text)
    start = end
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".eE"):
        start -= 1
    return text[start:end]


def _expected(error: Any, source: str, column: int) -> str:
    """What could have come next, in the user's terms.

    LALR's expected-token sets are loose after default reductions, so this
    says only whether a value or an operator was due, and which bracket is open.
    """
    names = set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    if names & {"NUMBER", "NAME"}:
        return "a number, a name, '(' or '['"
    depth: list[str] = []
    for char in source[: column - 1]:
        if char in "([":
            depth.append(")" if char == "(" else "]")
        elif char in ")]" and depth:
            depth.pop()
    closing = f" or '{depth[-1]}'" if depth else " or the end of the expression"
    return "an operator (+ - * / ** @ < > ...)" + closing


# --- evaluation -------------------------------------------------------------------


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
    series, in ``gradcli.higher``) supplies its own ``functions`` for the same
    names, ``stack`` for array literals that hold non-constant values, and
    ``constant`` for numbers and constant arrays.
    """

    variables: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    functions: Mapping[str, OpInfo] = field(default_factory=lambda: OPS)
    stack: Callable[[list[Any]], Any] = _stack_tensors
    constant: Callable[[Any], Any] = as_tensor


def variable_names(tree: Tree) -> list[str]:
    """Names used as values in the expression, in order of first use (not function names)."""
    seen: dict[str, None] = {}
    for node in postorder(tree):
        if node.data == "name":
            seen.setdefault(str(node.children[0]), None)
    return list(seen)


def postorder(tree: Tree) -> Iterator[Tree]:
    """Subtrees, children before parents, left to right, without recursion."""
    from lark import Tree

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


def evaluate(tree: Tree, scope: Scope, trace: list[str] | None = None) -> Tensor:
    """Evaluate a parsed expression on the scope's values; the engine records the graph.

    With ``trace``, each operation whose inputs are finite but whose result is
    not (``log(-1)``, ``1/0``, overflow) is appended to it, with its column.
    """
    from lark import Tree

    values: dict[int, Any] = {}
    for index, node in enumerate(postorder(tree)):
        args = [values.pop(id(c)) if isinstance(c, Tree) else c for c in node.children]
        try:
            values[id(node)] = _evaluate_node(node, args, scope)
            if trace is not None and _became_nonfinite(values[id(node)], args):
                trace.append(f"{_describe(node)} (column {_locate(scope.source, index)})")
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
            raise ExpressionError(str(error), source=scope.source, column=column) from None
        except MemoryError:
            raise LimitError(
                "not enough memory to evaluate the expression; use smaller tensors"
            ) from None
    try:
        return _to_value(values[id(tree)], scope)
    except ExpressionError as error:
        error.source, error.column = scope.source, _locate(scope.source, index)
        raise


def _locate(source: str, index: int) -> int | None:
    """The column of the ``index``-th node in post-order, from a parse that tracks positions."""
    if not source:
        return None
    for i, node in enumerate(postorder(parser(positions=True).parse(source))):
        if i == index:
            return _column(node, source)
    return None


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
    symbols = {
        "add": "+",
        "sub": "-",
        "mul": "*",
        "div": "/",
        "pow": "**",
        "matmul": "@",
        "neg": "unary -",
    }
    return symbols.get(node.data, node.data)


def _column(node: Tree, source: str) -> int | None:
    """The column to point at: a binary operator's symbol, else where the node starts."""
    from lark import Tree

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


def _evaluate_node(node: Tree, args: list[Any], scope: Scope) -> Any:
    kind = node.data
    if kind == "number":
        return float(args[0])
    if kind == "name":
        return _lookup(str(args[0]), scope)
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
        return slice(*(None if a is None else _whole(a, "a slice bound") for a in args))
    if kind == "index":
        return _index(_to_value(args[0], scope), args[1:])
    if kind == "attribute":
        if str(args[1]) != "T":
            raise ExpressionError(f"unknown attribute '.{args[1]}'; only .T (transpose) exists")
        return _to_value(args[0], scope).T
    return _operator(kind, args, scope)


def _operator(kind: str, args: list[Any], scope: Scope) -> Any:
    info = scope.functions[kind]
    return info.function(*(_to_value(a, scope) if isinstance(a, Elements) else a for a in args))


def _lookup(name: str, scope: Scope) -> Any:
    if name in scope.variables:
        return scope.variables[name]
    if name in CONSTANTS:
        return CONSTANTS[name]
    if name in scope.functions:
        raise ExpressionError(
            f"'{name}' is a function; call it as {scope.functions[name].signature}"
        )
    raise UnboundNameError(name)


def _call(name: str, arguments: list[Any], scope: Scope) -> Any:
    info = scope.functions.get(name)
    if info is None:
        if name in scope.variables or name in CONSTANTS:
            raise ExpressionError(f"'{name}' is a value, not a function")
        close = difflib.get_close_matches(name, list(scope.functions), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see `gradcli functions` for the list"
        raise ExpressionError(f"unknown function '{name}'{hint}")
    positional = [a for a in arguments if not isinstance(a, tuple)]
    named = [a for a in arguments if isinstance(a, tuple)]
    keywords = dict(named)
    if len(keywords) < len(named):
        repeated = next(k for k, _ in named if sum(1 for j, _ in named if j == k) > 1)
        raise ExpressionError(f"{name}: the argument {repeated}= is given twice")
    takes_list = info.name in ("cat", "stack")
    converted = [
        _argument(a, scope, keep_list=takes_list and i == 0) for i, a in enumerate(positional)
    ]
    keywords = {k: _argument(v, scope, keep_list=False) for k, v in keywords.items()}
    _check_arguments(info, converted, keywords)
    return info.function(*converted, **keywords)


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


def _check_arguments(info: OpInfo, args: list[Any], kwargs: dict[str, Any]) -> None:
    try:
        _signature(info.function).bind(*args, **kwargs)
    except TypeError as error:
        detail = str(error).replace("'", "")
        raise ExpressionError(
            f"wrong arguments for {info.name} ({detail}): use {info.signature}"
        ) from None


def _whole(value: Any, what: str) -> int:
    number = value.item() if isinstance(value, Tensor) else value
    if isinstance(number, bool) or not math.isfinite(float(number)) or float(number) != int(number):
        raise ExpressionError(f"{what} must be a whole number, not {number}")
    return int(number)


def _index(value: Any, subscripts: list[Any]) -> Any:
    key = []
    for item in subscripts:
        if isinstance(item, slice):
            key.append(item)
        elif isinstance(item, Elements) or (isinstance(item, Tensor) and item.ndim > 0):
            key.append(np.asarray(as_tensor(_to_value(item, Scope()))._data))
        else:
            key.append(_whole(item, "an index"))
    return value[tuple(key)]


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
    if plain:
        return scope.constant(np.array(value, dtype=np.float64) if value else np.zeros(0))
    return scope.stack(list(value))


def evaluate_source(source: str, variables: Mapping[str, Any] | None = None) -> Tensor:
    """Parse and evaluate ``source`` with the given variable values."""
    return evaluate(parse(source), Scope(variables=variables or {}, source=source))
