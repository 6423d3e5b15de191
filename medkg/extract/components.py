"""The extraction steps as spaCy components, registered by name for any user's pipeline.

* ``medkg_sections`` — report sections on ``doc.spans["medkg_sections"]`` (label = section) and,
  with ``set_sentences``, medkg's sentence boundaries on the tokens.
* ``medkg_concepts`` — linked mentions on ``doc.spans["medkg"]`` and ``doc.ents`` (label = CUI)
  with ``._.cui``, ``._.name``, ``._.section``, ``._.sentence``, ``._.method``, ``._.score``,
  ``._.char_span`` (exact character offsets; the span itself is expanded to whole tokens).
* ``medkg_context`` — after ``medkg_concepts``: ``._.assertion``, ``._.historical``,
  ``._.hypothetical``, ``._.laterality``, ``._.severity``, ``._.hedged``, ``._.partial`` (and the
  report-level scope rules of :mod:`medkg.extract.scope`, which may drop a partial statement).
* ``medkg_extractor`` — both in one pass (uses the sentence cache of
  :class:`~medkg.extract.pipeline.Extractor`).

The components share one compiled :class:`~medkg.extract.pipeline.Extractor` per
``(ontology, fuzzy)`` setting. Results equal :meth:`Extractor.extract` on the same text.

Examples
--------
>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("medkg_concepts"); _ = nlp.add_pipe("medkg_context")
>>> doc = nlp("FINDINGS: No pleural effusion.")
>>> [(e.text, e._.cui, e._.assertion) for e in doc.ents]
[('pleural effusion', 'C0032227', 'absent')]
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from medkg.errors import ExtractionError
from medkg.extract.annotate import TENTATIVE, Found
from medkg.extract.pipeline import Extractor
from medkg.extract.scope import report_scope
from medkg.extract.sections import find_sections
from medkg.extract.sentences import split_sentences
from medkg.link.text import fold

SPANS_KEY = "medkg"
SECTIONS_KEY = "medkg_sections"

_SPAN_ATTRS = ("cui", "name", "section", "sentence", "method", "score", "char_span", "assertion",
               "historical", "hypothetical", "laterality", "severity", "hedged", "partial", "tentative")
_EXTRACTORS: dict[tuple[str | None, bool], Extractor] = {}


def _register_extensions() -> None:
    for attr in _SPAN_ATTRS:
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)
    if not Doc.has_extension("medkg_hits"):
        Doc.set_extension("medkg_hits", default=None)


def shared_extractor(ontology: str | None = None, fuzzy: bool = True) -> Extractor:
    """The compiled extractor for an ontology path (``None``: the shipped seed), built once."""
    key = (ontology, fuzzy)
    if key not in _EXTRACTORS:
        from medkg.ontology import load

        _EXTRACTORS[key] = Extractor(load(ontology) if ontology else None, fuzzy=fuzzy)
    return _EXTRACTORS[key]


def _span(doc: Doc, start: int, end: int, cui: str) -> Span | None:
    span = doc.char_span(start, end, label=cui, alignment_mode="expand")
    if span is not None:
        span._.char_span = (start, end)
    return span


class SectionsComponent:
    """Sections on ``doc.spans["medkg_sections"]``; optionally medkg's sentence starts."""

    def __init__(self, set_sentences: bool = False) -> None:
        self.set_sentences = set_sentences

    def __call__(self, doc: Doc) -> Doc:
        sections = find_sections(doc.text)
        spans = []
        for sec in sections:
            span = doc.char_span(sec.start, sec.end, label=sec.section.value, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SECTIONS_KEY] = spans
        if self.set_sentences and len(doc):
            starts = set()
            for sent in split_sentences(doc.text, sections):
                span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
                if span is not None:
                    starts.add(span.start)
            for token in doc:
                token.is_sent_start = token.i == 0 or token.i in starts
        return doc


