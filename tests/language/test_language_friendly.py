"""The language meets people halfway: pasted mathematical text, max/min as people mean
them, ln, and errors in the language's own words. All through the real command."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.language import compile
from tests.clirun import document, run

TIMES, MINUS = "\N{MULTIPLICATION SIGN}", "\N{MINUS SIGN}"


json_of = document


def assert_clean_error(args, message, stdin=None):
    """Exit 2, nothing on stdout, one `error:` line saying ``message``, no traceback."""
    code, out, err = run(*args, stdin=stdin)
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.startswith("error: ")
    assert sum(line.startswith("error:") for line in err.splitlines()) == 1
    assert "Traceback" not in err
    assert message in err.splitlines()[0], err
    return err


# --- mathematical text people paste -------------------------------------------------------

PASTED = [
    ("x²", "x**2"),
    ("x³", "x**3"),
    ("x⁻¹", "x**-1"),
    ("x⁻²", "x**-2"),
    ("x¹⁰", "x**10"),
    ("x⁰", "x**0"),
    ("-x²", "-(x**2)"),
    ("2**x²", "2**(x**2)"),
    ("(x+1)²", "(x+1)**2"),
    ("√x", "sqrt(x)"),
    ("√(x+1)", "sqrt(x+1)"),
    ("√x²", "sqrt(x**2)"),
    ("√x+1", "sqrt(x)+1"),
    ("√ x", "sqrt(x)"),
    (f"3{TIMES}x", "3*x"),
    ("3·x", "3*x"),
    ("3⋅x", "3*x"),
    ("x÷4", "x/4"),
    (f"5{MINUS}x", "5-x"),
    (f"{MINUS}x", "-x"),
    (f"2**{MINUS}x", "2**-x"),
    ("π + x", "pi + x"),
    ("π*x", "pi*x"),
    (f"x³ {MINUS} √x·π", "x**3 - sqrt(x)*pi"),
    ("x\N{NO-BREAK SPACE}+\N{NO-BREAK SPACE}1", "x + 1"),
]


@pytest.mark.parametrize(("pasted", "ascii"), PASTED)
def test_pasted_text_means_its_ascii_form(pasted, ascii):
    for at in ("x=2", "x=0.7"):
        got = json_of("diff", pasted, "--at", at)
        want = json_of("diff", ascii, "--at", at)
        assert got["value"] == want["value"] and got["gradient"] == want["gradient"]
        assert got["expression"] == pasted  # shown as typed, never rewritten


@pytest.mark.parametrize(
    ("pasted", "ascii"),
    [(f"x³ {MINUS} √x·π", "x**3 - sqrt(x)*pi"), ("x⁻¹÷2", "x**-1/2"), ("ln(x)", "log(x)")],
)
def test_pasted_text_in_taylor_mode(pasted, ascii):
    got = json_of("diff", pasted, "--at", "x=2", "--order", "4")
    want = json_of("diff", ascii, "--at", "x=2", "--order", "4")
    assert got["derivatives"] == want["derivatives"] and got["method"] == "taylor"


def test_the_values_are_right_not_only_equal_to_the_ascii_forms():
    assert json_of("eval", "x²·√y", "--at", "x=3", "--at", "y=4")["value"] == 18.0
    assert json_of("eval", f"2{TIMES}π{MINUS}x⁻¹", "--at", "x=4")["value"] == 2 * math.pi - 0.25


def test_a_pasted_minus_works_in_at_values():
    assert json_of("eval", "x", "--at", f"x={MINUS}1.5")["value"] == -1.5


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@settings(max_examples=80, deadline=None)
@given(st.integers(-30, 30), st.floats(0.1, 3.0))
def test_every_superscript_exponent_is_its_power(n, x):
    source = "x" + str(n).translate(SUPERSCRIPT)
    got = compile(source).evaluate({"x": gradcli.tensor(x)}).item()
    assert got == compile(f"x**({n})").evaluate({"x": gradcli.tensor(x)}).item()
    assert got == pytest.approx(x**n, rel=1e-12)


@pytest.mark.parametrize(
    ("source", "char", "hint"),
    [
        ("2α", "α", "write alpha"),  # noqa: RUF001
        ("x \N{EN DASH} 1", "\N{EN DASH}", "write - for minus"),
        ("x≤1", "≤", "write <="),
        ("x\N{ZERO WIDTH SPACE}+1", "\N{ZERO WIDTH SPACE}", "invisible"),
        ("√x + ∑x", "∑", "write sum(x)"),
        ("√x + ∫x", "∫", "reads only"),
        ("x⁻ + 1", "⁻", "x⁻¹"),
        ("x½", "½", "1/2"),
    ],
)
def test_other_non_ascii_is_a_clear_error_with_a_caret_under_it(source, char, hint):
    err = assert_clean_error(("eval", source, "--at", "x=1"), "unexpected character")
    first, shown, caret = err.splitlines()[:3]
    assert hint in first
    assert shown.strip() == source
    assert shown[caret.index("^")] == char


def test_warnings_name_a_superscript_power_as_typed():
    code, out, err = run("eval", "x⁻¹", "--at", "x=0")
    assert code == 0 and out.strip() == "inf" and "the power ⁻¹ (column 2)" in err


def test_carets_count_pasted_characters_as_one_column():
    _, _, err = run("eval", "x²·√x + * 2", "--at", "x=1")
    shown, caret = err.splitlines()[1:3]
    assert shown[caret.index("^")] == "*"
    _, _, err = run("eval", "√x² +", "--at", "x=1")
    assert err.splitlines()[2].index("^") == err.splitlines()[1].index("+") + 1


# --- max and min: one tensor reduced, or two values elementwise ---------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("max(v, 0)", [0.0, 5.0]),
        ("min(v, 0)", [-1.0, 0.0]),
        ("max(0, v)", [0.0, 5.0]),
        ("max(v, w)", [2.0, 5.0]),
        ("min(v, w)", [-1.0, 3.0]),
        ("max(v)", 5.0),
        ("min(v)", -1.0),
        ("max(v, dim=0)", 5.0),
        ("min(v, dim=0)", -1.0),
        ("max(m, dim=1)", [2.0, 4.0]),
        ("max(m, dim=0, keepdim=1)", [[3.0, 4.0]]),
        ("min(m, dim=-1)", [1.0, 3.0]),
        ("max(m, 2.5)", [[2.5, 2.5], [3.0, 4.0]]),
        ("amax(m, 0)", [3.0, 4.0]),
        ("sum(m, 0)", [4.0, 6.0]),
        ("max(x, dim=0)", 2.0),
        ("max(x, 0.5)", 2.0),
        ("relu(v) - max(v, 0)", [0.0, 0.0]),
    ],
)
def test_max_and_min(source, expected):
    at = ["--at", "v=[-1,5]", "--at", "w=[2,3]", "--at", "m=[[1,2],[3,4]]", "--at", "x=2"]
    assert json_of("eval", source, *at)["value"] == expected


def test_elementwise_max_has_the_elementwise_gradient():
    doc = json_of("diff", "sum(max(v, 0)**2)", "--at", "v=[-1,5]")
    assert doc["gradient"] == {"v": [0.0, 10.0]}  # d/dv of max(v,0)**2: 0 below 0, 2v above


@pytest.mark.parametrize(
    ("source", "at", "expected"),
    [
        ("max(x, 0.5)", "x=1", [1.0, 0.0]),
        ("max(x, 0.5)", "x=0.2", [0.0, 0.0]),
        ("min(x, 0.5)", "x=1", [0.0, 0.0]),
        ("min(x**2, 5)", "x=1", [2.0, 2.0]),
        ("max(x**3, x)", "x=2", [12.0, 12.0]),
        ("max(x, dim=0)", "x=1", [1.0, 0.0]),
    ],
)
def test_max_and_min_in_taylor_mode(source, at, expected):
    doc = json_of("diff", source, "--at", at, "--order", "2")
    assert doc["derivatives"] == {"x": expected} and doc["method"] == "taylor"
    nested = json_of("diff", source, "--at", at, "--order", "2", "--method", "nested")
    assert nested["derivatives"] == doc["derivatives"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("max(v, 1, 2)", "max(max(a, b), c)"),
        ("max(v, 0, dim=0)", "write max(x, dim=0)"),
        ("min(v, 0, keepdim=1)", "write min(x, dim=0)"),
        ("sum(x, 0)", "write sum([a, b]) or a + b"),
        ("mean(x, 0)", "(a + b)/2"),
        ("norm(3, 4)", "write norm([a, b])"),
        ("sum(v, v)", "dim is the number of a dimension"),
        ("amax(v, dim=v)", "max(a, b)"),
        ("sum(v, dim=1)", "dim 1 is out of range for a tensor with 1 dimension (use -1 to 0)"),
        ("max(x, dim=1)", "dim 1 is out of range for a single number"),
    ],
)
def test_a_number_is_never_silently_a_dimension_where_a_value_was_meant(source, message):
    assert_clean_error(("eval", source, "--at", "v=[-1,5]", "--at", "x=2"), message)


# --- ln ------------------------------------------------------------------------------------


def test_ln_is_log():
    for at in ("x=2", "x=0.3"):
        assert json_of("diff", "ln(x)", "--at", at) == {
            **json_of("diff", "log(x)", "--at", at),
            "expression": "ln(x)",
        }
    assert json_of("eval", "ln(e**3)")["value"] == pytest.approx(3.0, rel=1e-15)  # numpy's log


def test_functions_lists_ln_beside_log():
    _, out, _ = run("functions", "-o", "plain")
    (line,) = [line for line in out.splitlines() if line.startswith("log(x, base=e)")]
    assert "ln(x)" in line
    functions = json_of("functions")["functions"]
    (maximum,) = [f for f in functions if f["name"] == "max"]
    assert "max(x, y)" in maximum["signature"] and "dim=" in maximum["signature"]


def test_ln_as_a_value_says_how_to_call_it():
    assert_clean_error(("eval", "ln + 1"), "'ln' is a function; call it as ln(x, base=e)")


# --- messages in the language's terms ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("stack(x, 1)", "stack joins a list of tensors written in brackets: stack([x, y])"),
        ("stack(v)", "stack([x, y]) or stack([x, y], dim=1)"),
        ("cat(v, v)", "cat([x, y])"),
        ("ones(v)", "for ones in the shape of a tensor x, write ones_like(x)"),
        ("zeros(v, 2)", "zeros takes numbers, as in zeros(2, 3), not a tensor of shape (2,)"),
        ("randn(v)", "randn takes numbers"),
        ("linspace(0, 1, v)", "linspace takes numbers"),
        ("x[0]", "a single number cannot be indexed; use the value itself"),
        ("v[2]", "index 2 is out of range for dimension 0, of size 2 (indices run from -2 to 1)"),
        ("v[[0, -3]]", "index -3 is out of range"),
        ("m[0, 0, 0]", "3 indices for a tensor of shape (2, 2), which has 2 dimensions"),
        ("x(x+1)", "to multiply, write x*(...)"),
        ("π(2)", "'π' is a value, not a function; to multiply, write π*(...)"),
        ("reshape(m, v)", "reshape takes numbers, as in reshape(x, 2, 3)"),
        ("transpose(m, v)", "transpose takes numbers, as in transpose(x, 0, 1)"),
        ("max(v, dim=v)", "for the max of two tensors write max(a, b)"),
        ("log(x, 2, 3)", "for a logarithm to base b write log(x, b)"),
        (
            "ln(x, 2, 3)",
            "wrong arguments for ln (too many positional arguments): use ln(x, base=e)",
        ),
        ("|x|", "write abs(x) for |x|"),
        ("x = 2", "'x' is given a value, and the program assigns it"),
        ("f(x) = 2", "to compare, write =="),
        ("x; v", "this value is computed and then not used"),
    ],
)
def test_messages_say_what_to_write(source, message):
    at = ["--at", "x=2", "--at", "v=[-1,5]", "--at", "m=[[1,2],[3,4]]"]
    err = assert_clean_error(("eval", source, *at), message)
    assert "object" not in err and "array" not in err and "axis" not in err


def test_scalars_follow_pytorch_in_reductions_over_their_one_dimension():
    # A single number is its own reduction: PyTorch gives x for amax(x, dim=0) and
    # 0 for log_softmax(x); both crashed with numpy's "axis 0 is out of bounds".
    doc = json_of("diff", "log_softmax(x) + max(x, dim=0) + sum(x, dim=-1)", "--at", "x=2")
    assert doc["value"] == 4.0 and doc["gradient"] == {"x": 2.0}
    doc = json_of("diff", "log_softmax(x)", "--at", "x=2", "--order", "2")
    assert doc["value"] == 0.0 and doc["derivatives"] == {"x": [0.0, 0.0]}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("cat([1,2])", [1.0, 2.0]),
        ("cat([pi, e])", [math.pi, math.e]),
        ("cat([1, [2, 3]])", [1.0, 2.0, 3.0]),
        ("cat([x, v, 7])", [2.0, -1.0, 5.0, 7.0]),
    ],
)
def test_scalars_and_constants_join_in_cat(source, expected):
    assert json_of("eval", source, "--at", "x=2", "--at", "v=[-1,5]")["value"] == expected


def test_cat_with_a_number_differentiates():
    doc = json_of("diff", "sum(cat([x, 2]))", "--at", "x=1")
    assert doc["value"] == 3.0 and doc["gradient"] == {"x": 1.0}
    doc = json_of("diff", "sum(cat([x**2, 2, x]))", "--at", "x=3", "--order", "2")
    assert doc["derivatives"] == {"x": [7.0, 2.0]}


# --- syntax-error hints --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1j", "complex numbers are not supported"),
        ("2J*x", "complex numbers are not supported"),
        ("0x10", "hexadecimal numbers are not supported; write 16"),
        ("0b101", "binary numbers are not supported; write 5"),
        ("1_000", "digit separators (_) are not supported; write 1000"),
        ("1_000_000 + x", "write 1000000"),
        ("1e", "the exponent of 1e is incomplete"),
        ("2.5e+", "the exponent of 2.5e is incomplete"),
        ("sin x", "to call sin, put its argument in parentheses: sin(x)"),
        ("exp 2", "exp(2)"),
        ("sin²(x)", "the power goes after the call: sin(x)²"),
        ("cos^2(x+1)", "cos(x+1)^2"),
        ("sin⁻¹(x)", "for the inverse write asin(x)"),
    ],
)
def test_python_numbers_and_habits_get_the_right_hint(source, message):
    err = assert_clean_error(("eval", source, "--at", "x=1"), message)
    assert "; to multiply, write" not in err


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("3x", "to multiply, write 3*x"),
        ("3 x", "to multiply, write 3*x"),
        ("2(x+1)", "to multiply, write 2*(x+1)"),
        ("(x+1)(x-1)", "to multiply, write * between ')' and '('"),
        ("x²(x+1)", "to multiply, write * between '²' and '('"),
        ("2e5x", "to multiply, write 2e5*x"),
        ("0x", "to multiply, write 0*x"),
    ],
)
def test_the_multiply_hint_still_fires_where_it_is_right(source, message):
    assert_clean_error(("eval", source, "--at", "x=1"), message)


@pytest.mark.parametrize("stdin", ["", "\n", "  \n\t\n"])
def test_an_empty_expression_says_so_without_a_caret_line(stdin):
    err = assert_clean_error(("eval", "-"), "the expression is empty", stdin=stdin)
    assert err.count("\n") == 1  # the error line alone


def test_an_empty_argument_says_so_too():
    err = assert_clean_error(("diff", " ", "--at", "x=1"), "the expression is empty")
    assert err.count("\n") == 1


def test_pasted_text_is_shown_as_typed_in_the_table():
    _, out, _ = run("diff", f"x²{TIMES}3", "--at", "x=2", "-o", "table")
    assert f"x²{TIMES}3" in out
    assert np.isclose(json_of("diff", f"x²{TIMES}3", "--at", "x=2")["gradient"]["x"], 12.0)
