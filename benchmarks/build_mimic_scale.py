"""Synthetic MIMIC-CXR-scale benchmark: 227,835 reports / 377,110 images → graph → NaF → store.

Reports are generated at run time into a temporary directory, in MIMIC-CXR's layout
(``files/pXX/pSUBJECT/sSTUDY.txt`` + ``mimic-cxr-2.0.0-metadata.csv``), by recombining real
Open-i sentences (CC BY-NC-ND: never written anywhere else, deleted afterwards). Target on
2 cores: build + NaF + embedded store load < 5 minutes, peak RSS < 4 GB.

    python benchmarks/build_mimic_scale.py [--reports 227835] [--images 377110] [--workers 2]

Prints wall and CPU seconds per stage (CPU of this process plus the extraction workers: on a
shared machine wall times grow with other load, CPU times much less) and the peak RSS of this
process sampled during the build (records are streamed from the reader, never all in memory).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import tempfile
import threading
import time
from pathlib import Path

from medkg.datasets import read
from medkg.demo import openi_archive
from medkg.extract import Extractor
from medkg.graph import NafSettings
from medkg.workflows import build_store, cpu_now
from medkg.ontology import load
from medkg.store.ladybug import LadybugStore

_SENT = re.compile(r"(?<=\.)\s+")


def sentences(archive: Path) -> tuple[list[str], list[str]]:
    findings, impressions = [], []
    for rec in read("openi", archive):
        findings += [s for s in _SENT.split(rec.sections.get("findings", "")) if len(s) > 8]
        impressions += [s for s in _SENT.split(rec.sections.get("impression", "")) if len(s) > 3]
    return findings, impressions


def generate(root: Path, n_reports: int, n_images: int, seed: int = 0) -> None:
    """Write the synthetic corpus: studies get 2 images until ``n_images`` is reached, else 1."""
    rng = random.Random(seed)
    findings, impressions = sentences(openi_archive())
    extra = n_images - n_reports
    views = ("PA", "LATERAL", "AP")
    with (root / "mimic-cxr-2.0.0-metadata.csv").open("w") as meta:
        meta.write("dicom_id,subject_id,study_id,ViewPosition\n")
        for i in range(n_reports):
            subject, study = 10_000_000 + i // 3, 50_000_000 + i
            folder = root / "files" / f"p{str(subject)[:2]}" / f"p{subject}"
            folder.mkdir(parents=True, exist_ok=True)
            body = " ".join(rng.sample(findings, 3))
            text = f"FINDINGS: {body}\n\nIMPRESSION: {rng.choice(impressions)}\n"
            (folder / f"s{study}.txt").write_text(text)
            for j in range(2 if i < extra else 1):
                meta.write(f"d{study}-{j},{subject},{study},{views[(i + j) % 3]}\n")


class PeakRss:
    """Samples this process's RSS every 50 ms in a thread (``ru_maxrss`` is only the overall peak)."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=227_835)
    ap.add_argument("--images", type=int, default=377_110)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", type=Path, help="reuse (or create) the synthetic corpus here")
    args = ap.parse_args()
    if openi_archive() is None:
        raise SystemExit("torchxrayvision is not installed (pip install --no-deps torchxrayvision)")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.corpus or Path(tmp) / "mimic"
        if not (root / "mimic-cxr-2.0.0-metadata.csv").exists():
            root.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            generate(root, args.reports, args.images)
            took = time.perf_counter() - t
            print(f"generate {args.reports} reports / {args.images} images: {took:.1f} s (not timed)")
        t = time.perf_counter()
        onto = load()
        extractor = Extractor(onto)
        print(f"ontology + extractor setup: {time.perf_counter() - t:.1f} s")
        t0, c0 = time.perf_counter(), cpu_now()
        with PeakRss() as rss:
            result = build_store(
                read("mimic-cxr", root),
                Path(tmp) / "kg",
                extractor=extractor,
                ontology=onto,
                naf_settings=NafSettings(),
                workers=args.workers,
            )
        total, total_cpu = time.perf_counter() - t0, cpu_now() - c0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{'stage':<24} {'wall':>8}   {'CPU (this process + workers)':>8}")
        for stage, seconds in result.seconds.items():
            if stage != "load ontology + extractor":
                print(f"{stage:<24} {seconds:8.1f} s {result.cpu_seconds[stage]:8.1f} s")
        print(f"{'read+build+NaF+store':<24} {total:8.1f} s {total_cpu:8.1f} s   (target < 300 s on 2 cores)")
        print(f"peak RSS: main {rss.peak / 2**20:.0f} MB, largest worker {kids:.0f} MB   (target < 4096 MB)")
        print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
        t = time.perf_counter()
        with LadybugStore(Path(tmp) / "kg") as store:
            back = store.read_graph()
        took = time.perf_counter() - t
        print(f"{'read_graph (not in target)':<24} {took:8.1f} s, {sum(back.counts().values())} records")
    st = result.stats
    print(f"nodes {st.nodes}")
    print(f"image edges {st.finding_edges} (NaF kept {st.finding_edges_kept}); images kept {st.images_kept}")


if __name__ == "__main__":
    main()
