"""Deterministic merge of partial graphs, equal to one local build over the same records in order.

Partials are merged in partition order with the local builder's rules: the first patient, study,
image and concept record of an id wins; findings and report relations take the union of their
provenance (:func:`medkg.graph.model.merge_evidence`); ontology edges are recomputed once over the
merged concept set. A report id met again in a later partition is a :class:`GraphError` when its
text differs, else that partition is rebuilt without it (as the local build skips the copy).

Examples
--------
>>> from medkg.graph.model import KnowledgeGraph, PatientNode
>>> a, b = KnowledgeGraph(), KnowledgeGraph()
>>> b.patients["p1"] = PatientNode("p1")
>>> merge_into(a, b); list(a.patients)
['p1']
"""

from __future__ import annotations

from dataclasses import replace

from medkg.errors import GraphError
from medkg.graph.model import KnowledgeGraph, merge_evidence
from medkg.ontology.model import Ontology


def repeated_reports(kg: KnowledgeGraph, part: KnowledgeGraph) -> set[str]:
    """Report ids of ``part`` already in ``kg`` with the same text; raise if a text differs."""
    same: set[str] = set()
    for rid, node in part.reports.items():
        old = kg.reports.get(rid)
        if old is None:
            continue
        if old.text_sha256 != node.text_sha256:
            raise GraphError(
                "two different reports share this id",
                path=node.source or None,
                record=rid,
                hint="report ids must be unique across the input",
            )
        same.add(rid)
    return same


def merge_into(kg: KnowledgeGraph, part: KnowledgeGraph) -> None:
    """Add the partial graph ``part`` (a later partition) to ``kg`` in place."""
    for mine, theirs in (
        (kg.patients, part.patients),
        (kg.studies, part.studies),
        (kg.images, part.images),
        (kg.concepts, part.concepts),
        (kg.structure, part.structure),
    ):
        for key, value in theirs.items():
            mine.setdefault(key, value)
    kg.reports.update(part.reports)
    for mine, theirs in ((kg.findings, part.findings), (kg.relations, part.relations)):
        for key, edge in theirs.items():
            old = mine.get(key)
            if old is not None:
                edge = replace(old, evidence=merge_evidence(old.evidence, edge.evidence))
            mine[key] = edge


class _NoExtractor:
    def extract(self, report, report_id: str = ""):  # pragma: no cover - never called
        raise GraphError("no extraction in the merge step", record=report_id or None)


def finish(kg: KnowledgeGraph, ontology: Ontology) -> KnowledgeGraph:
    """Recompute the ontology edges of the merged graph (what the local build does last)."""
    from medkg.graph.build import add_reports

    add_reports(kg, [], _NoExtractor(), ontology)
    return kg
