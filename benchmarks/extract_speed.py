"""Throughput and peak memory of ``medkg label`` end to end, and the ratio to a medspaCy pipeline.

What it prints (figures only; it asserts nothing):

1. ``label_<rows>``: ``medkg label ... --workers 2`` as a subprocess on the Open-i dev reports
   replicated to each ``--rows`` size (a temporary CSV, deleted afterwards; report text never
   leaves the temp dir): wall seconds including start-up, reports/s, CPU seconds of the process
   tree, peak RSS of the largest process and of the whole tree (sampled every 50 ms). Two sizes
   show whether memory grows with the input.
2. ``dev_nonreplicated``: the 1,000 dev reports once, in-process on one core: with the sentence
   cache off (``cold``), with a fresh cache (``first_pass``: what an unseen corpus of this size
   gets) and warm; and ``medkg label`` on them as a subprocess.
3. ``medspacy``: medspaCy's TargetMatcher (the same dictionary surface forms) + ConText, with
   PyRuSH sentences, on ``--sample`` dev reports, one core; ratios to medkg.

The machine may be shared: the load average is printed, and ``cpu_bound_reports_per_s`` (rows
per CPU-second of the tree, times the worker count) tells what 2 dedicated cores would do.

Usage::

    python benchmarks/extract_speed.py [--rows 100000 300000] [--workers 2] [--sample 2000]
                                       [--ontology PATH] [--no-medspacy]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "openi" / "dev.csv"


def dev_reports() -> list[dict[str, str]]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = [{"uid": r["uid"], "findings": r["findings"], "impression": r["impression"]}
                for r in csv.DictReader(fh)]
    return [r for r in rows if (r["findings"] + r["impression"]).strip()]


def write_csv(reports: list[dict[str, str]], rows: int, target: Path) -> None:
    with target.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["uid", "findings", "impression"])
        for i in range(rows):
            r = reports[i % len(reports)]
            w.writerow([str(i), r["findings"], r["impression"]])


class TreeMemory:
    """Sample the RSS of a process and its children until it exits; keep the peaks."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak_tree = self.peak_one = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.peak_tree = max(self.peak_tree, sum(rss))
            self.peak_one = max(self.peak_one, max(rss, default=0))
            time.sleep(0.05)

    def join(self) -> None:
        self._thread.join(timeout=1)


def run_label(src: Path, workers: int, ontology: str | None) -> dict:
    out = src.with_suffix(".labels.csv")
    cmd = [sys.executable, "-m", "medkg", "label", str(src), "--id-column", "uid",
           "--text-columns", "findings,impression", "--schema", "chestxray14", "--output", str(out),
           "--workers", str(workers)]
    if ontology:
        cmd += ["--ontology", ontology]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    mem = TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    mem.join()
    if status != 0:
        raise RuntimeError(f"medkg label failed: {proc.stderr.read().decode()[-2000:]}")
    out.unlink()
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb_largest_process": round(usage.ru_maxrss / 1024),
            "peak_rss_mb_tree_sampled": round(mem.peak_tree / 2**20)}


def time_label(reports, rows: int, workers: int, ontology: str | None, tmp: Path) -> dict:
    src = tmp / f"reports_{rows}.csv"
    write_csv(reports, rows, src)
    tiny = tmp / "tiny.csv"
    write_csv(reports, 1, tiny)
    startup = run_label(tiny, workers, ontology)["seconds"]
    fig = run_label(src, workers, ontology)
    src.unlink()
    return {
        "rows": rows, "workers": workers, "seconds": round(fig["seconds"], 2), "startup_s": round(startup, 2),
        "reports_per_s": round(rows / fig["seconds"]),
        "reports_per_s_after_startup": round(rows / max(fig["seconds"] - startup, 1e-9)),
        "cpu_s": round(fig["cpu_s"], 2),
        "cpu_bound_reports_per_s": round(rows / fig["cpu_s"] * workers),
        "peak_rss_mb_largest_process": fig["peak_rss_mb_largest_process"],
        "peak_rss_mb_tree_sampled": fig["peak_rss_mb_tree_sampled"],
    }


