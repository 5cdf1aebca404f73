"""The command line, through typer's CliRunner and (a few) through the installed binary."""

import json
import re
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pytest

from gradcli.cli import app
from tests.clirun import document, run


def diff_json(*args):
    return document("diff", *args)


# --- the tutorials' worked examples, through diff ----------------------------------------


def test_contract_example():
    assert diff_json("3*x**2-4*x", "--at", "x=1") == {
        "expression": "3*x**2-4*x",
        "at": {"x": 1.0},
        "value": -1.0,
        "wrt": ["x"],
        "gradient": {"x": 2.0},
    }


def test_gradient_of_a_dot_product():
    doc = diff_json("2*dot(x,x)", "--at", "x=arange(4)")
    assert doc["value"] == 28.0 and doc["gradient"] == {"x": [0.0, 4.0, 8.0, 12.0]}


def test_gradient_of_a_sum():
    assert diff_json("sum(x)", "--at", "x=arange(4)")["gradient"] == {"x": [1.0, 1.0, 1.0, 1.0]}


def test_weights_give_a_vector_jacobian_product_and_none_a_jacobian():
    assert diff_json("x*x", "--at", "x=arange(4)", "--weights", "ones(4)")["gradient"] == {
        "x": [0.0, 2.0, 4.0, 6.0]
    }
    doc = diff_json("x*x", "--at", "x=arange(4)")
    assert "gradient" not in doc
    assert doc["jacobian"]["x"] == np.diag([0.0, 2.0, 4.0, 6.0]).tolist()


def test_gradient_of_a_product_of_sums():
    assert diff_json("(x+w)*(w+1)", "--at", "w=1", "--at", "x=2")["gradient"] == {
        "w": 5.0,
        "x": 2.0,
    }


def test_weights_of_a_concatenation():
    doc = diff_json(
        "cat([(x+w)*(w+1), (x+w)+(w+1)])", "--at", "w=1", "--at", "x=2", "--weights", "[1,2]"
    )
    assert doc["gradient"] == {"w": 9.0, "x": 4.0}


BCE_AT_RANDOM_WEIGHTS = (
    "bce_with_logits(ones(5) @ w + b, zeros(3))",
    "--at",
    "w=randn(5,3)",
    "--at",
    "b=randn(3)",
    "--seed",
    "0",
)


def test_bce_with_logits_against_an_independent_computation():
    doc = diff_json(*BCE_AT_RANDOM_WEIGHTS)
    w, b = np.array(doc["at"]["w"]), np.array(doc["at"]["b"])
    z = np.ones(5) @ w + b
    expected = 1 / (1 + np.exp(-z)) / 3  # d mean(bce(z, 0)) / dz
    np.testing.assert_allclose(doc["gradient"]["b"], expected, rtol=1e-13)
    np.testing.assert_allclose(doc["gradient"]["w"], np.tile(expected, (5, 1)), rtol=1e-13)
    again = diff_json(*BCE_AT_RANDOM_WEIGHTS)
    assert again == doc


def test_weights_of_a_matrix_value():
    grad = np.array(
        diff_json("(inp+1)**2", "--at", "inp=eye(5)", "--weights", "ones(5,5)")["gradient"]["inp"]
    )
    assert np.all(np.diag(grad) == 4) and np.all(grad[~np.eye(5, dtype=bool)] == 2)


def test_gradient_of_a_mean():
    assert diff_json("mean((a+3)*(a+3)*3)", "--at", "a=[2,3]")["gradient"] == {"a": [15.0, 18.0]}


def test_gradient_through_a_two_layer_linear_net():
    doc = diff_json(
        "w2 @ (w1 @ x)",
        "--at",
        "x=[2]",
        "--at",
        "w1=[[-0.2377],[0.3578]]",
        "--at",
        "w2=[[0.4739,-0.2122]]",
        "--wrt",
        "x",
    )
    assert list(doc["gradient"]) == ["x"]
    assert doc["gradient"]["x"][0] == pytest.approx(-0.2377 * 0.4739 + 0.3578 * -0.2122, rel=1e-14)
    assert round(doc["gradient"]["x"][0], 4) == -0.1886


