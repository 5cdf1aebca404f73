"""The Typer app: thin commands over ``gradcli.compute`` and ``gradcli.render``.

Each command validates its options once, calls the library once and hands the
result to a renderer; errors become exit codes in ``gradcli.cli.errors``.
"""

# No ``from __future__ import annotations``: typer reads every command's
# annotations several times while it builds the commands, and as strings each
# reading compiles and evaluates them again (about 4 ms a run).
import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from gradcli import __version__
from gradcli.cli.arguments import Command
from gradcli.cli.errors import Group
from gradcli.errors import UsageError


class Format(StrEnum):
    table = "table"
    plain = "plain"
    json = "json"
    tsv = "tsv"
    csv = "csv"
    jsonl = "jsonl"
    npy = "npy"


class Document(StrEnum):
    """The formats of the commands that write one document (no --points)."""

    table = "table"
    plain = "plain"
    json = "json"


_STREAM_ONLY = (Format.tsv, Format.csv, Format.jsonl, Format.npy)


app = typer.Typer(
    cls=Group,
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
        help=(
            "Output: table (default on a terminal), plain (default in a pipe), json; "
            "with --points also tsv, csv, jsonl, npy."
        ),
    ),
]
DocumentFormatOption = Annotated[
    Document | None,
    typer.Option(
        "--format",
        "-o",
        help="Output: table (default on a terminal), plain (default in a pipe), json.",
    ),
]
Points = Annotated[
    str | None,
    typer.Option(
        "--points",
        metavar="FILE|-",
        help=(
            "Evaluate at every point of FILE (- for standard input): text/CSV/TSV with a "
            "header, JSON Lines, .npy or .npz; one output row per point."
        ),
    ),
]
PointsFormat = Annotated[
    str | None,
    typer.Option(
        "--points-format",
        help="The format of --points when its name or first line does not tell: text, csv, "
        "tsv, jsonl, npy, npz.",
    ),
]
OnError = Annotated[
    str | None,
    typer.Option(
        "--on-error",
        help="A bad row of --points: stop (the default: exit 2 after the earlier rows), "
        "skip it, or null (write it as NaN).",
    ),
]
Columns = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="NAME,...",
        help="Name the columns of --points that nothing names (no header line; a .npy), in "
        "order: --columns x,y.",
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
PluginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--plugin",
        metavar="FILE.py",
        help="Load operations from a Python file (runs its code); repeatable. "
        "GRADCLI_PLUGINS holds a default list.",
    ),
]
Expression = Annotated[
    str | None,
    typer.Argument(
        metavar="EXPR",
        help='The expression or program, e.g. "3*x**2-4*x" or "b = a*2; b**2"; @FILE reads '
        "it from a file, - from standard input.",
        show_default=False,
    ),
]
ProgramFile = Annotated[
    str | None,
    typer.Option(
        "--file",
        "-f",
        metavar="FILE",
        help="Read the expression or program from FILE (- for standard input) instead of EXPR.",
    ),
]
SaveOption = Annotated[
    str | None,
    typer.Option(
        "--save",
        metavar="FILE",
        help="Save the plot to FILE (.png, .svg or .pdf) instead of drawing it in the terminal; "
        "needs matplotlib (pip install matplotlib).",
    ),
]
WidthOption = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=20,
        help="Plot width: characters in the terminal (default: its width; at most 1,000), "
        "pixels with --save (960; at most 10,000).",
    ),
]
HeightOption = Annotated[
    int | None,
    typer.Option(
        "--height",
        min=10,
        help="Plot height: lines in the terminal (default: to fit it; at most 1,000), pixels "
        "with --save (600; at most 10,000).",
    ),
]
MaxIterations = Annotated[
    int | None,
    typer.Option(
        "--max-iterations",
        min=1,
        help="How many loop iterations and function calls a program may make (default "
        "100,000); it may run ten times as many operations.",
    ),
]


