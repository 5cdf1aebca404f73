"""``python -m gradcli``, and the ``gradcli`` console script.

The entry point imports nothing itself, so a Ctrl-C that arrives while the
command's modules are still loading ends as quietly as one that arrives later.

A command is one shot. The cyclic GC is off from the start: the modules a
command imports allocate enough to set off collections that free nothing
(Group.main keeps it off for the command itself, as large graphs are nothing but
live objects). Once the output is flushed the process ends at once, without the
interpreter's teardown (freeing every module and object), which costs more than
a fifth of a run. Only this entry point does either; the Typer app run
in-process (tests, embedding) leaves the GC as it was and returns as usual.
"""

import gc
import os
import sys


def main() -> None:
    gc.disable()
    try:
        from gradcli.cli import run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        status = 130
    except SystemExit as done:
        status = _status(done.code)
    else:
        status = 0
    os._exit(_flushed(status))


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, other non-integers are printed."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _flushed(status: int) -> int:
    """Flush what is still buffered, and the status when that fails.

    Standard output to a file or a pipe is block-buffered, so this is where most of
    a result is written. A reader that went away (``gradcli ... | head -c1``) ends
    quietly with the interpreter's 120; any other failed write (a full disk) is an
    ``error:`` line and exit 74.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        status = status or 120
    except OSError as error:
        from gradcli.cli.errors import output_failure

        sys.stderr.write(f"error: {output_failure(error)}\n")
        status = status or 74  # ExitStatus.OUTPUT_FAILED, without importing gradcli here
    except ValueError:  # standard output was closed
        status = status or 120
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        status = status or 120
    return status


if __name__ == "__main__":
    main()
