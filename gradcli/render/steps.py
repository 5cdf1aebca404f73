"""``diff --steps``: the textbook table of reverse mode, for people, shells and programs."""

from __future__ import annotations

from typing import Any

from gradcli.compute.results import Steps
from gradcli.render.formulas import pretty
from gradcli.render.numbers import json_number, plain_number, short_number


def bar(name: str) -> str:
    """The adjoint's name as textbooks write it: v̄3, x̄."""
    return f"{name[0]}\u0304{name[1:]}"


def lines(result: Steps) -> list[tuple[str, str, str, float]]:
    """(section, what, formula, number) in the order the table reads."""
    rows = [("forward", step.name, step.formula, step.value) for step in result.forward]
    rows += [("partials", f"∂{p.of}/∂{p.by}", p.formula, p.value) for p in result.partials]
    for adjoint in result.backward:
        terms = " + ".join(f"{bar(user)}·∂{user}/∂{adjoint.of}" for user in adjoint.users)
        rows.append(("backward", bar(adjoint.of), terms or "1", adjoint.value))
    return rows


def plain(result: Steps) -> str:
    """One step a line: what, its formula and its number, tab-separated."""
    return "\n".join(
        f"{what}\t{formula}\t{plain_number(n)}" for _, what, formula, n in lines(result)
    )


def document(result: Steps) -> dict[str, Any]:
    """``{"expression", "at", "wrt", "gradient", "steps": [...]}``, each step with its
    ``kind`` (forward, partial, adjoint)."""
    steps: list[dict[str, Any]] = [
        {"kind": "forward", "name": s.name, "formula": s.formula, "value": json_number(s.value)}
        for s in result.forward
    ]
    steps += [
        {"kind": "partial", "of": p.of, "by": p.by, "formula": p.formula,
         "value": json_number(p.value)}
        for p in result.partials
    ]  # fmt: skip
    steps += [
        {"kind": "adjoint", "of": a.of, "users": a.users, "value": json_number(a.value)}
        for a in result.backward
    ]
    return {
        "expression": result.expression,
        "at": {k: json_number(float(v)) for k, v in result.at.items()},
        "wrt": list(result.wrt),
        "gradient": {k: json_number(v) for k, v in result.gradient.items()},
        "steps": steps,
    }


def table(result: Steps, digits: int) -> Any:
    """Two columns, the step and its number, under the three headings of the textbook."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="gradcli diff --steps", title_justify="left", show_header=False)
    table.add_column(overflow="fold")
    table.add_column(justify="right", no_wrap=True)
    titles = {"forward": "forward", "partials": "local partials", "backward": "backward"}
    section = None
    for part, what, formula, number in lines(result):
        if part != section:
            section = part
            table.add_row(Text(titles[part], style="bold"), "")
        table.add_row(Text(f"  {what} = {pretty(formula)}"), short_number(number, digits))
    return table
