"""The command-line contract (docs/cli.md): JSON shapes, how words become options."""

import json

import pytest

from tests.clirun import document, run

# --- diff --format json: the documented keys for every combination of options ----------

HEAD = {"expression", "at", "value", "wrt"}


@pytest.mark.parametrize(
    ("expression", "at", "options", "keys"),
    [
        ("x**2*y**3", ["x=1", "y=2"], [], {"gradient"}),
        ("x**2*y**3", ["x=1", "y=2"], ["--order", "3"], {"gradient", "derivatives", "method"}),
        ("x**2*y**3", ["x=1", "y=2"], ["--hessian"], {"gradient", "hessian"}),
        ("x**2*y**3", ["x=1", "y=2"], ["--weights", "2"], {"gradient"}),
        ("x*y", ["x=[1,2]", "y=3"], [], {"jacobian"}),
        ("x*y", ["x=[1,2]", "y=3"], ["--weights", "[1,1]"], {"gradient"}),
        ("sum(x*y)", ["x=[1,2]", "y=3"], ["--hessian"], {"gradient", "hessian"}),
    ],
)
def test_diff_json_keys(expression, at, options, keys):
    args = [a for binding in at for a in ("--at", binding)]
    doc = document("diff", expression, *args, *options)
    assert set(doc) == HEAD | keys


def test_order_and_hessian_come_beside_the_gradient():
    doc = document("diff", "x**2*y**3", "--at", "x=1", "--at", "y=2", "--order", "3")
    assert doc["gradient"] == {"x": 16.0, "y": 12.0}
    assert doc["derivatives"] == {"x": [16.0, 16.0, 0.0], "y": [12.0, 12.0, 6.0]}
    doc = document("diff", "x**2*y**3", "--at", "x=1", "--at", "y=2", "--hessian")
    assert doc["gradient"] == {"x": 16.0, "y": 12.0}
    assert doc["hessian"] == {"variables": ["x", "y"], "matrix": [[16.0, 24.0], [24.0, 12.0]]}


def test_plain_order_prints_the_derivatives_not_the_gradient():
    code, out, _ = run("diff", "x**3", "--at", "x=2", "--order", "3", "-o", "plain")
    assert code == 0 and out == "12.0\t12.0\t6.0\n"


# --- an expression that starts with - ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "out"),
    [
        (("diff", "-x**2", "--at", "x=1", "-o", "plain"), "-2.0\n"),
        (("eval", "-(x+1)", "--at", "x=1", "-o", "plain"), "-2.0\n"),
        (("diff", "--at", "x=3", "-2*x", "-o", "plain"), "-2.0\n"),
        (("diff", "--at", "x=1", "-o", "plain", "--", "-x**2"), "-2.0\n"),
        (("diff", "-x", "--at=x=2", "-oplain"), "-1.0\n"),
        (("diff", "--x", "--at", "x=2", "-o", "plain"), "1.0\n"),
        (("limit", "-x**2", "--at", "x=1", "--steps", "1", "-o", "plain"), None),
    ],
)
def test_an_expression_may_start_with_a_dash(args, out):
    code, stdout, err = run(*args)
    assert code == 0, err
    if out is not None:
        assert stdout == out
    else:  # limit's first row: h, then the estimate of d/dx(-x**2) at 1 = -2
        assert float(stdout.split("\t")[1]) == pytest.approx(-2.1)


def test_json_of_a_dash_expression_names_it_as_typed():
    assert document("diff", "-2*x", "--at", "x=3")["expression"] == "-2*x"


def test_an_unknown_option_beside_the_expression_is_named():
    code, out, err = run("diff", "x", "--at", "x=1", "--wrtt", "x")
    assert code == 2 and out == ""
    assert err.startswith("error: no such option: --wrtt; did you mean --wrt?")


# --- repeated and ineffective options -------------------------------------------------


def test_repeated_wrt_joins():
    doc = document("diff", "x*y*z", "--at", "x=1", "--at", "y=2", "--at", "z=3",
                   "--wrt", "x", "--wrt", "z")  # fmt: skip
    assert doc["wrt"] == ["x", "z"] and doc["gradient"] == {"x": 6.0, "z": 2.0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "x", "--at", "x=1", "--seed", "1", "--seed", "2"), "--seed is given 2 times"),
        (("diff", "x", "--at", "x=1", "--order", "2", "--order", "3"), "--order is given 2 times"),
        (("diff", "x", "--at", "x=1", "-o", "json", "-o", "plain"), "-o is given 2 times"),
        (("limit", "x", "--at", "x=1", "--h", "0.1", "--h=0.2"), "--h is given 2 times"),
        (("diff", "x", "--at", "x=1", "--method", "nested"), "give --order N too"),
        (("diff", "x", "--at", "x=1", "-o", "json", "--digits", "3"), "-o json always writes"),
        (("eval", "x", "--at", "x=1", "-o", "plain", "--digits", "3"), "-o plain always writes"),
    ],
)
def test_repeated_or_ineffective_options_are_refused(args, message):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_digits_with_a_table_is_accepted():
    code, out, _ = run("eval", "1/3", "-o", "table", "--digits", "3")
    assert code == 0 and "0.333" in out and "0.3333" not in out


