"""The batch axis (#19): every row of a batched evaluation gets exactly its single-point answer.

The property tests call ``points.batched`` (and ``at_points`` for programs) and hold each
row to ``compute.differentiate`` at that row alone, while watching that the rows really
went through the batching rules rather than the single-point path, which would hide a
wrong rule behind a right answer.
"""

from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli import compute, registry
from gradcli.autograd import creation
from gradcli.autograd.function import no_grad
from gradcli.autograd.tensor import Tensor
from gradcli.batching import KINDS, Batched, Diverged, settle
from gradcli.compute import points
from gradcli.compute.evaluation import as_array
from gradcli.compute.points import VALUE, Request, at_points
from gradcli.errors import GradcliError, RegistrationError
from gradcli.language import compile
from gradcli.language.values import Elements

CONSTANTS = compute.bind(
    ["c=0.7", "v=[0.5,-1.5]", "w=[1,2,3]", "m=[[0.1,-0.2],[0.3,0.4],[-0.5,0.6]]"]
)
ROWS = 4

# --- the single-point answer, and the batched one held to it -------------------------------


def single_point(expression, row, request, constants=CONSTANTS):
    """The results of ``request.parts()`` at one row, by the single-point path."""
    bound = [*constants, *(compute.Binding(n, "", np.asarray(v)) for n, v in row.items())]
    if not request.wrt:
        with no_grad():
            return [as_array(expression.evaluate({b.name: Tensor(b.value) for b in bound}))]
    result = compute.differentiate(
        expression, bound, wrt=list(request.wrt), order=request.order, hessian=request.hessian
    )
    parts = [np.asarray(result.value)] + [np.asarray(result.gradient[n]) for n in request.wrt]
    if request.order:
        parts += [
            np.asarray(result.derivatives[n][k - 1])
            for n in request.wrt
            for k in range(2, request.order + 1)
        ]
    if request.hessian:
        parts += list(np.asarray(result.hessian[1]).reshape(-1))
    return parts


def assert_rows_are_single_points(expression, rows, request, found, constants=CONSTANTS):
    count = len(next(iter(rows.values())))
    assert len(found) == len(request.parts())
    for r in range(count):
        expected = single_point(expression, {n: v[r] for n, v in rows.items()}, request, constants)
        assert len(expected) == len(found)
        for part, got, want in zip(request.parts(), found, expected):
            want = np.asarray(want, dtype=float)
            assert got.shape == (count, *want.shape), (part.label, got.shape, want.shape)
            finite = np.abs(want[np.isfinite(want)])
            scale = max(1.0, float(finite.max(initial=0.0)))
            np.testing.assert_allclose(
                got[r], want, rtol=1e-13, atol=1e-13 * scale,
                err_msg=f"{expression.source!r}, row {r}, {part.label}",
            )  # fmt: skip


@contextmanager
def single_point_calls():
    """The calls of the single-point path (``points._row_by_row``) within the block."""
    with mock.patch.object(points, "_row_by_row", wraps=points._row_by_row) as spy:
        yield spy


@contextmanager
def batched_calls():
    """The row indices of each call of ``points.batched`` that returned (not Diverged)."""
    groups = []
    original = points.batched

    def counted(expression, constants, rows, request, count):
        found = original(expression, constants, rows, request, count)
        groups.append({n: tuple(v.tolist()) for n, v in rows.items()})
        return found

    with mock.patch.object(points, "batched", side_effect=counted) as spy:
        spy.groups = groups
        yield spy


def taylor_mode_fails_at_one_point(expression, rows, request):
    """Whether the single point itself leaves Taylor mode (for nested reverse mode) at some
    row: there the batched evaluation rightly goes point by point."""
    if request.order is None:
        return False
    for r in range(len(next(iter(rows.values())))):
        bound = [*CONSTANTS, *(compute.Binding(n, "", np.asarray(v[r])) for n, v in rows.items())]
        result = compute.differentiate(
            expression, bound, wrt=list(request.wrt), order=request.order
        )
        if result.method == "nested":
            return True
    return False


def assert_batched(text, expression, rows, request, alone):
    """That the rows went through the batching rules, where nothing asks otherwise."""
    if alone.called:
        assert taylor_mode_fails_at_one_point(expression, rows, request), (
            f"{text!r} went through the single-point path"
        )


# --- random expressions, by the shape of one row's value -----------------------------------

