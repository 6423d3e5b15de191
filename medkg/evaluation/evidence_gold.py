"""The evidence gold (``EVIDENCE.md``) and its fixed mapping to concepts.

A gold file has one JSON object per report::

    {"uid": "synth_0001", "items": [{"diagnosis": "Pneumonia", "evidence": ["opacity"],
     "location": ["right lower lobe"], "sentence": "..."}]}

:class:`EvidenceMatcher` maps the gold's words to concepts, once, with no tuning:

* a **diagnosis** (one of the 10 of MIMIC-NLE) → its CheXpert label's root concepts
  (:mod:`medkg.labels`, schema ``chexpert``), except Edema, which is pulmonary edema only (the
  CheXpert label also holds heart failure);
* an **evidence** name (for ``other:<words>``, the words) → the ontology's best lookup: an exact
  name or synonym (:meth:`Ontology.lookup`, a finding preferred to anatomy, then the lowest CUI),
  else the concept of the longest mention :func:`medkg.extract` finds in the name; a name that
  maps to nothing, or into the diagnosis's own concepts, stays a miss;
* a **location** → the anatomy mention ``medkg.extract(location)`` finds (the longest; laterality
  is a modifier and is ignored); a string with no anatomy ("bilateral", "right") is left out.

Examples
--------
>>> m = EvidenceMatcher.default()
>>> m.evidence_concept("opacity"), m.location_concept("right lower lobe")
('MKG:HP_0031457', 'MKG:right_lower_lobe')
>>> sorted(m.diagnosis_concepts("Edema"))
['C0034063']
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from medkg.errors import ParseError
from medkg.evaluation.jsonl import json_lines
from medkg.extract.relations import ANATOMY_TUIS
from medkg.labels import label_mapper
from medkg.ontology.model import Ontology

#: The 10 diagnoses of MIMIC-NLE, as the gold names them.
DIAGNOSES = (
    "Atelectasis",
    "Consolidation",
    "Edema",
    "Enlarged Cardiomediastinum",
    "Lung Lesion",
    "Lung Opacity",
    "Pleural Effusion",
    "Pleural Other",
    "Pneumonia",
    "Pneumothorax",
)
#: Case-folded name → the gold's spelling (a gold may write "pleural effusion").
_CANONICAL = {name.casefold(): name for name in DIAGNOSES}
#: Edema in the evidence gold is pulmonary edema (the CheXpert label also holds heart failure).
PULMONARY_EDEMA = "C0034063"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One gold statement: a diagnosis, the findings given as its evidence, where, and the sentence."""

    diagnosis: str
    evidence: tuple[str, ...]
    location: tuple[str, ...]
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceCase:
    """One report's gold: its uid and items (none: the report states no evidence)."""

    uid: str
    items: tuple[EvidenceItem, ...]

    @property
    def diagnoses(self) -> list[str]:
        """The case's diagnoses in the order the gold first names them."""
        return list(dict.fromkeys(item.diagnosis for item in self.items))


def read_evidence_gold(path: str | os.PathLike[str]) -> list[EvidenceCase]:
    """The cases of a gold JSONL file, in file order; a bad line raises :class:`ParseError`.

    Examples
    --------
    >>> cases = read_evidence_gold("evidence.jsonl")
    >>> cases[0].diagnoses, cases[0].items[0].evidence
    (['Pneumonia'], ('opacity',))
    """
    src = Path(path)
    cases: list[EvidenceCase] = []
    seen: set[str] = set()
    for n, obj in json_lines(src, "evidence gold file", "pass the JSONL of uid + items (EVIDENCE.md)"):
        if not isinstance(obj.get("uid"), str) or not isinstance(obj.get("items"), list):
            raise ParseError('expected {"uid": str, "items": [...]}', path=src, line=n)
        uid = obj["uid"]
        if uid in seen:
            raise ParseError("uid given twice", path=src, line=n, record=uid)
        seen.add(uid)
        cases.append(EvidenceCase(uid, tuple(_item(i, src, n, uid) for i in obj["items"])))
    return cases


