"""The Typer app: the commands' options, declared; nothing else.

Each command function declares its options (the shared ones once, as annotated
types), then hands them, as they are, to its module in :mod:`gradcli.commands`,
which is imported only when that command runs: ``_hand_over(name, locals())`` passes
exactly the declared parameters. Errors become exit codes in :mod:`gradcli.cli.errors`.
"""

# No ``from __future__ import annotations``: typer reads every command's
# annotations several times while it builds the commands, and as strings each
# reading compiles and evaluates them again (about 4 ms a run).
import importlib
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from gradcli import __version__
from gradcli.cli.arguments import Command
from gradcli.cli.errors import Group


class Format(StrEnum):
    table = "table"
    plain = "plain"
    json = "json"
    tsv = "tsv"
    csv = "csv"
    jsonl = "jsonl"
    npy = "npy"
    latex = "latex"


class Document(StrEnum):
    """The formats of the commands that write one document (no --points)."""

    table = "table"
    plain = "plain"
    json = "json"


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
            "with --points also tsv, csv, jsonl, npy; formulas from diff also latex."
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
    _hand_over("evaluate", locals())


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
    symbolic: Annotated[
        bool,
        typer.Option(
            "--symbolic",
            help="With --at: the derivatives as formulas too, checked against the numbers. "
            "Without --at they are formulas only.",
        ),
    ] = False,
    steps: Annotated[
        bool,
        typer.Option(
            "--steps",
            help="How reverse mode reaches the gradient at --at: the forward trace, each "
            "local partial, and the adjoints summed backward to the inputs.",
        ),
    ] = False,
) -> None:
    """Value and derivatives: gradient, Jacobian, vector-Jacobian product, f', f'', ..., Hessian.

    Without --at, the derivatives as formulas (-o latex for LaTeX).

    Examples:

      gradcli diff "3*x**2-4*x" --at x=1

      gradcli diff "x^2*sin(x)"

      gradcli diff "x^2*sin(x)" --at x=1.3 --symbolic

      gradcli diff "(x+w)*(w+1)" --at w=1 --at x=2 --steps

      gradcli diff "2*dot(x,x)" --at "x=arange(4)" -o json

      gradcli diff "x*x" --at "x=arange(4)" --weights "ones(4)"

      gradcli diff "exp(sin(x))" --at x=0.5 --order 5

      gradcli diff "x**2*y + sin(y)" --at x=1 --at y=2 --hessian

      d=$(gradcli diff "x**3" --at x=2 -o plain)

      seq 0 0.5 2 | gradcli diff "sin(x)*exp(-x**2/2)" --points - --order 3
    """
    _hand_over("diff", locals())


@app.command("taylor", cls=Command)
def taylor_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    at: At = None,
    order: Annotated[
        int | None, typer.Option("--order", help="The total degree N of the polynomial.")
    ] = None,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Exact coefficients from SymPy (1/6, sqrt(2)/2) about the point as written.",
        ),
    ] = False,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
    plugin: PluginOption = None,
) -> None:
    """The Taylor polynomial of total degree N about a point, in one variable or several
    (every mixed term), from Taylor mode; in powers of (x - a), in gradcli's syntax.

    -o latex writes it in LaTeX; -o json is {"expression", "at", "order", "variables",
    "polynomial", "latex", "coefficients": [{"powers", "coefficient"}]}.

    Examples:

      gradcli taylor "sin(x)" --at x=0 --order 5

      gradcli taylor "exp(x)*sin(y)" --at x=0 --at y=0 --order 3 --exact

      gradcli taylor "log(x)" --at x=1 --order 4 -o latex
    """
    _hand_over("taylor", locals())


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
    _hand_over("limit", locals())


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
    _hand_over("graph", locals())


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
    _hand_over("plot", locals())


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
    _hand_over("check", locals())


# --- minimize, maximize, solve, critical ----------------------------------------------

