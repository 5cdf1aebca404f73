"""Plugins (--plugin FILE.py, GRADCLI_PLUGINS): a user's Function subclasses and registered
functions become operations of the language, through the real command; every way a plugin
can be wrong is one clean error naming the file and the line."""

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli import plugins
from gradcli.errors import PluginError
from gradcli.registry import OPS
from tests.clirun import document, run

ROOT = Path(gradcli.__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test in its own folder, with the registry, the loaded plugins and the modules
    as they were: loading a plugin changes all three for the whole process."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(plugins.ENVIRONMENT, raising=False)
    ops, loaded = dict(OPS), set(plugins._loaded)
    yield tmp_path
    OPS.clear()
    OPS.update(ops)
    plugins._loaded.clear()
    plugins._loaded.update(loaded)
    # The plugins' modules and what they imported from here; gradcli's own modules stay
    # (a second copy of one would hold classes the first does not recognise).
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if name.startswith("_gradcli_plugin_") or file.startswith(str(tmp_path)):
            del sys.modules[name]


def write(name: str, text: str) -> str:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(textwrap.dedent(text).lstrip())
    return name


# MultiplyAdd as PyTorch tutorials write it, with Function from gradcli.autograd instead of torch.
MULADD = """
    from gradcli.autograd import Function


    class MultiplyAdd(Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            output = w * x + b
            return output

        @staticmethod
        def backward(ctx, grad_output):
            w, x = ctx.saved_variables
            grad_w = grad_output * x
            grad_x = grad_output * w
            grad_b = grad_output * 1
            return grad_w, grad_x, grad_b
"""

# The tutorials' other form: no gradient for x when it needs none. It writes down what
# needs_input_grad said, so the test sees which branch each run took.
MULADD_NEEDS = """
    from gradcli.autograd import Function


    class MultiplyAdd(Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_output):
            w, x = ctx.saved_tensors
            with open("needs.txt", "a") as record:
                record.write(f"{ctx.needs_input_grad}\\n")
            grad_x = grad_output * w if ctx.needs_input_grad[1] else None
            return grad_output * x, grad_x, grad_output
"""

MULADD_DIFF = ["diff", "multiply_add(w, x, b)", "--at", "w=0.25", "--at", "x=1", "--at", "b=0.5"]


def fails(*args: str) -> str:
    """The error message of a command that must fail as bad input: exit 2, nothing on
    standard output, one error: line (a caret under the expression may follow)."""
    code, out, err = run(*args)
    assert (code, out) == (2, ""), err
    lines = err.splitlines()
    assert lines[0].startswith("error: ") and not any(x.startswith("error:") for x in lines[1:])
    assert "Traceback" not in err
    return err.splitlines()[0]


# --- MultiplyAdd ---------------------------------------------------------------------------


@pytest.mark.parametrize("source", [MULADD, MULADD_NEEDS], ids=["tutorial", "needs_input_grad"])
def test_multiply_add_gives_w_grad_1_and_b_grad_1(source):
    write("muladd.py", source)
    doc = document(*MULADD_DIFF, "--plugin", "muladd.py", "--wrt", "w,b")
    assert doc["value"] == 0.75
    assert doc["gradient"] == {"w": 1.0, "b": 1.0}
    # With x asked for too, its gradient is w (0.25): the other branch of needs_input_grad.
    doc = document(*MULADD_DIFF, "--plugin", "muladd.py")
    assert doc["gradient"] == {"w": 1.0, "x": 0.25, "b": 1.0}
    if source is MULADD_NEEDS:
        assert Path("needs.txt").read_text().splitlines() == [
            "(True, False, True)",
            "(True, True, True)",
        ]


def test_multiply_add_with_the_tutorials_shapes_and_random_w_and_b():
    write("muladd.py", MULADD)
    doc = document(
        "diff", "multiply_add(w, x, b)", "--plugin", "muladd.py", "--wrt", "w,b", "--seed", "1",
        "--at", "x=ones(1)", "--at", "w=rand(1)", "--at", "b=rand(1)",
    )  # fmt: skip
    w, b = doc["at"]["w"][0], doc["at"]["b"][0]
    assert doc["value"] == [w * 1 + b]
    assert doc["gradient"] == {"w": [1.0], "b": [1.0]}


def test_multiply_add_in_a_process_of_its_own(tmp_path):
    """The whole way: python -m gradcli in a fresh process, as a user runs it."""
    write("muladd.py", MULADD)
    result = subprocess.run(
        [sys.executable, "-m", "gradcli", *MULADD_DIFF, "--plugin", "muladd.py", "--wrt", "w,b"],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "1.0\n1.0\n", "")
    assert list(tmp_path.iterdir()) == [tmp_path / "muladd.py"]  # no __pycache__ left behind


def test_what_a_plugin_prints_goes_to_standard_error():
    """A tutorial's MultiplyAdd prints in forward and backward; standard output stays the
    result's, so -o plain and -o json still parse."""
    write(
        "chatty.py",
        """
        from gradcli.autograd import Function

        print("loading")


        class MultiplyAdd(Function):
            @staticmethod
            def forward(ctx, w, x, b):
                print("type in forward", type(x).__name__)
                ctx.save_for_backward(w, x)
                return w * x + b

            @staticmethod
            def backward(ctx, grad_output):
                w, x = ctx.saved_variables
                print("type in backward", type(x).__name__)
                return grad_output * x, grad_output * w, grad_output * 1
        """,
    )
    code, out, err = run(*MULADD_DIFF, "--plugin", "chatty.py", "--wrt", "w,b", "-o", "plain")
    assert (code, out) == (0, "1.0\n1.0\n")
    assert err == "loading\ntype in forward Tensor\ntype in backward Tensor\n"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=3))
