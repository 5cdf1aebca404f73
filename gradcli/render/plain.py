"""Results as bare numbers for shells: tab-separated, one line per row, nothing else."""

from __future__ import annotations

import functools
from typing import Any

from gradcli.compute.results import (
    BuiltinsCheck,
    Check,
    Critical,
    Differentiation,
    Evaluation,
    Formulas,
    Functions,
    Limit,
    Optimum,
    Root,
    Steps,
    TaylorPolynomial,
)
from gradcli.registry import BUILT_IN
from gradcli.render.numbers import plain_array, plain_number


@functools.singledispatch
def plain(result: Any) -> str:
    """The plain lines of a result, chosen by its type (each type registers below)."""
    raise TypeError(f"no plain form for a {type(result).__name__}")


@plain.register
def evaluation_plain(result: Evaluation) -> str:
    return plain_array(result.value)


@plain.register
def differentiation_plain(result: Differentiation) -> str:
    """Only the derivatives, one block per variable in --wrt order.

    A scalar or vector block is one line, so variables are one line each; once
    any block takes several lines (a matrix), a blank line separates the blocks.
    """
    if result.formulas is not None:
        return _beside(result)
    if result.hessian is not None:
        return plain_array(result.hessian[1])
    table = result.derivatives or result.gradient or result.jacobian or {}
    blocks = [plain_array(table[name]) for name in result.wrt]
    return ("\n\n" if any("\n" in block for block in blocks) else "\n").join(blocks)


def _beside(result: Differentiation) -> str:
    """--symbolic: each derivative's number, a tab, and its formula."""
    from gradcli.render.formulas import labelled

    numbers: list[Any] = []
    if result.derivatives is not None:
        numbers = [d for name in result.wrt for d in result.derivatives[name]]
    elif result.hessian is not None:
        numbers = list(result.hessian[1].reshape(-1))
    else:
        numbers = [result.gradient[name] for name in result.wrt]
    rows = labelled(result.formulas)
    return "\n".join(f"{plain_array(n)}\t{formula}" for n, (_, formula, _) in zip(numbers, rows))


@plain.register
def steps_plain(result: Steps) -> str:
    from gradcli.render import steps

    return steps.plain(result)


@plain.register
def critical_plain(result: Critical) -> str:
    from gradcli.render import optima

    return optima.critical_plain(result)


@plain.register(Optimum)
@plain.register(Root)
def optimum_plain(result: Optimum | Root) -> str:
    from gradcli.render import optima

    return optima.plain(result)


@plain.register
def formulas_plain(result: Formulas) -> str:
    """One formula a line: the gradient in --wrt order, orders 1..N, or the Hessian's rows."""
    from gradcli.render.formulas import labelled

    return "\n".join(formula for _, formula, _ in labelled(result))


@plain.register
def taylor_plain(result: TaylorPolynomial) -> str:
    """The polynomial in gradcli's syntax, one line (``gradcli eval`` reads it back)."""
    return result.polynomial


def _optional(value: float | None) -> str:
    return "" if value is None else plain_number(value)


@plain.register
def limit_plain(result: Limit) -> str:
    """One line per row: scheme (with --scheme all), h, estimate, abs error, rel error, order."""
    lines = []
    several = len(result.sweeps) > 1
    for sweep in result.sweeps.values():
        for row in sweep.rows:
            fields = [plain_number(row.h), plain_number(row.estimate), _optional(row.abs_error),
                      _optional(row.rel_error), _optional(row.order)]  # fmt: skip
            lines.append("\t".join(([sweep.scheme] if several else []) + fields))
    return "\n".join(lines)


# --- check ------------------------------------------------------------------------------


def _check_lines(result: Check, prefix: list[str]) -> list[str]:
    """One line per derivative: point (from 1), input, order, method, numerical scheme,
    exact, numerical, abs error, rel error, tolerance, verdict."""
    lines = []
    for row in result.rows:
        numbers = [row.exact, row.numerical, row.abs_error]
        fields = [str(row.point + 1), row.input, str(row.order), row.method, row.scheme]
        fields += [plain_number(v) for v in numbers]
        fields += [_optional(row.rel_error), plain_number(row.tolerance), row.verdict]
        lines.append("\t".join(prefix + fields))
    return lines


@plain.register
def check_plain(result: Check) -> str:
    """A line per derivative (see ``_check_lines``)."""
    return "\n".join(_check_lines(result, []))


@plain.register
def builtins_plain(result: BuiltinsCheck) -> str:
    """``--builtins``: each line starts with the operation and the expression of its sample."""
    return "\n".join(
        line
        for name, checks in result.checks.items()
        for check in checks
        for line in _check_lines(check, [name, check.expression])
    )


@plain.register
def functions_plain(result: Functions) -> str:
    """``signature<TAB>summary`` per operation, as the contract has them; an operation
    that is not built in adds its file as a third column."""
    return "\n".join(
        f"{i.signature}\t{i.summary}" + ("" if i.origin == BUILT_IN else f"\t{i.origin}")
        for i in result.entries
    )