S, V2, V3, M23, M32, T3 = (), (2,), (3,), (2, 3), (3, 2), (2, 2, 3)
LEAVES = {  # mostly values that differ from row to row
    S: ["x", "y", "x", "y", "c", "0.5", "(-1.25)"],
    V2: ["v", "(v * y)", "[x, y]", "arange(1, 3)", "(zeros(2) + y)"],
    V3: ["w", "(w * x)", "[y, x, 1]", "arange(3)", "(ones(3) * x)"],
    M23: ["m.T", "(m.T * y)", "[[x, 1, y], [y, x, 2]]", "(ones(2, 3) * y)"],
    M32: ["m", "(m * x)", "[[x, y], [1, x], [y, 2]]"],
    T3: ["(reshape(arange(12), 2, 2, 3) * 0.1 * x)", "(reshape(arange(12), 2, 2, 3) * 0.1 + y)"],
}
UNARY = ["sin", "cos", "tanh", "sigmoid", "atan", "softplus"]
REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "logsumexp", "norm", "max", "min"]


def _dims(ndim):
    return list(range(-ndim, ndim))


def _reduce(draw, sub, source, dim=None):
    """red(source) to a scalar (dim None) or over ``dim``; keepdim's axis is indexed away."""
    name = draw(st.sampled_from(REDUCTIONS))
    kept = draw(st.booleans())
    # (norm with p=3 and keepdim=1 fails at one point: keepdim reaches it as 1.0.)
    extra = ", p=3" if name == "norm" and not kept and draw(st.booleans()) else ""
    a = sub(source)
    if dim is None:
        if not kept:
            return f"{name}({a}{extra})"
        return f"{name}({a}, keepdim=1)[{', '.join(['0'] * len(source))}]"
    if not kept:
        return f"{name}({a}{extra}, dim={dim})"
    index = [":"] * len(source)
    index[dim] = "0"
    return f"{name}({a}, dim={dim}, keepdim=1)[{', '.join(index)}]"


def _generic(draw, sub, shape):
    kinds = ["unary", "binary", "divide", "where", "pair"]
    kind = draw(st.sampled_from(kinds + ["along"] * bool(shape) + ["T"] * (len(shape) == 1)))
    if kind == "unary":
        return f"{draw(st.sampled_from(UNARY))}({sub(shape)})"
    if kind == "binary":
        other = draw(st.sampled_from([shape, S]))
        left, right = sub(shape), sub(other)
        if draw(st.booleans()):
            left, right = right, left
        return f"({left}) {draw(st.sampled_from(['+', '-', '*']))} ({right})"
    if kind == "divide":
        return f"({sub(shape)}) / (1.5 + ({sub(draw(st.sampled_from([shape, S])))})**2)"
    if kind == "where":
        condition = draw(st.sampled_from([shape, S]))
        return f"where(({sub(condition)}) > 0.1, {sub(shape)}, {sub(shape)})"
    if kind == "pair":
        return f"{draw(st.sampled_from(['max', 'min']))}({sub(shape)}, ({sub(shape)}) + 0.37)"
    if kind == "along":
        name = draw(st.sampled_from(["softmax", "log_softmax"]))
        dim = draw(st.sampled_from(["", *(f", dim={d}" for d in _dims(len(shape))), ", 0"]))
        return f"{name}({sub(shape)}{dim})"
    return f"({sub(shape)}).T"


def _scalar(draw, sub):
    kind = draw(st.sampled_from(["reduce", "reduce_dim", "dot", "matmul", "index", "mse"]))
    if kind == "reduce":
        return _reduce(draw, sub, draw(st.sampled_from([V2, V3, M23, M32, T3])))
    if kind == "reduce_dim":
        return _reduce(draw, sub, draw(st.sampled_from([V2, V3])), draw(st.sampled_from([0, -1])))
    if kind == "dot":
        n = draw(st.sampled_from([V2, V3]))
        return f"dot({sub(n)}, {sub(n)})"
    if kind == "matmul":
        return draw(
            st.sampled_from(
                [f"({sub(V3)}) @ ({sub(V3)})", f"(({sub(V2)}) @ ({sub(M23)})) @ ({sub(V3)})",
                 f"({sub(V2)}) @ (({sub(M23)}) @ ({sub(V3)}))"]
            )
        )  # fmt: skip
    if kind == "index":
        i = draw(st.integers(-2, 1))
        return draw(
            st.sampled_from(
                [f"({sub(V3)})[{i - 1}]", f"({sub(V2)})[{i}]", f"({sub(M23)})[{i}, {i - 1}]",
                 f"({sub(M32)})[{i - 1}][{i}]", f"({sub(T3)})[{i}, {i}, {i - 1}]",
                 f"sum(({sub(T3)})[[1, 0], :, [2, 0]] * [[1, 2], [3, 4]])",
                 f"sum(({sub(T3)})[{i}, :, [2, 0, 1]] * [[1, 2], [3, 4], [5, 6]])"]
            )
        )  # fmt: skip
    shape = draw(st.sampled_from([V2, V3, M23]))
    return f"mse({sub(shape)}, {sub(shape)})"