# --- formats ------------------------------------------------------------------------------


def test_plain_prints_exactly_one_number_for_a_scalar_derivative():
    code, out, _ = run("diff", "x**3", "--at", "x=2", "-o", "plain")
    assert code == 0 and out == "12.0\n"


def test_plain_is_the_default_when_stdout_is_not_a_terminal():
    assert run("diff", "x**3", "--at", "x=2")[1] == "12.0\n"


def test_plain_vectors_and_several_variables_are_tab_separated_lines():
    out = run("diff", "dot(v, v) + 3*s", "--at", "v=[1,2]", "--at", "s=5", "-o", "plain")[1]
    assert out == "2.0\t4.0\n3.0\n"


def test_table_shows_expression_point_value_and_gradient():
    code, out, _ = run("diff", "2*dot(x,x)", "--at", "x=arange(4)", "-o", "table")
    assert code == 0
    for text in ("2*dot(x,x)", "28", "0  4  8  12", "∂/∂x"):
        assert text in out


def test_digits_controls_table_precision():
    out = run("eval", "pi", "-o", "table", "--digits", "3")[1]
    assert "3.14" in out and "3.142" not in out


def test_eval_json_and_plain():
    code, out, _ = run("eval", "norm(v)", "--at", "v=[3,4]", "-o", "json")
    assert code == 0 and json.loads(out) == {
        "expression": "norm(v)",
        "at": {"v": [3.0, 4.0]},
        "value": 5.0,
    }
    assert run("eval", "2*pi")[1] == f"{2 * np.pi!r}\n"


def test_non_finite_values_are_strings_in_json_with_warnings():
    code, out, err = run("eval", "log(x)", "--at", "x=-1", "-o", "json")
    doc = json.loads(out)
    assert code == 0 and doc["value"] == "NaN"
    assert "log" in doc["warnings"][0] and err.startswith("warning:")
    doc = json.loads(run("diff", "1/x", "--at", "x=0", "-o", "json")[1])
    assert doc["value"] == "Infinity" and doc["gradient"]["x"] == "-Infinity"
    json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard constant {c}"))


def test_expression_from_stdin():
    assert run("diff", "-", "--at", "x=2", "-o", "plain", stdin="x**3\n")[1] == "12.0\n"


def test_hessian_matrix_and_labels():
    doc = diff_json("x**2*y + sin(y)", "--at", "x=1", "--at", "y=2", "--hessian")
    assert doc["hessian"]["variables"] == ["x", "y"]
    np.testing.assert_allclose(
        doc["hessian"]["matrix"], [[4.0, 2.0], [2.0, -np.sin(2.0)]], rtol=1e-15
    )
    doc = diff_json("sum(w*w*w)", "--at", "w=[[1,2]]", "--hessian")
    assert doc["hessian"]["variables"] == ["w[0,0]", "w[0,1]"]
    assert doc["hessian"]["matrix"] == [[6.0, 0.0], [0.0, 12.0]]


