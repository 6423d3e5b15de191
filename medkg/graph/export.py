"""Views and exporters of a knowledge graph, looked up by format name.

The built-in format is ``medmkg-csv`` (MEDMKG's release format ``Head,Relation,Tail,Head_Name,
Tail_Name``). Other modules add formats with :func:`register_exporter`; to be found without being
imported first, a higher layer names their module with :func:`medkg._plugins.add_exporter_module`
(``medkg/__init__.py`` names the RDF/GraphML/PyG exporters and the Neo4j store's ``neo4j-admin``).

Examples
--------
>>> "medmkg-csv" in exporters()
True
>>> export(kg, "medmkg-csv", "kg.csv").rows
41
"""

from __future__ import annotations

import csv
import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from medkg._plugins import EXPORTER_MODULES
from medkg.errors import ConfigError
from medkg.graph.model import KnowledgeGraph
from medkg.graph.relations import export_name

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportResult:
    format: str
    path: Path
    rows: int


Exporter = Callable[[KnowledgeGraph, Path], ExportResult]

_EXPORTERS: dict[str, tuple[Exporter, str]] = {}



def register_exporter(name: str, description: str = "") -> Callable[[Exporter], Exporter]:
    """Decorator registering ``fn(kg, output_path) -> ExportResult`` under ``name``."""

    def deco(fn: Exporter) -> Exporter:
        _EXPORTERS[name] = (fn, description)
        return fn

    return deco


def _load_plugins() -> None:
    """Import the modules higher layers named (their ``register_exporter`` calls run); a module
    that is not installed is skipped."""
    for module in EXPORTER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def exporters() -> dict[str, str]:
    """Known format names and their descriptions."""
    _load_plugins()
    return {name: desc for name, (_, desc) in sorted(_EXPORTERS.items())}


def naf_view(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The graph with only NaF-kept image→concept edges (the full graph when NaF was not applied).

    Images whose finding edges were all left out stay as nodes (they keep their structure edges).
    """
    return replace(kg, findings={k: e for k, e in kg.findings.items() if e.naf_kept})


def export(
    kg: KnowledgeGraph, format: str, output: str | os.PathLike[str], *, naf_only: bool = True
) -> ExportResult:
    """Write ``kg`` (its NaF view unless ``naf_only=False``) in ``format`` to ``output``."""
    _load_plugins()
    if format not in _EXPORTERS:
        raise ConfigError(f"unknown export format {format!r}", hint=f"choose from {sorted(_EXPORTERS)}")
    fn, _ = _EXPORTERS[format]
    return fn(naf_view(kg) if naf_only else kg, Path(output))


@register_exporter("medmkg-csv", "MEDMKG release CSV: Head,Relation,Tail,Head_Name,Tail_Name")
def export_medmkg_csv(kg: KnowledgeGraph, path: Path) -> ExportResult:
    """Concept→concept rows (ontology relations, then report relations) then image→concept rows.

    Relation names are lower case (``isa``, ``has_finding_site``, ``located_at``) except the image
    relations ``POSITIVE``/``NEGATIVE``/``UNCERTAIN``; image rows name the head ``Image_<id>``
    as MEDMKG does. Rows are sorted, so equal graphs give identical files.
    """
    names = {cui: c.name for cui, c in kg.concepts.items()}
    rows: list[tuple[str, str, str, str, str]] = []
    for e in kg.ontology.values():
        rows.append((e.source, export_name(e.type), e.target, names[e.source], names[e.target]))
    for e in kg.relations.values():
        rows.append((e.source, str(e.type).lower(), e.target, names[e.source], names[e.target]))
    concept_rows = sorted(rows)
    image_rows = sorted(
        (e.source, str(e.type), e.target, f"Image_{e.source}", names[e.target]) for e in kg.findings.values()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Head", "Relation", "Tail", "Head_Name", "Tail_Name"])
        writer.writerows(concept_rows)
        writer.writerows(image_rows)
    log.info("wrote %d rows to %s", len(concept_rows) + len(image_rows), path)
    return ExportResult("medmkg-csv", path, len(concept_rows) + len(image_rows))
