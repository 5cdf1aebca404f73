"""The README's console examples run and print what the README says, tables
included: they are rendered at 80 columns, the width the README shows. So do its
Python programs that are followed by their output.

Transcendental functions (and long sums, and training loops) differ in their last
bits between CPUs: numpy picks its sin/exp/tanh kernels at run time. So a number
the README prints at full precision is compared to a few ulps; a shorter one is
exact (2.0, 512.0) or rounded for display (1.41742) and compares as text, as does
everything else: words, table borders, alignment, the count of numbers.
"""

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gradcli.cli import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
BOX = set("┌┏│┃└┗━─")
# Rich takes the width from COLUMNS when output is not a terminal; colour is off
# for the same reason unless forced.
SCREEN = {"COLUMNS": "80", "LINES": "50", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}

NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# With fewer significant digits a number is exact or rounded for display: the shortest
# form of a computed float64 nearly always has 15 to 17.
FULL_PRECISION = 10
# Ulps of the largest full-precision number on the line, not of each number: rounding
# errors scale with a computation's terms, and a small number is often the difference
# of larger ones (d³/dx³ of tanh(x/3) at x = 2 is 9e-4, from terms near 0.1, and moves
# by 170 of its own ulps when tanh moves by one).
ULPS = 8


def significant_digits(token: str) -> int:
    mantissa = re.split("[eE]", token.lstrip("-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def same_line(shown: str, printed: str) -> bool:
    """The same text, with the README's full-precision numbers matched to ULPS."""
    if NUMBER.split(shown) != NUMBER.split(printed):
        return False
    shown_numbers, printed_numbers = NUMBER.findall(shown), NUMBER.findall(printed)
    full = [abs(float(n)) for n in shown_numbers if significant_digits(n) >= FULL_PRECISION]
    tolerance = ULPS * np.spacing(max(full, default=0.0))
    return all(
        a == b
        or (significant_digits(a) >= FULL_PRECISION and abs(float(a) - float(b)) <= tolerance)
        for a, b in zip(shown_numbers, printed_numbers, strict=True)
    )


def agreeing(shown: list[str], printed: list[str]) -> list[str]:
    """The printed lines, each one that agrees with the README's replaced by the README's,
    so that comparing the result with the README shows only real differences."""
    if len(printed) != len(shown):
        return printed
    return [s if same_line(s, p) else p for s, p in zip(shown, printed, strict=True)]


def examples():
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("$ gradcli "):
                continue
            output = []
            for following in lines[i + 1 :]:
                if following.startswith("$ "):
                    break
                output.append(following)
            while output and not output[-1]:  # the blank line between examples
                output.pop()
            yield pytest.param(line[2:], output, id=line[2:60])


def programs():
    """A Python block followed at once by a plain block: the program and what it prints."""
    blocks = list(re.finditer(r"^```(\w*)\n(.*?)^```$", README, re.S | re.M))
    for program, output in itertools.pairwise(blocks):
        if (program[1], output[1]) == ("python", "") and not README[
            program.end() : output.start()
        ].strip():
            line = README.count("\n", 0, program.start()) + 2
            yield pytest.param(program[2], output[2].splitlines(), id=f"README.md:{line}")


@pytest.fixture
def fresh_registry():
    """Each example is its own command: the plugins an example loads go away after it."""
    from gradcli import plugins, registry

    operations, loaded = dict(registry.OPS), set(plugins._loaded)
    yield
    registry.OPS.clear()
    registry.OPS.update(operations)
    plugins._loaded.clear()
    plugins._loaded.update(loaded)


@pytest.mark.usefixtures("fresh_registry")
@pytest.mark.parametrize(("command", "expected"), list(examples()))
def test_readme_example(command, expected):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args, env=SCREEN)
    # Standard error: error: and warning: lines, and the indented lines right after them
    # (the expression and its caret); everything else is standard output.
    shown_err, shown_out, on_stderr = [], [], False
    for line in expected:
        # the expression under an error, and its caret; not a centred title
        indented = (line[:2] == "  " and line[2:3] != " ") or line.strip() == "^"
        on_stderr = line.startswith(("error:", "warning:")) or (on_stderr and indented)
        (shown_err if on_stderr else shown_out).append(line)
    # rich pads a table's title to the table's width; the README has no trailing spaces
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    assert agreeing(shown_out, printed) == shown_out
    assert agreeing(shown_err, result.stderr.splitlines()) == shown_err
    failed = any(line.startswith("error:") for line in expected)
    # A check that finds a disagreement exits 1 (the contract); other errors are bad input.
    assert result.exit_code == (0 if not failed else 1 if args[0] == "check" else 2)


@pytest.mark.parametrize(("program", "expected"), list(programs()))
def test_readme_program(program, expected):
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stderr == ""
    assert agreeing(expected, result.stdout.splitlines()) == expected


def test_there_are_examples_to_check():
    tables = [p for p in examples() if any(set(line) & BOX for line in p.values[1])]
    assert len(list(examples())) >= 12 and len(tables) >= 5
    assert len(list(programs())) >= 1


def test_numbers_agree_to_a_few_ulps_and_exact_ones_exactly():
    row = "2.0\t0.5827829453479101\t0.2201213462038716\t-0.08552197764975952\t{}"
    # tanh's last bit moved: d³/dx³, a small difference of larger terms, moves 170 ulps
    assert same_line(row.format("0.0009248953147335259"), row.format("0.0009248953147335444"))
    assert not same_line(row.format("0.0009248953147335259"), row.format("0.0009248953247335259"))
    assert same_line("0.5\t0.5629181162114277", "0.5\t0.5629181162114276")
    assert not same_line("0.5\t0.5629181162114277", "0.5\t0.5629181162114377")
    assert not same_line("512.0", "512.0000000000001")  # exact stays exact
    assert not same_line("1.41742", "1.41743")  # rounded for display: as text
    assert not same_line("y = 0.0000 + 0.8567 x", "y = -0.0000 + 0.8567 x")
    assert not same_line("0.5\t0.5629181162114277", "0.5 0.5629181162114277")
    assert not same_line("0.5\t0.5629181162114277", "0.5\t0.5629181162114277\t1.0")
