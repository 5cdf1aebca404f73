"""The expression language: the grammar, one cached LALR parser, and tree -> graph.

Evaluation is define-by-run: the parse tree is walked bottom-up on concrete
values, every operation calls the engine, and the engine records the graph.
The walk is an explicit loop, not recursion, so 3,000 nested parentheses or a
50,000-term sum are no problem. User text is only ever parsed by the grammar;
names resolve to the op table and to bound variables, nothing else.
"""

from __future__ import annotations

import builtins
import difflib
import functools
import inspect
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gradcli.autograd import creation, ops
from gradcli.autograd.table import ALIASES, OPS, OpInfo
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError, GradcliError, LimitError

if TYPE_CHECKING:
    from lark import Lark, Tree

MAX_SOURCE_LENGTH = 1_000_000
"""The longest expression accepted, in characters."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}

SPELLINGS: dict[str, str] = {"π": "pi"}
"""Other spellings of names: the grammar reads π as a name, and it means pi."""

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

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
    "superscript",
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
        raise ExpressionError("the expression is empty; write one, such as x**2")
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
            message, expected = _unexpected_character(source[column - 1]), ""
        elif column > len(source):
            message = "the expression ends too early"
        else:
            token = source[error.token.start_pos : error.token.end_pos]  # type: ignore[union-attr]
            message = f"unexpected {token!r}"
            hint = _token_hint(source, column, token)
            if hint:
                message, expected = f"{message}; {hint}", ""
        if expected:
            message += f"; expected {expected}"
        raise ExpressionError(message, source=source, column=column) from None


# What to write instead of characters people paste that the grammar does not take.
_MINUS_HINT = "write - for minus"
_TIMES_HINT = "write * to multiply"
_POWER_HINT = "superscripts are powers only with digits and ⁻, as in x² or x⁻¹; write x**n"
_QUOTES_HINT = "gradcli has no strings; names and numbers need no quotes"
_CHARACTER_HINTS = {
    "\N{EN DASH}": _MINUS_HINT,
    "\N{EM DASH}": _MINUS_HINT,
    "\N{HYPHEN}": _MINUS_HINT,
    "≤": "write <=",
    "≥": "write >=",
    "≠": "write !=",
    "\N{ASTERISK OPERATOR}": _TIMES_HINT,
    "\N{BULLET OPERATOR}": _TIMES_HINT,
    "\N{BULLET}": _TIMES_HINT,
    "∛": "write x**(1/3) for a cube root",
    "∑": "write sum(x) for the sum of x's elements",
    "∏": "write prod(x) for the product of x's elements",
    "½": "write 1/2",
    "¼": "write 1/4",
    "¾": "write 3/4",
    "⁺": _POWER_HINT,
    "ⁿ": _POWER_HINT,
    "⁻": "a superscript minus needs superscript digits after it, as in x⁻¹",
    "\N{LEFT SINGLE QUOTATION MARK}": _QUOTES_HINT,
    "\N{RIGHT SINGLE QUOTATION MARK}": _QUOTES_HINT,
    "\N{LEFT DOUBLE QUOTATION MARK}": _QUOTES_HINT,
    "\N{RIGHT DOUBLE QUOTATION MARK}": _QUOTES_HINT,
    "'": _QUOTES_HINT,
    '"': _QUOTES_HINT,
    "|": "write abs(x) for |x|",
    ";": "give one expression at a time",
}
_READABLE = "\N{MULTIPLICATION SIGN} · ⋅ ÷ \N{MINUS SIGN} √ π and superscript powers (x², x⁻¹)"


def _unexpected_character(char: str) -> str:
    """The lexer's error in the user's terms: what the character is and what to write."""
    import unicodedata

    message = f"unexpected character {char!r}"
    if char.isascii():
        return f"{message}; {_CHARACTER_HINTS[char]}" if char in _CHARACTER_HINTS else message
    name = unicodedata.name(char, "")
    message += f" ({name})" if name else f" (U+{ord(char):04X})"
    if char in _CHARACTER_HINTS:
        return f"{message}; {_CHARACTER_HINTS[char]}"
    if name.startswith("GREEK") and " LETTER " in name:
        spelled = name.rsplit(" ", 1)[-1].lower()
        return f"{message}; names are ASCII: write {spelled}"
    if unicodedata.category(char).startswith("Z") or unicodedata.category(char) == "Cf":
        return f"{message}; an invisible character, delete it"
    return f"{message}; besides ASCII, gradcli reads only {_READABLE}"


def _token_hint(source: str, column: int, token: str) -> str:
    """A hint for a token the grammar did not expect, from the text just before it."""
    before = source[: column - 1]
    stripped = before.rstrip()
    if token == "=":
        return "to compare, write ==; to give a variable a value, use --at NAME=VALUE"
    if not (token[:1].isalnum() or token[:1] in "_(√π."):
        return ""  # an operator or a closing bracket: only "expected ..." helps
    power = re.search(r"([A-Za-z_]\w*)\s*(\*\*\s*-?\d+|\^\s*-?\d+|[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$", stripped)
    if power and token == "(" and _is_function(power.group(1)):
        name, exponent = power.group(1), power.group(2).replace(" ", "")
        argument = _bracketed(source, column - 1)
        if exponent in ("⁻¹", "^-1", "**-1") and f"a{name}" in OPS:
            return (
                f"for the inverse write a{name}({argument}); "
                f"for 1/{name}({argument}) write {name}({argument}){exponent}"
            )
        return f"the power goes after the call: {name}({argument}){exponent}"
    number = _trailing_number(stripped)
    if number:
        adjacent = not before[-1:].isspace()
        shown = f"({_bracketed(source, column - 1)})" if token == "(" else token
        return (adjacent and _number_hint(number, token)) or f"to multiply, write {number}*{shown}"
    if token == "(" and stripped[-1:] in ")⁰¹²³⁴⁵⁶⁷⁸⁹":
        return f"to multiply, write * between {stripped[-1]!r} and '('"
    function = _trailing_function(stripped)
    if function and token != "(":
        return f"to call {function}, put its argument in parentheses: {function}({token})"
    return ""


def _number_hint(number: str, token: str) -> str:
    """Python-style numbers gradcli does not read, written without a space: 1j, 0x10, 1_000, 1e."""
    if token in ("j", "J"):
        return f"complex numbers are not supported (to multiply by a variable {token}, write {number}*{token})"
    if number == "0" and re.fullmatch(r"[xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+", token):
        base = {"x": "hexadecimal", "b": "binary", "o": "octal"}[token[0].lower()]
        return f"{base} numbers are not supported; write {int(number + token, 0)}"
    if re.fullmatch(r"(_\d+)+", token):
        return f"digit separators (_) are not supported; write {number + token.replace('_', '')}"
    if token in ("e", "E") and not re.search(r"[eE]", number):
        return (
            f"the exponent of {number}{token} is incomplete: write {number}{token}3 for "
            f"{number}·10³, or {number}*{token} to multiply by the constant {token}"
        )
    return ""


def _trailing_number(text: str) -> str:
    """The number the text ends with, if it ends with one ('' if not)."""
    match = re.search(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", text)
    if not match or re.search(r"[A-Za-z_]$", text[: match.start()]):
        return ""
    return match.group(0)


def _trailing_function(text: str) -> str:
    """The function name the text ends with, unless it is an attribute (x.T)."""
    match = re.search(r"(?<![.\w])([A-Za-z_][A-Za-z_0-9]*)$", text)
    return match.group(1) if match and _is_function(match.group(1)) else ""


def _is_function(name: str) -> bool:
    return name in OPS or name in ALIASES


def _bracketed(source: str, start: int) -> str:
    """The text inside the parentheses that open at ``start`` (up to the end if unclosed)."""
    depth = 0
    for i in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        if depth == 0:
            return source[start + 1 : i]
    return source[start + 1 :]


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
            seen.setdefault(_name(node.children[0]), None)
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

    creation.rewind()
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
        return _lookup(_name(args[0]), scope)
    if kind == "superscript":
        return float(str(args[0]).translate(_SUPERSCRIPTS))
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
    _check_arguments(info, converted, keywords, name)
    return info.function(*converted, **keywords)


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
    if plain:
        return scope.constant(np.array(value, dtype=np.float64) if value else np.zeros(0))
    return scope.stack(list(value))


def evaluate_source(source: str, variables: Mapping[str, Any] | None = None) -> Tensor:
    """Parse and evaluate ``source`` with the given variable values."""
    return evaluate(parse(source), Scope(variables=variables or {}, source=source))
