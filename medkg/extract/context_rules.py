"""Assertion triggers (ConText-style), as data.

Each trigger is a phrase in folded form (:func:`medkg.link.text.fold_phrase`), the flags it sets
and its direction: ``FWD`` applies to findings after it, ``BWD`` to findings before it, ``BOTH`` to
either side. ``PSEUDO`` triggers ("no change") are matched so that the shorter trigger inside them
("no") does not fire; ``TERM`` phrases end every scope that crosses them ("but", "however").

Written for chest radiograph reports after reading the CheXpert, NegBio and medspaCy rule sets;
strong hedges ("probable", "suggests", "suggestive of", "likely") do *not* make a finding
uncertain: they assert it, as Open-i's manual indexing does (and as scores best on the dev split),
but set the ``HEDGE`` flag, exposed as :attr:`medkg.extract.types.Mention.hedged`.
"""

from __future__ import annotations

NEG, UNC, HIST, HYPO, PSEUDO, TERM, HEDGE, DIFF, TENT = 1, 2, 4, 8, 16, 32, 64, 128, 256
FWD, BWD, BOTH = 1, 2, 3
#: Hedge levels of a present finding (``Mention.hedged`` / ``Mention.tentative``): a strong hedge
#: ("likely"), a tentative one ("probable"), one of alternatives ("atelectasis or pneumonia").
STRONG, TENTATIVE, ALTERNATIVE = 1, 2, 3

#: Scope windows in words between trigger and finding.
FWD_WINDOW = 16
BWD_WINDOW = 5
HIST_WINDOW = 4

_NEG_FWD = """no|not|without|nor|negative for|free of|clear of|absence of|absent|no evidence of
no evidence for
no signs of|no sign of|no findings of|no findings to suggest|no findings to indicate|no definite|no definitive
no convincing|no obvious|no visible|no new|no other|no acute|no residual|no longer|never|denies|deny
resolution of|removal of|interval removal of|rather than|is not|are not|was not|were not|does not|do not
no suspicious|no focal|no gross|no significant|no discrete|no large|no pathologic|no radiographic evidence of
no xxxx|no frank|no overt|no appreciable|no measurable|no identifiable|no demonstrable|no dominant
fails to demonstrate|not demonstrate|lack of|no evidence of active|no findings suggestive of"""

_NEG_BOTH = """resolved|interval resolution of|resolution"""

_NEG_BWD = """not seen|not identified|not present|not visualized|not evident|not appreciated|not detected
not demonstrated|not noted|not visible|is absent|are absent|absent|has resolved|have resolved
has cleared|have cleared|cleared|is gone|are gone|no longer seen|no longer present|no longer visualized
not clearly seen|not definitely seen|is not|are not|unlikely|removed|has been removed|have been removed
is excluded|are excluded|ruled out|is negative|are negative"""

_UNC_FWD = """possible|possibly|may|might|could|question of|questionable|question|questioned|cannot exclude
can not exclude|cannot rule out|can not rule out|not excluded|difficult to exclude|not exclude
differential|differential diagnosis|differential includes|differential considerations|suspicious for
concerning for|concern for|worrisome for|equivocal|indeterminate|uncertain|may represent|could represent
might represent|may be|could be|might be|may reflect|could reflect|may indicate|rule out|r o|to exclude
to rule out|evaluate for|evaluation for|assess for|versus questionable|cannot be entirely excluded
presumably|perhaps|suspected|suspect|vs questionable|atypical for|not entirely excluded
may be due to|could be due to|might be due to|possibly due to|may be secondary to|could be secondary to
may be related to|could be related to|may be compatible with|could be compatible with|may be consistent with
differential diagnosis includes|differential diagnosis is|differential considerations include
should be considered|less so|less likely|less likely to be|or less likely|contributions of|contribution of
potentially|possibility of|likely versus"""

_UNC_BWD = """cannot be excluded|can not be excluded|not be excluded|cannot be ruled out|can not be ruled out
not be ruled out|not excluded|is not excluded|are not excluded|is possible|are possible|is questioned
is suspected|are suspected|not entirely excluded|cannot be entirely excluded|is not entirely excluded
is questionable|not ruled out|is equivocal|could be excluded|difficult to exclude
difficult to entirely exclude
in the differential|would be a consideration|is a consideration|a consideration|should be considered
is considered|also possible|are also possible|not excluded|less likely|is in the differential
if any|if present|cannot be completely excluded|not completely excluded|cannot be totally excluded
also is not excluded|is also not excluded|should also be considered|are indeterminate
is indeterminate|radiographically indeterminate|is not entirely clear|are not excluded
is a possibility|are possibilities|a possibility|is also a possibility|remains a possibility
is another possibility|is a consideration|are a consideration|are considerations"""

