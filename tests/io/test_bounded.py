"""Every command finishes or refuses quickly: work budgets, size caps, one function per command."""

import math
import time
import tracemalloc

import numpy as np
import pytest

from tests.clirun import document, run

# --- --order: overflow is a result; nested reverse mode only within its budget --------------


def test_overflow_to_infinity_is_a_result_not_a_change_of_method():
    doc = document("diff", "1/(1-x)", "--at", "x=0.5", "--order", "160")
    assert doc["method"] == "taylor"
    derivatives = doc["derivatives"]["x"]
    # d^k/dx^k (1-x)^-1 = k! / (1-x)^(k+1)
    for k in (1, 10, 100, 160):
        exact = math.factorial(k) * 2.0 ** (k + 1) if k < 150 else math.inf
        value = derivatives[k - 1]
        if exact == math.inf:
            assert value == "Infinity"
        else:
            assert value == pytest.approx(exact, rel=1e-13)
    assert any("not finite" in w for w in doc["warnings"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("abs(x)+exp(sin(x))*cos(x**2)/(1+x**2)", "--at", "x=0", "--order", "12"),
         ["abs is not differentiable", "x = 0.0", "budget", "lower order", "gradcli limit"]),
        (("exp(sin(x))", "--at", "x=0.5", "--order", "20", "--method", "nested"),
         ["nested reverse mode", "budget", "order 12 fits"]),
        (("x**1.5*exp(x)", "--at", "x=0", "--order", "170"), ["does not exist", "budget"]),
        (("sqrt(x)*sin(x)", "--at", "x=0", "--order", "170"), ["does not exist", "budget"]),
    ],
)  # fmt: skip
def test_nested_reverse_mode_beyond_its_budget_is_refused(args, words):
    code, out, err = run("diff", *args)
    assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1
    for word in words:
        assert word in err


def test_nested_within_its_budget_runs_and_matches_taylor_mode():
    nested = document("diff", "exp(sin(x))", "--at", "x=0.5", "--order", "8", "--method", "nested")
    taylor = document("diff", "exp(sin(x))", "--at", "x=0.5", "--order", "8")
    assert taylor["method"] == "taylor"
    assert nested["derivatives"]["x"] == pytest.approx(taylor["derivatives"]["x"], rel=1e-12)


def test_every_switch_of_method_is_announced():
    doc = document("diff", "sqrt(x)", "--at", "x=0", "--order", "2")
    assert doc["method"] == "nested"
    assert any("nested reverse mode was used instead" in w for w in doc["warnings"])
    assert doc["derivatives"]["x"] == ["Infinity", "-Infinity"]
    code, _, err = run("diff", "abs(x)", "--at", "x=0", "--order", "2", "-o", "plain")
    assert code == 0 and "warning: Taylor mode: abs is not differentiable" in err


# --- random draws are part of the function: the same in every evaluation of one command ----


@pytest.mark.parametrize("seed", [["--seed", "0"], ["--seed", "7"], []])
def test_diff_order_sees_the_draws_the_value_saw(seed):
    doc = document("diff", "x*sum(randn(3))", "--at", "x=1", "--order", "2", *seed)
    # f = x*s, so f(1) = f'(1) = s and f'' = 0, whatever s was drawn
    assert doc["gradient"]["x"] == doc["value"]
    assert doc["derivatives"]["x"] == [doc["value"], 0.0]


def test_nested_mode_sees_the_same_draws():
    doc = document("diff", "x**2*sum(rand(4))", "--at", "x=1", "--order", "2",
                   "--method", "nested", "--seed", "3")  # fmt: skip
    assert doc["derivatives"]["x"] == pytest.approx([2 * doc["value"], 2 * doc["value"]])


@pytest.mark.parametrize("scheme", ["forward", "central", "complex", "richardson"])
def test_limit_differentiates_the_function_whose_value_it_shows(scheme):
    value = document("eval", "x*sum(randn(3))", "--at", "x=1", "--seed", "0")["value"]
    doc = document("limit", "x*sum(randn(3))", "--at", "x=1", "--seed", "0", "--scheme", scheme)
    assert doc["exact"] == pytest.approx(value, rel=1e-15)
    for row in doc["rows"]:
        assert row["estimate"] == pytest.approx(value, rel=1e-6)


