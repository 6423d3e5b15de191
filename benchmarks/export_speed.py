"""Export timings on a synthetic graph of about a million RDF triples.

Compares the RDF writers (direct N-Triples, pyoxigraph Turtle / JSON-LD, rdflib Turtle /
N-Triples / JSON-LD) and times GraphML and PyG. The synthetic graph has studies with two images
each, ``--findings`` finding edges per image over ``--concepts`` concepts with one evidence
record per report mention; concept ids are ``SYN...`` placeholders (not CUIs).

Usage::

    python benchmarks/export_speed.py                      # ~1M triples, all writers
    python benchmarks/export_speed.py --studies 2000 --skip-rdflib
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path

from medkg.export import iter_triples, save_pyg, to_rdflib, write_graphml, write_jsonld, write_ntriples
from medkg.export.rdf import write_turtle
from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    OntologyEdge,
    PatientNode,
    ReportNode,
    Structure,
    StructureEdge,
    StudyNode,
)


def synthetic_graph(studies: int, findings: int, concepts: int, seed: int = 0) -> KnowledgeGraph:
    rng = random.Random(seed)
    kg = KnowledgeGraph()
    cuis = [f"SYN{i:07d}" for i in range(concepts)]
    for i, cui in enumerate(cuis):
        kg.concepts[cui] = ConceptNode(
            cui, f"synthetic concept {i}", ("T047",), ("Disease or Syndrome",), (f"SYN:{i}",)
        )
    for i in range(1, concepts):
        kg.add_edge(OntologyEdge("ISA", cuis[i], cuis[rng.randrange(i)], ("isa",), ("SYN",)))
    weights = [1.0 / (k + 1) for k in range(concepts)]
    for s in range(studies):
        pid, sid, rid = f"P{s // 3}", f"S{s}", f"R{s}"
        kg.patients.setdefault(pid, PatientNode(pid))
        kg.studies[sid] = StudyNode(sid, pid, "synthetic")
        kg.reports[rid] = ReportNode(rid, sid, hashlib.sha256(rid.encode()).hexdigest(), None, "synthetic")
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, pid, sid))
        kg.add_edge(StructureEdge(Structure.HAS_REPORT, sid, rid))
        picked = set(rng.choices(cuis, weights=weights, k=findings))
        mentions = []
        for j, cui in enumerate(sorted(picked)):
            kind = rng.choices(list(Finding), weights=(0.35, 0.6, 0.05))[0]
            sha = hashlib.sha256(f"{rid}:{j}".encode()).hexdigest()
            mentions.append((kind, cui, Evidence(rid, "findings", j, 10 * j, 10 * j + 8, sha, None, "left")))
        for view in ("PA", "LATERAL"):
            iid = f"{sid}-{view}"
            kg.images[iid] = ImageNode(iid, sid, f"files/{iid}.png", view, True, rng.random())
            kg.add_edge(StructureEdge(Structure.HAS_IMAGE, sid, iid))
            for kind, cui, ev in mentions:
                kg.add_edge(FindingEdge(kind, iid, cui, (ev,)))
    return kg


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    return label, seconds, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", type=int, default=8000)
    ap.add_argument("--findings", type=int, default=6)
    ap.add_argument("--concepts", type=int, default=600)
    ap.add_argument("--skip-rdflib", action="store_true", help="skip the (slow) rdflib writers")
    args = ap.parse_args()

    start = time.perf_counter()
    kg = synthetic_graph(args.studies, args.findings, args.concepts)
    print(
        f"synthetic graph: {len(kg.images)} images, {len(kg.findings)} finding edges, "
        f"{len(kg.concepts)} concepts ({time.perf_counter() - start:.1f} s to build)"
    )
    _, secs, n = timed("generate", lambda: sum(1 for _ in iter_triples(kg)))
    print(f"{n:,} triples; generating them alone takes {secs:.2f} s ({n / secs / 1e3:,.0f} k triples/s)")
    import torch_geometric  # noqa: F401  (import once, outside the timings)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        runs = [
            ("N-Triples, direct", write_ntriples, d / "kg.nt"),
            ("Turtle, pyoxigraph", lambda k, p: write_turtle(k, p, engine="oxigraph"), d / "ox.ttl"),
            ("JSON-LD, pyoxigraph", lambda k, p: write_jsonld(k, p, engine="oxigraph"), d / "ox.jsonld"),
        ]
        if not args.skip_rdflib:
            runs += [
                ("Turtle, rdflib", lambda k, p: write_turtle(k, p, engine="rdflib"), d / "rl.ttl"),
                ("N-Triples, rdflib", lambda k, p: to_rdflib(k).serialize(str(p), format="nt"), d / "rl.nt"),
                ("JSON-LD, rdflib", write_jsonld, d / "rl.jsonld"),
            ]
        runs += [
            ("GraphML, networkx", write_graphml, d / "kg.graphml"),
            ("PyG, torch.save", save_pyg, d / "kg.pt"),
        ]
        print(f"{'writer':<22}{'seconds':>9}{'k triples/s':>13}{'MB':>9}")
        for label, fn, path in runs:
            _, secs, _ = timed(label, fn, kg, path)
            mb = path.stat().st_size / 1e6
            print(f"{label:<22}{secs:>9.2f}{n / secs / 1e3:>13,.0f}{mb:>9.1f}")


if __name__ == "__main__":
    main()