_HIST_BOTH = """unchanged|stable|again seen|again noted|again demonstrated|redemonstrated|re demonstrated
persistent|persists|persisting|chronic|old|healed|prior|previous|previously|history of|h o|hx of
status post|s p|known|remote|longstanding|long standing|redemonstration of|since prior|as before
again|continued|residual|unchanged from prior"""

_HYPO_FWD = """if|in case of|should|to exclude|evaluate for|evaluation for|assess for|rule out|r o
to rule out|recommend|recommended|follow up|followup|correlate|for possible|in the event of
to detect|sensitivity to detect|sensitivity for|sensitivity for detection of|for detection of|to assess for"""

#: Strong hedges: the finding stays present, flagged ``hedged``.
_HEDGE_FWD = """suggest|suggests|suggesting|suggestive of|suggestion of|likely|most likely
more likely|favor|favored|favoring|appearance suggests|compatible with"""

_HEDGE_BWD = """is likely|are likely|likely|is suggested|are suggested|is favored|most likely"""

#: Tentative hedges: present and hedged like the strong ones, but CheXpert's conventions read them
#: as uncertain ("probable atelectasis" → -1), so they set ``TENT`` as well
#: (:attr:`medkg.extract.types.Mention.tentative`).
_TENT_FWD = """probable|probably|presumed|presumptive|suspicious of"""

_TENT_BWD = """is probable|are probable|is presumed|are presumed|probably"""

#: A differential ("atelectasis versus scar"): the findings right on both sides stay present but
#: are flagged hedged (:meth:`medkg.extract.annotate.SentenceAnnotator.assert_hits`).
_DIFF = """versus|vs"""

_PSEUDO = """no change|no significant change|no interval change|no appreciable change|not changed|no increase
no significant interval change|not only|no definite change|not significantly changed|no change in
not necessarily|not certain whether|not clear whether|without change|without significant change
without interval change|no substantial change|not well seen|not well visualized|not well evaluated
not as well seen|not entirely clear|not appreciably changed|no other change|not been changed
no acute cardiopulmonary|no acute disease|no active disease|no acute abnormality|no acute process
gram negative|grossly unremarkable|no radiographic change|normal size and|not significantly"""

_TERM = """but|however|although|though|which|aside from|apart from|except|except for|other than|yet
nevertheless|otherwise|whereas|while|because|secondary to|due to|as well as|and there is
there is|there are|there has been|is seen|are seen|is noted|are noted|is present|are present
has developed|have developed|is identified|are identified|demonstrates|shows|in addition|additionally
is again|are again"""


def _phrases(block: str) -> list[str]:
    return [p.strip() for line in block.splitlines() for p in line.split("|") if p.strip()]


def trigger_table() -> dict[str, tuple[int, int]]:
    """Folded trigger phrase → (flags, direction). Later tables refine earlier ones.

    >>> table = trigger_table()
    >>> table["without"], table["cannot be excluded"], table["no change"][0] == PSEUDO
    ((1, 1), (2, 2), True)
    """
    table: dict[str, tuple[int, int]] = {}

    def put(block: str, flags: int, direction: int) -> None:
        for phrase in _phrases(block):
            old = table.get(phrase)
            if old is None:
                table[phrase] = (flags, direction)
            else:
                table[phrase] = (old[0] | flags, old[1] | direction)

    put(_TERM, TERM, BOTH)
    put(_NEG_FWD, NEG, FWD)
    put(_NEG_BWD, NEG, BWD)
    put(_NEG_BOTH, NEG, BOTH)
    put(_UNC_FWD, UNC, FWD)
    put(_UNC_BWD, UNC, BWD)
    put(_HIST_BOTH, HIST, BOTH)
    put(_HYPO_FWD, HYPO, FWD)
    put(_HEDGE_FWD, HEDGE, FWD)
    put(_HEDGE_BWD, HEDGE, BWD)
    put(_TENT_FWD, HEDGE | TENT, FWD)
    put(_TENT_BWD, HEDGE | TENT, BWD)
    put(_DIFF, DIFF, BOTH)
    for phrase in _phrases(_PSEUDO):
        table[phrase] = (PSEUDO, BOTH)
    # a finding that "resolved" is absent now and was there before
    for phrase in ("resolved", "has resolved", "have resolved", "resolution of", "cleared", "has cleared"):
        flags, direction = table[phrase]
        table[phrase] = (flags | HIST, direction)
    # terminators that are also triggers keep only their trigger meaning
    for phrase, (flags, direction) in list(table.items()):
        if flags & TERM and flags & ~TERM:
            table[phrase] = (flags & ~TERM, direction)
    return table
