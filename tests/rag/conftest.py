"""A small hand-built graph with known co-occurrences, and the same graph in a LadybugStore."""

from __future__ import annotations

import pytest

from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    RelationEdge,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
)

# image -> positive concepts (CUIs of the shipped seed; names as there)
CASES = {
    "i1": ["C0018800", "C0032227"],
    "i2": ["C0018800", "C0032227"],
    "i3": ["C0018800", "C0004144"],
    "i4": ["C0032227", "C0004144"],
    "i5": ["C0004144"],
}
NAMES = {"C0018800": "Cardiomegaly", "C0032227": "Pleural effusion", "C0004144": "Atelectasis"}


def small_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for cui, name in NAMES.items():
        kg.concepts[cui] = ConceptNode(cui, name)
    for image, cuis in CASES.items():
        study, report = f"s{image}", f"r{image}"
        kg.studies[study] = StudyNode(study)
        kg.reports[report] = ReportNode(report, study, "0" * 64, None)
        kg.images[image] = ImageNode(image, study)
        kg.add_edge(StructureEdge(Structure.HAS_REPORT, study, report))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, study, image))
        for n, cui in enumerate(cuis):
            text = f"{NAMES[cui]} in {report}."
            ev = Evidence(report, "findings", n, 0, 5, "0" * 64, text, "left" if cui == "C0032227" else None)
            kg.add_edge(FindingEdge(Finding.POSITIVE, image, cui, (ev,)))
    ev = Evidence("ri3", "findings", 0, 0, 5, "0" * 64, "x")
    kg.add_edge(RelationEdge(ReportRelation.SUGGESTIVE_OF, "C0018800", "C0004144", (ev,)))
    return kg


@pytest.fixture()
def kg() -> KnowledgeGraph:
    return small_graph()


@pytest.fixture()
def ladybug_store(tmp_path):
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(tmp_path / "store", read_only=False) as store:
        store.write(small_graph())
    with LadybugStore(tmp_path / "store") as store:
        yield store