def _expression(
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    stdin_taken: bool = False,
) -> Any:
    """The compiled expression or program: from EXPR, ``@FILE``, ``--file`` or standard input."""
    from gradcli.language import MAX_ITERATIONS, compile

    if expression is not None and file is not None:
        raise UsageError(f"give the expression as EXPR or with --file, not both (--file {file})")
    if expression is None and file is None:
        raise UsageError(
            'give an expression or a program: EXPR, @FILE or --file FILE, e.g. "x**2" --at x=1'
        )
    if file is None and expression is not None and expression.startswith("@"):
        file = expression[1:]
    if file is None:
        text = expression if expression != "-" else _read("-", stdin_taken)
    else:
        text = _read(file, stdin_taken)
    compiled = compile(text, max_iterations or MAX_ITERATIONS)
    if max_iterations is not None and not compiled.repeats:
        raise UsageError(
            f"--max-iterations {max_iterations} bounds the loops and calls of a program, and "
            "this one has none; leave it out"
        )
    return compiled


def _unused_seed(seed: int | None) -> None:
    """A seed given where nothing random is drawn is worth a word: the user may think it
    steers something it does not."""
    from gradcli.autograd.creation import drawn_since_seed

    if seed is not None and not drawn_since_seed():
        sys.stderr.write(
            f"warning: --seed {seed} has no effect: nothing drew random numbers (rand, randn)\n"
        )


def _read(file: str, stdin_taken: bool) -> str:
    """The text of a program file, or of standard input (``-``): at most PROGRAM_CAP bytes,
    refused before more is read (``-f /dev/zero``), and without a byte-order mark."""
    from gradcli.io.sources import PROGRAM_CAP, read_capped

    if file == "-":
        if stdin_taken:
            raise UsageError("the expression and --points cannot both come from standard input")
        if sys.stdin.isatty():
            sys.stderr.write("reading the expression from standard input; end it with Ctrl-D\n")
        # Bytes, decoded here: a stray byte is named, whatever the locale's error handler.
        return read_capped(sys.stdin.buffer, PROGRAM_CAP, "a program").decode("utf-8").strip()
    try:
        data = read_capped(file, PROGRAM_CAP, "a program")
    except OSError as error:
        raise UsageError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{file} is not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start}); "
            "convert it, e.g. with iconv -t UTF-8"
        ) from None


def _load_plugins(paths: list[str] | None) -> None:
    """Register the operations of ``--plugin`` files and of ``GRADCLI_PLUGINS``.

    Nothing is imported unless a plugin is named: this is the only way any of
    the user's Python code runs.
    """
    if paths or os.environ.get("GRADCLI_PLUGINS"):
        from gradcli.plugins import load

        load(paths or [])


def _names(wrt: str | None) -> list[str] | None:
    """``--wrt x,y`` as a list of names (repeated --wrt options arrive joined by commas)."""
    if wrt is None:
        return None
    names = [name.strip() for name in wrt.split(",") if name.strip()]
    if not names:
        raise UsageError("--wrt needs at least one variable name, e.g. --wrt x,y")
    return names


def _stream(
    expression: Any,
    at: list[str] | None,
    seed: int | None,
    points: str,
    points_format: str | None,
    on_error: str | None,
    output: Format | None,
    digits: int | None,
    **request: Any,
) -> None:
    """``--points``: one row per point, written as each chunk is done."""
    from gradcli import compute
    from gradcli.commands.stream import stream
    from gradcli.io.readers import FORMATS, ON_ERROR

    if digits is not None:
        raise UsageError("--digits shapes tables; rows from --points always carry every digit")
    if output is Format.json:
        raise UsageError("-o json is one document; with --points use -o jsonl, one per row")
    if points_format is not None and points_format not in FORMATS:
        raise UsageError(f"--points-format {points_format}: choose one of {', '.join(FORMATS)}")
    if on_error is not None and on_error not in ON_ERROR:
        raise UsageError(f"--on-error {on_error}: choose one of {', '.join(ON_ERROR)}")
    chosen = output or (Format.table if sys.stdout.isatty() else Format.plain)
    if chosen is Format.npy and sys.stdout.isatty():
        raise UsageError("-o npy writes binary data: redirect it to a file (> points.npy)")
    constants = compute.bind(at or [], seed)
    # A table of a stream is TSV with its header line: rows are written as they come.
    written = "tsv" if chosen is Format.table else str(chosen)
    source = sys.stdin.buffer if points == "-" else points
    try:
        report = stream(
            expression, constants, source, sys.stdout.buffer, output=written,
            points_format=points_format, on_error=on_error or "stop", **request,
        )  # fmt: skip
    except BrokenPipeError:
        # The reader closed the pipe (| head): it has what it wanted; stop quietly,
        # and keep the interpreter from flushing into the closed pipe at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return
    _unused_seed(seed)
    for warning in report.warnings(on_error or "stop"):
        sys.stderr.write(f"warning: {warning}\n")


