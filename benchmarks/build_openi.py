"""Open-i build benchmark: torchxrayvision's NLMCXR_reports.tgz (3,955 reports) → graph → NaF → store.

Target: build with extraction < 10 s. Prints per-stage times, graph/NaF statistics, and the
figures of MEDMKG's released graph for comparison (MIMIC-CXR based, so sizes differ by design).

    python benchmarks/build_openi.py [--workers 2] [--preset default|medmkg] [--anatomy-edges findings|all]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from medkg.datasets import read
from medkg.demo import openi_archive
from medkg.extract import Extractor
from medkg.graph import GraphOptions, NafSettings
from medkg.workflows import build_store, cpu_now
from medkg.ontology import load

MEDMKG = {"images": 4868, "concepts": 3149, "triples": 35387, "relation types": 262}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--preset", default="default")
    ap.add_argument(
        "--scope", default="neighbours", help="ontology_scope: neighbours (default), mentioned, ancestors"
    )
    ap.add_argument("--anatomy-edges", default="findings", help="findings (default) or all")
    args = ap.parse_args()
    archive = openi_archive()
    if archive is None:
        raise SystemExit("torchxrayvision is not installed (pip install --no-deps torchxrayvision)")
    t = time.perf_counter()
    onto = load()
    extractor = Extractor(onto)
    setup = time.perf_counter() - t
    options = GraphOptions.preset(args.preset, ontology_scope=args.scope, anatomy_edges=args.anatomy_edges)
    t0, c0 = time.perf_counter(), cpu_now()
    with tempfile.TemporaryDirectory() as tmp:
        result = build_store(
            read("openi", archive),  # streamed: reading overlaps extraction
            f"{tmp}/kg",
            extractor=extractor,
            ontology=onto,
            options=options,
            naf_settings=NafSettings(),
            workers=args.workers,
        )
    total, total_cpu = time.perf_counter() - t0, cpu_now() - c0
    print(f"ontology + extractor setup   {setup:6.2f} s (not part of the target)")
    print(f"{'stage':<28} {'wall':>8} {'CPU':>8}  (CPU: this process + extraction workers)")
    for stage, seconds in result.seconds.items():
        if stage != "load ontology + extractor":
            print(f"{stage:<28} {seconds:6.2f} s {result.cpu_seconds[stage]:6.2f} s")
    build = result.seconds["read records"] + result.seconds["extract + build"]
    build_cpu = result.cpu_seconds["read records"] + result.cpu_seconds["extract + build"]
    print(f"read + extract + build       {build:6.2f} s {build_cpu:6.2f} s   "
          f"(target < 10 s, {args.workers} workers)")
    load_avg = os.getloadavg()[0]
    print(f"all stages                   {total:6.2f} s {total_cpu:6.2f} s   load average {load_avg:.1f}")
    st = result.stats
    print(f"\nstatistic                    medkg Open-i ({args.preset}, {args.scope}, "
          f"anatomy_edges={args.anatomy_edges})   MEDMKG release")
    print(f"reports                      {st.nodes['Report']:>10}")
    print(f"images (NaF kept)            {st.images_kept:>10}          {MEDMKG['images']:>8}")
    linked = st.concepts_linked_kept
    print(f"concepts linked to images    {linked:>10}          {MEDMKG['concepts']:>8} (all concepts)")
    print(f"concepts (all nodes)         {st.nodes['Concept']:>10}")
    print(f"concepts not linked          {st.nodes['Concept'] - st.concepts_linked:>10}")
    print(f"triples                      {st.triples:>10}          {MEDMKG['triples']:>8}")
    print(f"relation types               {st.relation_types:>10}          {MEDMKG['relation types']:>8}")
    print(f"image edges before/after NaF {st.finding_edges:>10} / {st.finding_edges_kept}")
    print("edges:", ", ".join(f"{k} {v}" for k, v in st.edges.items()))


if __name__ == "__main__":
    main()
