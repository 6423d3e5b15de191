"""What notebooks show: pictures of facts and subgraphs, HTML of facts, generations, factuality reports."""

from __future__ import annotations

from medkg.rag.facts import Fact, Facts, Provenance
from medkg.rag.factuality import FactualityReport, Statement
from medkg.rag.generators import TemplateGenerator
from medkg.rag.picture import Picture, SubgraphView, draw_facts, evidence_subgraph, facts_graph

FACTS = Facts(
    [
        Fact("C0018800", "Cardiomegaly", "SUGGESTIVE_OF", "C0004144", "Atelectasis", score=1.0,
             provenance=Provenance(("ri3",), 1, images=("i3",))),
        Fact("C0018800", "Cardiomegaly", "CO_OCCURS_WITH", "C0032227", "Pleural effusion", score=0.5,
             provenance=Provenance(("ri1", "ri2"), 2, images=("i1", "i2"))),
    ]
)  # fmt: skip


def test_facts_graph_structure():
    g = facts_graph(FACTS)
    assert sorted(g.nodes) == sorted(
        [("q", "C0018800"), ("c", "C0004144"), ("c", "C0032227"), ("i", "i1"), ("i", "i2"), ("i", "i3")]
    )
    edges = {(u[1], v[1]): d for u, v, d in g.edges(data=True)}
    assert edges[("C0018800", "C0004144")]["label"] == "suggestive of [1]"
    assert edges[("C0018800", "C0032227")]["label"] == "co-occurs with [2]"
    assert edges[("C0018800", "C0004144")]["width"] == 4.0  # top score
    assert edges[("C0018800", "C0032227")]["width"] == 2.5
    assert set(edges) >= {("i1", "C0032227"), ("i2", "C0032227"), ("i3", "C0004144")}
    assert len(facts_graph(FACTS, images=False)) == 3


def test_draw_facts_png(tmp_path):
    picture = draw_facts(FACTS, title="case", path=tmp_path / "facts.png")
    assert picture.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (tmp_path / "facts.png").read_bytes() == picture.png
    assert picture._repr_png_() is picture.png
    assert repr(picture) == f"Picture('case', {len(picture.png)} bytes PNG)"
    assert picture.html().startswith("<img alt='case' src='data:image/png;base64,iVBORw0KGgo")
    assert draw_facts([]).png.startswith(b"\x89PNG")


def test_evidence_subgraph_and_view(ladybug_store):
    sub = evidence_subgraph(ladybug_store, FACTS[1:], relations=["POSITIVE"])
    assert sorted(sub.images) == ["i1", "i2"]
    assert sorted((e.source, e.target) for e in sub.findings.values()) == [
        ("i1", "C0018800"), ("i1", "C0032227"), ("i2", "C0018800"), ("i2", "C0032227"),
    ]  # fmt: skip
    view = SubgraphView(sub, highlight=["C0032227"])
    html = view._repr_html_()
    assert html.startswith("<img alt=") and "<caption>4 edges</caption>" in html
    assert repr(view) == "SubgraphView(2 concepts, 4 edges)"
    assert isinstance(view.picture(), Picture)


def test_facts_and_generation_html():
    html = FACTS._repr_html_()
    assert html.count("<tr>") == 3  # header and two facts
    assert "<td>ri1, ri2</td>" in html and "<td>SUGGESTIVE_OF</td>" in html
    gen = TemplateGenerator().generate(FACTS)
    assert gen._repr_html_().startswith(
        "<p>Cardiomegaly is described as suggestive of atelectasis in 1 report [1]."
    )


def test_factuality_html():
    report = FactualityReport(
        (
            Statement("No effusion.", "C0032227", "Pleural effusion", "absent", None, "contradicted", "x"),
            Statement("Big heart.", "C0018800", "Cardiomegaly", "present", None, "supported", "y"),
        )
    )
    html = report._repr_html_()
    assert "<caption>score 0.50 (1/2 checked statements supported)</caption>" in html
    assert "background:#f8d0d0'>contradicted" in html and "background:#d9f2d9'>supported" in html
