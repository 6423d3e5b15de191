"""Offline text overlap metrics: ROUGE-L (LCS F-measure) and corpus BLEU-4.

Tokens are lower-cased runs of letters and digits. Written for medkg; no external scorer.

Examples
--------
>>> round(rouge_l("the heart is enlarged", "heart is mildly enlarged"), 3)
0.75
>>> bleu(["the heart is enlarged"], ["the heart is enlarged"])
1.0
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens."""
    return _TOKEN.findall(text.lower())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming, O(len(a)·len(b)))."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str, beta: float = 1.0) -> float:
    """ROUGE-L F-measure of ``candidate`` against ``reference`` (``beta`` weighs recall)."""
    c, r = tokens(candidate), tokens(reference)
    lcs = lcs_length(c, r)
    if lcs == 0:
        return 0.0
    p, rec = lcs / len(c), lcs / len(r)
    return (1 + beta**2) * p * rec / (rec + beta**2 * p)


def _ngrams(toks: list[str], n: int) -> Counter:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def bleu(candidates: Sequence[str], references: Sequence[str], max_n: int = 4) -> float:
    """Corpus BLEU (one reference per candidate): clipped n-gram precisions, brevity penalty.

    Returns 0.0 when some n-gram order has no match at all (no smoothing).
    """
    matches = [0] * max_n
    totals = [0] * max_n
    cand_len = ref_len = 0
    for cand, ref in zip(candidates, references, strict=True):
        c, r = tokens(cand), tokens(ref)
        cand_len += len(c)
        ref_len += len(r)
        for n in range(1, max_n + 1):
            cn, rn = _ngrams(c, n), _ngrams(r, n)
            matches[n - 1] += sum(min(v, rn[g]) for g, v in cn.items())
            totals[n - 1] += max(len(c) - n + 1, 0)
    if cand_len == 0 or min(matches) == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / max_n
    bp = 1.0 if cand_len > ref_len else math.exp(1 - ref_len / cand_len)
    return bp * math.exp(log_p)
