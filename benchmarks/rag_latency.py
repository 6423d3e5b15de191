"""Concept-retrieval latency on the embedded store, at Open-i size or at synthetic MIMIC-CXR scale.

``--scale openi`` (default) builds a graph from ../shared/data/openi/dev.csv (one image per report,
1,000 reports), writes it to a temporary LadybugStore and times
``Retriever.retrieve(concepts=[label], k=7)`` over common finding queries (the default
evidence-first ranking): without sentences, with sentences from the index (the default: the
evidence ``read_graph`` loaded once), three diagnoses asked together, the frozen co-occurrence
concept ranking, and with sentences fetched from the store per query (an index built without them).

``--scale mimic`` builds the synthetic MIMIC-CXR-scale store of ``build_mimic_scale.py``
(227,835 reports / 377,110 images recombined from Open-i sentences; NaF applied, as there, unless
``--no-naf``: then every image keeps its findings, the heaviest case for retrieval) in a temporary
directory under /tmp (deleted afterwards; ``--store DIR`` reuses or keeps one instead), opens it
read-only and times the same queries. The one-off index build (``read_graph`` + matrices) is
reported separately from the per-query figures.

Every figure is printed as wall time and CPU time of this process (the machine may be shared:
wall grows with other load, CPU much less). Prints p50/p99 in ms.

    python benchmarks/rag_latency.py [--repeat 200]
    python benchmarks/rag_latency.py --scale mimic [--no-naf] [--store DIR] [--reports 227835]
        [--images 377110] [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from medkg.rag import Retriever
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import RankingWeights
from medkg.store.ladybug import LadybugStore

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "openi" / "dev.csv"
QUERIES = [
    "Cardiomegaly",
    "Pleural effusion",
    "Atelectasis",
    "Pneumothorax",
    "Pulmonary opacity",
    "Pneumonia",
    "Pulmonary Emphysema",
    "Calcified granuloma",
]


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def percentiles(values: list[float]) -> tuple[float, float]:
    arr = np.sort(np.asarray(values))
    return float(np.median(arr)), float(arr[min(len(arr) - 1, int(0.99 * len(arr)))])


def time_queries(
    label: str, retriever: Retriever, queries: list[str], repeat: int, sentences: bool, per_query: int = 1
) -> None:
    """Time ``retrieve(concepts=..., k=7)``; ``per_query`` consecutive queries are asked together."""
    groups = [[queries[(i + j) % len(queries)] for j in range(per_query)] for i in range(len(queries))]
    for q in groups:  # warm-up: one of each
        retriever.retrieve(concepts=q, k=7, sentences=sentences)
    wall, cpu = [], []
    for i in range(repeat):
        q = groups[i % len(groups)]
        w0, c0 = clocks()
        retriever.retrieve(concepts=q, k=7, sentences=sentences)
        w1, c1 = clocks()
        wall.append((w1 - w0) * 1000)
        cpu.append((c1 - c0) * 1000)
    (wp50, wp99), (cp50, cp99) = percentiles(wall), percentiles(cpu)
    print(
        f"concept retrieval, {label}: p50 {wp50:.2f} ms, p99 {wp99:.2f} ms wall; "
        f"CPU p50 {cp50:.2f} ms, p99 {cp99:.2f} ms ({repeat} queries)"
    )


def measure(store_dir: Path, onto, repeat: int, from_store: bool) -> None:
    with LadybugStore(store_dir) as store:
        retriever = Retriever(store, ontology=onto)
        w0, c0 = clocks()
        index = retriever.index
        w1, c1 = clocks()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"index: {index.n_images} images, {len(index.concepts)} concepts, "
            f"{index.matrices['POSITIVE'].nnz} positive image-concept cells"
        )
        print(
            f"index build (read_graph once, not per query): {w1 - w0:.1f} s wall, {c1 - c0:.1f} s CPU; "
            f"peak RSS so far {rss:.0f} MB"
        )
        queries = [q for q in QUERIES if index.resolve(q)]
        print(f"queries: {', '.join(queries)}")
        time_queries("scores and report ids only", retriever, queries, repeat, False)
        time_queries("with sentences from the index (default)", retriever, queries, repeat, True)
        time_queries("3 diagnoses per query, sentences from the index", retriever, queries, repeat, True, 3)
        baseline = retriever.with_weights(RankingWeights.cooccurrence())
        time_queries("co-occurrence concept ranking (the frozen baseline)", baseline, queries, repeat, True)
        if from_store:
            other = Retriever(store, ontology=onto)
            other._index = GraphIndex.from_store(store, ontology=onto, sentences=False)
            time_queries("with sentences from the store", other, queries, repeat, True)
        print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


def openi(args) -> None:
    from medkg.datasets.generic import read_generic
    from medkg.datasets.types import ImageRecord
    from medkg.extract import default_extractor
    from medkg.graph import build_graph

    ex = default_extractor()
    records = [
        dataclasses.replace(r, images=(ImageRecord(r.report_id + "#report", r.study_id),))
        for r in read_generic(DEV, id_column="uid", text_columns=["findings", "impression"])
    ]
    kg = build_graph(records, ex, ex.ontology)
    print(f"graph: {kg.counts()}")
    with tempfile.TemporaryDirectory() as tmp:
        with LadybugStore(tmp, read_only=False) as store:
            store.write(kg)
        measure(Path(tmp), ex.ontology, args.repeat, from_store=True)


def mimic(args) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_mimic_scale import generate

    from medkg.datasets import read
    from medkg.extract import Extractor
    from medkg.graph import NafSettings
    from medkg.workflows import build_store, cpu_now
    from medkg.ontology import load

    onto = load()
    if args.store is not None and (args.store / "kg").exists():
        print(f"reusing the store in {args.store}")
        measure(args.store / "kg", onto, args.repeat, from_store=False)
        return
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        root = Path(tmp) / "mimic"
        root.mkdir()
        w0 = time.perf_counter()
        generate(root, args.reports, args.images)
        print(f"generate {args.reports} reports / {args.images} images: {time.perf_counter() - w0:.1f} s")
        out = (args.store or Path(tmp)) / "kg"
        w0, c0 = time.perf_counter(), cpu_now()
        result = build_store(
            read("mimic-cxr", root),
            out,
            extractor=Extractor(onto),
            ontology=onto,
            naf_settings=None if args.no_naf else NafSettings(),
            workers=args.workers,
        )
        print(
            f"build store (not timed as retrieval): {time.perf_counter() - w0:.1f} s wall, "
            f"{cpu_now() - c0:.1f} s CPU (with workers); images kept {result.stats.images_kept}"
        )
        measure(out, onto, args.repeat, from_store=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("openi", "mimic"), default="openi")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--reports", type=int, default=227_835)
    parser.add_argument("--images", type=int, default=377_110)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", type=Path, help="mimic: keep (or reuse) the store in DIR/kg")
    parser.add_argument(
        "--no-naf", action="store_true", help="mimic: keep every image's findings (no NaF image selection)"
    )
    args = parser.parse_args()
    openi(args) if args.scale == "openi" else mimic(args)


if __name__ == "__main__":
    main()