def test_seed_still_fixes_the_draws_of_at_values_and_expression():
    first = document("diff", "x*sum(w)*sum(randn(2))", "--at", "x=1", "--at", "w=randn(2)",
                     "--seed", "5")  # fmt: skip
    again = document("diff", "x*sum(w)*sum(randn(2))", "--at", "x=1", "--at", "w=randn(2)",
                     "--seed", "5")  # fmt: skip
    assert first == again


# --- limit: a sweep's work is foreseen before it starts ------------------------------------


def test_a_limit_sweep_over_its_work_budget_is_refused_before_it_starts():
    terms = "+".join(f"sin({i}*x)" for i in range(1, 2001))
    code, out, err = run("limit", "-", "--at", "x=0.3", "--scheme", "all", "--steps", "1000",
                         stdin=terms)  # fmt: skip
    assert code == 2 and out == ""
    assert "5,999 operations" in err and "over the budget" in err and "fewer --steps" in err


def test_a_limit_sweep_within_its_budget_runs():
    terms = "+".join(f"sin({i}*x)" for i in range(1, 21))
    doc = document("limit", "-", "--at", "x=0.3", "--scheme", "central", stdin=terms)
    exact = sum(i * math.cos(i * 0.3) for i in range(1, 21))
    assert doc["exact"] == pytest.approx(exact, rel=1e-14)


# --- sizes are checked where arrays are made ------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("sum(ones(10000,1)*ones(1,10001))", ["*", "(10000, 10001)", "10,000,000"]),
        ("sum(ones(1e5,1)+ones(1,1e5))", ["+", "(100000, 100000)"]),
        ("sum(ones(1e5,1)@ones(1,1e5))", ["@", "(100000, 100000)"]),
        ("sum(stack([ones(6e6), ones(6e6)]))", ["stack", "12,000,000 elements"]),
        ("sum(cat([ones(6e6), ones(6e6)]))", ["cat", "12,000,000 elements"]),
        ("sum(ones(1e8)+ones(1e8))", ["ones", "100,000,000 elements"]),
    ],
)
def test_an_operation_refuses_an_array_over_the_cap_before_making_it(expression, words):
    code, out, err = run("eval", expression)
    assert code == 2 and out == "" and err.startswith("error: ")
    assert "more than the limit of 10,000,000 elements" in err
    for word in words:
        assert word in err


def test_the_cap_admits_what_fits():
    code, out, _ = run("eval", "sum(ones(1000,1)*ones(1,10000))", "-o", "plain")
    assert (code, out) == (0, "10000000.0\n")


@pytest.mark.parametrize(
    ("expression", "at", "numbers"),
    [
        ("x[0:2000]*1", "x=zeros(1000000)", "2,000,000,000 numbers"),
        ("x*1", "x=arange(10000)", "100,000,000 numbers"),
    ],
)
def test_a_jacobian_over_its_cap_is_refused_before_any_backward_pass(expression, at, numbers):
    code, out, err = run("diff", expression, "--at", at, "-o", "json")
    assert code == 2 and out == "" and numbers in err and "--weights" in err


def test_a_jacobian_at_its_cap_is_computed():
    doc = document("diff", "x*x", "--at", "x=arange(1000)")
    jacobian = doc["jacobian"]["x"]
    assert len(jacobian) == 1000 and jacobian[7][7] == 14.0 and jacobian[7][8] == 0.0


# --- work budgets of the Jacobian, the Hessian and Taylor mode -----------------------------


def _terms(count, variable):
    return "+".join(f"sin({i}*{variable})" for i in range(1, count + 1))


def test_a_jacobian_over_its_work_budget_is_refused():
    code, out, err = run("diff", "-", "--at", "x=linspace(0,1,1000)", stdin=_terms(200, "x"))
    assert code == 2 and out == ""
    assert "1,000 backward passes through a graph of 600 operations" in err and "--weights" in err


def test_a_hessian_over_its_work_budget_is_refused():
    terms = "+".join(f"sin({i}*x[{i % 2000}])" for i in range(1, 3001))
    code, out, err = run("diff", "-", "--at", "x=ones(2000)", "--hessian", stdin=terms)
    assert code == 2 and out == "" and "2,000 backward passes" in err and "--wrt" in err


