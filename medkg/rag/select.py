"""How many facts to keep: fixed k, adaptive k (largest score gap), calibrated k (RULE-style).

Calibrated k (RULE-style risk control): on calibration cases (held-back train reports, never
test reports) the *risk* of k is the wrong-fact rate of the top k facts (share of them whose
concept is not in the case's gold), averaged per case; with ``m`` cases its Hoeffding upper
confidence bound is ``rate + sqrt(log(1/delta) / (2 m))``.

The rule: test k = 1, 2, ... in order and keep going while the bound stays <= ``alpha``
(fixed-sequence testing: every k of that prefix has risk <= alpha with probability >= 1 - delta
simultaneously, with no multiplicity correction); return the **largest** k of the prefix.

Why largest, when the issue says "the smallest k whose rate of wrong facts stays under alpha":
the wrong-fact rate grows with k (each added fact is less likely right), so the set of k with a
certified rate is a prefix {1, ..., K} and its smallest member is always k = 1, which would make
the calibration pointless. The risk is what is controlled; within the certified set the rule
takes the most context, i.e. the k that maximises recall subject to the certified risk. When
even k = 1 is not certified, k = 1 is returned with ``certified=False`` (and the CLI says so).

Examples
--------
>>> adaptive_k([0.9, 0.85, 0.3, 0.25], max_k=4)
2
>>> cal = calibrate_k([[False, True, True], [False, False, True]], alpha=0.9, delta=0.5)
>>> cal.k, round(cal.bounds[0], 3)
(2, 0.416)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from medkg.errors import ConfigError


def fixed_k(scores: Sequence[float], k: int) -> int:
    """``k`` capped at the number of facts."""
    if k < 1:
        raise ConfigError(f"k must be >= 1, got {k}")
    return min(k, len(scores))


def adaptive_k(scores: Sequence[float], max_k: int = 20, min_k: int = 1) -> int:
    """Cut after the largest drop between consecutive scores among the first ``max_k``.

    Ties go to the earliest gap; a list of at most ``min_k`` scores is kept whole.
    """
    top = list(scores[:max_k])
    if len(top) <= min_k:
        return len(top)
    gaps = [top[i] - top[i + 1] for i in range(min_k - 1, len(top) - 1)]
    best = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    return best + min_k


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate_k`: the k, its certified bound and the per-k figures."""

    k: int
    alpha: float
    delta: float
    cases: int
    rates: tuple[float, ...]
    bounds: tuple[float, ...]
    certified: bool

    def describe(self) -> str:
        """One line with the bound, e.g. for CLI output."""
        if not self.cases:
            return "calibrated k: no calibration cases"
        i = self.k - 1
        head = (
            f"calibrated k={self.k}: wrong-fact rate {self.rates[i]:.3f} on {self.cases} calibration cases, "
        )
        if self.certified:
            return head + (
                f"upper bound {self.bounds[i]:.3f} <= alpha={self.alpha} "
                f"(holds with probability >= {1 - self.delta:.2f})"
            )
        return head + f"upper bound {self.bounds[i]:.3f} > alpha={self.alpha}: NOT certified even at k=1"


def calibrate_k(
    wrong: Sequence[Sequence[bool]], alpha: float = 0.8, delta: float = 0.1, max_k: int = 20
) -> Calibration:
    """Pick k from calibration cases.

    Parameters
    ----------
    wrong:
        Per calibration case, for its ranked facts in order, whether each fact is wrong (its
        concept is not in the case's gold).
    alpha:
        Highest tolerated wrong-fact rate.
    delta:
        Failure probability of the bound.
    max_k:
        Largest k considered.

    Returns
    -------
    Calibration
    """
    if not 0 < alpha <= 1 or not 0 < delta < 1:
        raise ConfigError(f"need 0 < alpha <= 1 and 0 < delta < 1, got alpha={alpha}, delta={delta}")
    m = len(wrong)
    if m == 0:
        return Calibration(1, alpha, delta, 0, (), (), False)
    slack = math.sqrt(math.log(1 / delta) / (2 * m))
    rates, bounds = [], []
    for k in range(1, max_k + 1):
        per_case = [sum(w[:k]) / len(w[:k]) if len(w) else 1.0 for w in wrong]
        rate = sum(per_case) / m
        rates.append(rate)
        bounds.append(rate + slack)
    k = 0
    while k < max_k and bounds[k] <= alpha:
        k += 1
    return Calibration(max(k, 1), alpha, delta, m, tuple(rates), tuple(bounds), k >= 1)