def _points_options(points: str | None, **given: str | None) -> None:
    """Options that only say how to read or handle --points, refused without it."""
    if points is None:
        for name, value in given.items():
            if value is not None:
                flag = "--" + name.replace("_", "-")
                raise UsageError(f"{flag} applies to the rows of --points; give --points FILE too")


def _refuse_digits(choice: str | None, digits: int | None) -> None:
    """``--digits`` only with the table it shapes."""
    if choice is not None and choice != "table" and digits is not None:
        raise UsageError(
            f"--digits sets the digits of tables; -o {choice} always writes every digit, "
            "so leave --digits out (or use -o table)"
        )


def _format(choice: Format | Document | None, digits: int | None = None) -> Format:
    """The output format; ``--digits`` only with the table it shapes."""
    _refuse_digits(choice, digits)
    if choice in _STREAM_ONLY:
        raise UsageError(
            f"-o {choice} writes one row per point: give the points with --points, "
            "or choose table, plain or json"
        )
    if choice is not None:
        return Format(choice)
    return Format.table if sys.stdout.isatty() else Format.plain


def _emit(output: Format, result: Any, kind: str, digits: int | None) -> None:
    """Warnings to standard error, then the result as ``output``: ``kind`` names the
    renderers (``evaluation`` -> ``evaluation_document``/``_plain``/``_table``), and
    only the one module the format needs is imported."""
    for warning in getattr(result, "warnings", []):
        sys.stderr.write(f"warning: {warning}\n")
    if output is Format.json:
        from gradcli.render import documents

        render = getattr(documents, f"{kind}_document")
        sys.stdout.write(documents.to_json(render(result)) + "\n")
    elif output is Format.plain:
        from gradcli.render import plain

        sys.stdout.write(getattr(plain, f"{kind}_plain")(result) + "\n")
    else:
        from rich.console import Console

        from gradcli.render import tables

        table = getattr(tables, f"{kind}_table")
        Console(highlight=False).print(table(result, 6 if digits is None else digits))


# --- commands ---------------------------------------------------------------------------


@app.command("eval", cls=Command)
def eval_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    at: At = None,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
    points: Points = None,
    points_format: PointsFormat = None,
    columns: Columns = None,
    on_error: OnError = None,
    plugin: PluginOption = None,
) -> None:
    """Evaluate an expression (the forward pass only), at one point or at every --points row.

    Examples:

      gradcli eval "sin(pi/6)"

      gradcli eval "norm(v)" --at "v=[3,4]" -o json

      seq 0 0.5 2 | gradcli eval "log1p(x)" --points -
    """
    _load_plugins(plugin)
    from gradcli import compute

    _points_options(points, points_format=points_format, on_error=on_error, columns=columns)
    compiled = _expression(expression, file, max_iterations, stdin_taken=points == "-")
    if points is not None:
        _stream(
            compiled, at, seed, points, points_format, on_error, output, digits, columns=columns
        )
        return

    bound = compute.bind(at or [], seed)
    result = compute.evaluate_expression(compiled, bound)
    _unused_seed(seed)
    _emit(
        _format(output, digits),
        result,
        "evaluation",
        digits,
    )


