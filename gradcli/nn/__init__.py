"""``gradcli.nn``: a small ``torch.nn`` for learning and checking gradients.

``Module`` (parameters registered by attribute), ``Parameter``, ``Linear``,
``Sequential``, ``ReLU``/``Tanh``/``Sigmoid``/``Softmax``/``LogSoftmax``/``Flatten``, the losses ``MSELoss``,
``BCEWithLogitsLoss`` and ``CrossEntropyLoss``, and the ``functional`` and ``init``
modules. Optimizers are in :mod:`gradcli.optim`.
"""

from gradcli.nn import functional, init
from gradcli.nn.modules import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Flatten,
    Linear,
    LogSoftmax,
    Module,
    MSELoss,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)

__all__ = [
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Flatten",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
