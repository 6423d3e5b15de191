"""Link prediction on the graph (MEDMKG's task 1) with torch_geometric KGE models.

Triples come from a built graph (:func:`triples_from_graph`, NaF view) or MEDMKG's released CSV
(:func:`read_medmkg_csv`); :func:`link_prediction` splits them 8:1:1 by seed, trains TransE,
RotatE, DistMult or ComplEx and reports filtered (and raw) MR / MRR / Hits@1,3,10 for tail and
head prediction. torch and torch-geometric (the ``ml`` extra) are imported only when training.

Examples
--------
>>> from medkg.kge import TrainConfig, link_prediction, read_medmkg_csv
>>> ts = read_medmkg_csv("MedMKG.csv")
>>> len(ts)
4
>>> result = link_prediction(ts, TrainConfig("TransE", epochs=100))  # needs torch  # doctest: +SKIP
"""

from __future__ import annotations

from medkg.kge.evaluate import KnownTriples, RankMetrics, evaluate_ranking, metrics_from_ranks, ranks_of
from medkg.kge.run import LinkPredictionResult, link_prediction
from medkg.kge.train import MODELS, TrainConfig, TrainLog, make_model, train_model
from medkg.kge.triples import Split, TripleSet, from_rows, read_medmkg_csv, split_triples, triples_from_graph

__all__ = [
    "MODELS",
    "KnownTriples",
    "LinkPredictionResult",
    "RankMetrics",
    "Split",
    "TrainConfig",
    "TrainLog",
    "TripleSet",
    "evaluate_ranking",
    "from_rows",
    "link_prediction",
    "make_model",
    "metrics_from_ranks",
    "ranks_of",
    "read_medmkg_csv",
    "split_triples",
    "train_model",
    "triples_from_graph",
]
