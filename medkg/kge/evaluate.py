"""Filtered ranking evaluation of link prediction: MR, MRR, Hits@1/3/10 for tails and heads.

For a test triple ``(h, r, t)``, *tail prediction* scores ``(h, r, e)`` for every entity ``e``
and ranks ``t``; *head prediction* ranks ``h`` among ``(e, r, t)``. In the **filtered**
setting (Bordes et al., 2013) the other entities that make a known triple — in train, valid or
test — are removed from the candidates first; the **raw** setting keeps them (MEDMKG's released
benchmark code ranks raw, over head, tail and relation prediction; see ``docs/EXPORTS.md``).

Ties count half: ``rank = 1 + #(better) + #(equal, other than the target) / 2``, so a model
that scores everything the same gets the expected rank of a random guess, not rank 1.

Examples
--------
>>> import numpy as np
>>> metrics_from_ranks(np.array([1.0, 2.0, 4.0])).mrr
0.5833333333333334
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

HITS_AT = (1, 3, 10)


@dataclass(frozen=True, slots=True)
class RankMetrics:
    """Mean rank, mean reciprocal rank and Hits@1/3/10 over ``count`` ranked queries."""

    mr: float
    mrr: float
    hits1: float
    hits3: float
    hits10: float
    count: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def metrics_from_ranks(ranks: np.ndarray) -> RankMetrics:
    """Metrics of 1-based (possibly fractional) ranks.

    Examples
    --------
    >>> metrics_from_ranks(np.array([1.0, 3.0])).hits1
    0.5
    """
    ranks = np.asarray(ranks, dtype=np.float64)
    if len(ranks) == 0:
        nan = float("nan")
        return RankMetrics(nan, nan, nan, nan, nan, 0)
    hits = [float(np.mean(ranks <= k)) for k in HITS_AT]
    return RankMetrics(float(ranks.mean()), float(np.mean(1.0 / ranks)), *hits, len(ranks))


def ranks_of(scores, targets, exclude: Sequence[np.ndarray] | None = None):
    """Rank of ``targets[i]`` in row ``i`` of ``scores`` (higher is better), ties counted half.

    ``exclude[i]`` lists the candidates to filter out of row ``i`` (the target itself is never
    filtered). Works on torch tensors; returns a float tensor of 1-based ranks.

    Examples
    --------
    >>> import torch
    >>> s = torch.tensor([[0.9, 0.5, 0.7, 0.5]])
    >>> ranks_of(s, torch.tensor([1])).tolist()          # 0.9, 0.7 better; one tie
    [3.5]
    >>> ranks_of(s, torch.tensor([1]), [np.array([0])]).tolist()
    [2.5]
    """
    import torch

    scores = scores.clone()
    rows = torch.arange(len(targets), device=scores.device)
    target_scores = scores[rows, targets]
    if exclude is not None:
        r_idx = [np.full(len(ex), i) for i, ex in enumerate(exclude)]
        if r_idx and sum(len(ex) for ex in exclude):
            rr = torch.as_tensor(np.concatenate(r_idx), device=scores.device)
            cc = torch.as_tensor(np.concatenate(list(exclude)), device=scores.device)
            scores[rr, cc] = float("-inf")
        scores[rows, targets] = target_scores
    better = (scores > target_scores[:, None]).sum(dim=1)
    equal = (scores == target_scores[:, None]).sum(dim=1) - 1
    return 1.0 + better.double() + equal.double() / 2.0


class KnownTriples:
    """All true triples indexed for filtering: tails of ``(h, r)`` and heads of ``(r, t)``."""

    def __init__(self, *parts: np.ndarray) -> None:
        tails: dict[tuple[int, int], list[int]] = defaultdict(list)
        heads: dict[tuple[int, int], list[int]] = defaultdict(list)
        for part in parts:
            for h, r, t in part.tolist():
                tails[(h, r)].append(t)
                heads[(r, t)].append(h)
        self.tails = {k: np.unique(v) for k, v in tails.items()}
        self.heads = {k: np.unique(v) for k, v in heads.items()}

    def exclude(self, rows: np.ndarray, side: str) -> list[np.ndarray]:
        """Candidates to filter for each query row (known answers, target included)."""
        empty = np.zeros(0, dtype=np.int64)
        if side == "tail":
            return [self.tails.get((h, r), empty) for h, r, _ in rows.tolist()]
        return [self.heads.get((r, t), empty) for _, r, t in rows.tolist()]


Scorer = Callable[..., object]


def evaluate_ranking(
    score: Scorer,
    rows: np.ndarray,
    num_entities: int,
    known: KnownTriples,
    *,
    sides: Sequence[str] = ("tail", "head"),
    device: str = "cpu",
    chunk: int = 100_000,
) -> dict[str, dict[str, RankMetrics]]:
    """Filtered and raw metrics of ``rows`` for each side and both sides together.

    ``score(head, rel, tail)`` takes three equal-length index tensors and returns one score
    per triple (a torch_geometric KGE model's ``forward``).

    Returns ``{"filtered": {"tail": ..., "head": ..., "both": ...}, "raw": {...}}``.
    """
    import torch

    ranks: dict[str, dict[str, list]] = {"filtered": defaultdict(list), "raw": defaultdict(list)}
    batch = max(1, chunk // max(num_entities, 1))
    candidates = torch.arange(num_entities, device=device)
    with torch.no_grad():
        for side in sides:
            for start in range(0, len(rows), batch):
                part = rows[start : start + batch]
                h, r, t = (torch.as_tensor(part[:, i], device=device) for i in range(3))
                b = len(part)
                if side == "tail":
                    s = score(h.repeat_interleave(num_entities), r.repeat_interleave(num_entities),
                              candidates.repeat(b))  # fmt: skip
                    target = t
                else:
                    s = score(candidates.repeat(b), r.repeat_interleave(num_entities),
                              t.repeat_interleave(num_entities))  # fmt: skip
                    target = h
                s = s.reshape(b, num_entities)
                ranks["raw"][side].append(ranks_of(s, target).cpu().numpy())
                excl = known.exclude(part, side)
                ranks["filtered"][side].append(ranks_of(s, target, excl).cpu().numpy())
    out: dict[str, dict[str, RankMetrics]] = {}
    for setting, by_side in ranks.items():
        joined = {side: np.concatenate(parts) if parts else np.zeros(0) for side, parts in by_side.items()}
        out[setting] = {side: metrics_from_ranks(v) for side, v in joined.items()}
        out[setting]["both"] = metrics_from_ranks(np.concatenate(list(joined.values())))
    return out
