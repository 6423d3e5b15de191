"""medkg: multimodal medical knowledge graphs from radiology reports and images.

The public API (everything else is private by default)::

    import medkg

    onto = medkg.load_ontology()                       # the shipped chest-radiology seed ontology
    ex = medkg.extract({"findings": "Small left pleural effusion."})
    store = medkg.LadybugStore("kg-store")             # or medkg.Neo4jStore(uri)
    facts = medkg.Retriever(store).retrieve(concepts=["C0032227"], k=7)
    prompt = medkg.build_prompt(facts, "What does the image show?", style="citations")
    text = medkg.explain(facts)
    report = medkg.check_facts(text, store, image_or_study="CXR1_IM-0001-3001")

Names are imported lazily, so ``import medkg`` stays fast for the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from medkg._plugins import add_exporter_module  # noqa: E402
from medkg.errors import MedkgError  # noqa: E402

# Exporters of later layers, found by medkg.graph.export on its first lookup (imported only then).
add_exporter_module("medkg.store.neo4j_admin")
add_exporter_module("medkg.export")

#: public name -> (module, attribute)
_LAZY: dict[str, tuple[str, str]] = {
    "load_ontology": ("medkg.ontology", "load"),
    "Ontology": ("medkg.ontology", "Ontology"),
    "Extractor": ("medkg.extract", "Extractor"),
    "extract_many": ("medkg.extract", "extract_many"),
    "label_report": ("medkg.labels", "label_report"),
    "KnowledgeGraph": ("medkg.graph", "KnowledgeGraph"),
    "build_graph": ("medkg.graph", "build_graph"),
    "compare_reports": ("medkg.compare", "compare_reports"),
    "report_score": ("medkg.compare", "report_score"),
    "ReportComparison": ("medkg.compare", "ReportComparison"),
    "checksum": ("medkg.graph", "checksum"),
    "naf": ("medkg.graph", "naf"),
    "LadybugStore": ("medkg.store.ladybug", "LadybugStore"),
    "Neo4jStore": ("medkg.store.neo4j", "Neo4jStore"),
    "Retriever": ("medkg.rag", "Retriever"),
    "build_prompt": ("medkg.rag", "build_prompt"),
    "explain": ("medkg.rag", "explain"),
    "check_facts": ("medkg.rag", "check_facts"),
    "load_ipython_extension": ("medkg.rag.magics", "load_ipython_extension"),
}

__all__ = ["MedkgError", "__version__", "extract", "extract_many", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    if name in ("extract", "extract_many") and name not in globals():
        # ``medkg.extract`` is both the extraction subpackage and a callable:
        # ``medkg.extract(text) -> ReportExtraction`` (the package's module class defines __call__).
        package = importlib.import_module("medkg.extract")
        return package if name == "extract" else package.extract_many
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'medkg' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
