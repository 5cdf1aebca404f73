"""`gradcli graph` and `gradcli.graph(tensor)`: the recorded DAG with values and adjoints."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gradcli
from gradcli.cli import app
from gradcli.compute.bindings import bind
from gradcli.compute.graph import expression_graph, find_folds
from gradcli.errors import AutogradError
from gradcli.render.graph import graph_document, graph_dot, graph_plain
from tests.clirun import document, run


def nodes_by_text(doc: dict) -> dict[str, dict]:
    return {n["text"] or n["id"]: n for n in doc["nodes"]}


# --- adjoints ---------------------------------------------------------------------------


def test_seed_s21_adjoints_are_the_textbook_values():
    # (x+w)*(w+1) at x=2, w=1: a = x+w = 3, b = w+1 = 2; a's adjoint is b = 2, b's is a = 3;
    # x's gradient is b = 2 and w's is b + a = 5.
    doc = document("graph", "(x+w)*(w+1)", "--at", "x=2", "--at", "w=1")
    nodes = nodes_by_text(doc)
    assert (nodes["x+w"]["value"], nodes["x+w"]["adjoint"]) == (3.0, 2.0)
    assert (nodes["w+1"]["value"], nodes["w+1"]["adjoint"]) == (2.0, 3.0)
    assert (nodes["(x+w)*(w+1)"]["value"], nodes["(x+w)*(w+1)"]["adjoint"]) == (6.0, 1.0)
    assert (nodes["x"]["adjoint"], nodes["w"]["adjoint"]) == (2.0, 5.0)
    assert nodes["x"]["kind"] == nodes["w"]["kind"] == "leaf"
    assert doc["weights"] == "1"


def _tree(draw, depth: int) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "y", "0.7", "1.3"]))
    kind = draw(st.sampled_from(["sin", "exp", "tanh", "+", "-", "*"]))
    if kind in ("sin", "exp", "tanh"):
        return f"{kind}({_tree(draw, depth - 1)})"
    return f"({_tree(draw, depth - 1)}{kind}{_tree(draw, depth - 1)})"


@st.composite
def expressions(draw) -> str:
    return f"({_tree(draw, 3)})*x+y"


@settings(max_examples=40, deadline=None)
@given(expressions(), st.floats(-1, 1), st.floats(-1, 1))
def test_each_adjoint_is_the_derivative_of_the_output_by_that_nodes_value(source, x, y):
    """Independently of the engine: replace the node's source text by a variable u and take
    central differences of the output in u at the node's value."""
    compiled = gradcli.compile(source)
    graph = expression_graph(compiled, bind([f"x={x!r}", f"y={y!r}"], None))
    h = 1e-6
    for vertex in graph.operations:
        start, end = graph.span(vertex.index)
        text = source[start:end]
        if source.count(text) != 1:
            continue  # the same text twice is two nodes: substituting would change both
        replaced = gradcli.compile(source[:start] + "(u)" + source[end:])

        def f(u: float, replaced=replaced) -> float:
            return float(replaced(x=x, y=y, u=u).item())

        value = float(vertex.value)
        # A step relative to the value: at a node of 4e6, a step of 1e-6 is lost to rounding.
        step = h * max(1.0, abs(value))
        numeric = (f(value + step) - f(value - step)) / (2 * step)
        assert float(vertex.adjoint) == pytest.approx(numeric, rel=1e-5, abs=1e-6), text
    for leaf in graph.leaves:
        numeric = (
            float(compiled(**{"x": x, "y": y, leaf.label: float(leaf.value) + h}).item())
            - float(compiled(**{"x": x, "y": y, leaf.label: float(leaf.value) - h}).item())
        ) / (2 * h)
        assert float(leaf.adjoint) == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_a_vector_output_starts_from_ones_or_the_weights_and_says_which():
    doc = document("graph", "v*v", "--at", "v=[1,2,3]")
    assert doc["weights"] == "ones"
    assert nodes_by_text(doc)["v"]["adjoint"] == [2.0, 4.0, 6.0]
    doc = document("graph", "v*v", "--at", "v=[1,2,3]", "--weights", "[1,0,2]")
    assert doc["weights"] == "given"
    assert nodes_by_text(doc)["v"]["adjoint"] == [2.0, 0.0, 12.0]
    code, out, _ = run("graph", "v*v", "--at", "v=[1,2,3]", "-o", "plain")
    assert code == 0 and "adjoint is ones of its shape" in out


