"""``torch.nn``'s building blocks, kept small: Module, Parameter, Linear, Sequential, a few
activations and losses.

A Module keeps the Parameters and Modules assigned to its attributes in two dicts, in
assignment order, so ``parameters()`` lists them as PyTorch does (own first, then each
submodule's); every other attribute is an ordinary one.
"""

from __future__ import annotations

import math
import operator
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from gradcli.autograd import dtypes
from gradcli.autograd.function import no_grad
from gradcli.autograd.ops.losses import reduction_of
from gradcli.autograd.tensor import Tensor
from gradcli.errors import ArgumentTypeError, AutogradError, DimensionError, WholeNumberError
from gradcli.nn import functional as F
from gradcli.nn import init


class Parameter(Tensor):
    """A tensor a Module registers when it is assigned to one of its attributes.

    It holds ``data``'s values and requires grad (``nn.Parameter``); operations on it
    give plain tensors.
    """

    def __init__(self, data: Any = None, requires_grad: bool = True):
        super().__init__(np.empty(0) if data is None else data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models: subclass it, assign parameters and submodules
    in ``__init__`` (after ``super().__init__()``), and write ``forward``."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'{type(self).__name__} is missing its "forward" method')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- registration by attribute -----------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        parameters = self.__dict__.get("_parameters")
        if parameters is None:
            if isinstance(value, (Parameter, Module)):
                raise AttributeError(
                    f"cannot assign {name!r} before Module.__init__() runs; call "
                    "super().__init__() first in your __init__"
                )
            object.__setattr__(self, name, value)
            return
        registered = name in parameters
        if registered and not (value is None or isinstance(value, Parameter)):
            raise TypeError(
                f"cannot assign a {type(value).__name__} to parameter {name!r}: it takes an "
                "nn.Parameter or None; to change its values, use `with torch.no_grad(): "
                f"{name}.copy_(...)`"
            )
        self._forget(name)
        if registered or isinstance(value, Parameter):
            parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        for place in (self.__dict__, self._parameters, self._modules):
            place.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Called only when ordinary lookup fails: parameters and submodules live here.
        for place in ("_parameters", "_modules"):
            members = self.__dict__.get(place, {})
            if name in members:
                return members[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters or name in self._modules:
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` under ``name``; None keeps the name (a Linear without bias)."""
        self._forget(name)
        self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise ArgumentTypeError(
                f"{type(module).__name__} is not a Module subclass: a model holds modules "
                "(nn.Linear(...), nn.ReLU(), ...)"
            )
        self._forget(name)
        self._modules[name] = module

    # --- walking the tree --------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every submodule below it, each once, parents first."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        return (module for _, module in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules, a shared one once (under its first name), as in PyTorch."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        return (module for _, module in self.named_children())

    def _named_tensors(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every (name, parameter) below here, a shared one under each of its names."""
        for name, param in self._parameters.items():
            if param is not None:
                yield prefix + name, param
        for name, child in self._modules.items():
            if child is not None:
                yield from child._named_tensors(f"{prefix}{name}.")

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) pairs, own ones first, names dotted as in ``state_dict``;
        a shared parameter once."""
        named = (
            self._named_tensors()
            if recurse
            else ((name, p) for name, p in self._parameters.items() if p is not None)
        )
        seen: set[int] = set()
        for name, param in named:
            if id(param) not in seen:
                seen.add(id(param))
                yield (f"{prefix}.{name}" if prefix else name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (param for _, param in self.named_parameters(recurse=recurse))

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule, then on this module (e.g. to initialise weights)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- training ----------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (PyTorch 2's default: set them to None)."""
        for param in self.parameters():
            _zero_grad(param, set_to_none)

    def train(self, mode: bool = True) -> Module:
        """Set training mode here and below (it matters to layers such as dropout)."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``model.to(device)``: checks the request as ``Tensor.to`` does, and keeps the model.

        Parameters are float64 on the CPU and stay so: a device other than the CPU is
        refused, float32 is accepted and computed in float64 (see ``gradcli.autograd.dtypes``).
        """
        for param in self.parameters():
            if param.to(*args, **kwargs) is not param:
                raise ArgumentTypeError(
                    "Module.to takes a device or a floating-point dtype (as in PyTorch), "
                    f"not {', '.join(map(repr, [*args, *kwargs.values()]))}"
                )
        return self

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Module:
        return self.to("cuda" if device is None else device)

    def double(self) -> Module:
        return self.to(dtypes.float64)

    def float(self) -> Module:
        return self.to(dtypes.float32)

    # --- saving and loading ------------------------------------------------------------

    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Every parameter's values, detached, by dotted name."""
        return OrderedDict((name, param.detach()) for name, param in self._named_tensors())

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> _IncompatibleKeys:
        """Copy values into the parameters of the same names (shapes must match)."""
        own = dict(self._named_tensors())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        problems = [
            f"size mismatch for {name}: the state_dict has shape {tuple(np.shape(value))}, "
            f"the model {tuple(own[name].shape)}"
            for name, value in state_dict.items()
            if name in own and tuple(np.shape(value)) != tuple(own[name].shape)
        ]
        if strict:
            problems += [f"missing key {name!r}" for name in missing]
            problems += [f"unexpected key {name!r}" for name in unexpected]
        if problems:
            raise AutogradError(
                f"load_state_dict for {type(self).__name__}: nothing was loaded: "
                + "; ".join(problems)
            )
        with no_grad():
            for name, value in state_dict.items():
                if name in own:
                    own[name].copy_(value)
        return _IncompatibleKeys(missing, unexpected)

    # --- printing ----------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [
            f"  ({name}): " + repr(child).replace("\n", "\n  ")
            for name, child in self._modules.items()
        ]
        if not lines:
            return f"{type(self).__name__}({self.extra_repr()})"
        head = [self.extra_repr()] if self.extra_repr() else []
        return f"{type(self).__name__}(\n" + "\n".join(head + lines) + "\n)"


def _zero_grad(param: Tensor, set_to_none: bool) -> None:
    if param.grad is None:
        return
    if set_to_none:
        param.grad = None
        return
    grad = param.grad
    if grad.grad_fn is not None:  # a create_graph gradient leaves its graph, as in PyTorch
        grad = param.grad = grad.detach()
    with no_grad():
        grad.zero_()  # in place: whoever holds param.grad sees the zeros, as in PyTorch


# --- layers ------------------------------------------------------------------------------


class Linear(Module):
    """``x @ weight.T + bias``, initialised as PyTorch does: uniform in ±1/sqrt(in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features)))
        if bias:
            self.bias = Parameter(np.empty(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's kaiming_uniform_(a=sqrt(5)): the bound works out to 1/sqrt(fan_in).
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Sequential(Module):
    """Modules called one after another: ``Sequential(Linear(3, 8), ReLU(), Linear(8, 1))``.

    Built from modules (named 0, 1, ...) or from one OrderedDict of named modules.
    """

    def __init__(self, *modules: Module | OrderedDict[str, Module]):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))  # the names stay, as in PyTorch
        return items[_position(index, len(items), "Sequential")][1]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self


def _whole(index: Any, container: str) -> int:
    try:
        return operator.index(index)
    except TypeError:
        raise WholeNumberError(
            f"{container} indices are whole numbers or slices, not {type(index).__name__}"
        ) from None


def _position(index: Any, length: int, container: str) -> int:
    """``index`` (negative from the end) as a position in a container of ``length``."""
    index = _whole(index, container)
    if not -length <= index < length:
        raise DimensionError(f"index {index} is out of range for a {container} of {length}")
    return index % length


class ModuleList(Module):
    """Modules in a list, each registered as a submodule (so their parameters are the
    model's), named 0, 1, ...; it has no forward: the model's forward calls them."""

    def __init__(self, modules: Iterable[Module] | None = None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_position(index, len(modules), "ModuleList")]

    def __setitem__(self, index: int, module: Module) -> None:
        self._renumber(self._replaced(index, [module]))

    def __delitem__(self, index: int | slice) -> None:
        if isinstance(index, slice):
            modules = list(self._modules.values())
            del modules[index]
            self._renumber(modules)
        else:
            self._renumber(self._replaced(index, []))

    def _replaced(self, index: int, by: list[Module]) -> list[Module]:
        modules = list(self._modules.values())
        at = _position(index, len(modules), "ModuleList")
        return [*modules[:at], *by, *modules[at + 1 :]]

    def _renumber(self, modules: list[Module]) -> None:
        # The names are the positions, so after a change they are given again, as in PyTorch.
        self._modules.clear()
        for module in modules:
            self.append(module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if not isinstance(modules, Iterable):
            raise ArgumentTypeError(
                f"ModuleList.extend takes an iterable of modules, not {type(modules).__name__}; "
                "append takes one module"
            )
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(_whole(index, "ModuleList"), module)
        self._renumber(modules)

    def __repr__(self) -> str:
        # PyTorch's printout: a run of equal modules is one line, "(0-2): 3 x Linear(...)".
        runs: list[list[Any]] = []
        for position, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = position
            else:
                runs.append([position, position, text])
        if not runs:
            return "ModuleList()"
        lines = [
            (f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x ")
            + text.replace("\n", "\n  ")
            for first, last, text in runs
        ]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class Identity(Module):
    """Its input, unchanged (arguments are accepted and ignored, as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Dropout(Module):
    """In training, each element is zeroed with probability ``p`` and the others are scaled
    by 1/(1-p); in eval mode (``model.eval()``) the input passes unchanged."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        F._check_probability(p)
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class UninitializedParameter(Parameter):
    """A lazy module's parameter before its first call, which decides its shape: it holds
    no values yet, and becomes an ordinary Parameter (the same object) at that call."""

    def __init__(self, requires_grad: bool = True):
        super().__init__(None, requires_grad)

    def materialize(self, shape: tuple[int, ...]) -> None:
        self.data = np.zeros(shape)
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class LazyLinear(Linear):
    """A Linear whose ``in_features`` is the last dimension of its first input; from that
    call on it is a Linear (PyTorch's ``LazyLinear``, ``type(m) == nn.Linear`` included).

    Its parameters are :class:`UninitializedParameter` until then: an optimizer may hold
    them already, and sees their values once they are made.
    """

    def __init__(self, out_features: int, bias: bool = True):
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self.weight = UninitializedParameter()
        if bias:
            self.bias = UninitializedParameter()
        else:
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim == 0:
            raise DimensionError(
                "LazyLinear takes in_features from the last dimension of its first input, "
                "and a 0-d input has none; give it a batch, or write nn.Linear(in, out)"
            )
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.__class__ = Linear
        self.reset_parameters()
        return self.forward(input)


class ReLU(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class Tanh(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Sigmoid(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Softmax(Module):
    """``softmax`` along ``dim`` (PyTorch's ``dim=None`` guess is refused by ``softmax``)."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)


# --- the activations of torch.nn: each calls its function with the arguments it keeps -----------


class _Activation(Module):
    """An activation module: ``function`` called with the input and the keyword arguments
    ``__init__`` keeps as attributes (``ELU(alpha=2).alpha``), printed as PyTorch prints
    them: ``inplace=True`` only when set, and not at all where PyTorch leaves it out."""

    function: Callable[..., Tensor]
    shows_inplace = True

    def __init__(self, **arguments: Any):
        super().__init__()
        self._names = tuple(arguments)
        for name, value in arguments.items():
            setattr(self, name, value)

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, **{name: getattr(self, name) for name in self._names})

    def extra_repr(self) -> str:
        shown = [f"{name}={getattr(self, name)!r}" for name in self._names if name != "inplace"]
        if self.shows_inplace and getattr(self, "inplace", False):
            shown.append("inplace=True")
        return ", ".join(shown)


class GELU(_Activation):
    function = staticmethod(F.gelu)

    def __init__(self, approximate: str = "none"):
        super().__init__(approximate=approximate)


class ELU(_Activation):
    function = staticmethod(F.elu)

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__(alpha=alpha, inplace=inplace)


class CELU(_Activation):
    function = staticmethod(F.celu)

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__(alpha=alpha, inplace=inplace)


class LeakyReLU(_Activation):
    function = staticmethod(F.leaky_relu)

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__(negative_slope=negative_slope, inplace=inplace)


class Hardtanh(_Activation):
    function = staticmethod(F.hardtanh)

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__(min_val=min_val, max_val=max_val, inplace=inplace)


class Softplus(_Activation):
    function = staticmethod(F.softplus)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__(beta=beta, threshold=threshold)


class SELU(_Activation):
    function = staticmethod(F.selu)

    def __init__(self, inplace: bool = False):
        super().__init__(inplace=inplace)


class SiLU(SELU):
    function = staticmethod(F.silu)


class Mish(SELU):
    function = staticmethod(F.mish)


class Hardsigmoid(SELU):
    function = staticmethod(F.hardsigmoid)
    shows_inplace = False


class Hardswish(SELU):
    function = staticmethod(F.hardswish)
    shows_inplace = False


class ReLU6(SELU):
    function = staticmethod(F.relu6)


class Softsign(_Activation):
    function = staticmethod(F.softsign)


class LogSigmoid(_Activation):
    function = staticmethod(F.logsigmoid)


class Softmin(Softmax):
    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim)


class Flatten(Module):
    """Dimensions start_dim..end_dim merged into one (by default all but the batch)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        shape = input.shape
        start, end = (d % max(len(shape), 1) for d in (self.start_dim, self.end_dim))
        merged = math.prod(shape[start : end + 1])
        return input.reshape((*shape[:start], merged, *shape[end + 1 :]))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


# --- losses ------------------------------------------------------------------------------


class _Loss(Module):
    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
    ):
        super().__init__()
        self.reduction = reduction_of(reduction, size_average, reduce)


class _WeightedLoss(_Loss):
    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ):
        super().__init__(size_average, reduce, reduction)
        self.weight = weight


class MSELoss(_Loss):
    """Mean (or sum) of squared differences: ``MSELoss(reduction="sum")``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(input), computed stably from the logits."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices (or class probabilities)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices under log-probabilities."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (each log clamped at -100, as PyTorch's)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean (or sum) of absolute differences."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared below ``beta``, absolute above: ``F.smooth_l1_loss``."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared below ``delta``, delta times absolute above: ``F.huber_loss``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence from log-probabilities: ``F.kl_div``."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ):
        # "batchmean" is this loss's own reduction, which reduction_of does not know.
        super().__init__(size_average, reduce, "mean" if reduction == "batchmean" else reduction)
        if reduction == "batchmean" and size_average is None and reduce is None:
            self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