def time_inprocess(reports, ontology: str | None) -> dict:
    """One core, the dev reports once: cache off, fresh cache, warm cache (reports/s of CPU time)."""
    from medkg.extract import Extractor
    from medkg.labels import label_mapper
    from medkg.ontology import load

    onto = load(ontology) if ontology else None
    sections = [{"findings": r["findings"], "impression": r["impression"]} for r in reports]
    out = {"reports": len(sections)}
    for name, cache in (("cold_no_cache", 0), ("first_pass_fresh_cache", None)):
        ex = Extractor(onto, cache_size=cache) if cache is not None else Extractor(onto)
        _build_fuzzy_index(ex, out)
        mapper = label_mapper("chestxray14", ex.ontology)
        passes = ("", "_warm") if cache is None else ("",)
        for suffix in passes:
            t0 = time.process_time()
            for i, r in enumerate(sections):
                mapper.label_assertions(ex.concept_assertions(r, str(i)))
            rate = len(sections) / (time.process_time() - t0)
            key = name if not suffix else "warm_cache"
            out[f"label_{key}_reports_per_s"] = round(rate)
        t0 = time.process_time()
        for i, r in enumerate(sections):
            ex.extract(r, str(i))
        out[f"extract_{name}_then_reports_per_s"] = round(len(sections) / (time.process_time() - t0))
        if cache is None:
            info = ex.annotator.cache_info()
            out["sentence_cache"] = {"hits": info.hits, "misses": info.misses, "size": info.currsize}
    return out


def _build_fuzzy_index(ex, out: dict) -> None:
    """Build the lazily built TF-IDF index now: a one-off start-up cost, not a per-report one."""
    if ex.annotator.fuzzy is not None:
        t0 = time.process_time()
        ex.annotator.fuzzy.index  # noqa: B018
        out["fuzzy_index_build_s"] = round(time.process_time() - t0, 2)


def time_medspacy(reports, sample: int, ontology: str | None) -> dict | None:
    try:
        from loguru import logger

        logger.remove()  # PyRuSH logs every sentence at DEBUG level; that is not the pipeline's cost
        import medspacy
        from medspacy.ner import TargetRule
    except Exception as exc:  # not installed or incompatible with this spaCy
        print(f"medspacy unavailable: {exc}", file=sys.stderr)
        return None
    from medkg.extract import Extractor
    from medkg.extract.sections import combine_sections
    from medkg.ontology import load

    ex = Extractor(load(ontology) if ontology else None, cache_size=0)
    _build_fuzzy_index(ex, {})
    nlp = medspacy.load(enable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"])
    forms = ex.vocabulary.concept_forms()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule(form, "CONCEPT") for form in forms])
    picked = (reports * (sample // len(reports) + 1))[:sample]
    texts = [combine_sections({"findings": r["findings"], "impression": r["impression"]})[0] for r in picked]
    t0 = time.process_time()
    n_ents = n_negated = 0
    for doc in nlp.pipe(texts):
        n_ents += len(doc.ents)
        n_negated += sum(e._.is_negated for e in doc.ents)
    medspacy_rate = len(texts) / (time.process_time() - t0)
    t0 = time.process_time()
    n_medkg = sum(len(ex.extract(t, str(i)).mentions) for i, t in enumerate(texts))
    medkg_rate = len(texts) / (time.process_time() - t0)
    return {
        "sample": len(texts), "target_rules": len(forms), "medspacy_reports_per_s": round(medspacy_rate, 1),
        "medspacy_entities": n_ents, "medspacy_negated": n_negated,
        "medkg_extract_no_cache_reports_per_s": round(medkg_rate), "medkg_mentions": n_medkg,
        "ratio_1core_no_cache": round(medkg_rate / medspacy_rate, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ontology", default=None)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--no-medspacy", action="store_true")
    args = ap.parse_args()
    reports = dev_reports()
    figures: dict = {"load_average_at_start": [round(x, 1) for x in os.getloadavg()], "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            figures[f"label_{rows}"] = time_label(reports, rows, args.workers, args.ontology, Path(tmp))
        figures["label_dev_nonreplicated"] = time_label(
            reports, len(reports), args.workers, args.ontology, Path(tmp))
    figures["inprocess_dev_nonreplicated_1core"] = time_inprocess(reports, args.ontology)
    if not args.no_medspacy:
        ms = time_medspacy(reports, args.sample, args.ontology)
        if ms is not None:
            first = figures[f"label_{args.rows[0]}"]["reports_per_s"]
            ms["ratio_label_end_to_end_vs_medspacy"] = round(first / ms["medspacy_reports_per_s"], 1)
            figures["medspacy"] = ms
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