def test_multiply_add_gradients_are_x_w_and_1_at_any_point(point):
    write("muladd.py", MULADD)
    w, x, b = point
    doc = document(
        "diff", "multiply_add(w, x, b)", "--plugin", "muladd.py",
        "--at", f"w={w!r}", "--at", f"x={x!r}", "--at", f"b={b!r}",
    )  # fmt: skip
    assert doc["value"] == w * x + b
    assert doc["gradient"] == {"w": x, "x": w, "b": 1.0}


# --- which operations a plugin defines --------------------------------------------------------


def test_a_plain_function_registered_by_the_plugin_is_an_operation():
    write(
        "soft.py",
        '''
        import gradcli
        from gradcli.registry import register


        @register
        def softsign(x):
            """x / (1 + |x|)"""
            return x / (1 + gradcli.abs(x))


        @register("smooth_abs", summary="sqrt(x**2 + 1e-6)")
        def _(x):
            return gradcli.sqrt(x * x + 1e-6)
        ''',
    )
    doc = document("diff", "softsign(x) + smooth_abs(y)", "--plugin", "soft.py",
                   "--at", "x=2", "--at", "y=-3")  # fmt: skip
    assert doc["value"] == pytest.approx(2 / 3 + math.sqrt(9 + 1e-6), rel=1e-15)
    assert doc["gradient"]["x"] == pytest.approx(1 / 9, rel=1e-15)  # 1 / (1 + x)^2
    assert doc["gradient"]["y"] == pytest.approx(-3 / math.sqrt(9 + 1e-6), rel=1e-15)
    listed = {f["name"]: f for f in document("functions", "--plugin", "soft.py")["functions"]}
    assert listed["softsign"]["summary"] == "x / (1 + |x|)"
    # Named as the user named the file, as for the classes gradcli registers.
    assert listed["softsign"]["origin"] == listed["smooth_abs"]["origin"] == "soft.py"