@app.command("diff", cls=Command)
def diff_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
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
    points: Points = None,
    points_format: PointsFormat = None,
    columns: Columns = None,
    on_error: OnError = None,
    plugin: PluginOption = None,
) -> None:
    """Value and derivatives: gradient, Jacobian, vector-Jacobian product, f', f'', ..., Hessian.

    Examples:

      gradcli diff "3*x**2-4*x" --at x=1

      gradcli diff "2*dot(x,x)" --at "x=arange(4)" -o json

      gradcli diff "x*x" --at "x=arange(4)" --weights "ones(4)"

      gradcli diff "exp(sin(x))" --at x=0.5 --order 5

      gradcli diff "x**2*y + sin(y)" --at x=1 --at y=2 --hessian

      d=$(gradcli diff "x**3" --at x=2 -o plain)

      seq 0 0.5 2 | gradcli diff "sin(x)*exp(-x**2/2)" --points - --order 3
    """
    _load_plugins(plugin)
    from gradcli import compute

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
    _points_options(points, points_format=points_format, on_error=on_error, columns=columns)
    compiled = _expression(expression, file, max_iterations, stdin_taken=points == "-")
    if points is not None:
        if weights is not None or method is not None:
            flag = "--weights" if weights is not None else "--method"
            raise UsageError(f"{flag} applies to one point; it does not combine with --points")
        _stream(
            compiled, at, seed, points, points_format, on_error, output, digits,
            differentiate=True, wrt=_names(wrt), order=order, hessian=hessian, columns=columns,
        )  # fmt: skip
        return
    bound = compute.bind(at or [], seed)
    result = compute.differentiate(
        compiled,
        bound,
        wrt=_names(wrt),
        weights=None if weights is None else compute.constant(weights, "--weights"),
        order=order,
        hessian=hessian,
        method=method or "auto",
    )
    _unused_seed(seed)
    _emit(
        _format(output, digits),
        result,
        "differentiation",
        digits,
    )


@app.command("limit", cls=Command)
def limit_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
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
    output: DocumentFormatOption = None,
    digits: Digits = None,
    plugin: PluginOption = None,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help="Draw each scheme's error against h (log-log) instead of the table."
        ),
    ] = False,
    save: SaveOption = None,
    width: WidthOption = None,
    height: HeightOption = None,
) -> None:
    """The derivative as a limit: finite differences as h shrinks, beside the exact derivative.

    Examples:

      gradcli limit "3*x**2-4*x" --at x=1

      gradcli limit "exp(x)" --at x=1 --scheme central --steps 12

      gradcli limit "sin(x)" --at x=0.5 --scheme complex --h 1e-20 --steps 3

      gradcli limit "exp(sin(x))" --at x=0.7 --scheme all -o json

      gradcli limit "exp(sin(x))" --at x=0.7 --scheme all --plot

    --plot draws each scheme's error against h; --save errors.png (.svg, .pdf) writes that
    plot to a file instead, which needs matplotlib (pip install matplotlib).
    """
    _load_plugins(plugin)
    from gradcli import compute

    _check_drawing(
        plot or save is not None, output, digits, width, height, "--plot", save is not None
    )
    compiled = _expression(expression, file, max_iterations)
    bound = compute.bind(at or [], seed)
    result = compute.finite_differences(
        compiled,
        bound,
        wrt=_names(wrt),
        h=h,
        steps=steps,
        shrink=shrink,
        scheme=scheme,
        order=order,
    )
    _unused_seed(seed)
    if plot or save is not None:
        from gradcli.compute.plot import error_plot

        _draw(error_plot(result), save, width, height, "errors")
        return
    _emit(
        _format(output, digits),
        result,
        "limit",
        digits,
    )


