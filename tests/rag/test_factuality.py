from __future__ import annotations

import pytest

from medkg.rag import check_facts
from medkg.rag.factuality import Reference, reference_from_graph
from medkg.rag.factuality_eval import flip_sides


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
