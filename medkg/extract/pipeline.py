"""The extraction pipeline: report → sections → sentences → mentions → assertion → modifiers.

:class:`Extractor` compiles everything once (dictionary automaton, trigger automaton, composite
rules, fuzzy index) and then runs pure-Python passes over each report; the same steps are
available as spaCy components in :mod:`medkg.extract.components`.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping

from medkg.errors import ExtractionError
from medkg.extract.context import ContextMatcher
from medkg.extract.matcher import ConceptMatcher, RuleMatcher, all_rules
from medkg.extract.modifiers import modifiers
from medkg.extract.phrases import BLOCKED_FORMS, EXTRA_BY_NAME, EXTRA_SYNONYMS, SWALLOW_FORMS
from medkg.extract.relations import find_relations
from medkg.extract.sections import combine_sections, find_sections
from medkg.extract.sentences import split_sentences
from medkg.extract.text import fold
from medkg.extract.types import Mention, ReportExtraction, SectionSpan, SentenceSpan
from medkg.extract.vocabulary import Vocabulary
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)

#: Reports longer than this many characters are refused (a CSV cell gone wrong, not a report).
MAX_CHARS = 2_000_000

Report = str | Mapping[str, object]


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
        self._concepts = ConceptMatcher(self.vocabulary)
        if opacity_cui is None:
            found = ontology.lookup("lung opacity") or ontology.lookup("opacity")
            opacity_cui = found[0].cui if found else None
        self.opacity_cui = opacity_cui
        self._rules = RuleMatcher(all_rules(opacity_cui, ontology), ontology.concepts)
        self._context = ContextMatcher()
        self._info: dict[str, tuple[str, tuple, tuple]] = {}
        self.relations = relations
        self._abbrev = self._fuzzy = None
        if abbreviations:
            from medkg.link.abbreviations import AbbreviationMatcher

            self._abbrev = AbbreviationMatcher(ontology)
        if fuzzy:
            from medkg.link.fuzzy import FuzzyLinker

            kwargs = {} if fuzzy_threshold is None else {"threshold": fuzzy_threshold}
            self._fuzzy = FuzzyLinker.from_vocabulary(self.vocabulary, ontology, **kwargs)

    # -- public API ------------------------------------------------------------------------
    def extract(self, report: Report, report_id: str = "") -> ReportExtraction:
        """Extract one report (raw text with headers, or a mapping section name → text)."""
        text, sections = self._prepare(report, report_id)
        sentences = split_sentences(text, sections)
        starts = [s.start for s in sentences]
        ends = [s.end for s in sentences]

        def sentence_of(offset: int) -> int:
            i = bisect_right(starts, offset) - 1
            return i if i >= 0 and offset < ends[i] else -1

        folded = fold(text)
        hits = self._concepts.find(folded)
        hits += self._rules.find(folded, sentences)
        if self._abbrev is not None:
            hits += self._abbrev.find(text, folded)
        hits = _resolve(hits)
        if self._fuzzy is not None:
            hits = _resolve(hits + self._fuzzy.find(folded, hits))
        mentions = self._mentions(text, folded, hits, sentences, sentence_of)
        relations = find_relations(folded, mentions, self.ontology) if self.relations else ()
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

    def _mentions(
        self, text, folded, hits, sentences: tuple[SentenceSpan, ...], sentence_of
    ) -> list[Mention]:
        padded = " " + text + " "
        triggers = self._context.find(folded)
        out: list[Mention] = []
        floor_by_sentence: dict[int, int] = {}
        for k, (start, end, cui, method, fixed, focus, score) in enumerate(hits):
            s = sentence_of(start)
            if s < 0:
                continue
            sent = sentences[s]
            if fixed is None:
                fstart = focus + 1
                assertion, hist, hypo = self._context.assert_span(
                    padded, triggers, fstart, max(end + 1, fstart + 1), sent.start + 1, sent.end + 1
                )
            else:
                assertion = fixed
                _, hist, hypo = self._context.assert_span(
                    padded, triggers, start + 1, end + 1, sent.start + 1, sent.end + 1
                )
            floor = max(sent.start, floor_by_sentence.get(s, sent.start))
            ceiling = min(sent.end, hits[k + 1][0]) if k + 1 < len(hits) else sent.end
            lat, sev = modifiers(text, start, end, floor, ceiling)
            floor_by_sentence[s] = end
            name, codes, tuis = self._concept(cui)
            out.append(
                Mention(
                    cui=cui,
                    name=name,
                    text=text[start:end],
                    start=start,
                    end=end,
                    section=sent.section,
                    sentence=s,
                    assertion=assertion,
                    historical=hist,
                    hypothetical=hypo,
                    laterality=lat,
                    severity=sev,
                    codes=codes,
                    semantic_types=tuis,
                    method=method,
                    score=score,
                )
            )
        return out


def _resolve(hits: list) -> list:
    """Sort hits by start and drop those overlapping a longer one (rules beat the dictionary)."""
    if len(hits) < 2:
        return hits
    order = sorted(hits, key=lambda h: (h[3] != "rule", h[0] - h[1], h[0]))
    starts: list[int] = []
    kept: list = []
    for h in order:
        i = bisect_right(starts, h[0])
        if i and kept[i - 1][1] > h[0]:
            continue
        if i < len(kept) and kept[i][0] < h[1]:
            continue
        starts.insert(i, h[0])
        kept.insert(i, h)
    return kept