@app.command("graph", cls=Command)
def graph_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    at: At = None,
    wrt: Annotated[
        str | None,
        typer.Option(
            "--wrt", help="The variables that are leaves, comma-separated (default: all used)."
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights", help="The adjoint a non-scalar value starts from (default: ones)."
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-o",
            help="table (default on a terminal), plain (default in a pipe), json, dot, mermaid.",
        ),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            help="tree (from the output to the leaves, the default) or trace (v1, v2, ...); "
            "for the table and plain formats.",
        ),
    ] = None,
    max_nodes: Annotated[
        int,
        typer.Option(
            "--max-nodes",
            min=0,
            help="Show at most N nodes (0: all); a note says what was left out.",
        ),
    ] = 200,
    collapse: Annotated[
        bool,
        typer.Option(
            "--collapse",
            help="Fold repeated structure (loop iterations, chains of one operation) into one line.",
        ),
    ] = False,
    seed: Seed = None,
    digits: Digits = None,
    plugin: PluginOption = None,
) -> None:
    """The recorded graph of one evaluation: each operation (PyTorch's grad_fn name and the
    source text it came from), its value, and its adjoint d(output)/d(node) from one backward
    pass; leaves with their gradients. A value used twice is one node, shown once.

    --view trace is the textbook evaluation trace: v1, v2, ... in the order recorded, then the
    adjoints in reverse order. -o dot is Graphviz (dot -Tsvg graph.dot > graph.svg); -o mermaid
    is a flowchart for Markdown. -o json is {"expression", "output", "weights" ("1", "ones" or
    "given"), "nodes_total", "nodes_shown", "elided", "nodes": [{"id", "kind" (operation or
    leaf), "op", "name", "text" (past 200 characters, its ends around "…"), "span" ([start,
    end) in the expression), "column", "shape", "value", "adjoint", "inputs" (ids, null for a
    constant)}], "edges": [{"from", "to", "argument"}] (as values flow), "folds": [{"id",
    "first", "last", "period", "repeats", "nodes", "ops"}]}. --max-nodes bounds every format.
    A value the graph did not keep is "?" (null in JSON).

    Examples:

      gradcli graph "(x+w)*(w+1)" --at x=2 --at w=1

      gradcli graph "t = x*y; t + sin(t)" --at x=2 --at y=3 --view trace

      gradcli graph "sum(exp(v))" --at "v=[1,2,3]" -o dot

      gradcli graph "s = x; for i in range(1000) { s = s*x + 1 }; s" --at x=0.5 --collapse

    Draw it with Graphviz: dot -Tsvg <(gradcli graph "x*sin(x)" --at x=1 -o dot) > graph.svg
    """
    _load_plugins(plugin)
    from gradcli import compute
    from gradcli.compute.graph import expression_graph

    formats = ("table", "plain", "json", "dot", "mermaid")
    if output is not None and output not in formats:
        raise UsageError(f"-o {output}: choose one of {', '.join(formats)}")
    if view not in (None, "tree", "trace"):
        raise UsageError(f"--view {view}: choose tree or trace")
    chosen = output or ("table" if sys.stdout.isatty() else "plain")
    if view is not None and chosen not in ("table", "plain"):
        raise UsageError(
            f"--view {view} chooses how the table and plain formats list the graph; -o {chosen} "
            "writes the graph itself, so leave --view out"
        )
    view = view or "tree"
    _refuse_digits(chosen, digits)
    compiled = _expression(expression, file, max_iterations)
    bound = compute.bind(at or [], seed)
    result = expression_graph(
        compiled,
        bound,
        wrt=_names(wrt),
        weights=None if weights is None else compute.constant(weights, "--weights"),
    )
    _unused_seed(seed)
    from gradcli.render import graph as render

    if chosen == "json":
        from gradcli.render.documents import to_json

        sys.stdout.write(to_json(render.graph_document(result, max_nodes, collapse)) + "\n")
    elif chosen == "dot":
        sys.stdout.write(render.graph_dot(result, max_nodes, collapse) + "\n")
    elif chosen == "mermaid":
        sys.stdout.write(render.graph_mermaid(result, max_nodes, collapse) + "\n")
    elif chosen == "plain":
        sys.stdout.write(render.graph_plain(result, view, max_nodes, collapse) + "\n")
    else:
        from rich.console import Console

        table = render.graph_table(
            result, view, max_nodes, collapse, 6 if digits is None else digits
        )
        Console(highlight=False).print(table)


