"""The expression language: text -> parse tree -> code -> values.

``parser`` (with ``layout``) turns text into a parse tree, ``compiler`` the tree
into flat code, and ``machine`` runs the code on a stack, calling operations
through ``calls``, in an ``Algebra`` of ``values``; ``positions`` finds where in
the text a step comes from. ``compiled.Expression`` (``gradcli.compile``) is the
one way in: compile once, evaluate in any algebra.
"""

from gradcli.language.compiled import Expression, compile
from gradcli.language.machine import MAX_ITERATIONS
from gradcli.language.parser import (
    CONSTANTS,
    MAX_SOURCE_LENGTH,
    STRUCTURAL,
    UnboundNameError,
    grammar_path,
    parse,
    parser,
)
from gradcli.language.values import Algebra

__all__ = [
    "Algebra", "Expression", "compile", "MAX_ITERATIONS", "CONSTANTS", "MAX_SOURCE_LENGTH",
    "STRUCTURAL", "UnboundNameError", "grammar_path", "parse", "parser",
]  # fmt: skip
