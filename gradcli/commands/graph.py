"""``gradcli graph``: the recorded graph of one evaluation, each operation with its value and
adjoint, as a tree or trace (table, plain), JSON, Graphviz DOT or Mermaid."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.graph import expression_graph
from gradcli.errors import UsageError
from gradcli.render import graph as render
from gradcli.render.documents import to_json

FORMATS = ("table", "plain", "json", "dot", "mermaid")
VIEWS = ("tree", "trace")


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    wrt: str | None,
    weights: str | None,
    output: str | None,
    view: str | None,
    max_nodes: int,
    collapse: bool,
    seed: int | None,
    digits: int | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    if output is not None and output not in FORMATS:
        raise UsageError(f"-o {output}: choose one of {', '.join(FORMATS)}")
    if view is not None and view not in VIEWS:
        raise UsageError(f"--view {view}: choose tree or trace")
    chosen = output or display.default_format()
    if view is not None and chosen not in ("table", "plain"):
        raise UsageError(
            f"--view {view} chooses how the table and plain formats list the graph; -o {chosen} "
            "writes the graph itself, so leave --view out"
        )
    display.refuse_digits(chosen, digits)
    result = expression_graph(
        inputs.expression(expression, file, max_iterations),
        inputs.point(at, seed),
        wrt=inputs.names(wrt),
        weights=inputs.weights(weights),
    )
    display.warn([inputs.unused_seed(seed)])
    if chosen == "json":
        sys.stdout.write(to_json(render.graph_document(result, max_nodes, collapse)) + "\n")
    elif chosen == "dot":
        sys.stdout.write(render.graph_dot(result, max_nodes, collapse) + "\n")
    elif chosen == "mermaid":
        sys.stdout.write(render.graph_mermaid(result, max_nodes, collapse) + "\n")
    elif chosen == "plain":
        sys.stdout.write(render.graph_plain(result, view or "tree", max_nodes, collapse) + "\n")
    else:
        from rich.console import Console

        table = render.graph_table(
            result, view or "tree", max_nodes, collapse, 6 if digits is None else digits
        )
        Console(highlight=False).print(table)
