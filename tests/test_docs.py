"""Every example of README.md, CONTRIBUTING.md and docs/*.md runs and prints what the page
says, tables included: they are rendered at 80 columns, the width the pages show.

* In a ```console block, each `$ gradcli ...` line is run in-process; `$ cat FILE` must
  print the file; any other `$ ...` line (a pipeline, `d=$(gradcli ...)`) is run by bash
  with this environment's `gradcli` first on the PATH. Only `$ pip ...` lines are not run.
  The lines up to the next `$ ` are what it prints: `error:` and `warning:` lines and the
  indented lines under them on standard error, the rest on standard output.
* A ```python block followed by a plain block, at once or after a paragraph that starts
  with "prints", is a program and what it prints: it is run as `python example.py` in a
  directory that has the repository's `examples/`.
* A ```python block of `>>>` lines is a session: each statement's output is the lines
  under it.
* A ```python block that starts with `# examples/NAME.py` is that file, whole.

Transcendental functions (and long sums, and training loops) differ in their last
bits between CPUs: numpy picks its sin/exp/tanh kernels at run time. So a number
a page prints at full precision is compared to a few ulps; a shorter one is
exact (2.0, 512.0) or rounded for display (1.41742) and compares as text, as does
everything else: words, table borders, alignment, the count of numbers. An object's
address (`at 0x7faf57872040`) is a different number on every run, so any address
matches any other.
"""

import contextlib
import io
import itertools
import os
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
PAGES = {
    str(path.relative_to(ROOT)): path.read_text()
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted(ROOT.glob("docs/*.md"))]
}
BOX = set("┌┏│┃└┗━─")
# Rich takes the width from COLUMNS when output is not a terminal; colour is off
# for the same reason unless forced.
SCREEN = {"COLUMNS": "80", "LINES": "50", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}

NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
ADDRESS = re.compile(r"\b0x[0-9a-f]+\b")
# With fewer significant digits a number is exact or rounded for display: the shortest
# form of a computed float64 nearly always has 15 to 17.
FULL_PRECISION = 10
# Ulps of the largest full-precision number on the line, not of each number: rounding
# errors scale with a computation's terms, and a small number is often the difference
# of larger ones (d³/dx³ of tanh(x/3) at x = 2 is 9e-4, from terms near 0.1, and moves
# by 170 of its own ulps when tanh moves by one).
ULPS = 8
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def significant_digits(token: str) -> int:
    mantissa = re.split("[eE]", token.lstrip("-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def same_line(shown: str, printed: str) -> bool:
    """The same text, with the page's full-precision numbers matched to ULPS."""
    shown, printed = ADDRESS.sub("0x…", shown), ADDRESS.sub("0x…", printed)
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
    """The printed lines, each one that agrees with the page's replaced by the page's,
    so that comparing the result with the page shows only real differences."""
    if len(printed) != len(shown):
        return printed
    return [s if same_line(s, p) else p for s, p in zip(shown, printed, strict=True)]


def line_of(page: str, match: re.Match) -> int:
    """The line of the page where a block's text starts."""
    return PAGES[page].count("\n", 0, match.start()) + 2


def examples():
    """Each `$ ` command of a console block, with the lines it prints."""
    for page, text in PAGES.items():
        for block in BLOCK.finditer(text):
            if block[1] != "console":
                continue
            lines = block[2].splitlines()
            for i, line in enumerate(lines):
                if not line.startswith("$ ") or line.startswith("$ pip "):
                    continue
                output = []
                for following in lines[i + 1 :]:
                    if following.startswith("$ "):
                        break
                    output.append(following)
                while output and not output[-1]:  # the blank line between examples
                    output.pop()
                where = f"{page}:{line_of(page, block) + i}"
                yield pytest.param(line[2:], output, id=f"{where}: {line[2:60]}")


def programs():
    """A Python block followed by a plain block, at once or after "prints ...": the
    program and what it prints."""
    for page, text in PAGES.items():
        for program, output in itertools.pairwise(BLOCK.finditer(text)):
            between = text[program.end() : output.start()].strip()
            if (program[1], output[1]) == ("python", "") and (
                not between or between.startswith("prints")
            ):
                where = f"{page}:{line_of(page, program)}"
                yield pytest.param(program[2], output[2].splitlines(), id=where)


def sessions():
    """A Python block of `>>>` lines: its statements, each with the lines it prints."""
    for page, text in PAGES.items():
        for block in BLOCK.finditer(text):
            if block[1] != "python" or not block[2].startswith(">>> "):
                continue
            steps: list[tuple[str, list[str]]] = []
            for line in block[2].splitlines():
                if line.startswith(">>> "):
                    steps.append((line[4:], []))
                elif line.startswith("... ") or line == "...":
                    steps[-1] = (steps[-1][0] + "\n" + line[4:], steps[-1][1])
                else:
                    steps[-1][1].append(line)
            yield pytest.param(steps, id=f"{page}:{line_of(page, block)}")


def copies():
    """A Python block that starts with `# examples/NAME.py`: that file, whole."""
    for page, text in PAGES.items():
        for block in BLOCK.finditer(text):
            first, _, rest = block[2].partition("\n")
            if block[1] == "python" and first.startswith("# examples/"):
                yield pytest.param(first[2:], rest, id=f"{page}:{line_of(page, block)}")


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


def run_command(command: str) -> tuple[int, list[str], list[str]]:
    """Exit code, standard output and standard error of a page's `$ ` line."""
    words = shlex.split(command)
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    shell = any(set(token) <= set("();<>|&") for token in lexer)  # a pipe, a redirection, ...
    if words[0] == "gradcli" and not shell:
        result = CliRunner().invoke(app, words[1:], env=SCREEN)
        # CliRunner turns a crash into exit 1 with nothing on stderr; show the crash instead.
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()
    if words[0] == "cat" and len(words) == 2 and not shell:
        return 0, (ROOT / words[1]).read_text().splitlines(), []
    environment = {name: value for name, value in os.environ.items() if name not in SCREEN}
    environment |= {name: value for name, value in SCREEN.items() if value is not None}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    result = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
        timeout=60,
    )
    return result.returncode, result.stdout.splitlines(), result.stderr.splitlines()


@pytest.mark.usefixtures("fresh_registry")
@pytest.mark.parametrize(("command", "expected"), list(examples()))
def test_example(command, expected):
    code, stdout, stderr = run_command(command)
    # Standard error: error: and warning: lines, and the indented lines right after them
    # (the expression and its caret); everything else is standard output.
    shown_err, shown_out, on_stderr = [], [], False
    for line in expected:
        # the expression under an error, and its caret; not a centred title
        indented = (line[:2] == "  " and line[2:3] != " ") or line.strip() == "^"
        on_stderr = line.startswith(("error:", "warning:")) or (on_stderr and indented)
        (shown_err if on_stderr else shown_out).append(line)
    # rich pads a table's title to the table's width; the pages have no trailing spaces
    printed = [line.rstrip() for line in stdout]
    assert agreeing(shown_out, printed) == shown_out
    assert agreeing(shown_err, stderr) == shown_err
    failed = any(line.startswith("error:") for line in expected)
    # A check that finds a disagreement, and a method that finds no answer, exit 1 (the
    # contract); other errors are bad input.
    answered = r"\bgradcli (check|minimize|maximize|solve)\b.*"
    unanswered = re.search(answered, command) is not None and not any(
        re.match(r"error: (unexpected|unknown|-|--)", line) for line in expected
    )
    assert code == (0 if not failed else 1 if unanswered else 2)


@pytest.mark.parametrize(("program", "expected"), list(programs()))
def test_program(program, expected, tmp_path):
    (tmp_path / "example.py").write_text(program)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    result = subprocess.run(
        [sys.executable, "example.py"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.stderr == ""
    assert agreeing(expected, result.stdout.splitlines()) == expected


@pytest.mark.usefixtures("fresh_registry")
@pytest.mark.parametrize("steps", list(sessions()))
def test_session(steps, monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for source, expected in steps:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(compile(source + "\n", "<session>", "single"), namespace)
        lines = [line.rstrip() for line in printed.getvalue().splitlines()]
        assert agreeing(expected, lines) == expected, source


@pytest.mark.parametrize(("path", "text"), list(copies()))
def test_copy_of_a_file(path, text):
    assert text == (ROOT / path).read_text()


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def links():
    for page, text in PAGES.items():
        prose = BLOCK.sub("", text)
        for target in re.findall(r"\]\(([^)\s]+)\)", prose):
            if not re.match(r"[a-z]+:", target):
                yield pytest.param(page, target, id=f"{page}: {target}")


@pytest.mark.parametrize(("page", "target"), list(links()))
def test_link_leads_somewhere(page, target):
    path, _, anchor = target.partition("#")
    linked = (ROOT / page).parent / path if path else ROOT / page
    assert linked.exists(), f"{page} links to {target}, which is not in the repository"
    if anchor:
        headings = re.findall(r"^#+ (.*)$", BLOCK.sub("", linked.read_text()), re.M)
        assert anchor in {slug(heading) for heading in headings}, f"{page}: no #{anchor}"


def test_the_readme_is_a_front_page():
    assert len(PAGES["README.md"].encode()) < 25_000


def test_there_are_examples_to_check():
    console = list(examples())
    tables = [p for p in console if any(set(line) & BOX for line in p.values[1])]
    assert len(console) >= 80 and len(tables) >= 18
    assert len(list(programs())) >= 5 and len(list(sessions())) >= 6
    assert len(list(copies())) >= 2
    # every page of docs/ shows something it checks
    checked = [p.id.partition(":")[0] for p in [*console, *programs(), *sessions()]]
    assert {page for page in PAGES if page.startswith("docs/")} <= set(checked)


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
    assert same_line("<AddBackward0 object at 0x7faf57872040>", "<AddBackward0 object at 0x7f0a>")
    assert not same_line("<AddBackward0 object at 0x7f>", "<MulBackward0 object at 0x7f>")
