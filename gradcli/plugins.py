"""Plugins: operations defined in the user's own Python files (``--plugin FILE.py``).

Loading a plugin is the user's explicit choice to run their Python code, and it
is the only way any Python code reaches gradcli: expressions are only ever
parsed by the grammar. A plugin is imported as a module of its own; every
:class:`~gradcli.autograd.Function` subclass defined at its top level becomes
an operation named in snake_case (``MultiplyAdd`` -> ``multiply_add``), so a
``Function`` written as for PyTorch needs no registration code. A plugin may
also call :func:`gradcli.registry.register` itself (other names, plain
functions of gradcli's operations, Taylor rules); a class it registered that
way is not registered a second time. Classes whose names start with ``_``, and
classes without their own ``forward`` (bases for others), are not operations.

A plugin either loads whole or not at all: any error leaves the registry as it
was, and is a :class:`~gradcli.errors.PluginError` naming the file and line; so
is an exception its code raises later (in ``forward``, ``backward`` or a Taylor
rule). What its code prints goes to standard error: standard output is the
result's (tutorials' ``Function`` examples print in ``forward`` and ``backward``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.util
import inspect
import itertools
import keyword
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gradcli.autograd.function import Function
from gradcli.errors import GradcliError, PluginError, RegistrationError
from gradcli.registry import OPS, OpInfo, register

ENVIRONMENT = "GRADCLI_PLUGINS"
"""The environment variable that lists plugins (separated by ``os.pathsep``) loaded by
every command, before those of ``--plugin``."""

_loaded: set[str] = set()
"""The real paths of the plugins loaded in this process: loading one again does nothing."""

_modules = itertools.count()


def load(paths: Sequence[str]) -> list[str]:
    """Load the plugins of :data:`ENVIRONMENT`, then ``paths``; return the names of the
    operations they registered (none for a file loaded before)."""
    listed = [(p, True) for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p.strip()]
    names: list[str] = []
    for path, from_environment in [*listed, *((p, False) for p in paths)]:
        names += _load(path, from_environment)
    return names


def _load(path: str, from_environment: bool) -> list[str]:
    shown = f"{path} (from {ENVIRONMENT})" if from_environment else path
    file = Path(path)
    if not file.exists():
        raise PluginError(f"plugin {shown}: no such file")
    if file.is_dir() or file.suffix != ".py":
        raise PluginError(
            f"plugin {shown}: not a Python file; a plugin is a .py file that defines "
            "gradcli.autograd.Function subclasses"
        )
    key = os.path.realpath(file)
    if key in _loaded:
        return []
    plugin = _Plugin(path, os.path.abspath(path), from_environment)
    before = set(OPS)
    stem = "".join(c if c.isalnum() else "_" for c in file.stem)
    module_name = f"_gradcli_plugin_{next(_modules)}_{stem}"
    try:
        module = _import(plugin, module_name)
        names = _register(module, plugin, before)
    except BaseException:
        for name in set(OPS) - before:
            del OPS[name]
        sys.modules.pop(module_name, None)
        raise
    _loaded.add(key)
    return names


@dataclasses.dataclass(frozen=True)
class _Plugin:
    path: str
    """As the user wrote it: the origin of its operations."""
    location: str
    """The absolute path, which its code objects and tracebacks name."""
    from_environment: bool

    def at(self, line: int | None = None) -> str:
        """The plugin (and a line of it) as messages name it."""
        where = f"{self.path}:{line}" if line else self.path
        return f"{where} (from {ENVIRONMENT})" if self.from_environment else where

    def clean(self, error: BaseException) -> str:
        """A registry error without the plugin's own name, which the message gives first."""
        message = str(error)
        for name in (self.location, self.path):
            message = message.replace(f" from {name}:", ":")
        return message


