"""The command line: ``app`` (the commands), ``arguments`` (words -> options),
``errors`` (failures -> one ``error:`` line and an exit code)."""

from gradcli.cli.app import app, run

__all__ = ["app", "run"]