def _vector2(draw, sub):
    j = draw(st.integers(-3, 2))
    return draw(
        st.sampled_from(
            [
                lambda: _reduce(draw, sub, M23, draw(st.sampled_from([1, -1]))),
                lambda: _reduce(draw, sub, M32, draw(st.sampled_from([0, -2]))),
                lambda: f"({sub(M23)}) @ ({sub(V3)})",
                lambda: f"({sub(V3)}) @ ({sub(M32)})",
                lambda: f"stack([{sub(S)}, {sub(S)}]{draw(st.sampled_from(['', ', dim=-1']))})",
                lambda: f"[{sub(S)}, {sub(S)}]",
                lambda: f"cat([{sub(S)}, {sub(S)}])",
                lambda: f"({sub(V3)})[{draw(st.sampled_from(['1:', ':2', '::2', '-2:']))}]",
                lambda: f"({sub(V3)})[{draw(st.sampled_from(['[0, 2]', '[-1, 0]', '[1, 1]']))}]",
                lambda: f"({sub(M23)})[:, {j}]",
                lambda: f"({sub(M32)})[{j}]",
                lambda: f"sum(({sub(T3)})[[0, 1], :, [2, 0]], dim=0)",
                lambda: f"({sub(T3)})[{j % 2}, :, {j}]",
            ]
        )
    )()


def _vector3(draw, sub):
    j = draw(st.integers(-2, 1))
    return draw(
        st.sampled_from(
            [
                lambda: _reduce(draw, sub, M23, draw(st.sampled_from([0, -2]))),
                lambda: _reduce(draw, sub, M32, draw(st.sampled_from([1, -1]))),
                lambda: f"({sub(V2)}) @ ({sub(M23)})",
                lambda: f"({sub(M32)}) @ ({sub(V2)})",
                lambda: f"stack([{sub(S)}, {sub(S)}, {sub(S)}], dim=0)",
                lambda: f"[{sub(S)}, {sub(S)}, {sub(S)}]",
                lambda: f"cat([{sub(V2)}, {sub(S)}])",
                lambda: f"cat([{sub(S)}, {sub(V2)}], dim=-1)",
                lambda: f"(ones(3) * ({sub(S)}) + arange(1, 4))",
                lambda: f"({sub(M23)})[{j}]",
                lambda: f"({sub(M32)})[:, {j}]",
                lambda: f"({sub(V3)})[[2, 0, -2]]",
                lambda: f"reshape(reshape({sub(V3)}, 3, 1), -1)",
                lambda: f"({sub(T3)})[{j}, {j}]",
            ]
        )
    )()


def _matrix23(draw, sub):
    j = draw(st.integers(-2, 1))
    transposed = draw(
        st.sampled_from(["({}).T", "transpose({})", "transpose({}, 1, 0)", "transpose({}, -1, -2)"])
    )
    return draw(
        st.sampled_from(
            [
                lambda: transposed.format(sub(M32)),
                lambda: f"stack([{sub(V3)}, {sub(V3)}]{draw(st.sampled_from(['', ', dim=-2']))})",
                lambda: f"[{sub(V3)}, {sub(V3)}]",
                lambda: f"reshape({sub(M32)}, 2, {draw(st.sampled_from(['3', '-1']))})",
                lambda: f"reshape({sub(T3)}, 4, 3)[1:3]",
                lambda: f"({sub(M23)})[[1, 0]]",
                lambda: f"({sub(M23)})[:, [2, 0, 1]]",
                lambda: f"cat([({sub(M23)})[:1], ({sub(M23)})[1:]])",
                lambda: f"cat([({sub(M23)})[:, :1], ({sub(M23)})[:, 1:]], dim=1)",
                lambda: f"(({sub(M23)}) @ ({sub(M32)})) @ ({sub(M23)})",
                lambda: f"({sub(M23)}) * ({sub(V3)})",
                lambda: _reduce(draw, sub, T3, draw(st.sampled_from([0, 1, -3, -2]))),
                lambda: f"({sub(T3)})[{j}]",
                lambda: f"({sub(T3)})[:, {j}]",
                lambda: f"({sub(T3)})[[1, 0], {j}, :]",
            ]
        )
    )()