def test_a_large_hessian_of_a_small_graph_is_computed():
    doc = document("diff", "sum(x)**2", "--at", "x=arange(2000)/2000", "--hessian")
    matrix = doc["hessian"]["matrix"]
    assert len(matrix) == 2000 and matrix[3][1999] == 2.0


def test_taylor_mode_over_its_work_budget_is_refused():
    code, out, err = run("diff", "-", "--at", "x=0.3", "--order", "170", stdin=_terms(5000, "x"))
    assert code == 2 and out == "" and "14,999 operations" in err and "lower order" in err
    doc = document("diff", "-", "--at", "x=0.3", "--order", "20", stdin=_terms(200, "x"))
    exact = sum(
        i**20 * math.sin(i * 0.3) for i in range(1, 201)
    )  # d^20/dx^20 sin(ix) = i^20 sin(ix)
    assert doc["derivatives"]["x"][19] == pytest.approx(exact, rel=1e-9)


# --- inputs read whole have a size cap, refused before they are read whole ------------------


def _bounded(*args, stdin=None):
    """The command's result, its time, and the most memory Python allocated in a second run
    (the first one has imported what the command needs: imports are slow to trace)."""
    start = time.perf_counter()
    result = run(*args, stdin=stdin)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        assert run(*args, stdin=stdin) == result
        return result, seconds, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("eval", "-f", "/dev/zero"), "/dev/zero is larger than 1 MiB, the most a program may hold"),
        (("eval", "@/dev/zero"), "/dev/zero is larger than 1 MiB, the most a program may hold"),
        (("eval", "x", "--at", "x=@/dev/zero"),
         "--at x=@/dev/zero: line 1: the line is longer than 1 MiB, the most a row may take"),
        (("eval", "x", "--points", "/dev/zero"),
         "line 1: the line is longer than 1 MiB, the most a row may take"),
    ],
)  # fmt: skip
def test_endless_input_is_refused_at_its_cap(args, message):
    (code, out, err), seconds, peak = _bounded(*args)
    assert (code, out, err) == (2, "", f"error: {message}\n")
    assert seconds < 1 and peak < 16 << 20


def test_a_program_on_standard_input_has_the_same_cap():
    code, out, err = run("eval", "-", stdin=b"1" * ((1 << 20) + 1))
    assert (code, out) == (2, "") and err.endswith(
        "is larger than 1 MiB, the most a program may hold\n"
    )


@pytest.mark.parametrize("name", ["big.npy", "big.csv"])
def test_a_file_over_the_at_cap_is_refused_without_reading_it(tmp_path, name):
    path = tmp_path / name
    with path.open("wb") as file:
        file.truncate((128 << 20) + 1)  # sparse: no disk, and nothing to read quickly
    (code, out, err), seconds, peak = _bounded("eval", "sum(w)", "--at", f"w=@{path}")
    assert (code, out) == (2, "")
    assert (
        err
        == f"error: --at w=@{path}: the file is larger than 128 MiB, the most a variable is loaded from\n"
    )
    assert seconds < 1 and peak < 16 << 20


def test_a_file_at_the_at_cap_is_read(tmp_path):
    path = tmp_path / "w.npy"
    np.save(path, np.ones(10**7))  # the largest tensor: 80 MB, within 128 MiB
    code, out, _ = run("eval", "sum(w)", "--at", f"w=@{path}", "-o", "plain")
    assert (code, out) == (0, "10000000.0\n")


LONG = "7" * ((1 << 20) + 1)


@pytest.mark.parametrize(
    ("policy", "code", "out"),
    [("stop", 2, "1.0\t1.0\n"), ("skip", 0, "1.0\t1.0\n3.0\t3.0\n"),
     ("null", 0, "1.0\t1.0\nnan\tnan\n3.0\t3.0\n")],
)  # fmt: skip
def test_a_points_line_over_its_cap_is_a_bad_row(policy, code, out):
    (got, stdout, err), _, peak = _bounded("eval", "x", "--points", "-", "--on-error", policy,
                                           stdin=f"1\n{LONG}\n3\n")  # fmt: skip
    assert (got, stdout) == (code, out)
    assert "line 2: the line is longer than 1 MiB, the most a row may take" in err
    assert peak < 32 << 20
