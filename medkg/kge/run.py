"""MEDMKG task 1 end to end: split 8:1:1, train one KGE model, rank valid and test triples.

Examples
--------
>>> from medkg.kge.triples import triples_from_graph
>>> ts = triples_from_graph(kg)
>>> result = link_prediction(ts, TrainConfig("TransE", epochs=50))  # needs torch  # doctest: +SKIP
>>> result.test["filtered"]["both"].mrr                            # doctest: +SKIP
0.31
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from medkg.errors import ConfigError
from medkg.kge.evaluate import KnownTriples, RankMetrics, evaluate_ranking
from medkg.kge.train import TrainConfig, TrainLog, make_model, seed_everything, train_model
from medkg.kge.triples import Split, TripleSet, split_triples

log = logging.getLogger(__name__)

Metrics = dict[str, dict[str, RankMetrics]]


@dataclass(frozen=True)
class LinkPredictionResult:
    """Sizes, training log and valid/test metrics (``metrics[setting][side]``) of one run."""

    config: TrainConfig
    device: str
    entities: int
    relations: int
    split_sizes: tuple[int, int, int]
    train_log: TrainLog
    valid: Metrics
    test: Metrics
    eval_seconds: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the last line ``medkg kge`` prints)."""

        def metrics(m: Metrics) -> dict[str, Any]:
            return {setting: {side: r.as_dict() for side, r in sides.items()} for setting, sides in m.items()}

        secs = self.train_log.seconds
        return {
            "model": self.config.model,
            "dim": self.config.dim,
            "epochs": self.config.epochs,
            "batch_size": self.config.batch_size,
            "lr": self.config.lr,
            "seed": self.config.seed,
            "device": self.device,
            "entities": self.entities,
            "relations": self.relations,
            "train": self.split_sizes[0],
            "valid": self.split_sizes[1],
            "test": self.split_sizes[2],
            "final_loss": self.train_log.losses[-1] if self.train_log.losses else None,
            "seconds_per_epoch": float(np.mean(secs)) if secs else None,
            "eval_seconds": self.eval_seconds,
            "valid_metrics": metrics(self.valid),
            "test_metrics": metrics(self.test),
        }


def _limit(rows: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    if limit is None or len(rows) <= limit:
        return rows
    keep = np.sort(np.random.default_rng(seed + 1).choice(len(rows), size=limit, replace=False))
    return rows[keep]


def link_prediction(
    triples: TripleSet,
    cfg: TrainConfig,
    *,
    eval_limit: int | None = None,
    sides: tuple[str, ...] = ("tail", "head"),
    on_epoch: Callable[[int, float], None] | None = None,
    split: Split | None = None,
) -> LinkPredictionResult:
    """Split ``triples`` by ``cfg.seed``, train ``cfg.model``, evaluate valid and test.

    Parameters
    ----------
    triples:
        From :func:`~medkg.kge.triples.triples_from_graph` or
        :func:`~medkg.kge.triples.read_medmkg_csv`.
    cfg:
        Model and training settings.
    eval_limit:
        Rank at most this many valid/test triples each (a seeded sample) — for graphs too big
        to rank every test triple against every entity.
    sides:
        ``("tail", "head")`` (default) or ``("tail",)``.
    split:
        A ready split (default: :func:`split_triples` with ``cfg.seed``).

    Examples
    --------
    >>> r = link_prediction(ts, TrainConfig("RotatE", epochs=10))   # needs torch  # doctest: +SKIP
    """
    if len(triples) < 3:
        raise ConfigError(f"{len(triples)} triples: too few to split 8:1:1", hint="build a bigger graph")
    bad = set(sides) - {"tail", "head"}
    if bad or not sides:
        raise ConfigError(f"unknown ranking side(s) {sorted(bad)}", hint="use tail and/or head")
    seed_everything(cfg.seed)
    split = split or split_triples(triples, seed=cfg.seed)
    device = cfg.resolved_device()
    model = make_model(cfg, len(triples.entities), len(triples.relations))
    log.info("%s on %s: %d entities, %d relations, split %s", cfg.model, device,
             len(triples.entities), len(triples.relations), split.sizes)  # fmt: skip
    history = train_model(model, split.train, cfg, on_epoch=on_epoch)
    model.eval()
    known = KnownTriples(split.train, split.valid, split.test)
    start = time.perf_counter()
    results = []
    for rows in (split.valid, split.test):
        rows = _limit(rows, eval_limit, cfg.seed)
        results.append(
            evaluate_ranking(model, rows, len(triples.entities), known, sides=sides, device=device)
        )
    return LinkPredictionResult(
        config=cfg,
        device=device,
        entities=len(triples.entities),
        relations=len(triples.relations),
        split_sizes=split.sizes,
        train_log=history,
        valid=results[0],
        test=results[1],
        eval_seconds=time.perf_counter() - start,
    )
