"""One report's findings for comparison: per concept, what the report states about it.

:func:`report_findings` reads a :class:`~medkg.extract.types.ReportExtraction` (FINDINGS,
IMPRESSION or unheaded text; indication, history and comparison do not count; hypothetical
mentions and anatomy are not findings) and merges the mentions of one concept into a
:class:`StatedFinding`: the strongest assertion (present over uncertain over absent) and, from
the mentions that state it, the sides, the severity, the sizes, the change and the sites.

A mention owns the words of its sentence between the finding mention before it and the one
after it (its *window*): "Small left apical pneumothorax, decreased in size since the prior
study" gives the pneumothorax the change "better"; "increased effusion and stable cardiomegaly"
gives each its own. Of several change words in a window the nearest counts. Sites are the
anatomy the extraction relates to the mention (``located_at``); when a finding has no side of
its own, the side of its sites, else the one side its sentence names, is used.

Examples
--------
>>> found = report_findings(extractor.extract("Increased moderate left pleural effusion (2.5 cm)."))
>>> f = found["C0032227"]
>>> f.assertion, f.sides, f.severity, f.sizes_mm, f.change
('present', frozenset({'left'}), 2, (25.0,), 'worse')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medkg.extract.relations import ANATOMY_TUIS
from medkg.extract.types import Assertion, ReportExtraction, Section

#: Sections that state what the image shows.
IMAGE_SECTIONS = frozenset({Section.FINDINGS, Section.IMPRESSION, Section.UNKNOWN})
#: Severity words on one scale (1 small, 2 moderate, 3 large).
SEVERITY = {
    "minimal": 1,
    "trace": 1,
    "tiny": 1,
    "small": 1,
    "mild": 1,
    "slight": 1,
    "subtle": 1,
    "moderate": 2,
    "medium": 2,
    "large": 3,
    "severe": 3,
    "marked": 3,
    "extensive": 3,
    "massive": 3,
    "big": 3,
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|millimeters?|cm|centimeters?)\b", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?P<new>new|newly|interval (?:development|appearance)|developing)\b"
    r"|\b(?P<worse>increas\w*|worse\w*|enlarg\w*|progress\w*|larger|more prominent)\b"
    r"|\b(?P<better>decreas\w*|improv\w*|smaller|less prominent|resolv\w*|diminish\w*|reduc\w*|clearing)\b"
    r"|\b(?P<same>unchanged|stable|persistent|persists|again (?:seen|noted)|no (?:significant )?change)\b",
    re.IGNORECASE,
)
_SIDE = re.compile(r"\b(left|right|bilateral(?:ly)?|both|bibasilar|bibasal|biapical)\b", re.IGNORECASE)
#: Levels of certainty an assertion stands for.
LEVEL = {"present": 2, "uncertain": 1, "absent": 0}


@dataclass(frozen=True, slots=True)
class StatedFinding:
    """What one report states about one concept."""

    cui: str
    name: str
    assertion: str  # "present" | "uncertain" | "absent"
    sentence: str
    sides: frozenset[str] = frozenset()
    severity: int | None = None  # 1 small / mild, 2 moderate, 3 large / severe
    sizes_mm: tuple[float, ...] = ()
    change: str | None = None  # "new" | "worse" | "better" | "same"
    sites: frozenset[str] = frozenset()  # anatomy CUIs it is located at
    historical: bool = False
    qualifier: str = ""  # for anatomy made a finding by its qualifier: "degenerative", "enlarged", ...
    suggests: frozenset[str] = frozenset()  # keys of the findings the report gives this one as evidence for

    @property
    def key(self) -> str:
        """The concept, with its qualifier when it has one ("MKG:D008168#low volume")."""
        return f"{self.cui}#{self.qualifier}" if self.qualifier else self.cui

    @property
    def positive(self) -> bool:
        """Stated as present or uncertain."""
        return self.assertion != "absent"


def report_findings(
    extraction: ReportExtraction, ontology=None, memo: dict[tuple[str, str], bool] | None = None
) -> dict[str, StatedFinding]:
    """``key → StatedFinding`` for the findings a report states (see the module docstring).

    ``memo`` keeps, across calls with one ontology, whether a (CUI, link method) is anatomy.
    """
    mentions = extraction.mentions
    memo = {} if memo is None else memo
    anatomy = []
    for m in mentions:
        known = memo.get((m.cui, m.method))
        if known is None:
            known = memo[(m.cui, m.method)] = _is_anatomy(m, ontology)
        anatomy.append(known)
    level_of = [
        m.assertion.value if isinstance(m.assertion, Assertion) else str(m.assertion) for m in mentions
    ]
    sites: dict[int, list[int]] = {}
    suggests: dict[int, list[int]] = {}
    for rel in extraction.relations:
        if rel.kind == "located_at" and anatomy[rel.target] and not anatomy[rel.source]:
            sites.setdefault(rel.source, []).append(rel.target)
        elif rel.kind == "suggestive_of" and not anatomy[rel.source] and not anatomy[rel.target]:
            suggests.setdefault(rel.source, []).append(rel.target)
    keys = [_key(m) for m in mentions]
    # finding mentions per sentence, in order, for the windows
    by_sentence: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        if not anatomy[i]:
            by_sentence.setdefault(m.sentence, []).append(i)
    grouped: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        if anatomy[i] or m.section not in IMAGE_SECTIONS or m.hypothetical:
            continue
        grouped.setdefault(keys[i], []).append(i)
    out: dict[str, StatedFinding] = {}
    for key, idx in grouped.items():
        cui, _, qualifier = key.partition("#")
        best = max(idx, key=lambda i: (LEVEL[level_of[i]], -mentions[i].start))
        level = level_of[best]
        stating = [i for i in idx if level_of[i] == level]
        # an absent finding needs only its sides (a denial on the other side is no denial)
        windows = [_window(extraction, i, by_sentence) for i in stating] if level != "absent" else []
        sides = {s for i in stating if mentions[i].laterality for s in _sides(mentions[i].laterality)}
        if not sides:  # the side of its sites, else of the signs that suggest it
            sides = {
                s
                for i in stating
                for j in sites.get(i, ())
                if mentions[j].laterality
                for s in _sides(mentions[j].laterality)
            }
        if not sides:
            sides = {
                s
                for j, targets in suggests.items()
                if set(targets) & set(stating) and mentions[j].laterality
                for s in _sides(mentions[j].laterality)
            }
        sentence = _sentence(extraction, mentions[best].sentence)
        if not sides and windows:  # "blunting of the left costophrenic angle, likely a small effusion"
            named = {s for text, _at in windows for w in _SIDE.findall(text) for s in _sides(_side_word(w))}
            sides = named if len(named) == 1 else set()
        severities = [SEVERITY[mentions[i].severity] for i in stating if mentions[i].severity in SEVERITY]
        out[key] = StatedFinding(
            cui,
            mentions[best].name,
            level,
            sentence,
            frozenset(sides),
            max(severities) if severities else None,
            tuple(sorted({size for text, _at in windows for size in _sizes(text)})),
            next((c for c in (_change(text, at) for text, at in windows) if c), None),
            frozenset(mentions[j].cui for i in stating for j in sites.get(i, ())),
            all(mentions[i].historical for i in stating),
            qualifier,
            frozenset(keys[j] for i in stating for j in suggests.get(i, ())),
        )
    return out


_QUALIFIERS = (
    ("low volume", re.compile(r"\blow\b|\bdecreased\b|\bhypoinflat|\bpoor(?:ly)? inflat|\bvolume", re.I)),
    ("hyperinflated", re.compile(r"hyperinflat|hyperexpan|overinflat|flatten", re.I)),
    ("degenerative", re.compile(r"degenerat|spondyl|osteophyt|arthrit", re.I)),
    ("tortuous", re.compile(r"tortu|unfold|ectatic", re.I)),
    ("calcified", re.compile(r"calcif|atherosclero", re.I)),
    ("enlarged", re.compile(r"enlarg|prominen|widen|increased", re.I)),
    ("blunted", re.compile(r"blunt", re.I)),
)


def _qualifier(text: str) -> str:
    """The kind of qualifier that made an anatomy mention a finding."""
    for name, pattern in _QUALIFIERS:
        if pattern.search(text):
            return name
    words = re.findall(r"[a-z]+", text.lower())
    return words[-1] if words else "abnormal"


def _key(m) -> str:
    """A finding's identity in its report: the concept, with its qualifier for qualified anatomy,
    and "old" for an old one ("healed rib fractures" beside "an acute rib fracture" are two)."""
    if m.method == "qualifier":
        qualifier = _qualifier(m.text)
    else:
        qualifier = "old" if m.historical and m.assertion is not Assertion.ABSENT else ""
    return f"{m.cui}#{qualifier}" if qualifier else m.cui


def _is_anatomy(m, ontology) -> bool:
    """Anatomy is a place, not a finding, unless its qualifier made it one ("degenerative changes
    of the thoracic spine", "the cardiac silhouette is enlarged": method ``"qualifier"``)."""
    if m.method == "qualifier":
        return False
    tuis = set(m.semantic_types)
    if ontology is not None and m.cui in ontology:
        tuis = set(ontology[m.cui].tuis) or tuis
    return bool(tuis) and tuis <= ANATOMY_TUIS


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "bilateral" else (side,)


def _side_word(word: str) -> str:
    word = word.lower()
    return word if word in ("left", "right") else "bilateral"


def _sentence(extraction: ReportExtraction, index: int) -> str:
    if not 0 <= index < len(extraction.sentences):
        return ""
    span = extraction.sentences[index]
    return extraction.text[span.start : span.end].strip()


def _window(extraction: ReportExtraction, i: int, by_sentence: dict[int, list[int]]) -> tuple[str, int]:
    """The text mention ``i`` owns in its sentence and the mention's offset in it."""
    m = extraction.mentions[i]
    if not 0 <= m.sentence < len(extraction.sentences):
        return "", 0
    span = extraction.sentences[m.sentence]
    order = by_sentence.get(m.sentence, [i])
    k = order.index(i)
    left = extraction.mentions[order[k - 1]].end if k > 0 else span.start
    right = extraction.mentions[order[k + 1]].start if k + 1 < len(order) else span.end
    left, right = min(left, m.start), max(right, m.end)
    return extraction.text[left:right], m.start - left


def _sizes(text: str) -> list[float]:
    if "m" not in text:  # every unit ends in "m" (mm, cm, millimeters, centimeters): most windows have none
        return []
    return [
        float(m.group(1)) * (10.0 if m.group(2).lower().startswith("c") else 1.0)
        for m in _SIZE.finditer(text)
    ]


def _change(text: str, at: int) -> str | None:
    """The change word nearest the mention in its window."""
    found = [(abs(m.start() - at), m.lastgroup) for m in _CHANGE.finditer(text)]
    return min(found)[1] if found else None


__all__ = ["IMAGE_SECTIONS", "LEVEL", "SEVERITY", "StatedFinding", "report_findings"]