def _commands():
    from typer.main import get_command

    return list(get_command(app).commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_whose_examples_run(name):
    code, out, err = run(name, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"Usage: gradcli {name} [OPTIONS]")
    # Indented example lines, also inside a shell substitution: d=$(gradcli diff ...)
    examples = re.findall(r"^ +(?:\w+=\$\()?gradcli (.*?)\)?$", out, re.M)
    assert examples, out
    for example in examples:
        args = shlex.split(example)
        assert args[0] == name, example
        code, shown, err = run(*args)
        assert code == 0 and shown and "error:" not in err, (example, err)


def test_version():
    from gradcli import __version__

    assert run("--version")[1] == f"gradcli {__version__}\n"


# --- bad input: exit 2, one error line, nothing on stdout ------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "3x", "--at", "x=1"), "to multiply, write 3*x"),
        (("diff", "x +", "--at", "x=1"), "ends too early"),
        (("eval", "y + 1", "--at", "x=1"), "unknown name 'y'; bind it with --at y=VALUE"),
        (("eval", "sni(x)", "--at", "x=1"), "did you mean sin?"),
        (("eval", "sin(x, 2)", "--at", "x=1"), "use sin(x)"),
        (("eval", "ones(3) + ones(4)"), "shapes (3,) and (4,)"),
        (("eval", "ones(5) @ ones(4, 3)"), "@: shapes (5,) and (4, 3)"),
        (("eval", "x", "--at", "x1"), "--at 'x1': write NAME=VALUE"),
        (("eval", "x", "--at", "x=[1,"), "in --at x=..."),
        (("eval", "arange(1e12)"), "more than the limit"),
        (("eval", "ones(100000, 100000)"), "more than the limit"),
        (("eval", "__import__('os')"), "unexpected character"),
        (("eval", "x.__class__", "--at", "x=1"), "unknown attribute"),
        (("eval", "open(x)", "--at", "x=1"), "unknown function 'open'"),
        (("eval", "eval(x)", "--at", "x=1"), "unknown function 'eval'"),
        (("diff", "x", "--at", "x=1", "--bogus"), "no such option: --bogus"),
        (
            ("diff", "x*x", "--at", "x=arange(4)", "--weights", "ones(3)"),
            "--weights has shape (3,)",
        ),
        (("diff", "x", "--at", "x=1", "--wrt", "y"), "--wrt y: no such variable"),
        (("diff", "x**2", "--at", "x=[1,2]", "--order", "2"), "use --hessian"),
        (("diff", "x", "--at", "x=1", "-o", "xml"), "'xml' is not one of"),
    ],
)
def test_bad_input(args, message):
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err


def test_syntax_errors_show_the_expression_and_a_caret():
    _, _, err = run("eval", "1 + * 2")
    lines = err.splitlines()
    assert lines[1].strip() == "1 + * 2"
    assert lines[2].index("^") == lines[1].index("*")


def test_runtime_errors_point_at_the_operator():
    _, _, err = run("eval", "ones(3) + ones(4)")
    lines = err.splitlines()
    assert lines[2].index("^") == lines[1].index("+")


# --- the installed binary ----------------------------------------------------------------------

needs_binary = pytest.mark.skipif(
    shutil.which("gradcli") is None, reason="gradcli is not installed"
)


