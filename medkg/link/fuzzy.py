"""Fuzzy linking of misspelt words the dictionary missed.

Only words outside every dictionary hit, at least :data:`MIN_LENGTH` letters long and not known
words (any word of any surface form, assertion triggers, common report words) are looked up. A
candidate is accepted when its TF-IDF cosine is at least ``threshold`` *and* its edit similarity
(:func:`rapidfuzz.fuzz.ratio`) at least ``min_ratio``, and it starts with the same letter. Since
both conditions must hold, a word with no alias of the same first letter within ``min_ratio`` (one
fast :func:`rapidfuzz.process.extractOne` over those aliases) is rejected before the sparse TF-IDF
product, which is ~25 times dearer; the outcome is the same. Answers are cached per word (bounded).

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.link.vocabulary import Vocabulary
>>> from medkg.link.text import fold
>>> onto = Ontology.from_parts([Concept("C0032326", "Pneumothorax")])
>>> linker = FuzzyLinker.from_vocabulary(Vocabulary.build(onto), onto)
>>> [(h[0], h[1], h[2]) for h in linker.find(fold("No pneumothoraks."), [])]
[(3, 16, 'C0032326')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from medkg.link.candidates import CandidateIndex
from medkg.link.hits import Hit, new_hit
from medkg.link.vocabulary import Vocabulary
from medkg.ontology.model import Ontology

MIN_LENGTH = 6
THRESHOLD = 0.55
MIN_RATIO = 86.0

#: Frequent report words that resemble concept names but are not misspellings of them.
COMMON_WORDS = frozenset(
    """silhouette silhouettes mediastinal mediastinum cardiomediastinal pulmonary pleural osseous
    structures structure contour contours within limits normal unremarkable appearance visualized
    examination comparison radiograph radiographs lateral frontal posterior anterior superior inferior
    vascularity vascular markings interstitial alveolar bilaterally otherwise evidence findings
    identified demonstrated measuring approximately compared previous interval stable unchanged
    increased decreased changes calcified calcification calcifications granuloma granulomas
    granulomatous degenerative thoracic vertebral vertebrae hemidiaphragm hemidiaphragms diaphragm
    costophrenic angles cardiac aortic tortuous tortuosity atherosclerotic ectatic hyperexpanded
    hyperinflated inflation volumes elevated elevation scarring opacities opacity nodular density
    densities lucency lucencies bronchovascular crowding perihilar infrahilar suprahilar retrocardiac
    midline trachea sternotomy clips surgical catheter prominent enlarged enlargement minimal
    moderate severe streaky patchy focal diffuse mildly pneumonic consolidative atelectatic
    emphysematous fibrotic""".split()
)

_WORD = re.compile(rf"[a-z]{{{MIN_LENGTH},}}")

#: Words whose answer is remembered; the memo is emptied when full, so memory stays bounded.
CACHE_SIZE = 100_000


class FuzzyLinker:
    """Link out-of-dictionary words to concepts by character n-gram similarity."""

    def __init__(
        self,
        index: CandidateIndex | list[tuple[str, str]],
        known_words: set[str],
        *,
        threshold: float = THRESHOLD,
        min_ratio: float = MIN_RATIO,
    ) -> None:
        self._index = index if isinstance(index, CandidateIndex) else None
        self._pairs = None if self._index is not None else list(index)
        aliases = self._index.aliases if self._index is not None else [a for a, _ in self._pairs]
        self.known = known_words
        self.threshold = threshold
        self.min_ratio = min_ratio
        self._cache: dict[str, tuple[str, float] | None] = {}
        self._by_letter: dict[str, list[str]] = {}
        for alias in aliases:
            self._by_letter.setdefault(alias[:1], []).append(alias)

    @property
    def index(self) -> CandidateIndex:
        """The TF-IDF index, built on first use (most runs need it for a handful of words)."""
        if self._index is None:
            self._index = CandidateIndex.build(self._pairs)
            self._pairs = None
        return self._index

    @classmethod
    def from_vocabulary(
        cls,
        vocabulary: Vocabulary,
        ontology: Ontology | None = None,
        *,
        reserved: Iterable[str] = (),
        **kwargs,
    ) -> FuzzyLinker:
        """Index every dictionary surface form of at most two words (the index is built lazily).

        Words of the dictionary, :data:`COMMON_WORDS` and the words of ``reserved`` phrases (the
        extractor passes its assertion triggers) are never taken for misspellings.
        """
        pairs = [(form, cui) for form, cui in vocabulary.concept_forms().items() if form.count(" ") <= 1]
        known = vocabulary.words() | COMMON_WORDS
        for phrase in reserved:
            known.update(phrase.split())
        return cls(pairs, known, **kwargs)

    def link(self, word: str) -> tuple[str, float] | None:
        """``(cui, score)`` for one folded word or two-word phrase, or ``None``."""
        if word in self._cache:
            return self._cache[word]
        best = None
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        near = process.extractOne(word, self._by_letter.get(word[:1], ()), scorer=fuzz.ratio,
                                  score_cutoff=self.min_ratio)
        if near is None:  # no alias could pass both tests below
            self._cache[word] = None
            return None
        for alias, cui, score in self.index.query(word, k=5):
            if score < self.threshold:
                break
            if alias[0] != word[0]:
                continue
            ratio = fuzz.ratio(alias, word)
            if ratio >= self.min_ratio:
                best = (cui, round(score, 4))
                break
        self._cache[word] = best
        return best

    def find(self, folded: str, hits: list) -> list[tuple]:
        """Fuzzy hits for unknown words of ``folded`` that no hit in ``hits`` covers."""
        out: list[tuple] = []
        known = self.known
        if known.issuperset(_WORD.findall(folded)):  # the usual case: every long word is known
            return out
        for m in _WORD.finditer(folded):
            word = m.group()
            if word in known:
                continue
            start, end = m.start() - 1, m.end() - 1
            if any(h[0] < end and start < h[1] for h in hits):
                continue
            linked = self.link(word)
            if linked is not None:
                out.append(new_hit(Hit, (start, end, linked[0], "fuzzy", None, start, linked[1])))
        return out