Over = Annotated[
    list[str] | None,
    typer.Option(
        "--over",
        metavar="NAME=LO:HI",
        help="Keep a variable in a range (bounds), e.g. --over x=0:2; repeatable. A variable "
        "with a range and no --at starts in its middle.",
    ),
]
Steps = Annotated[
    int | None,
    typer.Option("--steps", help="The most iterations the method may take (default 1,000)."),
]
Trace = Annotated[
    bool,
    typer.Option(
        "--trace",
        help="One row per iteration (iteration, point, f, |∇f|, step): a table on a terminal; "
        "plain, tsv, csv or jsonl rows in a pipe, written as they come.",
    ),
]
PlotPath = Annotated[
    bool,
    typer.Option(
        "--plot",
        help="Draw f with the iterates (one variable) or its contours with the path (two).",
    ),
]


_MINIMIZE_HELP = """The minimum of a single-number expression or program from a starting point (--at),
with exact gradients and Hessians.

Exit 0 when it converged (or stopped at --steps, with a warning); 1 when it diverged
(f unbounded below) or stalled, the result shown and one error: line saying why.
-o json is {"expression", "goal", "method", "start", "point", "value", "gradient",
"gradient_norm", "kind", "bounds"?, "at_bounds"?, "at"?, "iterations", "evaluations",
"converged", "stop", "message", "trace"?: [{"iteration", "point", "value",
"gradient_norm", "step"}]}.

Examples:

  gradcli minimize "(1-x)**2 + 100*(y-x**2)**2" --at x=-1.2 --at y=1

  gradcli minimize "x**2" --at x=1 --method gd --lr 0.1 --steps 3 --trace

  gradcli minimize "sum((w-1)**2)" --at "w=zeros(3)" -o json

  gradcli minimize "x**4" --at x=1 --method adam --lr 0.1

  gradcli minimize "x*log(x)" --over x=0.01:2

  gradcli minimize "(1-x)**2 + 100*(y-x**2)**2" --at x=-1.2 --at y=1 --plot
"""

_MAXIMIZE_HELP = """The maximum of a single-number expression from a starting point (--at): minimize's
options, outputs and exit codes, for -f.

Examples:

  gradcli maximize "x*exp(-x)" --at x=0.3

  gradcli maximize "x*exp(-x)" --at x=0.3 --method gd --lr 0.5 --trace
"""


def _extremum(goal: str, help: str) -> Any:
    """The command of minimize or maximize: one declaration, the goal handed over with the
    options (``run`` of :mod:`gradcli.commands.optimize` takes both)."""

    def command(
        expression: Expression = None,
        file: ProgramFile = None,
        max_iterations: MaxIterations = None,
        at: At = None,
        wrt: Annotated[
            str | None,
            typer.Option(
                "--wrt",
                help="The variables to vary, comma-separated (default: every --at one used).",
            ),
        ] = None,
        over: Over = None,
        method: Annotated[
            str,
            typer.Option(
                "--method",
                help="auto (trust-region Newton with the exact Hessian; L-BFGS-B for bounds or "
                "over 200 variables), trust, bfgs, lbfgs; the textbook ones: gd, momentum, adam, "
                "rmsprop (PyTorch's update rules) and newton.",
            ),
        ] = "auto",
        lr: Annotated[
            float | None,
            typer.Option(
                "--lr", help="Learning rate of gd, momentum, adam, rmsprop (PyTorch's defaults)."
            ),
        ] = None,
        momentum: Annotated[
            float | None, typer.Option("--momentum", help="Momentum of --method momentum (0.9).")
        ] = None,
        steps: Steps = None,
        tol: Annotated[
            float | None,
            typer.Option("--tol", help="Converged when |∇f| is at most this (default 1e-8)."),
        ] = None,
        trace: Trace = False,
        plot: PlotPath = False,
        save: SaveOption = None,
        width: WidthOption = None,
        height: HeightOption = None,
        seed: Seed = None,
        output: FormatOption = None,
        digits: Digits = None,
        plugin: PluginOption = None,
    ) -> None:
        _hand_over("optimize", dict(locals(), goal=goal))

    command.__doc__ = help
    return command