def _item(raw: object, src: Path, line: int, uid: str) -> EvidenceItem:
    if not isinstance(raw, dict):
        raise ParseError("an item is not an object", path=src, line=line, record=uid)
    diagnosis = _CANONICAL.get(" ".join(str(raw.get("diagnosis", "")).split()).casefold())
    if diagnosis is None:
        raise ParseError(
            f"unknown diagnosis {raw.get('diagnosis')!r}",
            path=src,
            line=line,
            record=uid,
            hint=f"use one of {', '.join(DIAGNOSES)}",
        )
    lists = {}
    for key in ("evidence", "location"):
        value = raw.get(key, [])
        value = [value] if isinstance(value, str) else [] if value is None else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParseError(
                f"{key!r} of {diagnosis} is not a list of strings", path=src, line=line, record=uid
            )
        lists[key] = tuple(v.strip() for v in value if v.strip())
    sentence = raw.get("sentence", "")
    return EvidenceItem(
        diagnosis, lists["evidence"], lists["location"], sentence if isinstance(sentence, str) else ""
    )


class EvidenceMatcher:
    """The fixed mapping of gold words to concepts, and the concept sets a match may use.

    Parameters
    ----------
    ontology:
        The ontology the store was built with (default: the shipped seed).
    extractor:
        Finds the anatomy of a location and the concept of an unlisted evidence name (default:
        an extractor over ``ontology``).
    """

    def __init__(self, ontology: Ontology, extractor=None) -> None:
        self.ontology = ontology
        if extractor is None:
            from medkg.extract import Extractor

            extractor = Extractor(ontology)
        self.extractor = extractor
        self._labels = label_mapper("chexpert", ontology)
        self._memo: dict[tuple[str, str], object] = {}

    @classmethod
    def default(cls) -> EvidenceMatcher:
        """A matcher over the shipped seed ontology and the default extractor."""
        from medkg.extract import default_extractor

        extractor = default_extractor()
        return cls(extractor.ontology, extractor)

    # -- words → concepts --------------------------------------------------------------------
    def diagnosis_concepts(self, diagnosis: str) -> frozenset[str]:
        """The root concepts of a gold diagnosis (see the module docstring)."""
        if diagnosis == "Edema":
            return frozenset({PULMONARY_EDEMA})
        include, _exclude = self._labels.roots.get(diagnosis, (frozenset(), frozenset()))
        return frozenset(include)

    def evidence_concept(self, name: str) -> str | None:
        """The concept of an evidence name (``other:<words>``: the words), or None."""
        words = name.removeprefix("other:").strip()
        key = ("evidence", words.casefold())
        if key not in self._memo:
            found = sorted(self.ontology.lookup(words), key=lambda c: (self._is_anatomy(c.cui), c.cui))
            if found:
                self._memo[key] = found[0].cui
            else:
                mentions = self.extractor.extract(words, "gold").mentions
                best = max(mentions, key=lambda m: (m.end - m.start, -m.start), default=None)
                self._memo[key] = best.cui if best is not None else None
        return self._memo[key]  # type: ignore[return-value]

    def location_concept(self, location: str) -> str | None:
        """The anatomy concept of a location string, or None when it names no anatomy."""
        key = ("location", location.casefold())
        if key not in self._memo:
            mentions = [
                m for m in self.extractor.extract(location, "gold").mentions if self._is_anatomy(m.cui)
            ]
            best = max(mentions, key=lambda m: (m.end - m.start, -m.start), default=None)
            self._memo[key] = best.cui if best is not None else None
        return self._memo[key]  # type: ignore[return-value]

    # -- concept sets ------------------------------------------------------------------------
    def below(self, cuis: Iterable[str]) -> frozenset[str]:
        """``cuis`` and their ``is_a`` descendants in the ontology."""
        out: set[str] = set()
        for cui in cuis:
            out.add(cui)
            out |= self.ontology.descendants(cui)
        return frozenset(out)

    def sites(self, cui: str) -> frozenset[str]:
        """A location concept, its parts (``part_of``, transitively) and their ``is_a`` descendants."""
        out, todo = {cui}, [cui]
        while todo:
            whole = todo.pop()
            for part in self._parts.get(whole, set()) | self.ontology.descendants(whole):
                if part not in out:
                    out.add(part)
                    todo.append(part)
        return frozenset(out)

    def is_anatomy(self, cui: str) -> bool:
        """Whether all of a concept's semantic types are anatomy types."""
        return self._is_anatomy(cui)

    def _is_anatomy(self, cui: str) -> bool:
        concept = self.ontology.get(cui)
        return concept is not None and bool(concept.tuis) and set(concept.tuis) <= ANATOMY_TUIS

    @cached_property
    def _parts(self) -> dict[str, set[str]]:
        parts: dict[str, set[str]] = defaultdict(set)
        for rel in self.ontology.relations:
            if rel.rela == "part_of":
                parts[rel.tail].add(rel.head)
            elif rel.rela == "has_part":
                parts[rel.head].add(rel.tail)
        return parts
