"""``gradcli taylor``: the Taylor polynomial of total degree N about a point (#20)."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.polynomial import taylor_polynomial


def run(
    *,
    expression: str | None,
    file: str | None,
    max_iterations: int | None,
    at: Sequence[str] | None,
    order: int | None,
    exact: bool,
    seed: int | None,
    output: str | None,
    digits: int | None,
    plugin: Sequence[str] | None,
) -> None:
    inputs.load_plugins(plugin)
    fmt = display.formula_format(output, digits, alone="taylor writes one polynomial")
    compiled = inputs.expression(expression, file, max_iterations)
    result = taylor_polynomial(compiled, inputs.point(at, seed), order, exact)
    display.warn([inputs.unused_seed(seed)])
    display.show(result, fmt, digits)
