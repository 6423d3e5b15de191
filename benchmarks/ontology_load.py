"""Cold parse time vs warm (compiled cache) load time of an ontology.

Usage::

    python benchmarks/ontology_load.py                       # the shipped seed
    python benchmarks/ontology_load.py PATH [PATH ...]       # any RRF dir, .obo, .owl/.ttl, .jsonl

Prints one line per source: concepts, names, relations, the cold parse time (best of ``--repeat``
runs of the reader, no cache), the time to write the cache, and the warm load time through
:func:`medkg.ontology.load` (best of ``--repeat``). The cache goes to a temporary directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from medkg.ontology import load
from medkg.ontology.loading import parse, seed_path


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="ontology sources (default: the shipped seed)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; the best is shown")
    args = parser.parse_args()
    paths = args.paths or [seed_path()]
    header = ("concepts", "names", "rels", "cold s", "write s", "warm s")
    print(f"{'source':<40} {header[0]:>9} " + " ".join(f"{h:>8}" for h in header[1:]))
    for path in paths:
        with tempfile.TemporaryDirectory() as cache_dir:
            cold, onto = _best(lambda p=path: parse(p), args.repeat)
            start = time.perf_counter()
            load(path, cache_dir=cache_dir, refresh=True)
            write = time.perf_counter() - start - cold
            warm, cached = _best(lambda p=path, d=cache_dir: load(p, cache_dir=d), args.repeat)
            assert cached == onto, "cached ontology differs from the parsed one"
        st = onto.stats()
        print(
            f"{path.name[:40]:<40} {st.concepts:>9} {st.names:>8} {st.relations:>8} "
            f"{cold:>8.3f} {max(write, 0.0):>8.3f} {warm:>8.3f}"
        )


if __name__ == "__main__":
    main()
