#!/usr/bin/env python
"""Re-create the shipped chest-radiology seed ontology (``ontologies/seed/*.RRF``) from public sources.

Usage (from the repository root)::

    python ontologies/build_seed.py [SOURCES_DIR] [--out ontologies/seed]

``SOURCES_DIR`` defaults to ``../shared/data/ontology-sources`` relative to the repository and must
hold Disease Ontology 2016-09-01, HPO 2025-01-16 and the MeSH 2024 ``.rds`` / CSV files. biomappings
is read from its installed package data (no network). The output is byte-for-byte deterministic.
The script prints its figures (build time, counts, coverage on Open-i dev.csv when present).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from importlib.metadata import version as _version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _seedlib.assemble import add_curated_nodes, build_concepts, build_edges  # noqa: E402
from _seedlib.curated import read_curated  # noqa: E402
from _seedlib.rrfout import write_seed  # noqa: E402
from _seedlib.select import select  # noqa: E402
from _seedlib.sources import (  # noqa: E402
    DO_FILE,
    HPO_FILE,
    read_biomappings,
    read_mesh,
    read_negbio_cuis,
    read_obo,
)

DEFAULT_SOURCES = REPO.parent / "shared" / "data" / "ontology-sources"
DEFAULT_NEGBIO = REPO.parent / "shared" / "reference" / "negbio_cuis_chestxray14.txt"


def build(sources: Path, out: Path, negbio_path: Path, curated_dir: Path = HERE / "curated") -> dict:
    """Build the seed into ``out``; return figures (counts) for printing."""
    curated = read_curated(curated_dir)
    do, hpo = read_obo(sources / DO_FILE), read_obo(sources / HPO_FILE)
    mesh = read_mesh(sources)
    negbio = read_negbio_cuis(negbio_path)
    named = [r["target"] for r in curated.synonyms]
    named += [r[k] for r in curated.relations for k in ("child", "parent")]
    forced = {k for k in named if not k.startswith("MKG:")}
    selection = select(mesh, do, hpo, read_biomappings(), negbio, curated.scope, forced)
    add_curated_nodes(selection, curated)
    concepts = build_concepts(selection, curated, do)
    edges = build_edges(selection, curated, do, hpo)
    write_seed(out, concepts, edges, curated.semantic_network)
    real = sum(1 for c in concepts if not c.startswith("MKG:"))
    return {
        "concepts": len(concepts),
        "concepts_with_cui": real,
        "concepts_local_id": len(concepts) - real,
        "atoms": sum(len(c.atoms) for c in concepts.values()),
        "atoms_by_sab": dict(sorted(Counter(a.sab for c in concepts.values() for a in c.atoms).items())),
        "definitions": sum(len(c.definitions) for c in concepts.values()),
        "relations": dict(sorted(Counter(f"{e.rela}/{e.sab}" for e in edges).items())),
        "mesh_cui_routes": dict(sorted(Counter(selection.mesh_routes.values()).items())),
        "source_terms": dict(sorted(Counter(n.sab for n in selection.nodes.values()).items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="?", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=HERE / "seed")
    parser.add_argument("--negbio", type=Path, default=DEFAULT_NEGBIO, help="NegBio ChestX-ray14 CUI list")
    parser.add_argument("--dev-csv", type=Path, default=REPO.parent / "shared" / "data" / "openi" / "dev.csv")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    figures = build(args.sources, args.out, args.negbio)
    print(f"built {args.out} in {time.perf_counter() - start:.1f} s (biomappings {_version('biomappings')})")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    if args.dev_csv.is_file():
        from medkg.ontology.coverage import mesh_head_coverage
        from medkg.ontology.rrf import load_rrf

        report = mesh_head_coverage(load_rrf(args.out), args.dev_csv)
        print(f"  coverage of {args.dev_csv.name} MeSH heads: {report.as_dict()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
