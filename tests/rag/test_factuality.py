from __future__ import annotations

import pytest

from medkg.evaluation.factuality import flip_sides
from medkg.rag import check_facts
from medkg.rag.factuality import Reference, reference_from_codes, reference_from_graph


@pytest.fixture(scope="module")
def extractor():
    from medkg.extract import default_extractor

    return default_extractor()


def verdicts(report):
    return [(s.cui, s.assertion, s.verdict) for s in report.statements]


def test_codes_reference_closed_world(extractor):
    codes = "Pleural Effusion/right;Cardiomegaly"
    assert verdicts(
        check_facts("Cardiomegaly. Small right pleural effusion.", codes=codes, extractor=extractor)
    ) == [("C0018800", "present", "supported"), ("C0032227", "present", "supported")]
    rep = check_facts("No cardiomegaly.", codes=codes, extractor=extractor)
    assert verdicts(rep) == [("C0018800", "absent", "contradicted")]
    rep = check_facts("Small left pleural effusion.", codes=codes, extractor=extractor)
    assert rep.statements[0].reason == "wrong side: left, the case has right"
    rep = check_facts("There is a pneumothorax. No pneumothorax.", codes=codes, extractor=extractor)
    assert verdicts(rep) == [("C0032326", "present", "contradicted"), ("C0032326", "absent", "supported")]
    assert rep.score == 0.5


def test_open_world_reference_is_unsupported(extractor):
    ref = Reference(present={"C0018800": frozenset()})
    rep = check_facts("Pneumothorax.", reference=ref, extractor=extractor)
    assert verdicts(rep) == [("C0032326", "present", "unsupported")]


def test_graph_reference(kg, ladybug_store, extractor):
    for graph in (kg, ladybug_store):
        ref = reference_from_graph(graph, "i4")
        assert ref.present == {"C0032227": frozenset({"left"}), "C0004144": frozenset()}
        rep = check_facts("Right pleural effusion.", graph, "i4", extractor=extractor)
        assert verdicts(rep) == [("C0032227", "present", "contradicted")]
    assert reference_from_graph(ladybug_store, "si4").present == ref.present  # by study id


def test_flip_sides():
    assert flip_sides("Right basilar opacity; left effusion.") == "Left basilar opacity; right effusion."


def test_codes_vocabulary_open_world_outside_it(extractor):
    codes = "Surgical Instruments/thorax;Cardiomegaly"
    # sternotomy is coded under another head: unknown, not a contradiction
    rep = check_facts("Median sternotomy. There is a pneumothorax.", codes=codes, extractor=extractor)
    assert [(s.name, s.verdict) for s in rep.statements] == [
        ("Sternotomy", "unsupported"),
        ("Pneumothorax", "contradicted"),  # ChestX-ray14 findings are always coded
    ]
    closed = reference_from_codes(codes, extractor.ontology, vocabulary=None)
    rep = check_facts("Median sternotomy.", reference=closed, extractor=extractor)
    assert rep.statements[0].verdict == "contradicted"  # the old closed world over every finding


def test_hypothesis_negated_side_and_no_finding(extractor):
    codes = "Opacity/lung/base/right;Cicatrix/lung/base/right"
    rep = check_facts("Opacity suggestive of pneumonia.", codes=codes, extractor=extractor)
    assert [(s.name, s.assertion, s.verdict) for s in rep.statements] == [
        ("Pulmonary opacity", "present", "supported"),
        ("Pneumonia", "uncertain", "unsupported"),
    ]
    rep = check_facts("No opacity in the left lung.", codes=codes, extractor=extractor)
    assert (rep.statements[0].verdict, rep.statements[0].reason) == (
        "supported",
        "absent on the left, the case has it on the right",
    )
    rep = check_facts("No acute disease.", codes="Spine/degenerative", extractor=extractor)
    assert [(s.name, s.verdict) for s in rep.statements] == [("No finding", "unsupported")]
    # "no acute disease" is said beside chronic findings; only an acute one contradicts it
    rep = check_facts("No acute disease.", codes="Cardiomegaly", extractor=extractor)
    assert [(s.name, s.verdict, s.reason) for s in rep.statements] == [
        ("No finding", "unsupported", "no acute finding: the case's findings are not known to be acute")
    ]
    rep = check_facts("No active disease.", codes="Pneumonia/upper lobe/left", extractor=extractor)
    assert [(s.name, s.verdict, s.reason) for s in rep.statements] == [
        ("No finding", "contradicted", "says no acute finding, the case has an acute one")
    ]
    rep = check_facts("Normal chest.", codes="Cardiomegaly", extractor=extractor)
    assert [(s.name, s.verdict) for s in rep.statements] == [("No finding", "contradicted")]
    rep = check_facts("No acute disease.", codes="normal", extractor=extractor)
    assert [(s.name, s.verdict) for s in rep.statements] == [("No finding", "supported")]