# --- the DAG ----------------------------------------------------------------------------


def test_a_shared_value_is_one_node_and_is_referred_to_where_reused():
    doc = document("graph", "t = x*y; t + sin(t)", "--at", "x=2", "--at", "y=3")
    muls = [n for n in doc["nodes"] if n["op"] == "MulBackward0"]
    assert len(muls) == 1
    uses = [e for e in doc["edges"] if e["from"] == muls[0]["id"]]
    assert len(uses) == 2
    # t's adjoint: 1 + cos(t) at t = 6; x's gradient y*(1 + cos 6).
    assert muls[0]["adjoint"] == pytest.approx(1 + np.cos(6.0))
    assert nodes_by_text(doc)["x"]["adjoint"] == pytest.approx(3 * (1 + np.cos(6.0)))
    _, out, _ = run("graph", "t = x*y; t + sin(t)", "--at", "x=2", "--at", "y=3", "-o", "plain")
    assert out.count("MulBackward0") == 1
    assert f"{muls[0]['id']} ↑ (shown above)" in out
    # Written twice, the product is computed (and recorded) twice.
    doc = document("graph", "(x*y) + sin(x*y)", "--at", "x=2", "--at", "y=3")
    assert sum(n["op"] == "MulBackward0" for n in doc["nodes"]) == 2


def test_a_program_with_a_loop_has_a_node_per_iteration_sharing_its_source_text():
    program = "s = x\nfor i in range(4):\n    s = s * x\ns"
    doc = document("graph", program, "--at", "x=1.5")
    muls = [n for n in doc["nodes"] if n["op"] == "MulBackward0"]
    assert len(muls) == 4 and {n["text"] for n in muls} == {"s * x"}
    assert nodes_by_text(doc)["x"]["adjoint"] == pytest.approx(5 * 1.5**4)
    # Each iteration's value is x to one more power, and its adjoint the rest of the chain.
    for k, node in enumerate(sorted(muls, key=lambda n: int(n["id"][1:])), start=2):
        assert node["value"] == pytest.approx(1.5**k)
        assert node["adjoint"] == pytest.approx(1.5 ** (5 - k))


def test_the_trace_lists_the_nodes_as_recorded_then_the_adjoints_in_reverse():
    code, out, _ = run(
        "graph", "a = cos(x); b = sin(x); b*a", "--at", "x=1", "--view", "trace", "-o", "plain"
    )
    assert code == 0
    forward, backward = out.split("reverse")
    lines = [line.split() for line in forward.splitlines() if line.startswith("  v")]
    assert [(cells[0], cells[1]) for cells in lines] == [
        ("v1", "CosBackward0"), ("v2", "SinBackward0"), ("v3", "MulBackward0")
    ]  # fmt: skip
    assert lines[2][2:4] == ["v2,", "v1"]  # b*a: the sine first
    order = re.findall(r"^  (v\d)̄", backward, re.MULTILINE)
    assert order == ["v3", "v2", "v1"]


# PyTorch 2's names for the same operations, from /tmp/torchenv/bin/python:
#   x = torch.tensor(2.0, requires_grad=True); w = torch.tensor(1.0, requires_grad=True)
#   print((x*w).grad_fn.name(), (x+w).grad_fn.name(), torch.sin(x).grad_fn.name(), ...)
TORCH_NAMES = {
    "x*w": "MulBackward0",
    "x+w": "AddBackward0",
    "x-w": "SubBackward0",
    "x/w": "DivBackward0",
    "sin(x)": "SinBackward0",
    "exp(x)": "ExpBackward0",
    "log(x)": "LogBackward0",
    "x**2": "PowBackward0",
    "-x": "NegBackward0",
}


