"""A plain function built from gradcli's operations, with a Taylor rule for --order."""

from gradcli import taylor
from gradcli.registry import register


def square_series(x):
    return taylor.mul(x, x)


@register(taylor=square_series)
def square(x):
    """x squared"""
    return x * x
