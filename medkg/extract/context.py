"""Assertion of every finding: negation, uncertainty, history and hypotheticals (ConText-style).

Triggers (:mod:`medkg.extract.context_rules`) are found once per report with an Aho-Corasick
automaton over the folded text, longest match first, so pseudo-triggers ("no change") hide the
triggers inside them. A trigger reaches a finding in the same sentence when no terminator ("but",
"however", ``;``, a new clause after a comma) lies between them and the finding is within the
trigger's window. Lists stay in scope: "no effusion, pneumothorax, or consolidation" negates all
three. Among negation and uncertainty triggers the nearest one decides.

Examples
--------
>>> ctx = ContextMatcher()
>>> text = " no effusion or pneumothorax but mild atelectasis "
>>> triggers = ctx.find(text)
>>> [ctx.assert_span(text, triggers, s, e, 0, len(text))[0] for s, e in [(4, 12), (16, 28), (38, 49)]]
[<Assertion.ABSENT: 'absent'>, <Assertion.ABSENT: 'absent'>, <Assertion.PRESENT: 'present'>]
"""

from __future__ import annotations

import re
from bisect import bisect_left

import ahocorasick

from medkg.extract import context_rules as R
from medkg.extract.types import Assertion

#: A comma or "and" followed by a new clause ends a scope ("no effusion, the heart is large").
_CLAUSE_BREAK = re.compile(
    r"[;:]|,\s*(?:the|there|this|it|these|heart|lungs?|cardiac|mediastinal|no\s+(?:acute|active))\b"
    r"|\band\s+(?:the|there|this|it)\b",
    re.IGNORECASE,
)

Trigger = tuple[int, int, int, int]  # start, end (in folded text), flags, direction


class ContextMatcher:
    """Find assertion triggers and decide the assertion of a finding span.

    Offsets given to :meth:`assert_span` are offsets into the *folded* text (report offset + 1).
    """

    def __init__(self, table: dict[str, tuple[int, int]] | None = None) -> None:
        self.table = table if table is not None else R.trigger_table()
        auto = ahocorasick.Automaton()
        for phrase, (flags, direction) in self.table.items():
            auto.add_word(" " + phrase, (len(phrase) + 1, flags, direction))
        auto.make_automaton()
        self._auto = auto

    def find(self, folded: str) -> list[Trigger]:
        """All triggers of a folded report, sorted by start, pseudo-triggers removed."""
        out: list[Trigger] = []
        for end, (length, flags, direction) in self._auto.iter_long(folded):
            stop = end + 1
            if folded[stop].isalnum():
                continue
            if flags == R.PSEUDO:
                continue
            out.append((stop - length + 1, stop, flags, direction))
        return out

    def assert_span(
        self, text: str, triggers: list[Trigger], start: int, end: int, sent_start: int, sent_end: int
    ) -> tuple[Assertion, bool, bool, int]:
        """``(assertion, historical, hypothetical, hedge)`` of the finding at folded ``[start, end)``.

        ``hedge`` is only ever non-zero for a present finding reached by a hedge: ``1`` for a
        strong one ("suggests", "likely"), ``2`` for a tentative one ("probable", "presumed").

        ``text`` is the original report padded by one character on the left (``" " + text``) so
        that its offsets equal the folded ones; ``sent_start``/``sent_end`` bound the sentence.
        """
        best_neg = best_unc = None  # distance of the nearest trigger of each kind
        historical = hypothetical = False
        hedged = 0
        lo = bisect_left(triggers, (sent_start,))
        for i in range(lo, len(triggers)):
            t_start, t_end, flags, direction = triggers[i]
            if t_start >= sent_end:
                break
            if t_end <= start and direction & R.FWD:
                gap_lo, gap_hi = t_end, start
            elif t_start >= end and direction & R.BWD:
                gap_lo, gap_hi = end, t_start
            else:
                continue
            if flags & R.TERM:
                continue
            words = text.count(" ", gap_lo, gap_hi)
            if flags & (R.NEG | R.UNC | R.HYPO | R.HEDGE):
                window = R.FWD_WINDOW if gap_hi == start else R.BWD_WINDOW
            else:
                window = R.HIST_WINDOW
            if words > window or self._blocked(text, triggers, i, gap_lo, gap_hi):
                continue
            distance = gap_hi - gap_lo
            if flags & R.NEG and (best_neg is None or distance < best_neg):
                best_neg = distance
            if flags & R.UNC and (best_unc is None or distance < best_unc):
                best_unc = distance
            if flags & R.HIST:
                historical = True
            if flags & R.HYPO:
                hypothetical = True
            if flags & R.HEDGE:
                hedged = max(hedged, R.TENTATIVE if flags & R.TENT else R.STRONG)
        if best_neg is not None and (best_unc is None or best_neg <= best_unc):
            return Assertion.ABSENT, historical, hypothetical, 0
        if best_unc is not None:
            return Assertion.UNCERTAIN, historical, hypothetical, 0
        return Assertion.PRESENT, historical, hypothetical, hedged

    @staticmethod
    def _blocked(text: str, triggers: list[Trigger], i: int, lo: int, hi: int) -> bool:
        """True when a terminator or clause break lies in the gap ``[lo, hi)``."""
        if _CLAUSE_BREAK.search(text, lo, hi):
            return True
        for j in range(bisect_left(triggers, (lo,)), len(triggers)):
            t_start, t_end, flags, _ = triggers[j]
            if t_start >= hi:
                break
            if flags & R.TERM and t_start >= lo and t_end <= hi:
                return True
        return False
