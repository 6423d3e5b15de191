"""``explain``: retrieve facts, build the prompt, generate a cited explanation (template by default).

Examples
--------
>>> from medkg.rag.facts import Fact
>>> out = explain([Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion")], question="Why?")
>>> out.text
'Cardiomegaly is reported together with pleural effusion [1].'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medkg.rag.facts import Fact
from medkg.rag.generators.base import Generation, Generator
from medkg.rag.generators.template import TemplateGenerator
from medkg.rag.prompts import build_prompt


def explain(
    facts: Sequence[Fact] | None = None,
    *,
    retriever: Any = None,
    concepts: Sequence[str] | None = None,
    question: str = "",
    image: Any = None,
    k: Any = 7,
    generator: Generator | None = None,
    style: str = "citations",
) -> Generation:
    """A grounded explanation.

    Parameters
    ----------
    facts:
        Facts to explain from; when None they are retrieved with ``retriever``.
    retriever:
        A :class:`~medkg.rag.retriever.Retriever` (needed when ``facts`` is None).
    concepts, question, image, k:
        Passed to :meth:`Retriever.retrieve`.
    generator:
        Any :class:`~medkg.rag.generators.base.Generator`; default: the template explainer.
    style:
        Prompt style (:func:`~medkg.rag.prompts.build_prompt`) recorded with the generation.

    Returns
    -------
    Generation
        ``text``, the ``facts`` used and the ``prompt`` built from them.
    """
    notes: tuple[str, ...] = ()
    if facts is None:
        if retriever is None:
            from medkg.errors import RetrievalError

            raise RetrievalError("explain needs facts or a retriever", hint="pass facts= or retriever=")
        facts = retriever.retrieve(image=image, concepts=concepts, question=question or None, k=k)
        notes = tuple(getattr(facts, "notes", ()))
    generator = generator or TemplateGenerator()
    prompt = build_prompt(facts, question or "Explain the findings.", style=style)  # type: ignore[arg-type]
    out = generator.generate(facts, question, image)
    metadata = dict(out.metadata, notes=notes) if notes else out.metadata
    return Generation(out.text, tuple(facts), out.prompt or prompt, out.model, metadata)
