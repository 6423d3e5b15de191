"""Load rate of the Neo4j store vs a neo4j-graphrag-style CREATE writer, neo4j-admin, query latency.

Every figure comes from one run against real Neo4j 5.26 Community servers started from
the cached Maven jars (heap 1 GB, page cache 2 GB), each in a fresh temp home:

1. ``Neo4jStore.load`` (UNWIND/MERGE batches) of a synthetic MIMIC-scale graph into an empty
   database, then the same load again (idempotent replay, no journal skipping);
2. the same nodes and triples through a neo4j-graphrag-style writer: 1,000-row
   ``UNWIND ... CREATE`` batches, one auto-commit query each, same uniqueness constraints;
3. ``neo4j-admin database import full`` of the ``neo4j-admin`` CSV export (the upper bound);
4. p50/p99 latency over 1,000 queries each: 1-hop findings of an image, images with a concept,
   2-hop ontology (ISA) expansion.

The graph: ``--images`` images (default 377,110 as in MIMIC-CXR), 1.66 images per study, 3.5
studies per patient, one report per study, each study's report giving ~6.5 distinct findings
inherited by all its images (~2.4M finding edges at full size), each with one provenance record.
Concepts and ISA edges are real HPO terms (CUIs from HPO's UMLS xrefs), never invented.

    python benchmarks/neo4j_load.py                    # full size (~2.5M finding edges)
    python benchmarks/neo4j_load.py --images 40000     # quicker
    python benchmarks/neo4j_load.py --sweep 2000,5000,10000,20000,50000 --images 60000
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from medkg.graph.checksum import checksum
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
from medkg.store import neo4j_server as ns
from medkg.store import schema as S
from medkg.store.neo4j import Neo4jStore

HPO = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ontology-sources" / "hp_2025-01-16.obo"
)


def concepts_from_hpo(n_leaves: int, rng: random.Random) -> tuple[list[ConceptNode], list[tuple[str, str]]]:
    """``n_leaves`` HPO concepts plus their parents and grandparents, and the ISA edges among them."""
    from medkg.graph.build import concept_node
    from medkg.ontology.obo import load_obo

    onto = load_obo(HPO)
    cuis = sorted(c.cui for c in onto if onto.parents(c.cui))
    chosen = set(rng.sample(cuis, min(n_leaves, len(cuis))))
    for cui in list(chosen):
        for parent in onto.parents(cui):
            chosen.add(parent)
            chosen.update(onto.parents(parent))
    isa = sorted((c, p) for c in chosen for p in onto.parents(c) if p in chosen)
    return [concept_node(onto[c]) for c in sorted(chosen)], isa


def synthetic_graph(images: int, seed: int = 0, findings_per_report: float = 6.8) -> KnowledgeGraph:
    """A MIMIC-CXR-shaped graph (see the module docstring) over real HPO concepts."""
    rng = random.Random(seed)
    concepts, isa = concepts_from_hpo(2500, rng)
    kg = KnowledgeGraph()
    kg.concepts = {c.cui: c for c in concepts}
    for child, parent in isa:
        kg.add_edge(OntologyEdge("ISA", child, parent, ("isa",), ("HPO",)))
    cuis = [c.cui for c in concepts]
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(cuis))]  # a few very common findings
    finding_types = (Finding.POSITIVE, Finding.NEGATIVE, Finding.UNCERTAIN)
    n_studies = max(1, round(images / 1.66))
    image_no = 0
    for s in range(n_studies):
        pid, sid, rid = f"p{s // 3.5:.0f}", f"s{s}", f"r{s}"
        kg.patients.setdefault(pid, PatientNode(pid))
        kg.studies[sid] = StudyNode(sid, pid, "synthetic")
        kg.reports[rid] = ReportNode(rid, sid, hashlib.sha256(rid.encode()).hexdigest(), None, "synthetic")
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, pid, sid))
        kg.add_edge(StructureEdge(Structure.HAS_REPORT, sid, rid))
        n_img = 1 if s >= images - n_studies else 2  # 2 images for the first studies, then 1
        count = max(1, round(rng.gauss(findings_per_report, 1.5)))
        mentions = []
        for m, cui in enumerate(set(rng.choices(cuis, weights, k=count))):
            start = 20 + 40 * m
            ev = Evidence(rid, "findings" if m % 3 else "impression", m, start, start + 15,
                          hashlib.sha256(f"{rid}/{m}".encode()).hexdigest(), None,
                          "left" if m % 5 == 1 else None, None)  # fmt: skip
            mentions.append((rng.choices(finding_types, (0.5, 0.35, 0.15))[0], cui, ev))
        for _ in range(n_img):
            iid = f"i{image_no}"
            image_no += 1
            kg.images[iid] = ImageNode(iid, sid, f"files/{sid}/{iid}.jpg", "PA" if _ == 0 else "LATERAL")
            kg.add_edge(StructureEdge(Structure.HAS_IMAGE, sid, iid))
            for edge_type, cui, ev in mentions:
                kg.add_edge(FindingEdge(edge_type, iid, cui, (ev,)))
    return kg


def graphrag_style_load(uri: str, kg: KnowledgeGraph, batch: int = 1_000) -> float:
    """1,000-row ``UNWIND ... CREATE`` batches, one auto-commit query per batch; seconds taken."""
    from neo4j import GraphDatabase

    from medkg.graph.model import endpoint_labels
    from medkg.store import schema as S

    t0 = time.perf_counter()
    with GraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF") as driver:
        for label, key in S.NODE_KEYS.items():
            driver.execute_query(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")
        for label, nodes in kg.nodes_by_label().items():
            rows = [{k: v for k, v in S.node_properties(str(label), n).items() if v is not None}
                    for n in nodes.values()]  # fmt: skip
            for i in range(0, len(rows), batch):
                driver.execute_query(
                    f"UNWIND $rows AS row CREATE (n:{label}) SET n = row", rows=rows[i : i + batch]
                )
        by_type: dict[str, list] = {}
        for edge in kg.edges():
            by_type.setdefault(str(edge.type), []).append(edge)
        for rel_type, edges in by_type.items():
            src, dst = endpoint_labels(rel_type)
            ks, kd = S.NODE_KEYS[str(src)], S.NODE_KEYS[str(dst)]
            query = (f"UNWIND $rows AS row MATCH (a:{src} {{{ks}: row.s}}), (b:{dst} {{{kd}: row.t}}) "
                     f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.p")  # fmt: skip
            for i in range(0, len(edges), batch):
                rows = [
                    {"s": e.source, "t": e.target, "p": S.edge_properties(e)} for e in edges[i : i + batch]
                ]
                driver.execute_query(query, rows=rows)
    return time.perf_counter() - t0


def latencies(store: Neo4jStore, kg: KnowledgeGraph, n: int = 1_000, seed: int = 1) -> dict[str, tuple]:
    """p50/p99 milliseconds of the three retrieval queries (read transactions, parameters)."""
    rng = random.Random(seed)
    images, concepts = sorted(kg.images), sorted({e.target for e in kg.findings.values()})
    parents = sorted({e.source for e in kg.ontology.values()})
    queries = {
        "1-hop findings of an image": (
            "MATCH (i:Image {id: $id})-[r:POSITIVE|NEGATIVE|UNCERTAIN]->(c:Concept) "
            "RETURN type(r) AS rel, c.cui AS cui, c.name AS name, r.support AS support",
            lambda: {"id": rng.choice(images)},
        ),
        "images with a concept": (
            "MATCH (i:Image)-[r:POSITIVE]->(c:Concept {cui: $cui}) WHERE r.naf_kept "
            "RETURN i.id AS id ORDER BY r.support DESC, id LIMIT 100",
            lambda: {"cui": rng.choice(concepts)},
        ),
        "2-hop ontology expansion": (
            "MATCH (c:Concept {cui: $cui})-[:ISA*1..2]-(d:Concept) "
            "RETURN DISTINCT d.cui AS cui, d.name AS name",
            lambda: {"cui": rng.choice(parents)},
        ),
    }
    out = {}
    with store._session(read=True) as session:
        for name, (query, params) in queries.items():

            def run(tx, p, q=query):
                return list(tx.run(q, p))

            for _ in range(20):  # warm the plan cache and page cache
                session.execute_read(run, params())
            times = []
            for _ in range(n):
                p = params()
                t = time.perf_counter()
                session.execute_read(run, p)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[int(0.99 * (n - 1))])
    return out


class BenchServer(ns.Neo4jServer):
    """A server with a page cache that holds the benchmark store (heap stays 1 GB)."""

    extra: dict[str, str] = {}  # --server-setting KEY=VALUE, the same for every server of a run

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("settings", {"server.memory.pagecache.size": "2g", **self.extra})
        super().__init__(*args, **kwargs)


class CpuClock:
    """CPU seconds used by this process (all threads) and by the server, between start and stop.

    On a shared machine wall-clock rates depend on the neighbours; CPU seconds much less.
    """

    def __init__(self, server: ns.Neo4jServer) -> None:
        self.pid = server.pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def _server(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def __enter__(self) -> CpuClock:
        self.c0, self.s0 = time.process_time(), self._server()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client, self.server = time.process_time() - self.c0, self._server() - self.s0

    def __str__(self) -> str:
        return f"CPU: server {self.server:.1f} s, client {self.client:.1f} s"


def fresh_server(root: Path, name: str, warm: int = 20_000) -> ns.Neo4jServer:
    """A new server, warmed up by loading and deleting a ``warm``-image graph with both writers.

    A fresh JVM spends tens of CPU seconds compiling Neo4j's write path, and its write rate keeps
    rising for the first few hundred thousand relationships (measured: a 265k-relationship load ran
    at ~27k rel/s on a new server and 40-50k rel/s from its third repetition on). A server in use
    did that long ago, so both writers are timed after the same warm-up; ``warm=0`` skips it.
    """
    server = BenchServer(root / name, port=0)
    seconds = server.start()
    if warm:
        t = time.perf_counter()
        small = synthetic_graph(warm, seed=7)
        with Neo4jStore(server.uri) as store:
            store.load(small)
            _clear(server.uri)
            graphrag_style_load(server.uri, small)
            _clear(server.uri)
        print(
            f"  server {name}: up in {seconds:.1f} s, warmed up ({warm:,} images, both writers) "
            f"in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    return server


def _clear(uri: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def print_phases(report, kg: KnowledgeGraph) -> None:
    """Seconds and rows/s of each phase of a load (nodes by label, edges by type)."""
    sizes = {str(label): len(nodes) for label, nodes in kg.nodes_by_label().items()}
    for edge in kg.edges():
        sizes[str(edge.type)] = sizes.get(str(edge.type), 0) + 1
    parts = [
        f"{name} {sizes.get(name, 0) / sec:,.0f}/s ({sec:.1f} s)"
        for name, sec in report.phase_seconds.items()
        if sizes.get(name, 0) >= 1000 and sec > 0
    ]
    print("  phases: " + "; ".join(parts))
    finding = [n for n in report.phase_seconds if n in ("POSITIVE", "NEGATIVE", "UNCERTAIN")]
    seconds = sum(report.phase_seconds[n] for n in finding)
    if seconds:
        rate = sum(sizes[n] for n in finding) / seconds
        print(f"  finding edges (with provenance): {rate:,.0f} rel/s sustained")
    edges = [n for n in report.phase_seconds if n not in S.NODE_KEYS]  # NODE_KEYS holds GraphInfo too
    seconds = sum(report.phase_seconds[n] for n in edges)
    if seconds:
        rate = sum(sizes.get(n, 0) for n in edges) / seconds
        print(f"  all relationship phases: {rate:,.0f} rel/s ({seconds:.1f} s; the rest is nodes)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=377_110)
    ap.add_argument("--batch-size", type=int, default=5_000)
    ap.add_argument("--sweep", default="", help="comma-separated batch sizes: only time loads with each")
    ap.add_argument("--workers", type=int, default=2, help="concurrent write lanes of medkg's load")
    ap.add_argument("--provenance", default="compact", choices=("compact", "arrays"))
    ap.add_argument("--skip-graphrag", action="store_true")
    ap.add_argument("--skip-admin", action="store_true")
    ap.add_argument("--warmup", type=int, default=20_000, help="images loaded, deleted by both writers first")
    ap.add_argument("--server-setting", action="append", default=[], metavar="KEY=VALUE",
                    help="a neo4j.conf setting for every server of the run (both writers)")  # fmt: skip
    args = ap.parse_args(argv)
    BenchServer.extra = dict(item.split("=", 1) for item in args.server_setting)
    ns.fetch()

    t = time.perf_counter()
    kg = synthetic_graph(args.images)
    counts = kg.counts()
    n_nodes = sum(len(v) for v in kg.nodes_by_label().values())
    n_rels = sum(1 for _ in kg.edges())
    print(f"synthetic graph: {n_nodes:,} nodes, {n_rels:,} relationships "
          f"({len(kg.findings):,} finding edges, {counts['Concept']:,} HPO concepts, "
          f"{len(kg.ontology):,} ISA) built in {time.perf_counter() - t:.1f} s")  # fmt: skip
    t = time.perf_counter()
    digest = checksum(kg)
    print(f"checksum in {time.perf_counter() - t:.1f} s (computed once, passed to load)")

    root = Path(tempfile.mkdtemp(prefix="medkg-neo4j-bench-"))
    try:
        if args.sweep:
            for size in (int(x) for x in args.sweep.split(",")):
                server = fresh_server(root, f"sweep-{size}", args.warmup)
                with Neo4jStore(server.uri, workers=args.workers, provenance=args.provenance) as store, \
                        CpuClock(server) as cpu:  # fmt: skip
                    r = store.load(kg, batch_size=size, digest=digest)
                print(f"batch {size:>6}: {r.rows_written / r.seconds:,.0f} rows/s, "
                      f"{n_rels / r.seconds:,.0f} rel/s ({r.seconds:.1f} s); {cpu}", flush=True)  # fmt: skip
                server.stop()
                shutil.rmtree(server.home, ignore_errors=True)
            return

        server = fresh_server(root, "medkg", args.warmup)
        with Neo4jStore(server.uri, workers=args.workers, provenance=args.provenance) as store:
            with CpuClock(server) as cpu_first:
                first = store.load(kg, batch_size=args.batch_size, digest=digest)
            print(f"medkg load (empty db; CREATE fast path for {len(first.created_types)} types): "
                  f"{first.seconds:.1f} s, {n_rels / first.seconds:,.0f} rel/s, "
                  f"{first.rows_written / first.seconds:,.0f} rows/s; created {first.nodes_created:,} nodes, "
                  f"{first.relationships_created:,} rels; {cpu_first}; {args.workers} lanes, "
                  f"{args.provenance} provenance", flush=True)  # fmt: skip
            print_phases(first, kg)
            with CpuClock(server) as cpu_again:
                again = store.load(kg, batch_size=args.batch_size, digest=digest, resume=False)
            print(f"medkg MERGE load again (idempotent replay): {again.seconds:.1f} s, "
                  f"{n_rels / again.seconds:,.0f} rel/s; created {again.nodes_created} nodes, "
                  f"{again.relationships_created} rels; {cpu_again}", flush=True)  # fmt: skip
            assert store.counts() == counts
            for name, (p50, p99) in latencies(store, kg).items():
                print(f"latency {name:<28} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)

        if not args.skip_graphrag:
            server = fresh_server(root, "graphrag", args.warmup)
            with CpuClock(server) as cpu:
                seconds = graphrag_style_load(server.uri, kg)
            print(f"graphrag-style CREATE writer (1,000-row batches): {seconds:.1f} s, "
                  f"{n_rels / seconds:,.0f} rel/s; {cpu}")  # fmt: skip
            print(
                f"ratio medkg first load / CREATE writer: {seconds / first.seconds:.2f}x wall clock, "
                f"{(cpu.server + cpu.client) / (cpu_first.server + cpu_first.client):.2f}x CPU seconds; "
                f"medkg replay / CREATE writer: {seconds / again.seconds:.2f}x wall clock, "
                f"{(cpu.server + cpu.client) / (cpu_again.server + cpu_again.client):.2f}x CPU seconds"
            )
            server.stop()
            shutil.rmtree(server.home, ignore_errors=True)

        if not args.skip_admin:
            from medkg.store.neo4j_admin import export_neo4j_admin, import_arguments

            t = time.perf_counter()
            out = export_neo4j_admin(kg, root / "csv")
            exported = time.perf_counter() - t
            server = BenchServer(root / "admin", port=0)
            t = time.perf_counter()
            args = import_arguments(out.path)
            server.import_full(
                args["nodes"], args["relationships"], options=[*args["options"], "--overwrite-destination"]
            )
            imported = time.perf_counter() - t
            print(f"neo4j-admin import (cold JVM): CSV export {exported:.1f} s, import {imported:.1f} s, "
                  f"{n_rels / imported:,.0f} rel/s (import only)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
