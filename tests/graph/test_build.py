from __future__ import annotations

import hashlib

import pytest

from medkg.errors import ConfigError, GraphError
from medkg.graph import GraphOptions, add_reports, build_graph, checksum, naf
from medkg.graph.model import Evidence


def test_default_build_counts_and_edges(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    assert kg.counts() == {
        "Patient": 2,
        "Study": 4,
        "Report": 4,
        "Image": 6,
        "Concept": 7 + 2,  # 7 from reports + lung disease, respiratory failure (1-hop DO parents)
        "HAS_IMAGE": 6,
        "HAS_REPORT": 4,
        "HAS_STUDY": 3,
        "ISA": 4,
        "NEGATIVE": 3,
        "POSITIVE": 9,
        "SUGGESTIVE_OF": 1,
        "UNCERTAIN": 3,
    }
    # R1's 5 image-section mentions reach both its images; the INDICATION mention does not.
    assert sorted(t for (t, img, _c) in kg.findings if img == "I1b") == [
        "NEGATIVE", "POSITIVE", "POSITIVE", "POSITIVE", "UNCERTAIN"
    ]  # fmt: skip
    assert ("UNCERTAIN", "I1a", C.PNEUMONIA) in kg.findings
    assert kg.ontology[("ISA", C.SPONT_PTX, C.PNEUMOTHORAX)].relas == ("isa",)
    assert kg.relations[("SUGGESTIVE_OF", C.ATELECTASIS, C.PNEUMONIA)].support == 1
    assert kg.concepts[C.EFFUSION].name == "Pleural effusion"
    assert kg.concepts[C.EFFUSION].codes[0] == "HPO:HP:0002202"


def test_ontology_scope_neighbours_vs_mentioned(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    assert set(kg.concepts) - {c for (_t, _i, c) in kg.findings} == {C.LUNG_DISEASE, "C0264490"}
    assert kg.concepts["C0264490"].name == "respiratory failure"
    assert sorted(kg.ontology) == [
        ("ISA", C.PNEUMONIA, C.LUNG_DISEASE),
        ("ISA", C.EDEMA, "C0264490"),
        ("ISA", C.SPONT_PTX, C.PNEUMOTHORAX),
        ("ISA", "C0264490", C.LUNG_DISEASE),  # an edge between two neighbours
    ]
    narrow = build_graph(records, extractor, ontology, GraphOptions(ontology_scope="mentioned"))
    assert len(narrow.concepts) == 7 and sorted(narrow.ontology) == [("ISA", C.SPONT_PTX, C.PNEUMOTHORAX)]


def test_neighbourhood_is_one_hop_after_incremental_adds(records, extractor, ontology, C):
    kg = build_graph(records[:1], extractor, ontology)
    add_reports(kg, records[1:], extractor, ontology)
    add_reports(kg, records, extractor, ontology)  # nothing new: no second hop either
    assert checksum(kg) == checksum(build_graph(records, extractor, ontology))


def test_provenance_fields(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    edge = kg.findings[("POSITIVE", "I1a", C.EFFUSION)]
    sentence = "There is a small right pleural effusion."
    text = extractor.extract(None, "R1").text
    start = text.index("pleural effusion")
    assert edge.evidence == (
        Evidence(
            "R1", "findings", 1, start, start + 16, hashlib.sha256(sentence.encode()).hexdigest(),
            sentence, "right", "small",
        ),
    )  # fmt: skip
    assert edge.support == 1
    assert kg.reports["R1"].text == text


def test_store_text_false_keeps_hashes_only(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology, GraphOptions(store_text=False))
    assert all(r.text is None for r in kg.reports.values())
    assert all(e.text is None for edge in kg.findings.values() for e in edge.evidence)
    assert all(e.text is None for edge in kg.relations.values() for e in edge.evidence)
    sha = hashlib.sha256(b"There is a small right pleural effusion.").hexdigest()
    assert kg.findings[("POSITIVE", "I1a", C.EFFUSION)].evidence[0].sentence_sha256 == sha


def test_medmkg_options_one_frontal_and_no_neutral(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology, GraphOptions.medmkg())
    assert {img for (_t, img, _c) in kg.findings} == {"I1a", "I2", "I3"}  # I4's only mention is historical
    assert len(kg.images) == 6  # every image stays a node with its HAS_IMAGE edge
    assert C.SPONT_PTX not in kg.concepts


def test_sections_and_views_options(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology, GraphOptions(sections=frozenset({"findings"})))
    assert {c for (_t, _i, c) in kg.findings} == {C.EFFUSION, C.PNEUMOTHORAX, C.SPONT_PTX}
    kg = build_graph(records, extractor, ontology, GraphOptions(views=frozenset({"lateral"})))
    assert {img for (_t, img, _c) in kg.findings} == {"I1b", "I4L"}
    with pytest.raises(ConfigError):
        GraphOptions(sections=frozenset({"footer"}))


def test_ancestor_scope_adds_isa_parents(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology, GraphOptions(ontology_scope="ancestors"))
    assert ("ISA", C.PNEUMONIA, C.LUNG_DISEASE) in kg.ontology
    assert kg.concepts[C.LUNG_DISEASE].name == "lung disease"


def test_same_input_twice_is_identical(records, extractor, ontology, C):
    a = build_graph(records, extractor, ontology)
    b = build_graph(list(reversed(records)), extractor, ontology)
    assert checksum(a) == checksum(b)
    before = checksum(a)
    summary = add_reports(a, records, extractor, ontology)
    assert summary.reports_added == 0 and summary.reports_skipped == 4
    assert checksum(a) == before


def test_incremental_add_equals_full_build_and_recomputes_naf(records, extractor, ontology, C):
    full = build_graph(records, extractor, ontology)
    naf(full)
    part = build_graph(records[:2], extractor, ontology)
    naf(part)
    summary = add_reports(part, records[2:], extractor, ontology)
    assert (summary.reports_added, summary.images_added, summary.finding_edges_added) == (2, 3, 4)
    assert checksum(part) == checksum(full)
    assert sum(e.naf_kept for e in part.findings.values()) == 14


def test_duplicate_report_id_with_other_text_is_an_error(extractor, ontology, C):
    r1 = C.make_record("R1")
    clash = type(r1)("R1", "S1", {"findings": "Different text."}, images=r1.images, source="other.csv:7")

    class Other(type(extractor)):
        def extract(self, report, report_id=""):
            ext = super().extract(report, report_id)
            return ext if report.get("findings") != "Different text." else type(ext)("R1", "Different text.")

    with pytest.raises(GraphError, match="other.csv:7"):
        build_graph([r1, clash], Other(), ontology)


def test_to_networkx(records, extractor, ontology, C):
    g = build_graph(records, extractor, ontology).to_networkx()
    assert g.number_of_nodes() == 2 + 4 + 4 + 6 + 9
    assert g.number_of_edges() == 6 + 4 + 3 + 4 + 3 + 9 + 1 + 3
    assert g.edges["Image:I3", f"Concept:{C.EDEMA}", "POSITIVE"]["support"] == 1
    assert g.nodes[f"Concept:{C.CARDIOMEGALY}"]["label"] == "Concept"


def test_validate_names_the_dangling_edge(records, extractor, ontology):
    from medkg.graph.model import Finding, FindingEdge, Structure, StructureEdge

    kg = build_graph(records, extractor, ontology)
    kg.validate()  # a built graph has no dangling edge
    assert kg.counts()["POSITIVE"] == sum(1 for k in kg.findings if k[0] == "POSITIVE")
    image = next(iter(kg.images))
    kg.add_edge(FindingEdge(Finding.NEGATIVE, image, "C9999999", ()))
    with pytest.raises(GraphError, match="NEGATIVE edge points to missing Concept node") as err:
        kg.validate()
    assert "C9999999" in str(err.value)
    del kg.findings[("NEGATIVE", image, "C9999999")]
    kg.add_edge(StructureEdge(Structure.HAS_REPORT, "no-such-study", next(iter(kg.reports))))
    with pytest.raises(GraphError, match="HAS_REPORT edge points to missing Study node") as err:
        kg.validate()
    assert "no-such-study" in str(err.value)