def _matrix32(draw, sub):
    j = draw(st.integers(-2, 1))
    transposed = draw(st.sampled_from(["({}).T", "transpose({})", "transpose({}, -2, 1)"]))
    return draw(
        st.sampled_from(
            [
                lambda: transposed.format(sub(M23)),
                lambda: f"stack([{sub(V3)}, {sub(V3)}], dim={draw(st.sampled_from([1, -1]))})",
                lambda: f"reshape({sub(M23)}, {draw(st.sampled_from(['3, 2', '-1, 2']))})",
                lambda: f"({sub(M32)})[[2, 0, 1]]",
                lambda: f"({sub(M32)})[:, [1, 0]]",
                lambda: f"({sub(M32)}) @ (({sub(M23)}) @ ({sub(M32)}))",
                lambda: f"({sub(T3)})[{j}, :, [2, 0, 1]]",
                lambda: f"transpose({sub(T3)}, 0, 2)[:, {j}]",
                lambda: f"({sub(T3)}).T[:, :, {j}]",
                lambda: f"({sub(T3)})[{j}].T",
            ]
        )
    )()


def _tensor3(draw, sub):
    return draw(
        st.sampled_from(
            [
                lambda: f"stack([{sub(M23)}, {sub(M23)}]{draw(st.sampled_from(['', ', dim=1']))})",
                lambda: f"reshape(cat([{sub(M23)}, {sub(M23)}]), 2, 2, 3)",
                lambda: f"transpose({sub(T3)}, 0, 1)",
                lambda: f"({sub(T3)})[:, [1, 0]]",
                lambda: f"({sub(T3)})[:, :, [2, 0, 1]]",
                lambda: f"transpose(({sub(T3)})[[[0], [1]], :, [[2, 0, 1]]], 1, 2)",
                lambda: f"({sub(T3)}) * ({sub(M23)})",
            ]
        )
    )()


SPECIFIC = {S: _scalar, V2: _vector2, V3: _vector3, M23: _matrix23, M32: _matrix32, T3: _tensor3}


@st.composite
def expressions(draw, shape=S, depth=3, top=False):
    """A random expression whose value has ``shape`` at each row (at the top, one of the
    operations that change shapes)."""
    if not top and (depth == 0 or draw(st.integers(0, 4)) == 0):
        return draw(st.sampled_from(LEAVES[shape]))

    def sub(inner):
        return draw(expressions(inner, depth - 1))

    if not top and draw(st.integers(0, 2)) == 0:
        return _generic(draw, sub, shape)
    return SPECIFIC[shape](draw, sub)


DIFF_REQUESTS = [
    Request(("x", "y")),
    Request(("x", "y", "c"), order=2),
    Request(("y", "c"), order=3),
    Request(("x", "y", "c"), hessian=True),
    Request(("c",), order=3),
    Request(("x", "w", "m")),  # by a constant every row shares: each row's own gradient
]


@st.composite
def cases(draw):
    """An expression and a request: values (of any shape) or derivatives (of a number)."""
    request = draw(st.sampled_from([Request(), *DIFF_REQUESTS]))
    shape = draw(st.sampled_from([S, V2, V3, M23, M32, T3])) if not request.wrt else S
    return draw(expressions(shape, top=True)), request


def rows_from(seed, count=ROWS):
    rng = np.random.default_rng(seed)
    return {"x": rng.uniform(-2, 2, count), "y": rng.uniform(-2, 2, count)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), seed=st.integers(0, 2**16))
def test_batched_rows_of_random_expressions_are_single_points(case, seed):
    text, request = case
    expression = compile(text)
    rows = rows_from(seed)
    with single_point_calls() as alone:
        found = points.batched(expression, CONSTANTS, rows, request, ROWS)
    assert_batched(text, expression, rows, request, alone)
    assert_rows_are_single_points(expression, rows, request, found)


