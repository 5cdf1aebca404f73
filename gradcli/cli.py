"""The command line: a thin Typer app over ``gradcli.calculus`` and ``gradcli.render``.

Every command calls the library once and hands the result to a renderer.
Errors are turned into exit codes in one place, ``_Group.main``.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import sys
import warnings
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

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
        finally:
            if collecting:
                gc.enable()
        code = result if isinstance(result, int) else ExitStatus.OK
        if code == ExitStatus.INTERRUPTED:  # typer turns KeyboardInterrupt into Exit(130)
            _fail("interrupted", ExitStatus.INTERRUPTED, debug=False)
        sys.exit(code)


class _Command(TyperCommand):
    """A command whose arguments are read the way a person means them.

    Before click parses, one pass over the words, using the command's own
    option definitions: a word that starts with ``-`` but is no option of the
    command is the expression (``gradcli diff "-x**2" --at x=1``); a
    single-valued option given twice is refused, except ``--wrt``, whose
    values join (``--wrt x --wrt y`` is ``--wrt x,y``).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _normalise(self.get_params(ctx), args))


_JOINED = {"wrt": ","}
_OPTION_SHAPE = re.compile(r"--?[A-Za-z][A-Za-z-]*(=.*)?")


def _normalise(params: list[Any], args: list[str]) -> list[str]:
    options = {
        name: param
        for param in params
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    words: list[str] = []
    positional: list[str] = []
    given: dict[str, list[tuple[str, str]]] = {}
    rest = iter(args)
    for word in rest:
        if word == "--":
            positional.extend(rest)
            break
        name, value = _split_option(word, options)
        param = options.get(name) if name else None
        if param is None:
            positional.append(word)
            continue
        takes_value = not param.is_flag and not param.count
        if takes_value and value is None:
            value = next(rest, None)
            if value is None:
                words.append(word)  # click says the value is missing
                continue
        if takes_value and not param.multiple:
            given.setdefault(param.name, []).append((name, value))
            continue
        words.extend([name] if value is None else [name, value])
    for key, uses in given.items():
        name = uses[0][0]
        if len(uses) > 1 and key not in _JOINED:
            values = ", ".join(value for _, value in uses)
            raise UsageError(f"{name} is given {len(uses)} times ({values}); give it once")
        words.extend([name, _JOINED.get(key, "").join(value for _, value in uses)])
    if len(positional) > 1:
        for word in positional:
            if _OPTION_SHAPE.fullmatch(word):
                close = difflib.get_close_matches(word.partition("=")[0], list(options), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise UsageError(f"no such option: {word}{hint} (see --help)")
    if any(word[:1] == "-" and word != "-" for word in positional):
        return [*words, "--", *positional]
    return words + positional


def _split_option(word: str, options: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(name, attached value)`` when ``word`` is one of ``options``, else ``(None, None)``.

    Accepts ``--name``, ``--name=value``, ``-o`` and ``-ojson``.
    """
    if word in options:
        return word, None
    if word.startswith("--"):
        name, sep, value = word.partition("=")
        return (name, value) if sep and name in options else (None, None)
    if word[:2] in options and len(word) > 2 and not options[word[:2]].is_flag:
        return word[:2], word[2:]
    return None, None


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
    int | None,
    typer.Option(
        "--digits",
        min=1,
        max=17,
        help="Significant digits in tables, 6 by default (plain and JSON are always exact).",
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
    if expression != "-":
        return expression
    if sys.stdin.isatty():
        sys.stderr.write("reading the expression from standard input; end it with Ctrl-D\n")
    # Bytes, decoded here: a stray byte is named, whatever the locale's error handler.
    return sys.stdin.buffer.read().decode("utf-8").strip()


def _format(choice: Format | None, digits: int | None = None) -> Format:
    """The output format; ``--digits`` only with the table it shapes."""
    if choice is not None and choice is not Format.table and digits is not None:
        raise UsageError(
            f"--digits sets the digits of tables; -o {choice} always writes every digit, "
            "so leave --digits out (or use -o table)"
        )
    if choice is not None:
        return choice
    return Format.table if sys.stdout.isatty() else Format.plain


def _emit(
    output: Format, result: Any, document: Any, plain: Any, table: Any, digits: int | None
) -> None:
    from gradcli import render

    for warning in getattr(result, "warnings", []):
        sys.stderr.write(f"warning: {warning}\n")
    if output is Format.json:
        sys.stdout.write(render.to_json(document(result)) + "\n")
    elif output is Format.plain:
        sys.stdout.write(plain(result) + "\n")
    else:
        from rich.console import Console

        Console(highlight=False).print(table(result, 6 if digits is None else digits))


# --- commands ---------------------------------------------------------------------------


@app.command("eval", cls=_Command)
def eval_command(
    expression: Expression,
    at: At = None,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
) -> None:
    """Evaluate an expression (the forward pass only).

    Examples:

      gradcli eval "sin(pi/6)"

      gradcli eval "norm(v)" --at "v=[3,4]" -o json
    """
    from gradcli import calculus, render

    result = calculus.evaluate_expression(_source(expression), calculus.bind(at or [], seed))
    _emit(
        _format(output, digits),
        result,
        render.evaluation_document,
        render.evaluation_plain,
        render.evaluation_table,
        digits,
    )


@app.command("diff", cls=_Command)
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
        str | None,
        typer.Option(
            "--method",
            help="With --order: taylor, nested, or auto (the default: Taylor mode when possible).",
        ),
    ] = None,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
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

    if method is not None and method not in METHODS:
        raise UsageError(f"--method {method!r}: choose one of {', '.join(METHODS)}")
    if method is not None and order is None:
        raise UsageError(
            f"--method {method} chooses how --order N computes higher derivatives; "
            "give --order N too, or leave --method out"
        )
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
        method=method or "auto",
    )
    _emit(
        _format(output, digits),
        result,
        render.differentiation_document,
        render.differentiation_plain,
        render.differentiation_table,
        digits,
    )


@app.command("limit", cls=_Command)
def limit_command(
    expression: Expression,
    at: At = None,
    wrt: Annotated[
        str | None, typer.Option("--wrt", help="The (scalar) variable; default: the one used.")
    ] = None,
    h: Annotated[
        float | None,
        typer.Option("--h", help="The first step (default: the scheme's own, 0.1 for forward)."),
    ] = None,
    steps: Annotated[
        int | None,
        typer.Option("--steps", help="How many rows (default: enough for the scheme's best h)."),
    ] = None,
    shrink: Annotated[
        float | None,
        typer.Option("--shrink", help="Each step is the last one divided by this (default: 10)."),
    ] = None,
    scheme: Annotated[
        str,
        typer.Option("--scheme", help="forward, backward, central, complex, richardson, or all."),
    ] = "forward",
    order: Annotated[
        int, typer.Option("--order", help="1 for f', 2 for f'' (second differences).")
    ] = 1,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
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
        _format(output, digits),
        result,
        render.limit_document,
        render.limit_plain,
        render.limit_table,
        digits,
    )


@app.command("functions", cls=_Command)
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


def run() -> None:
    """The ``gradcli`` command (the console script enters through ``gradcli.__main__``)."""
    app()
