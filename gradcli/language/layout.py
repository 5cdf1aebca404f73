"""The layout of a program: Python's indentation, and braces for one-line blocks.

The lexer sees every line break as ``_NL``; this pass (Lark's ``postlex``)
decides what each one means before the parser sees it:

* outside brackets, a line break ends a statement, and a change of indentation
  opens (``_INDENT``) or closes (``_DEDENT``) blocks, as in Python;
* inside ``(...)`` or ``[...]`` it is only a space, so long expressions may
  wrap;
* inside ``{...}`` it separates statements, as ``;`` does, so a braced block
  can be written over several lines too; a line break between ``}`` and
  ``else``/``elif`` is only a space, so ``} else {`` may start a line.

The first line's indentation is the left margin, so a program pasted from an
indented block of a document works unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

from gradcli.errors import ExpressionError
from gradcli.language._lalr import Token

_OPENING = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}
_CLOSING = set(_OPENING.values())
_TAB = 8


class LayoutError(ExpressionError):
    """A line whose indentation closes blocks but matches none that is open."""


class Layout:
    """Lark's ``postlex`` interface: a pass over the token stream."""

    # Lark keeps these terminals when it builds a parser from the grammar, as the test
    # that checks the generated parser does.
    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        brackets: list[str] = []
        indents: list[int] | None = None  # set at the first token: the left margin
        pending: Token | None = None  # a line break, until the token after it is seen
        previous = ""
        for token in stream:
            kind = token.type
            if kind == "_NL":
                if indents is None or (brackets and brackets[-1] != "LBRACE"):
                    continue  # blank lines first, or a break inside (...) or [...]
                pending = token  # of several, the last line's indentation counts
                continue
            if indents is None:
                indents = [token.column - 1 if token.column else 0]
            if pending is not None:
                if not (previous == "RBRACE" and kind in ("ELSE", "ELIF")):
                    yield from self._line_break(pending, brackets, indents)
                pending = None
            if kind in _OPENING:
                brackets.append(kind)
            elif kind in _CLOSING and brackets and _OPENING[brackets[-1]] == kind:
                brackets.pop()
            previous = kind
            yield token
        if pending is not None and indents is not None:
            yield pending  # the end: whatever the last line's indentation, blocks close
        while indents and len(indents) > 1:
            indents.pop()
            yield Token("_DEDENT", "")

    @staticmethod
    def _line_break(token: Token, brackets: list[str], indents: list[int]) -> Iterator[Token]:
        if brackets:  # inside braces: a separator
            yield Token.new_borrow_pos("SEMICOLON", ";", token)
            return
        yield token
        indent = len(token.rsplit("\n", 1)[-1].expandtabs(_TAB))
        if indent > indents[-1]:
            indents.append(indent)
            yield Token.new_borrow_pos("_INDENT", "", token)
            return
        if indent < indents[0]:
            raise LayoutError(
                "this line starts left of the program's first line: indent the program's "
                "lines alike",
                column=(token.end_pos or 0) + 1,
            )
        while indent < indents[-1]:
            indents.pop()
            yield Token.new_borrow_pos("_DEDENT", "", token)
        if indent != indents[-1]:
            raise LayoutError(
                "this line's indentation matches no block that is open: indent it as "
                "the lines of the block it belongs to",
                column=(token.end_pos or 0) + 1,
            )
