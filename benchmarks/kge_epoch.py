"""Seconds per training epoch of the four KGE models at Open-i and MIMIC-CXR scale.

Scales (synthetic triples with Open-i's relation mix: 35 % POSITIVE, 60 % NEGATIVE, 5 %
UNCERTAIN image edges, plus concept ``isa`` edges):

* ``openi`` — the size of the Open-i dev graph (1,000 reports): ~10.8k triples, ~2.1k entities;
  pass ``--store DIR`` to use a real built store instead;
* ``medmkg`` — MEDMKG's released graph size after NaF (~35k triples, ~8k entities);
* ``mimic`` — all of MIMIC-CXR before NaF: ~377k images x ~5.5 findings (~2.1M triples).

Evaluation time (filtered ranking of 1,000 test triples against every entity) is printed too.

Usage::

    python benchmarks/kge_epoch.py                          # openi + medmkg, 2 epochs each
    python benchmarks/kge_epoch.py --scales mimic --batch-size 8192
    python benchmarks/kge_epoch.py --store /path/to/openi-store
    python benchmarks/kge_epoch.py --threads 1             # on a busy machine
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from medkg.kge import (
    MODELS,
    KnownTriples,
    TrainConfig,
    TripleSet,
    evaluate_ranking,
    make_model,
    split_triples,
    train_model,
)

SCALES = {  # images, concepts, mean findings per image, concept-concept edges
    "openi": (1926, 177, 5.53, 88),
    "medmkg": (4868, 3149, 6.0, 6000),
    "mimic": (377_110, 8000, 5.5, 12000),
}


def synthetic(scale: str, seed: int = 0) -> TripleSet:
    images, concepts, per_image, onto = SCALES[scale]
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, concepts + 1)
    popularity /= popularity.sum()
    counts = np.maximum(1, rng.poisson(per_image, size=images))
    heads = np.repeat(np.arange(images), counts) + concepts  # images after concepts
    tails = rng.choice(concepts, size=len(heads), p=popularity)
    rels = rng.choice(3, size=len(heads), p=(0.35, 0.6, 0.05))
    child = rng.integers(1, concepts, size=onto)
    parent = (rng.random(onto) * child).astype(np.int64)
    rows = np.concatenate([np.stack([heads, rels, tails], 1), np.stack([child, np.full(onto, 3), parent], 1)])
    rows = np.unique(rows, axis=0)
    entities = tuple(f"SYN{i}" for i in range(concepts + images))
    return TripleSet(entities, ("NEGATIVE", "POSITIVE", "UNCERTAIN", "isa"), rows)


def from_store(path: str) -> TripleSet:
    from medkg.kge import triples_from_graph
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(path) as store:
        return triples_from_graph(store.read_graph())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", default=["openi", "medmkg"], choices=sorted(SCALES))
    ap.add_argument("--store", help="a built store to time instead of the synthetic Open-i scale")
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch default)")
    ap.add_argument("--eval", type=int, default=1000, help="test triples to rank (0: skip)")
    args = ap.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    print(
        f"device {device}, torch threads {torch.get_num_threads()}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    datasets = [(s, synthetic(s)) for s in args.scales]
    if args.store:
        datasets = [("store " + args.store, from_store(args.store))] + [
            d for d in datasets if d[0] != "openi"
        ]
    print(f"{'graph':<28}{'model':<10}{'triples':>10}{'entities':>10}{'s/epoch':>10}{'eval s':>9}")
    for name, ts in datasets:
        split = split_triples(ts, seed=0)
        known = KnownTriples(split.train, split.valid, split.test) if args.eval else None
        for model_name in args.models:
            cfg = TrainConfig(model_name, args.epochs, args.dim, args.batch_size, seed=0, device=device)
            torch.manual_seed(0)
            model = make_model(cfg, len(ts.entities), len(ts.relations))
            log = train_model(model, split.train, cfg)
            per_epoch = float(np.median(log.seconds))
            eval_s = float("nan")
            if args.eval:
                model.eval()
                start = time.perf_counter()
                evaluate_ranking(model, split.test[: args.eval], len(ts.entities), known, device=device)
                eval_s = time.perf_counter() - start
            print(
                f"{name:<28}{model_name:<10}{len(ts):>10,}{len(ts.entities):>10,}{per_epoch:>10.2f}{eval_s:>9.2f}"
            )


if __name__ == "__main__":
    main()
