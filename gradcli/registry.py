"""Operations by name: one registry for the language, ``gradcli functions``, the docs and tests.

Each entry (:class:`OpInfo`) maps the name used in expressions to the function
that computes it, with the signature shown to users, a line of help, its
category, what it supports, an optional Taylor rule, where it came from and the
samples its derivatives are checked on. The built-in operations are registered
here, one row each; :func:`register` adds more (a
plain function built from gradcli's operations, or a
:class:`~gradcli.autograd.Function` with its own backward), and refuses a name
that is taken.

The registry sits above the engine: it calls ``gradcli.autograd``, which never
imports it. The built-in Taylor rules live in ``gradcli.taylor.RULES``, under the
operations' names; :func:`taylor_rule` looks there only when asked, so importing
the registry does not load Taylor mode.
"""

from __future__ import annotations

import functools
import math
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


Recipe = tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]
"""A call of an operation, ``{op}`` standing for its name (``"{op}(x, dim=1)"``), and per
variable x, y, ... the domain its values are drawn from (a name in
``gradcli.compute.samples.DOMAINS``: ``"positive"`` for log) and its shape."""


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
    samples: tuple[Recipe, ...] = ()
    """Where ``gradcli check --builtins`` and the tests check its derivatives (see
    :data:`Recipe`); without them, samples are drawn from the signature."""
    batch: str | Callable[..., Any] | None = None
    """How it acts on many rows at once: a name in ``gradcli.batching.KINDS``
    (``"elementwise"``, ``"reduction"``, ...) or a function; None runs it row by row."""


OPS: dict[str, OpInfo] = {}
"""Every named operation, by the name the expression language uses."""

ALIASES: dict[str, str] = {
    "ln": "log",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arcsinh": "asinh",
    "arccosh": "acosh",
    "arctanh": "atanh",
}
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
    batch: str | Callable[..., Any] | None = None,
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
    returning ``gradcli.taylor.Series``; ``batch`` says how it acts on many rows at
    once (``"elementwise"`` for a function that works element by element, so that
    ``--points`` evaluates every row in one call; see ``gradcli.batching``), and
    without it each row is computed alone; ``origin`` defaults to the file that
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
            "batch": batch, "origin": origin,
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
            batch=_batch_kind(batch),
            origin=origin or _defined_in(function),
        )
    )
    return function


def _batch_kind(batch: str | Callable[..., Any] | None) -> str | Callable[..., Any] | None:
    if isinstance(batch, str) and batch not in _KINDS:
        raise RegistrationError(
            f"batch={batch!r} is not a batching rule; use one of {', '.join(_KINDS)}, "
            "a function, or leave it out to compute each row alone"
        )
    return batch


_KINDS = (
    "elementwise", "reduction", "extremum", "along", "join", "matmul", "dot", "reshape",
    "transpose", "loss", "creation", "rows",
)  # fmt: skip
"""The names of the batching rules of ``gradcli.batching.KINDS``, checked at registration
without importing it."""


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


def _log(x: Any, base: Any = None) -> Tensor:
    """log for the language: log(x, base) is log(x) / log(base), and log2 or log10 for
    those bases, which are exact at their powers (log(1000) / log(10) is 3 - 1 ulp)."""
    if base is None:
        return ops.log(x)
    if type(base) in (int, float) and base in _EXACT_BASES:
        return _EXACT_BASES[base](x)
    return ops.log(x) / ops.log(base)


_EXACT_BASES = {2: ops.log2, 10: ops.log10}


def _softplus(x: Any) -> Tensor:
    """softplus for the language: log(1 + e**x) everywhere, without PyTorch's switch to x
    above 20 (a jump of 2e-9 there), so that its derivatives are sigmoid's."""
    return ops.softplus(x, threshold=math.inf)


def _round(x: Any, decimals: Any = 0) -> Tensor:
    """round for the language, which gives decimals as a plain argument: round(x, 2)."""
    return ops.round(x, decimals=decimals)


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


