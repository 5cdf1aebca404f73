"""Running the real command in-process, for the CLI tests."""

import json

from typer.testing import CliRunner

from gradcli.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``gradcli ARGS``."""
    result = runner.invoke(app, list(args), input=stdin)
    # CliRunner swallows a crash (exit 1, empty stderr, no traceback), so an
    # assertion on stderr alone would pass; re-raise it instead.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def document(*args: str, stdin: str | bytes | None = None) -> dict:
    """The JSON document of a command that must succeed."""
    code, out, err = run(*args, "-o", "json", stdin=stdin)
    assert code == 0, err
    return json.loads(out)
