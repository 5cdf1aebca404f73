"""Moved to :mod:`gradcli.registry`; this name stays only until its last importers move."""

from gradcli.registry import ALIASES, OPS, OpInfo, extremum

__all__ = ["ALIASES", "OPS", "OpInfo", "extremum"]
