"""Hand-made graphs for the retrieval tests: images with positive findings, report relations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

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


def graph_of(
    concepts: Mapping[str, tuple[str, tuple[str, ...]]],
    images: Mapping[str, Sequence[str]],
    relations: Iterable[tuple[ReportRelation, str, str, tuple[str, ...], str]] = (),
    *,
    suffix: Callable[[str], str] = lambda image: image,
    text: Callable[[str, str], str] = lambda name, report: f"{name}.",
    side: Callable[[str], str | None] = lambda cui: None,
) -> KnowledgeGraph:
    """A graph: ``concepts`` CUI → (name, TUIs); each image of ``images`` in study ``s<suffix>``
    with report ``r<suffix>`` and a POSITIVE edge (one evidence sentence each, ``text(name,
    report)``, laterality ``side(cui)``) per listed CUI; ``relations`` (type, source, target,
    reports, section) as report-relation edges."""
    kg = KnowledgeGraph()
    for cui, (name, tuis) in concepts.items():
        kg.concepts[cui] = ConceptNode(cui, name, tuis)
    for image, cuis in images.items():
        study, report = f"s{suffix(image)}", f"r{suffix(image)}"
        kg.studies[study] = StudyNode(study)
        kg.reports[report] = ReportNode(report, study, "0" * 64, None)
        kg.images[image] = ImageNode(image, study)
        kg.add_edge(StructureEdge(Structure.HAS_REPORT, study, report))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, study, image))
        for n, cui in enumerate(cuis):
            ev = Evidence(report, "findings", n, 0, 5, "0" * 64, text(concepts[cui][0], report), side(cui))
            kg.add_edge(FindingEdge(Finding.POSITIVE, image, cui, (ev,)))
    for kind, source, target, reports, section in relations:
        evidence = tuple(Evidence(r, section, 0, 0, 5, "0" * 64, "x") for r in reports)
        kg.add_edge(RelationEdge(kind, source, target, evidence))
    return kg