def test_a_class_the_plugin_registered_itself_is_not_registered_again():
    write(
        "ste.py",
        """
        import numpy as np

        import gradcli
        from gradcli.autograd import Function
        from gradcli.registry import register


        class RoundStraightThrough(Function):
            @staticmethod
            def forward(ctx, x):
                return gradcli.tensor(np.round(x.numpy()))

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output


        register("ste", RoundStraightThrough)
        """,
    )
    doc = document("diff", "ste(x) * x", "--plugin", "ste.py", "--at", "x=1.3")
    # round(x) + x * 1 through the straight-through backward.
    assert (doc["value"], doc["gradient"]["x"]) == pytest.approx((1.3, 2.3))
    names = {f["name"] for f in document("functions", "--plugin", "ste.py")["functions"]}
    assert "ste" in names and "round_straight_through" not in names


def test_private_classes_bases_and_imported_classes_are_not_operations():
    write("helpers/shared.py", MULADD)
    write(
        "mixed.py",
        """
        import sys

        sys.path.insert(0, "helpers")
        from shared import MultiplyAdd  # imported: not this plugin's operation

        from gradcli.autograd import Function


        class Scaled(Function):
            '''A base: no forward of its own.'''

            factor = 1.0

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * ctx.factor


        class Triple(Scaled):
            @staticmethod
            def forward(ctx, x):
                ctx.factor = 3.0
                return x * 3


        class _Helper(Function):
            @staticmethod
            def forward(ctx, x):
                return x
        """,
    )
    assert plugins.load(["mixed.py"]) == ["triple"]
    assert document("diff", "triple(x)", "--plugin", "mixed.py", "--at", "x=2")["gradient"] == {
        "x": 3.0
    }


def test_loading_the_same_file_twice_is_a_no_op():
    write("muladd.py", MULADD)
    assert plugins.load(["muladd.py"]) == ["multiply_add"]
    assert plugins.load(["muladd.py", "./muladd.py", os.path.abspath("muladd.py")]) == []
    doc = document(*MULADD_DIFF, "--plugin", "muladd.py", "--plugin", "./muladd.py")
    assert doc["gradient"]["w"] == 1.0


def test_a_plugin_that_fails_registers_nothing():
    write(
        "half.py",
        """
        from gradcli.autograd import Function


        class Fine(Function):
            @staticmethod
            def forward(ctx, x):
                return x


        class Exp(Function):
            @staticmethod
            def forward(ctx, x):
                return x
        """,
    )
    before = dict(OPS)
    with pytest.raises(PluginError, match=r"half\.py:10: class Exp: .*'exp' is already"):
        plugins.load(["half.py"])
    assert before == OPS
    assert not any(name.startswith("_gradcli_plugin_") for name in sys.modules)


# --- GRADCLI_PLUGINS --------------------------------------------------------------------------


def test_gradcli_plugins_lists_plugins_loaded_before_those_of_the_option(monkeypatch):
    write("muladd.py", MULADD)
    write("sq.py", "from gradcli.registry import register\n\nregister('sq', lambda x: x * x)\n")
    monkeypatch.setenv(plugins.ENVIRONMENT, f"muladd.py{os.pathsep}{os.pathsep}sq.py")
    doc = document("diff", "multiply_add(w, x, b) + sq(x)", "--at", "w=2", "--at", "x=3",
                   "--at", "b=1")  # fmt: skip
    assert doc["gradient"] == {"w": 3.0, "x": 2.0 + 6.0, "b": 1.0}
    # Named again with --plugin: the same file, so nothing is registered twice.
    assert document(*MULADD_DIFF, "--plugin", "muladd.py")["gradient"]["b"] == 1.0


def test_gradcli_plugins_in_a_process_of_its_own(tmp_path):
    write("muladd.py", MULADD)
    result = subprocess.run(
        [sys.executable, "-m", "gradcli", *MULADD_DIFF, "--wrt", "b", "-o", "plain"],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), plugins.ENVIRONMENT: "muladd.py"},
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "1.0\n", "")


def test_an_error_in_a_plugin_of_gradcli_plugins_says_where_it_was_named(monkeypatch):
    monkeypatch.setenv(plugins.ENVIRONMENT, "gone.py")
    assert fails("eval", "1") == "error: plugin gone.py (from GRADCLI_PLUGINS): no such file"


# --- gradcli functions ------------------------------------------------------------------------


