"""The concept dictionary: every surface form the matcher looks for, built once from an ontology.

Names and synonyms are folded (case, punctuation, hyphens), and expanded with plural / singular
forms of the last word, British spellings and hyphen-joined forms. Each surface form points to one
CUI; when several concepts share a form the preferred name wins, then the concept with the most
specific semantic type for radiology findings, then the smallest CUI (deterministic).

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
>>> vocab = Vocabulary.build(onto)
>>> vocab.forms["pleural effusions"]
'C0032227'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from medkg.link.text import fold_phrase
from medkg.ontology.model import Ontology, singular

log = logging.getLogger(__name__)

#: Names that are ordinary words in reports and would match far too much on their own.
STOP_FORMS = frozenset(
    """a an the and or of in on at to is are be no not yes left right bilateral normal abnormal clear
    stable small large mild moderate severe seen noted present absent chest lung lungs heart finding
    findings disease disorder syndrome change changes other unspecified nos all none x ray xray image
    view views lateral frontal pa ap film films exam study patient sign signs symptom symptoms xxxx
    increased decreased high low well new old acute chronic total partial size volume volumes body
    structure area region side upper lower middle base bases apex apices level type pain test
    positive negative cm mm ml day days year years male female man woman history""".split()
)

#: Semantic types preferred when a surface form is ambiguous (findings before anatomy before rest).
TUI_PRIORITY = {
    "T047": 0, "T046": 1, "T033": 2, "T037": 3, "T191": 4, "T184": 5, "T019": 6, "T190": 7,
    "T074": 8, "T061": 9, "T023": 10, "T029": 11, "T030": 12, "T082": 13,
}

_BRITISH = (
    (re.compile(r"\bedema"), "oedema"),
    (re.compile(r"\bhem(?=[aoi])"), "haem"),
    (re.compile(r"\besophag"), "oesophag"),
    (re.compile(r"tumor\b"), "tumour"),
    (re.compile(r"fiber\b"), "fibre"),
    (re.compile(r"center\b"), "centre"),
)


def plural(word: str) -> str:
    """A regular English plural, inverse of :func:`medkg.ontology.model.singular` for common cases.

    >>> [plural(w) for w in ["opacity", "effusion", "atelectasis", "mass", "bronchus", "apex"]]
    ['opacities', 'effusions', 'atelectases', 'masses', 'bronchi', 'apices']
    """
    irregular = {"bronchus": "bronchi", "apex": "apices", "focus": "foci", "embolus": "emboli",
                 "hilum": "hila", "vertebra": "vertebrae", "bulla": "bullae", "pleura": "pleurae"}
    if word in irregular:
        return irregular[word]
    if word.endswith("sis"):
        return word[:-2] + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "sh", "ch")):
        return word + "es"
    if not word[-1].isalpha():
        return word
    return word + "s"


def surface_forms(name: str) -> set[str]:
    """Folded surface forms of one name: itself, singular/plural of the last word, variants.

    >>> sorted(surface_forms("Pleural Effusions"))
    ['pleural effusion', 'pleural effusions']
    >>> sorted(surface_forms("air-space disease"))
    ['air space disease', 'air space diseases', 'airspace disease', 'airspace diseases']
    """
    base = fold_phrase(name)
    if not base:
        return set()
    forms = {base}
    if "-" in name:
        joined = fold_phrase(re.sub(r"(?<=\w)-(?=\w)", "", name))
        forms.add(joined)
    for form in list(forms):
        words = form.split()
        last = singular(words[-1])
        if last.isalpha() and len(last) > 2:
            forms.add(" ".join([*words[:-1], last]))
            forms.add(" ".join([*words[:-1], plural(last)]))
    for form in list(forms):
        for pattern, repl in _BRITISH:
            if pattern.search(form):
                forms.add(pattern.sub(repl, form))
    return forms


@dataclass
class Vocabulary:
    """Surface form → CUI, with the reasons each form was kept.

    Build with :meth:`build`; ``extra`` adds extraction-specific phrases (see
    :mod:`medkg.extract.phrases`) for CUIs present in the ontology.
    """

    forms: dict[str, str] = field(default_factory=dict)
    max_words: int = 1

    @classmethod
    def build(
        cls,
        ontology: Ontology,
        extra: Iterable[tuple[str, str]] = (),
        *,
        blocked: Iterable[str] = (),
        swallow: Iterable[str] = (),
        min_length: int = 3,
    ) -> Vocabulary:
        """Build the dictionary from ``ontology`` names plus ``extra`` ``(phrase, cui)`` pairs.

        ``blocked`` forms are never matched (extraction rules handle them); ``swallow`` forms map
        to ``""`` (no concept) unless a concept has that name, hiding shorter names inside them.
        Names shorter than
        ``min_length`` characters and :data:`STOP_FORMS` are skipped. ``extra`` phrases win over
        ontology names for the same form.
        """
        stop = STOP_FORMS | {fold_phrase(b) for b in blocked}
        rank: dict[str, tuple] = {}
        forms: dict[str, str] = {}

        def offer(form: str, cui: str, key: tuple) -> None:
            if len(form) < min_length or form in stop or form.isdigit():
                return
            old = rank.get(form)
            if old is None or key < old:
                rank[form] = key
                forms[form] = cui

        for concept in ontology:
            tuis = concept.tuis
            type_rank = min((TUI_PRIORITY.get(t, 50) for t in tuis), default=60)
            for i, name in enumerate(concept.names):
                preferred = 0 if i == 0 else 1
                for form in surface_forms(name):
                    offer(form, concept.cui, (1, preferred, type_rank, concept.cui))
        skipped = 0
        for phrase, cui in extra:
            if cui not in ontology:
                skipped += 1
                continue
            for form in surface_forms(phrase):
                offer(form, cui, (0, 0, 0, cui))
        if skipped:
            log.debug("%d extraction phrases skipped: their CUI is not in the ontology", skipped)
        for phrase in swallow:
            for form in surface_forms(phrase):
                offer(form, "", (2, 0, 0, ""))
        vocab = cls(forms=forms)
        vocab.max_words = max((f.count(" ") + 1 for f in forms), default=1)
        log.info("vocabulary: %d surface forms from %d concepts", len(forms), len(ontology))
        return vocab

    def words(self) -> set[str]:
        """Every word that occurs in some surface form (the fuzzy linker skips these)."""
        return {w for form in self.forms for w in form.split()}

    def concept_forms(self) -> dict[str, str]:
        """Surface forms that name a concept (swallow forms left out)."""
        return {f: c for f, c in self.forms.items() if c}
