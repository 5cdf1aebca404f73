"""How the words of a command line become its options and its expression."""

from __future__ import annotations

import difflib
import re
from typing import Any

from typer.core import TyperCommand

from gradcli.errors import UsageError


class Command(TyperCommand):
    """A command whose arguments are read the way a person means them.

    Before click parses, one pass over the words, using the command's own
    option definitions: a word that starts with ``-`` but is no option of the
    command is the expression (``gradcli diff "-x**2" --at x=1``); a
    single-valued option given twice is refused, except ``--wrt``, whose
    values join (``--wrt x --wrt y`` is ``--wrt x,y``).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _normalise(self.get_params(ctx), args))


_JOINED = {"wrt": ","}
_OPTION_SHAPE = re.compile(r"--?[A-Za-z][A-Za-z-]*(=.*)?")


def _normalise(params: list[Any], args: list[str]) -> list[str]:
    options = {
        name: param
        for param in params
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    words: list[str] = []
    positional: list[str] = []
    given: dict[str, list[tuple[str, str]]] = {}
    rest = iter(args)
    for word in rest:
        if word == "--":
            positional.extend(rest)
            break
        name, value = _split_option(word, options)
        param = options.get(name) if name else None
        if param is None:
            positional.append(word)
            continue
        takes_value = not param.is_flag and not param.count
        if takes_value and value is None:
            value = next(rest, None)
            if value is None:
                words.append(word)  # click says the value is missing
                continue
        if takes_value and not param.multiple:
            given.setdefault(param.name, []).append((name, value))
            continue
        words.extend([name] if value is None else [name, value])
    for key, uses in given.items():
        name = uses[0][0]
        if len(uses) > 1 and key not in _JOINED:
            values = ", ".join(value for _, value in uses)
            raise UsageError(f"{name} is given {len(uses)} times ({values}); give it once")
        words.extend([name, _JOINED.get(key, "").join(value for _, value in uses)])
    if len(positional) > 1:
        for word in positional:
            if _OPTION_SHAPE.fullmatch(word):
                close = difflib.get_close_matches(word.partition("=")[0], list(options), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise UsageError(f"no such option: {word}{hint} (see --help)")
    if any(word[:1] == "-" and word != "-" for word in positional):
        return [*words, "--", *positional]
    return words + positional


def _split_option(word: str, options: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(name, attached value)`` when ``word`` is one of ``options``, else ``(None, None)``.

    Accepts ``--name``, ``--name=value``, ``-o`` and ``-ojson``.
    """
    if word in options:
        return word, None
    if word.startswith("--"):
        name, sep, value = word.partition("=")
        return (name, value) if sep and name in options else (None, None)
    # Only -o takes its value attached (-ojson): "-f(x)" is an expression, not -f "(x)".
    if word[:2] == "-o" and word[:2] in options and len(word) > 2:
        return word[:2], word[2:]
    return None, None
