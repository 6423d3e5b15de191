"""The match record every matcher returns: a :class:`Hit` (dictionary, rule, abbreviation, fuzzy).

Examples
--------
>>> h = Hit(6, 23, "C0032227", "exact", None, 6, 1.0)
>>> h.cui, h.end - h.start, h == (6, 23, "C0032227", "exact", None, 6, 1.0)
('C0032227', 17, True)
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Hit(NamedTuple):
    """One concept match in a folded sentence or report (offsets into that text)."""

    start: int
    end: int
    cui: str
    #: ``exact``, ``rule``, ``qualifier``, ``descriptor``, ``abbreviation`` or ``fuzzy``.
    method: str
    #: The :class:`medkg.extract.Assertion` a composite rule fixes ("lungs are clear"), else None.
    assertion: Any
    #: Where assertion context is looked for (the finding word of a rule, else ``start``).
    focus: int
    score: float


#: ``new_hit(Hit, (start, end, ...))`` builds a :class:`Hit` without the Python-level ``__new__``
#: (the matchers' hot loops).
new_hit = tuple.__new__
