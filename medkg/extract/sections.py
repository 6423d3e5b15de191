"""Report sections: find radiology headers and combine section columns into one text.

Headers are matched case-insensitively when they start a line or follow a sentence end and are
followed by a colon (``"FINDINGS:"``, ``"Impression -"`` is not a header). Common variants and
typos map to the canonical :class:`~medkg.extract.types.Section`.

Examples
--------
>>> [(s.section.value, s.header) for s in find_sections("INDICATION: cough\\nFINDINGS: clear")]
[('indication', 'INDICATION:'), ('findings', 'FINDINGS:')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from medkg.errors import ExtractionError
from medkg.extract.types import Section, SectionSpan

#: Header words (lower case) → canonical section. Variants seen in chest radiograph reports.
HEADER_NAMES: dict[str, Section] = {
    **dict.fromkeys(
        [
            "findings",
            "finding",
            "findngs",
            "fndings",
            "findins",
            "report",
            "body",
            "description",
            "observations",
            "findings and impression",
            "findings impression",
            "findings/impression",
            "impression and findings",
            "addendum",
            "wet read",
        ],
        Section.FINDINGS,
    ),
    **dict.fromkeys(
        [
            "impression",
            "impressions",
            "impresion",
            "impressio",
            "pression",
            "conclusion",
            "conclusions",
            "summary",
            "diagnosis",
            "opinion",
            "assessment",
            "interpretation",
        ],
        Section.IMPRESSION,
    ),
    **dict.fromkeys(
        [
            "indication",
            "indications",
            "indicaton",
            "reason for exam",
            "reason for examination",
            "reason for study",
            "reason",
            "indication for exam",
            "indication for examination",
            "clinical indications",
            "clinical indication",
            "clinical information",
            "clinical question",
            "admit comments",
            "medical condition",
            "complaint",
        ],
        Section.INDICATION,
    ),
    **dict.fromkeys(
        [
            "history",
            "clinical history",
            "patient history",
            "hx",
            "clinical hx",
            "past history",
            "medical history",
            "clinical",
        ],
        Section.HISTORY,
    ),
    **dict.fromkeys(
        [
            "comparison",
            "comparisons",
            "comparision",
            "comparisson",
            "prior",
            "priors",
            "prior studies",
            "prior study",
            "compared",
            "comparison exam",
            "reference exam",
            "prior exam",
        ],
        Section.COMPARISON,
    ),
    **dict.fromkeys(
        [
            "technique",
            "techniques",
            "examination",
            "exam",
            "procedure",
            "views",
            "study",
            "type of examination",
        ],
        Section.TECHNIQUE,
    ),
    **dict.fromkeys(
        ["recommendation", "recommendations", "recommendation(s)", "recommend", "follow up", "followup"],
        Section.RECOMMENDATION,
    ),
    **dict.fromkeys(["notification", "notifications", "communication"], Section.NOTIFICATION),
}

_HEADER = re.compile(
    r"(?:^|(?<=[\n.;]))[ \t]*(?P<header>(?P<name>"
    + "|".join(sorted((re.escape(h).replace(r"\ ", r"[ \t]+") for h in HEADER_NAMES), key=len, reverse=True))
    + r")[ \t]*:)",
    re.IGNORECASE,
)
#: A wet read's title line, with or without a colon ("WET READ VERSION #1 ___ 8:26 PM").
_WET_READ = re.compile(r"^[ \t]*(?P<header>WET READ\b[^\n]*)", re.MULTILINE)
#: An upper-case line that may name the study ("PA AND LATERAL CHEST RADIOGRAPH:",
#: "PORTABLE AP CHEST FILM ___ AT 21:30"): up to a colon that ends a header, or the whole line.
_PSEUDO = re.compile(
    r"^[ \t]*(?P<header>(?P<name>[A-Z0-9_(][A-Z0-9_ \t,/&().#'-]*(?::(?=\d)[A-Z0-9_ \t,/&().#'-]*)*)"
    r"(?::(?=[ \t\n]|$)|(?=[ \t]*$)))",
    re.MULTILINE,
)
#: Words that make an upper-case line a study description, which introduces what the image shows.
_STUDY_WORDS = re.compile(r"\b(?:CHEST|RADIOGRAPHS?|FILMS?|CXR|X-RAYS?|VIEWS?)\b")
#: A blank line: a paragraph break.
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
#: Sections that hold one paragraph: unheaded paragraphs after them describe the image.
_ONE_PARAGRAPH = frozenset({Section.INDICATION, Section.HISTORY, Section.COMPARISON, Section.TECHNIQUE})


@lru_cache(maxsize=1024)
def section_of(name: str) -> Section:
    """The canonical section of a header or column name; ``UNKNOWN`` when not recognised.

    >>> section_of("Impressions"), section_of("uid")
    (<Section.IMPRESSION: 'impression'>, <Section.UNKNOWN: 'unknown'>)
    """
    key = " ".join(name.lower().replace("_", " ").rstrip(":").split())
    return HEADER_NAMES.get(key, Section.UNKNOWN)


def _headers(text: str) -> list[tuple[int, Section, str]]:
    """``(start, section, header as written)`` of every header, in order, none overlapping."""
    hits: list[tuple[int, int, Section, str]] = []
    if ":" in text:
        hits += [(m.start("header"), m.end("header"), section_of(m.group("name")), m.group("header"))
                 for m in _HEADER.finditer(text)]
    if "WET READ" in text:
        hits += [(m.start("header"), m.end("header"), Section.FINDINGS, m.group("header").rstrip())
                 for m in _WET_READ.finditer(text)]
    for m in _PSEUDO.finditer(text):
        name = m.group("name")
        if _STUDY_WORDS.search(name) is None or _HEADER.match(name + ":") is not None:
            continue
        hits.append((m.start("header"), m.end("header"), Section.FINDINGS, m.group("header").rstrip()))
    hits.sort(key=lambda h: (h[0], -h[1]))
    out: list[tuple[int, Section, str]] = []
    end = -1
    for start, stop, section, header in hits:
        if start >= end:
            out.append((start, section, header))
            end = stop
    return out


def find_sections(text: str) -> tuple[SectionSpan, ...]:
    """Split ``text`` at its headers.

    Headers are the names of :data:`HEADER_NAMES` followed by a colon, a wet read's title line,
    and upper-case study descriptions at a line start ("PA AND LATERAL CHEST RADIOGRAPH:",
    "PORTABLE AP CHEST FILM ___ AT 21:30", "CHEST, TWO VIEWS:"), which introduce findings. Text
    with no header at all describes the image: one ``FINDINGS`` span with header ``""``. Text
    before the first header is ``UNKNOWN`` (omitted when blank). An indication, history,
    comparison or technique section holds one paragraph: unheaded paragraphs after it are
    ``FINDINGS`` (header ``""``), as MIMIC-CXR writes reports whose findings follow the
    indication with no header.

    Parameters
    ----------
    text:
        One report.

    Returns
    -------
    tuple of SectionSpan
        Ordered, non-overlapping, covering the text after the first non-blank character.

    Examples
    --------
    >>> text = "INDICATION: Cough.\\n\\nThe lungs are clear.\\nIMPRESSION: Normal."
    >>> [(s.section.value, s.header) for s in find_sections(text)]
    [('indication', 'INDICATION:'), ('findings', ''), ('impression', 'IMPRESSION:')]
    """
    hits = _headers(text)
    if not hits:
        return (SectionSpan(Section.FINDINGS, "", 0, len(text)),) if text.strip() else ()
    spans: list[SectionSpan] = []
    first = hits[0][0]
    if text[:first].strip():
        spans.append(SectionSpan(Section.UNKNOWN, "", 0, first))
    for i, (start, section, header) in enumerate(hits):
        end = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        if section in _ONE_PARAGRAPH:
            body = start + len(header)
            lead = len(text[body:end]) - len(text[body:end].lstrip())
            brk = _PARAGRAPH.search(text, body + lead, end)
            if brk is not None and text[brk.end() : end].strip():
                spans.append(SectionSpan(section, header, start, brk.start()))
                spans.append(SectionSpan(Section.FINDINGS, "", brk.end(), end))
                continue
        spans.append(SectionSpan(section, header, start, end))
    return tuple(spans)


#: Column names that hold a whole report, headers and all ("report" is also a header word).
WHOLE_REPORT_COLUMNS = frozenset({"report", "text", "body", "note", "report text", "full report", "reports"})


def _column_section(name: str) -> Section:
    key = " ".join(name.lower().replace("_", " ").split())
    return Section.UNKNOWN if key in WHOLE_REPORT_COLUMNS else section_of(name)


def combine_sections(
    parts: Mapping[str, object], *, record: str | None = None
) -> tuple[str, tuple[SectionSpan, ...]]:
    """Join section texts into one report text, in the mapping's order.

    ``{"findings": "Clear.", "impression": "Normal."}`` becomes
    ``"FINDINGS: Clear.\\n\\nIMPRESSION: Normal."``. Empty or missing (``None``, NaN) parts are left
    out. A part named by a section (:func:`section_of`: "findings", "Impression", "indication")
    is that section, whatever its text says. A part whose name is no section, or names a whole
    report (:data:`WHOLE_REPORT_COLUMNS`: "text", "report", "note"), holds report text with its
    own headers: it is split by :func:`find_sections`, and when it is the only part, the report
    is its text as is (``{"text": r}`` reads exactly as ``r``).

    Parameters
    ----------
    parts:
        Section name → text.
    record:
        Report id, for error messages.

    Returns
    -------
    (str, tuple of SectionSpan)

    Examples
    --------
    >>> text, spans = combine_sections({"findings": "Clear.", "impression": "Normal."})
    >>> text
    'FINDINGS: Clear.\\n\\nIMPRESSION: Normal.'
    >>> [(s.section.value, s.start, s.end) for s in spans]
    [('findings', 0, 16), ('impression', 18, 37)]
    >>> [s.section.value for s in combine_sections({"text": "INDICATION: Cough.\\nFINDINGS: Clear."})[1]]
    ['indication', 'findings']
    """
    present: list[tuple[str, str]] = []
    for name, value in parts.items():
        if value is None or (isinstance(value, float) and value != value):
            continue
        if not isinstance(value, str):
            raise ExtractionError(
                f"section {name!r} is a {type(value).__name__}, not text",
                record=record,
                hint="pass a str for every section (None to leave one out)",
            )
        if value.strip():
            present.append((str(name), value))
    if len(present) == 1 and _column_section(present[0][0]) is Section.UNKNOWN:
        return present[0][1], find_sections(present[0][1])
    chunks: list[str] = []
    spans: list[SectionSpan] = []
    pos = 0
    for name, value in present:
        body = value.strip()
        if chunks:
            pos += 2
        section = _column_section(name)
        if section is Section.UNKNOWN:
            chunk = body
            spans.extend(SectionSpan(s.section, s.header, s.start + pos, s.end + pos)
                         for s in find_sections(body))
        else:
            header = f"{name.strip().upper().replace('_', ' ')}:"
            chunk = f"{header} {body}"
            spans.append(SectionSpan(section, header, pos, pos + len(chunk)))
        chunks.append(chunk)
        pos += len(chunk)
    return "\n\n".join(chunks), tuple(spans)