@pytest.mark.parametrize(("source", "name"), TORCH_NAMES.items())
def test_operations_carry_pytorchs_grad_fn_names(source, name):
    doc = document("graph", source, "--at", "x=2", "--at", "w=1")
    assert doc["nodes"][-1]["op"] == name


def test_vector_operations_carry_pytorchs_names_too():
    # torch.sum(v*v).grad_fn.name(), torch.dot(v, v).grad_fn.name()
    doc = document("graph", "sum(v*v) + dot(v, v)", "--at", "v=[1,2]")
    assert {n["op"] for n in doc["nodes"]} >= {"SumBackward0", "DotBackward0", "MulBackward0"}


# --- bounded ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big():
    """A program whose loop records 10^5 operations (50,000 iterations of * and +)."""
    program = "s = 0\nfor i in range(50000):\n    s = s + x*i\ns"
    return program, expression_graph(gradcli.compile(program), bind(["x=0.5"], None))


def test_a_graph_of_100000_nodes_stays_within_the_limit_in_every_form(big):
    _, graph = big
    assert len(graph.operations) == 100_000
    assert float(graph.leaves[0].adjoint) == sum(range(50000))
    for view in ("tree", "trace"):
        for collapse in (False, True):
            text = graph_plain(graph, view, 200, collapse)
            assert len(text.splitlines()) < 600, (view, collapse)
            assert len(text) < 60_000, (view, collapse)
    doc = graph_document(graph, 200, False)
    assert doc["nodes_shown"] == 200 and doc["elided"] == 100_001 - 200
    assert len(graph_dot(graph, 200, False)) < 60_000
    assert "showing 200 of 100,001 nodes" in graph_plain(graph, "tree", 200, False)


def test_collapse_folds_a_loop_to_its_first_and_last_iterations(big):
    _, graph = big
    text = graph_plain(graph, "tree", 200, True)
    assert "49,998 more repeats of the same 2 operations (MulBackward0, AddBackward0)" in text
    assert len(text.splitlines()) < 20
    doc = graph_document(graph, 0, True)
    (fold,) = doc["folds"]
    assert (fold["period"], fold["repeats"], fold["nodes"]) == (2, 49_998, 99_996)
    assert doc["elided"] == 0 and doc["nodes_shown"] + fold["nodes"] == doc["nodes_total"]


def test_the_command_bounds_a_100000_node_graph(big, tmp_path):
    program, _ = big
    path = tmp_path / "loop.gc"
    path.write_text(program)
    code, out, err = run("graph", "-f", str(path), "--at", "x=0.5", "--view", "trace")
    assert code == 0, err
    assert len(out.splitlines()) < 600 and "showing 200 of 100,001 nodes" in out


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (list("ABABABAB"), [(0, 2, 4)]),
        (list("CAAAAB"), [(1, 1, 4)]),
        (list("ABCABD"), []),
        (list("XABCABCABCY"), [(1, 3, 3)]),
    ],
)
def test_find_folds(ops, expected):
    assert [(f.first, f.period, f.repeats) for f in find_folds(ops)] == expected


# --- formats ----------------------------------------------------------------------------

_DOT_TOKEN = re.compile(
    r'\s*(?:("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z_0-9]*|-?\d+(?:\.\d+)?)|(->|[{}\[\];=,]))', re.S
)


