"""Results as text, one module per form: ``tables`` for people (rich), ``plain`` for shells,
``documents`` for JSON; ``numbers`` formats single numbers for all three.

Rendering never computes; it formats what ``gradcli.compute`` returned. Import
the module a format needs, so plain and JSON output never load rich.
"""
