"""Generators behind one interface: template (default, no model), Hugging Face, OpenAI-compatible.

Every generator has ``generate(facts, question, image=None) -> Generation``. The Hugging Face
generator needs ``medkg[ml]`` and is imported only when asked for.

Examples
--------
>>> from medkg.rag.facts import Fact
>>> g = TemplateGenerator()
>>> g.generate([Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion")], "Why?").text
'Cardiomegaly is reported together with pleural effusion [1].'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medkg.rag.generators.base import Generation, Generator
from medkg.rag.generators.spec import generator_from_spec
from medkg.rag.generators.template import TemplateGenerator

if TYPE_CHECKING:  # pragma: no cover
    from medkg.rag.generators.huggingface import HuggingFaceGenerator
    from medkg.rag.generators.openai_compat import OpenAICompatibleGenerator

__all__ = [
    "Generation",
    "Generator",
    "HuggingFaceGenerator",
    "OpenAICompatibleGenerator",
    "TemplateGenerator",
    "generator_from_spec",
]


def __getattr__(name: str) -> Any:
    if name == "HuggingFaceGenerator":  # torch/transformers only when asked for
        from medkg.rag.generators.huggingface import HuggingFaceGenerator

        return HuggingFaceGenerator
    if name == "OpenAICompatibleGenerator":
        from medkg.rag.generators.openai_compat import OpenAICompatibleGenerator

        return OpenAICompatibleGenerator
    raise AttributeError(f"module 'medkg.rag.generators' has no attribute {name!r}")
