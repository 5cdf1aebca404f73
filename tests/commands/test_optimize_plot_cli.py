"""minimize, maximize and solve --plot and --save through the real command: what the
terminal shows, the files, the combinations refused before anything runs, and the
start-up of the commands that do not plot."""

from __future__ import annotations

import struct
import subprocess
import sys

import numpy as np
import pytest

from tests.clirun import run

BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}
ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


def _inside(out: str) -> list[str]:
    """The lines of the drawing: between the frame's top and bottom."""
    lines = out.split("\n")
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[top + 1 : bottom]


def _find(lines: list[str], mark: str) -> list[tuple[int, int]]:
    return [(r, c) for r, line in enumerate(lines) for c, ch in enumerate(line) if ch == mark]


def test_rosenbrock_in_the_terminal_the_path_on_the_contours():
    code, out, err = run("minimize", ROSENBROCK, "--at", "x=-1.2", "--at", "y=1", "--plot",
                         "--width", "80", "--height", "30")  # fmt: skip
    assert code == 0 and err == ""
    lines = out.rstrip("\n").split("\n")
    assert len(lines) <= 30 and max(len(line) for line in lines) <= 80
    assert "\x1b" not in out  # no colour in a pipe
    assert "minimize f(x, y) = (1-x)**2 + 100*(y-x**2)**2" in lines[0]
    drawing = _inside(out)
    assert sum(ch in BRAILLE for line in drawing for ch in line) > 300  # the contours
    ((start_row, start_col),) = _find(drawing, "○")
    ((end_row, end_col),) = _find(drawing, "★")
    assert len(_find(drawing, "•")) >= 10  # the iterates
    # x from -1.64 to 1.44, y from -0.33 to 1.67: the start (-1.2, 1) is left, the end
    # (1, 1) right, both in the upper half, the valley's iterates below them.
    assert start_col < 20 and end_col > 55
    assert start_row == end_row
    assert max(r for r, _ in _find(drawing, "•")) > start_row + 5
    legend = "\n".join(lines[-3:])
    assert "○ start x = -1.2, y = 1" in legend and "★ minimum at x = 1, y = 1" in legend
    assert "contours spaced in log(f - min)" in legend


def test_gradient_descent_in_one_variable_marks_each_iterate_on_the_parabola():
    code, out, _ = run("minimize", "x**2", "--at", "x=1", "--method", "gd", "--lr", "0.1",
                       "--steps", "3", "--plot", "--width", "70", "--height", "24")  # fmt: skip
    assert code == 0
    drawing = _inside(out)
    ((_, start_col),) = _find(drawing, "○")
    ((_, end_col),) = _find(drawing, "★")
    bullets = _find(drawing, "•")
    assert len(bullets) == 2  # iterates 1 and 2; 0 is the start, 3 the end
    # Right to left, each lower than the one before: 1, 0.8, 0.64, 0.512 on x**2.
    marks = sorted([(c, r) for r, c in [*_find(drawing, "○"), *bullets, *_find(drawing, "★")]])
    assert [c for c, _ in marks] == sorted({c for c, _ in marks})
    assert [r for _, r in marks] == sorted([r for _, r in marks], reverse=True)
    assert start_col > end_col
    assert "3 iterations (gd)" in out and "★ stopped at x = 0.512, f = 0.262144" in out


def test_solve_in_the_terminal_has_the_line_y_0_and_the_root():
    code, out, err = run("solve", "x**3 - 2*x - 5", "--at", "x=2", "--plot",
                         "--width", "60", "--height", "20")  # fmt: skip
    assert code == 0 and err == ""
    assert "solve x**3 - 2*x - 5 = 0" in out
    drawing = _inside(out)
    zero = [r for r, line in enumerate(drawing) if line.count("─") > 20]
    assert len(zero) == 1
    ((end_row, _),) = _find(drawing, "★")
    assert end_row == zero[0]  # the root is on y = 0
    assert "── y = 0" in out and "★ root at x = 2.09455" in out


def test_a_system_draws_both_zero_curves():
    code, out, _ = run("solve", "[x**2 + y**2 - 4, x*y - 1]", "--at", "x=2", "--at", "y=0.5",
                       "--plot", "--width", "60", "--height", "24")  # fmt: skip
    assert code == 0
    drawing = "\n".join(_inside(out))
    assert sum(ch in BRAILLE for ch in drawing) > 10 and drawing.count("+") > 10
    assert "⠤⠤ f1 = 0" in out and "++ f2 = 0" in out
    assert "★ root at x = 1.93185, y = 0.517638" in out


def test_maximize_names_its_maximum():
    code, out, _ = run("maximize", "x*exp(-x)", "--at", "x=0.3", "--plot", "--width", "60",
                       "--height", "16")  # fmt: skip
    assert code == 0
    assert "maximize f(x) = x*exp(-x)" in out and "★ maximum at x = 1, f = 0.367879" in out


@pytest.mark.parametrize("width", [40, 80])
def test_the_plot_fits_narrow_terminals_with_fewer_contours(width):
    code, out, _ = run("minimize", ROSENBROCK, "--at", "x=-1.2", "--at", "y=1", "--plot",
                       "--width", str(width), "--height", "30")  # fmt: skip
    assert code == 0
    assert max(len(line) for line in out.rstrip("\n").split("\n")) <= width
    assert f"{3 if width == 40 else 8} contours" in out.replace("\n    ", " ")


