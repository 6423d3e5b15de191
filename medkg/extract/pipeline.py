"""The extraction pipeline: report → sections → sentences → mentions → assertion → modifiers.

:class:`Extractor` compiles everything once (dictionary automaton, trigger automaton, composite
rules, fuzzy index); per report it finds sections and sentences and analyses each sentence with
:class:`~medkg.extract.annotate.SentenceAnnotator` (cached by sentence text), then builds the
mentions and relations. The same steps are spaCy components in :mod:`medkg.extract.components`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping

from medkg.errors import ExtractionError
from medkg.extract.annotate import CACHE_SIZE, TENTATIVE, Found, SentenceAnnotator
from medkg.extract.phrases import BLOCKED_FORMS, EXTRA_BY_NAME, EXTRA_SYNONYMS, SWALLOW_FORMS
from medkg.extract.relations import find_relations
from medkg.extract.scope import opacity_family, report_scope
from medkg.extract.sections import combine_sections, find_sections
from medkg.extract.sentences import split_sentences
from medkg.extract.types import Assertion, Mention, ReportExtraction, Section, SectionSpan, SentenceSpan
from medkg.link.text import fold
from medkg.link.vocabulary import Vocabulary
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)

#: Reports longer than this many characters are refused (a CSV cell gone wrong, not a report).
MAX_CHARS = 2_000_000

Report = str | Mapping[str, object]


#: Bits of the ``flags`` of :meth:`Extractor.label_inputs`.
TENTATIVE_FLAG, QUALIFIER_FLAG, BORDERLINE_FLAG, DESCRIPTOR_FLAG = 1, 2, 4, 8


def label_flags(method: str, severity: str | None, tentative: bool) -> int:
    """The label ``flags`` of a mention (see :meth:`Extractor.label_inputs`).

    >>> label_flags("qualifier", "borderline", False) == QUALIFIER_FLAG | BORDERLINE_FLAG
    True
    """
    flags = TENTATIVE_FLAG if tentative else 0
    if method == "qualifier":
        flags |= QUALIFIER_FLAG
    elif method == "descriptor":
        flags |= DESCRIPTOR_FLAG
    if severity == "borderline":
        flags |= BORDERLINE_FLAG
    return flags


class Extractor:
    """Extract linked, asserted concept mentions from radiology reports.

    Parameters
    ----------
    ontology:
        The ontology to link to; ``None`` loads the shipped seed (``medkg.ontology.load()``).
    fuzzy:
        Link misspelt words the dictionary missed with character n-gram TF-IDF neighbours.
    abbreviations:
        Expand radiology abbreviations (CHF, COPD, PICC, ET tube) and in-text definitions.
    relations:
        Find ``located_at`` / ``suggestive_of`` / ``modify`` relations.
    opacity_cui:
        Concept meant by "opacity"; "lungs are clear" asserts it absent. ``None`` looks it up.
    cache_size:
        Distinct sentences whose analysis is kept (LRU); 0 turns the cache off. Results do not
        depend on it, only speed does.

    Examples
    --------
    >>> from medkg.ontology.model import Concept, Ontology
    >>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
    >>> ex = Extractor(onto, fuzzy=False)
    >>> m = ex.extract({"findings": "No pleural effusion."}).mentions[0]
    >>> m.cui, m.text, m.assertion.value, m.section.value
    ('C0032227', 'pleural effusion', 'absent', 'findings')
    """

    def __init__(
        self,
        ontology: Ontology | None = None,
        *,
        fuzzy: bool = True,
        abbreviations: bool = True,
        relations: bool = True,
        opacity_cui: str | None = None,
        fuzzy_threshold: float | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        if ontology is None:
            from medkg.ontology import load

            ontology = load()
        self.ontology = ontology
        extra = [(p, cui) for cui, phrases in EXTRA_SYNONYMS.items() for p in phrases]
        for name, phrases in EXTRA_BY_NAME.items():
            found = ontology.lookup(name)
            if found:
                extra += [(p, found[0].cui) for p in phrases]
        self.vocabulary = Vocabulary.build(ontology, extra, blocked=BLOCKED_FORMS, swallow=SWALLOW_FORMS)
        if opacity_cui is None:
            found = ontology.lookup("lung opacity") or ontology.lookup("opacity")
            opacity_cui = found[0].cui if found else None
        self.opacity_cui = opacity_cui
        #: Concepts whose positive mention makes "lungs are otherwise clear" partial (:mod:`.scope`).
        self.opacity_family = opacity_family(ontology)
        self._info: dict[str, tuple[str, tuple, tuple]] = {}
        self.relations = relations
        self._abbrev = self._fuzzy = None
        if abbreviations:
            from medkg.link.abbreviations import AbbreviationMatcher

            self._abbrev = AbbreviationMatcher(ontology)
        if fuzzy:
            from medkg.extract.context_rules import trigger_table
            from medkg.link.fuzzy import FuzzyLinker

            kwargs = {} if fuzzy_threshold is None else {"threshold": fuzzy_threshold}
            self._fuzzy = FuzzyLinker.from_vocabulary(
                self.vocabulary, ontology, reserved=trigger_table(), **kwargs
            )
        self._annotator = SentenceAnnotator.build(
            ontology, self.vocabulary, opacity_cui=opacity_cui, abbreviations=self._abbrev,
            fuzzy=self._fuzzy, cache_size=cache_size,
        )

    @property
    def annotator(self) -> SentenceAnnotator:
        """The per-sentence analysis (matchers, context rules, sentence cache)."""
        return self._annotator

    # -- public API ------------------------------------------------------------------------
    def extract(self, report: Report, report_id: str = "") -> ReportExtraction:
        """Extract one report (raw text with headers, or a mapping section name → text)."""
        text, sections = self._prepare(report, report_id)
        sentences = split_sentences(text, sections)
        mentions: list[Mention] = []
        concept = self._concept
        for sent, found in zip(sentences, self._annotate(text, sentences), strict=True):
            off = sent.start
            for start, end, cui, method, score, assertion, hist, hypo, lat, sev, hedged, partial in found:
                name, codes, tuis = concept(cui)
                mentions.append(
                    Mention(cui, name, text[off + start : off + end], off + start, off + end, sent.section,
                            sent.index, assertion, hist, hypo, lat, sev, codes, tuis, method, score,
                            hedged > 0, partial, hedged >= TENTATIVE)
                )
        relations = find_relations(fold(text), mentions, self.ontology) if self.relations and mentions else ()
        return ReportExtraction(
            report_id=str(report_id),
            text=text,
            sections=sections,
            sentences=sentences,
            mentions=tuple(mentions),
            relations=tuple(relations),
        )

    def extract_many(
        self, reports: Iterable[tuple[str, Report]], n_process: int = 1, batch_size: int = 256
    ) -> Iterator[ReportExtraction]:
        """Extract ``(report_id, report)`` pairs lazily, in input order.

        With ``n_process > 1`` reports are sent in batches to worker processes (fork), each with
        its own copy of this extractor.
        """
        if n_process <= 1:
            for rid, report in reports:
                yield self.extract(report, rid)
            return
        from medkg.extract.parallel import parallel_map

        yield from parallel_map(self, reports, n_process=n_process, batch_size=batch_size)

    def concept_assertions(
        self, report: Report, report_id: str = ""
    ) -> list[tuple[str, Section, Assertion, bool]]:
        """``(cui, section, assertion, hypothetical)`` of every mention, in order.

        The same mentions as :meth:`extract` without building them (no relations, no objects).
        """
        return [t[:4] for t in self.label_inputs(report, report_id)]

    def label_inputs(
        self, report: Report, report_id: str = ""
    ) -> list[tuple[str, Section, Assertion, bool, int]]:
        """``(cui, section, assertion, hypothetical, flags)`` of every mention, in order: what
        labels need. ``flags`` (:data:`TENTATIVE_FLAG`, :data:`QUALIFIER_FLAG`,
        :data:`BORDERLINE_FLAG`, :data:`DESCRIPTOR_FLAG`) say whether the mention is tentative,
        a qualified anatomy mention ("the cardiac silhouette is enlarged"), of borderline
        severity, or a descriptor ("nodular" of "nodular opacity").

        The same mentions as :meth:`extract` without building them (no relations, no objects), for
        labelling many reports fast (:meth:`medkg.labels.LabelMapper.label_assertions`).
        """
        text, sections = self._prepare(report, report_id)
        sentences = split_sentences(text, sections)
        return [
            (f.cui, sent.section, f.assertion, f.hypothetical,
             label_flags(f.method, f.severity, f.hedged >= TENTATIVE))
            for sent, found in zip(sentences, self._annotate(text, sentences), strict=True)
            for f in found
        ]

    # -- steps -----------------------------------------------------------------------------
    def _prepare(self, report: Report, report_id: str) -> tuple[str, tuple[SectionSpan, ...]]:
        if isinstance(report, bytes):
            try:
                report = report.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ExtractionError(
                    f"report is not valid UTF-8 (byte {exc.start})",
                    record=report_id or None,
                    hint="decode the text before extraction or fix the file encoding",
                ) from None
        if isinstance(report, str):
            text, sections = report, find_sections(report)
        elif isinstance(report, Mapping):
            text, sections = combine_sections(report, record=report_id or None)
        else:
            raise ExtractionError(
                f"a report must be text or a mapping of section → text, not {type(report).__name__}",
                record=report_id or None,
            )
        if len(text) > MAX_CHARS:
            raise ExtractionError(
                f"report has {len(text):,} characters (limit {MAX_CHARS:,})",
                record=report_id or None,
                hint="check the input's quoting; one field probably swallowed many rows",
            )
        return text, sections

    def _annotate(self, text: str, sentences: tuple[SentenceSpan, ...]) -> list[tuple[Found, ...]]:
        """Per sentence, its compact mentions (:mod:`medkg.extract.annotate`), cached by sentence
        text, then the report-level scope rules (:func:`medkg.extract.scope.report_scope`)."""
        texts = [text[s.start : s.end] for s in sentences]
        annotate = self._annotator.annotate
        if self._abbrev is not None and "(" in text:
            definitions = self._abbrev.definitions(text)
            if definitions:  # the report's own short forms: its sentences are not context-free
                uncached = self._annotator.annotate_uncached
                annotate = lambda t: uncached(t, definitions)  # noqa: E731
        founds = [annotate(t) for t in texts]
        return report_scope(texts, [s.section for s in sentences], founds, self.opacity_family)

    def concept_name(self, cui: str) -> str:
        """The preferred name of ``cui`` (the CUI itself when the ontology lacks it)."""
        return self._concept(cui)[0]

    def _concept(self, cui: str) -> tuple[str, tuple, tuple]:
        info = self._info.get(cui)
        if info is None:
            concept = self.ontology.get(cui)
            if concept is None:
                info = (cui, (), ())
            else:
                info = (concept.name, concept.codes, concept.tuis)
            self._info[cui] = info
        return info
