"""Retrieval-augmented explanations grounded in the knowledge graph.

Public pieces (re-exported by ``medkg``)::

    from medkg.rag import Retriever, build_prompt, explain, check_facts
    facts = Retriever(store).retrieve(concepts=["Cardiomegaly"], k=7)
    print(build_prompt(facts, "What else may be seen?", style="citations"))
    print(explain(facts).text)
    report = check_facts("Small left pleural effusion.", store, image_or_study="s1")

``HuggingFaceGenerator`` and ``OpenAICompatibleGenerator`` are exported lazily: torch and
transformers are imported only when the Hugging Face generator is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medkg.rag.explain import explain
from medkg.rag.facts import Fact, Facts, Provenance, Sentence
from medkg.rag.factuality import FactualityReport, Reference, Statement, check_facts
from medkg.rag.generators import Generation, Generator, TemplateGenerator, generator_from_spec
from medkg.rag.magics import load_ipython_extension
from medkg.rag.prompts import build_prompt
from medkg.rag.ranking import RankingWeights
from medkg.rag.retriever import Retriever
from medkg.rag.select import Calibration, adaptive_k, calibrate_k

if TYPE_CHECKING:  # pragma: no cover
    from medkg.rag.generators.huggingface import HuggingFaceGenerator
    from medkg.rag.generators.openai_compat import OpenAICompatibleGenerator

__all__ = [
    "Calibration",
    "Fact",
    "Facts",
    "FactualityReport",
    "Generation",
    "Generator",
    "HuggingFaceGenerator",
    "OpenAICompatibleGenerator",
    "Provenance",
    "RankingWeights",
    "Reference",
    "Retriever",
    "Sentence",
    "Statement",
    "TemplateGenerator",
    "adaptive_k",
    "build_prompt",
    "calibrate_k",
    "check_facts",
    "explain",
    "generator_from_spec",
    "load_ipython_extension",
]


def __getattr__(name: str) -> Any:
    if name in ("HuggingFaceGenerator", "OpenAICompatibleGenerator"):
        from medkg.rag import generators

        return getattr(generators, name)
    raise AttributeError(f"module 'medkg.rag' has no attribute {name!r}")
