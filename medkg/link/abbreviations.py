"""Radiology abbreviations and in-text definitions, resolved through the ontology's names.

:data:`ABBREVIATIONS` maps an abbreviation as written (case-sensitive) to long forms; the first
long form the ontology knows (:meth:`Ontology.lookup`) gives the CUI, so no CUI is written here.
Definitions in the report itself — "chronic obstructive pulmonary disease (COPD)" — are found
Schwartz-Hearst style (the short form's letters start words of the preceding long form) and used
for the rest of that report.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.link.text import fold
>>> onto = Ontology.from_parts([Concept("C0018802", "Congestive heart failure")])
>>> [hit] = AbbreviationMatcher(onto).find("History of CHF.", fold("History of CHF."))
>>> hit.start, hit.end, hit.cui, hit.method
(11, 14, 'C0018802', 'abbreviation')
"""

from __future__ import annotations

import re

from medkg.link.hits import Hit, new_hit
from medkg.link.text import fold_phrase
from medkg.ontology.model import Ontology

#: Abbreviation (as written) → candidate long forms, most likely first.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "CHF": ("congestive heart failure", "heart failure"),
    "COPD": ("chronic obstructive pulmonary disease", "chronic obstructive lung disease"),
    "PICC": ("peripherally inserted central catheter", "central venous catheter"),
    "PICC line": ("peripherally inserted central catheter", "central venous catheter"),
    "ET tube": ("endotracheal tube",),
    "ETT": ("endotracheal tube",),
    "NG tube": ("nasogastric tube",),
    "NGT": ("nasogastric tube",),
    "OG tube": ("orogastric tube",),
    "CABG": ("coronary artery bypass graft", "coronary artery bypass"),
    "AICD": ("automatic implantable cardioverter defibrillator", "implantable defibrillator",
             "implantable cardioverter defibrillator"),
    "ICD": ("implantable cardioverter defibrillator", "implantable defibrillator"),
    "DJD": ("degenerative joint disease", "osteoarthritis"),
    "ILD": ("interstitial lung disease",),
    "PTX": ("pneumothorax",),
    "TB": ("tuberculosis",),
    "CAD": ("coronary artery disease",),
    "DISH": ("diffuse idiopathic skeletal hyperostosis",),
    "ARDS": ("acute respiratory distress syndrome",),
    "RUL": ("right upper lobe", "upper lobe of right lung"),
    "RML": ("right middle lobe", "middle lobe of right lung"),
    "RLL": ("right lower lobe", "lower lobe of right lung"),
    "LUL": ("left upper lobe", "upper lobe of left lung"),
    "LLL": ("left lower lobe", "lower lobe of left lung"),
    "SVC": ("superior vena cava",),
    "IVC": ("inferior vena cava",),
    "AAA": ("abdominal aortic aneurysm",),
    "HTN": ("hypertension",),
    "MVR": ("mitral valve replacement",),
    "AVR": ("aortic valve replacement",),
}

_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z]{1,7})s?\s*\)")


class AbbreviationMatcher:
    """Find abbreviations (case-sensitive, whole words) and link them through the ontology."""

    def __init__(self, ontology: Ontology, table: dict[str, tuple[str, ...]] | None = None) -> None:
        self.ontology = ontology
        self.links: dict[str, str] = {}
        for short, longs in (table or ABBREVIATIONS).items():
            for long in longs:
                found = ontology.lookup(long)
                if found:
                    self.links[short] = found[0].cui
                    break
        alternatives = sorted(self.links, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(a).replace(r"\ ", r"[\s-]+") for a in alternatives)
                       + r")s?(?![\w-])")
            if alternatives
            else None
        )
        self._first = {a[0] for a in alternatives}

    def find(self, text: str, folded: str, definitions: dict[str, str] | None = None) -> list[tuple]:
        """Abbreviation hits in ``text`` (report offsets), plus in-text defined short forms.

        ``definitions`` (short form → CUI) default to those defined in ``text`` itself
        (:meth:`definitions`); pass the whole report's when ``text`` is one of its sentences.
        """
        out: list[tuple] = []
        local = self.definitions(text) if definitions is None else definitions
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                key = " ".join(m.group(1).replace("-", " ").split())
                cui = self.links.get(key) or self.links.get(m.group(1))
                if cui:
                    out.append(new_hit(Hit, (m.start(), m.end(), cui, "abbreviation", None, m.start(), 1.0)))
        for short, cui in local.items():
            for m in re.finditer(rf"(?<!\w){re.escape(short)}(?!\w)", text):
                out.append(new_hit(Hit, (m.start(), m.end(), cui, "abbreviation", None, m.start(), 1.0)))
        return out

    def definitions(self, text: str) -> dict[str, str]:
        """Short forms defined as "long form (SF)" whose long form the ontology knows."""
        found: dict[str, str] = {}
        if "(" not in text:
            return found
        for m in _DEFINITION.finditer(text):
            short = m.group(1)
            words = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 120) : m.start()])
            letters = [c for c in short.lower() if c.isalpha()]
            if not letters or len(words) < len(letters):
                continue
            for n in range(len(letters), min(len(letters) + 3, len(words)) + 1):
                cand = words[-n:]
                if cand[0][0].lower() != letters[0]:
                    continue
                concepts = self.ontology.lookup(fold_phrase(" ".join(cand)))
                if concepts:
                    found[short] = concepts[0].cui
                    break
        return found
