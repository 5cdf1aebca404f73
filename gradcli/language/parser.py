"""The grammar, its LALR parser, and syntax errors in the user's words.

User text is only ever parsed by the grammar; names resolve to the registry and
to bound variables, nothing else.

The parser is ``gradcli/language/_lalr.py``, which Lark generates from
``grammar/gradcli.lark`` (its tables and the parts of Lark that run them):
importing it costs a third of importing Lark and loading a cached parser, on
every command. tests/test_startup_parts.py fails when it is stale; regenerate it
with::

    python -m lark.tools.standalone --maybe_placeholders -l basic \
        -o gradcli/language/_lalr.py grammar/gradcli.lark

Its trees, tokens and exceptions are its own classes (not ``lark``'s), so they
are imported from here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from gradcli.errors import ExpressionError, LimitError
from gradcli.language._lalr import (
    Lark,
    Lark_StandAlone,
    Shift,
    Token,
    Tree,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from gradcli.language.layout import Layout, LayoutError
from gradcli.registry import ALIASES, OPS

MAX_SOURCE_LENGTH = 1_000_000
"""The longest expression accepted, in characters."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}

SPELLINGS: dict[str, str] = {"π": "pi"}
"""Other spellings of names: the grammar reads π as a name, and it means pi."""

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

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
    "method",
    "conditional",
    "either",
    "both",
    "negation",
    # statements
    "assign",
    "augmented",
    "value",
    "return_",
    "pass_",
    "break_",
    "continue_",
    "if_",
    "while_",
    "for_",
    "def_",
    "block",
    "parameters",
)