def test_a_diverging_method_draws_then_fails_with_one_error_line():
    code, out, err = run("minimize", "-x**2", "--at", "x=1", "--method", "gd", "--lr", "0.5",
                         "--plot", "--width", "60", "--height", "16")  # fmt: skip
    assert code == 1 and "★ stopped at x = " in out and "e+" in out.split("stopped at x = ")[1]
    assert err.count("error:") == 1 and err.startswith("error: diverged")


# --- files ------------------------------------------------------------------------------------


def test_save_writes_a_png_of_the_size_asked_for(tmp_path):
    path = tmp_path / "rosenbrock.png"
    code, out, err = run("minimize", ROSENBROCK, "--at", "x=-1.2", "--at", "y=1", "--save",
                         str(path), "--width", "800", "--height", "500")  # fmt: skip
    assert code == 0 and out == "" and err == f"saved {path}\n"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (800, 500)
    assert len(data) > 20_000  # contours, a path, a legend and a colour bar


def test_save_of_a_root_takes_the_default_size_and_svg_says_what_it_draws(tmp_path):
    png, svg = tmp_path / "root.png", tmp_path / "system.svg"
    assert run("solve", "x**3 - 2*x - 5", "--at", "x=2", "--save", str(png))[0] == 0
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (960, 600)
    code, _, _ = run("solve", "[x**2 + y**2 - 4, x*y - 1]", "--at", "x=2", "--at", "y=0.5",
                     "--save", str(svg))  # fmt: skip
    text = svg.read_text()
    assert code == 0 and "f1 = 0" in text and "f2 = 0" in text and "root at x = 1.93185" in text


# --- refused before anything runs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("minimize", "x**2 + y**2 + z**2", "--at", "x=1", "--at", "y=1", "--at", "z=1",
          "--plot"), "--plot draws f of one or two variables, and this varies 3 (x, y, z)"),
        (("solve", "[x-1, y-2, z-3]", "--at", "x=0", "--at", "y=0", "--at", "z=0", "--save",
          "s.png"), "give --trace -o tsv"),
        (("minimize", "sum(w**2)", "--at", "w=[1, 2]", "--plot"), "w is an array of shape (2,)"),
        (("maximize", "-x**2", "--at", "x=1", "--plot", "--trace"), "--trace writes"),
        (("minimize", "x**2", "--at", "x=1", "--plot", "-o", "json"), "-o shapes the table"),
        (("solve", "x**2 - 2", "--at", "x=1", "--width", "50"), "give --plot or --save too"),
        (("minimize", "x**2", "--at", "x=1", "--save", "p.gif"), ".png, .svg or .pdf"),
    ],
)  # fmt: skip
def test_bad_combinations_are_one_error_line_before_the_method_runs(monkeypatch, args, message):
    import gradcli.commands.optimize
    import gradcli.commands.solve

    def never(*args, **kwargs):
        raise AssertionError("the method ran")

    monkeypatch.setattr(gradcli.commands.optimize, "optimize", never)
    monkeypatch.setattr(gradcli.commands.solve, "solve", never)
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err


def test_three_variables_can_be_drawn_two_at_a_time_with_wrt():
    code, out, _ = run("minimize", "x**2 + y**2 + z**2", "--at", "x=1", "--at", "y=1",
                       "--at", "z=1", "--wrt", "x,y", "--plot", "--width", "60",
                       "--height", "20")  # fmt: skip
    assert code == 0 and "minimize f(x, y) = x**2 + y**2 + z**2 at z=1" in out


# --- start-up -----------------------------------------------------------------------------------

_PLOTTING = {"plotext", "matplotlib", "gradcli.compute.plot", "gradcli.render.plots"}
_MODULES_AFTER = """
import sys
from gradcli.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def _modules(*args: str) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, *args], capture_output=True, text=True, check=True
    )
    return set(found.stdout.split("\n")[-2].split())


@pytest.mark.parametrize(
    "args",
    [
        ("minimize", "x**2", "--at", "x=1", "-o", "plain"),
        ("solve", "x**3 - 2*x - 5", "--at", "x=2", "--trace", "-o", "tsv"),
    ],
)
def test_without_plot_no_plotting_module_is_loaded(args):
    modules = _modules(*args)
    assert "gradcli.compute.optimize" in modules
    assert modules.isdisjoint(_PLOTTING), sorted(modules & _PLOTTING)


def test_with_plot_they_are():
    # The check above sees these imports when they happen.
    assert {"plotext", "gradcli.compute.plot", "gradcli.render.plots"} <= _modules(
        "minimize", "x**2", "--at", "x=1", "--plot"
    )


def test_the_iterates_in_the_plot_are_the_trace(tmp_path):
    # The path drawn is the --trace of the same run: its rows are the iterates.
    code, out, _ = run("minimize", "x**2", "--at", "x=1", "--method", "gd", "--lr", "0.1",
                       "--steps", "3", "--trace", "-o", "tsv")  # fmt: skip
    rows = np.loadtxt(out.splitlines()[1:], delimiter="\t")
    np.testing.assert_allclose(rows[:, 1], [1.0, 0.8, 0.64, 0.512])
    code, out, _ = run("minimize", "x**2", "--at", "x=1", "--method", "gd", "--lr", "0.1",
                       "--steps", "3", "--plot", "--width", "70", "--height", "24")  # fmt: skip
    assert code == 0 and "○ start x = 1" in out and "stopped at x = 0.512" in out
