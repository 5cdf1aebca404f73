"""``gradcli.nn``: a small ``torch.nn`` for learning and checking gradients.

``Module`` (parameters registered by attribute), ``Parameter``, ``Linear``, ``LazyLinear``,
``Sequential``, ``ModuleList``, ``Identity``, ``Dropout``,
``ReLU``/``Tanh``/``Sigmoid``/``Softmax``/``LogSoftmax``/``Flatten``, the losses ``MSELoss``,
``BCEWithLogitsLoss`` and ``CrossEntropyLoss``, and the ``functional`` and ``init``
modules. Optimizers are in :mod:`gradcli.optim`.
"""

from gradcli.nn import functional, init
from gradcli.nn.modules import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Dropout,
    Flatten,
    Identity,
    LazyLinear,
    Linear,
    LogSoftmax,
    Module,
    ModuleList,
    MSELoss,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    UninitializedParameter,
)

__all__ = [
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "LazyLinear",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "UninitializedParameter",
    "functional",
    "init",
]
