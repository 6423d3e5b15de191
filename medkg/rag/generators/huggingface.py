"""A local Hugging Face model as a generator: text-only causal LMs and image-text-to-text models.

The model is read from a local directory written by ``save_pretrained`` (no downloads); torch and
transformers are imported only when a generator is made (``pip install "medkg[ml]"``). Decoding
is greedy (``do_sample=False``, one beam) so the same facts give the same text.

The prompt is built with :func:`~medkg.rag.prompts.build_prompt` as chat messages and rendered
with the tokenizer's (or processor's) chat template when it has one; without a template the
plain-text prompt is used (after the processor's image token for image models).

Examples
--------
>>> gen = HuggingFaceGenerator("models/tiny-llama", max_new_tokens=64)  # needs a model  # doctest: +SKIP
>>> out = gen.generate(facts, "What else may be seen?")                # doctest: +SKIP
>>> out.metadata["new_tokens"] <= 64                                   # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from medkg.errors import ConfigError, InputFileError
from medkg.rag.facts import Fact
from medkg.rag.generators.base import Generation
from medkg.rag.prompts import SYSTEM, build_prompt

log = logging.getLogger(__name__)

Task = Literal["auto", "text", "image-text-to-text"]


@dataclass(frozen=True)
class ChatOutput:
    """One completion: text, prompt as rendered, token counts and why generation stopped."""

    text: str
    prompt: str
    prompt_tokens: int
    new_tokens: int
    finish_reason: str  # "stop" (end-of-sequence token) or "length" (max_new_tokens reached)


def _rgb_image(image: Any):
    """A PIL RGB image from a path, array, ImageData or PIL image."""
    from PIL import Image

    if isinstance(image, Image.Image):
        return image.convert("RGB")
    from medkg.images.encoders import load_pixels

    pixels = np.clip(load_pixels(image), 0.0, 1.0)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    return Image.fromarray((pixels * 255.0 + 0.5).astype(np.uint8)).convert("RGB")


def _model_task(path: Path) -> str:
    """``"image-text-to-text"`` when config.json names an image-text-to-text model type, else ``"text"``."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES

    try:
        model_type = json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type", "")
    except (OSError, ValueError) as exc:
        raise InputFileError(f"unreadable config.json: {exc}", path=path / "config.json") from exc
    return "image-text-to-text" if model_type in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES else "text"


