"""RadGraph-style relations between the mentions of one sentence.

* ``located_at``: a finding → the anatomy mention nearest to it in its sentence ("opacity in the
  right lower lobe"), when no other finding lies between them.
* ``suggestive_of``: finding A → finding B when a suggestion phrase joins them ("opacity ... may
  represent pneumonia", "consistent with", "concerning for").
* ``modify``: a finding → the finding right after it when nothing but modifiers separate them
  ("calcified granuloma" split as two concepts, "bullous emphysema").

Examples
--------
>>> from medkg.link.text import fold
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

#: Words that say finding A points to diagnosis B ("opacity may represent pneumonia"). Differentials
#: ("atelectasis versus scar") and causes ("elevated from splinting") are not suggestions.
_SUGGEST = re.compile(
    r"\b(?:may|might|could|can|would|likely|probably|most likely|xxxx)\s+(?:be\s+)?(?:represent|reflect|"
    r"indicate|suggest|due to|secondary to|related to)?"
    r"|\b(?:represents?|representing|representative of|reflects?|reflecting|indicates?|indicating|"
    r"suggests?|suggesting|suggestive of|consistent with|compatible with|in keeping with|concerning for|"
    r"suspicious for|worrisome for|probable|possible|likely|probably|possibly|xxxx)\b"
)
#: Words allowed between a finding and its location ("opacity is seen in the left lower lobe").
_LOCATION_WORDS = frozenset(
    "in at of within involving along over overlying projecting projected on to near the a an both left "
    "right bilateral bilaterally lower upper middle mid posterior anterior lateral medial distal proximal "
    "xxxx base bases is are seen noted present identified again visualized partially tip tips zone zones "
    "region aspect portion".split()
)
#: Side words: "granuloma left base" locates the finding without a preposition.
_SIDES = frozenset("left right bilateral bilaterally both".split())
#: Gap between coordinated findings that share a location ("scarring or atelectasis in the base").
#: Only "or" lists: "opacity and pneumonia in the lung" locates just the nearest finding.
_COORDINATED = re.compile(r"(?:\s|\b(?:and\s+)?(?:or|nor)\b)*")
#: Words allowed between a modifier finding and the finding it modifies ("calcified right lower lobe
#: granuloma"): sides, lung regions, and "and" joining two regions.
_MODIFY_WORDS = frozenset(
    "left right bilateral lower upper middle mid lobe lobes lung lungs perihilar hilar basilar apical "
    "and xxxx".split()
)
_PREPOSITION = re.compile(r"\b(?:in|at|of|within|involving|along|over|overlying|on|to|near)\b")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")
MAX_LOCATION_GAP = 40


def is_anatomy(mention: Mention) -> bool:
    """Whether every semantic type of ``mention`` is an anatomy type (:data:`ANATOMY_TUIS`)."""
    return bool(mention.semantic_types) and all(t in ANATOMY_TUIS for t in mention.semantic_types)


def finding_indexes(mentions, relations=()) -> list[int]:
    """Indexes of the mentions that state a finding: every observation, and anatomy only when
    qualified — a ``"qualifier"`` mention ("lungs are hypoinflated") or the target of a ``modify``
    relation. A bare anatomy mention ("the mediastinum", "spine") names a place, not a finding.

    >>> from medkg.extract.types import Mention, Section
    >>> ms = [Mention("C1", "Lung", "lungs", 4, 9, Section.FINDINGS, 0, semantic_types=("T023",)),
    ...       Mention("C1", "Lung", "low lung volumes", 20, 36, Section.FINDINGS, 1,
    ...               semantic_types=("T023",), method="qualifier")]
    >>> finding_indexes(ms)
    [1]
    """
    modified = {r.target for r in relations if r.kind == "modify"}
    return [i for i, m in enumerate(mentions)
            if m.method == "qualifier" or i in modified or not is_anatomy(m)]


def find_relations(folded: str, mentions, ontology=None) -> list[MentionRelation]:
    """Relations among ``mentions`` (sorted by start) of one report; indexes into ``mentions``.

    Parameters
    ----------
    folded:
        :func:`medkg.link.text.fold` of the report text (padded by one space each side).
    mentions:
        The report's mentions, sorted by ``start``.
    ontology:
        Unused; kept for callers that pass it.

    Returns
    -------
    list of MentionRelation

    Examples
    --------
    >>> from medkg.link.text import fold
    >>> from medkg.extract.types import Mention, Section
    >>> ms = [Mention("C1", "granuloma", "granuloma", 0, 9, Section.FINDINGS, 0, semantic_types=("T046",)),
    ...       Mention("C2", "lung", "lung", 17, 21, Section.FINDINGS, 0, semantic_types=("T023",))]
    >>> find_relations(fold("Granuloma in left lung."), ms)
    [MentionRelation(kind='located_at', source=0, target=1)]
    """
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
                # "right lower lobe opacity": anatomy right before the finding
                if j == i + 1 and (gap == " " or (len(gap) <= MAX_LOCATION_GAP
                                                  and _only(gap, _LOCATION_WORDS, commas=False))):
                    out.append(MentionRelation("located_at", j, i))
                elif (a.method == "qualifier" and _SUGGEST.search(gap) and a.assertion.value != "absent"
                      and b.assertion.value != "absent"):
                    # anatomy its qualifier made a sign: "blunting of the left costophrenic angle,
                    # likely a small effusion"
                    out.append(MentionRelation("suggestive_of", i, j))
            elif b_anat and not a_anat:
                last = _coordinated_end(mentions, i, j, folded)
                if last is None:
                    continue
                gap = folded[mentions[last].end + 1 : b.start + 1]
                if (len(gap) <= MAX_LOCATION_GAP and (gap == " " or _only(gap, _LOCATION_WORDS, commas=False))
                        and (_PREPOSITION.search(gap) or _sided(gap, folded, b))):
                    out.append(MentionRelation("located_at", i, j))
            elif not a_anat and not b_anat:
                if _only_anatomy_between(mentions, i, j) and (
                        gap == " " or (_only(gap, _MODIFY_WORDS, commas=False)
                                       and "and" not in (gap.split()[0], gap.split()[-1]))):
                    out.append(MentionRelation("modify", i, j))
                elif _SUGGEST.search(gap) and a.assertion.value != "absent" and b.assertion.value != "absent":
                    out.append(MentionRelation("suggestive_of", i, j))
    return out


def _only(gap: str, allowed: frozenset[str], *, commas: bool) -> bool:
    """Whether ``gap`` holds only ``allowed`` words (and ordinals), with no punctuation unless ``commas``.

    Folded text turns punctuation into spaces, so two spaces in a row mean punctuation was there.
    """
    if not commas and "  " in gap:
        return False
    words = gap.split()
    return bool(words) and all(w in allowed or _ORDINAL.match(w) for w in words)


def _coordinated_end(mentions, i: int, j: int, folded: str) -> int | None:
    """The last finding coordinated with finding ``i`` before anatomy ``j`` (``i`` itself when none
    lies between), or ``None`` when another finding intervenes: "scarring or atelectasis in the
    left base" locates both findings."""
    last = i
    for k in range(i + 1, j):
        if is_anatomy(mentions[k]):
            continue
        gap = folded[mentions[last].end + 1 : mentions[k].start + 1]
        if k != last + 1 or gap == " " or not _COORDINATED.fullmatch(gap):
            return None
        last = k
    return last


def _only_anatomy_between(mentions, i: int, j: int) -> bool:
    return all(is_anatomy(mentions[k]) for k in range(i + 1, j))


def _sided(gap: str, folded: str, anatomy: Mention) -> bool:
    """Whether a side word opens the location ("granuloma left base", "atelectasis right midlung")."""
    words = gap.split() + folded[anatomy.start + 1 : anatomy.end + 1].split()[:1]
    return bool(words) and words[0] in _SIDES
