"""Typed errors raised by the library, and the exit codes the CLI maps them to.

The engine and the language raise these; only ``gradcli.cli`` turns them into
exit codes. Engine errors also subclass the builtin PyTorch raises in the same
situation (``RuntimeError``, ``ValueError``), so code ported from PyTorch that
catches those keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import IntEnum

_OPTION = re.compile("\x1f([a-z_]+)\x1f")


def option(name: str) -> str:
    """A setting named in a message, in the caller's terms.

    The library names its parameters (``wrt``); the command line spells the same
    setting as its flag (``--wrt``), through :meth:`GradcliError.spelled`.
    """
    return f"\x1f{name}\x1f"


class ExitStatus(IntEnum):
    """Process exit codes (the contract in ``docs/cli.md``)."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    # sysexits.h's EX_IOERR: the result could not be written (a full disk, a closed file).
    OUTPUT_FAILED = 74
    INTERRUPTED = 130


class GradcliError(Exception):
    """Base class of every error gradcli raises on purpose."""

    exit_status = ExitStatus.BAD_INPUT

    def __str__(self) -> str:
        return self.spelled(lambda name: name)

    def spelled(self, spell: Callable[[str], str]) -> str:
        """The message with each :func:`option` spelled by ``spell`` (e.g. as a flag)."""
        return _OPTION.sub(lambda match: spell(match.group(1)), super().__str__())


class AutogradError(GradcliError, RuntimeError):
    """Misuse of the autograd engine: a freed graph, a bad in-place op, ..."""


class ShapeError(GradcliError, ValueError):
    """Operands whose shapes do not fit the operation."""


class LimitError(GradcliError, ValueError):
    """A request beyond a documented limit (tensor size, step count, ...)."""


class ExpressionError(GradcliError, ValueError):
    """An expression that cannot be parsed or evaluated.

    ``column`` (1-based) and ``source`` let the CLI draw a caret under the
    offending place; both are optional.
    """

    def __init__(self, message: str, *, source: str | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.column = column


class NotAnalyticError(ExpressionError):
    """A point where the expression has no Taylor expansion, though its value is finite:
    a kink (``abs`` at 0), a jump (``x > 0`` at 0), arguments that cross (``max``).

    Taylor mode raises it; the routes that look for kinks catch it by this type,
    and treat any other error of Taylor mode as a failure to run, not as a kink.
    """


class UsageError(GradcliError, ValueError):
    """A command-line option whose value makes no sense."""


class RegistrationError(GradcliError, ValueError):
    """An operation that cannot be registered: its name is taken or cannot be written."""


class PluginError(GradcliError, ValueError):
    """A plugin file that cannot be loaded: missing, not Python, failing to import, or
    defining an operation whose name is taken. The message names the file and line."""


# PyTorch raises IndexError, RuntimeError and TypeError where these are raised; each is
# also that builtin, so code ported from PyTorch that catches those keeps working.


class DimensionError(ShapeError, IndexError):
    """A dimension or an index out of range (``IndexError``, as in PyTorch)."""


class ShapeMismatchError(ShapeError, RuntimeError):
    """A shape the operation cannot take: operands whose shapes do not fit together, a
    negative size, an order that is no permutation, an item of many elements
    (``RuntimeError``, as in PyTorch)."""


class WholeNumberError(ShapeError, TypeError):
    """A size, dimension or index that is not a whole number (``TypeError``, as in PyTorch)."""


class ArgumentTypeError(GradcliError, TypeError):
    """An argument of the wrong kind: text for tensor data, None for a dimension."""


class ArgumentValueError(GradcliError, ValueError, RuntimeError):
    """An argument of the right kind with a value the operation does not take:
    ``reduction="avg"``, a negative ``beta``, a probability outside [0, 1]. PyTorch raises
    ``ValueError`` for some of these and ``RuntimeError`` for others; this is both."""


class NotSupportedError(ArgumentValueError, NotImplementedError):
    """A mode PyTorch refuses as not implemented for these arguments (``NotImplementedError``,
    as in PyTorch: padding a vector by reflection, an unknown padding mode)."""


class DeviceError(GradcliError, RuntimeError):
    """A device other than the CPU: gradcli computes with numpy, on the CPU only."""


class SettingError(GradcliError, ValueError):
    """A setting out of its range: a negative learning rate, a dropout probability above 1,
    a batch size of 0, a seed too large (``ValueError``, as in PyTorch)."""


class SavedFileError(GradcliError, RuntimeError):
    """A file :func:`gradcli.load` cannot read: not written by :func:`gradcli.save`, or
    damaged (``RuntimeError``, as PyTorch's reader raises)."""


class DtypeError(GradcliError, RuntimeError):
    """A tensor of a dtype the operation does not take: a gradient for an integer tensor,
    the mean of integers, a bool tensor subtracted, a fraction stored in an integer tensor
    (``RuntimeError``, as in PyTorch)."""


class CheckFailed(GradcliError):
    """A check the user asked for failed (``gradcli check``): exit 1. The result is on
    standard output already; the message says what disagreed, and by how much."""

    exit_status = ExitStatus.CHECK_FAILED


class NotConverged(GradcliError):
    """``minimize``, ``maximize``, ``solve``: the method stopped without an answer (it
    diverged, stalled, or found no root): exit 1, the result on standard output already."""

    exit_status = ExitStatus.CHECK_FAILED


class FormulaMismatch(GradcliError):
    """``diff --symbolic``: a formula disagrees with the exact numbers at the point, which
    is a bug of gradcli's: exit 1, with both on standard output."""

    exit_status = ExitStatus.CHECK_FAILED
