"""RDF exports of a real built graph: counts, facts, provenance, IRIs and round trips."""

from __future__ import annotations

from dataclasses import replace

import pytest
import rdflib
from rdflib.compare import isomorphic

import medkg.export  # noqa: F401  (registers the formats; medkg/__init__.py also names it for the registry)
from medkg.export import concept_iri, kg_from_rdf, node_iri, to_rdflib, write_ntriples, write_turtle
from medkg.export.rdf_terms import VOCAB
from medkg.graph import ConceptNode, naf_view
from medkg.graph.export import export

MKG = rdflib.Namespace(VOCAB)
UMLS = rdflib.Namespace("https://uts.nlm.nih.gov/uts/umls/concept/")
IMG = rdflib.Namespace("https://w3id.org/medkg/image/")


def _normalised(kg):
    """The graph with multi-valued concept fields sorted (RDF keeps no order)."""
    concepts = {
        k: replace(c, codes=tuple(sorted(c.codes)), semantic_types=tuple(sorted(c.semantic_types)))
        for k, c in kg.concepts.items()
    }
    return replace(kg, concepts=concepts)


@pytest.mark.parametrize(("fmt", "suffix"), [("nt", "nt"), ("rdf-ttl", "ttl"), ("jsonld", "jsonld")])
def test_export_counts_and_facts(built_kg, tmp_path, fmt, suffix):
    path = tmp_path / f"kg.{suffix}"
    result = export(built_kg, fmt, path)
    assert (result.format, result.rows) == (fmt, 310)
    g = rdflib.Graph().parse(path, format={"nt": "nt", "ttl": "turtle", "jsonld": "json-ld"}[suffix])
    assert len(g) == 310
    assert (IMG.I1a, MKG.POSITIVE, UMLS.C0032227) in g
    assert (IMG.I1a, MKG.NEGATIVE, UMLS.C0032326) in g
    assert (UMLS.C0149781, MKG.ISA, UMLS.C0032326) in g
    assert (UMLS.C0004144, MKG.SUGGESTIVE_OF, UMLS.C0032285) in g
    # NaF view: I2's finding was left out; the node stays, marked
    assert (IMG.I2, MKG.NEGATIVE, UMLS.C0032227) not in g
    assert (IMG.I2, MKG.nafKept, rdflib.Literal(False)) in g
    assert len(list(g.subject_objects(MKG.POSITIVE))) == 6


def test_all_edges_export_keeps_naf_left_out_edges(built_kg, tmp_path):
    result = export(built_kg, "nt", tmp_path / "all.nt", naf_only=False)
    assert result.rows == 383
    g = rdflib.Graph().parse(tmp_path / "all.nt", format="nt")
    assert (IMG.I2, MKG.NEGATIVE, UMLS.C0032227) in g
    stmt = rdflib.URIRef("https://w3id.org/medkg/statement/NEGATIVE/I2/C0032227")
    assert (stmt, MKG.nafKept, rdflib.Literal(False)) in g


def test_provenance_by_reification(built_kg):
    g = to_rdflib(naf_view(built_kg))
    stmts = list(g.subjects(rdflib.RDF.object, UMLS.C0032227))
    stmt = next(s for s in stmts if (s, rdflib.RDF.subject, IMG.I1a) in g)
    assert (stmt, rdflib.RDF.type, rdflib.RDF.Statement) in g
    assert (stmt, rdflib.RDF.predicate, MKG.POSITIVE) in g
    assert (stmt, MKG.support, rdflib.Literal(1)) in g
    (ev,) = g.objects(stmt, MKG.evidence)
    assert str(ev) == "https://w3id.org/medkg/evidence/R1/findings/1/69-85"
    assert (ev, MKG.report, rdflib.URIRef("https://w3id.org/medkg/report/R1")) in g
    assert (ev, MKG.start, rdflib.Literal(69)) in g
    assert (ev, MKG.end, rdflib.Literal(85)) in g
    assert (ev, MKG.laterality, rdflib.Literal("right")) in g
    assert (ev, MKG.severity, rdflib.Literal("small")) in g
    assert str(g.value(ev, MKG.text)) == "There is a small right pleural effusion."
    # the ontology edge keeps its source relation names on its statement
    isa = rdflib.URIRef("https://w3id.org/medkg/statement/ISA/C0149781/C0032326")
    assert (isa, MKG.sab, rdflib.Literal("HPO")) in g
    assert (isa, MKG.rela, rdflib.Literal("isa")) in g


