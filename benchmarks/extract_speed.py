"""Throughput and peak memory of ``medkg label`` end to end, and the ratio to a medspaCy pipeline.

Replicates the Open-i dev reports to >= 100,000 rows in a temporary CSV (deleted afterwards; the
reports never leave the temp dir), runs ``medkg label ... --workers 2`` as a subprocess and reports
reports/s and the peak RSS of the process tree. Then, if ``medspacy`` is importable, times a
medspaCy TargetMatcher + ConText pipeline built from the same vocabulary on a sample and prints the
ratio. Prints figures; asserts nothing.

Usage::

    python benchmarks/extract_speed.py [--rows 100000] [--workers 2] [--ontology PATH] [--sample 500]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "openi" / "dev.csv"


def replicate(rows: int, target: Path) -> int:
    with DEV.open(newline="", encoding="utf-8") as fh:
        reports = [(r["findings"], r["impression"]) for r in csv.DictReader(fh)]
    reports = [r for r in reports if any(x.strip() for x in r)]
    with target.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["uid", "findings", "impression"])
        for i in range(rows):
            f, imp = reports[i % len(reports)]
            w.writerow([str(i), f, imp])
    return rows


def time_label(src: Path, workers: int, ontology: str | None, *, rows: int) -> dict:
    out = src.with_suffix(".labels.csv")
    cmd = [sys.executable, "-m", "medkg", "label", str(src), "--id-column", "uid",
           "--text-columns", "findings,impression", "--schema", "chestxray14", "--output", str(out),
           "--workers", str(workers)]
    if ontology:
        cmd += ["--ontology", ontology]
    # start-up (imports, ontology load, extractor build) measured separately on a 1-row file
    tiny = src.with_name("tiny.csv")
    with src.open() as fh, tiny.open("w") as t:
        t.write(fh.readline())
        t.write(fh.readline())
    t0 = time.perf_counter()
    subprocess.run([*cmd[:4], str(tiny), *cmd[5:]], check=True, capture_output=True)
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    total = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "rows": rows, "workers": workers, "seconds": round(total, 2), "startup_s": round(startup, 2),
        "reports_per_s": round(rows / total), "reports_per_s_after_startup": round(rows / (total - startup)),
        "peak_rss_mb_largest_process": round(peak_kb / 1024),
    }


def time_medkg_inprocess(sample: list[dict], ontology: str | None) -> float:
    from medkg.extract import Extractor
    from medkg.ontology import load

    ex = Extractor(load(ontology) if ontology else None)
    t0 = time.perf_counter()
    for i, r in enumerate(sample):
        ex.extract(r, str(i))
    return len(sample) / (time.perf_counter() - t0)


def time_medspacy(sample: list[dict], ontology: str | None) -> float | None:
    try:
        import medspacy
        from medspacy.context import ConTextComponent  # noqa: F401
        from medspacy.ner import TargetRule
    except Exception as exc:  # not installed or incompatible with this spaCy
        print(f"medspacy unavailable: {exc}", file=sys.stderr)
        return None
    from medkg.extract import Extractor
    from medkg.ontology import load

    vocab = Extractor(load(ontology) if ontology else None, fuzzy=False).vocabulary
    nlp = medspacy.load(enable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"])
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(form, "CONCEPT") for form in vocab.concept_forms()])
    texts = [f"FINDINGS: {r.get('findings', '')}\n\nIMPRESSION: {r.get('impression', '')}" for r in sample]
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts):
        [(e.text, e._.is_negated) for e in doc.ents]
    return len(sample) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ontology", default=None)
    ap.add_argument("--sample", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "reports.csv"
        replicate(args.rows, src)
        figures = {"label": time_label(src, args.workers, args.ontology, rows=args.rows)}
    with DEV.open(newline="", encoding="utf-8") as fh:
        sample = [{"findings": r["findings"], "impression": r["impression"]} for r in csv.DictReader(fh)]
    sample = (sample * (args.sample // len(sample) + 1))[: args.sample]
    figures["medkg_1core_reports_per_s"] = round(time_medkg_inprocess(sample, args.ontology))
    ms = time_medspacy(sample, args.ontology)
    if ms is not None:
        figures["medspacy_1core_reports_per_s"] = round(ms, 1)
        figures["ratio_medkg_label_2workers_vs_medspacy"] = round(figures["label"]["reports_per_s"] / ms, 1)
        figures["ratio_1core"] = round(figures["medkg_1core_reports_per_s"] / ms, 1)
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
