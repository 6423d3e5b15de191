"""Split a MIMIC-CXR free-text report at its headers (``FINDINGS:``, ``IMPRESSION:`` ...).

MIMIC-CXR reports start with a ``FINAL REPORT`` title, then upper-case headers at the start of a
line followed by a colon. Keys are the headers lower-cased (``"findings"``, ``"clinical history"``);
text before the first header goes under ``"preamble"``; a report without headers is kept whole
under ``"report"``; a repeated header's texts are joined with a line break.

Examples
--------
>>> split_sections("FINAL REPORT\\nINDICATION: Cough.\\n\\nFINDINGS: Clear lungs.\\nIMPRESSION: Normal.")
{'indication': 'Cough.', 'findings': 'Clear lungs.', 'impression': 'Normal.'}
>>> split_sections("Lungs are clear.")
{'report': 'Lungs are clear.'}
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^[ \t]*(?P<name>[A-Z][A-Z /&()-]{1,40}?)[ \t]*:", re.MULTILINE)
_TITLE = re.compile(r"^\s*(FINAL REPORT|ADDENDUM)\s*$", re.MULTILINE)


def _clean(text: str) -> str:
    """Hard-wrapped lines joined with spaces; paragraphs (blank-line separated) with a line break."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text.strip()))
    return "\n".join(p for p in paragraphs if p)


def split_sections(text: str) -> dict[str, str]:
    """Report sections by lower-cased header, in the report's order (see module docstring)."""
    body = _TITLE.sub("", text)
    hits = list(_HEADER.finditer(body))
    if not hits:
        cleaned = _clean(body)
        return {"report": cleaned} if cleaned else {}
    out: dict[str, str] = {}
    preamble = _clean(body[: hits[0].start()])
    if preamble:
        out["preamble"] = preamble
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(body)
        name = " ".join(m.group("name").lower().split())
        chunk = _clean(body[m.end() : end])
        if not chunk:
            continue
        out[name] = f"{out[name]}\n{chunk}" if name in out else chunk
    return out