class ConceptsComponent:
    """Dictionary, rule, abbreviation and fuzzy mentions (no assertion yet)."""

    def __init__(self, ontology: str | None = None, fuzzy: bool = True) -> None:
        _register_extensions()
        self.extractor = shared_extractor(ontology, fuzzy)

    def __call__(self, doc: Doc) -> Doc:
        ex = self.extractor
        text = doc.text
        sentences = split_sentences(text, find_sections(text))
        abbrev = ex.annotator.abbreviations
        definitions = abbrev.definitions(text) if abbrev is not None else {}
        stored, spans = [], []
        for sent in sentences:
            st = text[sent.start : sent.end]
            folded = fold(st)
            hits = ex.annotator.find_hits(st, folded, definitions)
            row = []
            for start, end, cui, method, _, _, score in hits:
                span = _span(doc, sent.start + start, sent.start + end, cui)
                if span is not None:
                    span._.cui, span._.name = cui, ex.concept_name(cui)
                    span._.section, span._.sentence = sent.section.value, sent.index
                    span._.method, span._.score = method, score
                    spans.append(span)
                row.append(span)
            stored.append((st, folded, hits, row, sent.section))
        doc._.medkg_hits = stored
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)
        return doc


class ContextComponent:
    """Assertion, history, hypothetical, laterality and severity of ``medkg_concepts`` spans."""

    def __init__(self, ontology: str | None = None, fuzzy: bool = True) -> None:
        _register_extensions()
        self.extractor = shared_extractor(ontology, fuzzy)

    def __call__(self, doc: Doc) -> Doc:
        stored = doc._.medkg_hits
        if stored is None:
            raise ExtractionError(
                "medkg_context found no medkg_concepts results on the Doc",
                hint='add nlp.add_pipe("medkg_concepts") before "medkg_context"',
            )
        ex = self.extractor
        assert_hits = ex.annotator.assert_hits
        founds = [assert_hits(st, folded, hits) if hits else () for st, folded, hits, _, _ in stored]
        founds = report_scope([s[0] for s in stored], [s[4] for s in stored], founds, ex.opacity_family)
        dropped = set()
        for (_, _, hits, row, _), found in zip(stored, founds, strict=True):
            kept = {(f.start, f.end): f for f in found}
            for span, hit in zip(row, hits, strict=True):
                if span is None:
                    continue
                f = kept.get((hit.start, hit.end))
                if f is None:  # a partial statement the report's own findings contradict
                    dropped.add((span.start, span.end, span.label))
                else:
                    _set_context(span, f)
        if dropped:
            spans = [s for s in doc.spans[SPANS_KEY] if (s.start, s.end, s.label) not in dropped]
            doc.spans[SPANS_KEY] = spans
            doc.ents = filter_spans(spans)
        return doc


class ExtractorComponent:
    """Everything at once: the mentions of :meth:`Extractor.extract` as spans."""

    def __init__(self, ontology: str | None = None, fuzzy: bool = True) -> None:
        _register_extensions()
        self.extractor = shared_extractor(ontology, fuzzy)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for m in self.extractor.extract(doc.text).mentions:
            span = _span(doc, m.start, m.end, m.cui)
            if span is None:
                continue
            span._.cui, span._.name = m.cui, m.name
            span._.section, span._.sentence = m.section.value, m.sentence
            span._.method, span._.score = m.method, m.score
            span._.assertion = m.assertion.value
            span._.historical, span._.hypothetical = m.historical, m.hypothetical
            span._.laterality, span._.severity, span._.hedged = m.laterality, m.severity, m.hedged
            span._.partial, span._.tentative = m.partial, m.tentative
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)
        return doc


def _set_context(span: Span, found: Found) -> None:
    span._.assertion, span._.historical = found.assertion.value, found.historical
    span._.hypothetical, span._.partial = found.hypothetical, found.partial
    span._.laterality, span._.severity = found.laterality, found.severity
    span._.hedged, span._.tentative = found.hedged > 0, found.hedged >= TENTATIVE


@Language.factory("medkg_sections", default_config={"set_sentences": False})
def make_sections(nlp: Language, name: str, set_sentences: bool) -> SectionsComponent:
    return SectionsComponent(set_sentences)


@Language.factory("medkg_concepts", default_config={"ontology": None, "fuzzy": True})
def make_concepts(nlp: Language, name: str, ontology: str | None, fuzzy: bool) -> ConceptsComponent:
    return ConceptsComponent(ontology, fuzzy)


@Language.factory("medkg_context", default_config={"ontology": None, "fuzzy": True})
def make_context(nlp: Language, name: str, ontology: str | None, fuzzy: bool) -> ContextComponent:
    return ContextComponent(ontology, fuzzy)


@Language.factory("medkg_extractor", default_config={"ontology": None, "fuzzy": True})
def make_extractor(nlp: Language, name: str, ontology: str | None, fuzzy: bool) -> ExtractorComponent:
    return ExtractorComponent(ontology, fuzzy)
