"""Laterality and severity modifiers of a finding (RadGraph's "modify" words).

A modifier word counts when it is inside the mention ("left pleural effusion"), among the
:data:`WINDOW` words before it in the same clause with no other finding between them ("small left
pleural effusion", "mild bibasilar atelectasis"), or — for laterality — in a location phrase right
after it ("atelectasis in the left base", "effusion on the right").

Examples
--------
>>> t = "Small left pleural effusion and bibasilar atelectasis. Opacity in the right base."
>>> modifiers(t, 11, 27, 0, 54), modifiers(t, 42, 53, 28, 54), modifiers(t, 55, 62, 55, 81)
(('left', 'small'), ('bilateral', None), ('right', None))
"""

from __future__ import annotations

import re

WINDOW = 4

LATERALITY: dict[str, str] = {
    "left": "left", "right": "right", "bilateral": "bilateral", "bilaterally": "bilateral",
    "both": "bilateral", "bibasilar": "bilateral", "bibasal": "bilateral", "biapical": "bilateral",
    "bihilar": "bilateral", "lt": "left", "rt": "right",
}
SEVERITY: dict[str, str] = {
    "mild": "mild", "mildly": "mild", "minimal": "mild", "minor": "mild", "slight": "mild",
    "slightly": "mild", "trace": "small", "tiny": "small", "small": "small", "moderate": "moderate",
    "moderately": "moderate", "severe": "severe", "severely": "severe", "marked": "severe",
    "markedly": "severe", "large": "large", "massive": "large", "extensive": "large",
    "borderline": "borderline", "subtle": "mild", "significant": "moderate",
}
#: Every word that can be a modifier: a sentence without any of them has none (a fast pre-check).
MODIFIER_WORDS = frozenset(LATERALITY) | frozenset(SEVERITY)

_CLAUSE = re.compile(r"[,;:.()]|\b(?:and|or|with|without|no|but)\b")
_WORDS = re.compile(r"[a-z]+")


def may_have_modifiers(sentence: str) -> bool:
    """False when no word of ``sentence`` is a modifier word, so every mention in it has none.

    >>> may_have_modifiers("No pneumothorax."), may_have_modifiers("Small left effusion.")
    (False, True)
    """
    return not MODIFIER_WORDS.isdisjoint(_WORDS.findall(sentence.lower()))
_AFTER = re.compile(
    r"\s*(?:(?:is|are|seen|noted|present)\s+)?(?:in|at|of|within|involving|on|along|over|to)\s+"
    r"(?:the\s+)?(?:[a-z]+\s+){0,2}?(left|right|bilateral|both|bibasilar|lt|rt)\b"
    r"|\s*,?\s*(left|right|bilateral|bilaterally)\b(?:\s+(?:greater|more)\s+than\s+(?:left|right))?"
    r"(?!\s+(?:upper|lower|middle|mid|base|lung|apex|hilum|hemi))"
)


def modifiers(text: str, start: int, end: int, floor: int, ceiling: int) -> tuple[str | None, str | None]:
    """``(laterality, severity)`` of the mention at ``text[start:end]``.

    ``floor`` and ``ceiling`` bound the search (the sentence, or the neighbouring findings).
    """
    lat = sev = None
    low_inside = text[start:end].lower()
    before = text[max(floor, 0) : start].lower()
    cuts = list(_CLAUSE.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    inside = _WORDS.findall(low_inside)
    inside_n = len(inside)
    words = inside + _WORDS.findall(before)[-WINDOW:][::-1]
    for word in reversed(words[:inside_n]) if inside_n else ():
        lat = lat or LATERALITY.get(word)
        sev = sev or SEVERITY.get(word)
    for word in words[inside_n:]:
        lat = lat or LATERALITY.get(word)
        sev = sev or SEVERITY.get(word)
    if lat is None:
        m = _AFTER.match(text, end, ceiling) if "\n" not in text[end : end + 2] else None
        if m:
            lat = LATERALITY.get((m.group(1) or m.group(2)).lower())
    if lat in ("left", "right"):
        span = words
        if "left" in span and "right" in span:
            lat = "bilateral"
    return lat, sev
