"""One sentence at a time: dictionary, rule, abbreviation and fuzzy hits, then assertion and modifiers.

Everything the extractor decides about a mention depends only on the text of its sentence (the
matchers are whole-word and never cross a sentence boundary; triggers, terminators and modifiers
are looked for inside the sentence). So a sentence is analysed once and its result is kept in a
bounded LRU cache keyed by the sentence text: radiology reports repeat sentences massively ("No
pneumothorax.", "The lungs are clear."), and a report is then mostly cache look-ups. The cache
size bounds memory whatever the input size; ``cache_size=0`` turns it off.

Results are :class:`Found` named tuples (no objects per mention), offsets relative to the
sentence: ``(start, end, cui, method, score, assertion, historical, hypothetical, laterality,
severity, hedged, partial)``.

``hedged`` is a level: ``0`` none, ``1`` a strong hedge ("likely", "suggests"), ``2`` a tentative
one ("probable", "presumed"), ``3`` one of alternatives ("atelectasis or pneumonia", "effusion
versus thickening", "volume loss/infiltrate"); :data:`TENTATIVE` and above are what CheXpert's
conventions read as uncertain.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.link.vocabulary import Vocabulary
>>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
>>> ann = SentenceAnnotator.build(onto, Vocabulary.build(onto))
>>> [found] = ann.annotate("No left pleural effusion.")
>>> found.cui, found.assertion, found.laterality, found.hedged
('C0032227', <Assertion.ABSENT: 'absent'>, 'left', 0)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from medkg.extract import context_rules as R
from medkg.extract.context import ContextMatcher
from medkg.extract.matcher import ConceptMatcher, RuleMatcher, all_rules
from medkg.extract.modifiers import may_have_modifiers, modifiers
from medkg.extract.relations import ANATOMY_TUIS
from medkg.extract.types import Assertion
from medkg.link.hits import Hit
from medkg.link.text import fold
from medkg.link.vocabulary import Vocabulary
from medkg.ontology.model import Ontology

#: Methods of rule hits, which beat dictionary hits they overlap.
RULE_METHODS = frozenset({"rule", "qualifier", "descriptor"})

#: Default number of distinct sentences kept (a few tens of MB at most).
CACHE_SIZE = 200_000



class Found(NamedTuple):
    """One mention of a sentence after assertion and modifiers (offsets relative to the sentence)."""

    start: int
    end: int
    cui: str
    method: str
    score: float
    assertion: Assertion
    historical: bool
    hypothetical: bool
    laterality: str | None
    severity: str | None
    #: Hedge level: 0 none, 1 strong, :data:`TENTATIVE`, :data:`ALTERNATIVE`.
    hedged: int
    #: "Lungs otherwise clear": an absent opacity that covers only part of the lungs.
    partial: bool


#: Positions of :class:`Found` fields in the mutable rows :meth:`SentenceAnnotator.assert_hits`
#: builds before freezing them.
CUI, ASSERTION, HEDGED = (Found._fields.index(name) for name in ("cui", "assertion", "hedged"))
_new = tuple.__new__

#: Words that make a "lungs are clear" statement cover only part of the lungs.
PARTIAL_CUES = re.compile(
    r"\b(?:otherwise|relatively|remainder|rest of|elsewhere|remaining|aside from|apart from|except|"
    r"other than)\b", re.IGNORECASE)
#: Words that end a differential's reach ("atelectasis versus scar").
_DIFF_BREAK = re.compile(r"[,;:()]|\b(?:and|with|without|no|but)\b")
TENTATIVE, ALTERNATIVE = R.TENTATIVE, R.ALTERNATIVE  # hedge levels of the ``hedged`` field
#: What joins alternatives: "or", "and/or", a slash ("volume loss/infiltrate").
_ALT_JOIN = re.compile(r"\bor\b|/", re.IGNORECASE)
#: A gap between two findings of one list: commas, "or", "and/or", a slash and at most a few
#: qualifying words ("atelectasis or developing pneumonia"), none of which starts a new clause.
_ALT_GAP = re.compile(
    r"[\s,]*(?:(?:and\s*/\s*)?or\b|/)?[\s,]*(?:(?!(?:and|with|without|no|not|but|is|are|was|were|has|have|"
    r"which|than|due|from|in|on|at|of|to|the)\b)[a-z-]+\s+){0,3}", re.IGNORECASE)
#: Most words between a differential word and the finding on either side.
DIFF_WINDOW = 5



class SentenceAnnotator:
    """Matchers and context rules compiled once; :meth:`annotate` analyses one sentence.

    Build with :meth:`build`. ``annotate`` is cached (LRU, ``cache_size`` sentences);
    :meth:`annotate_uncached` is the same analysis without the cache (used when a report defines
    its own abbreviations, which makes a sentence's result depend on the rest of the report).
    """

    def __init__(self, concepts, rules, context, abbreviations=None, fuzzy=None, *, cache_size=CACHE_SIZE,
                 anatomy: frozenset[str] = frozenset(), opacity_cui: str | None = None):
        #: The lung-opacity concept: a partial "lungs are otherwise clear" is flagged on it.
        self.opacity_cui = opacity_cui
        self.concepts = concepts
        #: CUIs of anatomy concepts: a location phrase after a finding may run to their end.
        self.anatomy = anatomy
        self.rules = rules
        self.context = context
        self.abbreviations = abbreviations
        self.fuzzy = fuzzy
        self.cache_size = cache_size
        self.annotate = lru_cache(maxsize=cache_size)(self._annotate) if cache_size else self._annotate

    @classmethod
    def build(
        cls,
        ontology: Ontology,
        vocabulary: Vocabulary,
        *,
        opacity_cui: str | None = None,
        abbreviations=None,
        fuzzy=None,
        cache_size: int = CACHE_SIZE,
    ) -> SentenceAnnotator:
        """Compile the matchers of ``vocabulary`` and the rules of ``ontology``."""
        return cls(
            ConceptMatcher(vocabulary),
            RuleMatcher(all_rules(opacity_cui, ontology), ontology.concepts),
            ContextMatcher(),
            abbreviations,
            fuzzy,
            cache_size=cache_size,
            anatomy=anatomy_cuis(ontology),
            opacity_cui=opacity_cui,
        )

    def cache_info(self):
        """Hits, misses and size of the sentence cache (``None`` when it is off)."""
        return self.annotate.cache_info() if self.cache_size else None

    def _annotate(self, sentence: str) -> tuple[Found, ...]:
        return self.annotate_uncached(sentence)

    def annotate_uncached(
        self, sentence: str, definitions: dict[str, str] | None = None
    ) -> tuple[Found, ...]:
        """Mentions of one sentence; ``definitions`` are the report's own short forms."""
        folded = fold(sentence)
        hits = self.find_hits(sentence, folded, definitions)
        if not hits:
            return ()
        return self.assert_hits(sentence, folded, hits)

    def find_hits(self, sentence: str, folded: str, definitions: dict[str, str] | None = None) -> list[Hit]:
        """Resolved, non-overlapping hits of one sentence, sorted by start."""
        hits = self.concepts.find(folded)
        hits += self.rules.find_sentence(folded)
        if self.abbreviations is not None:
            hits += self.abbreviations.find(sentence, folded, definitions or {})
        hits = resolve(hits)
        if self.fuzzy is not None:
            extra = self.fuzzy.find(folded, hits)
            if extra:
                hits = resolve(hits + extra)
        return hits

    def assert_hits(self, sentence: str, folded: str, hits: list[Hit]) -> tuple[Found, ...]:
        """Assertion, history, hypothetical, laterality, severity and hedging of each hit.

        Laterality after a finding is looked for up to the next hit's start, or up to its end when
        the next hit is anatomy ("granuloma in the right lower lobe"). A rule mention with a fixed
        absent assertion ("lungs are clear bilaterally", "clear left lung") has no modifiers: the
        side or size of something absent means nothing.
        """
        padded = " " + sentence + " "
        n = len(sentence)
        triggers = self.context.find(folded)
        assert_span = self.context.assert_span
        out = []
        floor = 0
        last = len(hits) - 1
        modified = may_have_modifiers(sentence)
        anatomy = self.anatomy
        for k, (start, end, cui, method, fixed, focus, score) in enumerate(hits):
            if triggers:
                if fixed is None:
                    fstart = focus + 1
                    assertion, hist, hypo, hedged = assert_span(
                        padded, triggers, fstart, max(end + 1, fstart + 1), 1, n + 1
                    )
                else:
                    assertion, hedged = fixed, 0
                    _, hist, hypo, _ = assert_span(padded, triggers, start + 1, end + 1, 1, n + 1)
            else:
                assertion, hist, hypo, hedged = fixed or Assertion.PRESENT, False, False, 0
            if modified and fixed is not Assertion.ABSENT:
                if k < last:
                    nxt = hits[k + 1]
                    ceiling = min(n, nxt[1] if nxt[2] in anatomy else nxt[0])
                else:
                    ceiling = n
                lat, sev = modifiers(sentence, start, end, floor, ceiling)
            else:
                lat = sev = None
            if cui not in anatomy:  # "left base atelectasis": modifiers reach through anatomy
                floor = end
            partial = (fixed is Assertion.ABSENT and cui == self.opacity_cui
                       and PARTIAL_CUES.search(sentence) is not None)
            out.append([start, end, cui, method, score, assertion, hist, hypo, lat, sev, hedged, partial])
        if triggers:
            self._differentials(padded, triggers, out)
        if len(out) > 1 and _ALT_JOIN.search(sentence):
            self._alternatives(sentence, out)
        return tuple([_new(Found, f) for f in out])

    def _alternatives(self, sentence: str, out: list[list]) -> None:
        """Findings offered as alternatives ("atelectasis or pneumonia", "atelectasis, effusion, or
        pneumonia", "and/or", "volume loss/infiltrate/effusion"): present ones get hedge level
        :data:`ALTERNATIVE`. A negated list ("no effusion or pneumothorax") is left alone.
        """
        anatomy = self.anatomy
        found = [f for f in out if f[CUI] not in anatomy]
        run: list[list] = found[:1]
        joined = False
        for prev, f in zip(found, found[1:], strict=False):
            gap = sentence[prev[1] : f[0]]
            join = _ALT_JOIN.search(gap) is not None
            if _ALT_GAP.fullmatch(gap) and (join or gap.strip() == ","):
                run.append(f)
                joined = joined or join
                continue
            _mark_alternatives(run, joined)
            run, joined = [f], False
        _mark_alternatives(run, joined)

    def _differentials(self, padded: str, triggers, out: list[list]) -> None:
        """"A versus B": the nearest finding on each side of "versus"/"vs" is a differential.

        Like a strong hedge it stays present (as Open-i's manual labels count it: dev micro-F1
        0.942 present, 0.930 uncertain) and is flagged ``hedged``; a side negated by its own cue
        stays absent.
        """
        anatomy = self.anatomy
        for t_start, t_end, flags, _ in triggers:
            if not flags & R.DIFF:
                continue
            left = [f for f in out if f[1] + 1 <= t_start and f[CUI] not in anatomy]
            right = [f for f in out if f[0] + 1 >= t_end and f[CUI] not in anatomy]
            if not left or not right:
                continue
            a, b = left[-1], right[0]
            sides = ((a, padded[a[1] + 1 : t_start]), (b, padded[t_end : b[0] + 1]))
            if any(_DIFF_BREAK.search(gap) or len(gap.split()) > DIFF_WINDOW for _, gap in sides):
                continue
            for f, _ in sides:
                if f[ASSERTION] is Assertion.PRESENT:
                    f[HEDGED] = ALTERNATIVE


def _mark_alternatives(run: list[list], joined: bool) -> None:
    if joined and len(run) > 1:
        for f in run:
            if f[ASSERTION] is Assertion.PRESENT:
                f[HEDGED] = ALTERNATIVE


def anatomy_cuis(ontology: Ontology) -> frozenset[str]:
    """CUIs whose semantic types are all anatomy types (:data:`~medkg.extract.relations.ANATOMY_TUIS`)."""
    return frozenset(
        c.cui for c in ontology if c.tuis and all(t in ANATOMY_TUIS for t in c.tuis)
    )


def resolve(hits: list[Hit]) -> list[Hit]:
    """Sort hits by start and drop those overlapping a longer one (rules beat the dictionary).

    >>> resolve([(0, 5, "A", "exact", None, 0, 1.0), (2, 12, "B", "exact", None, 2, 1.0)])
    [(2, 12, 'B', 'exact', None, 2, 1.0)]
    """
    if len(hits) < 2:
        return hits
    order = sorted(hits, key=lambda h: (h[3] not in RULE_METHODS, h[0] - h[1], h[0]))
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

