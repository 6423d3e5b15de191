"""Report concept extraction: sections, sentences, linked mentions, assertion, modifiers, relations.

Plain API::

    from medkg.extract import Extractor, extract
    result = extract({"findings": "No pleural effusion.", "impression": "Normal."})

The module itself is callable too, as the public API promises: ``medkg.extract(text)`` is
``medkg.extract.extract(text)`` (the module's class is :class:`CallableModule`).

The same steps are spaCy components (``medkg_sections``, ``medkg_concepts``, ``medkg_context``)
registered in :mod:`medkg.extract.components`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from types import ModuleType

from medkg.extract.pipeline import Extractor, Report
from medkg.extract.types import (
    IMAGE_SECTIONS,
    Assertion,
    Mention,
    MentionRelation,
    ReportExtraction,
    Section,
    SectionSpan,
    SentenceSpan,
)
from medkg.ontology.model import Ontology

__all__ = [
    "IMAGE_SECTIONS",
    "Assertion",
    "Extractor",
    "Mention",
    "MentionRelation",
    "ReportExtraction",
    "Section",
    "SectionSpan",
    "SentenceSpan",
    "default_extractor",
    "extract",
    "extract_many",
    "load_extractor",
]


def load_extractor(
    ontology: str | os.PathLike[str] | Ontology | None = None, *, fuzzy: bool = True
) -> Extractor:
    """An extractor over ``ontology`` (a source path for :func:`medkg.ontology.load`, an
    :class:`~medkg.ontology.Ontology`, or None for the shipped seed), with fuzzy linking or not.

    What every command taking ``--ontology`` and ``--no-fuzzy`` runs.

    >>> load_extractor(fuzzy=False).extract({"findings": "No pneumothoraks."}).mentions
    ()
    """
    if ontology is not None and not isinstance(ontology, Ontology):
        from medkg.ontology import load

        ontology = load(ontology)
    return Extractor(ontology, fuzzy=fuzzy)


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """The cached extractor over the shipped seed ontology (built on first use)."""
    return Extractor()


def extract(report: Report, report_id: str = "") -> ReportExtraction:
    """Extract one report with the default extractor.

    Examples
    --------
    >>> r = extract({"findings": "No pneumothorax."})
    >>> r.mentions[0].assertion.value
    'absent'
    """
    return default_extractor().extract(report, report_id)


def extract_many(
    reports: Iterable[tuple[str, Report]], n_process: int = 1, batch_size: int = 256
) -> Iterator[ReportExtraction]:
    """Extract ``(report_id, report)`` pairs with the default extractor, in input order."""
    return default_extractor().extract_many(reports, n_process=n_process, batch_size=batch_size)


class CallableModule(ModuleType):
    """The class of the ``medkg.extract`` module: calling it runs :func:`extract`.

    Examples
    --------
    >>> import medkg.extract
    >>> medkg.extract("FINDINGS: No pneumothorax.").mentions[0].assertion.value
    'absent'
    """

    def __call__(self, report: Report, report_id: str = "") -> ReportExtraction:
        return self.extract(report, report_id)


sys.modules[__name__].__class__ = CallableModule
