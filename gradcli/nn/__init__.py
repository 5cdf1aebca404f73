"""``gradcli.nn``: only ``functional`` (losses and activations), as in ``torch.nn.functional``."""

from gradcli.nn import functional

__all__ = ["functional"]
