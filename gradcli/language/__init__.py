"""The expression language: text -> parse tree (``parser``) -> values (``evaluator``)."""

from gradcli.language.compiled import Algebra, Expression, compile
from gradcli.language.evaluator import (
    MAX_ITERATIONS,
    Scope,
    evaluate,
    evaluate_source,
    postorder,
    variable_names,
)
from gradcli.language.parser import (
    CONSTANTS,
    MAX_SOURCE_LENGTH,
    STRUCTURAL,
    UnboundNameError,
    grammar_path,
    parse,
    parser,
)

__all__ = [
    "Algebra", "Expression", "compile", "MAX_ITERATIONS",
    "CONSTANTS", "MAX_SOURCE_LENGTH", "STRUCTURAL", "Scope", "UnboundNameError", "evaluate",
    "evaluate_source", "grammar_path", "parse", "parser", "postorder", "variable_names",
]  # fmt: skip
