"""What the commands compute: bindings, evaluation, derivatives, higher orders, limits, checks.

Each command calls one function here; results are plain data for ``gradcli.render``.
Nothing here prints or knows about command-line options.
"""

from gradcli.compute.bindings import Binding, bind, constant, parse_binding
from gradcli.compute.check import check, check_builtins, failure, read_points
from gradcli.compute.differentiate import differentiate, entry_labels
from gradcli.compute.evaluation import evaluate_expression
from gradcli.compute.limit import finite_differences
from gradcli.compute.results import BuiltinsCheck, Check, Differentiation, Evaluation, Limit

__all__ = [
    "Binding", "Differentiation", "Evaluation", "Limit", "bind", "constant", "differentiate",
    "entry_labels", "evaluate_expression", "finite_differences", "parse_binding",
    "BuiltinsCheck", "Check", "check", "check_builtins", "failure", "read_points",
]  # fmt: skip
