"""Length-preserving text normalization: the matcher's view of a report.

Every matcher in :mod:`medkg.extract` scans :func:`fold` of the report, which has exactly the same
length as the report, so a match at ``[start, end)`` in the folded text is the same span in the
original: offsets never need mapping back.

Examples
--------
>>> fold("No Pleural-Effusion.")
' no pleural effusion  '
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_TABLE = {i: " " for i in range(128) if not chr(i).isalnum()}
_ASCII_TABLE.update({i: chr(i).lower() for i in range(ord("A"), ord("Z") + 1)})

#: Words of the folded text: runs of letters and digits.
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case ``text`` and turn punctuation into spaces, keeping the length.

    The result is padded with one space on each side, so ``fold(text)[i + 1]`` is ``text[i]``
    folded; matchers search for ``" word"`` and need the leading space.

    Parameters
    ----------
    text:
        The report text.

    Returns
    -------
    str
        ``len(text) + 2`` characters.

    Examples
    --------
    >>> fold("Heart: normal")
    ' heart  normal '
    """
    if text.isascii():
        return " " + text.translate(_ASCII_TABLE) + " "
    chars = []
    for ch in text:
        if ch.isascii():
            chars.append(ch.translate(_ASCII_TABLE))
            continue
        low = ch.lower()
        if len(low) != 1:
            low = ch
        if not low.isalnum():
            # accented letters fold to their base letter when that is one character
            base = unicodedata.normalize("NFKD", low)[:1]
            low = base if base.isalnum() else " "
        chars.append(low)
    return " " + "".join(chars) + " "


def fold_phrase(phrase: str) -> str:
    """The folded, space-collapsed form of a dictionary phrase (no padding).

    >>> fold_phrase("Costo-phrenic  angle")
    'costo phrenic angle'
    """
    return " ".join(fold(phrase).split())
