"""Operations by name: one registry for the language, ``gradcli functions``, the docs and tests.

Each entry (:class:`OpInfo`) maps the name used in expressions to the function
that computes it, with the signature shown to users, a line of help, its
category, what it supports, an optional Taylor rule and where it came from.
The built-in operations are registered here; :func:`register` adds more (a
plain function built from gradcli's operations, or a
:class:`~gradcli.autograd.Function` with its own backward), and refuses a name
that is taken.

The registry sits above the engine: it calls ``gradcli.autograd``, which never
imports it. The built-in Taylor rules live in ``gradcli.taylor.RULES``;
:func:`taylor_rule` looks there only when asked, so importing the registry does
not load Taylor mode.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any

from gradcli.autograd import creation, ops
from gradcli.autograd.function import Function
from gradcli.autograd.operators import extremum
from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError, RegistrationError

if TYPE_CHECKING:
    import inspect

BUILT_IN = "built-in"
"""The origin of the operations gradcli ships with."""


@dataclass(frozen=True)
class OpInfo:
    name: str
    function: Callable[..., Any]
    signature: str
    summary: str
    category: str
    differentiable: bool = True
    analytic: bool = True
    """Holomorphic, so a complex-step evaluation through it is meaningful."""
    _: KW_ONLY
    taylor: Callable[..., Any] | None = None
    """A Taylor rule given with the operation; see :func:`taylor_rule`."""
    origin: str = BUILT_IN
    """``"built-in"``, or the file that registered the operation (a plugin)."""


OPS: dict[str, OpInfo] = {}
"""Every named operation, by the name the expression language uses."""

ALIASES: dict[str, str] = {"ln": "log"}
"""Other names the language accepts for an operation (each entry's summary mentions it)."""


def register(
    name: str | Callable[..., Any] | None = None,
    function: Callable[..., Any] | type[Function] | None = None,
    *,
    signature: str | None = None,
    summary: str | None = None,
    category: str = "user-defined",
    differentiable: bool = True,
    analytic: bool = False,
    taylor: Callable[..., Any] | None = None,
    origin: str | None = None,
) -> Any:
    """Make ``function`` an operation the expression language can call as ``name``.

    ``function`` is a plain function built from gradcli's operations (its
    derivatives come from theirs) or a :class:`~gradcli.autograd.Function`
    subclass (its ``apply`` is called, so its own ``backward`` gives them).
    Without a ``name``, a function keeps its own and a class takes its name in
    snake_case (``MultiplyAdd`` -> ``multiply_add``). ``signature`` and
    ``summary`` default to the parameters and the docstring's first line;
    ``analytic`` says the function is holomorphic, so the complex step may go
    through it; ``taylor`` is a rule for Taylor mode (``--order``), taking and
    returning ``gradcli.taylor.Series``; ``origin`` defaults to the file that
    defines ``function``. Returns ``function``, so it also works as a decorator::

        @register
        def softsign(x):
            return x / (1 + abs(x))

        @register("smooth_abs", summary="sqrt(x**2 + 1e-6)")
        def _(x): ...

    Raises :class:`~gradcli.errors.RegistrationError` if the name is taken (by
    a built-in, an alias or an earlier registration) or is not a name the
    language can write.
    """
    if function is None and callable(name):
        name, function = None, name
    if function is None:
        options = {
            "signature": signature, "summary": summary, "category": category,
            "differentiable": differentiable, "analytic": analytic, "taylor": taylor,
            "origin": origin,
        }  # fmt: skip
        return lambda decorated: register(name, decorated, **options)
    is_function_class = isinstance(function, type) and issubclass(function, Function)
    name = name or _default_name(function, is_function_class)
    parameters = _parameters(function.forward if is_function_class else function)
    if is_function_class:
        parameters = parameters.replace(parameters=list(parameters.parameters.values())[1:])
    call = _taking_tensors(function.apply if is_function_class else function, name, parameters)
    _add(
        OpInfo(
            name,
            call,
            signature or f"{name}({_plain(parameters)})",
            _first_line(function.__doc__) if summary is None else summary,
            category,
            differentiable,
            analytic,
            taylor=taylor,
            origin=origin or _defined_in(function),
        )
    )
    return function


def taylor_rule(name: str) -> Callable[..., Any] | None:
    """The Taylor rule of operation ``name``: the one it was registered with, else the
    built-in one (``gradcli.taylor.RULES``), else None."""
    info = OPS.get(ALIASES.get(name, name))
    if info is not None and info.taylor is not None:
        return info.taylor
    from gradcli.taylor import RULES

    return RULES.get(info.name if info is not None else name)


def _add(info: OpInfo) -> None:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", info.name):
        raise RegistrationError(
            f"cannot register {info.name!r}: an operation's name is letters, digits and _, "
            "starting with a letter or _"
        )
    taken = OPS.get(info.name) or OPS.get(ALIASES.get(info.name, ""))
    if taken is not None:
        clash = f"another name for {taken.name}" if info.name in ALIASES else "an operation"
        raise RegistrationError(
            f"cannot register {info.name!r} from {info.origin}: {info.name!r} is already "
            f"{clash} ({taken.signature}, {taken.origin}); choose another name"
        )
    OPS[info.name] = info


def _default_name(function: Any, is_function_class: bool) -> str:
    name = function.__name__
    if is_function_class:
        # Split before each capital that starts a word: MultiplyAdd, BCEWithLogits.
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return name


def _parameters(function: Callable[..., Any]) -> inspect.Signature:
    import inspect

    return inspect.signature(function)


def _plain(signature: inspect.Signature) -> str:
    """The parameters as users write them: no annotations, defaults as written."""
    import inspect

    shown = []
    for p in signature.parameters.values():
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        default = "" if p.default is inspect.Parameter.empty else f"={p.default!r}"
        shown.append(f"{prefix}{p.name}{default}")
    return ", ".join(shown)


def _taking_tensors(
    function: Callable[..., Any], name: str, parameters: inspect.Signature
) -> Callable[..., Any]:
    """``function`` as the language calls it, with numbers as tensors.

    The language hands constants to its built-ins as Python numbers; code
    written for tensors (``ctx.save_for_backward(x)``, ``x.exp()``) needs
    tensors. Keywords are bound to ``parameters`` first, since a
    ``Function``'s ``apply`` takes positional arguments only, and errors show
    ``parameters`` rather than ``apply(*args)``.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            bound = parameters.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        result = function(*[as_tensor(a) if type(a) in (int, float) else a for a in args], **kwargs)
        if isinstance(result, (tuple, list)):
            # An operation of the language has one value; several would be stacked
            # or dropped without a word.
            owner = getattr(function, "__self__", None)  # a Function class's apply
            shown = f"{owner.__name__}.apply" if owner else getattr(function, "__name__", name)
            raise ExpressionError(
                f"{name} returns {len(result)} values, and an operation gives one tensor; "
                f"register one operation per output, e.g. "
                f"register('{name}_0', lambda *args: {shown}(*args)[0])"
            )
        return result

    call.__name__ = call.__qualname__ = name
    call.__doc__ = function.__doc__
    call.__signature__ = parameters  # type: ignore[attr-defined]
    return call


def _first_line(doc: str | None) -> str:
    return doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""


def _defined_in(function: Any) -> str:
    import inspect

    try:
        return inspect.getsourcefile(function) or function.__module__
    except TypeError:
        return getattr(function, "__module__", None) or "unknown"


# --- the built-in operations ------------------------------------------------------------------


def _cat(tensors: Any, dim: int = 0) -> Tensor:
    """cat for the language, where scalars (numbers, constants) join as one-element vectors."""
    joined = [as_tensor(t) for t in tensors]
    return ops.cat([t.reshape((1,)) if t.ndim == 0 else t for t in joined], dim)


def _numbers(
    function: Callable[..., Tensor], example: str, after: int = 0
) -> Callable[..., Tensor]:
    """A function that refuses tensors where it takes numbers (sizes, dimensions, ends) after
    its first ``after`` arguments, in the language's terms rather than ``item()``'s."""
    name = function.__name__
    like = f"; for {name} in the shape of a tensor x, write {name}_like(x)"

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Tensor:
        for number in args[after:]:
            if isinstance(number, Tensor) and number.numel() != 1:
                raise ExpressionError(
                    f"{name} takes numbers, as in {example}, not a tensor of shape "
                    f"{tuple(number.shape)}" + (like if name in ("zeros", "ones") else "")
                )
        return function(*args, **kwargs)

    return call


def _cast_dim(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """keepdim as a flag: the language has one number type, so it arrives as 0 or 1.

    (Dimensions arrive as floats too; the reductions check they are whole.)
    """

    def call(x: Any, dim: Any = None, keepdim: Any = False) -> Tensor:
        return function(x, dim, bool(keepdim))

    call.__name__, call.__doc__ = function.__name__, function.__doc__
    return call


_BUILT_INS = [
    # name, function, signature, summary, category, differentiable, analytic
    ("add", ops.add, "add(x, y)", "x + y", "arithmetic"),
    ("sub", ops.sub, "sub(x, y)", "x - y", "arithmetic"),
    ("mul", ops.mul, "mul(x, y)", "x * y, elementwise", "arithmetic"),
    ("div", ops.div, "div(x, y)", "x / y, elementwise", "arithmetic"),
    ("pow", ops.pow, "pow(x, y)", "x ** y, elementwise", "arithmetic"),
    ("neg", ops.neg, "neg(x)", "-x", "arithmetic"),
    ("maximum", ops.maximum, "maximum(x, y)", "elementwise maximum", "arithmetic", True, False),
    ("minimum", ops.minimum, "minimum(x, y)", "elementwise minimum", "arithmetic", True, False),
    ("exp", ops.exp, "exp(x)", "e to the x", "elementwise"),
    ("expm1", ops.expm1, "expm1(x)", "exp(x) - 1, accurate near 0", "elementwise"),
    ("log", ops.log, "log(x)", "natural logarithm; ln(x) is the same", "elementwise"),
    ("log1p", ops.log1p, "log1p(x)", "log(1 + x), accurate near 0", "elementwise"),
    ("log2", ops.log2, "log2(x)", "base-2 logarithm", "elementwise"),
    ("log10", ops.log10, "log10(x)", "base-10 logarithm", "elementwise"),
    ("sqrt", ops.sqrt, "sqrt(x)", "square root", "elementwise"),
    ("sin", ops.sin, "sin(x)", "sine", "elementwise"),
    ("cos", ops.cos, "cos(x)", "cosine", "elementwise"),
    ("tan", ops.tan, "tan(x)", "tangent", "elementwise"),
    ("asin", ops.asin, "asin(x)", "inverse sine", "elementwise"),
    ("acos", ops.acos, "acos(x)", "inverse cosine", "elementwise"),
    ("atan", ops.atan, "atan(x)", "inverse tangent", "elementwise"),
    ("sinh", ops.sinh, "sinh(x)", "hyperbolic sine", "elementwise"),
    ("cosh", ops.cosh, "cosh(x)", "hyperbolic cosine", "elementwise"),
    ("tanh", ops.tanh, "tanh(x)", "hyperbolic tangent", "elementwise"),
    ("asinh", ops.asinh, "asinh(x)", "inverse hyperbolic sine", "elementwise"),
    ("acosh", ops.acosh, "acosh(x)", "inverse hyperbolic cosine", "elementwise"),
    ("atanh", ops.atanh, "atanh(x)", "inverse hyperbolic tangent", "elementwise"),
    ("sigmoid", ops.sigmoid, "sigmoid(x)", "1 / (1 + exp(-x)), stable", "elementwise"),
    ("softplus", ops.softplus, "softplus(x)", "log(1 + exp(x)), stable", "elementwise"),
    ("relu", ops.relu, "relu(x)", "max(x, 0); relu'(0) = 0", "elementwise", True, False),
    ("abs", ops.abs, "abs(x)", "|x|; abs'(0) = 0", "elementwise", True, False),
    ("sign", ops.sign, "sign(x)", "-1, 0 or 1 (derivative 0)", "elementwise", True, False),
    ("clamp", ops.clamp, "clamp(x, min, max)", "x limited to [min, max]", "elementwise", True, False),
    ("where", ops.where, "where(cond, x, y)", "x where cond is non-zero, else y", "elementwise", True, False),
    ("sum", _cast_dim(ops.sum), "sum(x, dim=None, keepdim=0)", "sum (over dim)", "reduction"),
    ("mean", _cast_dim(ops.mean), "mean(x, dim=None, keepdim=0)", "mean (over dim)", "reduction"),
    ("prod", _cast_dim(ops.prod), "prod(x, dim=None, keepdim=0)", "product (over dim)", "reduction"),
    ("amax", _cast_dim(ops.amax), "amax(x, dim=None, keepdim=0)", "maximum (over dim)", "reduction", True, False),
    ("amin", _cast_dim(ops.amin), "amin(x, dim=None, keepdim=0)", "minimum (over dim)", "reduction", True, False),
    ("max", extremum("max", _cast_dim(ops.amax), ops.maximum), "max(x, dim=None, keepdim=0) or max(x, y)", "largest element, over dim= if given; max(x, y) is elementwise", "reduction", True, False),
    ("min", extremum("min", _cast_dim(ops.amin), ops.minimum), "min(x, dim=None, keepdim=0) or min(x, y)", "smallest element, over dim= if given; min(x, y) is elementwise", "reduction", True, False),
    ("norm", ops.norm, "norm(x, p=2, dim=None, keepdim=0)", "p-norm; p=2 is overflow-safe", "reduction", True, False),
    ("logsumexp", _cast_dim(ops.logsumexp), "logsumexp(x, dim=None, keepdim=0)", "log(sum(exp(x))), stable", "reduction"),
    ("softmax", ops.softmax, "softmax(x, dim=-1)", "exp(x) / sum(exp(x)) along dim", "reduction"),
    ("log_softmax", ops.log_softmax, "log_softmax(x, dim=-1)", "x - logsumexp(x) along dim", "reduction"),
    ("matmul", ops.matmul, "matmul(x, y)", "matrix product, as x @ y", "linear algebra"),
    ("dot", ops.dot, "dot(x, y)", "inner product of two vectors", "linear algebra"),
    ("cat", _cat, "cat([x, y, ...], dim=0)", "join along an existing dimension", "shape"),
    ("stack", ops.stack, "stack([x, y, ...], dim=0)", "join along a new dimension", "shape"),
    ("reshape", _numbers(ops.reshape, "reshape(x, 2, 3)", after=1), "reshape(x, n, m, ...)", "same elements, new shape", "shape"),
    ("transpose", _numbers(ops.transpose, "transpose(x, 0, 1)", after=1), "transpose(x, dim0=0, dim1=1)", "swap two dimensions", "shape"),
    ("bce_with_logits", ops.binary_cross_entropy_with_logits, "bce_with_logits(logits, target)", "binary cross-entropy from logits, mean", "loss", True, False),
    ("mse", ops.mse_loss, "mse(x, target)", "mean squared error", "loss"),
    ("lt", ops.lt, "x < y", "1 where x < y, else 0", "comparison", False, False),
    ("le", ops.le, "x <= y", "1 where x <= y, else 0", "comparison", False, False),
    ("gt", ops.gt, "x > y", "1 where x > y, else 0", "comparison", False, False),
    ("ge", ops.ge, "x >= y", "1 where x >= y, else 0", "comparison", False, False),
    ("eq", ops.eq, "x == y", "1 where x == y, else 0", "comparison", False, False),
    ("ne", ops.ne, "x != y", "1 where x != y, else 0", "comparison", False, False),
    ("arange", _numbers(creation.arange, "arange(0, 5, 0.5)"), "arange(start, end=None, step=1)", "evenly spaced values in [start, end)", "creation", False),
    ("linspace", _numbers(creation.linspace, "linspace(0, 1, 5)"), "linspace(start, end, steps)", "evenly spaced values, ends included", "creation", False),
    ("zeros", _numbers(creation.zeros, "zeros(2, 3)"), "zeros(n, m, ...)", "a tensor of zeros", "creation", False),
    ("ones", _numbers(creation.ones, "ones(2, 3)"), "ones(n, m, ...)", "a tensor of ones", "creation", False),
    ("full", creation.full, "full([n, m, ...], value)", "a tensor of one value", "creation", False),
    ("eye", _numbers(creation.eye, "eye(3)"), "eye(n, m=None)", "identity matrix", "creation", False),
    ("zeros_like", creation.zeros_like, "zeros_like(x)", "zeros in the shape of x", "creation", False),
    ("ones_like", creation.ones_like, "ones_like(x)", "ones in the shape of x", "creation", False),
    ("rand", _numbers(creation.rand, "rand(2, 3)"), "rand(n, m, ...)", "uniform random in [0, 1) (--seed)", "creation", False),
    ("randn", _numbers(creation.randn, "randn(2, 3)"), "randn(n, m, ...)", "standard normal random (--seed)", "creation", False),
]  # fmt: skip


for _entry in _BUILT_INS:
    _add(OpInfo(*_entry))
