"""Prompts from facts: KG-LLaVA's triplet form and a numbered citation form; text or chat messages.

Examples
--------
>>> from medkg.rag.facts import Fact
>>> facts = [Fact("C0018800", "Cardiomegaly", "CO_OCCURS_WITH", "C0032227", "Pleural effusion")]
>>> print(build_prompt(facts, "What else is seen?", style="kg-llava"))
The image-specific triplets from the knowledge graph are: cardiomegaly co_occurs_with pleural effusion.
What else is seen?
>>> print(build_prompt(facts, "What else is seen?", style="citations"))
Facts from the knowledge graph:
[1] Cardiomegaly co-occurs with Pleural effusion.
Answer using only these facts and cite each fact you use as [n].
Question: What else is seen?
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from medkg.errors import ConfigError
from medkg.rag.facts import IMAGE_RELATIONS, Fact, reading_name

Style = Literal["kg-llava", "citations"]
SYSTEM = "You are a radiology assistant. Use only the facts given; say so when they are not enough."


def fact_line(fact: Fact) -> str:
    """A fact as a sentence-like line with its support and its source reports (or images).

    The listed reports are a sample of the counted ones: "and n more" says how many are not
    listed, so the count and the ids always agree.

    Examples
    --------
    >>> from medkg.rag.facts import Provenance
    >>> fact_line(Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion",
    ...                provenance=Provenance(("r2", "r10"), count=3)))
    'Cardiomegaly co-occurs with Pleural effusion (3 reports); reports r2, r10 and 1 more.'
    """
    p = fact.provenance
    line = fact.text()
    if fact.relation in IMAGE_RELATIONS and p.images:
        more = max(p.count - len(p.images), 0)
        line += "; images " + ", ".join(p.images) + (f" and {more} more" if more else "")
        if p.report_ids:
            line += " (reports " + ", ".join(p.report_ids) + ")"
    elif p.report_ids:
        line += "; reports " + ", ".join(p.report_ids) + (f" and {p.more} more" if p.more else "")
    return line + "."


def kg_llava_triplet(fact: Fact) -> str:
    """A fact as KG-LLaVA writes a triplet: ``source relation target``, the edge as stored, the
    relation in lower snake case, names in lower case (acronyms kept).

    Examples
    --------
    >>> kg_llava_triplet(Fact("C1", "Pneumonia", "SUGGESTED_BY", "C2", "Pulmonary opacity"))
    'pulmonary opacity suggestive_of pneumonia'
    >>> kg_llava_triplet(Fact("C1", "Pneumonia", "LOCATED_AT", "C2", "Right lower lobe"))
    'pneumonia located_at right lower lobe'
    """
    head, relation, tail = fact.forward()
    if fact.assertion == "absent":
        relation = f"not_{relation}"
    return f"{reading_name(head)} {relation.lower()} {reading_name(tail)}"


def build_prompt(
    facts: Sequence[Fact],
    question: str,
    style: Style = "citations",
    output: Literal["text", "messages"] = "text",
    image: bool = False,
    system: str | None = SYSTEM,
) -> str | list[dict[str, Any]]:
    """A prompt grounding ``question`` in ``facts``.

    Parameters
    ----------
    facts:
        Retrieved facts, best first.
    question:
        The user's question or instruction.
    style:
        ``"kg-llava"``: ``The image-specific triplets from the knowledge graph are: h r t; ...``
        (:func:`kg_llava_triplet`: "opacity suggestive_of pneumonia");
        ``"citations"``: facts numbered ``[1]``, ``[2]``, ... with their source reports, and an
        instruction to cite them.
    output:
        ``"text"`` (a string) or ``"messages"`` (chat messages for a Hugging Face chat template
        or an OpenAI-compatible server; with ``image=True`` the user turn starts with an image
        part, as image-text-to-text models expect).
    system:
        System message for ``"messages"`` (None: none).

    Returns
    -------
    str or list of dict

    Examples
    --------
    >>> build_prompt([], "Q?", style="kg-llava", output="messages", system=None)
    [{'role': 'user', 'content': 'The image-specific triplets from the knowledge graph are: none.\\nQ?'}]
    """
    if style == "kg-llava":
        triplets = "; ".join(kg_llava_triplet(f) for f in facts) or "none"
        body = f"The image-specific triplets from the knowledge graph are: {triplets}.\n{question}"
    elif style == "citations":
        lines = [f"[{n}] {fact_line(f)}" for n, f in enumerate(facts, 1)] or ["(no facts)"]
        body = "\n".join(
            [
                "Facts from the knowledge graph:",
                *lines,
                "Answer using only these facts and cite each fact you use as [n].",
                f"Question: {question}",
            ]
        )
    else:
        raise ConfigError(f"unknown prompt style {style!r}", hint="use 'kg-llava' or 'citations'")
    if output == "text":
        return body
    if output != "messages":
        raise ConfigError(f"unknown prompt output {output!r}", hint="use 'text' or 'messages'")
    content: Any = [{"type": "image"}, {"type": "text", "text": body}] if image else body
    messages = [{"role": "system", "content": system}] if system else []
    return [*messages, {"role": "user", "content": content}]