@needs_binary
def test_installed_command_in_a_pipeline():
    result = subprocess.run(
        ["gradcli", "diff", "x**3", "--at", "x=2", "-o", "plain"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout == "12.0\n"


@needs_binary
def test_installed_command_errors_cleanly():
    result = subprocess.run(["gradcli", "eval", "3x"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_python_dash_m():
    # Needs no installed binary: the interpreter running the tests runs the package.
    result = subprocess.run(
        [sys.executable, "-m", "gradcli", "eval", "1+1"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "2.0\n", "")
    result = subprocess.run(
        [sys.executable, "-m", "gradcli", "eval", "3x"], capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_the_cyclic_gc_is_back_on_after_a_command():
    import gc

    assert gc.isenabled()
    assert run("eval", "1+1")[0] == 0
    assert run("eval", "1+")[0] == 2
    assert gc.isenabled()


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch):
    from gradcli.commands import diff

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(diff, "differentiate", interrupted)
    assert run("diff", "x", "--at", "x=1") == (130, "", "error: interrupted\n")


# --- found in review ----------------------------------------------------------------------


def test_comparison_results_are_exact_0_1_numbers_to_arithmetic():
    doc = json.loads(
        run(
            "eval",
            "[exp(v>0)[0], sum((v>0)+(v>0)), ((v>0)-(v<0))[1]]",
            "--at",
            "v=[1,-1]",
            "-o",
            "json",
        )[1]
    )
    assert doc["value"] == [np.exp(1.0), 2.0, -1.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "x", "--at", "x=1", "--seed", "-1"), "--seed -1"),
        (("eval", "zeros(1/0)"), "whole numbers"),
        (("eval", "sum(ones(3), dim=1/0)"), "whole number"),
        (("eval", "sum(ones(2,2), dim=0.5)"), "whole number, not 0.5"),
        (("eval", "sum(x, dim=0, dim=0)", "--at", "x=[1,2]"), "given twice"),
        (("diff", "y", "--at", "x=1"), "unknown name 'y'; bind it with --at y=VALUE"),
        (("diff", "sin()", "--at", "x=1"), "use sin(x)"),
        (("diff", "x", "--at", "x=1", "--wrt", "x y"), "separate names with commas"),
        (("diff", "x", "--at", "x=1", "--order", "2", "--method", "fast"), "--method 'fast'"),
        (("limit", "x*y", "--at", "x=1", "--at", "y=2", "--wrt", "x,y"), "one variable"),
        (("limit", "[x,x]", "--at", "x=1"), "scalar value"),
    ],
)
def test_review_findings_are_clean_errors(args, message):
    code, out, err = run(*args)
    assert code == 2 and out == "" and err.startswith("error:") and message in err


def test_carets_are_right_for_multi_line_input():
    _, _, err = run("eval", "-", stdin="(1 +\n 2 $ 3)")
    shown, caret = err.splitlines()[1:3]
    assert shown[caret.index("^")] == "$"


def test_plain_output_of_empty_arrays():
    assert run("eval", "ones(2,0)", "-o", "plain")[1] == "\n\n"  # two empty rows
    assert run("eval", "zeros(0)", "-o", "plain")[1] == "\n"


def test_large_arrays_are_summarised_in_tables_not_lost():
    out = run("eval", "arange(100)", "-o", "table")[1]
    assert "99" in out and "..." in out and "shape (100,)" in out


def test_order_falls_back_to_nested_where_taylor_series_do_not_exist():
    doc = json.loads(run("diff", "x**1.5", "--at", "x=0", "--order", "1", "-o", "json")[1])
    assert doc["derivatives"] == {"x": [0.0]} and doc["method"] == "nested"
    doc = json.loads(
        run("diff", "x**2", "--at", "x=0", "--order", "4", "--method", "nested", "-o", "json")[1]
    )
    assert doc["derivatives"] == {"x": [0.0, 2.0, 0.0, 0.0]}


def test_limit_explains_non_finite_rows():
    code, out, err = run("limit", "log(x)", "--at", "x=-1", "-o", "json")
    doc = json.loads(out)
    assert code == 0 and doc["warnings"] and "NaN" in err
    _, out, err = run("limit", "exp(x)", "--at", "x=1", "--h", "1e-320", "-o", "json")
    assert any("underflowed" in w for w in json.loads(out)["warnings"])


def test_the_console_entry_builds_only_the_command_it_runs_yet_lists_and_suggests_all():
    """run() hands Typer the named command alone; help and typos still see every command."""
    import subprocess
    import sys

    def gradcli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "gradcli", *args], capture_output=True, text=True
        )

    listing = gradcli("--help")
    assert listing.returncode == 0
    assert all(
        name in listing.stdout for name in ("eval", "diff", "limit", "check", "graph", "plot")
    )
    typo = gradcli("dif", "x", "--at", "x=1")
    assert typo.returncode == 2 and "diff" in typo.stderr and typo.stdout == ""
    done = gradcli("--debug", "diff", "x**3", "--at", "x=2", "-o", "plain")
    assert done.returncode == 0 and done.stdout == "12.0\n"


def test_run_puts_the_command_list_back(monkeypatch, capsys):
    from gradcli.cli.app import app, run

    before = list(app.registered_commands)
    monkeypatch.setattr("sys.argv", ["gradcli", "eval", "1+1", "-o", "plain"])
    with pytest.raises(SystemExit):
        run()
    assert capsys.readouterr().out == "2.0\n"
    assert app.registered_commands == before
