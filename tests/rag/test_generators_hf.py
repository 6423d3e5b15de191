"""HuggingFaceGenerator with tiny random models built from a config (no downloads)."""

from __future__ import annotations

import logging
import os

import pytest

from medkg.errors import ConfigError, InputFileError
from medkg.rag import build_prompt
from medkg.rag.facts import Fact, Provenance
from medkg.rag.prompts import SYSTEM

pytest.importorskip("transformers")
os.environ["HF_HUB_OFFLINE"] = "1"

FACTS = [
    Fact(
        "C0018800",
        "Cardiomegaly",
        "CO_OCCURS_WITH",
        "C0032227",
        "Pleural effusion",
        provenance=Provenance(("r1", "r2"), 2),
    ),
    Fact(
        "C0018800",
        "Cardiomegaly",
        "SUGGESTIVE_OF",
        "C0004144",
        "Atelectasis",
        provenance=Provenance(("r3",), 1),
    ),
]
QUESTION = "What else may be seen?"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from medkg.testing.tiny_models import build_tiny_image_text_model, build_tiny_text_model

    root = tmp_path_factory.mktemp("tiny-models")
    return {
        "text": build_tiny_text_model(root / "text"),
        "plain": build_tiny_text_model(root / "plain", chat_template=None),
        "vision": build_tiny_image_text_model(root / "vision"),
    }


def _expected_chat(body: str, image: bool = False) -> str:
    return f"system: {SYSTEM}\nuser: {'<image> ' if image else ''}{body}\nassistant:"


def test_text_model_is_deterministic_and_uses_chat_template(models):
    from medkg.rag.generators import HuggingFaceGenerator

    gen = HuggingFaceGenerator(models["text"], max_new_tokens=12)
    assert gen.task == "text" and gen.has_chat_template
    first = gen.generate(FACTS, QUESTION)
    again = gen.generate(FACTS, QUESTION)
    reloaded = HuggingFaceGenerator(models["text"], max_new_tokens=12).generate(FACTS, QUESTION)
    assert first.text == again.text == reloaded.text
    assert first.text  # the random model says something
    body = build_prompt(FACTS, QUESTION, style="citations")
    assert first.prompt == _expected_chat(body)
    assert first.metadata["prompt_tokens"] == len(
        gen.tokenizer(first.prompt, add_special_tokens=False)["input_ids"]
    )
    assert first.metadata["new_tokens"] <= 12
    assert first.metadata["finish_reason"] in ("stop", "length")
    assert first.facts == tuple(FACTS) and first.model == "hf:text"


def test_length_limit(models):
    from medkg.rag.generators import HuggingFaceGenerator

    gen = HuggingFaceGenerator(models["text"], max_new_tokens=3)
    out = gen.generate(FACTS, QUESTION)
    assert out.metadata["new_tokens"] <= 3
    assert len(out.text.split()) <= 3  # word-level vocabulary: one word per token
    longer = gen.chat(build_prompt(FACTS, QUESTION, output="messages"), max_new_tokens=6)
    assert longer.new_tokens <= 6 and longer.text.startswith(out.text)  # greedy: a prefix


def test_kg_llava_prompt_style_and_no_system(models):
    from medkg.rag.generators import HuggingFaceGenerator

    gen = HuggingFaceGenerator(models["text"], max_new_tokens=4, style="kg-llava", system=None)
    out = gen.generate(FACTS, QUESTION)
    assert out.prompt == (
        "user: The image-specific triplets from the knowledge graph are: "
        "cardiomegaly co_occurs_with pleural effusion; cardiomegaly suggestive_of atelectasis.\n"
        f"{QUESTION}\nassistant:"
    )


def test_without_chat_template_the_plain_prompt_is_used(models):
    from medkg.rag.generators import HuggingFaceGenerator

    gen = HuggingFaceGenerator(models["plain"], max_new_tokens=5, system=None)
    assert not gen.has_chat_template
    out = gen.generate(FACTS, QUESTION)
    assert out.prompt == build_prompt(FACTS, QUESTION)
    assert out.metadata["chat_template"] is False


def test_image_text_to_text_model(models, shared_dir):
    from medkg.rag.generators import HuggingFaceGenerator

    images = shared_dir / "data" / "images"
    gen = HuggingFaceGenerator(models["vision"], max_new_tokens=7)
    assert gen.task == "image-text-to-text"
    png = gen.generate(FACTS, QUESTION, image=images / "00000001_000.png")
    assert png.text == gen.generate(FACTS, QUESTION, image=images / "00000001_000.png").text
    assert png.prompt == _expected_chat(build_prompt(FACTS, QUESTION), image=True)
    # the processor expands <image> to one token per 14-pixel patch of the 28-pixel input: 4
    text_tokens = len(gen.tokenizer(png.prompt, add_special_tokens=False)["input_ids"])
    assert png.metadata["prompt_tokens"] == text_tokens - 1 + 4
    assert png.metadata["new_tokens"] <= 7
    dicom = gen.generate(FACTS, QUESTION, image=images / "Fake_MONOHR1.dcm")
    assert dicom.metadata["prompt_tokens"] == png.metadata["prompt_tokens"]
    no_image = gen.generate(FACTS, QUESTION)
    assert no_image.prompt == _expected_chat(build_prompt(FACTS, QUESTION))


def test_text_model_refuses_or_ignores_images(models, shared_dir, caplog):
    from medkg.rag.generators import HuggingFaceGenerator

    gen = HuggingFaceGenerator(models["text"], max_new_tokens=4)
    image = shared_dir / "data" / "images" / "00000001_000.png"
    with caplog.at_level(logging.WARNING, logger="medkg.rag.generators.huggingface"):
        out = gen.generate(FACTS, QUESTION, image=image)
    assert out.text == gen.generate(FACTS, QUESTION).text
    assert "text-only: the image is not shown" in caplog.text
    with pytest.raises(ConfigError, match="text-only model and cannot take an image"):
        gen.chat([{"role": "user", "content": "x"}], [image])


def test_missing_model_directory(tmp_path):
    from medkg.rag.generators import HuggingFaceGenerator

    with pytest.raises(InputFileError, match="no config.json"):
        HuggingFaceGenerator(tmp_path / "nowhere")


def test_is_a_generator(models):
    from medkg.rag import Generator
    from medkg.rag.generators import HuggingFaceGenerator

    assert isinstance(HuggingFaceGenerator(models["text"]), Generator)