def dot_statements(text: str) -> list[list[str]]:
    """A strict check of the DOT that gradcli writes (``digraph ID { stmt; ... }`` with node,
    edge, attribute and ``node [...]`` statements), token by token; raises on anything else."""
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _DOT_TOKEN.match(text, position)
        assert match and match.end() > position, f"bad DOT at {text[position : position + 30]!r}"
        tokens.append(match.group(match.lastindex))
        position = match.end()
    assert tokens[:3] == ["digraph", "gradcli", "{"] and tokens[-1] == "}"
    ident = re.compile(r'^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z_0-9]*|-?\d+(?:\.\d+)?)$')
    statements, current = [], []
    for token in tokens[3:-1]:
        if token == ";":
            statements.append(current)
            current = []
        else:
            current.append(token)
    assert not current, "a statement without its semicolon"
    for s in statements:
        if len(s) == 3 and s[1] in ("=", "->"):
            assert ident.match(s[0]) and ident.match(s[2])
            continue
        assert ident.match(s[0]) and s[1] == "[" and s[-1] == "]", s
        attributes = " ".join(s[2:-1]).split(" , ")
        for a in attributes:
            key, eq, value = a.split(" ", 2)
            assert ident.match(key) and eq == "=" and ident.match(value), a
    return statements


def test_dot_is_valid_and_escapes_the_users_text(tmp_path):
    program = '# a "quoted" \\ comment\nt = x*y\nt + sin(t)'
    code, out, err = run("graph", program, "--at", "x=2", "--at", "y=3", "-o", "dot")
    assert code == 0, err
    statements = dot_statements(out)
    edges = [s for s in statements if len(s) == 3 and s[1] == "->"]
    assert len(edges) == 5  # x, y -> v1; v1 -> v2, v3; v2 -> v3
    assert '\\"quoted\\" \\\\ comment' in out
    if shutil.which("dot"):  # Graphviz itself, where it is installed (apt-get install graphviz)
        svg = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True)
        assert svg.returncode == 0, svg.stderr
        assert "<svg" in svg.stdout and "MulBackward0" in svg.stdout


def test_the_dot_check_refuses_broken_dot():
    with pytest.raises(AssertionError):
        dot_statements('digraph gradcli {\n  "a [label="x"];\n}')
    with pytest.raises(AssertionError):
        dot_statements('digraph gradcli {\n  "a" -> "b"\n}')


def test_json_follows_its_documented_schema():
    doc = document("graph", "norm(v) * x", "--at", "v=[3,4]", "--at", "x=2")
    assert set(doc) == {"expression", "output", "weights", "nodes_total", "nodes_shown",
                        "elided", "nodes", "edges", "folds"}  # fmt: skip
    ids = {n["id"] for n in doc["nodes"]}
    for node in doc["nodes"]:
        assert set(node) == {"id", "kind", "op", "name", "text", "span", "column", "shape",
                             "value", "adjoint", "inputs"}  # fmt: skip
        assert node["kind"] in ("leaf", "operation")
        assert all(i is None or i in ids for i in node["inputs"])
        if node["span"] is not None:
            assert doc["expression"][slice(*node["span"])] == node["text"]
    for edge in doc["edges"]:
        assert edge["from"] in ids and edge["to"] in ids and isinstance(edge["argument"], int)
    assert doc["output"] in ids and doc["nodes_total"] == len(doc["nodes"])
    v = nodes_by_text(doc)["v"]
    assert v["shape"] == [2] and v["adjoint"] == pytest.approx([1.2, 1.6])


def test_mermaid_and_the_rich_views():
    code, out, _ = run("graph", "(x+w)*(w+1)", "--at", "x=2", "--at", "w=1", "-o", "mermaid")
    assert code == 0 and out.startswith("flowchart BT") and out.count("-->") == 5
    for view in ("tree", "trace"):
        code, out, _ = run(
            "graph", "(x+w)*(w+1)", "--at", "x=2", "--at", "w=1", "--view", view, "-o", "table"
        )
        assert code == 0 and "MulBackward0" in out and "AddBackward0" in out


TREE_LINE = re.compile(r"((?:[│ ]  )*)(├─ |└─ )")