# --- standard input ------------------------------------------------------------------------


def test_non_utf8_standard_input_is_a_clean_error():
    code, out, err = run("eval", "-", "--at", "x=1", stdin=b"x\xff")
    assert code == 2 and out == ""
    assert err.startswith("error: standard input is not UTF-8 text (byte 0xff at offset 1)")


# --- Ctrl-C ---------------------------------------------------------------------------------


def test_ctrl_c_while_modules_load_exits_130_quietly():
    import subprocess
    import sys

    # KeyboardInterrupt raised at the moment typer is imported, as a Ctrl-C in the first
    # ~0.1 s would: the entry point must catch it although the CLI module never loaded.
    program = (
        "import builtins\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'typer':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        "from gradcli.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "eval", "1"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "error: interrupted\n")


# --- messages in the user's words ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("eval", "x", "--at", "y=1", "--at", "x=y"), "a value cannot refer to another variable"),
        (("eval", "x", "--at", "x=y", "--at", "y=1"), "a value cannot refer to another variable"),
        (("eval", "x", "--at", "x=1,y=2"), "give one --at per variable, e.g. --at x=1 --at y=2"),
        (("eval", "1", "--at", "π=3"), "'π' is not a variable name"),
        (("eval", "1", "--at", "ln=3"), "'ln' is a function"),
        (("limit", "x*(x>0)", "--at", "x=1", "--scheme", "complex"), "and > is not;"),
    ],
)
def test_messages_speak_the_users_language(args, message):
    code, out, err = run(*args)
    assert code == 2 and out == "" and err.startswith("error: ") and message in err


def test_a_keyword_argument_inside_a_value_is_no_second_variable():
    code, out, err = run("eval", "v", "--at", "v=reshape(stack([ones(2), zeros(2)], dim=1), 4)")
    assert (code, out, err) == (0, "1.0\t0.0\t1.0\t0.0\n", "")


@pytest.mark.parametrize(
    ("value", "plain"), [("inf", "inf\n"), ("-inf", "-inf\n"), ("nan", "nan\n")]
)
def test_infinity_and_nan_are_values(value, plain):
    code, out, err = run("eval", "x", "--at", f"x={value}", "-o", "plain")
    assert code == 0 and out == plain and "warning:" in err


@pytest.mark.parametrize(
    ("expression", "at", "order"),
    [("sum(x > 0)", "x=0.7", "2"), ("amax(x>0)", "x=0.7", "2"), ("(y<1)+1", "y=0", "1")],
)
def test_a_variable_only_inside_comparisons_has_zero_derivatives(expression, at, order):
    doc = document("diff", expression, "--at", at, "--order", order)
    name = at.split("=")[0]
    assert doc["derivatives"][name] == [0.0] * int(order) and doc["gradient"][name] == 0.0


# --- limit at a point where the function is not smooth ------------------------------------


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("abs(x)", "abs is not differentiable at this point"),
        ("relu(x)+x", "relu is not differentiable"),
        ("x*(x>0)", "> is not continuous at this point"),
        ("sqrt(x)", "its derivatives are not finite there"),
    ],
)
def test_limit_warns_at_a_kink_and_marks_no_row_best(expression, why):
    code, out, _ = run("limit", expression, "--at", "x=0", "-o", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["best"] is None
    assert any(w.startswith("the function is not smooth at x = 0.0") and why in w
               for w in doc["warnings"])  # fmt: skip


def test_limit_at_a_smooth_point_has_no_such_warning():
    doc = document("limit", "abs(x)", "--at", "x=0.5")
    assert doc["best"] is not None and "warnings" not in doc


# --- the library names its parameters; the command line names its flags -------------------


def test_library_errors_name_parameters_and_the_cli_names_flags():
    from gradcli import compute
    from gradcli.errors import UsageError
    from gradcli.language import compile

    with pytest.raises(UsageError) as error:
        compute.differentiate(compile("x"), compute.bind(["x=1"]), wrt=["y"])
    assert str(error.value) == "wrt y: no such variable; bind it with at y=VALUE"
    assert "--" not in str(error.value)
    code, out, err = run("diff", "x", "--at", "x=1", "--wrt", "y")
    assert (code, out) == (2, "")
    assert err == "error: --wrt y: no such variable; bind it with --at y=VALUE\n"
