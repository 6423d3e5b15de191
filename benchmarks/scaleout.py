"""Scale-out benchmark: reports/s of the local build vs ``build_graph_dask`` on a 2-worker LocalCluster.

A synthetic MIMIC-like corpus (studies with 1-2 images, several studies per patient) is generated at
run time in a temporary directory as generic-CSV shards, by recombining real Open-i sentences read in
place from ../shared (CC BY-NC-ND: never written anywhere else; deleted afterwards). Both builds read
the same shards; their checksums must be equal. Extractor set-up is timed apart (each Dask worker
builds its own extractor once).

    python benchmarks/scaleout.py [--reports 20000] [--shards 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import random
import re
import resource
import tempfile
import time
from pathlib import Path

from medkg.distributed import ExtractorSpec, ReaderSpec, build_graph_dask
from medkg.distributed.partition import warm_up, worker_extractor
from medkg.graph import build_graph, checksum

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "openi" / "dev.csv"
COLUMNS = {"id_column": "id", "text_columns": ["findings", "impression"], "image_column": "images",
           "view_column": "view", "patient_column": "patient"}  # fmt: skip


def generate(folder: Path, n_reports: int, n_shards: int, seed: int = 0) -> list[Path]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    findings = [s for r in rows for s in re.split(r"(?<=\.)\s+", r["findings"]) if len(s) > 8]
    impressions = [s for r in rows for s in re.split(r"(?<=\.)\s+", r["impression"]) if len(s) > 3]
    rng = random.Random(seed)
    shards = []
    per = -(-n_reports // n_shards)
    for k in range(n_shards):
        path = folder / f"shard-{k:04d}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "findings", "impression", "images", "view", "patient"])
            for i in range(k * per, min(n_reports, (k + 1) * per)):
                study = 50_000_000 + i
                images = ";".join(f"d{study}-{j}" for j in range(1 + (i % 5 < 3)))
                w.writerow([study, " ".join(rng.sample(findings, 3)), rng.choice(impressions), images, "PA",
                            10_000_000 + i // 3])  # fmt: skip
        shards.append(path)
    return shards


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--shards", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        shards = generate(Path(tmp), args.reports, args.shards)
        spec = ReaderSpec("generic", shards, COLUMNS)
        print(f"corpus: {args.reports} reports in {args.shards} shards (generated, not timed)")

        t = time.perf_counter()
        onto, extractor = worker_extractor(ExtractorSpec())
        print(f"local extractor set-up      {time.perf_counter() - t:7.1f} s")
        t, cpu = time.perf_counter(), time.process_time()
        local = build_graph(spec.records(), extractor, onto)
        local_s, local_cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"local build (1 process)     {local_s:7.1f} s   {args.reports / local_s:8.0f} reports/s"
              f"   CPU {local_cpu:.1f} s = {args.reports / local_cpu:.0f} reports/CPU-s")  # fmt: skip

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
            t = time.perf_counter()
            client.run(warm_up, ExtractorSpec())
            print(f"dask cluster + {args.workers} worker set-ups  {time.perf_counter() - t:7.1f} s")
            before = client.run(time.process_time)
            t, cpu = time.perf_counter(), time.process_time()
            kg = build_graph_dask(spec, None, None, client)
            dask_s, client_cpu = time.perf_counter() - t, time.process_time() - cpu
            after = client.run(time.process_time)
            worker_cpu = sum(after[w] - before[w] for w in after)
        rate = args.reports / dask_s
        print(f"dask build ({args.workers} workers)     {dask_s:7.1f} s   {rate:8.0f} reports/s"
              f"   speed-up {local_s / dask_s:.2f}x")  # fmt: skip
        print(f"dask CPU: workers {worker_cpu:.1f} s ({args.reports / worker_cpu:.0f} reports/worker-CPU-s), "
              f"client {client_cpu:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        same = checksum(kg) == checksum(local)
        print(f"checksums equal: {same}  ({checksum(local)[:16]})")
        print(f"graph: {len(kg.reports)} reports, {len(kg.images)} images, {len(kg.findings)} image edges")
        size = len(pickle.dumps(kg, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"merged graph pickled: {size / 2**20:.1f} MB ({size / args.reports / 1024:.2f} KB/report)")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"client peak RSS (local build + merge): {own:.0f} MB")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