@app.command("plot", cls=Command)
def plot_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    over: Annotated[
        str | None,
        typer.Option(
            "--over",
            metavar="NAME=LO:HI",
            help="The variable and its range, e.g. x=-3:3 or x=0:2*pi.",
        ),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", help="Draw f', ..., f^(N) beside f (0: f alone; at most 6).")
    ] = 1,
    at: At = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", help="Points on the range, ends included (default 401)."),
    ] = None,
    save: SaveOption = None,
    width: WidthOption = None,
    height: HeightOption = None,
    seed: Seed = None,
    plugin: PluginOption = None,
) -> None:
    """Plot f and its exact derivatives f', f'', ... over a range, in the terminal or to a file.

    Points where a curve is not finite are gaps; a y axis that a pole would flatten is
    clipped, and a warning says so. --save plot.png (.svg, .pdf) writes the plot to a file
    instead, --width/--height in pixels; it needs matplotlib (pip install matplotlib).

    Examples:

      gradcli plot "sin(x)*exp(-x**2/4)" --over x=-6:6 --order 2

      gradcli plot "log(x)" --over x=-1:3

      gradcli plot "a*x**3 - x" --over x=-2:2 --at a=0.5 --width 60 --height 20
    """
    _load_plugins(plugin)
    from gradcli import compute
    from gradcli.compute.plot import DEFAULT_SAMPLES, parse_range, sample

    _check_drawing(True, None, None, width, height, "plot", save is not None)
    if over is None:
        raise UsageError("give the variable and its range with --over, e.g. --over x=-3:3")
    compiled = _expression(expression, file, max_iterations)
    bound = compute.bind(at or [], seed)
    result = sample(compiled, bound, parse_range(over), order, samples or DEFAULT_SAMPLES)
    _unused_seed(seed)
    _draw(result, save, width, height, "curves")


MAX_CHARACTERS = 1000
"""The widest and tallest terminal plot, in characters."""
MAX_PIXELS = 10_000
"""The widest and tallest plot file, in pixels (a 10,000-pixel square PNG is ~400 MB in memory)."""


def _check_drawing(
    drawing: bool,
    output: Any,
    digits: int | None,
    width: int | None,
    height: int | None,
    what: str,
    saving: bool = False,
) -> None:
    """Options that only tables or only plots take, refused in the other."""
    if drawing and (output is not None or digits is not None):
        flag = "-o" if output is not None else "--digits"
        raise UsageError(
            f"{flag} shapes the table; {what} draws a plot instead, so leave {flag} out"
        )
    if not drawing and (width is not None or height is not None):
        raise UsageError("--width and --height size a plot: give --plot or --save too")
    unit, most = ("pixels", MAX_PIXELS) if saving else ("characters", MAX_CHARACTERS)
    for flag, size, extent in (("--width", width, "wide"), ("--height", height, "tall")):
        if size is not None and size > most:
            raise UsageError(f"{flag} {size}: a plot is at most {most:,} {unit} {extent}")


def _draw(data: Any, save: str | None, width: int | None, height: int | None, kind: str) -> None:
    """Warnings to standard error, then the plot: to the file ``save`` (sized in pixels) or as
    text on standard output (sized in characters, by default to fit the terminal)."""
    from gradcli.render import plots

    for warning in data.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if save is not None:
        plots.check_file(save)
        getattr(plots, f"save_{kind}")(data, save, width or 960, height or 600)
        sys.stderr.write(f"saved {save}\n")
        return
    terminal = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
    columns = width or (terminal.columns if terminal else 80)
    lines = height or (min(max(terminal.lines - 2, 12), 40) if terminal else 24)
    color = (
        terminal is not None and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )
    sys.stdout.write(getattr(plots, f"{kind}_text")(data, columns, lines, color) + "\n")


