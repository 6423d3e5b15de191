"""Sentence boundaries inside sections.

A sentence ends at ``.``, ``?``, ``!`` or ``;``-free line breaks followed by white space or a capital
letter (``"apex.There"`` is two sentences), or at a blank line. Numbered-list markers (``"2."``)
start the next sentence instead of forming their own, and decimals (``"2.5 cm"``) never split.

Examples
--------
>>> from medkg.extract.sections import find_sections
>>> text = "1. No effusion. 2. Heart is normal.Lungs clear"
>>> [text[s.start:s.end] for s in split_sentences(text, find_sections(text))]
['1. No effusion.', '2. Heart is normal.', 'Lungs clear']
"""

from __future__ import annotations

import re

from medkg.extract.types import Section, SectionSpan, SentenceSpan

_BOUNDARY = re.compile(r"[.!?]+(?=\s|[A-Z]|$)|\n[ \t]*\n|\n(?=[ \t]*(?:\d+[.)]|[-*•])\s)")
_LIST_MARKER = re.compile(r"\d{1,2}[.)]?")
_ABBREVIATION = re.compile(r"(?:\b(?:dr|mr|mrs|ms|vs|approx|no|fig|st|e\.g|i\.e)|\b[a-z])\.$", re.IGNORECASE)
_SPACE = " \t\r\n"


def split_sentences(text: str, sections: tuple[SectionSpan, ...]) -> tuple[SentenceSpan, ...]:
    """Sentences of ``text``, never crossing a section boundary, indexed from 0.

    Parameters
    ----------
    text:
        The report text.
    sections:
        Its sections (:func:`~medkg.extract.sections.find_sections`); text outside every section
        is skipped.

    Returns
    -------
    tuple of SentenceSpan
        Trimmed of surrounding white space; empty sentences are dropped.
    """
    out: list[SentenceSpan] = []
    if not sections:
        sections = (SectionSpan(Section.UNKNOWN, "", 0, len(text)),)
    for sec in sections:
        start = sec.start + len(sec.header)
        pending = -1  # start of a list marker waiting for its sentence
        cuts = []
        for m in _BOUNDARY.finditer(text, start, sec.end):
            e = m.end()
            # an abbreviation is at most 3 letters (e.g, i.e, dr, ...) before a single "."
            if e - m.start() == 1 and text[e - 1] == "." and not text[e - 5 : e - 1].isalpha():
                if _ABBREVIATION.search(text, max(start, e - 6), e):
                    continue
            cuts.append(e)
        cuts.append(sec.end)
        for cut in cuts:
            s, e = start, cut
            start = cut
            while s < e and text[s] in _SPACE:
                s += 1
            while e > s and text[e - 1] in _SPACE:
                e -= 1
            if s >= e:
                continue
            if _LIST_MARKER.fullmatch(text, s, e):
                if pending < 0:
                    pending = s
                continue
            if pending >= 0:
                s, pending = pending, -1
            out.append(SentenceSpan(len(out), s, e, sec.section))
        if pending >= 0:
            out.append(SentenceSpan(len(out), pending, sec.end, sec.section))
    return tuple(out)