def test_functions_shows_where_each_operation_comes_from():
    write("muladd.py", MULADD)
    listed = {f["name"]: f for f in document("functions", "--plugin", "muladd.py")["functions"]}
    assert listed["multiply_add"]["origin"] == "muladd.py"
    assert listed["multiply_add"]["signature"] == "multiply_add(w, x, b)"
    assert {f["origin"] for name, f in listed.items() if name != "multiply_add"} == {"built-in"}

    code, out, _ = run("functions", "--plugin", "muladd.py", "-o", "plain")
    lines = out.splitlines()
    assert code == 0 and "multiply_add(w, x, b)\t\tmuladd.py" in lines
    assert "sin(x)\tsine" in lines  # a built-in's line is as it always was
    assert all(line.count("\t") == 1 for line in lines if "muladd.py" not in line)


def test_the_functions_table_has_an_origin_column_once_a_plugin_adds_operations():
    write("muladd.py", MULADD)
    plain = run("functions", "-o", "table")[1]
    assert "origin" not in plain.splitlines()[1]
    code, out, _ = run("functions", "--plugin", "muladd.py", "-o", "table")
    lines = out.splitlines()
    assert code == 0 and "origin" in lines[2]
    row = " ".join(line for line in lines if "muladd.py" in line)
    assert "multiply_add(w, x," in row and "user-defined" in row
    assert max(len(line) for line in lines) <= 80


# --- bad plugins --------------------------------------------------------------------------------


FUNCTION = """
    from gradcli.autograd import Function


    class {name}(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2
"""


class _WithoutTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@pytest.mark.parametrize(
    ("files", "plugin", "message"),
    [
        ({}, "nothere.py", "plugin nothere.py: no such file"),
        (
            {"notes.txt": "x = 1"},
            "notes.txt",
            "plugin notes.txt: not a Python file; a plugin is a .py file",
        ),
        ({"folder.py/a.py": "x = 1"}, "folder.py", "plugin folder.py: not a Python file"),
        (
            {"broken.py": "import math\n\n\nvalue = math.sqrt(2\n"},
            "broken.py",
            "plugin broken.py:4: syntax error: '(' was never closed",
        ),
        (
            {"boom.py": "def helper():\n    return 1 / 0\n\n\nhelper()\n"},
            "boom.py",
            "plugin boom.py:2: ZeroDivisionError while loading it: division by zero",
        ),
        (
            {"torchy.py": "import torch\n"},
            "torchy.py",
            "plugin torchy.py:1: ModuleNotFoundError while loading it: No module named 'torch'; "
            "a plugin imports Function from gradcli.autograd, not torch.autograd",
        ),
        (
            {"sin.py": FUNCTION.format(name="Sin")},
            "sin.py",
            "plugin sin.py:4: class Sin: cannot register 'sin': 'sin' is already an operation "
            "(sin(x), built-in); rename the class, or register it under another name with "
            'register("name", Sin)',
        ),
        (
            {"ln.py": FUNCTION.format(name="Ln")},
            "ln.py",
            "plugin ln.py:4: class Ln: cannot register 'ln': 'ln' is already another name for "
            "log (log(x, base=e), built-in)",
        ),
        (
            {"e.py": FUNCTION.format(name="E")},
            "e.py",
            "plugin e.py:4: 'e' cannot be an operation's name: e is a constant of the language",
        ),
        (
            {
                "pi.py": "from gradcli.registry import register\n\n\n@register\ndef pi(x):\n    return x\n"
            },
            "pi.py",
            "plugin pi.py:4: 'pi' cannot be an operation's name: pi is a constant of the language",
        ),
        (
            {"kw.py": FUNCTION.format(name="If")},
            "kw.py",
            "plugin kw.py:4: 'if' cannot be an operation's name: if is a keyword of the language",
        ),
        (
            {
                "own.py": "from gradcli.registry import register\n\n\ndef f(x):\n    return x\n\n\nregister('exp', f)\n"
            },
            "own.py",
            "plugin own.py:8: cannot register 'exp': 'exp' is already an operation (exp(x), "
            "built-in); choose another name",
        ),
        (
            {"nothing.py": "import math\n\nfrom gradcli.autograd import Function\n"},
            "nothing.py",
            "plugin nothing.py defines no operation: no gradcli.autograd.Function subclass is "
            "defined at its top level and it calls no register(...)",
        ),
    ],
)
def test_a_bad_plugin_is_one_error_naming_the_file_and_line(files, plugin, message, monkeypatch):
    # The message for "import torch" is the one a machine without torch gives, wherever
    # torch happens to be installed.
    monkeypatch.setattr(sys, "meta_path", [_WithoutTorch(), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    for name, text in files.items():
        write(name, text)
    assert fails("eval", "1", "--plugin", plugin).startswith(f"error: {message}")


def test_an_operation_of_another_plugin_is_not_replaced():
    write("muladd.py", MULADD)
    write("again.py", "# The same operation again.\n\n" + textwrap.dedent(MULADD))
    error = fails("eval", "1", "--plugin", "muladd.py", "--plugin", "again.py")
    assert error == (
        "error: plugin again.py:7: class MultiplyAdd: cannot register 'multiply_add': "
        "'multiply_add' is already an operation (multiply_add(w, x, b), muladd.py); rename "
        'the class, or register it under another name with register("name", MultiplyAdd)'
    )


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ["eval", "twice(x)"],
            "plugin bad.py:6: NameError in twice: name 'misspelt' is not defined",
        ),
        (
            ["diff", "twice(y)"],
            "plugin bad.py:10: KeyError in the backward of twice: 'grad'",
        ),
        (
            ["diff", "twice(y)", "--order", "2"],
            "plugin bad.py:10: KeyError in the backward of twice: 'grad'",
        ),
        (
            ["eval", "twice(x, x)"],
            "wrong arguments for twice (too many positional arguments): use twice(x)",
        ),
    ],
)
def test_an_exception_in_a_plugins_code_names_the_line_and_the_operation(command, message):
    write(
        "bad.py",
        """
        from gradcli.autograd import Function

        class Twice(Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2 if x.item() > 0 else misspelt

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * {}["grad"]
        """,
    )
    error = fails(*command, "--plugin", "bad.py", "--at", "x=-1", "--at", "y=1")
    assert error.startswith(f"error: {message}")


