"""RadGraph-style relations between the mentions of one sentence.

* ``located_at``: a finding → the anatomy mention nearest to it in its sentence ("opacity in the
  right lower lobe"), when no other finding lies between them.
* ``suggestive_of``: finding A → finding B when a suggestion phrase joins them ("opacity ... may
  represent pneumonia", "consistent with", "concerning for").
* ``modify``: a finding → the finding right after it when nothing but modifiers separate them
  ("calcified granuloma" split as two concepts, "bullous emphysema").

Examples
--------
>>> from medkg.extract.text import fold
>>> from medkg.extract.types import Mention, Section
>>> ms = [Mention("C1", "opacity", "opacity", 0, 7, Section.FINDINGS, 0, semantic_types=("T033",)),
...       Mention("C2", "pneumonia", "pneumonia", 25, 34, Section.FINDINGS, 0, semantic_types=("T047",))]
>>> [(r.kind, r.source, r.target) for r in find_relations(fold("Opacity may represent pneumonia."), ms)]
[('suggestive_of', 0, 1)]
"""

from __future__ import annotations

import re

from medkg.extract.types import Mention, MentionRelation

#: Semantic types of anatomy (body parts, spaces, locations, tissues).
ANATOMY_TUIS = frozenset({"T023", "T029", "T030", "T024", "T025", "T026", "T018", "T021", "T022", "T082"})

_SUGGEST = re.compile(
    r"\b(?:may|might|could|likely|probably|most likely|xxxx)?\s*(?:represent|represents|representing|reflect|"
    r"reflects|reflecting|indicate|indicates|suggest|suggests|suggesting|be)\b|\b(?:suggestive of|"
    r"consistent with|compatible with|concerning for|suspicious for|worrisome for|compatible|due to|"
    r"secondary to|related to|from|possibly|probably|likely|versus|vs|or)\b"
)
_LOCATION = re.compile(r"^\s*(?:(?:in|at|of|within|involving|along|over|overlying|projecting over|"
                       r"the|both|left|right|bilateral|lower|upper|middle|mid|posterior|anterior|lateral|"
                       r"medial|xxxx|base|bases|a|an)\s+)*$")
_ADJACENT = re.compile(r"^\s*(?:and\s+)?$")
MAX_LOCATION_GAP = 40


def is_anatomy(mention: Mention) -> bool:
    return bool(mention.semantic_types) and all(t in ANATOMY_TUIS for t in mention.semantic_types)


def find_relations(folded: str, mentions, ontology=None) -> list[MentionRelation]:
    """Relations among ``mentions`` (sorted by start) of one report; indexes into ``mentions``."""
    out: list[MentionRelation] = []
    n = len(mentions)
    for i in range(n):
        a = mentions[i]
        a_anat = is_anatomy(a)
        for j in range(i + 1, n):
            b = mentions[j]
            if b.sentence != a.sentence:
                break
            b_anat = is_anatomy(b)
            gap = folded[a.end + 1 : b.start + 1]
            if a_anat and not b_anat:
                if j == i + 1 and len(gap) <= MAX_LOCATION_GAP and _LOCATION.match(gap):
                    out.append(MentionRelation("located_at", j, i))
            elif b_anat and not a_anat:
                if len(gap) <= MAX_LOCATION_GAP and _LOCATION.match(gap) and _nearest_finding(mentions, i, j):
                    out.append(MentionRelation("located_at", i, j))
            elif not a_anat and not b_anat:
                if j == i + 1 and _ADJACENT.match(gap) and not gap.strip():
                    out.append(MentionRelation("modify", i, j))
                elif _SUGGEST.search(gap) and a.assertion.value != "absent":
                    out.append(MentionRelation("suggestive_of", i, j))
    return out


def _nearest_finding(mentions, i: int, j: int) -> bool:
    return all(is_anatomy(mentions[k]) for k in range(i + 1, j))
