"""Names and calls: what a name means, and calling an operation or a program's function.

A name is a variable, a constant or a function of the algebra; using one as
the other is refused with what to write instead. A call of a registry
operation passes its arguments as the operation takes them, and arguments that
do not fit are explained in the language's terms: an unknown function gets the
closest name, a reduction's second argument is a dimension (never a second
value), and a signature that does not bind says how to call it. A call of a
function the program defines binds its parameters by position and by name.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from gradcli.autograd.tensor import Tensor
from gradcli.errors import ExpressionError
from gradcli.language.compiler import Function
from gradcli.language.parser import CONSTANTS, SPELLINGS, UnboundNameError
from gradcli.language.values import Algebra, Elements, operand, to_value
from gradcli.registry import ALIASES, OpInfo


def spelled(token: Any) -> str:
    """A name as the language knows it: ``π`` is ``pi``."""
    return SPELLINGS.get(str(token), str(token))


def lookup(name: str, algebra: Algebra, variables: Mapping[str, Any]) -> Any:
    """The value of a name: a variable, else a constant."""
    if name in variables:
        return variables[name]
    if name in CONSTANTS:
        return CONSTANTS[name]
    function = algebra.functions.get(ALIASES.get(name, name))
    if function is not None:
        call = function.signature.replace(function.name, name, 1)
        raise ExpressionError(f"'{name}' is a function; call it as {call}")
    raise UnboundNameError(name)


def call(name: str, arguments: list[Any], algebra: Algebra, variables: Mapping[str, Any]) -> Any:
    """Call the algebra's operation ``name``; keyword arguments are (name, value) pairs."""
    info = algebra.functions.get(name) or algebra.functions.get(ALIASES.get(name, ""))
    if info is None:
        if spelled(name) in variables or spelled(name) in CONSTANTS:
            raise ExpressionError(
                f"'{name}' is a value, not a function; to multiply, write {name}*(...)"
            )
        close = difflib.get_close_matches(name, [*algebra.functions, *ALIASES], n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see `gradcli functions` for the list"
        raise ExpressionError(f"unknown function '{name}'{hint}")
    positional = [a for a in arguments if not isinstance(a, tuple)]
    named = [a for a in arguments if isinstance(a, tuple)]
    keywords = dict(named)
    if len(keywords) < len(named):
        repeated = next(k for k, _ in named if sum(1 for j, _ in named if j == k) > 1)
        raise ExpressionError(f"{name}: the argument {repeated}= is given twice")
    takes_list = info.name in ("cat", "stack")
    if takes_list and positional and not isinstance(positional[0], Elements):
        raise ExpressionError(
            f"{name} joins a list of tensors written in brackets: "
            f"{name}([x, y]) or {name}([x, y], dim=1)"
        )
    converted = [
        _argument(a, algebra, keep_list=takes_list and i == 0) for i, a in enumerate(positional)
    ]
    keywords = {k: _argument(v, algebra, keep_list=False) for k, v in keywords.items()}
    if info.category == "reduction":
        _check_reduction(info, converted, keywords)
    try:
        return info.function(*converted, **keywords)
    except TypeError:
        # Binding the signature only now keeps it off the path of every call;
        # it turns arguments that do not fit into a message in the user's terms.
        _check_arguments(info, converted, keywords, name)
        raise


def bind_parameters(function: Function, arguments: list[Any]) -> dict[str, Any]:
    """The parameters of a program's function, bound to a call's arguments."""
    positional = [a for a in arguments if not isinstance(a, tuple)]
    named = dict(a for a in arguments if isinstance(a, tuple))
    wanted = ", ".join(function.parameters)
    if len(positional) > len(function.parameters):
        raise ExpressionError(
            f"{function.name}({wanted}) takes {len(function.parameters)} argument"
            f"{'' if len(function.parameters) == 1 else 's'}, and {len(positional)} were given"
        )
    values = dict(zip(function.parameters, positional))
    for name, value in named.items():
        if name not in function.parameters:
            raise ExpressionError(f"{function.name}({wanted}) has no parameter {name}")
        if name in values:
            raise ExpressionError(f"{function.name}: the argument {name} is given twice")
        values[name] = value
    missing = [p for p in function.parameters if p not in values]
    if missing:
        raise ExpressionError(f"{function.name}({wanted}) needs a value for {', '.join(missing)}")
    return values


# For a reduction given what looks like two values: how to write what was probably meant.
_TWO_VALUES = {
    "sum": "a + b",
    "prod": "a * b",
    "mean": "(a + b)/2",
    "amax": "max(a, b)",
    "amin": "min(a, b)",
}


def _check_reduction(info: OpInfo, args: list[Any], kwargs: dict[str, Any]) -> None:
    """A reduction's second argument is a dimension (or norm's p), never a second value.

    ``sum(v, 0)`` sums v over dimension 0, as in PyTorch; where that reading
    cannot be what was meant (x is a single number, or the "dimension" is a
    tensor), say how to write the values' sum. (For max and min a second
    positional argument is a value: they compare two values elementwise.)
    """
    name = info.name
    second = list(_signature(info.function).parameters)[1:2]
    alternative = f" or {_TWO_VALUES[name]}" if name in _TWO_VALUES else ""
    if name not in ("max", "min") and len(args) > 1 and _ndim(args[0]) == 0:
        raise ExpressionError(
            f"{name}(x, {second[0]}) works over the elements of one tensor, and this x is a "
            f"single number; for the {name} of several values write {name}([a, b]){alternative}"
        )
    dim = kwargs.get("dim", args[1] if len(args) > 1 and second == ["dim"] else None)
    if dim is not None and _ndim(dim):
        raise ExpressionError(
            f"{name}: dim is the number of a dimension, such as 0 or -1, not a tensor of shape "
            f"{tuple(dim.shape)}; for the {name} of two tensors write "
            + (f"{name}(a, b)" if name in ("max", "min") else f"{name}([a, b], dim=0){alternative}")
        )


def _ndim(value: Any) -> int:
    """The number of dimensions of a value of any algebra (numbers have none)."""
    return int(getattr(value, "ndim", 0))


def _argument(value: Any, algebra: Algebra, keep_list: bool) -> Any:
    """A call argument as the functions take it: constant scalars as Python numbers, and
    every tensor a number tensor (:func:`operand`)."""
    if isinstance(value, Elements):
        return list(value) if keep_list else operand(to_value(value, algebra))
    value = operand(value)
    if isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad:
        return value.item()
    return value


@functools.cache
def _signature(function: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(function)


# What people may have meant by arguments a function does not take.
_ARGUMENT_HINTS = {
    "log": "; for a logarithm to base b write log(x, b)",
    "sqrt": "; for an n-th root write x**(1/n)",
}


def _check_arguments(
    info: OpInfo, args: list[Any], kwargs: dict[str, Any], called: str | None = None
) -> None:
    try:
        _signature(info.function).bind(*args, **kwargs)
    except TypeError as error:
        name = called or info.name
        detail = str(error).replace("'", "")
        use = info.signature.replace(f"{info.name}(", f"{name}(")
        raise ExpressionError(
            f"wrong arguments for {name} ({detail}): use {use}" + _ARGUMENT_HINTS.get(info.name, "")
        ) from None
