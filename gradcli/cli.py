"""The command line: a thin Typer app over ``gradcli.calculus`` and ``gradcli.render``.

Every command calls the library once and hands the result to a renderer.
Errors are turned into exit codes in one place, ``_Group.main``.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from gradcli import __version__
from gradcli.errors import ExitStatus, ExpressionError, GradcliError, UsageError


class Format(StrEnum):
    table = "table"
    plain = "plain"
    json = "json"


class _Group(TyperGroup):
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
        except typer.TyperException as error:  # click's usage errors, as typer vendors them
            _fail(_usage_message(error, args), ExitStatus.BAD_INPUT, debug)
        except GradcliError as error:
            _fail(_describe(error), error.exit_status, debug)
        except RecursionError:
            _fail("the input is nested too deeply to process", ExitStatus.BAD_INPUT, debug)
        finally:
            if collecting:
                gc.enable()
        code = result if isinstance(result, int) else ExitStatus.OK
        sys.exit(code)


def _usage_message(error: Any, args: list[str]) -> str:
    """click's message for a usage error, with what to do next.

    typer vendors click privately, so its exception classes are told apart by name.
    """
    if type(error).__name__ == "NoArgsIsHelpError":
        sys.stderr.write(error.format_message() + "\n")
        return "no command given; choose one of those above"
    looks_like_expression = [
        a
        for a in args
        if a[:1] == "-" and a not in ("-", "--") and (a[1] in "0123456789.(" or not _is_option(a))
    ]
    option = getattr(error, "option_name", "") or ""
    if type(error).__name__ == "NoSuchOption" and option[:2] != "--":
        looks_like_expression.append(option)
    if type(error).__name__ == "NoSuchOption" and looks_like_expression:
        hint = (
            f"; if {looks_like_expression[0]!r} is an expression, write it in "
            'parentheses, "(-x**2)", or last after --: gradcli diff --at x=1 -- "-x**2"'
        )
    else:
        context = getattr(error, "ctx", None)
        hint = f" (see {context.command_path} --help)" if context is not None else ""
    return error.format_message() + hint


def _is_option(argument: str) -> bool:
    """``--name``, ``--name=value`` or ``-o``: the shapes options have."""
    name = argument.split("=", 1)[0].lstrip("-")
    return name.replace("-", "").isalnum() and (argument.startswith("--") or len(name) == 1)


def _describe(error: GradcliError) -> str:
    """The message, with a caret under the column for errors in an expression."""
    from gradcli.language import UnboundNameError

    message = str(error)
    if isinstance(error, UnboundNameError):
        message += f"; bind it with --at {error.name}=VALUE"
    if isinstance(error, ExpressionError) and error.source is not None and error.column:
        source = error.source.replace("\n", " ")
        column = min(error.column, len(source) + 1)
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


app = typer.Typer(
    cls=_Group,
    name="gradcli",
    help=(
        "Exact derivatives, gradients, Hessians and finite-difference tables of "
        "expressions, from the shell.\n\n"
        'Example: gradcli diff "3*x**2-4*x" --at x=1'
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gradcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Global options. --debug (anywhere on the line, or GRADCLI_DEBUG=1) shows tracebacks."""


# --- shared options -----------------------------------------------------------------

At = Annotated[
    list[str] | None,
    typer.Option(
        "--at",
        metavar="NAME=VALUE",
        help="Bind a variable; VALUE is a constant expression: 1, 2*pi, [1,2,3], eye(3), randn(5,3). Repeatable.",
    ),
]
Seed = Annotated[int | None, typer.Option("--seed", help="Seed for rand/randn, so runs repeat.")]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-o",
        help="Output: table (default on a terminal), plain (default in a pipe), json.",
    ),
]
Digits = Annotated[
    int,
    typer.Option(
        "--digits", min=1, max=17, help="Significant digits in tables (plain and JSON are exact)."
    ),
]
Expression = Annotated[
    str,
    typer.Argument(
        metavar="EXPR", help='The expression, e.g. "3*x**2-4*x"; - reads it from standard input.'
    ),
]


def _source(expression: str) -> str:
    """The expression text; ``-`` means standard input (for expressions too long for argv)."""
    return sys.stdin.read().strip() if expression == "-" else expression


def _format(choice: Format | None) -> Format:
    if choice is not None:
        return choice
    return Format.table if sys.stdout.isatty() else Format.plain


def _emit(output: Format, result: Any, document: Any, plain: Any, table: Any, digits: int) -> None:
    from gradcli import render

    for warning in getattr(result, "warnings", []):
        sys.stderr.write(f"warning: {warning}\n")
    if output is Format.json:
        sys.stdout.write(render.to_json(document(result)) + "\n")
    elif output is Format.plain:
        sys.stdout.write(plain(result) + "\n")
    else:
        from rich.console import Console

        Console(highlight=False).print(table(result, digits))


# --- commands ---------------------------------------------------------------------------


@app.command("eval")
def eval_command(
    expression: Expression,
    at: At = None,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = 6,
) -> None:
    """Evaluate an expression (the forward pass only).

    Examples:

      gradcli eval "sin(pi/6)"

      gradcli eval "norm(v)" --at "v=[3,4]" -o json
    """
    from gradcli import calculus, render

    result = calculus.evaluate_expression(_source(expression), calculus.bind(at or [], seed))
    _emit(
        _format(output),
        result,
        render.evaluation_document,
        render.evaluation_plain,
        render.evaluation_table,
        digits,
    )


