from __future__ import annotations

from medkg.rag import build_prompt, explain
from medkg.rag.facts import Fact, Provenance

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
        "(Cardiomegaly, co-occurs with, Pleural effusion), "
        "(Cardiomegaly, suggestive of, Atelectasis).\nDescribe the image."
    )


def test_citation_form_and_messages():
    text = build_prompt(FACTS, "Why?", style="citations")
    assert text.splitlines() == [
        "Facts from the knowledge graph:",
        "[1] Cardiomegaly co-occurs with Pleural effusion (2 reports); reports r1, r2.",
        "[2] Cardiomegaly suggestive of Atelectasis (1 reports).",
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
        "Cardiomegaly is often reported together with pleural effusion [1]. "
        "Cardiomegaly is described as suggestive of atelectasis in 1 reports [2]."
    )
    assert out.prompt.startswith("Facts from the knowledge graph:")
