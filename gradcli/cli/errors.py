"""Every failure of a command becomes one ``error:`` line and an exit code, here only."""

from __future__ import annotations

import gc
import os
import sys
import warnings
from typing import Any

import typer
from typer.core import TyperGroup

from gradcli.errors import ExitStatus, ExpressionError, GradcliError


class Group(TyperGroup):
    """Runs a command and maps every failure to one ``error:`` line and an exit code."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args or os.environ.get("GRADCLI_DEBUG") == "1"
        args = [a for a in args if a != "--debug"]
        extra["standalone_mode"] = False
        # A command is one shot: the cyclic GC would only rescan the growing
        # graph (a third of the time for large expressions). It is switched
        # back on afterwards for callers that live on (tests, embedding).
        collecting = gc.isenabled()
        gc.disable()
        try:
            import numpy as np

            # NaN and inf are reported by gradcli's own warnings, so numpy's go quiet.
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                result = super().main(args, prog_name or "gradcli", **extra)
        except (typer.Abort, KeyboardInterrupt):
            _fail("interrupted", ExitStatus.INTERRUPTED, debug)
        except UnicodeDecodeError as error:
            _fail(
                f"standard input is not UTF-8 text (byte {error.object[error.start]:#04x} at "
                f"offset {error.start}); convert it, e.g. with iconv -t UTF-8",
                ExitStatus.BAD_INPUT,
                debug,
            )
        except typer.TyperException as error:  # click's usage errors, as typer vendors them
            _fail(_usage_message(error), ExitStatus.BAD_INPUT, debug)
        except GradcliError as error:
            _fail(_describe(error), error.exit_status, debug)
        except RecursionError:
            _fail("the input is nested too deeply to process", ExitStatus.BAD_INPUT, debug)
        except BrokenPipeError:
            # The reader went away (| head): it has what it wanted; stop quietly, and keep
            # the interpreter from flushing into the closed pipe at exit.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            result = ExitStatus.OK
        except OSError as error:
            # Every file gradcli reads is opened where its errors become UsageError, so an
            # OSError that gets here is a write to standard output that failed.
            _fail(output_failure(error), ExitStatus.OUTPUT_FAILED, debug)
        finally:
            if collecting:
                gc.enable()
        code = result if isinstance(result, int) else ExitStatus.OK
        if code == ExitStatus.INTERRUPTED:  # typer turns KeyboardInterrupt into Exit(130)
            _fail("interrupted", ExitStatus.INTERRUPTED, debug=False)
        sys.exit(code)


def output_failure(error: OSError) -> str:
    """The message for a write to standard output that failed (a full disk, a closed file)."""
    return f"cannot write the output: {error.strerror or error}"


def _usage_message(error: Any) -> str:
    """click's message for a usage error, with where to read more.

    typer vendors click privately, so its exception classes are told apart by name.
    """
    if type(error).__name__ == "NoArgsIsHelpError":
        sys.stderr.write(error.format_message() + "\n")
        return "no command given; choose one of those above"
    context = getattr(error, "ctx", None)
    hint = f" (see {context.command_path} --help)" if context is not None else ""
    return error.format_message() + hint


def _describe(error: GradcliError) -> str:
    """The message in the command line's terms (settings spelled as their flags), with a
    caret under the column for errors in an expression."""
    from gradcli.language import UnboundNameError

    message = error.spelled(lambda name: "--" + name.replace("_", "-"))
    if isinstance(error, UnboundNameError):
        message += f"; bind it with --at {error.name}=VALUE"
    if isinstance(error, ExpressionError) and error.source is not None and error.column:
        source, column = error.source, min(error.column, len(error.source) + 1)
        if "\n" in source:
            # A program: the line the column falls on, named, with the caret under it.
            start_of_line = source.rfind("\n", 0, column - 1) + 1
            end_of_line = source.find("\n", start_of_line)
            number = source.count("\n", 0, start_of_line) + 1
            message = f"line {number}: {message}"
            source = source[start_of_line : None if end_of_line < 0 else end_of_line]
            column -= start_of_line
        start = max(0, column - 60)  # keep the caret on screen for very long input
        shown = ("..." if start else "") + source[start : start + 100]
        caret = " " * (column - 1 - start + (3 if start else 0)) + "^"
        message += f"\n  {shown}\n  {caret}"
    return message


def _fail(message: str, status: int, debug: bool) -> None:
    if debug:
        raise  # the exception being handled, with its traceback
    sys.stderr.write(f"error: {message}\n")
    sys.exit(int(status))
