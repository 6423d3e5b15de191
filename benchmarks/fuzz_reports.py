"""Fuzz run: >= 10,000 generated reports through extraction and graph build; prints the counts.

Reports recombine real Open-i sentences (read in place from ../shared, never written anywhere) with
mutations: random Unicode and control characters, deeply nested punctuation, odd section headers,
empty and very long reports, raw text and section mappings. Every report must end in a result or a
typed ``medkg.errors`` error; anything else is a crash (printed with its input's repr).

    python benchmarks/fuzz_reports.py [--reports 10000] [--seed 0] [--batch 500] [--surrogates]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import time
import traceback
from collections import Counter
from pathlib import Path

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import MedkgError
from medkg.extract import Extractor
from medkg.graph import build_graph, checksum
from medkg.ontology import load

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "openi" / "dev.csv"
ODD = ["\x00", "\x07", "\x0b", "\x1b[31m", "\r", "\u2028", "\u200b", "\ufeff", "\u0301", "\U0001f600", "肺",
       "İ", "ß", "ﬁ", "١٢٣", "\\", "\"", "'", "`", "<tag>", "&amp;", "%s", "{0}", "$x",
       "'}) DETACH DELETE n //"]  # fmt: skip
HEADERS = ["FINDINGS:", "IMPRESSION:", "INDICATION:", "COMPARISON:", "HISTORY:", "findings", "IMPRESSION::",
           ":", "FINDINGS:IMPRESSION:", "Impression -", "1.", "A)", "TECHNIQUE:", "\nFINDINGS\n"]  # fmt: skip
#: Insert lone surrogates too (``--surrogates``): a known crash of the graph build (sha256 of the text).
SURROGATES = False
KINDS = ("recombined", "mutated", "odd_headers", "punctuation", "unicode", "mapping", "empty")


def sentences() -> list[str]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        for text in (r["findings"], r["impression"], r["indication"]):
            out += [s for s in re.split(r"(?<=[.?!])\s+", text) if s]
    return out


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(chars))
        op = rng.random()
        if op < 0.4:
            chars[at:at] = rng.choice(ODD)
        elif op < 0.6 and chars:
            del chars[at : at + rng.randint(1, 5)]
        elif op < 0.8:
            code = rng.randint(0, 0x2FFFF) if rng.random() < 0.5 else rng.randint(0, 0x7F)
            if 0xD800 <= code <= 0xDFFF and not SURROGATES:
                code -= 0x800  # lone surrogates only with --surrogates (no reader produces them)
            chars[at:at] = chr(code)
        else:
            chars[at:at] = rng.choice("()[]{}.,;:-?!/") * rng.randint(1, 40)
    return "".join(chars)


def generate(kind: str, pool: list[str], rng: random.Random) -> str | dict[str, str]:
    body = " ".join(rng.sample(pool, rng.randint(1, 6)))
    if kind == "recombined":
        return {"findings": body, "impression": rng.choice(pool)}
    if kind == "mutated":
        return mutate(body, rng)
    if kind == "odd_headers":
        return "\n".join(f"{rng.choice(HEADERS)} {rng.choice(pool)}" for _ in range(rng.randint(1, 6)))
    if kind == "punctuation":
        depth = rng.randint(1, 3000)
        return "(" * depth + rng.choice(pool) + ")" * depth + rng.choice(["...", "?!", ";;"]) * depth
    if kind == "unicode":
        return "".join(chr(rng.randint(1, 0xD7FF)) for _ in range(rng.randint(0, 400)))
    if kind == "mapping":
        return {mutate(rng.choice(HEADERS), rng): mutate(body, rng) for _ in range(rng.randint(1, 4))}
    if kind == "empty":
        return rng.choice(["", " ", "\n\n", "\t", {}])
    return {"findings": " ".join(rng.choices(pool, k=rng.randint(2000, 9000)))}  # long: 0.2-1 MB, 1 in 200


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=500, help="Reports per graph build.")
    ap.add_argument("--surrogates", action="store_true", help="Also insert lone surrogate code points.")
    args = ap.parse_args()
    global SURROGATES
    SURROGATES = args.surrogates
    rng = random.Random(args.seed)
    pool = sentences()
    onto = load()
    extractor = Extractor(onto)
    outcome: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    crashes: list[str] = []
    mentions = graphs = 0
    batch: list[ReportRecord] = []
    t0 = time.perf_counter()

    def build(records: list[ReportRecord]) -> None:
        nonlocal graphs
        try:
            kg = build_graph(records, extractor, onto)
            kg.validate()
            checksum(kg)
            graphs += 1
            outcome["graph ok"] += 1
        except MedkgError:
            outcome["graph typed error"] += 1
        except Exception:  # noqa: BLE001 - counting crashes is the point
            outcome["graph CRASH"] += 1
            crashes.append(traceback.format_exc(limit=3))

    for i in range(args.reports):
        kind = "long" if i % 200 == 199 else KINDS[i % len(KINDS)]
        kinds[kind] += 1
        report = generate(kind, pool, rng)
        try:
            mentions += len(extractor.extract(report, f"f{i}").mentions)
            outcome["extract ok"] += 1
        except MedkgError:
            outcome["extract typed error"] += 1
        except Exception:  # noqa: BLE001
            outcome["extract CRASH"] += 1
            crashes.append(f"{report!r:.300}\n{traceback.format_exc(limit=3)}")
        sections = report if isinstance(report, dict) else {"report": report}
        images = tuple(
            ImageRecord(f"f{i}-{j}", f"f{i}", None, "PA" if j == 0 else "LATERAL") for j in range(2)
        )
        batch.append(ReportRecord(f"f{i}", f"f{i}", dict(sections), f"p{i % 97}", images, f"fuzz:{i}"))
        if len(batch) == args.batch:
            build(batch)
            batch = []
    if batch:
        build(batch)
    took = time.perf_counter() - t0
    print(f"reports generated: {args.reports} (seed {args.seed}) in {took:.1f} s")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for key in (
        "extract ok",
        "extract typed error",
        "extract CRASH",
        "graph ok",
        "graph typed error",
        "graph CRASH",
    ):
        print(f"{key:<22} {outcome[key]}")
    print(
        f"mentions {mentions}; graphs built {graphs} (batches of {args.batch} reports, each extracted again)"
    )
    print(f"crashes: {len(crashes)}")
    for text in crashes[:5]:
        print("----\n" + text)
    if crashes:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