@pytest.mark.parametrize(
    "text",
    [
        "sum(softmax([x, y, x*y]) * w)",
        "dot([x, y, 1], w) + sum(([x, y] @ m.T) * w)",
        "sum(m @ [x, y]) + [x, y] @ v",
        "logsumexp(stack([[x, y], [y, x]], dim=1), dim=0)[1]",
        "sum(reshape(cat([w*x, [y, x, 1]]), 2, 3).T[1])",
        "amax([x, y, 1.3]) + amin([x, y, -1.3]) + max(x, y) + max([x, y, 2.5])",
        "norm([x, y, 3], dim=0, keepdim=1)[0] + prod([x, y, 2])",
        "sum(where([x, y, 1] > 0, w*x, w*y))",
        "sum(arange(3) * [x, y, x*y][[2, 0, -1]])",
        "mean(log_softmax([[x, y], [1, x]], dim=0))",
        "sum(zeros(3) + ones(3)*x) + w[-1]*y",
        "t = reshape(arange(12)*x, 2, 2, 3) + y; sum(t[[0, 1], :, [1, 0]] * t[0, :, [2, 0]])",
        "t = reshape(arange(12)*x, 2, 2, 3) + y; sum(sin(t.T) * arange(12).reshape(3, 2, 2))",
        "([x, y] @ [[x, 1], [y, 2]]) @ [[1, x], [y, 1]] @ v",
        # #22's rows, with numbers as arguments (elementwise rule, as at one point)
        "logaddexp(x, y) + erf(x) * silu(y) + hardtanh(x * y, -0.5, 0.5) + leaky_relu(x - y, 0.2)"
        " + round(x, 1) * floor(y) + remainder(3 * x, 1.5 + y * y) + sum(gelu([x, y]) * w[:2])",
        # #22: along a dim, reductions, and operations computed row by row in the batched pass
        "sum(cumsum([x, y, x*y], 0) * w) + cumprod([x, y], -1)[1] + logcumsumexp([[x, y], [1, x]], 0)[1, 0]",
        "var([x, y, 1]) + std(stack([[x, y], [y, 2]]), 1)[0] + var([[x, y, 1], [2, x, y]], dim=0, keepdim=1)[0, 1]",
        "median([x, y, 0.25]) + median([[x, 1.5], [y, -1.5]], 1)[1] + median([x*y, c])",
        "sum(tril(m @ m.T) * 2) + trace(triu(reshape([x, y, x*y, 1], 2, 2), -1)) + sum(diag([x, y]) @ v)",
        "sum(flip([x, y, 1], 0) * w) + roll([x, y, x*y], 1)[0] + sum(outer([x, y], w) @ w)",
        "cross([x, y, 1], w)[2] + sum(mv(m, [x, y]) * w) + sum(cross([[x, y, 1], w], [y, 1, x], dim=1))",
    ],
)
@pytest.mark.parametrize("request_", [Request(), *DIFF_REQUESTS], ids=repr)
def test_hand_picked_expressions(text, request_):
    expression = compile(text)
    rows = rows_from(1)
    with single_point_calls() as alone:
        found = points.batched(expression, CONSTANTS, rows, request_, ROWS)
    assert_batched(text, expression, rows, request_, alone)
    assert_rows_are_single_points(expression, rows, request_, found)


def test_rows_that_fail_alone_leave_the_others_their_answers():
    # log of a negative x is NaN in that row only; the other rows keep their answers.
    expression = compile("logsumexp([log(x), y, sum(w*x)])")
    rows = {"x": np.array([1.0, -1.0, 2.0, 0.5]), "y": np.array([0.3, 0.2, -1.0, 4.0])}
    for request in (Request(), Request(("x", "y")), Request(("x", "y"), hessian=True)):
        found = points.batched(expression, CONSTANTS, rows, request, ROWS)
        assert np.isnan(found[0][1]) and np.isfinite(np.delete(found[0], 1)).all()
        assert_rows_are_single_points(expression, rows, request, found)


# --- batched, not point by point, where nothing at the rows needs it -------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_in_taylor_mode_is_batched(name):
    expression = compile(f"sum({name}([x, y, x*y]) * w)")
    rows = rows_from(2)
    with single_point_calls() as alone:
        points.batched(expression, CONSTANTS, rows, Request(("x",), order=2), ROWS)
    assert not alone.called


def test_mse_with_a_shared_target_is_batched():
    expression = compile("mse([x, y, x], w)")
    rows = rows_from(3)
    with single_point_calls() as alone:
        points.batched(expression, CONSTANTS, rows, Request(("x",)), ROWS)
    assert not alone.called


# --- programs --------------------------------------------------------------------------------

# Control flow that does not depend on the rows: the whole chunk in one evaluation.
UNIFORM = [
    "t = {A3}; for i in range(3) {{ t = tanh(t) * ({B}) + w[i] }}; sum(t)",
    "s = {B}; for i in range(1, 4) {{ s = s + ({A}) * i; if i > 2 {{ s = s * c }} }}; s",
    "if c > 0.5 {{ r = {A} }} else {{ r = {B} }}; r",
    "r = ({A}) if c < 0.5 else ({B}); r",
    "k = 0; while k < 3 {{ k = k + 1 }}; t = {A3}; t[k - 1] + ({B})",
    "def f(a) {{ return sum(a * w) }}; f({A3}) + f({B3}) * ({A})",
    "t = 0 * w; for i in range(3) {{ t = t + softmax({A3}) * i }}; t @ w + ({B})",
]
# Control flow that may differ from row to row: groups of rows on one path.
DIVERGING = [
    "if ({A}) > 0.2 {{ r = {B} }} else {{ r = {C} }}; r",
    "r = ({B}) if x > y else ({C}); r",
    "z = {A}; n = 0; while abs(z) < 4 and n < 6 {{ z = z*1.7 + 0.3; n = n + 1 }}; z + n*({B})",
    "t = {A3}; for i in range(3) {{ if t[i] > 0 {{ t = t * ({B}) }} else {{ t = t - 1 }} }}; sum(t)",
    "t = {A3}; t[(x > 0) + (y > 0)] * ({B})",
    "s = 0; for i in range((x > 0) + 2) {{ s = s + ({A})*i }}; s + ({B})",
]


