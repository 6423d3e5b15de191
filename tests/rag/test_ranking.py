"""Ranking extras: part_of roll-up through the ontology, known-absent exclusion, sentences from the index."""

from __future__ import annotations

from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    RelationEdge,
    ReportRelation,
)
from medkg.ontology.model import Concept, Ontology, Relation
from medkg.rag import RankingWeights, Retriever
from medkg.rag.index import GraphIndex
from medkg.rag.prompts import fact_line
from medkg.rag.ranking import QueryConcept, rank_concepts

BASE, LUNG = "MKG:lung_base", "MKG:D008168"


def with_lung_base(kg):
    """The small graph plus 'Lung base' positive on i1 and i3."""
    kg.concepts[BASE] = ConceptNode(BASE, "Lung base")
    for image in ("i1", "i3"):
        ev = Evidence(f"r{image}", "findings", 3, 0, 9, "0" * 64, f"Lung base in r{image}.")
        kg.add_edge(FindingEdge(Finding.POSITIVE, image, BASE, (ev,)))
    return kg


ONTO = Ontology.from_parts(
    [Concept(BASE, "Lung base"), Concept(LUNG, "Lung")], [Relation(BASE, "RO", "part_of", LUNG)]
)
CARDIO = [QueryConcept("C0018800", "Cardiomegaly", frozenset({"C0018800"}))]


def test_part_of_rollup(kg):
    index = GraphIndex.from_graph(with_lung_base(kg), ontology=ONTO)
    assert index.rolled_up == {LUNG: (BASE,)}
    assert index.name(LUNG) == "Lung"
    assert index.df["POSITIVE"][index.concept_pos[LUNG]] == 2
    facts = rank_concepts(index, CARDIO, RankingWeights.cooccurrence())
    # cardiomegaly images i1,i2,i3: effusion, lung base (so lung) 2 each, atelectasis 1
    assert [(f.tail, round(f.score, 4)) for f in facts] == [
        ("C0032227", 0.6667),
        (LUNG, 0.6667),
        (BASE, 0.6667),
        ("C0004144", 0.3333),
    ]
    assert GraphIndex.from_graph(kg).rolled_up == {}


def test_exclude_known_absent(kg):
    index = GraphIndex.from_graph(kg)
    facts = rank_concepts(index, CARDIO, RankingWeights.cooccurrence(), exclude={"C0032227"})
    assert [f.tail for f in facts] == ["C0004144"]
    r = Retriever(kg, weights=RankingWeights.cooccurrence())
    assert r.retrieve(concepts=["Cardiomegaly"], absent=["Pleural effusion"], k=3).concepts() == ["C0004144"]


def test_sentences_from_index_and_rolled_up_parts(kg):
    r = Retriever(with_lung_base(kg), weights=RankingWeights.cooccurrence(), ontology=ONTO)
    facts = r.retrieve(concepts=["Cardiomegaly"], k=4)
    assert facts[0].tail == "C0032227"
    assert [(s.report_id, s.text) for s in facts[0].provenance.sentences] == [
        ("ri1", "Pleural effusion in ri1."),
        ("ri2", "Pleural effusion in ri2."),
    ]
    lung = next(f for f in facts if f.tail == LUNG)
    assert [(s.report_id, s.text) for s in lung.provenance.sentences] == [
        ("ri1", "Lung base in ri1."),
        ("ri3", "Lung base in ri3."),
    ]
    assert GraphIndex.from_graph(kg, sentences=False).evidence is None


def with_anatomy(kg):
    """Lung base (a body location, T029) positive on i1 and i3, and cardiomegaly located at it,
    stated three times in two reports (support 3, reports ri1 and ri3)."""
    kg.concepts[BASE] = ConceptNode(BASE, "Lung base", ("T029",))
    for image in ("i1", "i3"):
        ev = Evidence(f"r{image}", "findings", 3, 0, 9, "0" * 64, f"Lung base in r{image}.")
        kg.add_edge(FindingEdge(Finding.POSITIVE, image, BASE, (ev,)))
    evidence = tuple(
        Evidence(report, "findings", 1, start, start + 9, "0" * 64, "x")
        for report, start in (("ri1", 0), ("ri3", 0), ("ri3", 20))
    )
    kg.add_edge(RelationEdge(ReportRelation.LOCATED_AT, "C0018800", BASE, evidence))
    return kg


RELATIONS = {"LOCATED_AT": 1.0, "SUGGESTIVE_OF": 2.0}


def test_anatomy_ranks_only_as_a_finding(kg):
    index = GraphIndex.from_graph(with_anatomy(kg))
    assert index.anatomy == frozenset({BASE})

    def ranked(mode):
        facts = rank_concepts(index, CARDIO, RankingWeights(relations=RELATIONS, smoothing=0.0, anatomy=mode))
        return [
            (f.tail, f.relation, round(f.score, 4), f.provenance.count, f.provenance.report_ids)
            for f in facts
        ]

    # keep: lung base (2 co-occurrences + LOCATED_AT support 3) / 3 leads
    assert ranked("keep") == [
        (BASE, "LOCATED_AT", 1.6667, 2, ("ri1", "ri3")),
        ("C0004144", "SUGGESTIVE_OF", 1.0, 1, ("ri3",)),
        ("C0032227", "CO_OCCURS_WITH", 0.6667, 2, ("ri1", "ri2")),
    ]
    # findings (default): no bonus for a place; it ties effusion on co-occurrence (CUI order)
    assert ranked("findings") == [
        ("C0004144", "SUGGESTIVE_OF", 1.0, 1, ("ri3",)),
        ("C0032227", "CO_OCCURS_WITH", 0.6667, 2, ("ri1", "ri2")),
        (BASE, "CO_OCCURS_WITH", 0.6667, 2, ("ri1", "ri3")),
    ]
    assert ranked("drop") == [
        ("C0004144", "SUGGESTIVE_OF", 1.0, 1, ("ri3",)),
        ("C0032227", "CO_OCCURS_WITH", 0.6667, 2, ("ri1", "ri2")),
    ]
    assert RankingWeights().anatomy == "findings"


def test_listed_reports_and_count_agree(kg):
    index = GraphIndex.from_graph(with_anatomy(kg))
    w = RankingWeights(relations=RELATIONS, smoothing=0.0, anatomy="keep", provenance_reports=1)
    facts = rank_concepts(index, CARDIO, w)
    base, effusion = facts[0], facts[2]
    # the relation fact counts the 2 reports stating it (not its 3 mentions) and lists 1 of them
    assert (base.provenance.count, base.provenance.report_ids, base.provenance.images) == (
        2,
        ("ri1",),
        ("i1",),
    )
    assert fact_line(base) == "Cardiomegaly located at Lung base (2 reports); reports ri1 and 1 more."
    assert (effusion.provenance.count, effusion.provenance.report_ids) == (2, ("ri1",))
