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
        ["recommendation", "recommendations", "recommend", "follow up", "followup"],
        Section.RECOMMENDATION,
    ),
}

_HEADER = re.compile(
    r"(?:^|(?<=[\n.;]))[ \t]*(?P<header>(?P<name>"
    + "|".join(sorted((re.escape(h).replace(r"\ ", r"[ \t]+") for h in HEADER_NAMES), key=len, reverse=True))
    + r")[ \t]*:)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def section_of(name: str) -> Section:
    """The canonical section of a header or column name; ``UNKNOWN`` when not recognised.

    >>> section_of("Impressions"), section_of("uid")
    (<Section.IMPRESSION: 'impression'>, <Section.UNKNOWN: 'unknown'>)
    """
    key = " ".join(name.lower().replace("_", " ").rstrip(":").split())
    return HEADER_NAMES.get(key, Section.UNKNOWN)


def find_sections(text: str) -> tuple[SectionSpan, ...]:
    """Split ``text`` at its headers.

    Text before the first header is an ``UNKNOWN`` section (omitted when blank). Each span runs
    from its header to the next header; ``header`` is the header as written (with the colon).

    Parameters
    ----------
    text:
        One report.

    Returns
    -------
    tuple of SectionSpan
        Ordered, non-overlapping, covering the text after the first non-blank character.
    """
    spans: list[SectionSpan] = []
    hits = list(_HEADER.finditer(text)) if ":" in text else []
    first = hits[0].start("header") if hits else len(text)
    if text[:first].strip():
        spans.append(SectionSpan(Section.UNKNOWN, "", 0, first))
    for i, m in enumerate(hits):
        end = hits[i + 1].start("header") if i + 1 < len(hits) else len(text)
        spans.append(SectionSpan(section_of(m.group("name")), m.group("header"), m.start("header"), end))
    return tuple(spans)


def combine_sections(
    parts: Mapping[str, object], *, record: str | None = None
) -> tuple[str, tuple[SectionSpan, ...]]:
    """Join section texts into one report text, in the mapping's order.

    ``{"findings": "Clear.", "impression": "Normal."}`` becomes
    ``"FINDINGS: Clear.\\n\\nIMPRESSION: Normal."``. Empty or missing (``None``, NaN) parts are left
    out. The section of each part is its key (:func:`section_of`), whatever its text says.

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
    """
    chunks: list[str] = []
    spans: list[SectionSpan] = []
    pos = 0
    for name, value in parts.items():
        if value is None or (isinstance(value, float) and value != value):
            continue
        if not isinstance(value, str):
            raise ExtractionError(
                f"section {name!r} is a {type(value).__name__}, not text",
                record=record,
                hint="pass a str for every section (None to leave one out)",
            )
        body = value.strip()
        if not body:
            continue
        if chunks:
            pos += 2
        header = f"{str(name).strip().upper().replace('_', ' ')}:"
        chunk = f"{header} {body}"
        spans.append(SectionSpan(section_of(str(name)), header, pos, pos + len(chunk)))
        chunks.append(chunk)
        pos += len(chunk)
    return "\n\n".join(chunks), tuple(spans)