def test_a_backward_that_returns_too_few_gradients_is_named():
    write(
        "pair.py",
        """
        from gradcli.autograd import Function

        class Pair(Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output
        """,
    )
    error = fails("diff", "pair(x, y)", "--plugin", "pair.py", "--at", "x=1", "--at", "y=2")
    assert error.startswith("error: PairBackward: backward returned 1 gradients but forward took 2")


# --- higher orders --------------------------------------------------------------------------------

# d^k/dw^k exp(w^2 + b) = p_k(w) exp(w^2 + b), p_k' + 2w p_k = p_(k+1) (Hermite-like).
_HERMITE = [
    lambda w: 2 * w,
    lambda w: 2 + 4 * w**2,
    lambda w: 12 * w + 8 * w**3,
    lambda w: 12 + 48 * w**2 + 16 * w**4,
]

TAYLOR_RULE = """
    from gradcli import taylor
    from gradcli.autograd import Function
    from gradcli.registry import register


    def multiply_add_series(w, x, b):
        return taylor.add(taylor.mul(w, x), b)


    @register(taylor=multiply_add_series)
    class MultiplyAdd(Function):
        '''w * x + b'''

        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_output):
            w, x = ctx.saved_tensors
            return grad_output * x, grad_output * w, grad_output
"""


@pytest.mark.parametrize(("source", "method"), [(MULADD, "nested"), (TAYLOR_RULE, "taylor")])
def test_order_uses_a_taylor_rule_when_given_and_nested_reverse_mode_otherwise(source, method):
    write("muladd.py", source)
    w, b = 0.7, -0.2
    doc = document("diff", "exp(multiply_add(w, w, b))", "--plugin", "muladd.py",
                   "--at", f"w={w}", "--at", f"b={b}", "--order", "4")  # fmt: skip
    assert doc["method"] == method
    value = math.exp(w * w + b)
    assert doc["derivatives"]["w"] == pytest.approx([p(w) * value for p in _HERMITE], rel=1e-13)
    assert doc["derivatives"]["b"] == pytest.approx([value] * 4, rel=1e-13)


