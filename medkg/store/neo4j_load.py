"""Loading a graph into Neo4j: the phases of the write plan in concurrent lanes, then checks.

:func:`load` is what :meth:`medkg.store.neo4j.Neo4jStore.load` runs (see its docstring for the
parameters): schema, the plan of :mod:`medkg.store.neo4j_write` in ``workers`` lanes (one thread and
session each; node labels, then relationship types, each group in the batch order of
:func:`~medkg.store.neo4j_write.specs`; a phase's batches wait for its first), the journal cleared,
duplicates removed, optional pruning, and the count check.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from medkg.errors import StoreError
from medkg.graph.checksum import checksum
from medkg.graph.model import KnowledgeGraph, endpoint_labels
from medkg.store import schema as S
from medkg.store.neo4j_write import (
    JOURNAL_LABEL,
    Journal,
    LoadReport,
    Phase,
    Spec,
    committed,
    delete_relationships,
    duplicates_query,
    plan,
    prefetched,
    run_rows,
    specs,
    write_batch,
)

if TYPE_CHECKING:
    from medkg.store.neo4j import Neo4jStore

log = logging.getLogger("medkg.store.neo4j")


class _Run:
    """Counters of one load, updated by its lanes (thread-safe)."""

    def __init__(self, progress: Callable[[int], None] | None, lanes: int = 1) -> None:
        self.progress = progress
        self.lanes = lanes
        self.lock = threading.Lock()
        self.failed = threading.Event()
        self.ready: dict[str, threading.Event] = {}  # set when a phase's first batch is committed
        self.counters: dict[str, int] = defaultdict(int)
        self.created: set[str] = set()  # edge types written with the CREATE fast path
        self.batches = self.skipped = self.written = 0
        self.seconds: dict[str, float] = defaultdict(float)  # wall-clock share per phase

    def add(self, batch: Any, got: dict[str, int], seconds: float = 0.0) -> None:
        with self.lock:
            self.batches += 1
            self.seconds[batch.phase.name] += seconds / self.lanes
            if got.pop("create"):
                self.created.add(batch.phase.name)
            self.skipped += got.pop("skipped")
            for key, value in got.items():
                self.counters[key] += value
            self.written += len(batch.rows)
            if self.progress is not None:
                self.progress(len(batch.rows))


def _write_or_merge(session: Any, batch: Any, fast: bool, journal: Journal, resume: bool, run: _Run) -> dict:
    """Write a batch; a CREATE of nodes that meets an existing key (another loader got there
    first) is rolled back by the server and the batch is written again with MERGE."""
    from neo4j.exceptions import ConstraintError

    lane = batch.index % journal.lanes
    try:
        return session.execute_write(write_batch, batch, fast, journal, lane, resume)
    except ConstraintError:
        if not (fast and batch.phase.is_node):
            raise
        log.warning("%s: keys written by another loader; MERGE from here on", batch.phase.name)
        with run.lock:
            run.created.discard(batch.phase.name)
        return session.execute_write(write_batch, batch, False, journal, lane, resume)


def load(
    store: Neo4jStore,
    kg: KnowledgeGraph,
    *,
    batch_size: int | None = None,
    resume: bool = True,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    digest: str | None = None,
    create: bool = True,
    workers: int | None = None,
) -> LoadReport:
    """Load ``kg`` into ``store`` (see :meth:`Neo4jStore.load <medkg.store.neo4j.Neo4jStore.load>`)."""
    t0 = time.perf_counter()
    size = max(1, batch_size or store.batch_size)
    lanes = max(1, workers or store.workers)
    kg.validate()
    digest = digest or checksum(kg)
    dims = kg.embeddings.vectors.shape[1] if kg.embeddings is not None else None
    store.ensure_schema()
    phases = plan(kg, store.provenance)
    drop_other_layout(store, [p.name for p in phases if not p.is_node and p.name != S.INFO_LABEL])
    journal = Journal(digest, lanes, size, sum(len(p.keys) for p in phases))
    is_done = committed(journal_nodes(store, digest), journal) if resume else (lambda spec: False)
    run, journaled = _Run(progress, lanes), 0
    for group in specs(phases, size, lanes):  # node labels, then relationship types
        todo = [spec for spec in group if not is_done(spec)]
        journaled += len(group) - len(todo)
        # a phase's other batches wait for its first batch (it picks CREATE or MERGE for them)
        first = {spec.phase.name for spec in todo if spec.lo == 0}
        for spec in group:
            run.ready.setdefault(spec.phase.name, threading.Event())
            if spec.phase.name not in first:
                run.ready[spec.phase.name].set()
        by_lane: dict[int, list] = defaultdict(list)
        for spec in todo:
            by_lane[spec.lane].append(spec)
        if by_lane:
            write_lanes(store, list(by_lane.values()), journal, create, resume, run)
    with store._session() as session:
        store._guard(lambda: session.execute_write(run_rows, f"MATCH (j:{JOURNAL_LABEL}) DELETE j", None))
    n_batches, skipped, written, counters, created = (
        run.batches + journaled, run.skipped + journaled, run.written, run.counters, run.created
    )  # fmt: skip
    if dims:
        store.ensure_schema(dims)
    duplicates = remove_duplicates(store, phases, size)
    pruned = prune_graph(store, kg) if prune else 0
    verify_counts(store, phases)
    seconds = time.perf_counter() - t0
    n_nodes = sum(len(nodes) for nodes in kg.nodes_by_label().values())
    n_edges = journal.total_rows - n_nodes - 1
    log.info(
        "loaded graph %s into %s: %d rows in %d batches (%d skipped; CREATE fast path: %s), %.1f s",
        digest[:12], store.uri, written, n_batches, skipped, ", ".join(sorted(created)) or "none", seconds,
    )  # fmt: skip
    return LoadReport(
        n_nodes, n_edges, digest, seconds, n_batches, skipped, written,
        counters["nodes_created"], counters["relationships_created"], counters["properties_set"], pruned,
        tuple(sorted(created)), duplicates, dict(run.seconds), lanes, store.provenance,
    )  # fmt: skip


def remove_duplicates(store: Neo4jStore, phases: Sequence[Phase], size: int) -> int:
    """Delete extra copies of ``(source, type, target)`` and re-MERGE the survivors; return how many.

    Runs a scan only for the types where the database holds more relationships than the plan's
    ``phases`` (two loaders racing through the CREATE fast path, or another writer).
    """
    stored = store.counts()
    removed = 0
    with store._session() as session:
        for phase in sorted(phases, key=lambda p: p.name):
            rel_type = phase.name
            if phase.is_node or rel_type == S.INFO_LABEL or stored.get(rel_type, 0) <= len(phase.keys):
                continue
            found = store._read(duplicates_query(rel_type))
            extra = [i for row in found for i in row["extra"]]
            if not extra:
                continue
            log.warning("removing %d duplicate %s relationships", len(extra), rel_type)
            for start in range(0, len(extra), size):
                part = extra[start : start + size]
                removed += store._guard(lambda p=part: session.execute_write(delete_relationships, p))
            planned = set(phase.keys)
            keys = sorted(k for k in ((rel_type, r["s"], r["t"]) for r in found) if k in planned)
            for start in range(0, len(keys), size):
                rows = phase.rows(keys[start : start + size])
                store._guard(lambda r=rows, q=phase.query: session.execute_write(run_rows, q, r))
    return removed


def write_lane(
    store: Neo4jStore, lane: list[Spec], journal: Journal, create: bool, resume: bool, run: _Run
) -> None:
    """Write one lane's batches in order, in one session; rows are built a batch ahead.

    A batch that is not its phase's first waits until the first is committed (``run.ready``).
    """
    with store._session() as session:
        for batch in prefetched(spec.build for spec in lane):
            name = batch.phase.name
            ready = run.ready.get(name)
            if not batch.first and ready is not None:
                while not (ready.wait(0.05) or run.failed.is_set()):
                    pass
            if run.failed.is_set():
                return
            fast = create and (batch.first or name in run.created)
            began = time.perf_counter()
            got = store._guard(
                lambda b=batch, f=fast: _write_or_merge(session, b, f, journal, resume, run),
                hint=f"while writing {name}",
            )
            run.add(batch, got, time.perf_counter() - began)
            if batch.first and ready is not None:
                ready.set()


def write_lanes(
    store: Neo4jStore, lanes: list[list[Spec]], journal: Journal, create: bool, resume: bool, run: _Run
) -> None:
    """Run lanes concurrently (one thread and session each); the first error stops the others."""
    if len(lanes) == 1:
        write_lane(store, lanes[0], journal, create, resume, run)
        return
    from concurrent.futures import ThreadPoolExecutor

    def lane_job(lane: list[Spec]) -> None:
        try:
            write_lane(store, lane, journal, create, resume, run)
        except BaseException:
            run.failed.set()
            raise

    with ThreadPoolExecutor(len(lanes), thread_name_prefix="medkg-lane") as pool:
        futures = [pool.submit(lane_job, lane) for lane in lanes]
    for future in futures:
        future.result()  # re-raises the first lane's error


def journal_nodes(store: Neo4jStore, digest: str) -> list[dict[str, Any]]:
    """The lane nodes of an interrupted load of the graph with checksum ``digest``."""
    return store._read(
        f"MATCH (j:{JOURNAL_LABEL} {{checksum: $c}}) WHERE j.lanes IS NOT NULL "
        "RETURN j.lane AS lane, j.lanes AS lanes, j.batch_size AS batch_size, "
        "j.batches_done AS batches_done, j.plan AS plan",
        c=digest,
    )


def drop_other_layout(store: Neo4jStore, rel_types: Sequence[str]) -> None:
    """Remove the other provenance layout's properties from stored relationships of ``rel_types``.

    Only a database loaded before with the other layout holds any; checked per type.
    """
    other = "arrays" if store.provenance == "compact" else "compact"
    ours = {p for p, _ in S.rel_properties("relation", store.provenance)}
    stale = [p for p, _ in S.rel_properties("relation", other) if p not in ours]
    marker = stale[0]
    for rel_type in rel_types:
        if S.rel_kind(rel_type) not in ("finding", "relation"):
            continue
        match = f"MATCH ()-[r:{S.validate_rel_type(rel_type)}]->() WHERE r.{marker} IS NOT NULL"
        if not store._read(f"{match} RETURN 1 AS x LIMIT 1"):
            continue
        log.warning("removing %s-layout provenance properties from %s relationships", other, rel_type)
        removes = ", ".join(f"r.{p}" for p in stale)
        with store._session() as session:
            store._guard(
                lambda m=match, rm=removes: session.run(
                    f"{m} CALL (r) {{ REMOVE {rm} }} IN TRANSACTIONS OF 10000 ROWS"
                ).consume()
            )


def verify_counts(store: Neo4jStore, phases: Sequence[Phase]) -> None:
    """Raise when the database holds fewer nodes of a label / relationships of a type than planned."""
    stored = store.counts()
    expected = {p.name: len(p.keys) for p in phases if p.name != S.INFO_LABEL}
    short = {name: (n, stored.get(name, 0)) for name, n in expected.items() if stored.get(name, 0) < n}
    if short:
        raise StoreError(
            f"after the load Neo4j holds fewer elements than the graph (expected, stored): {short}",
            hint="run the load again; if it persists, report it",
        )


def prune_graph(store: Neo4jStore, kg: KnowledgeGraph) -> int:
    """Delete stored medkg nodes and edges that are not in ``kg``; return how many went."""
    gone = 0
    edge_keys = {key for edges in (kg.structure, kg.findings, kg.relations, kg.ontology) for key in edges}
    with store._session() as session:
        for rel_type in store.rel_types():
            src, dst = (str(x) for x in endpoint_labels(rel_type))
            ks, kd = S.NODE_KEYS[src], S.NODE_KEYS[dst]
            match = f"MATCH (a:{src})-[r:{rel_type}]->(b:{dst})"
            stored = store._read(f"{match} RETURN a.{ks} AS s, b.{kd} AS t")
            extra = [
                {"s": r["s"], "t": r["t"]} for r in stored if (rel_type, r["s"], r["t"]) not in edge_keys
            ]
            query = f"UNWIND $rows AS row {match} WHERE a.{ks} = row.s AND b.{kd} = row.t DELETE r"
            gone += _delete(store, session, query, extra)
        for label, nodes in kg.nodes_by_label().items():
            key = S.NODE_KEYS[str(label)]
            stored = store._read(f"MATCH (n:{label}) RETURN n.{key} AS k")
            extra = [r["k"] for r in stored if r["k"] not in nodes]
            gone += _delete(
                store, session, f"UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) DETACH DELETE n", extra
            )
    return gone


def _delete(store: Neo4jStore, session: Any, query: str, rows: list) -> int:
    for start in range(0, len(rows), store.batch_size):
        part = rows[start : start + store.batch_size]
        store._guard(lambda p=part: session.execute_write(run_rows, query, p))
    return len(rows)