def test_iris():
    assert concept_iri("C0032227") == "https://uts.nlm.nih.gov/uts/umls/concept/C0032227"
    assert concept_iri("local/1 x") == "https://w3id.org/medkg/concept/local%2F1%20x"
    assert node_iri("Image", "1_IM-0001-4001") == "https://w3id.org/medkg/image/1_IM-0001-4001"
    assert node_iri("Concept", "C0018800") == "https://uts.nlm.nih.gov/uts/umls/concept/C0018800"


@pytest.mark.parametrize("suffix", ["nt", "ttl", "jsonld"])
def test_round_trip_to_knowledge_graph(built_kg, tmp_path, suffix):
    fmt = {"nt": "nt", "ttl": "rdf-ttl", "jsonld": "jsonld"}[suffix]
    kg = naf_view(built_kg)
    export(built_kg, fmt, tmp_path / f"kg.{suffix}")
    back = kg_from_rdf(tmp_path / f"kg.{suffix}")
    assert back.counts() == kg.counts()
    expected = _normalised(kg)
    for part in (
        "patients",
        "studies",
        "reports",
        "images",
        "concepts",
        "structure",
        "findings",
        "relations",
        "ontology",
    ):
        assert getattr(back, part) == getattr(expected, part), part


def test_round_trip_semantic_types_and_awkward_text(built_kg, tmp_path):
    kg = naf_view(built_kg)
    effusion = kg.concepts["C0032227"]
    concepts = dict(kg.concepts)
    concepts["C0032227"] = ConceptNode(
        effusion.cui, effusion.name, ("T047",), ("Disease or Syndrome",), effusion.codes
    )
    reports = dict(kg.reports)
    reports["R2"] = replace(kg.reports["R2"], text='Quote " backslash \\ tab\t and\r\nnewline é')
    kg = replace(kg, concepts=concepts, reports=reports)
    write_ntriples(kg, tmp_path / "kg.nt")
    back = kg_from_rdf(tmp_path / "kg.nt")
    assert back.concepts["C0032227"].semantic_types == ("T047",)
    assert back.concepts["C0032227"].semantic_type_names == ("Disease or Syndrome",)
    assert back.reports["R2"].text == 'Quote " backslash \\ tab\t and\r\nnewline é'
    assert kg_from_rdf(to_rdflib(kg)).reports["R2"] == back.reports["R2"]


def test_turtle_engines_and_ntriples_agree(built_kg, tmp_path):
    kg = naf_view(built_kg)
    assert write_turtle(kg, tmp_path / "ox.ttl", engine="oxigraph") == 310
    assert write_turtle(kg, tmp_path / "rl.ttl", engine="rdflib") == 310
    write_ntriples(kg, tmp_path / "kg.nt")
    assert len((tmp_path / "kg.nt").read_text(encoding="utf-8").splitlines()) == 310
    nt = rdflib.Graph().parse(tmp_path / "kg.nt", format="nt")
    assert isomorphic(nt, rdflib.Graph().parse(tmp_path / "ox.ttl", format="turtle"))
    # rdflib's Turtle writer keeps 7 significant digits of an xsd:double (documented rdflib
    # behaviour), so the fallback engine agrees on every triple but the NaF scores
    rl = rdflib.Graph().parse(tmp_path / "rl.ttl", format="turtle")
    assert len(rl) == 310
    assert {t for t in nt if t[1] != MKG.nafScore} == {t for t in rl if t[1] != MKG.nafScore}
    assert (IMG.I1a, MKG.nafScore, rdflib.Literal("5.493061", datatype=rdflib.XSD.double)) in rl
    assert "@prefix umls: <https://uts.nlm.nih.gov/uts/umls/concept/>" in (tmp_path / "ox.ttl").read_text()
