"""The README's console examples run and print what the README says (tables excepted:
their width depends on the terminal)."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradcli.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text()
BOX = set("┌┏│┃└┗━─")


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
            if not any(set(o) & BOX for o in output):
                yield pytest.param(line[2:], output, id=line[2:60])


@pytest.mark.parametrize(("command", "expected"), list(examples()))
def test_readme_example(command, expected):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    shown_err = [line for line in expected if line.startswith(("error:", "warning:", "  "))]
    shown_out = [line for line in expected if line not in shown_err]
    assert result.stdout.splitlines() == shown_out
    assert result.stderr.splitlines() == shown_err
    assert result.exit_code == (2 if any(line.startswith("error:") for line in expected) else 0)


def test_there_are_examples_to_check():
    assert len(list(examples())) >= 6
