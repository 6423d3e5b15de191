"""The fast checksum equals its definition: SHA-256 over the sorted ``record_digest`` of every record."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from medkg.graph import build_graph, checksum, naf
from medkg.graph.checksum import record_digest
from medkg.graph.model import Evidence, FindingEdge, ImageNode, KnowledgeGraph, PatientNode, StudyNode


def reference_checksum(kg: KnowledgeGraph) -> str:
    """The definition, written the slow and obvious way."""
    digests = [record_digest(str(label), node) for label, node in kg.nodes()]
    for edges in (kg.structure, kg.findings, kg.relations, kg.ontology):
        digests += [record_digest(type(edge).__name__, edge) for edge in edges.values()]
    h = hashlib.sha256()
    for d in sorted(digests):
        h.update(d)
    return h.hexdigest()


def test_checksum_equals_its_definition(records, extractor, ontology):
    kg = build_graph(records, extractor, ontology)
    assert checksum(kg) == reference_checksum(kg)
    naf(kg, budget=2)
    assert checksum(kg) == reference_checksum(kg)
    # odd values: quotes, backslashes, non-ASCII, None, floats, shared and unshared provenance
    kg.patients["P'\"\\"] = PatientNode("P'\"\\")
    kg.studies["S\u00e9"] = StudyNode("S\u00e9", None, "f.csv:3")
    kg.images["I\n"] = ImageNode("I\n", "S\u00e9", None, "PA", False, 0.1 + 0.2)
    ev = Evidence("R\u00e9", "findings", 0, 1, 9, "ab" * 32, "No \"effusion\".", "left", None)
    kg.findings[("POSITIVE", "I\n", "C0032227")] = FindingEdge("POSITIVE", "I\n", "C0032227", (ev,), False)
    assert checksum(kg) == reference_checksum(kg)


def test_checksum_sees_every_field_and_ignores_order(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    before = checksum(kg)
    assert checksum(build_graph(list(reversed(records)), extractor, ontology)) == before
    key = ("POSITIVE", "I1a", C.EFFUSION)
    edge = kg.findings[key]
    kg.findings[key] = replace(edge, evidence=(replace(edge.evidence[0], severity="large"),))
    changed = checksum(kg)
    assert changed != before and changed == reference_checksum(kg)
    kg.findings[key] = edge
    assert checksum(kg) == before
