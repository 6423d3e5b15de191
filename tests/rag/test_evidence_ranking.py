"""Evidence-first retrieval on a small hand-made graph with known answers (issue 15).

Pneumonia co-occurs with Cardiomegaly on five images, more often than any sign is stated for it;
the reports state "opacity suggestive of pneumonia" twice, "consolidation suggestive of
pneumonia" once and place pneumonia at the right lower lobe twice. Lung (anatomy) and No finding
sit on the same images as pneumonia.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.evaluation.evidence import evaluate_evidence
from medkg.evaluation.evidence_gold import EvidenceCase, EvidenceItem
from medkg.graph.model import KnowledgeGraph, ReportRelation
from medkg.rag import Retriever, build_prompt, check_facts, explain
from medkg.rag.ranking import RankingWeights
from tests.rag.graphs import graph_of

PNEUMONIA, EFFUSION, CARDIO = "C0032285", "C0032227", "C0018800"
OPACITY, CONSOLIDATION = "MKG:HP_0031457", "MKG:consolidation"
RLL, BASE, LUNG, NO_FINDING = "MKG:right_lower_lobe", "MKG:lung_base", "MKG:D008168", "MKG:no_finding"
CONCEPTS = {
    PNEUMONIA: ("Pneumonia", ("T047",)),
    EFFUSION: ("Pleural effusion", ("T047",)),
    CARDIO: ("Cardiomegaly", ("T047",)),
    OPACITY: ("Pulmonary opacity", ("T033",)),
    CONSOLIDATION: ("Consolidation", ("T033",)),
    RLL: ("Right lower lobe", ("T023",)),
    BASE: ("Lung base", ("T029",)),
    LUNG: ("Lung", ("T023",)),
    NO_FINDING: ("No finding", ("T033",)),
}
IMAGES = {
    "i1": [PNEUMONIA, CARDIO, LUNG, NO_FINDING],
    "i2": [PNEUMONIA, CARDIO, LUNG],
    "i3": [PNEUMONIA, CARDIO, LUNG],
    "i4": [PNEUMONIA, CARDIO, OPACITY],
    "i5": [PNEUMONIA, CARDIO, CONSOLIDATION],
    "i6": [EFFUSION, CARDIO],
    "i7": [EFFUSION, OPACITY],
}
RELATIONS = [  # (type, source, target, reports stating it)
    (ReportRelation.SUGGESTIVE_OF, OPACITY, PNEUMONIA, ("r4", "r1")),
    (ReportRelation.SUGGESTIVE_OF, CONSOLIDATION, PNEUMONIA, ("r5",)),
    (ReportRelation.LOCATED_AT, PNEUMONIA, RLL, ("r2", "r3")),
    (ReportRelation.SUGGESTIVE_OF, OPACITY, EFFUSION, ("r7",)),
    (ReportRelation.LOCATED_AT, EFFUSION, BASE, ("r6",)),
]


def evidence_graph() -> KnowledgeGraph:
    relations = [(kind, src, tgt, reports, "impression") for kind, src, tgt, reports in RELATIONS]
    return graph_of(CONCEPTS, IMAGES, relations, suffix=lambda image: image[1:])


@pytest.fixture()
def graph() -> KnowledgeGraph:
    return evidence_graph()


def test_evidence_and_location_outrank_cooccurrence(graph):
    facts = Retriever(graph).retrieve(concepts=["Pneumonia"], k=4, sentences=False)
    # evidence and location by their share of the diagnosis's support in their kind (the one
    # location has all of it), co-occurrence after them although it has the most reports
    assert [f.text() for f in facts] == [
        "Pneumonia located at Right lower lobe (2 reports)",
        "Pneumonia suggested by Pulmonary opacity (2 reports)",
        "Pneumonia suggested by Consolidation (1 report)",
        "Pneumonia co-occurs with Cardiomegaly (5 reports)",
    ]
    # the ranking components stay on each fact
    second = dict(facts[1].components)
    assert (second["kind"], second["support"], round(second["share"], 3)) == (0.0, 2.0, 0.667)
    assert dict(facts[3].components)["kind"] == 3.0
    # the frozen baseline ranks by co-occurrence alone
    base = Retriever(graph, weights=RankingWeights.cooccurrence()).retrieve(concepts=["Pneumonia"], k=1)
    assert base[0].text() == "Pneumonia co-occurs with Cardiomegaly (5 reports)"


def test_anatomy_only_as_location_and_no_finding_never(graph):
    facts = Retriever(graph).retrieve(concepts=["Pneumonia"], k=20, sentences=False)
    relations = {f.tail: f.relation for f in facts}
    assert relations[RLL] == "LOCATED_AT"
    assert LUNG not in relations and NO_FINDING not in relations
    assert set(relations) == {OPACITY, RLL, CONSOLIDATION, CARDIO}


def test_several_diagnoses_share_the_slots(graph):
    facts = Retriever(graph).retrieve(concepts=["Pneumonia", "Pleural effusion"], k=2, sentences=False)
    assert [(f.head, f.relation, f.tail) for f in facts] == [
        (EFFUSION, "SUGGESTED_BY", OPACITY),
        (PNEUMONIA, "LOCATED_AT", RLL),
    ]
    four = Retriever(graph).retrieve(concepts=["Pneumonia", "Pleural effusion"], k=4, sentences=False)
    assert [f.head for f in four].count(EFFUSION) == 2  # each diagnosis gets its turn


def test_template_sentences_and_kg_llava_prompt(graph):
    facts = Retriever(graph).retrieve(concepts=["Pneumonia", "Pleural effusion"], k=4, sentences=False)
    out = explain(facts)
    # grouped by diagnosis, each sentence citing its fact's number in the prompt
    assert out.text == (
        "Pulmonary opacity is described as suggestive of pleural effusion in 1 report [1]. "
        "Pleural effusion is described at the lung base in 1 report [3]. "
        "Pneumonia is described at the right lower lobe in 2 reports [2]. "
        "Pulmonary opacity is described as suggestive of pneumonia in 2 reports [4]."
    )
    assert build_prompt(facts, "Which signs show that the patient has pneumonia?", style="kg-llava") == (
        "The image-specific triplets from the knowledge graph are: "
        "pulmonary opacity suggestive_of pleural effusion; pneumonia located_at right lower lobe; "
        "pleural effusion located_at lung base; pulmonary opacity suggestive_of pneumonia.\n"
        "Which signs show that the patient has pneumonia?"
    )
    citations = build_prompt(facts, "Why?", style="citations").splitlines()
    assert citations[1] == "[1] Pleural effusion suggested by Pulmonary opacity (1 report); reports r7."
    assert citations[4] == "[4] Pneumonia suggested by Pulmonary opacity (2 reports); reports r1, r4."


@pytest.fixture(scope="module")
def extractor():
    from medkg.extract import default_extractor

    return default_extractor()


def test_factuality_checker_accepts_the_template(graph, extractor):
    facts = Retriever(graph).retrieve(concepts=["Pneumonia", "Pleural effusion"], k=4, sentences=False)
    text = explain(facts).text
    report = check_facts(text, graph, "i6", extractor=extractor)  # i6: effusion, no pneumonia
    assert report.statements and not report.contradicted
    assert {s.reason for s in report.statements} == {"states the knowledge graph's support, not the case"}
    # a claim about the case in the same text is still checked
    claim = check_facts(text + " There is no pleural effusion.", graph, "i6", extractor=extractor)
    assert [(s.name, s.verdict) for s in claim.contradicted] == [("Pleural Effusion", "contradicted")]


GOLD = [
    EvidenceCase("g1", (EvidenceItem("Pneumonia", ("consolidation",), ("right lower lobe",)),)),
    EvidenceCase("g2", (EvidenceItem("Pneumonia", ("opacity", "other:nothing known"), ("bilateral",)),)),
    EvidenceCase("g3", ()),
]


def test_evidence_recall_on_the_hand_made_graph(graph, extractor):
    from medkg.evaluation.evidence_gold import EvidenceMatcher

    report = evaluate_evidence(graph, GOLD, k=3, matcher=EvidenceMatcher(extractor.ontology, extractor))
    s = report.summary()
    # 3 evidence pairs: consolidation and opacity recalled, "nothing known" maps to no concept
    assert (s["evidence_recall@3"], s["evidence_pairs"], s["evidence_unmapped"]) == (0.667, 3, 1)
    assert (s["location_recall@3"], s["location_pairs"], s["locations_without_anatomy"]) == (1.0, 1, 1)
    assert s["uninformative_share"] == 0.0
    # co-occurrence: Cardiomegaly, Lung (bare anatomy) and the rest; opacity and consolidation
    # are seen with pneumonia on one image each, so they are in its top 3 only by id order
    assert s["baseline_location_recall@3"] == 0.0
    assert s["baseline_uninformative_share"] > 0
    assert (s["cases"], s["scored_cases"]) == (3, 2)


def test_eval_evidence_command_ends_with_json(graph, tmp_path):
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(tmp_path / "store", read_only=False) as store:
        store.write(graph)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "uid": "g1",
                "items": [
                    {
                        "diagnosis": "Pneumonia",
                        "evidence": ["opacity"],
                        "location": ["right lower lobe"],
                        "sentence": "x",
                    }
                ],
            }
        )
        + "\n"
    )
    result = CliRunner().invoke(
        app, ["eval", "evidence", "--store", str(tmp_path / "store"), "--gold", str(gold), "--k", "2"]
    )
    assert result.exit_code == 0, result.output
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert (last["evidence_recall@2"], last["location_recall@2"], last["uninformative_share"]) == (
        1.0,
        1.0,
        0.0,
    )
    for key in ("baseline_evidence_recall@2", "baseline_location_recall@2", "baseline_uninformative_share"):
        assert key in last
    assert "per diagnosis" not in result.stdout and "Pneumonia" in result.stdout


def test_bad_gold_line_names_file_and_line(tmp_path):
    from medkg.errors import ParseError
    from medkg.evaluation.evidence_gold import read_evidence_gold

    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"uid": "a", "items": []}\n{"uid": "b", "items": [{"diagnosis": "Flu"}]}\n')
    with pytest.raises(ParseError, match=r"gold.jsonl:2, record 'b': unknown diagnosis 'Flu'"):
        read_evidence_gold(gold)