app.command("minimize", cls=Command)(_extremum("minimum", _MINIMIZE_HELP))
app.command("maximize", cls=Command)(_extremum("maximum", _MAXIMIZE_HELP))


@app.command("solve", cls=Command)
def solve_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    at: At = None,
    wrt: Annotated[
        str | None,
        typer.Option(
            "--wrt", help="The unknowns, comma-separated (default: every --at variable used)."
        ),
    ] = None,
    steps: Steps = None,
    trace: Trace = False,
    plot: PlotPath = False,
    save: SaveOption = None,
    width: WidthOption = None,
    height: HeightOption = None,
    seed: Seed = None,
    output: FormatOption = None,
    digits: Digits = None,
    plugin: PluginOption = None,
) -> None:
    """A root of f(x) = 0 near a start (--at), by Newton's method with the exact derivative
    (a system [f1, f2, ...]: the exact Jacobian) and a line search; it runs until the root
    stops moving in float64.

    Exit 0 with the root; 1 when there is none to be found from there (the result shown,
    one error: line saying why). -o json is {"expression", "start", "root", "residual",
    "residual_norm", "at"?, "iterations", "evaluations", "converged", "stop", "message",
    "trace"?: [{"iteration", "point", "residual_norm", "step"}]}.

    Examples:

      gradcli solve "x**3 - 2*x - 5" --at x=2

      gradcli solve "[x**2 + y**2 - 4, x*y - 1]" --at x=2 --at y=0.5

      gradcli solve "cos(x) - x" --at x=1 --trace

      gradcli solve "x**3 - 2*x - 5" --at x=2 --plot
    """
    _hand_over("solve", locals())


@app.command("critical", cls=Command)
def critical_command(
    expression: Expression = None,
    file: ProgramFile = None,
    max_iterations: MaxIterations = None,
    over: Annotated[
        list[str] | None,
        typer.Option(
            "--over",
            metavar="NAME=LO:HI",
            help="A variable's range: the box searched, one --over per variable (at most 6).",
        ),
    ] = None,
    at: At = None,
    starts: Annotated[
        int | None,
        typer.Option(
            "--starts", help="Newton starts filling the box (a grid; default 400, at most 20,000)."
        ),
    ] = None,
    plot: PlotPath = False,
    save: SaveOption = None,
    width: WidthOption = None,
    height: HeightOption = None,
    seed: Seed = None,
    output: DocumentFormatOption = None,
    digits: Digits = None,
    plugin: PluginOption = None,
) -> None:
    """The critical points of f in a box (∇f = 0, by Newton from a grid of starts), each
    classified by its Hessian's eigenvalues: minimum, maximum, saddle, or degenerate (one
    variable: the first derivative that is not 0 decides, or it is an inflection).

    In one variable, on the closed interval: also the points where f has no derivative
    (kinks) and the ends, and the global minimum and maximum among them all.

    -o json is {"expression", "over", "starts", "points": [{"where" (stationary, kink or
    end), "point", "value", "kind", "eigenvalues", "order"}], "global_minimum"?,
    "global_maximum"?: {"value", "points"}}.

    Examples:

      gradcli critical "x**4 - 2*x**2" --over x=-2:2

      gradcli critical "abs(x-0.5) + x**2" --over x=-1:1

      gradcli critical "sin(x)*cos(y)" --over x=-3:3 --over y=-3:3

      gradcli critical "x**4 - 2*x**2" --over x=-2:2 --plot
    """
    _hand_over("critical", locals())


@app.command("functions", cls=Command)
def functions_command(
    output: DocumentFormatOption = None,
    plugin: PluginOption = None,
) -> None:
    """List the functions the expression language knows.

    Example:

      gradcli functions
    """
    _hand_over("functions", locals())


def _hand_over(command: str, options: dict[str, Any]) -> None:
    """Run ``gradcli.commands.<command>`` with the options as declared; its module (and what
    it imports) loads only now, for the one command that runs."""
    importlib.import_module(f"gradcli.commands.{command}").run(**options)


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