class HuggingFaceGenerator:
    """Explanations from a local Hugging Face model, grounded in a prompt built from the facts.

    Parameters
    ----------
    model_path:
        Directory with ``config.json``, the weights and the tokenizer (text models) or the
        processor (image-text-to-text models).
    task:
        ``"text"`` (AutoModelForCausalLM + AutoTokenizer), ``"image-text-to-text"``
        (AutoModelForImageTextToText + AutoProcessor) or ``"auto"`` (from config.json).
    max_new_tokens:
        Upper bound on generated tokens.
    style:
        Prompt style passed to :func:`~medkg.rag.prompts.build_prompt`.
    system:
        System message (None: none).
    device:
        torch device.
    generation_kwargs:
        Extra ``model.generate`` arguments (e.g. ``{"do_sample": True, "temperature": 0.7}``);
        the default is greedy decoding.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        task: Task = "auto",
        max_new_tokens: int = 256,
        style: str = "citations",
        system: str | None = SYSTEM,
        device: str = "cpu",
        generation_kwargs: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.path = Path(model_path)
        if not (self.path / "config.json").is_file():
            raise InputFileError(
                "no config.json: not a saved Hugging Face model directory",
                path=self.path,
                hint="pass a local directory written by save_pretrained (models are never downloaded)",
            )
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise ConfigError(
                "the Hugging Face generator needs torch and transformers", hint='pip install "medkg[ml]"'
            ) from exc
        self._torch = torch
        self.task = _model_task(self.path) if task == "auto" else task
        if self.task not in ("text", "image-text-to-text"):
            raise ConfigError(f"unknown task {task!r}", hint="use 'auto', 'text' or 'image-text-to-text'")
        self.max_new_tokens = max_new_tokens
        self.style = style
        self.system = system
        self.device = device
        self.generation_kwargs = {"do_sample": False, "num_beams": 1, **(generation_kwargs or {})}
        self.name = name or f"hf:{self.path.name}"
        try:
            if self.task == "text":
                self.processor = transformers.AutoTokenizer.from_pretrained(self.path, local_files_only=True)
                model = transformers.AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True)
            else:
                self.processor = transformers.AutoProcessor.from_pretrained(self.path, local_files_only=True)
                model = transformers.AutoModelForImageTextToText.from_pretrained(
                    self.path, local_files_only=True
                )
        except (OSError, ValueError, KeyError) as exc:
            raise InputFileError(
                f"cannot load a {self.task} model: {exc}",
                path=self.path,
                hint="save the model and its tokenizer (or processor) there with save_pretrained",
            ) from exc
        self.model = model.to(device).eval()
        self.tokenizer = getattr(self.processor, "tokenizer", self.processor)
        log.info("loaded %s (%s, %s)", self.path, self.task, type(self.model).__name__)

    def __repr__(self) -> str:
        return f"HuggingFaceGenerator({str(self.path)!r}, task={self.task!r})"

    @property
    def has_chat_template(self) -> bool:
        """True when the tokenizer or processor defines a chat template."""
        return bool(getattr(self.processor, "chat_template", None))

    # -- prompting ---------------------------------------------------------------------------
    def render(self, messages: Sequence[dict[str, Any]], with_image: bool = False) -> str:
        """The prompt string the model sees for chat ``messages`` (chat template when present)."""
        if self.has_chat_template:
            return self.processor.apply_chat_template(
                list(messages), add_generation_prompt=True, tokenize=False
            )
        parts = []
        for m in messages:
            content = m["content"]
            if not isinstance(content, str):
                content = " ".join(p.get("text", "") for p in content if p.get("type") == "text")
            parts.append(content)
        text = "\n".join(parts)
        token = getattr(self.processor, "image_token", None)
        return f"{token} {text}" if with_image and token else text

    def chat(
        self,
        messages: Sequence[dict[str, Any]],
        images: Sequence[Any] = (),
        max_new_tokens: int | None = None,
    ) -> ChatOutput:
        """Complete chat ``messages`` (OpenAI-style dicts; image parts for image models).

        Examples
        --------
        >>> hi = [{"role": "user", "content": "Hi"}]
        >>> gen.chat(hi, max_new_tokens=4).new_tokens                # needs a model  # doctest: +SKIP
        4
        """
        torch = self._torch
        if images and self.task != "image-text-to-text":
            raise ConfigError(
                f"{self.path.name} is a text-only model and cannot take an image",
                path=self.path,
                hint="use an image-text-to-text model, or leave the image out",
            )
        prompt = self.render(messages, with_image=bool(images))
        if self.task == "text":
            inputs = self.tokenizer(
                prompt, return_tensors="pt", add_special_tokens=not self.has_chat_template
            )
        else:
            pil = [_rgb_image(i) for i in images] or None
            inputs = self.processor(images=pil, text=prompt, return_tensors="pt")
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        limit = max_new_tokens or self.max_new_tokens
        with torch.inference_mode():
            out = self.model.generate(
                **inputs,
                max_new_tokens=limit,
                pad_token_id=self.tokenizer.pad_token_id
                if self.tokenizer.pad_token_id is not None
                else self.tokenizer.eos_token_id,
                **self.generation_kwargs,
            )
        n_prompt = int(inputs["input_ids"].shape[1])
        new = out[0, n_prompt:].tolist()
        eos = self.tokenizer.eos_token_id
        finish = "stop" if eos is not None and eos in new else "length"
        text = self.tokenizer.decode(new, skip_special_tokens=True).strip()
        return ChatOutput(text, prompt, n_prompt, len(new), finish)

    # -- the Generator interface -------------------------------------------------------------
    def generate(self, facts: Sequence[Fact], question: str = "", image: Any = None) -> Generation:
        """An explanation of ``facts`` answering ``question`` (and looking at ``image`` if the model can).

        The text-only model ignores ``image`` with a logged warning (its facts came from it).
        """
        with_image = image is not None and self.task == "image-text-to-text"
        if image is not None and not with_image:
            log.warning("%s is text-only: the image is not shown to the model", self.path.name)
        messages = build_prompt(
            facts,
            question or "Explain the findings.",
            style=self.style,  # type: ignore[arg-type]
            output="messages",
            image=with_image,
            system=self.system,
        )
        out = self.chat(messages, [image] if with_image else ())  # type: ignore[arg-type]
        metadata = {
            "task": self.task,
            "prompt_tokens": out.prompt_tokens,
            "new_tokens": out.new_tokens,
            "finish_reason": out.finish_reason,
            "chat_template": self.has_chat_template,
        }
        return Generation(out.text, tuple(facts), out.prompt, self.name, metadata)