@app.command("diff")
def diff_command(
    expression: Expression,
    at: At = None,
    wrt: Annotated[
        str | None,
        typer.Option(
            "--wrt", help="Variables to differentiate by, comma-separated (default: all used)."
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Weights W for a non-scalar value: gives the vector-Jacobian product W·J.",
        ),
    ] = None,
    order: Annotated[
        int | None,
        typer.Option("--order", help="Pure derivatives of orders 1..N in each scalar variable."),
    ] = None,
    hessian: Annotated[
        bool, typer.Option("--hessian", help="The full matrix of second partials.")
    ] = False,
    method: Annotated[
        str,
        typer.Option(
            "--method", help="For --order: taylor, nested, or auto (Taylor mode when possible)."
        ),
    ] = "auto",
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = 6,
) -> None:
    """Value and derivatives: gradient, Jacobian, vector-Jacobian product, f', f'', ..., Hessian.

    Examples:

      gradcli diff "3*x**2-4*x" --at x=1

      gradcli diff "2*dot(x,x)" --at "x=arange(4)" -o json

      gradcli diff "x*x" --at "x=arange(4)" --weights "ones(4)"

      gradcli diff "exp(sin(x))" --at x=0.5 --order 5

      gradcli diff "x**2*y + sin(y)" --at x=1 --at y=2 --hessian

      d=$(gradcli diff "x**3" --at x=2 -o plain)
    """
    from gradcli import calculus, render
    from gradcli.higher import METHODS

    if method not in METHODS:
        raise UsageError(f"--method {method!r}: choose one of {', '.join(METHODS)}")
    if order is not None and hessian:
        raise UsageError("--order and --hessian are separate requests; give one of them")
    if weights is not None and (order is not None or hessian):
        raise UsageError(
            "--weights weights a first derivative; it does not combine with --order or --hessian"
        )
    bound = calculus.bind(at or [], seed)
    names = [n.strip() for n in wrt.split(",") if n.strip()] if wrt is not None else None
    if wrt is not None and not names:
        raise UsageError("--wrt needs at least one variable name, e.g. --wrt x,y")
    result = calculus.differentiate(
        _source(expression),
        bound,
        wrt=names,
        weights=None if weights is None else calculus.constant(weights, "--weights"),
        order=order,
        hessian=hessian,
        method=method,
    )
    _emit(
        _format(output),
        result,
        render.differentiation_document,
        render.differentiation_plain,
        render.differentiation_table,
        digits,
    )


@app.command("limit")
def limit_command(
    expression: Expression,
    at: At = None,
    wrt: Annotated[
        str | None, typer.Option("--wrt", help="The (scalar) variable; default: the one used.")
    ] = None,
    h: Annotated[float, typer.Option("--h", help="The first step.")] = 0.1,
    steps: Annotated[int, typer.Option("--steps", help="How many rows.")] = 5,
    shrink: Annotated[
        float, typer.Option("--shrink", help="Each step is the last one divided by this.")
    ] = 10.0,
    scheme: Annotated[
        str,
        typer.Option("--scheme", help="forward, backward, central, complex, richardson, or all."),
    ] = "forward",
    order: Annotated[
        int, typer.Option("--order", help="1 for f', 2 for f'' (second differences).")
    ] = 1,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = 6,
) -> None:
    """The derivative as a limit: finite differences as h shrinks, beside the exact derivative.

    Examples:

      gradcli limit "3*x**2-4*x" --at x=1

      gradcli limit "exp(x)" --at x=1 --scheme central --steps 12

      gradcli limit "sin(x)" --at x=0.5 --scheme complex --h 1e-20 --steps 3

      gradcli limit "exp(sin(x))" --at x=0.7 --scheme all -o json
    """
    from gradcli import calculus, render

    if wrt is not None and "," in wrt:
        raise UsageError(f"--wrt {wrt}: limit differentiates by one variable; name one")
    result = calculus.finite_differences(
        _source(expression),
        calculus.bind(at or [], seed),
        wrt=wrt,
        h=h,
        steps=steps,
        shrink=shrink,
        scheme=scheme,
        order=order,
    )
    _emit(
        _format(output),
        result,
        render.limit_document,
        render.limit_plain,
        render.limit_table,
        digits,
    )


@app.command("functions")
def functions_command(
    output: FormatOption = None,
) -> None:
    """List the functions the expression language knows.

    Example:

      gradcli functions
    """
    from gradcli import render
    from gradcli.autograd.table import OPS

    entries = [info for info in OPS.values() if info.category != "comparison"]
    chosen = _format(output)
    if chosen is Format.json:
        document = [
            {"name": i.name, "signature": i.signature, "summary": i.summary, "category": i.category}
            for i in entries
        ]
        sys.stdout.write(render.to_json({"functions": document}) + "\n")
    elif chosen is Format.plain:
        sys.stdout.write("\n".join(f"{i.signature}\t{i.summary}" for i in entries) + "\n")
    else:
        from rich.console import Console

        Console(highlight=False).print(render.functions_table(entries))


def main() -> None:
    """The ``gradcli`` console script."""
    app()
