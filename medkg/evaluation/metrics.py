"""Precision / recall / F1 counting, shared by every evaluation.

Examples
--------
>>> c = Counts(tp=8, fp=2, fn=2)
>>> round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)
(0.8, 0.8, 0.8)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def micro(counts: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in counts:
        total.tp += c.tp
        total.fp += c.fp
        total.fn += c.fn
    return total


def macro_f1(counts: Iterable[Counts]) -> float:
    """Mean F1 over labels with at least one gold positive."""
    scores = [c.f1 for c in counts if c.support]
    return sum(scores) / len(scores) if scores else 0.0