_GRAMMAR_FILES = (
    Path(__file__).parents[1] / "_grammar" / "gradcli.lark",  # inside an installed wheel
    Path(__file__).parents[2] / "grammar" / "gradcli.lark",  # a source or editable checkout
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
    """The LALR parser, loaded once per process from the generated module.

    Tracking positions halves parsing speed, so the everyday parser does not;
    when an error needs a caret the expression is parsed again with them.
    """
    return Lark_StandAlone(propagate_positions=positions, postlex=Layout())


Spans = dict[int, tuple[Tree, Any, Any]]
"""id(node) -> (node, start, end): the ``meta.start_pos`` and ``meta.end_pos`` that a
parse with positions gives the node, for each node whose meta is not empty."""


def parse(source: str, positions: bool = False) -> Tree:
    """Parse an expression or a program, raising ExpressionError with the column of a
    syntax error (counted in the whole text: the CLI works out the line)."""
    text = _text(source)
    tree = _fast_parser(positions).parse(text)
    if tree is not None:
        return tree
    try:
        return parser(positions).parse(text)
    except LayoutError as error:
        error.source = source
        raise
    except UnexpectedInput as error:
        # Columns count from the start of the whole text (not of its line), so the
        # caret lands right under multi-line input, which is shown on one line.
        position = getattr(error, "pos_in_stream", None)
        column = position + 1 if isinstance(position, int) and position >= 0 else len(source) + 1
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            column = len(source) + 1
        if isinstance(error, UnexpectedEOF):
            column = len(source) + 1
        layout = _layout_message(error, source)
        if layout is not None:
            message, column = layout
            raise ExpressionError(message, source=source, column=column) from None
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


def parse_spans(source: str) -> tuple[Tree, Spans]:
    """The tree of a parse without positions, and where each of its nodes is (what a
    parse with positions says): where the steps of a big graph are, at a fraction of the
    cost of Lark's position tracking and of a Meta object per node."""
    found = _fast_parser(False).parse_spans(_text(source))
    if found is not None:
        return found
    tree = parse(source, positions=True)  # raises the syntax error
    return tree, {
        id(node): (node, node.meta.start_pos, node.meta.end_pos)
        for node in tree.iter_subtrees()
        if not node.meta.empty
    }


def _text(source: str) -> str:
    """The text the parser reads, once the source is known not to be too long or empty."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise LimitError(
            f"the expression is {len(source):,} characters long; the limit is {MAX_SOURCE_LENGTH:,}"
        )
    if not source.strip():
        raise ExpressionError("the expression is empty; write one, such as x**2")
    # The last line ends like every other, so a program's last statement is complete.
    return source + "\n"


@functools.cache
def _fast_parser(positions: bool) -> _FastParser:
    return _FastParser(parser(positions))


class _FastParser:
    """Lark's parse of a text that parses, without Lark's layers: its tables and tree
    builders, driven by one loop over tokens made as its lexer makes them.

    Most reductions of the grammar are a rule of one child that Lark inlines (``?sum:
    product``, ...), which leave the value as it is: this loop moves to the next state
    without calling the builder, which is most of the speed-up (a 100,000-term sum
    parses in about half the time). The tree, tokens and positions are Lark's to the
    attribute (tests/language/test_fast_parse.py). A text that does not parse is left to
    Lark (``parse`` returns None), whose exceptions say what is wrong.
    """

    def __init__(self, lark: Lark):
        frontend = lark.parser
        lexer = frontend.lexer.lexer  # under the layout pass (PostLexConnector)
        self.layout: Layout = frontend.lexer.postlexer
        (pattern,) = lexer.scanner._mres  # the terminals, one alternative each
        self.match = pattern.match
        self.ignore = lexer.ignore_types
        self.newline = lexer.newline_types
        # NAME tokens spelled as a keyword are that keyword's terminal (Lark's "unless").
        self.keywords = {
            kind: {t.pattern.value: t.name for t in unless.scanner.terminals}
            for kind, unless in lexer.callback.items()
        }
        engine = frontend.parser.parser
        table = engine.parse_table
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        # Per state: a terminal or rule name -> the next state (a shift or a goto), or
        # a reduction's (children, rule name, builder); the builder is None where Lark's
        # returns its one child unchanged.
        reductions = {id(rule): _reduction(rule, engine.callbacks) for rule in engine.callbacks}
        self.table = {
            state: {
                name: target if action is Shift else reductions[id(target)]
                for name, (action, target) in row.items()
            }
            for state, row in table.states.items()
        }
        self.chains: dict[tuple[int, int, str], int] = {}

    def tokens(self, text: str) -> Iterator[Token]:
        """Lark's tokens of ``text``, each with its positions."""
        match, ignore, newline, keywords = self.match, self.ignore, self.newline, self.keywords
        position, line, line_start, end = 0, 1, 0, len(text)
        new = str.__new__
        while position < end:
            found = match(text, position)
            if found is None:
                raise _Unmatched
            value = found.group(0)
            kind = found.lastgroup
            start, column, first_line = position, position - line_start + 1, line
            if kind in newline and "\n" in value:
                line += value.count("\n")
                line_start = position + value.rindex("\n") + 1
            position += len(value)
            if kind in ignore:
                continue
            token = new(Token, value)
            token.type = keywords[kind].get(value, kind) if kind in keywords else kind
            token.start_pos = start
            token.value = value
            token.line = first_line
            token.column = column
            token.end_line = line
            token.end_column = position - line_start + 1
            token.end_pos = position
            yield token

    def parse(self, text: str) -> Tree | None:
        table, end, states, values = self.table, self.end, [self.start], []
        try:
            for token in chain(self.layout.process(self.tokens(text)), (_END,)):
                kind = token.type
                while True:
                    action = table[states[-1]][kind]
                    if action.__class__ is int:
                        if token is _END:
                            return None
                        states.append(action)
                        values.append(token)
                        break
                    size, name, build = action
                    if build is None:
                        states[-1] = self._unit_chain(states[-2], states[-1], kind)
                    else:
                        if size:
                            children = values[-size:]
                            del states[-size:]
                            del values[-size:]
                        else:
                            children = []
                        values.append(build(children))
                        states.append(table[states[-1]][name])
                    if token is _END and states[-1] == end:
                        return values[-1]
        except (KeyError, LayoutError, _Unmatched):
            pass
        return None

    def parse_spans(self, text: str) -> tuple[Tree, Spans] | None:
        """:meth:`parse`, with the spans Lark's ``propagate_positions`` gives the nodes.

        Beside each value on the stack is its container span, what a parent's span
        reaches to: a token's own; a new node's, from the first to the last of its
        children that have one (tokens filtered out of the tree included); a node that
        a rule returns unchanged from inside brackets keeps its own span, and its
        container span widens to the brackets.
        """
        table, end, states, values, places = self.table, self.end, [self.start], [], []
        spans: Spans = {}
        try:
            for token in chain(self.layout.process(self.tokens(text)), (_END,)):
                kind = token.type
                while True:
                    action = table[states[-1]][kind]
                    if action.__class__ is int:
                        if token is _END:
                            return None
                        states.append(action)
                        values.append(token)
                        places.append((token.start_pos, token.end_pos))
                        break
                    size, name, build = action
                    if build is None:
                        states[-1] = self._unit_chain(states[-2], states[-1], kind)
                    else:
                        if size:
                            children, around = values[-size:], places[-size:]
                            del states[-size:]
                            del values[-size:]
                            del places[-size:]
                        else:
                            children, around = [], []
                        value = build(children)
                        if isinstance(value, Tree):
                            place = _around(around)
                            # The entry keeps the node alive: an id is never reused.
                            if place is not None and id(value) not in spans:
                                spans[id(value)] = (value, *place)
                        elif isinstance(value, Token):
                            place = (value.start_pos, value.end_pos)
                        else:
                            place = None
                        values.append(value)
                        places.append(place)
                        states.append(table[states[-1]][name])
                    if token is _END and states[-1] == end:
                        return values[-1], spans
        except (KeyError, LayoutError, _Unmatched):
            pass
        return None

    def _unit_chain(self, below: int, top: int, kind: str) -> int:
        """The state after the reductions of one child in a row that ``kind`` sets off
        with ``top`` above ``below`` (they leave the value as it is: only the state moves);
        known once worked out (a number's leads through ten rules to an argument)."""
        key = (below, top, kind)
        found = self.chains.get(key)
        if found is None:
            found = top
            while (action := self.table[found][kind]).__class__ is not int and action[2] is None:
                found = self.table[below][action[1]]
            self.chains[key] = found
        return found


def _around(places: list[tuple[Any, Any] | None]) -> tuple[Any, Any] | None:
    """From the start of the first span to the end of the last (None if none has one)."""
    for first in places:
        if first is not None:
            for last in reversed(places):
                if last is not None:
                    return first[0], last[1]
    return None


class _Unmatched(Exception):
    """A character that no terminal matches."""


_END = Token("$END", "")
"""After the last token: what the parser reduces the rest of the stack on."""


def _reduction(rule: Any, callbacks: dict[Any, Any]) -> tuple[int, str, Any]:
    """A rule as the fast parse reduces it: (children, name, tree builder or None)."""
    options, expansion = rule.options, rule.expansion
    unchanged = (
        options.expand1
        and not rule.alias
        and len(expansion) == 1
        and not any(options.empty_indices or ())
        # A symbol kept as it is: not a filtered token, nor a rule inlined (_name).
        and (options.keep_all_tokens or not (expansion[0].is_term and expansion[0].filter_out))
        and (expansion[0].is_term or not expansion[0].name.startswith("_"))
    )
    return len(expansion), rule.origin.name, None if unchanged else callbacks[rule]


def _layout_message(error: Any, source: str) -> tuple[str, int] | None:
    """A syntax error about a program's lines and blocks, with the column to point at."""
    token = getattr(error, "token", None)
    kind = getattr(token, "type", None)
    expected = set(getattr(error, "expected", None) or ())
    start = getattr(token, "start_pos", None)
    if kind == "_INDENT":
        return (
            "unexpected indentation: only the lines of a block, after a line ending in ':', "
            "are indented more than the line before",
            token.end_pos + 1,
        )
    if "_INDENT" in expected and kind == "_NL":
        return "expected an indented block after ':', or a statement on the same line", start + 1
    if "_INDENT" in expected:
        return "expected a block: indent the lines after ':' further", (start or len(source)) + 1
    if kind == "_NL" or (kind == "SEMICOLON" and start is not None and source[start] != ";"):
        at = start if start is not None and start < len(source) else len(source)
        return "the line ends too early" + (
            f"; expected {_expected(error, source, at + 1)}" if at < len(source) else ""
        ), at + 1
    if kind == "_DEDENT":
        where = start + 1 if isinstance(start, int) else len(source) + 1
        return "the block ends too early: it needs at least one statement", where
    return None


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