def _import(plugin: _Plugin, module_name: str) -> Any:
    spec = importlib.util.spec_from_file_location(module_name, plugin.location)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise PluginError(f"plugin {plugin.at()}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs, as an import would, so the plugin's classes can find
    # their module (dataclasses, pickling).
    sys.modules[module_name] = module
    # A plugin is the user's script, not an installed package: leave its folder as it was.
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        with contextlib.redirect_stdout(sys.stderr):
            spec.loader.exec_module(module)
    except SyntaxError as error:
        if error.filename != plugin.location:
            raise PluginError(_raised(error, plugin)) from error
        raise PluginError(f"plugin {plugin.at(error.lineno)}: syntax error: {error.msg}") from error
    except OSError as error:
        if not _plugin_lines(error, plugin):
            raise PluginError(f"plugin {plugin.at()}: cannot be read: {error.strerror}") from error
        raise PluginError(_raised(error, plugin)) from error
    except SystemExit as error:
        # sys.exit() or exit() in a plugin would end gradcli with no word of why.
        raise PluginError(
            f"plugin {plugin.at(_exit_line(error, plugin))}: called sys.exit({error.code!r}) "
            "while loading it; a plugin defines operations and returns"
        ) from error
    except Exception as error:
        raise PluginError(_raised(error, plugin)) from error
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


def _plugin_lines(error: BaseException, plugin: _Plugin) -> list[int]:
    frames = traceback.extract_tb(error.__traceback__)
    return [f.lineno or 0 for f in frames if f.filename == plugin.location]


def _exit_line(error: SystemExit, plugin: _Plugin) -> int | None:
    lines = _plugin_lines(error, plugin)
    return lines[-1] if lines else None


def _raised(error: BaseException, plugin: _Plugin, doing: str = "while loading it") -> str:
    """An exception raised while the plugin ran, at the line of the plugin that raised it
    (its last frame in the traceback: the deepest of its own lines)."""
    lines = _plugin_lines(error, plugin)
    where = plugin.at(lines[-1] if lines else None)
    if isinstance(error, RegistrationError):  # its own register(...) call: already in our words
        return f"plugin {where}: {plugin.clean(error)}"
    hint = ""
    if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == "torch":
        hint = "; a plugin imports Function from gradcli.autograd, not torch.autograd"
    return f"plugin {where}: {type(error).__name__} {doing}: {error}{hint}"


def _guarded(
    function: Callable[..., Any], plugin: _Plugin, doing: str, called_by_user: bool = False
) -> Callable[..., Any]:
    """``function`` (the plugin's code) with any exception it raises as a PluginError at
    its line; gradcli's own errors (a shape mismatch in the user's input) pass unchanged,
    and so does a call from an expression with arguments that do not fit its signature
    (``called_by_user``), which the language words as wrong arguments."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                return function(*args, **kwargs)
        except GradcliError:
            raise
        except (Exception, SystemExit) as error:
            if called_by_user and isinstance(error, TypeError) and not _fits(guarded, args, kwargs):
                raise
            raise PluginError(_raised(error, plugin, doing)) from error

    return guarded


def _fits(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    try:
        inspect.signature(function).bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _guard(name: str, plugin: _Plugin, guarded_classes: set[type]) -> None:
    """Make every way into the plugin's code for operation ``name`` report its failures
    cleanly: the call (a plain function, or a Function's forward), its Taylor rule, and a
    Function's backward, which the engine calls on the class."""
    info = OPS[name]
    definition = _definition(info)
    if isinstance(definition, type) and definition not in guarded_classes:
        guarded_classes.add(definition)
        backward = _guarded(definition.backward, plugin, f"in the backward of {name}")
        definition.backward = staticmethod(backward)  # type: ignore[method-assign]
    OPS[name] = dataclasses.replace(
        info,
        function=_guarded(info.function, plugin, f"in {name}", called_by_user=True),
        taylor=info.taylor and _guarded(info.taylor, plugin, f"in the Taylor rule of {name}"),
        origin=plugin.path if info.origin == plugin.location else info.origin,
    )


def _register(module: Any, plugin: _Plugin, before: set[str]) -> list[str]:
    """Register the module's own Function subclasses that it did not register itself,
    then check every name it added; return them."""
    registered = {_definition(OPS[name]) for name in OPS if name not in before}
    for cls in _function_classes(module):
        if cls in registered:
            continue
        where = _line_of(cls, plugin)
        try:
            register(cls, origin=plugin.path)
        except RegistrationError as error:
            clash = plugin.clean(error).removesuffix("; choose another name")
            raise PluginError(
                f"plugin {where}: class {cls.__name__}: {clash}; rename the class, "
                f'or register it under another name with register("name", {cls.__name__})'
            ) from error
        except Exception as error:
            raise PluginError(
                f"plugin {where}: class {cls.__name__} cannot be an operation: "
                f"{type(error).__name__}: {error}"
            ) from error
    added = [name for name in OPS if name not in before]
    for name in added:
        info = OPS[name]
        reserved = _reserved(name)
        if reserved:
            definition = _definition(info)
            place = plugin.at() if definition is None else _line_of(definition, plugin)
            raise PluginError(
                f"plugin {place}: {name!r} cannot be an operation's name: {reserved}; "
                "choose another name"
            )
    if not added:
        raise PluginError(
            f"plugin {plugin.at()} defines no operation: no gradcli.autograd.Function subclass "
            "is defined at its top level and it calls no register(...) (classes it imports "
            "from elsewhere are not registered)"
        )
    guarded_classes: set[type] = set()
    for name in added:
        _guard(name, plugin, guarded_classes)
    return added


def _function_classes(module: Any) -> list[type[Function]]:
    """The Function subclasses defined at the module's top level (not imported into it),
    once each, in the order they are defined."""
    found: dict[type[Function], None] = {}
    for name, value in vars(module).items():
        if (
            isinstance(value, type)
            and issubclass(value, Function)
            and value.__module__ == module.__name__
            and not name.startswith("_")
            and value.forward is not Function.forward
        ):
            found[value] = None
    return list(found)


def _definition(info: OpInfo) -> Any:
    """What a registry entry calls: the Function subclass or the plain function given to
    ``register`` (which wraps ``cls.apply`` or the function in a closure of its own)."""
    try:
        inner = inspect.getclosurevars(info.function).nonlocals.get("function")
    except TypeError:
        return None
    owner = getattr(inner, "__self__", None)
    return owner if isinstance(owner, type) else inner


def _line_of(definition: Any, plugin: _Plugin) -> str:
    """``file:line`` of a class or function (its first line, decorators included)."""
    try:
        if inspect.getsourcefile(definition) == plugin.location:
            return plugin.at(inspect.getsourcelines(definition)[1])
    except (OSError, TypeError):
        pass
    return plugin.at()


def _reserved(name: str) -> str | None:
    from gradcli.language import CONSTANTS

    if name in CONSTANTS:
        return f"{name} is a constant of the language"
    if keyword.iskeyword(name):
        return f"{name} is a keyword of the language"
    return None