@st.composite
def programs(draw):
    diverging = draw(st.booleans())
    template = draw(st.sampled_from(DIVERGING if diverging else UNIFORM))
    parts = {
        "A": draw(expressions(S, 2)), "B": draw(expressions(S, 2)), "C": draw(expressions(S, 2)),
        "A3": draw(expressions(V3, 2)), "B3": draw(expressions(V3, 2)),
    }  # fmt: skip
    return template.format(**parts), diverging


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=programs(),
    request_=st.sampled_from([Request(), *DIFF_REQUESTS[:5]]),
    seed=st.integers(0, 2**16),
)
def test_programs_give_each_row_its_single_point_answer(program, request_, seed):
    text, diverging = program
    expression = compile(text)
    rows = rows_from(seed)
    with batched_calls() as calls, single_point_calls() as alone:
        blocks = at_points(expression, CONSTANTS, rows, request_)
    if not diverging:
        assert calls.call_count == 1, "control flow on constants split the rows"
        assert_batched(text, expression, rows, request_, alone)
    found = [array for _, array in blocks[len(rows) :]]
    assert_rows_are_single_points(expression, rows, request_, found)


SEED_PROGRAM = "b = a*2; while b.norm() < 1000 { b = b*2 }; b if b.sum() > 0 else 100*b"


def test_the_doubling_program_groups_rows_by_their_path():
    # Paths (doublings, sign): 2 -> (8, +) twice, -3 -> (8, -), 0.5 -> (10, +),
    # -0.01 -> (16, -), 7 -> (7, +), 600 -> (0, +), -600 -> (0, -): seven groups.
    a = np.array([2.0, -3.0, 0.5, -0.01, 7.0, 2.0, 600.0, -600.0])
    expression = compile(SEED_PROGRAM)
    for request in (Request(), Request(("a",), order=3), Request(("a",), hessian=True)):
        with batched_calls() as calls, single_point_calls() as alone:
            blocks = at_points(expression, [], {"a": a}, request)
        groups = sorted(sorted(g["a"]) for g in calls.groups)
        assert groups == sorted([[2.0, 2.0], [-3.0], [0.5], [-0.01], [7.0], [600.0], [-600.0]])
        assert calls.call_count > len(groups)  # the chunk, then each split, ran and diverged
        assert not alone.called
        found = [array for _, array in blocks[1:]]
        assert_rows_are_single_points(expression, {"a": a}, request, found, constants=[])
        assert blocks[1][1].tolist() == [1024.0, -153600.0, 1024.0, -131072.0, 1792.0, 1024.0,
                                         1200.0, -120000.0]  # fmt: skip


def test_a_branch_on_the_row_splits_the_rows_in_two():
    expression = compile("if x > 0 { r = x**2 * sum(w*y) } else { r = sin(x) * y }; r")
    rows = {"x": np.array([1.0, -1.0, 2.0, -2.0]), "y": np.array([0.5, 0.25, -1.0, 3.0])}
    for request in (Request(("x", "y"), order=2), Request(("x", "y"), hessian=True)):
        with batched_calls() as calls, single_point_calls() as alone:
            blocks = at_points(expression, CONSTANTS, rows, request)
        assert calls.call_count == 3 and not alone.called
        assert sorted(g["x"] for g in calls.groups) == [(-1.0, -2.0), (1.0, 2.0)]
        assert_rows_are_single_points(expression, rows, request, [b for _, b in blocks[2:]])


def test_loops_on_constants_run_the_chunk_once():
    expression = compile(
        "s = 0; for i in range(3) { s = s + x*w[i] + y**i }; if c > 0 { s = s * c }; s"
    )
    rows = rows_from(5)
    request = Request(("x", "y", "c"), order=3)
    with batched_calls() as calls, single_point_calls() as alone:
        blocks = at_points(expression, CONSTANTS, rows, request)
    assert calls.call_count == 1 and not alone.called
    assert_rows_are_single_points(expression, rows, request, [b for _, b in blocks[2:]])


