"""What the commands compute: pure functions, a compiled expression and a point in, a result
out (every result type is in :mod:`gradcli.compute.results`). Nothing here prints, reads the
command line or knows the output formats.

One module per computation: ``evaluation`` (the forward pass), ``differentiate`` (gradient,
Jacobian, Hessian), ``higher`` (Taylor mode's derivatives of any order), ``limit`` (finite
differences), ``checking`` (exact against numerical), ``points`` (many points at once),
``graph`` and ``plot``. The ones every command needs are named here; the others are imported
from their modules by the commands that use them.
"""

from gradcli.compute.bindings import Binding, bind, constant, parse_binding
from gradcli.compute.differentiate import differentiate, entry_labels
from gradcli.compute.evaluation import evaluate_expression
from gradcli.compute.limit import finite_differences
from gradcli.compute.results import Differentiation, Evaluation, Limit

__all__ = [
    "Binding", "Differentiation", "Evaluation", "Limit", "bind", "constant", "differentiate",
    "entry_labels", "evaluate_expression", "finite_differences", "parse_binding",
]  # fmt: skip