def _norm(x: Any, p: Any = 2, dim: Any = None, keepdim: Any = False) -> Tensor:
    """The p-norm over dim (all elements by default); p = 2 is overflow-safe."""
    return ops.norm(x, p, dim, bool(keepdim))  # keepdim arrives as 0 or 1, as in _cast_dim


def _spread(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """var and std for the language: correction is the third argument (as PyTorch's unbiased,
    whose 0 and 1 are the same), and keepdim arrives as 0 or 1."""

    def call(x: Any, dim: Any = None, correction: Any = 1, keepdim: Any = False) -> Tensor:
        return function(x, dim, keepdim=bool(keepdim), correction=correction)

    call.__name__, call.__doc__ = function.__name__, function.__doc__
    return call


def _median(x: Any, dim: Any = None, keepdim: Any = False) -> Tensor:
    """The lower median (over dim): its values, as max(x, dim) gives values in the language."""
    if dim is None:
        return ops.median(x)
    return ops.median(x, dim, bool(keepdim)).values


# --- samples: the inputs on which gradcli check --builtins and the tests check an operation --


def _call(source: str, *variables: tuple[str, tuple[int, ...]]) -> Recipe:
    return source, variables


def _unary(domain: str) -> tuple[Recipe, ...]:
    return tuple(_call("{op}(x)", (domain, shape)) for shape in ((), (3,), (2, 3)))


def _binary(x: str, y: str) -> tuple[Recipe, ...]:
    pairs = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))]
    return tuple(_call("{op}(x, y)", (x, a), (y, b)) for a, b in pairs)


def _reduction(domain: str = "any") -> tuple[Recipe, ...]:
    return (
        _call("{op}(x)", (domain, (4,))),
        _call("{op}(x)", (domain, (2, 3))),
        _call("{op}(x, dim=1)", (domain, (2, 3))),
        _call("{op}(x, dim=0, keepdim=1)", (domain, (2, 3, 2))),
    )


_ALONG = (_call("{op}(x)", ("any", (4,))), _call("{op}(x, dim=0)", ("any", (2, 3))))
_ALONG_DIM = (_call("{op}(x, 0)", ("any", (4,))), _call("{op}(x, dim=-1)", ("any", (2, 3))))
_TRIANGLE = (
    _call("{op}(x)", ("any", (3, 3))),
    _call("{op}(x, 1)", ("any", (2, 3))),
    _call("{op}(x, diagonal=-1)", ("any", (2, 3, 3))),
)

# fmod and remainder jump where x / y is a whole number: x = y·r keeps the ratio r inside
# (1.2, 1.8) or (-0.8, -0.2), whatever y and the steps of a check (x moves r by 0.6·h).
_REMAINDERS = (
    _call("{op}(y * (0.6 * x + 1.2), y)", ("probability", (2, 3)), ("away_from_zero", (3,))),
    _call("{op}(-y * (0.6 * x + 0.2), y)", ("probability", (3,)), ("away_from_zero", ())),
    _call("{op}(x, 2.5)", ("away_from_zero", (2, 2))),
)


def _built_in(
    name: str,
    function: Callable[..., Any],
    signature: str,
    summary: str,
    category: str,
    samples: tuple[Recipe, ...] = (),
    *,
    differentiable: bool = True,
    analytic: bool = True,
    batch: str | None = None,
) -> None:
    batch = batch or _BY_CATEGORY[category]
    _add(
        OpInfo(
            name,
            function,
            signature,
            summary,
            category,
            differentiable,
            analytic,
            samples=samples,
            batch=batch,
        )
    )


_BY_CATEGORY = {
    "arithmetic": "elementwise",
    "elementwise": "elementwise",
    "comparison": "elementwise",
    "reduction": "reduction",
    "creation": "creation",
    "loss": "loss",
    "linear algebra": "matmul",
    "shape": "join",
}
"""Each built-in operation's batching rule, by its category unless its row names another."""