def test_a_loop_whose_trip_count_differs_in_every_row_finishes_right():
    expression = compile("n = 0; z = x; while z > 1 { z = z/2; n = n + 1 }; n + z*x")
    x = np.array([0.5, 3.0, 17.0, 1000.0, 1e6, 1e300])
    request = Request(("x",), order=2)
    with batched_calls() as calls:
        blocks = at_points(expression, [], {"x": x}, request)
    assert sorted(g["x"] for g in calls.groups) == sorted((v,) for v in x.tolist())
    assert_rows_are_single_points(expression, {"x": x}, request, [b for _, b in blocks[1:]], [])


def test_a_row_that_never_leaves_its_loop_meets_the_budget_as_at_one_point():
    expression = compile("z = x; while z > 0 { z = z + 1 }; z", max_iterations=300)
    with pytest.raises(GradcliError, match="ran 300 times") as at_one:
        single_point(expression, {"x": np.asarray(1.0)}, Request(("x",)), [])
    with pytest.raises(type(at_one.value), match="ran 300 times"):
        at_points(expression, [], {"x": np.array([-1.0, 1.0, -2.0])}, Request(("x",)))


# --- settle ----------------------------------------------------------------------------------


def groups_of(labels):
    return sorted(sorted(np.flatnonzero(labels == label).tolist()) for label in set(labels))


def test_settle_gives_the_value_rows_agree_on():
    assert settle(2.5) == 2.5
    agreed = settle(Batched(np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]])))
    assert np.asarray(agreed).tolist() == [1.0, 2.0]
    assert float(settle(Batched(Tensor(np.array([3.0, 3.0]))))) == 3.0
    assert np.isnan(settle(Batched(np.array([np.nan, np.nan]))))
    elements = settle(Elements([Batched(np.array([1.0, 1.0])), 4.0]))
    assert isinstance(elements, Elements) and [float(e) for e in elements] == [1.0, 4.0]


def test_settle_splits_disagreeing_rows_into_groups_of_equal_rows():
    with pytest.raises(Diverged) as split:
        settle(Batched(np.array([3.0, 1.0, 3.0, np.inf, np.inf, 1.0, 2.0])))
    assert groups_of(split.value.labels) == [[0, 2], [1, 5], [3, 4], [6]]
    with pytest.raises(Diverged) as split:
        settle(Batched(Tensor(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 2.0]]))))
    assert groups_of(split.value.labels) == [[0, 2], [1]]
    with pytest.raises(Diverged) as split:
        settle(Batched(np.array([0.0, -0.0, 1.0])))  # 0 and -0 are one value, as == says
    assert groups_of(split.value.labels) in ([[0, 1], [2]], [[0], [1], [2]])


def test_settle_puts_nan_rows_in_one_group():
    with pytest.raises(Diverged) as split:
        settle(Batched(np.array([3.0, np.nan, 3.0, np.nan])))
    assert groups_of(split.value.labels) == [[0, 2], [1, 3]]


# --- Batched: indexing and .T keep the row axis first -----------------------------------------

