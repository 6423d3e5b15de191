"""Ontology-resolved hits, manual codes as graph edges, and weights chosen by cross-validation —
with the shipped ontology and small hand-made graphs whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.evaluation.code_edges import CODE_SECTION, add_code_edges, codes_only_graph, with_code_edges
from medkg.evaluation.gold_matching import GoldMatcher, recall_precision
from medkg.evaluation.tuning import tune_weights
from medkg.graph.model import ImageNode, KnowledgeGraph, ReportNode, StudyNode
from medkg.labels import label_mapper
from medkg.ontology import load
from medkg.ontology.model import Concept, Ontology, Relation
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import RankingWeights

BONE_FRACTURES, RIB_FRACTURES, EFFUSION = "MKG:D050723", "MKG:D012253", "C0032227"
LUNG, CALCINOSIS = "MKG:D008168", "C0006663"


@pytest.fixture(scope="module")
def onto():
    return load()


def test_resolved_hits_count_isa_descendants_only(onto):
    gold = (frozenset({BONE_FRACTURES}), frozenset({EFFUSION}))
    matcher = GoldMatcher(onto)
    assert recall_precision([RIB_FRACTURES, LUNG], gold) == (0.0, 0.0)
    assert recall_precision([RIB_FRACTURES, LUNG], matcher.expand(gold)) == (0.5, 0.5)
    # the general concept says nothing about the specific gold
    assert recall_precision([BONE_FRACTURES], matcher.expand((frozenset({RIB_FRACTURES}),))) == (0.0, 0.0)


def test_part_of_is_not_a_hit():
    small = Ontology.from_parts(
        [Concept("L", "Lung"), Concept("B", "Lung base")], [Relation("B", "RO", "part_of", "L")]
    )
    assert GoldMatcher(small).expand((frozenset({"L"}),)) == (frozenset({"L"}),)


def test_code_edges_merge_with_extracted_ones_and_say_manual_code(kg, onto):
    codes = {"i1": ("ri1", "Pleural Effusion/left;normal;Unknown Thing;Rib Fractures"), "nope": ("x", "Lung")}
    assert add_code_edges(kg, codes, onto) == 2
    effusion = kg.findings[("POSITIVE", "i1", EFFUSION)]
    assert [(e.section, e.text) for e in effusion.evidence] == [
        ("findings", "Pleural effusion in ri1."),
        (CODE_SECTION, "Pleural Effusion/left"),
    ]
    assert kg.concepts[RIB_FRACTURES].name == "Rib Fractures"
    assert ("POSITIVE", "i1", "MKG:no_finding") not in kg.findings


def test_codes_only_and_copied_graphs_leave_the_original_alone(kg, onto):
    codes = {"i1": ("ri1", "Rib Fractures")}
    before = dict(kg.findings)
    only = codes_only_graph(kg, codes, onto)
    assert list(only.findings) == [("POSITIVE", "i1", RIB_FRACTURES)]
    both = with_code_edges(kg, codes, onto)
    assert len(both.findings) == len(before) + 1
    assert kg.findings == before and RIB_FRACTURES not in kg.concepts


# positions 0, 2, 4 form fold 0 and 1, 3, 5 fold 1: each fold holds one Cardiomegaly report
# whose gold is Lung; in the other fold Cardiomegaly comes with Lung, but Calcinosis is twice as
# common overall. Smoothing 0 (the conditional) finds Lung at k=1; smoothing 1000 (the prior)
# returns Calcinosis.
CODES = [
    "Cardiomegaly;Lung",
    "Cardiomegaly;Lung",
    "Calcinosis;Opacity",
    "Calcinosis;Opacity",
    "Calcinosis",
    "Calcinosis",
]


def test_tune_weights_picks_the_conditional_by_cross_validation(onto):
    kg = KnowledgeGraph()
    rows = []
    for n, value in enumerate(CODES, 1):
        rid, study, image = f"r{n}", f"s{n}", f"r{n}#report"
        kg.studies[study] = StudyNode(study)
        kg.reports[rid] = ReportNode(rid, study, "0" * 64)
        kg.images[image] = ImageNode(image, study)
        rows.append((ReportRecord(rid, study, {"findings": ""}, images=(ImageRecord(image, study),)), value))
    graph = codes_only_graph(kg, {f"r{n}#report": (f"r{n}", v) for n, v in enumerate(CODES, 1)}, onto)
    index = GraphIndex.from_graph(graph)
    prior, conditional = (
        RankingWeights(relations={}, smoothing=1000.0),
        RankingWeights(relations={}, smoothing=0.0),
    )
    images = lambda rec: tuple(i.image_id for i in rec.images)  # noqa: E731
    mapper = label_mapper("chestxray14", onto)
    tuned = tune_weights(index, rows, images, onto, mapper, k=1, folds=2, grid=[prior, conditional])
    assert (tuned.weights, tuned.cv_recall, tuned.cases, tuned.scores) == (conditional, 1.0, 2, (0.0, 1.0))
    # a tie goes to the earlier grid entry
    again = RankingWeights(relations={"SUGGESTIVE_OF": 2.0}, smoothing=0.0)
    assert (
        tune_weights(index, rows, images, onto, mapper, k=1, folds=2, grid=[again, conditional]).weights
        == again
    )