@pytest.mark.parametrize("columns", [40, 60])
@pytest.mark.parametrize(
    "source",
    [
        "s = x; for i in range(1000) { s = s*x + 1 }; s",
        "exp(sin(x)*cos(x)) + log(1 + x*x) * tanh(x) + sqrt(x + 3)",
    ],
)
def test_a_wrapped_tree_line_keeps_the_guides_of_its_depth(source, columns):
    """Below a node's first line, its words continue after the guides of its ancestors and
    a `│` where a sibling follows it: the tree reads at 40 columns."""
    result = CliRunner().invoke(
        app,
        ["graph", source, "--at", "x=0.5", "--collapse", "-o", "table"],
        env={"COLUMNS": str(columns)},
    )
    lines = result.stdout.splitlines()
    root = next(i for i, line in enumerate(lines) if "Backward" in line)
    continuation, wrapped = "", 0
    for line in lines[root + 1 :]:
        node = TREE_LINE.match(line)
        if node:
            guides, joint = node.groups()
            continuation = guides + ("│  " if joint == "├─ " else "   ")
            continue
        wrapped += 1
        assert line.startswith(continuation), (line, continuation)
        # the words go on where the first line's began, not at a guide of another depth
        assert line[len(continuation)] not in "│├└ ", line
        assert len(line) <= columns
    assert wrapped >= 3  # the lines did wrap


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--at", "x=1", "-o", "svg"], "-o svg: choose one of"),
        (["x", "--at", "x=1", "--view", "dag"], "--view dag: choose tree or trace"),
        (["x*y", "--at", "x=1", "--at", "y=2", "--wrt", "z"], "--wrt z: no such variable"),
        (["x", "--at", "x=1", "-o", "json", "--digits", "3"], "--digits"),
        (["v*v", "--at", "v=[1,2]", "--weights", "[1,2,3]"], "--weights has shape (3,)"),
    ],
)
def test_bad_requests_are_one_error_line(args, message):
    code, out, err = run("graph", *args)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err


# --- the library --------------------------------------------------------------------------


def test_gradcli_graph_of_a_python_api_tensor():
    x = gradcli.tensor(2.0, requires_grad=True)
    v = gradcli.arange(3.0, requires_grad=True)
    y = gradcli.sin(x) * x + (v * v).sum()
    g = gradcli.graph(y, names={"x": x, "v": v})
    assert [o.op for o in g.operations] == [
        "SinBackward0", "MulBackward0", "MulBackward0", "SumBackward0", "AddBackward0"
    ]  # fmt: skip
    leaves = {leaf.label: leaf for leaf in g.leaves}
    assert float(leaves["x"].adjoint) == pytest.approx(np.cos(2) * 2 + np.sin(2))
    assert leaves["v"].adjoint.tolist() == [0.0, 2.0, 4.0]
    sin = g.operations[0]
    assert float(sin.value) == pytest.approx(np.sin(2)) and float(sin.adjoint) == 2.0
    assert "SinBackward0" in str(g) and "SinBackward0" in repr(g)
    assert json.loads(g.to_json())["nodes_total"] == 7 and g.to_dict()["output"] == "v5"
    dot_statements(g.to_dot())
    assert g.to_mermaid().startswith("flowchart")
    # The graph is still there, and no .grad was touched.
    assert x.grad is None
    y.backward()
    assert float(x.grad) == pytest.approx(np.cos(2) * 2 + np.sin(2))


def test_gradcli_graph_refuses_a_tensor_without_history():
    with pytest.raises(AutogradError, match="no recorded graph"):
        gradcli.graph(gradcli.tensor(1.0))


def test_json_text_is_bounded_and_its_span_locates_all_of_it():
    source = "+".join(f"x*{i}" for i in range(1, 200))
    doc = document("graph", source, "--at", "x=1", "--max-nodes", "3")
    top = nodes_by_text(doc)
    (output,) = [n for n in doc["nodes"] if n["id"] == doc["output"]]
    assert len(output["text"]) == 200 and "…" in output["text"]
    assert doc["expression"][slice(*output["span"])] == source
    assert output["text"].startswith(source[:99]) and output["text"].endswith(source[-100:])
    assert len(top) == 3
