"""The command line at its edges: failed writes, formats a command does not write, inputs
nested past numpy's limits, and options that do nothing where they stand."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.clirun import run


def _installed(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gradcli", *args], stdout=stdout, stderr=subprocess.PIPE, text=True
    )


# --- a failed write -------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("diff", "x", "--at", "x=1", "-o", "plain"),
        ("diff", "x", "--at", "x=1", "-o", "json"),
        ("diff", "x", "--at", "x=1", "-o", "table"),
        ("eval", "arange(100000)", "-o", "plain"),
        ("functions",),
    ],
)
def test_a_failed_write_to_standard_output_is_an_error_line_and_exit_74(args):
    with open("/dev/full", "w") as full:
        result = _installed(*args, stdout=full)
    assert result.returncode == 74
    assert result.stderr == "error: cannot write the output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failed_write_of_a_stream_is_an_error_line_too():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "gradcli", "eval", "x*2", "--points", "-"],
            input="x\n1\n2\n",
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 74
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot write the output:")


def test_a_reader_that_goes_away_ends_the_command_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "gradcli", "eval", "arange(2000000)/1e6", "-o", "plain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"error:" not in err


# --- formats -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["limit", "check", "functions"])
def test_the_help_of_a_one_document_command_lists_only_the_formats_it_writes(command):
    code, out, _ = run(command, "--help")
    assert code == 0
    described = out[out.index("-o, --format") :].split("\n  -")[0]
    assert "<table|plain|json>" in described
    assert "csv" not in described and "npy" not in described


@pytest.mark.parametrize(
    "args",
    [
        ("check", "sin(x)", "--points", "examples/xs.txt", "-o", "csv"),
        ("limit", "sin(x)", "--at", "x=1", "-o", "tsv"),
        ("functions", "-o", "jsonl"),
    ],
)
def test_a_refused_format_names_the_formats_the_command_writes(args):
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert "'table', 'plain', 'json'" in err
    assert "--points" not in err


def test_a_stream_format_without_points_says_both_ways_out():
    code, out, err = run("diff", "sin(x)", "--at", "x=1", "-o", "csv")
    assert (code, out) == (2, "")
    assert err == (
        "error: -o csv writes one row per point: give the points with --points, "
        "or choose table, plain or json\n"
    )


# --- deep nesting ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 3000])
def test_array_literals_nested_past_64_levels_are_refused_in_gradclis_words(depth):
    code, out, err = run("eval", "[" * depth + "1" + "]" * depth)
    assert (code, out) == (2, "")
    assert err.startswith("error: array literals nest at most 64 deep")
    assert "numpy" not in err and "number of dimensions" not in err


def test_an_array_literal_nested_64_levels_is_a_tensor_of_64_dimensions():
    code, out, _ = run("eval", "sum(" + "[" * 64 + "2" + "]" * 64 + ")", "-o", "plain")
    assert (code, out) == (0, "2.0\n")


# --- options that do nothing where they stand -------------------------------------------


def test_view_with_a_format_that_has_no_views_is_refused():
    code, out, err = run(
        "graph", "x*y", "--at", "x=1", "--at", "y=2", "-o", "dot", "--view", "trace"
    )
    assert (code, out) == (2, "")
    assert "leave --view out" in err


def test_view_with_the_plain_format_still_works():
    code, out, _ = run(
        "graph", "x*y", "--at", "x=1", "--at", "y=2", "-o", "plain", "--view", "trace"
    )
    assert code == 0
    assert out.splitlines()[2].startswith("forward (in the order recorded)")


def test_max_iterations_on_an_expression_without_loops_or_calls_is_refused():
    code, out, err = run("eval", "x**2", "--at", "x=1", "--max-iterations", "5")
    assert (code, out) == (2, "")
    assert "bounds the loops and calls of a program, and this one has none" in err


def test_max_iterations_on_a_loop_bounds_it():
    loop = "s = x; for i in range(3) { s = s*x }; s"
    assert run("eval", loop, "--at", "x=2", "--max-iterations", "5", "-o", "plain")[:2] == (
        0,
        "16.0\n",
    )
    code, _, err = run("eval", loop, "--at", "x=2", "--max-iterations", "2")
    assert code == 2 and "--max-iterations" in err


@pytest.mark.parametrize(
    "args",
    [
        ("diff", "x**2", "--at", "x=1"),
        ("eval", "x**2", "--at", "x=1"),
        ("limit", "x**2", "--at", "x=1"),
        ("graph", "x**2", "--at", "x=1"),
    ],
)
def test_a_seed_that_nothing_uses_is_a_warning(args):
    code, out, err = run(*args, "--seed", "3", "-o", "plain")
    assert code == 0 and out
    assert err == "warning: --seed 3 has no effect: nothing drew random numbers (rand, randn)\n"


def test_a_seed_that_a_stream_uses_is_silent_and_one_it_does_not_is_a_warning():
    code, _, err = run("eval", "x + randn()", "--points", "-", "--seed", "1", stdin="x\n1\n")
    assert (code, err) == (0, "")
    code, _, err = run("eval", "x + 1", "--points", "-", "--seed", "1", stdin="x\n1\n")
    assert code == 0 and "--seed 1 has no effect" in err


@pytest.mark.parametrize(
    "args",
    [
        ("eval", "randn(2)"),
        ("eval", "x", "--at", "x=rand(2)"),
        ("diff", "x*randn()", "--at", "x=1"),
    ],
)
def test_a_seed_that_is_used_is_silent_and_repeats(args):
    first = run(*args, "--seed", "3", "-o", "plain")
    assert first[0] == 0 and first[2] == ""
    assert run(*args, "--seed", "3", "-o", "plain") == first
