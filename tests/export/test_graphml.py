"""GraphML export of a real built graph, read back with networkx."""

from __future__ import annotations

import networkx as nx

import medkg.export  # noqa: F401  (registers the formats)
from medkg.graph import naf_view
from medkg.graph.export import export


def test_graphml_round_trip(built_kg, tmp_path):
    result = export(built_kg, "graphml", tmp_path / "kg.graphml")
    assert (result.format, result.rows) == ("graphml", 25 + 28)
    g = nx.read_graphml(tmp_path / "kg.graphml", force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == (25, 28)
    kg = naf_view(built_kg)
    assert g.number_of_edges() == sum(1 for _ in kg.edges())
    concept = g.nodes["Concept:C0032227"]
    assert concept["name"] == "Pleural effusion"
    assert concept["codes"] == "HPO:HP:0002202|SNOMEDCT_US:60046008"
    image = g.nodes["Image:I1a"]
    assert (image["view_position"], image["naf_kept"], image["study_id"]) == ("PA", True, "S1")
    assert "patient_id" not in g.nodes["Study:S4"]  # None attributes are left out
    assert g.nodes["Study:S1"]["patient_id"] == "P1"
    edge = g.edges["Image:I1a", "Concept:C0032227", "POSITIVE"]
    assert (edge["type"], edge["support"], edge["naf_kept"]) == ("POSITIVE", 1, True)
    assert edge["evidence"] == "R1/findings/1/69-85"
    isa = g.edges["Concept:C0149781", "Concept:C0032326", "ISA"]
    assert (isa["relas"], isa["sabs"]) == ("isa", "HPO")
    assert not g.has_edge("Image:I2", "Concept:C0032227")  # left out by NaF


def test_graphml_all_edges(built_kg, tmp_path):
    export(built_kg, "graphml", tmp_path / "all.graphml", naf_only=False)
    g = nx.read_graphml(tmp_path / "all.graphml", force_multigraph=True)
    assert g.number_of_edges() == 33
    assert g.edges["Image:I2", "Concept:C0032227", "NEGATIVE"]["naf_kept"] is False
