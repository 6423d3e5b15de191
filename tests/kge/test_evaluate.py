"""Filtered ranking on hand-made scores and metrics on hand-made ranks."""

from __future__ import annotations

import numpy as np
import pytest

from medkg.kge import KnownTriples, evaluate_ranking, metrics_from_ranks, ranks_of

torch = pytest.importorskip("torch")


def test_metrics_from_ranks():
    m = metrics_from_ranks(np.array([1.0, 2.0, 4.0, 20.0]))
    assert m.mr == 6.75
    assert m.mrr == pytest.approx((1 + 0.5 + 0.25 + 0.05) / 4)
    assert (m.hits1, m.hits3, m.hits10, m.count) == (0.25, 0.5, 0.75, 4)


def test_rank_with_ties_and_filter():
    scores = torch.tensor([[0.9, 0.5, 0.7, 0.5, 0.1], [0.2, 0.2, 0.2, 0.2, 0.2]])
    targets = torch.tensor([1, 4])
    assert ranks_of(scores, targets).tolist() == [3.5, 3.0]
    exclude = [np.array([0, 1, 2]), np.array([4])]  # the target itself is never filtered
    assert ranks_of(scores, targets, exclude).tolist() == [1.5, 3.0]


def test_filtered_ranking_on_a_hand_made_model():
    # 4 entities, 1 relation; score(h, r, t) = table[h, t]
    table = torch.tensor(
        [[0.0, 0.9, 0.8, 0.1],
         [0.3, 0.0, 0.2, 0.7],
         [0.6, 0.5, 0.0, 0.4],
         [0.1, 0.2, 0.3, 0.0]]
    )  # fmt: skip

    def score(h, r, t):
        return table[h, t]

    train = np.array([[0, 0, 1]])  # (0, r, 1) is known: filtered out when ranking (0, r, ?)
    test = np.array([[0, 0, 2], [2, 0, 3]])
    known = KnownTriples(train, test)
    out = evaluate_ranking(score, test, 4, known)
    # tail (0,r,2): raw 0.8 < 0.9 -> rank 2; filtered (1 is known) -> rank 1
    # tail (2,r,3): 0.4 < 0.6, 0.5 -> rank 3 raw and filtered
    # head (?,r,2) target 0: column 2 = [0.8, 0.2, 0.0, 0.3] -> rank 1
    # head (?,r,3) target 2: column 3 = [0.1, 0.7, 0.4, 0.0] -> rank 2
    assert out["raw"]["tail"].mr == 2.5
    assert out["filtered"]["tail"].mr == 2.0
    assert out["filtered"]["tail"].mrr == pytest.approx((1 + 1 / 3) / 2)
    assert out["filtered"]["head"].mr == 1.5
    both = out["filtered"]["both"]
    assert (both.mr, both.hits1, both.hits3, both.count) == (1.75, 0.5, 1.0, 4)
    tail_only = evaluate_ranking(score, test, 4, known, sides=("tail",))
    assert set(tail_only["filtered"]) == {"tail", "both"}
