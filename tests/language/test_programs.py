"""Programs: statements, control flow and functions, through every command."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli
from tests.clirun import run

# The classic gradient through Python control flow of PyTorch's autograd tutorials, as they
# write it: a function with a while loop and an if (examples/doubling.gc).
DOUBLING = """\
def f(a):
    b = a * 2
    while b.norm() < 1000:  # the L2 norm
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

f(a)
"""
ONE_LINE = "b = a*2; while b.norm() < 1000 { b = b*2 }; b if b.sum() > 0 else 100*b"


def json_of(*args: str, stdin: str | None = None) -> dict:
    code, out, err = run(*args, "-o", "json", stdin=stdin)
    assert code == 0, err
    import json

    return json.loads(out)


def error_of(*args: str, stdin: str | None = None) -> str:
    code, out, err = run(*args, stdin=stdin)
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("error: ") and "Traceback" not in err
    return err


@pytest.fixture
def program_file(tmp_path):
    path = tmp_path / "doubling.gc"
    path.write_text(DOUBLING)
    return path


# --- the doubling program --------------------------------------------------------------------


def test_the_doubling_program_from_a_file_gives_1024_and_512(program_file):
    for args in (("-f", str(program_file)), (f"@{program_file}",), ("--file", str(program_file))):
        doc = json_of("diff", *args, "--at", "a=2")
        assert doc["value"] == 1024.0 and doc["gradient"] == {"a": 512.0}


def test_the_doubling_program_from_standard_input_and_on_one_line():
    doc = json_of("diff", "-", "--at", "a=2", stdin=DOUBLING)
    assert doc["value"] == 1024.0 and doc["gradient"] == {"a": 512.0}
    doc = json_of("diff", ONE_LINE, "--at", "a=2")
    assert doc["value"] == 1024.0 and doc["gradient"] == {"a": 512.0}


def test_the_branch_not_taken_at_one_point_is_taken_at_another(program_file):
    # a = -3: b doubles from -6 to -1536 (8 times), then c = 100*b: dc/da = 100 * 2 * 2**8.
    doc = json_of("diff", "-f", str(program_file), "--at", "a=-3")
    assert doc["value"] == -153600.0 and doc["gradient"] == {"a": 51200.0}


def test_the_library_runs_programs_define_by_run():
    f = gradcli.compile(DOUBLING)
    assert f.variables == ("a",) and f.is_program
    a = gradcli.tensor(2.0, requires_grad=True)
    d = f(a=a)
    d.backward()
    assert d.item() == 1024.0 and a.grad.item() == 512.0


# --- every command takes a program -------------------------------------------------------


def test_eval_and_plain_output(program_file):
    code, out, _ = run("eval", "-f", str(program_file), "--at", "a=2", "-o", "plain")
    assert code == 0 and out == "1024.0\n"


def test_taylor_mode_follows_the_path_taken():
    # y = x**4 built by a loop: f' .. f'''' at 2 are 32, 48, 48, 24.
    program = "y = x; for i in range(3) { y = y*x }; y"
    doc = json_of("diff", program, "--at", "x=2", "--order", "4")
    assert doc["derivatives"] == {"x": [32.0, 48.0, 48.0, 24.0]}
    # A branch on the variable is decided at the point, as PyTorch does.
    branchy = "if x > 0 { y = sin(x) } else { y = x**3 }; y"
    doc = json_of("diff", branchy, "--at", "x=0.5", "--order", "3")
    assert doc["derivatives"]["x"] == pytest.approx(
        [math.cos(0.5), -math.sin(0.5), -math.cos(0.5)], rel=1e-14
    )
    doc = json_of("diff", branchy, "--at", "x=-2", "--order", "3")
    assert doc["derivatives"]["x"] == [12.0, -12.0, 6.0]


def test_nested_reverse_mode_and_the_hessian_through_a_program():
    program = "def g(u, v):\n    return u**2 * v + exp(v)\ng(x, y)"
    doc = json_of("diff", program, "--at", "x=1", "--at", "y=2", "--hessian")
    e2 = math.exp(2)
    assert doc["hessian"]["variables"] == ["x", "y"]
    assert np.allclose(doc["hessian"]["matrix"], [[4.0, 2.0], [2.0, e2]], rtol=1e-14)
    doc = json_of(
        "diff", program, "--at", "x=1", "--at", "y=2", "--order", "2", "--method", "nested"
    )
    assert doc["derivatives"]["y"] == pytest.approx([1 + e2, e2])


def test_limit_through_a_program():
    doc = json_of("limit", "s = 0; for i in range(1, 4) { s += x**i }; s", "--at", "x=1")
    assert doc["exact"] == 6.0  # d/dx (x + x² + x³) at 1


def test_streams_give_each_row_the_single_point_answer():
    program = "if x > 0 { y = x**2 } else { y = -x }; y"
    code, out, err = run("diff", program, "--points", "-", "-o", "csv", stdin="x\n-1\n2\n0.5\n")
    assert code == 0, err
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert [[float(v) for v in row] for row in rows] == [
        [-1.0, 1.0, -1.0],
        [2.0, 4.0, 4.0],
        [0.5, 0.25, 1.0],
    ]


def test_functions_recursion_and_loops():
    fact = "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\nfact(5) * x"
    assert json_of("eval", fact, "--at", "x=2")["value"] == 240.0
    # break, continue, while with and/or/not, augmented assignment.
    program = """\
