"""``gradcli functions``: every function the expression language knows."""

from __future__ import annotations

from collections.abc import Sequence

from gradcli.commands import display, inputs
from gradcli.compute.results import Functions
from gradcli.registry import OPS


def run(*, output: str | None, plugin: Sequence[str] | None) -> None:
    inputs.load_plugins(plugin)
    fmt = display.document_format(output, None)
    # Comparisons are operators (<, ==), not functions one calls by name.
    entries = [info for info in OPS.values() if info.category != "comparison"]
    display.show(Functions(entries), fmt)
