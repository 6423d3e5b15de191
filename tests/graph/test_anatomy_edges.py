"""Image→Concept edges only for mentions that state a finding (``anatomy_edges``), and typed
errors for report text no store can hold. Concepts are the shipped seed ontology's."""

from __future__ import annotations

import pytest

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import ConfigError, GraphError
from medkg.extract.types import (
    Assertion,
    Mention,
    MentionRelation,
    ReportExtraction,
    Section,
    SectionSpan,
    SentenceSpan,
)
from medkg.graph import GraphOptions, build_graph
from medkg.ontology import load

LUNG, MEDIASTINUM, GRANULOMA = "MKG:D008168", "MKG:D008482", "MKG:D006099"
RUL, HILUM = "MKG:right_upper_lobe", "MKG:pulmonary_hilum"

TEXT = "FINDINGS: Low lung volumes. Granuloma in the right upper lobe. Mediastinum normal. Bulky hilum."
#          (phrase, cui, tuis, method)
MENTIONS = [
    ("Low lung volumes", LUNG, ("T023",), "qualifier"),  # anatomy made a finding by its qualifier
    ("Granuloma", GRANULOMA, ("T046",), "exact"),  # an observation
    ("right upper lobe", RUL, ("T023",), "exact"),  # bare anatomy: only where the granuloma is
    ("Mediastinum", MEDIASTINUM, ("T030",), "exact"),  # bare anatomy: no edge
    ("hilum", HILUM, ("T029",), "exact"),  # anatomy targeted by a modify relation
]


class OneReport:
    """Returns a hand-made extraction of :data:`TEXT` (mention offsets found in the text)."""

    def extract(self, report, report_id: str = "") -> ReportExtraction:
        text = report if isinstance(report, str) else TEXT
        ends = [i + 1 for i, ch in enumerate(text) if ch == "."]
        starts = [len("FINDINGS: "), *(e + 1 for e in ends[:-1])]
        spans = enumerate(zip(starts, ends, strict=True))
        sentences = tuple(SentenceSpan(i, s, e, Section.FINDINGS) for i, (s, e) in spans)
        mentions = []
        for phrase, cui, tuis, method in MENTIONS:
            start = text.index(phrase)
            sent = next(s.index for s in sentences if s.start <= start < s.end)
            mentions.append(
                Mention(cui, phrase, phrase, start, start + len(phrase), Section.FINDINGS, sent,
                        Assertion.PRESENT, semantic_types=tuis, method=method)
            )  # fmt: skip
        relations = (MentionRelation("located_at", 1, 2), MentionRelation("modify", 3, 4))
        sections = (SectionSpan(Section.FINDINGS, "FINDINGS:", len("FINDINGS: "), len(text)),)
        return ReportExtraction(report_id, text, sections, sentences, tuple(mentions), relations)


@pytest.fixture(scope="module")
def seed():
    return load()


def _record(rid: str = "A1", text: str = TEXT) -> ReportRecord:
    return ReportRecord(rid, "S1", {"findings": text}, "P1", (ImageRecord("I1", "S1", None, "PA"),))


def test_only_findings_become_image_edges(seed):
    kg = build_graph([_record()], OneReport(), seed, GraphOptions(ontology_scope="mentioned"))
    assert sorted(kg.findings) == [("POSITIVE", "I1", c) for c in sorted((LUNG, GRANULOMA, HILUM))]
    # the bare location stays a concept, as the end of the granuloma's LOCATED_AT
    assert list(kg.relations) == [("LOCATED_AT", GRANULOMA, RUL)]
    assert sorted(kg.concepts) == sorted((LUNG, GRANULOMA, HILUM, RUL))
    assert kg.concepts[RUL].name == "Right upper lobe"
    located = kg.relations[("LOCATED_AT", GRANULOMA, RUL)]
    assert located.evidence[0].text == "Granuloma in the right upper lobe."


def test_all_mentions_option_keeps_bare_anatomy(seed):
    opts = GraphOptions(ontology_scope="mentioned", anatomy_edges="all")
    kg = build_graph([_record()], OneReport(), seed, opts)
    assert sorted(c for (_t, _i, c) in kg.findings) == sorted((LUNG, GRANULOMA, RUL, MEDIASTINUM, HILUM))
    assert GraphOptions.from_json(opts.to_json()).anatomy_edges == "all"


def test_anatomy_edges_option_is_validated_and_old_json_means_all():
    with pytest.raises(ConfigError, match="anatomy_edges"):
        GraphOptions(anatomy_edges="some")  # type: ignore[arg-type]
    old = GraphOptions().to_json().replace(', "anatomy_edges": "findings"', "").replace(
        '"anatomy_edges": "findings", ', ""
    )
    assert "anatomy_edges" not in old
    assert GraphOptions.from_json(old).anatomy_edges == "all"  # stored before the option existed


def test_lone_surrogate_is_rejected_before_the_graph_changes(seed):
    good, bad = _record("A1"), ReportRecord(
        "A2", "S2", {"findings": "x"}, "P2", (ImageRecord("I2", "S2", None, "PA"),), source="r.csv:3"
    )

    class Surrogate(OneReport):
        def extract(self, report, report_id=""):
            ext = super().extract(TEXT, report_id)
            if report_id != "A2":
                return ext
            return ReportExtraction(report_id, ext.text[:-1] + "\udcff", ext.sections, ext.sentences)

    with pytest.raises(GraphError, match="not valid Unicode") as err:
        build_graph([good, bad], Surrogate(), seed)
    assert (err.value.record, err.value.path) == ("A2", "r.csv:3")
    assert "lone surrogate" in err.value.hint
    from medkg.graph.build import add_reports

    kg = build_graph([good], Surrogate(), seed)
    before = (dict(kg.patients), dict(kg.studies), dict(kg.images))
    with pytest.raises(GraphError):
        add_reports(kg, [bad], Surrogate(), seed)
    assert (dict(kg.patients), dict(kg.studies), dict(kg.images)) == before  # nothing half-added
