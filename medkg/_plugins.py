"""Where a higher layer names the modules that extend a lower one (exporters, for now).

The graph's exporter registry (:mod:`medkg.graph.export`) must not name the layers above it, yet
``medkg.graph.export(kg, "rdf-turtle", path)`` should find the RDF exporter without the caller
importing :mod:`medkg.export` first. So the top layer (``medkg/__init__.py``, which runs before any
``medkg.x`` module) lists the modules whose import registers exporters, here; the registry imports
them on its first lookup. A third-party package adds its own with :func:`add_exporter_module`.

Examples
--------
>>> "medkg.export" in EXPORTER_MODULES
True
"""

from __future__ import annotations

#: Modules imported on the exporter registry's first lookup, in order.
EXPORTER_MODULES: list[str] = []


def add_exporter_module(name: str) -> None:
    """Have the exporter registry import module ``name`` (which registers formats) on first use."""
    if name not in EXPORTER_MODULES:
        EXPORTER_MODULES.append(name)
