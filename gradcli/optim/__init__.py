"""``torch.optim``, small: SGD (momentum, Nesterov, weight decay), Adam, AdamW, RMSprop,
Adagrad and Adadelta, with parameter groups, and the schedulers of
:mod:`gradcli.optim.lr_scheduler`.

Each update is PyTorch's, operation for operation in the same order, so in float64
the parameters agree with PyTorch's to the last bits or so. Updates run under
``no_grad`` and change each parameter in place (``param.sub_``), as PyTorch's do, so a
view or alias of a parameter (``p[0]``, ``p.data``, a tied weight) sees the new values.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from gradcli.autograd.function import enable_grad, no_grad
from gradcli.autograd.tensor import Tensor, wrap
from gradcli.errors import ArgumentTypeError, SettingError
from gradcli.nn.modules import _zero_grad

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]

Params = Iterable[Tensor] | Iterable[dict[str, Any]]


class Optimizer:
    """Holds ``param_groups`` (each a dict of parameters and settings) and per-parameter
    ``state``; subclasses write ``_update`` for one parameter."""

    def __init__(self, params: Params, defaults: dict[str, Any]):
        for name in ("lr", "eps", "weight_decay", "momentum", "lr_decay"):
            if name in defaults and not defaults[name] >= 0:
                raise SettingError(
                    f"{type(self).__name__}: {name} must be >= 0, not {defaults[name]}"
                )
        self.defaults = defaults
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise ArgumentTypeError(
                "params must be an iterable of tensors (model.parameters(), [w, b]), not "
                "one tensor; write [w]"
            )
        groups = list(params)
        if not groups:
            raise SettingError("the optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add parameters with their own settings (the others come from the defaults)."""
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        for param in params:
            if not isinstance(param, Tensor):
                raise ArgumentTypeError(f"optimizers take tensors, not {type(param).__name__}")
            if not param.is_leaf:
                raise SettingError(
                    "cannot optimize a non-leaf tensor (one computed from others); "
                    "optimize the leaves it came from"
                )
            if id(param) in taken:
                raise SettingError(
                    "a parameter appears more than once among the optimizer's parameters "
                    "(it would be updated twice per step); list each once"
                )
            taken.add(id(param))
        self.param_groups.append({**self.defaults, **param_group, "params": params})

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (PyTorch 2's default: set it to None)."""
        for group in self.param_groups:
            for param in group["params"]:
                _zero_grad(param, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; ``closure`` re-evaluates the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    if param.grad is not None:
                        grad = param.grad.detach()
                        state = self.state.setdefault(param, {})
                        self._update(param, -grad if group["maximize"] else grad, group, state)
        return loss

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    # --- saving and loading ------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: state}, "param_groups": [settings, "params": [index, ...]]}``,
        parameters numbered across the groups in order, as PyTorch numbers them."""
        numbers = {
            id(p): n for n, p in enumerate(p for g in self.param_groups for p in g["params"])
        }
        return {
            "state": {
                numbers[id(param)]: dict(state) for param, state in self.state.items() if state
            },
            "param_groups": [
                {**group, "params": [numbers[id(p)] for p in group["params"]]}
                for group in self.param_groups
            ],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the settings and state of :meth:`state_dict` (copies), for parameters
        grouped as they were."""
        groups = state_dict["param_groups"]
        sizes = [len(g["params"]) for g in self.param_groups]
        if [len(g["params"]) for g in groups] != sizes:
            raise SettingError(
                f"the loaded state dict has parameter groups of sizes "
                f"{[len(g['params']) for g in groups]}, the optimizer {sizes}: load it into an "
                "optimizer made with the same parameter groups"
            )
        params = [p for g in self.param_groups for p in g["params"]]
        number = dict(zip((n for g in groups for n in g["params"]), params, strict=True))
        unknown = [n for n in state_dict["state"] if n not in number]
        if unknown:
            raise SettingError(
                f"the loaded state dict has state for parameter {unknown[0]!r}, which none of "
                "its parameter groups holds"
            )
        self.state = {
            number[n]: {k: v.clone() if isinstance(v, Tensor) else v for k, v in s.items()}
            for n, s in state_dict["state"].items()
        }
        self.param_groups = [
            {**saved, "params": own["params"]}
            for saved, own in zip(groups, self.param_groups, strict=True)
        ]


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise SettingError("SGD: Nesterov momentum needs momentum > 0 and dampening 0")
        settings = dict(lr=lr, momentum=momentum, dampening=dampening)
        settings.update(weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, settings)

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        momentum = group["momentum"]
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                # A copy, as PyTorch's: .grad's memory is changed in place later (the next
                # backward adds into it, zero_grad(set_to_none=False) zeroes it).
                buffer = grad.clone()
            else:
                buffer = buffer * momentum + (1 - group["dampening"]) * grad
            state["momentum_buffer"] = buffer
            grad = grad + momentum * buffer if group["nesterov"] else buffer
        param.sub_(group["lr"] * grad)


class Adam(Optimizer):
    """Adam with PyTorch's bias correction (and its options amsgrad and weight_decay;
    ``decoupled_weight_decay=True`` is AdamW)."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ):
        if not all(0.0 <= beta < 1.0 for beta in betas):
            raise SettingError(f"{type(self).__name__}: betas must be in [0, 1), not {betas}")
        settings = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)
        settings.update(amsgrad=amsgrad, maximize=maximize)
        settings.update(decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, settings)

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        beta1, beta2 = group["betas"]
        if not state:
            zeros = _zeros(grad)
            state.update(step=0, exp_avg=zeros, exp_avg_sq=zeros)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros
        state["step"] = step = state["step"] + 1
        if group["weight_decay"] and group["decoupled_weight_decay"]:
            # AdamW: the parameters shrink towards 0, apart from the gradient's moments.
            param.mul_(1 - group["lr"] * group["weight_decay"])
        elif group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        # PyTorch's lerp_ (m + w·(g - m)) and addcmul_ ((1-β₂)·g·g, left to right).
        exp_avg = state["exp_avg"] = state["exp_avg"] + (1 - beta1) * (grad - state["exp_avg"])
        exp_avg_sq = state["exp_avg_sq"] = state["exp_avg_sq"] * beta2 + (1 - beta2) * grad * grad
        if group["amsgrad"]:
            exp_avg_sq = state["max_exp_avg_sq"] = state["max_exp_avg_sq"].maximum(exp_avg_sq)
        step_size = group["lr"] / (1 - beta1**step)
        denom = exp_avg_sq.sqrt() / (1 - beta2**step) ** 0.5 + group["eps"]
        param.sub_(step_size * exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter): each step first multiplies
    the parameters by 1 - lr·weight_decay; weight_decay is 0.01 by default, as in PyTorch."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ):
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
            decoupled_weight_decay=True,
        )  # fmt: skip


class Adagrad(Optimizer):
    """Adagrad: each coordinate's step is divided by the root of its summed squared
    gradients (the book's "adagrad" chapter), with PyTorch's lr_decay."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ):
        if not initial_accumulator_value >= 0:
            raise SettingError(
                f"Adagrad: initial_accumulator_value must be >= 0, not {initial_accumulator_value}"
            )
        settings = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay)
        settings.update(initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, settings)

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        if not state:
            accumulated = np.full_like(grad.numpy(), group["initial_accumulator_value"])
            state.update(step=0, sum=wrap(accumulated))
        state["step"] = step = state["step"] + 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state["sum"] = state["sum"] + grad * grad
        # PyTorch's addcdiv_(grad, std, value=-lr): (-lr·grad) / std, added.
        param.sub_(lr * grad / (state["sum"].sqrt() + group["eps"]))


class Adadelta(Optimizer):
    """Adadelta: no learning rate to tune (lr=1 scales the step), the step size made of
    running averages of squared gradients and of squared steps."""

    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ):
        if not 0.0 <= rho <= 1.0:
            raise SettingError(f"Adadelta: rho must be in [0, 1], not {rho}")
        settings = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, settings)

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state.update(step=0, square_avg=_zeros(grad), acc_delta=_zeros(grad))
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg = state["square_avg"] = state["square_avg"] * rho + (1 - rho) * grad * grad
        std = (square_avg + eps).sqrt()
        delta = (state["acc_delta"] + eps).sqrt() / std * grad
        state["acc_delta"] = state["acc_delta"] * rho + (1 - rho) * delta * delta
        param.sub_(group["lr"] * delta)