# A built-in operation is one row here (its Taylor rule is gradcli.taylor.RULES[name]) and
# its forward and backward in gradcli/autograd/ops; a differentiable one has samples.
# fmt: off
_built_in("add", ops.add, "add(x, y)", "x + y", "arithmetic", _binary("any", "any"))
_built_in("sub", ops.sub, "sub(x, y)", "x - y", "arithmetic", _binary("any", "any"))
_built_in("mul", ops.mul, "mul(x, y)", "x * y, elementwise", "arithmetic", _binary("any", "any"))
_built_in("div", ops.div, "div(x, y)", "x / y, elementwise", "arithmetic", _binary("any", "away_from_zero"))
_built_in("pow", ops.pow, "pow(x, y)", "x ** y, elementwise", "arithmetic", _binary("positive", "any"))
_built_in("neg", ops.neg, "neg(x)", "-x", "arithmetic", _unary("any"))
_built_in("maximum", ops.maximum, "maximum(x, y)", "elementwise maximum", "arithmetic", _binary("distinct", "near_zero"), analytic=False)
_built_in("minimum", ops.minimum, "minimum(x, y)", "elementwise minimum", "arithmetic", _binary("distinct", "near_zero"), analytic=False)
_built_in("exp", ops.exp, "exp(x)", "e to the x", "elementwise", _unary("any"))
_built_in("expm1", ops.expm1, "expm1(x)", "exp(x) - 1, accurate near 0", "elementwise", _unary("any"))
_built_in("log", _log, "log(x, base=e)", "natural logarithm, ln(x)", "elementwise", (*_unary("positive"), *_binary("positive", "above_one"), _call("{op}(x, 2)", ("positive", (3,)))))
_built_in("log1p", ops.log1p, "log1p(x)", "log(1 + x), accurate near 0", "elementwise", _unary("positive"))
_built_in("log2", ops.log2, "log2(x)", "base-2 logarithm", "elementwise", _unary("positive"))
_built_in("log10", ops.log10, "log10(x)", "base-10 logarithm", "elementwise", _unary("positive"))
_built_in("sqrt", ops.sqrt, "sqrt(x)", "square root", "elementwise", _unary("positive"))
_built_in("cbrt", ops.cbrt, "cbrt(x)", "real cube root: cbrt(-8) = -2", "elementwise", _unary("away_from_zero"))
_built_in("sin", ops.sin, "sin(x)", "sine", "elementwise", _unary("any"))
_built_in("cos", ops.cos, "cos(x)", "cosine", "elementwise", _unary("any"))
_built_in("tan", ops.tan, "tan(x)", "tangent", "elementwise", _unary("inside_unit"))
_built_in("sec", ops.sec, "sec(x)", "secant, 1 / cos(x)", "elementwise", _unary("inside_unit"))
_built_in("csc", ops.csc, "csc(x)", "cosecant, 1 / sin(x)", "elementwise", _unary("away_from_zero"))
_built_in("cot", ops.cot, "cot(x)", "cotangent, 1 / tan(x)", "elementwise", _unary("away_from_zero"))
_built_in("asin", ops.asin, "asin(x)", "inverse sine, arcsin(x)", "elementwise", _unary("inside_unit"))
_built_in("acos", ops.acos, "acos(x)", "inverse cosine, arccos(x)", "elementwise", _unary("inside_unit"))
_built_in("atan", ops.atan, "atan(x)", "inverse tangent, arctan(x)", "elementwise", _unary("any"))
_built_in("sinh", ops.sinh, "sinh(x)", "hyperbolic sine", "elementwise", _unary("any"))
_built_in("cosh", ops.cosh, "cosh(x)", "hyperbolic cosine", "elementwise", _unary("any"))
_built_in("tanh", ops.tanh, "tanh(x)", "hyperbolic tangent", "elementwise", _unary("any"))
_built_in("asinh", ops.asinh, "asinh(x)", "inverse sinh, arcsinh(x)", "elementwise", _unary("any"))
_built_in("acosh", ops.acosh, "acosh(x)", "inverse cosh, arccosh(x)", "elementwise", _unary("above_one"))
_built_in("atanh", ops.atanh, "atanh(x)", "inverse tanh, arctanh(x)", "elementwise", _unary("inside_unit"))
_built_in("sigmoid", ops.sigmoid, "sigmoid(x)", "1 / (1 + exp(-x)), stable", "elementwise", _unary("any"))
_built_in("softplus", _softplus, "softplus(x)", "log(1 + exp(x)), stable", "elementwise", _unary("any"))
_built_in("relu", ops.relu, "relu(x)", "max(x, 0); relu'(0) = 0", "elementwise", _unary("away_from_zero"), analytic=False)
_built_in("abs", ops.abs, "abs(x)", "|x|; abs'(0) = 0", "elementwise", _unary("away_from_zero"), analytic=False)
_built_in("sign", ops.sign, "sign(x)", "-1, 0 or 1 (derivative 0)", "elementwise", _unary("away_from_zero"), analytic=False)
_built_in("clamp", ops.clamp, "clamp(x, min, max)", "x limited to [min, max]", "elementwise", (_call("{op}(x, min=-0.5, max=0.55)", ("distinct", (2, 3))),), analytic=False)
_built_in("where", ops.where, "where(cond, x, y)", "x where cond is non-zero, else y", "elementwise", (_call("{op}([[1, 0, 1]], x, y)", ("any", (2, 3)), ("any", (3,))), _call("{op}([1, 0], x, y)", ("any", ()), ("any", (2,)))), analytic=False)
# --- #22 elementwise ---
_built_in("floor", ops.floor, "floor(x)", "largest whole number <= x", "elementwise", _unary("between_wholes"), analytic=False)
_built_in("ceil", ops.ceil, "ceil(x)", "smallest whole number >= x", "elementwise", _unary("between_wholes"), analytic=False)
_built_in("round", _round, "round(x, decimals=0)", "round to nearest, ties to even", "elementwise", (*_unary("near_wholes"), _call("{op}(x / 10, 1)", ("near_wholes", (3,)))), analytic=False)
_built_in("trunc", ops.trunc, "trunc(x)", "x rounded towards 0", "elementwise", _unary("between_wholes"), analytic=False)
_built_in("frac", ops.frac, "frac(x)", "x - trunc(x)", "elementwise", _unary("between_wholes"), analytic=False)
_built_in("rsqrt", ops.rsqrt, "rsqrt(x)", "1 / sqrt(x)", "elementwise", _unary("positive"))
_built_in("exp2", ops.exp2, "exp2(x)", "2 to the x", "elementwise", _unary("any"))
_built_in("erf", ops.erf, "erf(x)", "error function", "elementwise", _unary("any"), analytic=False)
_built_in("erfc", ops.erfc, "erfc(x)", "1 - erf(x), accurate for large x", "elementwise", _unary("any"), analytic=False)
_built_in("logaddexp", ops.logaddexp, "logaddexp(x, y)", "log(exp(x) + exp(y)), stable", "arithmetic", _binary("any", "any"), analytic=False)
_built_in("hypot", ops.hypot, "hypot(x, y)", "sqrt(x**2 + y**2), stable", "arithmetic", _binary("away_from_zero", "any"), analytic=False)
_built_in("copysign", ops.copysign, "copysign(x, y)", "|x| with the sign of y", "arithmetic", _binary("away_from_zero", "away_from_zero"), analytic=False)
_built_in("fmod", ops.fmod, "fmod(x, y)", "remainder of x / y, sign of x", "arithmetic", _REMAINDERS, analytic=False)
_built_in("remainder", ops.remainder, "remainder(x, y)", "remainder of x / y, sign of y", "arithmetic", _REMAINDERS, analytic=False)
_built_in("gelu", ops.gelu, "gelu(x)", "x * Phi(x), Phi the normal cdf", "elementwise", _unary("any"), analytic=False)
_built_in("elu", ops.elu, "elu(x, alpha=1)", "x, or alpha*expm1(x) below 0", "elementwise", (*_unary("away_from_zero"), _call("{op}(x, 2)", ("away_from_zero", (3,)))), analytic=False)
_built_in("selu", ops.selu, "selu(x)", "elu scaled by SELU's constants", "elementwise", _unary("away_from_zero"), analytic=False)
_built_in("silu", ops.silu, "silu(x)", "x * sigmoid(x)", "elementwise", _unary("any"))
_built_in("mish", ops.mish, "mish(x)", "x * tanh(softplus(x))", "elementwise", _unary("any"))
_built_in("leaky_relu", ops.leaky_relu, "leaky_relu(x, negative_slope=0.01)", "x, or negative_slope*x below 0", "elementwise", (*_unary("away_from_zero"), _call("{op}(x, 0.2)", ("away_from_zero", (3,)))), analytic=False)
_built_in("relu6", ops.relu6, "relu6(x)", "min(max(x, 0), 6)", "elementwise", _unary("away_from_zero"), analytic=False)
_built_in("hardtanh", ops.hardtanh, "hardtanh(x, min_val=-1, max_val=1)", "x limited to [min_val, max_val]", "elementwise", (_call("{op}(x)", ("distinct", (2, 3))), _call("{op}(x, -0.5, 0.55)", ("distinct", (2, 3)))), analytic=False)
_built_in("logsigmoid", ops.logsigmoid, "logsigmoid(x)", "log(sigmoid(x)), stable", "elementwise", _unary("any"), analytic=False)
_built_in("isnan", ops.isnan, "isnan(x)", "1 where x is nan, else 0", "elementwise", differentiable=False, analytic=False)
_built_in("isinf", ops.isinf, "isinf(x)", "1 where x is inf or -inf, else 0", "elementwise", differentiable=False, analytic=False)
_built_in("isfinite", ops.isfinite, "isfinite(x)", "1 where x is finite, else 0", "elementwise", differentiable=False, analytic=False)
_built_in("sum", _cast_dim(ops.sum), "sum(x, dim=None, keepdim=0)", "sum (over dim)", "reduction", _reduction())
_built_in("mean", _cast_dim(ops.mean), "mean(x, dim=None, keepdim=0)", "mean (over dim)", "reduction", _reduction())
_built_in("prod", _cast_dim(ops.prod), "prod(x, dim=None, keepdim=0)", "product (over dim)", "reduction", (*_reduction("away_from_zero"), _call("{op}(x, dim=1)", ("with_zeros", (2, 3)))))
_built_in("amax", _cast_dim(ops.amax), "amax(x, dim=None, keepdim=0)", "maximum (over dim)", "reduction", _reduction("distinct"), analytic=False)
_built_in("amin", _cast_dim(ops.amin), "amin(x, dim=None, keepdim=0)", "minimum (over dim)", "reduction", _reduction("distinct"), analytic=False)
_built_in("max", extremum("max", _cast_dim(ops.amax), ops.maximum), "max(x, dim=None, keepdim=0) or max(x, y)", "largest element, over dim= if given; max(x, y) is elementwise", "reduction", _reduction("distinct"), analytic=False, batch="extremum")
_built_in("min", extremum("min", _cast_dim(ops.amin), ops.minimum), "min(x, dim=None, keepdim=0) or min(x, y)", "smallest element, over dim= if given; min(x, y) is elementwise", "reduction", _reduction("distinct"), analytic=False, batch="extremum")
_built_in("norm", _norm, "norm(x, p=2, dim=None, keepdim=0)", "p-norm; p=2 is overflow-safe", "reduction", (*_reduction("away_from_zero"), _call("{op}(x, p=3)", ("away_from_zero", (3,)))), analytic=False)
_built_in("logsumexp", _cast_dim(ops.logsumexp), "logsumexp(x, dim=None, keepdim=0)", "log(sum(exp(x))), stable", "reduction", _reduction())
_built_in("softmax", ops.softmax, "softmax(x, dim=-1)", "exp(x) / sum(exp(x)) along dim", "reduction", _ALONG, batch="along")
_built_in("log_softmax", ops.log_softmax, "log_softmax(x, dim=-1)", "x - logsumexp(x) along dim", "reduction", _ALONG, batch="along")
_built_in("matmul", ops.matmul, "matmul(x, y)", "matrix product, as x @ y", "linear algebra", tuple(_call("{op}(x, y)", ("any", a), ("any", b)) for a, b in [((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 2))]))
_built_in("dot", ops.dot, "dot(x, y)", "inner product of two vectors", "linear algebra", (_call("{op}(x, y)", ("any", (4,)), ("any", (4,))),), batch="dot")
_built_in("cat", _cat, "cat([x, y, ...], dim=0)", "join along an existing dimension", "shape", (_call("{op}([x, y])", ("any", (2,)), ("any", (3,))), _call("{op}([x, y], dim=0)", ("any", (2, 2)), ("any", (1, 2))), _call("{op}([x, y])", ("any", ()), ("any", (2,)))))
_built_in("stack", ops.stack, "stack([x, y, ...], dim=0)", "join along a new dimension", "shape", (_call("{op}([x, y], dim=1)", ("any", (2,)), ("any", (2,))),))
_built_in("reshape", _numbers(ops.reshape, "reshape(x, 2, 3)", after=1), "reshape(x, n, m, ...)", "same elements, new shape", "shape", (_call("{op}(x, 3, 2)", ("any", (2, 3))), _call("{op}(x, -1, 1)", ("any", (4,)))), batch="reshape")
_built_in("transpose", _numbers(ops.transpose, "transpose(x, 0, 1)", after=1), "transpose(x, dim0=0, dim1=1)", "swap two dimensions", "shape", (_call("{op}(x)", ("any", (2, 3))), _call("{op}(x, 0, 2)", ("any", (2, 3, 4)))), batch="transpose")
# --- #22 shape and reductions ---
_built_in("cumsum", ops.cumsum, "cumsum(x, dim)", "running sums along dim", "reduction", _ALONG_DIM, batch="along")
_built_in("cumprod", ops.cumprod, "cumprod(x, dim)", "running products along dim", "reduction", (*_ALONG_DIM, _call("{op}(x, dim=1)", ("with_zeros", (2, 3)))), batch="along")
_built_in("logcumsumexp", ops.logcumsumexp, "logcumsumexp(x, dim)", "log(cumsum(exp(x))), stable", "reduction", _ALONG_DIM, batch="along")
_built_in("var", _spread(ops.var), "var(x, dim=None, correction=1, keepdim=0)", "variance (over dim)", "reduction", (*_reduction(), _call("{op}(x, 1, 0)", ("any", (2, 3)))))
_built_in("std", _spread(ops.std), "std(x, dim=None, correction=1, keepdim=0)", "standard deviation (over dim)", "reduction", (*_reduction(), _call("{op}(x, dim=0, correction=0)", ("any", (3, 2)))))
_built_in("median", _median, "median(x, dim=None, keepdim=0)", "lower median (over dim)", "reduction", _reduction("distinct"), analytic=False)
_built_in("tril", ops.tril, "tril(x, diagonal=0)", "lower triangle, the rest 0", "shape", _TRIANGLE, batch="rows")
_built_in("triu", ops.triu, "triu(x, diagonal=0)", "upper triangle, the rest 0", "shape", _TRIANGLE, batch="rows")
_built_in("diag", ops.diag, "diag(x, diagonal=0)", "vector <-> diagonal matrix", "shape", (_call("{op}(x)", ("any", (3,))), _call("{op}(x, -1)", ("any", (2,))), _call("{op}(x, diagonal=1)", ("any", (3, 3)))), batch="rows")
_built_in("flip", ops.flip, "flip(x, dims)", "reverse the order along dims", "shape", (_call("{op}(x, 0)", ("any", (3,))), _call("{op}(x, [0, 1])", ("any", (2, 3)))), batch="rows")
_built_in("roll", ops.roll, "roll(x, shifts, dims=None)", "shift along dims, wrapping round", "shape", (_call("{op}(x, 1)", ("any", (2, 3))), _call("{op}(x, [1, -1], [0, 1])", ("any", (2, 3)))), batch="rows")
_built_in("trace", ops.trace, "trace(x)", "sum of a matrix's diagonal", "linear algebra", (_call("{op}(x)", ("any", (3, 3))), _call("{op}(x)", ("any", (2, 3)))), batch="rows")
_built_in("outer", ops.outer, "outer(x, y)", "outer product of two vectors", "linear algebra", (_call("{op}(x, y)", ("any", (3,)), ("any", (2,))),), batch="rows")
_built_in("cross", ops.cross, "cross(x, y, dim=None)", "cross product of 3-vectors", "linear algebra", (_call("{op}(x, y)", ("any", (3,)), ("any", (3,))), _call("{op}(x, y, dim=1)", ("any", (2, 3)), ("any", (3,)))), batch="rows")
_built_in("mv", ops.mv, "mv(m, v)", "matrix times vector", "linear algebra", (_call("{op}(x, y)", ("any", (2, 3)), ("any", (3,))),), batch="rows")
_built_in("bce_with_logits", ops.binary_cross_entropy_with_logits, "bce_with_logits(logits, target)", "binary cross-entropy from logits, mean", "loss", (_call("{op}(x, y)", ("any", (3,)), ("probability", (3,))),), analytic=False)
_built_in("mse", ops.mse_loss, "mse(x, target)", "mean squared error", "loss", (_call("{op}(x, y)", ("any", (2, 3)), ("any", (2, 3))),))
_built_in("lt", ops.lt, "x < y", "1 where x < y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("le", ops.le, "x <= y", "1 where x <= y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("gt", ops.gt, "x > y", "1 where x > y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("ge", ops.ge, "x >= y", "1 where x >= y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("eq", ops.eq, "x == y", "1 where x == y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("ne", ops.ne, "x != y", "1 where x != y, else 0", "comparison", differentiable=False, analytic=False)
_built_in("arange", _numbers(creation.arange, "arange(0, 5, 0.5)"), "arange(start, end=None, step=1)", "evenly spaced values in [start, end)", "creation", differentiable=False)
_built_in("linspace", _numbers(creation.linspace, "linspace(0, 1, 5)"), "linspace(start, end, steps)", "evenly spaced values, ends included", "creation", differentiable=False)
_built_in("zeros", _numbers(creation.zeros, "zeros(2, 3)"), "zeros(n, m, ...)", "a tensor of zeros", "creation", differentiable=False)
_built_in("ones", _numbers(creation.ones, "ones(2, 3)"), "ones(n, m, ...)", "a tensor of ones", "creation", differentiable=False)
_built_in("full", creation.full, "full([n, m, ...], value)", "a tensor of one value", "creation", differentiable=False)
_built_in("eye", _numbers(creation.eye, "eye(3)"), "eye(n, m=None)", "identity matrix", "creation", differentiable=False)
_built_in("zeros_like", creation.zeros_like, "zeros_like(x)", "zeros in the shape of x", "creation", differentiable=False, batch="elementwise")
_built_in("ones_like", creation.ones_like, "ones_like(x)", "ones in the shape of x", "creation", differentiable=False, batch="elementwise")
_built_in("rand", _numbers(creation.rand, "rand(2, 3)"), "rand(n, m, ...)", "uniform random in [0, 1) (--seed)", "creation", differentiable=False)
_built_in("randn", _numbers(creation.randn, "randn(2, 3)"), "randn(n, m, ...)", "standard normal random (--seed)", "creation", differentiable=False)
# fmt: on
