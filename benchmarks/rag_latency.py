"""Concept-retrieval latency on the embedded store at Open-i size (the 1,000 dev reports).

Builds a graph from ../shared/data/openi/dev.csv (one image per report), writes it to a temporary
LadybugStore, then times ``Retriever.retrieve(concepts=[label], k=7)`` over the ChestX-ray14 label
roots: without sentences, with sentences from the index (the default: the evidence ``read_graph``
loaded once) and with sentences fetched from the store per query (an index built without them).
Prints p50/p99 in ms.

    python benchmarks/rag_latency.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from medkg.datasets.generic import read_generic
from medkg.datasets.types import ImageRecord
from medkg.extract import default_extractor
from medkg.graph import build_graph
from medkg.rag import Retriever
from medkg.rag.index import GraphIndex
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    ex = default_extractor()
    records = [
        dataclasses.replace(r, images=(ImageRecord(r.report_id + "#report", r.study_id),))
        for r in read_generic(DEV, id_column="uid", text_columns=["findings", "impression"])
    ]
    kg = build_graph(records, ex, ex.ontology)
    with tempfile.TemporaryDirectory() as tmp:
        with LadybugStore(tmp, read_only=False) as store:
            store.write(kg)
        with LadybugStore(tmp) as store:
            retriever = Retriever(store, ontology=ex.ontology)
            t0 = time.perf_counter()
            _ = retriever.index
            print(f"graph: {kg.counts()}")
            print(f"index build (read_graph once): {(time.perf_counter() - t0) * 1000:.1f} ms")
            from_store = Retriever(store, ontology=ex.ontology)
            from_store._index = GraphIndex.from_store(store, ontology=ex.ontology, sentences=False)
            queries = [q for q in QUERIES if retriever.index.resolve(q)]
            runs = (
                ("scores and report ids only", retriever, False),
                ("with sentences from the index (default)", retriever, True),
                ("with sentences from the store", from_store, True),
            )
            for label, r, sentences in runs:
                times = []
                for i in range(args.repeat):
                    q = queries[i % len(queries)]
                    t = time.perf_counter()
                    r.retrieve(concepts=[q], k=7, sentences=sentences)
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
                print(
                    f"concept retrieval, {label}: p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms "
                    f"({args.repeat} queries)"
                )


if __name__ == "__main__":
    main()
