"""Report-level scope: the two assertion decisions one sentence cannot make alone.

Everything else about a mention depends only on its sentence (and is cached per sentence, see
:mod:`medkg.extract.annotate`). Two statements need the rest of the report:

* **Partial clear statements** ("lungs are otherwise clear", "remainder of the lungs are clear",
  "lungs are relatively clear") exclude whatever the report describes elsewhere. Such a mention
  (flagged ``partial``) is kept as *absent lung opacity* only when no mention of the report's
  image sections asserts an opacity-type finding (present or uncertain, not hypothetical; the
  concepts of :data:`OPACITY_FAMILY` and everything under them). When one does, the partial
  statement is dropped: "no opacity besides the one described" adds nothing a graph can hold, and
  keeping it absent would contradict the described opacity.
* **Orphan list continuations**: a sentence made of nothing but findings joined by "or"/"nor"
  ("Pleural effusions or pneumothorax.") right after a sentence that ends in a finding negated by
  a trigger ("... without evidence of fibrosis.") continues that negated list (a dictation period
  in place of a comma): its findings are absent. A positive differential of two findings joined by
  "or" usually comes with its own words ("atelectasis or scarring *in the left base*").

Examples
--------
>>> from medkg.extract.annotate import Found
>>> from medkg.extract.types import Assertion as A, Section
>>> texts = ["Lungs clear without fibrosis.", "Effusion or pneumothorax."]
>>> founds = [(Found(21, 28, "F", "exact", 1.0, A.ABSENT, False, False, None, None, 0, False),),
...           (Found(0, 8, "E", "exact", 1.0, A.PRESENT, False, False, None, None, 0, False),
...            Found(12, 24, "P", "exact", 1.0, A.PRESENT, False, False, None, None, 0, False))]
>>> out = report_scope(texts, [Section.FINDINGS] * 2, founds, frozenset())
>>> [f.assertion.value for f in out[1]]
['absent', 'absent']
"""

from __future__ import annotations

import re

from medkg.extract.context_rules import ALTERNATIVE
from medkg.extract.types import Assertion, Section

#: Concept names (resolved through the ontology, with their descendants) whose positive mention is
#: an exception to "lungs are otherwise clear": what a radiograph shows as a lung opacity
#: (CheXpert's Lung Opacity and Lung Lesion observations).
OPACITY_FAMILY = (
    "lung opacity", "abnormal pulmonary thoracic imaging finding", "airspace disease", "consolidation",
    "pneumonia", "pulmonary edema", "atelectasis", "pulmonary infiltrate", "lung lesion", "mass",
    "nodule", "granuloma", "cicatrix", "pulmonary fibrosis",
)

#: Sections whose findings describe the image (as for labels).
_IMAGE = frozenset({Section.FINDINGS, Section.IMPRESSION, Section.UNKNOWN})
_LIST_GAP = re.compile(r"[\s,]*(?:(?:and\s*/\s*)?or|nor)?[\s,]*", re.IGNORECASE)
_TAIL = re.compile(r"[\s.!?]*")
#: Methods of rule statements ("lungs are clear"): absent by their own words, not a negated list.
_RULES = frozenset({"rule", "qualifier"})


def opacity_family(ontology) -> frozenset[str]:
    """CUIs of :data:`OPACITY_FAMILY` concepts of ``ontology`` and all their descendants."""
    out: set[str] = set()
    for name in OPACITY_FAMILY:
        for concept in ontology.lookup(name):
            out.add(concept.cui)
            out |= ontology.descendants(concept.cui)
    return frozenset(out)


def report_scope(texts, sections, founds, family: frozenset[str]):
    """Per-sentence :class:`~medkg.extract.annotate.Found` mentions after the report-level rules.

    Parameters
    ----------
    texts, sections:
        Each sentence's text and section.
    founds:
        Each sentence's ``Found`` mentions (offsets relative to the sentence).
    family:
        :func:`opacity_family` of the ontology.

    Returns
    -------
    list of tuple
        The same per-sentence sequences; unchanged ones are the very same objects.
    """
    founds = list(founds)
    for i in range(1, len(founds)):
        if len(founds[i]) > 1 and founds[i - 1] and sections[i] == sections[i - 1]:
            if _continues_negation(texts[i - 1], founds[i - 1][-1], texts[i], founds[i]):
                founds[i] = tuple(f._replace(assertion=Assertion.ABSENT, hedged=0) for f in founds[i])
    if any(f.partial for found in founds for f in found):
        exception = any(
            f.cui in family and f.assertion is not Assertion.ABSENT and not f.hypothetical and not f.partial
            for sec, found in zip(sections, founds, strict=True) if sec in _IMAGE for f in found
        )
        if exception:
            founds = [tuple(f for f in found if not f.partial) if any(f.partial for f in found) else found
                      for found in founds]
    return founds


def _continues_negation(prev_text: str, last, text: str, found) -> bool:
    """Whether sentence ``text`` is only an "or" list of findings continuing ``prev_text``'s negation."""
    if last.assertion is not Assertion.ABSENT or last.method in _RULES:
        return False
    if not _TAIL.fullmatch(prev_text, last.end):
        return False
    # hedged, not "or"
    if any(f.assertion is not Assertion.PRESENT or 0 < f.hedged < ALTERNATIVE for f in found):
        return False
    if text[: found[0].start].strip():
        return False
    pos, joined = found[0].end, False
    for f in found[1:]:
        gap = text[pos : f.start]
        if not _LIST_GAP.fullmatch(gap):
            return False
        joined = joined or bool(gap.strip(" ,"))
        pos = f.end
    return joined and _TAIL.fullmatch(text, pos) is not None
