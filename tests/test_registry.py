"""The registry of operations: registering one makes it callable from expressions and the
command line, listed by `gradcli functions`; names are never silently replaced."""

import math
import re

import numpy as np
import pytest

import gradcli
from gradcli.autograd import Function
from gradcli.errors import RegistrationError
from gradcli.language import compile
from gradcli.registry import ALIASES, BUILT_IN, OPS, register, taylor_rule
from tests.clirun import document, run


@pytest.fixture(autouse=True)
def registry():
    """Each test registers into the one registry; put it back as it was."""
    saved = dict(OPS)
    yield OPS
    OPS.clear()
    OPS.update(saved)


class MultiplyAdd(Function):
    """w * x + b, with its own backward (the MultiplyAdd of examples/muladd.py)."""

    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        return grad_output * x, grad_output * w, grad_output


class RoundStraightThrough(Function):
    """round(x) forward, identity backward: its gradient can only come from this backward."""

    @staticmethod
    def forward(ctx, x):
        return gradcli.tensor(np.round(x.numpy()))

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def softsign(x):
    """x / (1 + |x|)"""
    return x / (1 + gradcli.abs(x))


def test_a_decorated_function_is_an_operation_of_the_language():
    assert register(softsign) is softsign
    info = OPS["softsign"]
    assert (info.signature, info.summary, info.origin) == ("softsign(x)", "x / (1 + |x|)", __file__)
    x = gradcli.tensor(-1.5, requires_grad=True)
    y = compile("softsign(x) * 2").evaluate({"x": x})
    y.backward()
    assert y.item() == pytest.approx(2 * -1.5 / 2.5)
    assert x.grad.item() == pytest.approx(2 / 2.5**2)  # d/dx x/(1+|x|) = 1/(1+|x|)**2


def test_register_with_a_name_and_help_as_a_decorator():
    @register("soft_sign", summary="a smooth sign", category="activation", analytic=False)
    def anything(x):
        return x / (1 + gradcli.abs(x))

    info = OPS["soft_sign"]
    assert (info.signature, info.summary, info.category) == (
        "soft_sign(x)",
        "a smooth sign",
        "activation",
    )
    assert compile("soft_sign(3)").evaluate().item() == pytest.approx(0.75)


def test_a_registered_function_gets_tensors_where_the_language_has_numbers():
    @register
    def cube_of_exp(x):
        return x.exp() ** 3  # a Tensor method: a constant argument arrives as a tensor

    assert compile("cube_of_exp(0.5)").evaluate().item() == pytest.approx(math.exp(1.5))


def test_a_function_subclass_registers_under_its_snake_case_name_and_uses_its_backward():
    assert register(MultiplyAdd) is MultiplyAdd
    assert OPS["multiply_add"].signature == "multiply_add(w, x, b)"
    w = gradcli.tensor(3.0, requires_grad=True)
    b = gradcli.tensor(0.5, requires_grad=True)
    y = compile("multiply_add(w, 2, b)").evaluate({"w": w, "b": b})
    y.backward()
    assert (y.item(), w.grad.item(), b.grad.item()) == (6.5, 2.0, 1.0)

    register("ste", RoundStraightThrough)
    x = gradcli.tensor(1.3, requires_grad=True)
    y = compile("ste(x) * x").evaluate({"x": x})
    y.backward()
    # round(x) + x * 1 from the straight-through backward; round' is 0 everywhere.
    assert (y.item(), x.grad.item()) == pytest.approx((1.3, 1.0 + 1.3))


def test_a_function_subclass_takes_keywords_and_says_what_it_takes():
    register(MultiplyAdd)
    assert compile("multiply_add(2, b=1, x=4)").evaluate().item() == 9.0
    with pytest.raises(gradcli.errors.ExpressionError, match=r"use multiply_add\(w, x, b\)"):
        compile("multiply_add(1, 2)").evaluate()


def test_registered_operations_work_from_the_command_line_and_are_listed():
    register(MultiplyAdd)
    register(softsign)
    doc = document("diff", "multiply_add(w, x, b) + softsign(x)", "--at", "w=3", "--at", "x=2", "--at", "b=1")  # fmt: skip
    assert doc["value"] == pytest.approx(3 * 2 + 1 + 2 / 3)
    assert doc["gradient"] == pytest.approx({"w": 2.0, "x": 3.0 + 1 / 9, "b": 1.0})

    listed = {f["name"]: f for f in document("functions")["functions"]}
    assert listed["multiply_add"]["signature"] == "multiply_add(w, x, b)"
    assert listed["softsign"]["summary"] == "x / (1 + |x|)"
    code, out, _ = run("functions", "-o", "plain")
    # An operation that is not built in has a third column: where it came from.
    assert code == 0 and f"softsign(x)\tx / (1 + |x|)\t{__file__}" in out.splitlines()


@pytest.mark.parametrize(
    ("name", "clash"),
    [
        ("sin", "'sin' is already an operation (sin(x), built-in)"),
        ("ln", "'ln' is already another name for log (log(x, base=e), built-in)"),
    ],
)
def test_a_name_that_is_taken_is_refused_and_nothing_changes(name, clash):
    before = dict(OPS)
    with pytest.raises(
        RegistrationError,
        match=re.escape(f"cannot register '{name}' from plugin.py: {clash}; choose"),
    ):
        register(name, softsign, origin="plugin.py")
    assert before == OPS
    # numpy's sin, not libm's: they may differ in the last bit on another CPU
    assert compile("sin(0.5)").evaluate().item() == pytest.approx(math.sin(0.5), rel=1e-15)


def test_a_second_registration_of_a_name_is_refused_naming_the_first():
    register(softsign, origin="first.py")
    with pytest.raises(RegistrationError, match=r"'softsign' .*\(softsign\(x\), first.py\)"):
        register("softsign", MultiplyAdd, origin="second.py")
    assert OPS["softsign"].origin == "first.py"


@pytest.mark.parametrize("name", ["soft-sign", "2x", "", "soft sign"])
def test_a_name_the_language_cannot_write_is_refused(name):
    with pytest.raises(RegistrationError, match="letters, digits and _"):
        register(name or " ", softsign)


def test_taylor_rules_come_from_the_entry_then_the_built_in_rules():
    from gradcli.taylor import RULES

    assert taylor_rule("sin") is RULES["sin"]
    assert taylor_rule("ln") is RULES["log"]
    assert taylor_rule("zeros") is None
    register(softsign)
    assert taylor_rule("softsign") is None

    def rule(x):
        return x / (1 + abs(x))

    register("softsign2", softsign, taylor=rule)
    assert taylor_rule("softsign2") is rule


def test_every_built_in_is_marked_so_and_aliases_name_built_ins():
    assert {info.origin for info in OPS.values()} == {BUILT_IN}
    assert all(target in OPS for target in ALIASES.values())


class Pair(Function):
    """2x and 3x: two outputs, which the language cannot give as one value."""

    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, a, b):
        return a * 2 + b * 3


def test_an_operation_that_returns_several_values_is_refused_with_what_to_write():
    register(Pair)
    register("pair_plain", lambda x: (x, x))
    for source in ("pair(x)", "pair(x) * 1", "pair_plain(x)"):
        with pytest.raises(gradcli.errors.ExpressionError, match="returns 2 values") as caught:
            compile(source).evaluate({"x": gradcli.tensor(1.0, requires_grad=True)})
        assert "[0])" in str(caught.value)
    register("pair_0", lambda x: Pair.apply(x)[0])
    assert compile("pair_0(x)").evaluate({"x": gradcli.tensor(1.5)}).item() == 3.0
