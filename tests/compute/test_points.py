"""Many points at once: every row gets exactly the single-point answer."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcli import compute
from gradcli.compute.points import VALUE, Request, at_points, derivative
from gradcli.language import compile

UNARY = ["sin", "cos", "exp", "tanh", "sigmoid", "softplus", "atan", "abs", "sqrt", "log1p"]
BINARY = ["+", "-", "*", "/"]


@st.composite
def expressions(draw, depth=3):
    """Random expressions of x and y, elementwise or with a reduction over a constant."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "y", "0.5", "2", "w"]))
    if draw(st.booleans()):
        inner = draw(expressions(depth - 1))
        name = draw(st.sampled_from(UNARY))
        return f"{name}({inner})" if name not in ("sqrt", "log1p") else f"{name}(1+({inner})**2)"
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    op = draw(st.sampled_from(BINARY))
    return f"({left}){op}(1.5+({right})**2)" if op == "/" else f"({left}){op}({right})"


def single_point(expression, constants, row, request):
    bound = [*constants, *(compute.Binding(n, "", np.asarray(v)) for n, v in row.items())]
    result = compute.differentiate(
        expression, bound, wrt=list(request.wrt), order=request.order, hessian=request.hessian
    )
    parts = [result.value.reshape(-1)] + [result.gradient[n].reshape(-1) for n in request.wrt]
    if request.order:
        parts += [
            [result.derivatives[n][k - 1]] for n in request.wrt for k in range(2, request.order + 1)
        ]
    if request.hessian:
        parts.append(result.hessian[1].reshape(-1))
    return np.concatenate([np.asarray(p, dtype=float).reshape(-1) for p in parts])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=expressions(),
    reduce=st.booleans(),
    request=st.sampled_from(
        [Request(("x", "y")), Request(("x", "y"), order=3), Request(("x", "y"), hessian=True)]
    ),
    seed=st.integers(0, 2**16),
)
def test_batched_rows_equal_the_single_point_answer(text, reduce, request, seed):
    text = f"sum(({text})*ones(2))" if reduce else f"({text})+0*x*y"
    expression = compile(text)
    constants = compute.bind(["w=0.7"])
    rng = np.random.default_rng(seed)
    rows = {"x": rng.uniform(-2, 2, 5), "y": rng.uniform(-2, 2, 5)}
    blocks = at_points(expression, constants, rows, request)
    batched = np.concatenate([a.reshape(5, -1) for _, a in blocks[2:]], axis=1)
    for r in range(5):
        expected = single_point(expression, constants, {n: v[r] for n, v in rows.items()}, request)
        np.testing.assert_allclose(batched[r], expected, rtol=1e-13, atol=1e-13)


def test_elementwise_expressions_take_the_batched_path():
    assert compile("sin(x)*exp(-x**2/2) + where(x > 0, x, 0)").elementwise
    for text in ("sum(x)", "x @ w", "x[0]", "[x, 1]", "max(x, 0)", "x.T"):
        assert not compile(text).elementwise


def test_rows_are_never_mixed_by_a_reduction():
    # sum over a constant vector per row, not over the rows
    blocks = dict(at_points(compile("sum(x*w)"), compute.bind(["w=[1,2,3]"]),
                            {"x": np.array([1.0, 10.0])}, Request(("x",))))  # fmt: skip
    assert blocks[VALUE].ravel().tolist() == [6.0, 60.0]
    assert blocks[derivative("x")].ravel().tolist() == [6.0, 6.0]


def test_a_kink_in_one_row_gives_that_row_the_single_point_answer():
    blocks = dict(at_points(compile("abs(x)**3"), [], {"x": np.array([-1.0, 0.0, 2.0])},
                            Request(("x",), order=3)))  # fmt: skip
    assert blocks[derivative("x", 3)].ravel().tolist() == [-6.0, 0.0, 6.0]


def test_an_array_value_cannot_be_differentiated_per_row():
    from gradcli.errors import UsageError

    with pytest.raises(UsageError, match="single-number value"):
        at_points(compile("x*w"), compute.bind(["w=[1,2]"]), {"x": np.ones(3)}, Request(("x",)))


def test_an_elementwise_chunk_is_computed_at_once(monkeypatch):
    from gradcli.compute import points

    monkeypatch.setattr(points, "_row_by_row", lambda *a: pytest.fail("went row by row"))
    blocks = dict(at_points(compile("x**3*y"), [], {"x": np.arange(4.0), "y": np.ones(4)},
                            Request(("x", "y"), order=2)))  # fmt: skip
    assert blocks[derivative("x")].ravel().tolist() == [0.0, 3.0, 12.0, 27.0]
    assert blocks[derivative("x", 2)].ravel().tolist() == [0.0, 6.0, 12.0, 18.0]


# --- a row whose evaluation fails, among many --------------------------------------------------


def test_a_bad_row_among_thousands_costs_a_few_evaluations_not_one_per_row(monkeypatch):
    from gradcli.commands import stream as pipeline
    from tests.clirun import run

    calls = []

    def counted(expression, constants, rows, request):
        calls.append(len(next(iter(rows.values()))))
        return at_points(expression, constants, rows, request)

    monkeypatch.setattr(pipeline, "at_points", counted)
    xs = [i % 5 for i in range(4096)]
    xs[3000] = 7  # arange(5)[7] fails at line 3001 only
    code, out, err = run("eval", "arange(5)[x]*2", "--points", "-", "--on-error", "skip",
                         stdin="".join(f"{x}\n" for x in xs))  # fmt: skip
    assert code == 0 and "1 bad row was skipped (line 3001)" in err
    values = [float(line.split("\t")[1]) for line in out.splitlines()]
    assert values == [2.0 * x for i, x in enumerate(xs) if i != 3000]
    # The chunk, then two halves per level down to the bad row: 1 + 2 * 12.
    assert len(calls) == 25 and calls[0] == 4096 and calls.count(1) == 2
