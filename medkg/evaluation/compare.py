"""``medkg eval compare``: does the report score order candidates as a radiologist would?

A dev file holds judgements ``{"id", "rule", "reference", "better", "worse"}`` (one JSON object per
line; ``annotations/compare_dev/triples.jsonl``). A judgement **agrees** with a metric when the
metric scores ``better`` strictly above ``worse`` against the reference (a tie counts half in
``agreement`` and as a failure in ``strict_agreement``); a **rule holds** when every judgement of
it agrees strictly. BLEU-4 (sentence level, smoothed as :func:`medkg.evaluation.text_overlap.bleu`)
and ROUGE-L are scored on the same judgements.

Examples
--------
>>> r = evaluate_compare([{"id": "a", "rule": "R1", "reference": "Small left pleural effusion.",
...                        "better": "Small left effusion.", "worse": "No pleural effusion."}],
...                      extractor=extractor)
>>> r.metrics["agreement"], r.metrics["rules_held"]
(1.0, 1)
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medkg.compare import Comparer
from medkg.errors import ParseError
from medkg.evaluation.jsonl import json_lines
from medkg.evaluation.text_overlap import bleu, rouge_l

FIELDS = ("id", "rule", "reference", "better", "worse")


def read_judgements(path: str | os.PathLike[str]) -> list[dict]:
    """The judgements of a JSONL file; a bad line raises :class:`ParseError` naming it."""
    src = Path(path)
    out = []
    for n, obj in json_lines(src, "judgement file", "pass a JSONL of {id, rule, reference, better, worse}"):
        missing = [k for k in FIELDS if not isinstance(obj.get(k), str)]
        if missing:
            raise ParseError(
                f"missing or non-text field(s) {missing}", path=src, line=n, record=str(obj.get("id", ""))
            )
        out.append(obj)
    return out


@dataclass
class CompareEvaluation:
    """Agreement of each metric with the judgements, per rule, and the disagreements."""

    metrics: dict = field(default_factory=dict)
    rules: dict[str, dict[str, list[bool | None]]] = field(default_factory=dict)
    failures: list[tuple[str, str, float, float]] = field(default_factory=list)  # id, rule, better, worse

    def lines(self, examples: int = 20) -> list[str]:
        m = self.metrics
        out = [
            f"{m['judgements']} judgements, {m['rule_count']} rules",
            f"{'':24s}{'score':>8s}{'BLEU-4':>8s}{'ROUGE-L':>9s}",
            f"{'agreement (ties half)':24s}{m['agreement']:8.3f}{m['bleu4_agreement']:8.3f}"
            f"{m['rougeL_agreement']:9.3f}",
            f"{'strict agreement':24s}{m['strict_agreement']:8.3f}{m['bleu4_strict_agreement']:8.3f}"
            f"{m['rougeL_strict_agreement']:9.3f}",
            f"{'rules held':24s}{m['rules_held']:8d}{m['bleu4_rules_held']:8d}{m['rougeL_rules_held']:9d}",
            "",
        ]
        width = max([6, *(len(rule) + 1 for rule in self.rules)])
        out.append(f"{'rule':{width}s}{'n':>4s}{'score':>8s}{'BLEU-4':>8s}")
        for rule in sorted(self.rules):
            votes = self.rules[rule]
            out.append(
                f"{rule:{width}s}{len(votes['score']):4d}{_share(votes['score']):8.2f}{_share(votes['bleu4']):8.2f}"
            )
        if self.failures:
            out += ["", "score disagrees (better, worse):"]
            out += [f"  {i} {rule}: {b:.3f} <= {w:.3f}" for i, rule, b, w in self.failures[:examples]]
        return out


def _share(votes: Sequence[bool | None]) -> float:
    return sum(1.0 if v else 0.5 if v is None else 0.0 for v in votes) / len(votes) if votes else 0.0


def _vote(better: float, worse: float) -> bool | None:
    return None if better == worse else better > worse


def evaluate_compare(
    judgements: str | os.PathLike[str] | Sequence[dict], *, extractor=None, significance=None
) -> CompareEvaluation:
    """Score every judgement with the report score, BLEU-4 and ROUGE-L (see the module docstring)."""
    items = read_judgements(judgements) if isinstance(judgements, str | os.PathLike) else list(judgements)
    comparer = Comparer(extractor, significance)
    result = CompareEvaluation()
    votes: dict[str, dict[str, list[bool | None]]] = defaultdict(lambda: defaultdict(list))
    start = time.perf_counter()
    for item in items:
        ref = item["reference"]
        b = comparer.compare(item["better"], ref).score
        w = comparer.compare(item["worse"], ref).score
        votes[item["rule"]]["score"].append(_vote(b, w))
        if not b > w:
            result.failures.append((item["id"], item["rule"], b, w))
        votes[item["rule"]]["bleu4"].append(
            _vote(bleu([item["better"]], [ref]), bleu([item["worse"]], [ref]))
        )
        votes[item["rule"]]["rougeL"].append(_vote(rouge_l(item["better"], ref), rouge_l(item["worse"], ref)))
    seconds = time.perf_counter() - start
    result.rules = {k: dict(v) for k, v in votes.items()}
    m = {"judgements": len(items), "rule_count": len(votes)}
    for metric, prefix in (("score", ""), ("bleu4", "bleu4_"), ("rougeL", "rougeL_")):
        every = [v for rule in votes.values() for v in rule[metric]]
        m[f"{prefix}agreement"] = round(_share(every), 4)
        m[f"{prefix}strict_agreement"] = round(sum(1 for v in every if v) / len(every), 4) if every else 0.0
        m[f"{prefix}rules_held"] = sum(all(v is True for v in rule[metric]) for rule in votes.values())
    m["pairs_per_second"] = round(2 * len(items) / seconds, 1) if seconds else 0.0
    result.metrics = m
    return result


__all__ = ["CompareEvaluation", "evaluate_compare", "read_judgements"]
