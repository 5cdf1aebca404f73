"""What the commands compute: bindings, evaluation, derivatives, higher orders, limits, checks.

Each command calls one function here; results are plain data for ``gradcli.render``.
Nothing here prints or knows about command-line options.
"""

import importlib
from typing import Any

from gradcli.compute.bindings import Binding, bind, constant, parse_binding
from gradcli.compute.differentiate import differentiate, entry_labels
from gradcli.compute.evaluation import evaluate_expression
from gradcli.compute.limit import finite_differences
from gradcli.compute.results import Differentiation, Evaluation, Limit

_CHECK = ("BuiltinsCheck", "Check", "CheckRow", "check", "check_builtins", "failure", "read_points")


def __getattr__(name: str) -> Any:
    # `gradcli check` alone needs these: loaded on first use (PEP 562), not by every command.
    if name in _CHECK:
        return getattr(importlib.import_module("gradcli.compute.checking"), name)
    raise AttributeError(f"module 'gradcli.compute' has no attribute {name!r}")


__all__ = [
    "Binding", "Differentiation", "Evaluation", "Limit", "bind", "constant", "differentiate",
    "entry_labels", "evaluate_expression", "finite_differences", "parse_binding",
    "BuiltinsCheck", "Check", "CheckRow", "check", "check_builtins", "failure", "read_points",
]  # fmt: skip
