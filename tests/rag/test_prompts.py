from __future__ import annotations

from dataclasses import replace

from medkg.rag import build_prompt, explain
from medkg.rag.facts import Fact, Provenance, natural_key
from medkg.rag.generators.template import fact_sentence
from medkg.rag.prompts import fact_line

FACTS = [
    Fact(
        "C0018800",
        "Cardiomegaly",
        "CO_OCCURS_WITH",
        "C0032227",
        "Pleural effusion",
        provenance=Provenance(("r1", "r2"), count=2),
    ),
    Fact(
        "C0018800", "Cardiomegaly", "SUGGESTIVE_OF", "C0004144", "Atelectasis", provenance=Provenance(count=1)
    ),
]


def test_kg_llava_form():
    assert build_prompt(FACTS, "Describe the image.", style="kg-llava") == (
        "The image-specific triplets from the knowledge graph are: "
        "cardiomegaly co_occurs_with pleural effusion; "
        "cardiomegaly suggestive_of atelectasis.\nDescribe the image."
    )


def test_citation_form_and_messages():
    text = build_prompt(FACTS, "Why?", style="citations")
    assert text.splitlines() == [
        "Facts from the knowledge graph:",
        "[1] Cardiomegaly co-occurs with Pleural effusion (2 reports); reports r1, r2.",
        "[2] Cardiomegaly suggestive of Atelectasis (1 report).",
        "Answer using only these facts and cite each fact you use as [n].",
        "Question: Why?",
    ]
    messages = build_prompt(FACTS, "Why?", output="messages", image=True)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[1]["content"][0] == {"type": "image"}
    assert messages[1]["content"][1]["text"] == text


def test_template_explanation_cites_every_sentence():
    out = explain(FACTS, question="Why?")
    assert out.text == (
        "Cardiomegaly is reported together with pleural effusion in 2 reports [1]. "
        "Cardiomegaly is described as suggestive of atelectasis in 1 report [2]."
    )
    assert out.prompt.startswith("Facts from the knowledge graph:")


def test_singular_and_plural_support():
    one = Fact("C1", "Opacity", "LOCATED_AT", "C2", "Lung base", provenance=Provenance(("r7",), count=1))
    two = replace(one, provenance=Provenance(("r7", "r9"), count=2))
    assert one.text() == "Opacity located at Lung base (1 report)"
    assert two.text() == "Opacity located at Lung base (2 reports)"
    assert fact_sentence(one, 1) == "Opacity is described at the lung base in 1 report [1]."
    assert fact_sentence(two, 2) == "Opacity is described at the lung base in 2 reports [2]."
    image = Fact(
        "query image",
        "query image",
        "POSITIVE",
        "C2",
        "Atelectasis",
        provenance=Provenance(("ri5",), count=1, images=("i5",)),
    )
    assert image.text() == "query image shows Atelectasis (1 image)"
    assert fact_sentence(image, 1) == "Similar images show atelectasis (1 of the nearest images) [1]."
    assert fact_line(image) == "query image shows Atelectasis (1 image); images i5 (reports ri5)."


def test_listed_reports_agree_with_the_count():
    p = Provenance.of_reports(["1230", "647", "374", "1501", "808", "715", "1819", "374"], limit=5)
    assert p.report_ids == ("374", "647", "715", "808", "1230")  # natural order, 7 distinct
    assert (p.count, p.more) == (7, 2)
    fact = Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion", provenance=p)
    assert fact_line(fact) == (
        "Cardiomegaly co-occurs with Pleural effusion (7 reports); "
        "reports 374, 647, 715, 808, 1230 and 2 more."
    )
    assert sorted(["r10", "r9", "CXR100", "CXR20"], key=natural_key) == ["CXR20", "CXR100", "r9", "r10"]