s = 0
i = 0
while i < 10 and not s > 100:
    i += 1
    if i == 3:
        continue
    if i > 7 or s > 1000:
        break
    s += i * x
s
"""
    doc = json_of("diff", program, "--at", "x=2")
    used = [1, 2, 4, 5, 6, 7]
    assert doc["value"] == 2 * sum(used) and doc["gradient"] == {"x": float(sum(used))}


def test_a_program_that_ends_with_an_assignment_gives_its_value():
    assert json_of("eval", "y = 2*x", "--at", "x=3")["value"] == 6.0


def test_comments_blank_lines_and_a_common_margin():
    program = "    # indented as in a document\n    y = x*2  # twice\n\n    # done\n    y + 1\n"
    assert json_of("eval", program, "--at", "x=3")["value"] == 7.0


def test_braces_over_several_lines_and_else_on_its_own_line():
    program = "if x > 0 {\n  y = 1\n  y = y + x\n}\nelse {\n  y = 0\n}\ny"
    assert json_of("eval", program, "--at", "x=3")["value"] == 4.0


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "message", "shown"),
    [
        (
            "b = a*2\nwhile b.norm( < 1000:\n    b = b*2\nb",
            "line 2: unexpected '<'",
            "while b.norm( < 1000:",
        ),
        ("b = a*2\nc = q*2\nc", "line 2: unknown name 'q'", "c = q*2"),
        ("b = c\nc = a\nb", "line 1: 'c' is used before it is assigned", "b = c"),
        ("if a > 0:\nb = 1\nb", "line 2: expected a block", "b = 1"),
        ("y = a\n  z = 2\ny", "line 2: unexpected indentation", "  z = 2"),
        (
            "v = [a, a]\nif v > 0:\n    y = 1\nelse:\n    y = 2\ny",
            "line 2: an if's condition must be one value, and this one has shape (2,)",
            "if v > 0:",
        ),
        ("def f(u):\n    y = u\nf(a)", "f ended without return", "def f(u):"),
        ("y = a\nwhile a > 0:\n    y = y + 1", "the program has no output", "while a > 0:"),
        (
            "def sin(u):\n    return u\nsin(a)",
            "cannot define a function 'sin': it is a built-in function",
            "def sin(u):",
        ),
        ("pi = 3\npi*a", "cannot assign to 'pi': it is a constant", "pi = 3"),
        ("break\na", "break is only allowed inside a loop", "break"),
        ("for i in a:\n    y = i\ny", "a for loop counts over range(...)", "for i in a:"),
        ("y = a\ny + 1\ny", "line 2: this value is computed and then not used", "y + 1"),
        ("def f(u, v):\n    return u\nf(a)", "f(u, v) needs a value for v", "f(a)"),
        ("a = 3\na", "'a' is given a value, and the program assigns it", "a = 3"),
    ],
)
def test_errors_name_the_line_and_point_at_it(program, message, shown):
    err = error_of("diff", program, "--at", "a=2")
    first, *rest = err.splitlines()
    assert message in first, err
    assert rest and rest[0].strip() == shown.strip(), err
    caret = rest[1].index("^") - 2
    assert 0 <= caret < len(rest[0]) - 1


def test_a_loop_that_does_not_end_stops_at_the_budget_which_an_option_raises():
    program = "y = a\nwhile y > 0:\n    y = y + 1\ny"
    err = error_of("eval", program, "--at", "a=1", "--max-iterations", "1000")
    assert "line 2" in err and "1,000 times" in err and "--max-iterations" in err
    program = "y = a\nfor i in range(2000):\n    y = y + 1\ny"
    assert error_of("eval", program, "--at", "a=1", "--max-iterations", "1000")
    assert json_of("eval", program, "--at", "a=1", "--max-iterations", "2000")["value"] == 2001.0


def test_unbounded_recursion_stops_with_a_clear_error():
    err = error_of("eval", "def f(u):\n    return f(u)\nf(a)", "--at", "a=1")
    assert "1,000 deep" in err and "line 2" in err


def test_program_input_errors():
    assert "cannot read nowhere.gc" in error_of("eval", "-f", "nowhere.gc")
    assert "not both" in error_of("eval", "x", "-f", "nowhere.gc")
    assert "give an expression or a program" in error_of("eval", "--at", "x=1")
    err = error_of("eval", "-", "--points", "-", stdin="x\n1\n")
    assert "cannot both come from standard input" in err


def test_no_program_text_reaches_python():
    # Python's own syntax for running code is not gradcli's: these are syntax errors.
    for program in ("__import__('os').system('true')", "exec('1')", "lambda: 1"):
        assert "error:" in error_of("eval", program)


# --- properties -------------------------------------------------------------------------------

_OPS = [("+", lambda a, b: a + b), ("-", lambda a, b: a - b), ("*", lambda a, b: a * b)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 20), st.sampled_from(range(len(_OPS)))),
        min_size=1,
        max_size=12,
    ),
    st.floats(-2, 2, allow_nan=False),
)
def test_straight_line_programs_agree_with_python(steps, x):
    """t1 = t_i op t_j ...: the value and gradient match direct evaluation (by dual numbers)."""
    values = [(x, 1.0)]  # (value, d/dx)
    lines = ["t0 = x"]
    for k, (i, j, op) in enumerate(steps, start=1):
        a, b = values[i % len(values)], values[j % len(values)]
        symbol, fn = _OPS[op]
        da = {"+": a[1] + b[1], "-": a[1] - b[1], "*": a[1] * b[0] + a[0] * b[1]}[symbol]
        values.append((fn(a[0], b[0]), da))
        lines.append(f"t{k} = t{i % k} {symbol} t{j % k}")
    program = "\n".join(lines) + f"\nt{len(steps)}"
    f = gradcli.compile(program)
    value = f(x=x).item()
    assert value == pytest.approx(values[-1][0], rel=1e-12, abs=1e-12)
    assert float(f.grad(x=x)["x"]) == pytest.approx(values[-1][1], rel=1e-12, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5, allow_nan=False), st.integers(0, 6))
def test_loops_agree_with_the_unrolled_expression(x, n):
    looped = gradcli.compile(f"y = 1\nfor i in range({n}):\n    y = y * sin(x) + i\ny")
    unrolled = "1"
    for i in range(n):
        unrolled = f"({unrolled}) * sin(x) + {i}"
    flat = gradcli.compile(unrolled)
    assert looped(x=x).item() == pytest.approx(flat(x=x).item(), rel=1e-14, abs=1e-14)
    assert float(looped.grad(x=x)["x"]) == pytest.approx(
        float(flat.grad(x=x)["x"]), rel=1e-13, abs=1e-13
    )


def test_a_program_pickles_and_runs_in_another_process(program_file):
    script = (
        "import pickle, sys, gradcli\n"
        "f = pickle.loads(sys.stdin.buffer.read())\n"
        "print(f(a=2.0).item())\n"
    )
    import pickle

    data = pickle.dumps(gradcli.compile(DOUBLING, max_iterations=50))
    result = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True)
    assert result.stdout.decode().strip() == "1024.0"
    assert np.isclose(gradcli.compile(DOUBLING).grad(a=2.0)["a"], 512.0)


def test_budgets_count_the_operations_a_program_runs_not_those_it_spells():
    # One sin in the text, 60,000 when it runs: Taylor mode and limit see the 60,000.
    program = "y = x; for i in range(60000) { y = sin(y) }; y"
    err = error_of("diff", program, "--at", "x=1", "--order", "100")
    assert "budget of 2,000,000" in err
    err = error_of("limit", program, "--at", "x=1")
    assert "budget of 1,000,000" in err
    from gradcli.compute.evaluation import profile

    assert profile(gradcli.compile(program), {"x": gradcli.tensor(1.0)}).operations >= 60_000


def test_the_help_states_the_default_loop_budget():
    from gradcli.language import MAX_ITERATIONS

    code, out, _ = run("diff", "--help")
    assert code == 0 and f"(default {MAX_ITERATIONS:,})" in " ".join(out.split())


def test_a_long_loop_body_is_bounded_by_operations_too():
    body = "; ".join(["y = sin(y)"] * 20)
    program = f"y = x; for i in range(1000) {{ {body} }}; y"
    err = error_of("eval", program, "--at", "x=1", "--max-iterations", "500")
    assert "5,000 operations" in err and "--max-iterations" in err
    assert json_of("eval", program, "--at", "x=1", "--max-iterations", "2000")["value"] > 0


def test_a_long_program_shows_its_first_lines_in_tables_and_says_how_many_more(tmp_path):
    lines = ["y = x", *(f"y = y + {i}*x" for i in range(30)), "y"]
    path = tmp_path / "long.gc"
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run("diff", "-f", str(path), "--at", "x=1", "-o", "table")
    assert code == 0 and "y = y + 8*x" in out and "y = y + 9*x" not in out
    assert "… 22 more lines (-o json has them all)" in out
    assert json_of("diff", "-f", str(path), "--at", "x=1")["expression"] == path.read_text().strip()
    code, out, _ = run("limit", "-f", str(path), "--at", "x=1", "-o", "table")
    assert code == 0 and "of the program (32 lines)" in out