KEYS = [
    (np.array([0, 1]), slice(None), np.array([1, 0])),
    (0, slice(None), np.array([4, 0, 2])),
    (np.array([[0], [1]]), slice(1, 3), np.array([[4, 0, 2]])),
    (np.array([True, False]), slice(None), np.array([1, 3])),
    (1, slice(None), 3),
    (slice(None), np.array([2, 0]), 1),
    (np.array([1, 0]), np.array([2, 0])),
    (
        np.array([1, -1]),
        slice(None, None, 2),
        slice(1, 4),
    ),
    (-1,),
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
@pytest.mark.parametrize("kind", ["numpy", "tensor"])
def test_indexing_a_batched_value_indexes_each_row(key, kind):
    data = np.random.default_rng(0).normal(size=(4, 2, 3, 5))
    value = Batched(Tensor(data) if kind == "tensor" else data)
    got = np.asarray(as_array(value[key].value) if kind == "tensor" else value[key].value)
    np.testing.assert_array_equal(got, np.stack([row[key] for row in data]))
    assert value[key].shape == data[0][key].shape


@pytest.mark.parametrize("kind", ["numpy", "tensor"])
def test_T_of_a_batched_value_reverses_each_rows_dimensions(kind):
    data = np.random.default_rng(1).normal(size=(4, 2, 3, 5))
    value = Batched(Tensor(data) if kind == "tensor" else data).T
    got = np.asarray(as_array(value.value) if kind == "tensor" else value.value)
    np.testing.assert_array_equal(got, np.stack([row.T for row in data]))
    assert value.shape == (5, 3, 2) and value.rows == 4


# --- the registry's batch field --------------------------------------------------------------


@pytest.fixture
def plugin_ops():
    calls = {"plugin_batched": 0, "plugin_alone": 0, "plugin_rule": 0, "rule": 0}

    def made(name):
        def function(x):
            calls[name] += 1
            return gradcli.sin(x) * x + 0.5 * x * x

        return function

    def rule(function, x):
        calls["rule"] += 1
        return Batched(function(x.value))

    registry.register("plugin_batched", made("plugin_batched"), batch="elementwise")
    registry.register("plugin_alone", made("plugin_alone"))
    registry.register("plugin_rule", made("plugin_rule"), batch=rule)
    yield calls
    for name in ("plugin_batched", "plugin_alone", "plugin_rule"):
        registry.OPS.pop(name, None)


@pytest.mark.parametrize("name", ["plugin_batched", "plugin_alone", "plugin_rule"])
@pytest.mark.parametrize("request_", [Request(), Request(("x", "y", "w"))], ids=repr)
def test_a_plugin_op_is_right_with_or_without_a_batching_rule(plugin_ops, name, request_):
    expression = compile(f"sum({name}([x, y, x*y]) * w) + {name}(c)")
    rows = rows_from(4)
    with single_point_calls() as alone:
        found = points.batched(expression, CONSTANTS, rows, request_, ROWS)
    assert not alone.called
    # Batched: one call for the rows, one for the constant; without a rule, one per row.
    assert plugin_ops[name] == (ROWS + 1 if name == "plugin_alone" else 2)
    assert plugin_ops["rule"] == (name == "plugin_rule")
    assert_rows_are_single_points(expression, rows, request_, found)


def test_a_batching_rule_that_does_not_exist_is_refused():
    with pytest.raises(RegistrationError, match="nonsense"):
        registry.register("plugin_nonsense", lambda x: x, batch="nonsense")
    assert "plugin_nonsense" not in registry.OPS


def test_the_registry_knows_the_batching_rules_by_name():
    assert tuple(KINDS) == registry._KINDS
    built_in = [info for info in registry.OPS.values() if info.origin == registry.BUILT_IN]
    assert all(info.batch in KINDS for info in built_in)


# --- random draws ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "sum(randn(3) * w) * x + y",
        "sum(randn(3 + 0*x) * w) * x + y",  # a size every row agrees on
        "r = randn(3); (sum(r * w) if x > 0 else -sum(r * w)) * x + y",
    ],
)
@pytest.mark.parametrize("request_", [Request(("x", "y")), Request(("x", "y"), order=2)], ids=repr)
def test_random_draws_are_the_same_in_every_row(text, request_):
    expression = compile(text)
    rows = {"x": np.array([1.5, -0.5, 2.0, -3.0]), "y": np.zeros(4)}
    request = request_
    creation.manual_seed(1234)
    found = [array for _, array in at_points(expression, CONSTANTS, rows, request)[2:]]
    creation.manual_seed(1234)
    alone = single_point(expression, {"x": np.asarray(1.0), "y": np.asarray(0.0)}, request)
    drawn = float(alone[0])  # sum(randn(3) * w) at one point, with the same seed
    assert abs(drawn) > 0
    # d/dx is the draws' sum(randn(3) * w) (its sign the branch's): the same in every row.
    np.testing.assert_allclose(np.abs(found[1]), abs(drawn), rtol=1e-15)
    np.testing.assert_allclose(found[0], found[1] * rows["x"], rtol=1e-15)


def test_random_draws_of_eval_are_the_same_in_every_row():
    expression = compile("randn(3) * x")
    rows = {"x": np.array([1.0, 2.0, -4.0])}
    creation.manual_seed(99)
    (value,) = [array for _, array in at_points(expression, [], rows, Request())[1:]]
    creation.manual_seed(99)
    (alone,) = single_point(expression, {"x": np.asarray(1.0)}, Request(), [])
    np.testing.assert_array_equal(value / rows["x"][:, None], np.stack([alone] * 3))


def test_norm_takes_keepdim_as_a_number_at_one_point_as_over_rows():
    # keepdim arrives as 1.0 from the language; the p-norm at one point refused it
    # while the batched rows computed it.
    rows = {"x": np.array([1.0, 2.0])}
    expression = compile("norm([x, 2], p=3, keepdim=1)")
    single = expression.evaluate({"x": Tensor(np.float64(1.0))})
    assert single.shape == (1,)
    blocks = dict(at_points(expression, [], rows, Request()))
    assert np.allclose(blocks[VALUE][:, 0], [(1 + 8) ** (1 / 3), (8 + 8) ** (1 / 3)], rtol=1e-15)
