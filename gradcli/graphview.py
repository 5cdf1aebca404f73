"""``gradcli.graph(tensor)``: the recorded graph of any tensor, printed and exported as
``gradcli graph`` shows it (a built-in torchviz for ``import gradcli as torch`` code).

The graph itself is computed by ``gradcli.compute.graph`` and drawn by
``gradcli.render.graph``; this view joins the two for the library's users.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradcli.autograd.tensor import Tensor
from gradcli.compute import graph as computing
from gradcli.compute.results import Graph
from gradcli.render import graph as drawing


class GraphView:
    """A :class:`~gradcli.compute.results.Graph` that prints as the evaluation trace.

    Its data (``vertices``, ``leaves``, ``operations``, ``text(i)``, ...) is the
    graph's; :meth:`to_dot`, :meth:`to_json`, :meth:`to_dict` and
    :meth:`to_mermaid` give the other forms. ``max_nodes=0`` shows every node.
    """

    def __init__(self, graph: Graph):
        self.graph = graph

    def __getattr__(self, name: str) -> Any:
        return getattr(self.graph, name)

    def to_dict(self, max_nodes: int = 0, collapse: bool = False) -> dict[str, Any]:
        """The JSON document (schema in ``gradcli graph --help``)."""
        return drawing.graph_document(self.graph, max_nodes, collapse)

    def to_json(self, max_nodes: int = 0, collapse: bool = False) -> str:
        from gradcli.render.documents import to_json

        return to_json(self.to_dict(max_nodes, collapse))

    def to_dot(self, max_nodes: int = 0, collapse: bool = False) -> str:
        """Graphviz DOT: ``dot -Tsvg`` draws it."""
        return drawing.graph_dot(self.graph, max_nodes, collapse)

    def to_mermaid(self, max_nodes: int = 0, collapse: bool = False) -> str:
        """A Mermaid flowchart, for Markdown."""
        return drawing.graph_mermaid(self.graph, max_nodes, collapse)

    def __str__(self) -> str:
        return drawing.graph_plain(self.graph, "trace", 200, collapse=True)

    def __repr__(self) -> str:
        return str(self)


def graph(
    tensor: Tensor, names: Mapping[str, Tensor] | None = None, weights: Any = None
) -> GraphView:
    """The recorded graph behind ``tensor``, with values and adjoints.

    ``names`` labels leaves (``{"x": x}``, like torchviz's ``params``); others are
    ``leaf1``, ``leaf2``, ... ``weights`` starts the backward pass for an output of
    several numbers (ones by default). The graph is kept (``retain_graph``), so
    ``tensor.backward()`` still works afterwards, and no ``.grad`` is touched.

    >>> import gradcli as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> print(torch.graph(torch.sin(x) * x, names={"x": x}).operations[0].op)
    SinBackward0
    """
    return GraphView(computing.graph(tensor, names, weights))
