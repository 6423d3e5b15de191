"""Report-comparison speed on one core: ``medkg.compare_reports`` over distinct report pairs.

References are the 400 MIMIC-style dev reports (``../shared/data/mimic-style/dev.csv``, MIT),
each compared with candidates made from it by fixed edits (sides swapped, negations dropped, the
first finding sentence dropped, another report) — ``--pairs`` distinct pairs in all. The process
is pinned to one CPU. Timed:

* **nothing cached** — a fresh extractor, and a comparer keeping no report's findings: both texts
  of every pair are read (only repeated sentences hit the extractor's sentence cache);
* **cold** — a fresh extractor and comparer: each reference is read once for its five candidates
  (how a reward or an evaluation of several systems against one reference set runs);
* **warm** — the same pairs again (every report's findings cached);
* if installed, ``sacrebleu`` sentence BLEU and ``rouge-score`` ROUGE-L on the same pairs, for scale
  (text overlap, no clinical reading). Model-based scorers are not run here (they need model
  downloads); their published per-pair costs are printed for comparison.

    python benchmarks/compare_speed.py [--pairs 2000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mimic-style" / "dev.csv"
#: Published per-pair costs of model-based report scorers (issue 16), in ms.
PUBLISHED_MS = {"RadGraph F1": 158, "RadCliQ": 161, "GREEN": 2210}

_SWAP = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}


def _swap_sides(text: str) -> str:
    return re.sub(r"\b(left|right|Left|Right)\b", lambda m: _SWAP[m.group(1)], text)


def _drop_negations(text: str) -> str:
    return re.sub(r"\b(?:No|no) (?:evidence of |definite )?", "", text)


def _drop_first_finding(text: str) -> str:
    parts = re.split(r"(?<=\.)\s+", text)
    return " ".join(parts[:2] + parts[3:]) if len(parts) > 3 else text


def make_pairs(n: int) -> list[tuple[str, str]]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        reports = [row["text"] for row in csv.DictReader(fh)]
    edits = (_swap_sides, _drop_negations, _drop_first_finding)
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    i = 0
    while len(pairs) < n and i < 20 * n:
        ref = reports[i % len(reports)]
        k = i // len(reports)
        cand = edits[k % 3](ref) if k < 3 else reports[(i * 7 + k) % len(reports)]
        if k >= 3:
            cand = edits[k % 3](cand)
        if (cand, ref) not in seen:
            seen.add((cand, ref))
            pairs.append((cand, ref))
        i += 1
    return pairs


def timed(fn, pairs) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    for cand, ref in pairs:
        fn(cand, ref)
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=2000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    pairs = make_pairs(args.pairs)
    from medkg.compare import Comparer
    from medkg.extract import Extractor
    from medkg.ontology import load

    onto = load()

    def fresh(cache_size: int | None = None) -> tuple[Comparer, float]:
        t = time.perf_counter()
        comparer = (
            Comparer(Extractor(onto))
            if cache_size is None
            else Comparer(Extractor(onto), cache_size=cache_size)
        )
        if comparer.extractor.annotator.fuzzy is not None:
            comparer.extractor.annotator.fuzzy.index  # noqa: B018 - the lazily built TF-IDF index: start-up
        return comparer, time.perf_counter() - t

    bare, setup = fresh(cache_size=0)
    results: dict[str, object] = {"pairs": len(pairs), "cpus_used": 1, "setup_s": round(setup, 2)}
    wall, cpu = timed(lambda c, r: bare.compare(c, r), pairs)
    results["uncached_pairs_per_s"] = round(len(pairs) / wall)
    comparer, _ = fresh()
    wall, cpu = timed(lambda c, r: comparer.compare(c, r), pairs)
    results["cold_pairs_per_s"] = round(len(pairs) / wall)
    results["cold_cpu_pairs_per_s"] = round(len(pairs) / cpu)
    wall, cpu = timed(lambda c, r: comparer.compare(c, r), pairs)
    results["warm_pairs_per_s"] = round(len(pairs) / wall)
    results["ms_per_pair_uncached"] = round(1000 / results["uncached_pairs_per_s"], 3)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"{len(pairs)} distinct report pairs (MIMIC-style dev references, edited candidates), one core")
    print(f"setup (ontology + extractor + fuzzy index + significance): {setup:.2f} s")
    print(
        f"medkg.compare_reports, nothing cached (both texts read for every pair): "
        f"{results['uncached_pairs_per_s']} pairs/s ({results['ms_per_pair_uncached']} ms/pair)"
    )
    print(
        f"medkg.compare_reports, cold (each reference read once for its candidates): "
        f"{results['cold_pairs_per_s']} pairs/s (CPU-bound {results['cold_cpu_pairs_per_s']} pairs/s)"
    )
    print(f"medkg.compare_reports, warm (same pairs again): {results['warm_pairs_per_s']} pairs/s")
    try:
        import sacrebleu

        wall, _ = timed(lambda c, r: sacrebleu.sentence_bleu(c, [r]), pairs)
        results["sacrebleu_pairs_per_s"] = round(len(pairs) / wall)
        print(f"sacrebleu {sacrebleu.__version__} sentence BLEU: {results['sacrebleu_pairs_per_s']} pairs/s")
    except ImportError:
        print("sacrebleu not installed (pip install sacrebleu to time it)")
    try:
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(["rougeL"])
        wall, _ = timed(lambda c, r: scorer.score(r, c), pairs)
        results["rouge_score_pairs_per_s"] = round(len(pairs) / wall)
        print(f"rouge-score ROUGE-L: {results['rouge_score_pairs_per_s']} pairs/s")
    except ImportError:
        print("rouge-score not installed (pip install rouge-score to time it)")
    for name, ms in PUBLISHED_MS.items():
        print(
            f"published cost of {name}: {ms} ms/pair = {1000 / ms:.1f} pairs/s "
            f"(medkg with nothing cached is {results['uncached_pairs_per_s'] * ms / 1000:.0f}x faster)"
        )
    print(f"peak RSS: {results['peak_rss_mb']} MB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
