"""Whole-query backoff, known-absent concepts in the exact conditional, 'No finding' never a candidate,
candidate vocabularies, index subsets and provenance from report ranks — on small hand-made graphs."""

from __future__ import annotations

from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    ReportNode,
    Structure,
    StructureEdge,
    StudyNode,
)
from medkg.rag.facts import Provenance
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import QueryConcept, RankingWeights, rank_concepts

A, B, X, Y, Z = "MKG:a", "MKG:b", "MKG:x", "MKG:y", "MKG:z"
NO_FINDING = "MKG:no_finding"


def graph(cases: dict[str, list[str]]) -> KnowledgeGraph:
    """One study, report (``r`` + image id) and image per entry; positive edges to the listed concepts."""
    kg = KnowledgeGraph()
    for image, cuis in cases.items():
        study, report = f"s{image}", f"r{image}"
        kg.studies[study] = StudyNode(study)
        kg.reports[report] = ReportNode(report, study, "0" * 64)
        kg.images[image] = ImageNode(image, study)
        kg.add_edge(StructureEdge(Structure.HAS_REPORT, study, report))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, study, image))
        for n, cui in enumerate(cuis):
            kg.concepts.setdefault(cui, ConceptNode(cui, cui.split(":")[1].upper()))
            ev = Evidence(report, "findings", n, 0, 1, "0" * 64, "x")
            kg.add_edge(FindingEdge(Finding.POSITIVE, image, cui, (ev,)))
    return kg


# A and B are query labels; X comes with A+B together, Y with A alone (and once with B)
BASE = {
    "j1": [A, B, X],
    "j2": [A, B, X],
    **{f"j{n}": [A, Y] for n in range(3, 8)},
    "j8": [B, Y],
}
QUERY = [QueryConcept(A, "A", frozenset({A})), QueryConcept(B, "B", frozenset({B}))]


def ranked(index, weights, exclude=(), candidates=None):
    return [
        (f.tail, round(f.score, 4)) for f in rank_concepts(index, QUERY, weights, 10, exclude, candidates)
    ]


def test_sum_of_per_label_conditionals_prefers_the_common_companion():
    index = GraphIndex.from_graph(graph(BASE))
    # A: 7 images (X 2, Y 5); B: 3 images (X 2, Y 1): Y 5/7 + 1/3, X 2/7 + 2/3
    assert ranked(index, RankingWeights(relations={}, smoothing=0.0)) == [(Y, 1.0476), (X, 0.9524)]


def test_whole_query_backoff_prefers_what_comes_with_both_labels():
    index = GraphIndex.from_graph(graph(BASE))
    # exact images (A and B): j1, j2, both X; backoff = mean per-label: X 0.4762, Y 0.5238
    # X = (2 + 0.4762) / (2 + 1), Y = (0 + 0.5238) / 3
    assert ranked(index, RankingWeights(relations={}, smoothing=0.0, joint=1.0)) == [
        (X, 0.8254),
        (Y, 0.1746),
    ]


def test_known_absent_concepts_leave_the_exact_images():
    cases = dict(BASE, j9=[A, B, Z, Y], j10=[A, B, Z, Y], j11=[A, B, Z, Y])
    index = GraphIndex.from_graph(graph(cases))
    w = RankingWeights(relations={}, smoothing=0.0, joint=1.0)
    # per-label: A 10 images (X 2, Y 8, Z 3), B 6 images (X 2, Y 4, Z 3)
    # exact A+B: j1, j2, j9-j11 (X 2, Y 3, Z 3) -> Y (3 + 0.7333) / 6, Z (3 + 0.4) / 6, X (2 + 0.2667) / 6
    assert ranked(index, w) == [(Y, 0.6222), (Z, 0.5667), (X, 0.3778)]
    # Z known absent: j9-j11 are not this case; exact = j1, j2 -> X (2 + 0.2667) / 3, Y 0.7333 / 3
    assert ranked(index, w, exclude={Z}) == [(X, 0.7556), (Y, 0.2444)]


def test_no_finding_is_never_a_candidate_and_candidates_limit_the_vocabulary():
    index = GraphIndex.from_graph(graph(dict(BASE, j9=[B, NO_FINDING], j10=[B, NO_FINDING])))
    w = RankingWeights(relations={}, smoothing=0.0)
    assert [c for c, _ in ranked(index, w)] == [Y, X]
    assert [c for c, _ in ranked(index, w, candidates={X, NO_FINDING})] == [X]


def test_subset_keeps_columns_and_only_the_kept_images():
    index = GraphIndex.from_graph(graph(BASE))
    sub = index.subset(["j1", "j8", "unknown"])
    assert sub.images == ["j1", "j8"]
    assert sub.concepts == index.concepts
    assert {c: int(sub.df["POSITIVE"][sub.concept_pos[c]]) for c in (A, B, X, Y)} == {A: 1, B: 2, X: 1, Y: 1}
    assert sub.reports_of(range(2)) == ("rj1", "rj8")


def test_provenance_from_report_ranks_matches_natural_order():
    index = GraphIndex.from_graph(graph({"i10": [X], "i9": [X], "i100": [X], "i2": [Y]}))
    rows = index.images_with({X})
    assert index.reports_of(rows) == ("ri9", "ri10", "ri100")
    fast = index.provenance(rows, 2)
    assert fast == Provenance.of_reports(["ri100", "ri10", "ri9"], 2)
    assert (fast.report_ids, fast.count) == (("ri9", "ri10"), 3)
