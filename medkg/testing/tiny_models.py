"""Tiny random Hugging Face models built from a config: test support, not public API.

They produce meaningless text, fast: a one-layer Llama (text) and a one-layer LLaVA (CLIP vision
tower + Llama) with a word-level tokenizer trained on a few sentences and a plain chat template
(``role: content`` lines, then ``assistant:``). Nothing is downloaded. Needs ``medkg[ml]``.

Examples
--------
>>> import pytest; _ = pytest.importorskip("transformers")  # skipped without medkg[ml]
>>> import tempfile
>>> from medkg.rag.facts import Fact
>>> from medkg.rag.generators import HuggingFaceGenerator
>>> folder = tempfile.TemporaryDirectory()
>>> path = build_tiny_text_model(f"{folder.name}/tiny-llama")
>>> (path / "config.json").is_file()
True
>>> facts = [Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion")]
>>> out = HuggingFaceGenerator(path, max_new_tokens=5).generate(facts, "Why?")
>>> isinstance(out.text, str), out.metadata["new_tokens"] <= 5
(True, True)
>>> folder.cleanup()
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: Sentences the word-level vocabulary is trained on (written for medkg).
SENTENCES = (
    "the heart is enlarged",
    "small left pleural effusion",
    "no pneumothorax is seen",
    "cardiomegaly co-occurs with pleural effusion",
    "opacity suggestive of atelectasis at the right base",
    "facts from the knowledge graph",
    "answer using only these facts and cite each fact you use",
)
SPECIAL = ("<pad>", "<unk>", "<s>", "</s>", "<image>")

#: ``role: content`` per message (image parts as ``<image>``), then ``assistant:``.
CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: "
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}"
    "{% for p in m['content'] %}{% if p['type'] == 'image' %}<image> {% else %}{{ p['text'] }}{% endif %}"
    "{% endfor %}{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


def tiny_tokenizer(sentences: Sequence[str] = SENTENCES, chat_template: str | None = CHAT_TEMPLATE):
    """A word-level ``PreTrainedTokenizerFast`` trained on ``sentences`` (ids 0-4: pad unk s /s image)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(list(sentences), trainers.WordLevelTrainer(special_tokens=list(SPECIAL)))
    tok.decoder = decoders.WordPiece(prefix="##")
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )
    if chat_template is not None:
        fast.chat_template = chat_template
    return fast


def _llama_config(vocab_size: int):
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=2,
        eos_token_id=3,
        pad_token_id=0,
    )


def build_tiny_text_model(
    path: str | Path, *, seed: int = 0, chat_template: str | None = CHAT_TEMPLATE
) -> Path:
    """Save a random one-layer Llama causal LM and its tokenizer to ``path``; returns ``path``."""
    import torch
    from transformers import LlamaForCausalLM

    path = Path(path)
    tokenizer = tiny_tokenizer(chat_template=chat_template)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(_llama_config(len(tokenizer)))
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_tiny_image_text_model(path: str | Path, *, seed: int = 0, image_size: int = 28) -> Path:
    """Save a random one-layer LLaVA (CLIP vision, Llama text) and its processor to ``path``.

    Images are resized to ``image_size`` pixels and cut into 14-pixel patches; the processor
    expands ``<image>`` into one token per patch.
    """
    import torch
    from transformers import CLIPVisionConfig, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor
    from transformers.models.clip import CLIPImageProcessorPil

    path = Path(path)
    tokenizer = tiny_tokenizer()
    images = CLIPImageProcessorPil(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size}
    )
    processor = LlavaProcessor(
        image_processor=images,
        tokenizer=tokenizer,
        patch_size=14,
        vision_feature_select_strategy="default",
        chat_template=CHAT_TEMPLATE,
        image_token="<image>",
        num_additional_image_tokens=1,  # CLIP's class token, dropped by the "default" strategy
    )
    vision = CLIPVisionConfig(
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        image_size=image_size,
        patch_size=14,
        projection_dim=16,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=_llama_config(len(tokenizer)),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-1,
    )
    torch.manual_seed(seed)
    LlavaForConditionalGeneration(config).save_pretrained(path)
    processor.save_pretrained(path)
    return path
