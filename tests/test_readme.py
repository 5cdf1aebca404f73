"""The README's console examples run and print what the README says, tables
included: they are rendered at 80 columns, the width the README shows."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradcli.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text()
BOX = set("┌┏│┃└┗━─")
# Rich takes the width from COLUMNS when output is not a terminal; colour is off
# for the same reason unless forced.
SCREEN = {"COLUMNS": "80", "LINES": "50", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}


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
    assert [line.rstrip() for line in result.stdout.splitlines()] == shown_out
    assert result.stderr.splitlines() == shown_err
    failed = any(line.startswith("error:") for line in expected)
    # A check that finds a disagreement exits 1 (the contract); other errors are bad input.
    assert result.exit_code == (0 if not failed else 1 if args[0] == "check" else 2)


def test_there_are_examples_to_check():
    tables = [p for p in examples() if any(set(line) & BOX for line in p.values[1])]
    assert len(list(examples())) >= 12 and len(tables) >= 5