class RMSprop(Optimizer):
    """RMSprop (the optimizer of PyTorch's polynomial-fitting tutorial)."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ):
        settings = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay)
        settings.update(momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, settings)

    def _update(
        self, param: Tensor, grad: Tensor, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        alpha = group["alpha"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        zeros = _zeros(grad)
        square_avg = state.get("square_avg", zeros) * alpha + (1 - alpha) * grad * grad
        state["square_avg"] = square_avg
        if group["centered"]:
            grad_avg = state.get("grad_avg", zeros)
            grad_avg = state["grad_avg"] = grad_avg + (1 - alpha) * (grad - grad_avg)
            avg = (square_avg - grad_avg * grad_avg).sqrt() + group["eps"]
        else:
            avg = square_avg.sqrt() + group["eps"]
        if group["momentum"] > 0:
            buffer = state.get("momentum_buffer", zeros) * group["momentum"] + grad / avg
            state["momentum_buffer"] = buffer
            param.sub_(group["lr"] * buffer)
        else:
            param.sub_(group["lr"] * grad / avg)


def _zeros(grad: Tensor) -> Tensor:
    return wrap(np.zeros_like(grad.numpy()))


def __getattr__(name: str) -> Any:
    # optim.lr_scheduler, as in PyTorch, loaded when first named.
    if name == "lr_scheduler":
        return importlib.import_module("gradcli.optim.lr_scheduler")
    raise AttributeError(f"module 'gradcli.optim' has no attribute {name!r}")