def test_order_of_a_plain_function_plugin_differentiates_its_definition():
    write(
        "soft.py",
        """
        import gradcli
        from gradcli.registry import register


        @register
        def softsign(x):
            return x / (1 + gradcli.abs(x))
        """,
    )
    doc = document("diff", "softsign(x)", "--plugin", "soft.py", "--at", "x=2", "--order", "3")
    # softsign^(k)(x) = (-1)^(k+1) k! / (1 + x)^(k+1) for x > 0.
    assert doc["derivatives"]["x"] == pytest.approx([1 / 9, -2 / 27, 6 / 81], rel=1e-14)
    assert doc["method"] == "nested"


def test_without_a_taylor_rule_the_command_says_which_plugin_could_give_one():
    write("muladd.py", MULADD)
    error = fails(*MULADD_DIFF, "--plugin", "muladd.py", "--order", "2", "--method", "taylor")
    assert error == (
        "error: --method taylor: no Taylor rule for multiply_add (its plugin muladd.py can give "
        "one: register(..., taylor=rule)); use --method nested"
    )
    # Past the nested work budget: refused, with the same reason first.
    error = fails("diff", "exp(sin(multiply_add(w, w, b)))", "--plugin", "muladd.py",
                  "--at", "w=0.5", "--at", "b=0.5", "--order", "30", "--wrt", "w")  # fmt: skip
    assert error.startswith(
        "error: no Taylor rule for multiply_add (its plugin muladd.py can give one: "
        "register(..., taylor=rule)), so order 30 needs nested reverse mode"
    )
    assert "over the budget of 250,000" in error


# --- the other commands ----------------------------------------------------------------------------


def test_eval_and_limit_take_plugins():
    write("muladd.py", MULADD)
    assert run("eval", "multiply_add(2, 3, 4)", "--plugin", "muladd.py")[1] == "10.0\n"
    for scheme in ("central", "richardson"):
        options = ["--at", "w=3", "--scheme", scheme]
        doc = document("limit", "multiply_add(w, w, 1)", "--plugin", "muladd.py", *options)
        # As for w*w + 1 written out: the same rows, and no claim that it is not smooth.
        assert doc == {
            **document("limit", "w*w + 1", *options),
            "expression": "multiply_add(w, w, 1)",
        }
        assert doc["exact"] == 6.0 and "warnings" not in doc


def test_a_taylor_rule_that_fails_is_reported_not_worked_around():
    write("muladd.py", TAYLOR_RULE.replace("taylor.add(taylor.mul(w, x), b)", "w.nothing"))
    error = fails(*MULADD_DIFF, "--plugin", "muladd.py", "--order", "2")
    assert error == (
        "error: plugin muladd.py:7: AttributeError in the Taylor rule of multiply_add: "
        "'Series' object has no attribute 'nothing'"
    )


# --- plugins that exit --------------------------------------------------------------------


def test_a_plugin_calling_sys_exit_while_loading_is_an_error_naming_it(tmp_path):
    plugin = tmp_path / "quits.py"
    plugin.write_text("import sys\n\nsys.exit(3)\n")
    code, out, err = run("eval", "1", "--plugin", str(plugin))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: plugin {plugin}:3: called sys.exit(3) while loading it")


def test_a_plugin_operation_calling_sys_exit_is_an_error_naming_it(tmp_path):
    plugin = tmp_path / "quits_later.py"
    plugin.write_text(
        "import sys\nfrom gradcli.plugins import register\n\n\n"
        "def boom(x):\n    sys.exit(4)\n\n\nregister('boom', boom)\n"
    )
    code, out, err = run("eval", "boom(x)", "--at", "x=1", "--plugin", str(plugin))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: plugin {plugin}:6: SystemExit in boom")