@app.command("check", cls=Command)
def check_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    at: At = None,
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", help="Variables to check, comma-separated (default: all used)."),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", help="1: first derivatives; 2: first and second.")
    ] = 1,
    points: Points = None,
    points_format: PointsFormat = None,
    columns: Columns = None,
    random: Annotated[
        int | None,
        typer.Option(
            "--random",
            metavar="N",
            help="Check at N random points around the --at values (each element within "
            "±50% of its value, or ±0.5 of 0); with --builtins, N draws per sample.",
        ),
    ] = None,
    builtins: Annotated[
        bool,
        typer.Option(
            "--builtins",
            help="Check every operation with derivatives (with --plugin, theirs too) on "
            "random inputs and shapes: the test suite's samples.",
        ),
    ] = False,
    seed: Seed = None,
    output: DocumentFormatOption = None,
    digits: Digits = None,
    plugin: PluginOption = None,
) -> None:
    """Check derivatives: exact (reverse mode, Taylor mode) against numerical ones.

    Every element of every input is checked, at the --at point, at each --points row or
    at --random N points: the gradient (and with --order 2 every Hessian entry) by reverse
    mode and the pure derivatives by Taylor mode, against Richardson-extrapolated central
    differences and, where every operation is analytic, the complex step. A non-scalar
    value is reduced with fixed random weights W to sum(W * value).

    Tolerance: 10 times the numerical estimate's own error estimate (at least the rounding
    of f over the step) + 1e-6 times the larger of |exact| and |numerical|. Where the
    function has a kink or jump (abs at 0), the rows say "not smooth": not a failure.

    Exit 0 when every derivative agrees, 1 when any disagrees (the table, then one error:
    line naming the operation, the input and the error), 2 for bad input. -o json gives
    {"expression", "wrt", "order", "points", "rows": [{"point", "input", "order",
    "method", "scheme", "exact", "numerical", "abs_error", "rel_error", "tolerance",
    "verdict"}], "passed"}.

    Examples:

      gradcli check "sin(x)*exp(x)" --at x=0.5

      gradcli check "x**20" --at x=3 --order 2

      gradcli check "abs(x)" --at x=0

      gradcli check "v*exp(w)" --at "v=[1,2]" --at "w=[3,4]" --random 5 -o json

      gradcli check --builtins
    """
    _load_plugins(plugin)
    from gradcli import compute
    from gradcli.cli.errors import CheckFailed

    if order not in (1, 2):
        raise UsageError(f"--order {order}: check compares first (1) or second (2) derivatives")
    if random is not None and random < 1:
        raise UsageError(f"--random {random}: give at least one point")
    if points is not None and random is not None:
        raise UsageError("give the points with --points or --random N, not both")
    _points_options(points, points_format=points_format, columns=columns)
    chosen = _format(output, digits)
    if builtins:
        given = [flag for flag, value in (("EXPR", expression), ("--file", file), ("--at", at),
                 ("--wrt", wrt), ("--points", points)) if value]  # fmt: skip
        if given:
            raise UsageError(
                f"--builtins checks the registry's operations on their own samples; leave out "
                f"{', '.join(given)}"
            )
        result: Any = compute.check_builtins(order, random or 1, seed)
    else:
        compiled = _expression(expression, file, max_iterations, stdin_taken=points == "-")
        bound = compute.bind(at or [], seed)
        rows = None
        if points is not None:
            source = sys.stdin.buffer if points == "-" else points
            rows = compute.read_points(source, compiled, bound, points_format, columns)
        result = compute.check(
            compiled, bound, wrt=_names(wrt), order=order, points=rows, random=random, seed=seed
        )
    _emit(chosen, result, "check", digits)
    if not result.passed:
        sys.stdout.flush()
        raise CheckFailed(compute.failure(result))


@app.command("functions", cls=Command)
def functions_command(
    output: DocumentFormatOption = None,
    plugin: PluginOption = None,
) -> None:
    """List the functions the expression language knows.

    Example:

      gradcli functions
    """
    _load_plugins(plugin)
    from gradcli.registry import OPS

    entries = [info for info in OPS.values() if info.category != "comparison"]
    chosen = _format(output)
    if chosen is Format.json:
        from gradcli.render.documents import functions_document, to_json

        sys.stdout.write(to_json(functions_document(entries)) + "\n")
    elif chosen is Format.plain:
        from gradcli.render.plain import functions_plain

        sys.stdout.write(functions_plain(entries) + "\n")
    else:
        from rich.console import Console

        from gradcli.render.tables import functions_table

        Console(highlight=False).print(functions_table(entries))


def run() -> None:
    """The ``gradcli`` command (the console script enters through ``gradcli.__main__``).

    Typer builds every command's options before it runs one; a one-shot run
    builds only the command it names (the others cost about 4 ms at each start).
    Without a command name, or with one that does not exist, all are built, for
    the help and for click's "did you mean".
    """
    name = next((word for word in sys.argv[1:] if not word.startswith("-")), None)
    commands = app.registered_commands
    named = [command for command in commands if command.name == name]
    app.registered_commands = named or commands
    try:
        app()
    finally:
        app.registered_commands = commands
