"""Tables show exactly what was typed and computed: user text literally (never read
as rich markup), every number and label whole at any width (wrapped, laid out
again or summarised with a note, never cut with "…"), --digits honoured."""

import io
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from rich.console import Console
from typer.testing import CliRunner

from gradcli import compute
from gradcli.autograd.differences import EPS
from gradcli.cli import app
from gradcli.language import compile
from gradcli.registry import OPS
from gradcli.render import numbers, tables
from tests.clirun import document

BOX = "│┃┆┊║┌┐└┘├┤┬┴┼─━┏┓┗┛┣┫┳┻╋┡┩╇"
WIDTHS = (80, 40)


def show(renderable, width=80):
    """What a person sees at this terminal width (as the CLI prints: no highlighting)."""
    console = Console(width=width, file=io.StringIO(), highlight=False, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def words(out):
    """Every whitespace-separated word on screen, the tables' rules removed."""
    return set(re.sub(f"[{BOX}]", " ", out).split())


def flat(out):
    """The screen as one line of words, so notes wrapped inside a cell read whole."""
    return " ".join(re.sub(f"[{BOX}]", " ", out).split())


def assert_nothing_cut(out):
    """No cell ends in rich's "…" (the notes under a limit table may say "0.1 … 1e-5")."""
    cells = [line for line in out.splitlines() if set(line) & set("│┃")]
    assert not any("…" in line for line in cells), out


def evaluation(expression, *at, seed=None):
    return compute.evaluate_expression(compile(expression), compute.bind(list(at), seed))


def differentiation(expression, *at, seed=None, **options):
    return compute.differentiate(compile(expression), compute.bind(list(at), seed), **options)


def limit(expression, *at, **options):
    return compute.finite_differences(compile(expression), compute.bind(list(at)), **options)


# --- user text, literally ---------------------------------------------------------------

BRACKETS = [
    ("eval", "dot([x, y], [y, x])", ["x=1", "y=2"], {}),
    ("eval", "x[0:2]", ["x=[1,2,3]"], {}),
    ("eval", "[[1,2],[3,4]] @ x", ["x=[1,1]"], {}),
    ("diff", "dot([x, y], [y, x])", ["x=1", "y=2"], {}),
    ("diff", "dot([x, y], [y, x])", ["x=1", "y=2"], {"hessian": True}),
    ("diff", "dot([x, 1], [x, 1])", ["x=2"], {"order": 3}),
    ("diff", "[[1,2],[3,4]] @ x", ["x=[1,1]"], {}),
    ("diff", "sum(x[0:2])", ["x=[1,2,3]"], {}),
    ("limit", "dot([x, 1], [2, x])", ["x=1"], {"scheme": "central"}),
    ("limit", "dot([x, 1], [2, x])", ["x=1"], {"scheme": "all"}),
]


@pytest.mark.parametrize(("command", "expression", "at", "options"), BRACKETS)
def test_expressions_with_brackets_are_shown_as_typed(command, expression, at, options):
    if command == "eval":
        table = tables.evaluation_table(evaluation(expression, *at), 6)
    elif command == "diff":
        table = tables.differentiation_table(differentiation(expression, *at, **options), 6)
    else:
        table = tables.limit_table(limit(expression, *at, **options), 6)
    out = show(table)
    assert expression in out
    if command == "limit":
        schemes = 5 if options["scheme"] == "all" else 1
        assert out.count(f"of {expression}") == schemes
    assert_nothing_cut(out)


def test_the_functions_table_shows_every_signature_and_summary_as_written():
    entries = [info for info in OPS.values() if info.category != "comparison"]
    wide = show(tables.functions_table(entries), width=200)
    for info in entries:
        assert info.signature in wide and info.summary in wide
    assert "cat([x, y, ...], dim=0)" in wide and "x limited to [min, max]" in wide
    for width in WIDTHS:
        out = show(tables.functions_table(entries), width)
        assert_nothing_cut(out)
    on_screen = words(show(tables.functions_table(entries), 80))
    for info in entries:
        assert set(info.signature.split()) <= on_screen, info.signature


def test_a_variable_label_with_brackets_is_not_markup():
    result = differentiation("sum(w**2)", "w=[[1,2],[3,4]]", hessian=True)
    out = show(tables.differentiation_table(result, 6))
    for label in ("w[0,0]", "w[0,1]", "w[1,0]", "w[1,1]"):
        assert out.count(label) == 2  # a row and a column


# --- numbers and labels whole --------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_a_wide_random_matrix_wraps_instead_of_cutting_numbers(width):
    result = evaluation("randn(2,8)", seed=0)
    out = show(tables.evaluation_table(result, 6), width)
    assert_nothing_cut(out)
    on_screen = words(out.replace("[", " ").replace("]", " "))
    for value in result.value.flat:
        assert numbers.short_number(value, 6) in on_screen
    assert "shape (2, 8)" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_hessian_labels_and_values_are_whole(width):
    result = differentiation("sum(w**3)", "w=randn(3,3)", seed=0, hessian=True)
    out = show(tables.differentiation_table(result, 6), width)
    assert_nothing_cut(out)
    on_screen = words(out)
    labels, matrix = result.hessian
    assert set(labels) <= on_screen
    for value in np.diag(matrix):
        assert numbers.short_number(value, 6) in on_screen
    assert np.allclose(np.diag(matrix), 6 * result.at["w"].reshape(-1), rtol=1e-15)


@pytest.mark.parametrize("width", WIDTHS)
def test_digits_17_shows_17_digits_in_the_order_table(width):
    result = differentiation("exp(sin(x))", "x=0.5", order=5)
    out = show(tables.differentiation_table(result, 17), width)
    assert_nothing_cut(out)
    on_screen = words(out)
    pairs = zip(result.derivatives["x"], result.coefficients["x"], strict=True)
    for k, (value, coefficient) in enumerate(pairs, start=1):
        shown = numbers.short_number(value, 17)
        assert len(re.sub(r"[-.]|e.*", "", shown).lstrip("0")) >= 16  # all 17 (a last 0 may go)
        assert shown in on_screen
        # The column is Taylor mode's coefficient, of which the derivative is k! times, one
        # rounding away: recomputed as d^k f/k! it may differ in its 17th digit, by whether
        # the last bits of sin and exp make that rounding go up or down.
        assert coefficient == pytest.approx(value / math.factorial(k), rel=2 * EPS, abs=0)
        assert numbers.short_number(coefficient, 17) in on_screen


def test_digits_are_honoured_in_eval_and_limit():
    out = show(tables.evaluation_table(evaluation("pi"), 17))
    assert "3.1415926535897931" in out
    out = show(tables.limit_table(limit("exp(x)", "x=1", scheme="central", h=0.1, steps=9), 12))
    estimates = re.findall(r"│ +(2\.7\d*) │", out)
    assert len(estimates) == 9 and all(len(e) == 13 for e in estimates)  # 12 digits
    assert_nothing_cut(out)


def test_limit_keeps_significant_digits_of_small_numbers_and_shows_steps_exactly():
    out = show(tables.limit_table(limit("x**2/10000", "x=1", scheme="central", steps=7), 6))
    assert out.count("0.000200000") == 7  # f' = 2e-4 to 6 digits, not 0.00020
    assert {"0.10000", "0.00001", "1e-06"} <= words(out)
    out = show(
        tables.limit_table(limit("exp(x)", "x=0", scheme="central", h=0.25, shrink=2, steps=6), 6)
    )
    assert {"0.12500", "0.015625", "0.0078125"} <= words(out)  # not 0.01562, 0.00781
    assert [numbers.fixed(v, 6) for v in (2.3, 1234.5678, 1.5e-7, 2e6)] == [
        "2.30000",
        "1234.56780",
        "1.50000e-07",
        "2.00000e+06",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_limit_rows_stay_whole_when_narrow(width):
    result = limit("3*x**2-4*x", "x=1")
    out = show(tables.limit_table(result, 12), width)
    assert_nothing_cut(out)
    on_screen = words(out)
    for row in result.sweeps["forward"].rows:
        assert numbers.fixed(row.estimate, 12) in on_screen
        assert f"{row.abs_error:.2e}" in on_screen
    assert out.count("◀ best") == 1


def test_a_jacobian_and_arrays_at_40_columns():
    result = differentiation("x*x", "x=arange(8)")
    out = show(tables.differentiation_table(result, 17), 40)
    assert_nothing_cut(out)
    assert {"14", "12", "49"} <= words(out.replace("[", " ").replace("]", " "))


def corners(n, keep=3):
    return list(range(n)) if n <= 2 * keep else [*range(keep), *range(n - keep, n)]


@settings(max_examples=60, deadline=None)
@given(
    array=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=2, max_side=12),
        elements=st.floats(-1e30, 1e30, allow_nan=False) | st.sampled_from([1 / 3, -2e-300]),
    ),
    digits=st.integers(1, 17),
    width=st.integers(40, 160),
)
def test_every_number_shown_is_whole_and_a_summary_says_so(array, digits, width):
    result = compute.Evaluation("x", {"x": array}, array)
    out = show(tables.evaluation_table(result, digits), width)
    assert_nothing_cut(out)
    on_screen = words(out.replace("[", " ").replace("]", " "))
    rows = np.atleast_2d(array)
    shown = array
    note = re.search(r"showing ([\d,]+) of ([\d,]+) values", flat(out))
    if array.size <= 24 or (rows.shape[0] <= 12 and rows.shape[1] <= 8):
        assert note is None
    elif note is not None:
        # Three rows at each end of the leading axes; along the last, as many as the note says.
        for axis, n in enumerate(array.shape[:-1]):
            shown = np.take(shown, corners(n), axis=axis)
        per_row = int(note[1].replace(",", "")) // (shown.size // array.shape[-1])
        if per_row < array.shape[-1]:
            assert per_row % 2 == 0
            shown = np.take(shown, corners(array.shape[-1], per_row // 2), axis=-1)
        assert note[1] == f"{shown.size:,}" and note[2] == f"{array.size:,}"
    for value in shown.flat:
        assert numbers.short_number(value, digits) in on_screen


# --- big arrays: summarised with a note, quickly ---------------------------------------------


def test_a_big_hessian_shows_its_first_rows_and_columns_and_says_so():
    labels = [f"x[{i}]" for i in range(2000)]
    matrix = np.add.outer(np.arange(2000.0), np.arange(2000.0) / 10000)
    result = compute.Differentiation(
        "sum(x)**2", {"x": np.arange(2000.0)}, np.float64(1), wrt=["x"], hessian=(labels, matrix)
    )
    out = show(tables.differentiation_table(result, 6))
    assert "showing rows and columns 1 to 12 (x[0] to x[11]) of 2,000" in flat(out)
    assert "use -o json for all" in flat(out)
    on_screen = words(out)
    assert {"x[11]", "11.0011", "0.0011"} <= on_screen and "x[12]" not in on_screen
    assert_nothing_cut(out)


def test_a_long_vector_says_how_many_values_are_shown():
    out = show(tables.evaluation_table(evaluation("arange(30)"), 6))
    # As many at each end as fit the 80 columns on one line.
    assert "shape (30,): showing 16 of 30 values; use -o json for all" in flat(out)
    assert "[0  1  2  3  4  5  6  7  ...  22  23  24  25  26  27  28  29]" in out


# --- the Taylor coefficient column ------------------------------------------------------------


def coefficients(out):
    """Order -> f^(k)/k! as printed: the last number of each row of the order table."""
    table = {}
    for line in out.splitlines():
        cells = re.sub(f"[{BOX}]", " ", line).split()
        if len(cells) >= 3 and cells[-3].isdigit():
            table[int(cells[-3])] = float(cells[-1])
    return table


@pytest.mark.parametrize(
    ("expression", "at", "coefficient"),
    [
        ("exp(x)", "x=0", lambda k: 1 / math.factorial(k)),
        ("log1p(x)", "x=0", lambda k: (-1) ** (k + 1) / k),
        ("1/(1-x)", "x=0.5", lambda k: 2.0 ** (k + 1)),
    ],
)
def test_taylor_column_is_the_series_coefficient(expression, at, coefficient):
    result = differentiation(expression, at, order=10)
    printed = coefficients(show(tables.differentiation_table(result, 17), 120))
    assert sorted(printed) == list(range(1, 11))
    for k, value in printed.items():
        assert value == pytest.approx(coefficient(k), rel=1e-12), k


# --- plain output of several variables -------------------------------------------------------


def plain(*args):
    result = CliRunner().invoke(app, ["diff", *args, "-o", "plain"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_plain_scalars_and_vectors_are_one_line_per_variable():
    assert plain("x*y", "--at", "x=1", "--at", "y=2") == "2.0\n1.0\n"
    assert plain("dot(x, y)", "--at", "x=[1,2]", "--at", "y=[3,4]") == "3.0\t4.0\n1.0\t2.0\n"


def test_plain_matrices_are_blocks_separated_by_a_blank_line():
    out = plain("sum(a @ b)", "--at", "a=[[1,2],[3,4]]", "--at", "b=[[1,0],[0,2]]")
    # d/da = ones @ b.T: rows (1, 2); d/db = a.T @ ones: rows (4, 4), (6, 6)
    assert out == "1.0\t2.0\n1.0\t2.0\n\n4.0\t4.0\n6.0\t6.0\n"
    out = plain("sum(a) * s", "--at", "a=[[1,2],[3,4]]", "--at", "s=2")
    assert out == "2.0\t2.0\n2.0\t2.0\n\n10.0\n"


# --- through the command, at 80 columns ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "randn(2,8)", "--seed", "0"],
        ["diff", "sum(w**3)", "--at", "w=randn(3,3)", "--seed", "0", "--hessian"],
        ["diff", "exp(sin(x))", "--at", "x=0.5", "--order", "5", "--digits", "17"],
        ["diff", "dot([x, y], [y, x])", "--at", "x=1", "--at", "y=2"],
        ["functions"],
    ],
)
def test_wide_results_fit_80_columns(args):
    result = CliRunner().invoke(app, [*args, "-o", "table"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert_nothing_cut(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "dot(, )" not in result.stdout and "cat(, dim=0)" not in result.stdout


# --- what a person reads: the width there is, no trailing spaces ------------------------------


def screen(*args, columns=80):
    """Standard output of ``gradcli ARGS -o table`` on a terminal ``columns`` wide."""
    result = CliRunner().invoke(app, [*args, "-o", "table"], env={"COLUMNS": str(columns)})
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


TABLES = [
    ["eval", "randn(3,30)", "--seed", "1"],
    ["eval", "x", "--at", "x=[[1,2],[3,4]]"],
    ["diff", "sum(w**3)", "--at", "w=randn(3,3)", "--seed", "0", "--hessian"],
    ["diff", "exp(sin(x))", "--at", "x=0.5", "--order", "5"],
    ["limit", "exp(x)", "--at", "x=1", "--scheme", "all"],
    ["check", "sin(x)*y", "--at", "x=1", "--at", "y=2", "--order", "2"],
    ["check", "--builtins"],
    ["functions"],
    ["graph", "s = x; for i in range(1000) { s = s*x + 1 }; s", "--at", "x=0.5", "--collapse"],
    ["graph", "t = x*y; t + sin(t)", "--at", "x=2", "--at", "y=3", "--view", "trace"],
]


@pytest.mark.parametrize("columns", [40, 80, 200])
@pytest.mark.parametrize("args", TABLES, ids=lambda args: " ".join(args)[:40])
def test_no_line_of_a_table_ends_with_a_space(args, columns):
    out = screen(*args, columns=columns)
    assert out.strip()
    for line in out.splitlines():
        assert line == line.rstrip(), repr(line)
        assert len(line) <= columns


def test_a_wide_terminal_shows_wide_rows():
    """At 200 columns each row of a 3 x 30 matrix is one line of more than 100 characters,
    every number whole, and the note counts the numbers shown."""
    value = np.array(document("eval", "randn(3,30)", "--seed", "1")["value"])
    out = screen("eval", "randn(3,30)", "--seed", "1", columns=200)
    rows = [line.split("│")[2].strip() for line in out.splitlines() if "[" in line]
    assert len(rows) == 3 and all(len(row) > 100 for row in rows), rows
    for row, numbers_in_row in zip(rows, value):
        cells = row.strip("[]").split("  ")
        keep = cells.index("...")
        assert cells == [
            *(numbers.short_number(v, 6) for v in numbers_in_row[:keep]),
            "...",
            *(numbers.short_number(v, 6) for v in numbers_in_row[-keep:]),
        ]
    assert f"showing {3 * 2 * keep} of 90 values" in out


def test_the_functions_table_shares_the_width_by_what_its_columns_hold():
    """At 80 columns the descriptions get the room the short columns do not need (rich's
    own layout gave every column the same width: 104 lines), and no word is split."""
    entries = [info for info in OPS.values() if info.category != "comparison"]
    out = screen("functions", columns=80)
    # the frame, and 34 wrapped lines: 21, then #22's long signatures (leaky_relu, hardtanh,
    # var, std, median, roll) and the kind "elementwise, not differentiable" of isnan, isinf,
    # isfinite
    assert len(out.splitlines()) <= len(entries) + 5 + 34
    on_screen = words(out)
    for info in entries:
        assert set(info.signature.split()) | set(info.summary.split()) <= on_screen, info.name


@pytest.mark.parametrize("columns", [40, 80])
def test_the_trace_never_splits_a_number(columns):
    source = "t = x*y; t + sin(t)"
    doc = document("graph", source, "--at", "x=2", "--at", "y=3")
    out = screen("graph", source, "--at", "x=2", "--at", "y=3", "--view", "trace",
                 columns=columns)  # fmt: skip
    on_screen = words(out)
    for node in doc["nodes"]:
        assert numbers.short_number(node["value"], 6) in on_screen, node
        assert numbers.short_number(node["adjoint"], 6) in on_screen, node
