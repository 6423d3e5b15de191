"""The write side of the Neo4j store: queries, the deterministic write plan, batches and the journal.

A load is a list of *phases* (one per node label, the graph info, then one per relationship
type), each a fixed query built from the validated schema constants and the sorted keys of its
rows. The batches of the plan are numbered; batch ``i`` belongs to lane ``i % lanes`` (see
:func:`specs`), and every batch runs in ``session.execute_write`` together with an update of its
lane's ``:MedkgLoad`` journal node in the same transaction, so the journal says exactly which
batches are committed (:class:`Journal`, :func:`committed`). :mod:`medkg.store.neo4j_load` runs
the plan.

Phases have a *first-load fast path*: when a phase starts from its first row and the database
holds no node of its label / relationship of its type (read in the same transaction), its batches
use ``CREATE`` instead of ``MERGE`` -- the same result without the existence check and the locks
of ``MERGE``. Guards keep it exact:

* each batch transaction first locks its lane's journal node and skips itself when the journal
  already counts it (a driver retry of a batch whose commit reply was lost creates nothing twice);
* a phase resumed part-way (after a crash) uses ``MERGE`` from the journal point on;
* node keys stay guarded by the uniqueness constraints (a refused CREATE batch is written again
  with MERGE by the loader);
* after the load, a type holding more relationships than the graph is scanned for duplicate
  ``(source, type, target)`` pairs (e.g. two loaders racing on an empty database), the extra
  copies are deleted and the survivors re-MERGEd with the graph's properties.

Examples
--------
>>> edge_query("HAS_IMAGE", create=True)
'UNWIND $rows AS row MATCH (a:Study {id: row.s}) MATCH (b:Image {id: row.t}) CREATE (a)-[r:HAS_IMAGE]->(b)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np

from medkg.graph.model import KnowledgeGraph, endpoint_labels
from medkg.store import schema as S

JOURNAL_LABEL = "MedkgLoad"
PLAN_VERSION = 2  # how batches are numbered (:func:`specs`); a journal of another numbering is not trusted


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What :meth:`Neo4jStore.load` did: sizes, server counters and resume information."""

    nodes: int
    edges: int
    checksum: str
    seconds: float
    batches: int
    skipped_batches: int
    rows_written: int
    nodes_created: int
    relationships_created: int
    properties_set: int
    pruned: int = 0
    created_types: tuple[str, ...] = ()  # labels and types written with the CREATE fast path
    duplicates_removed: int = 0
    phase_seconds: dict[str, float] = field(default_factory=dict)  # wall-clock share per label / type
    workers: int = 1
    provenance: str = "arrays"

    @property
    def rows_per_second(self) -> float:
        return self.rows_written / self.seconds if self.seconds else 0.0


class Rows(list):
    """A batch's rows as sent to the server; its ``repr`` is short.

    The driver formats every ``RUN``'s parameters for its debug log whether or not debug logging
    is on (``" ".join(map(repr, fields))`` before ``log.debug``): for a 10,000-row batch that
    ``repr`` cost more client CPU than packing the rows. The rows pack exactly as a plain list.

    Examples
    --------
    >>> Rows([{"s": "i1"}, {"s": "i2"}])
    <2 rows>
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


@dataclass(frozen=True, slots=True)
class Phase:
    """One label or relationship type of the plan: its queries and the sorted keys of its rows."""

    name: str  # label or relationship type
    query: str  # the MERGE query
    keys: list
    rows: Callable[[list], list[dict[str, Any]]]
    create_query: str | None = None  # the CREATE fast path (node labels and edge types)

    @property
    def is_node(self) -> bool:
        return self.name in S.NODE_KEYS


@dataclass(frozen=True, slots=True)
class Batch:
    """The rows of one batch of a phase."""

    phase: Phase
    rows: list[dict[str, Any]]
    first: bool  # starts at the phase's first row
    index: int  # the batch's number in the plan (see :func:`specs`)


def node_query(label: str, create: bool = False) -> str:
    """The upsert query of one label: MERGE on the key, then SET every schema property.

    Properties are SET one by one (a null removes one), never ``SET n = row``: a map SET makes the
    planner add an Eager operator that materialises the whole batch. ``create=True`` gives the
    first-load fast path (``CREATE``; the uniqueness constraint still guards the key).

    Examples
    --------
    >>> node_query("Patient")
    'UNWIND $rows AS row MERGE (n:Patient {id: row.id})'
    """
    if label != S.INFO_LABEL:
        S.validate_label(label)
    key = S.NODE_KEYS[label]
    sets = ", ".join(f"n.{p} = row.{p}" for p, _ in S.NODE_PROPERTIES[label] if p != key)
    verb = "CREATE" if create else "MERGE"
    return f"UNWIND $rows AS row {verb} (n:{label} {{{key}: row.{key}}})" + (f" SET {sets}" if sets else "")


def edge_query(rel_type: str, create: bool = False, layout: str = "arrays") -> str:
    """The upsert (or, ``create=True``, the fast-path create) query of one relationship type.

    Both endpoints are found by their unique-index seek; ``MERGE`` is keyed on (source, type,
    target) and every property of the provenance ``layout`` (:func:`medkg.store.schema.rel_properties`)
    is SET one by one.

    Examples
    --------
    >>> edge_query("HAS_IMAGE")
    'UNWIND $rows AS row MATCH (a:Study {id: row.s}) MATCH (b:Image {id: row.t}) MERGE (a)-[r:HAS_IMAGE]->(b)'
    """
    S.validate_rel_type(rel_type)
    src, dst = (str(x) for x in endpoint_labels(rel_type))
    ks, kd = S.NODE_KEYS[src], S.NODE_KEYS[dst]
    sets = ", ".join(f"r.{p} = row.{p}" for p, _ in S.rel_properties(S.rel_kind(rel_type), layout))
    return (
        f"UNWIND $rows AS row MATCH (a:{src} {{{ks}: row.s}}) MATCH (b:{dst} {{{kd}: row.t}}) "
        f"{'CREATE' if create else 'MERGE'} (a)-[r:{rel_type}]->(b)" + (f" SET {sets}" if sets else "")
    )


def duplicates_query(rel_type: str) -> str:
    """Pairs ``(s, t)`` joined by more than one relationship of ``rel_type``, with the extra ids.

    Examples
    --------
    >>> duplicates_query("ISA")[:60]
    'MATCH (a:Concept)-[r:ISA]->(b:Concept) WITH a, b, collect(el'
    """
    src, dst = (str(x) for x in endpoint_labels(S.validate_rel_type(rel_type)))
    ks, kd = S.NODE_KEYS[src], S.NODE_KEYS[dst]
    return (
        f"MATCH (a:{src})-[r:{rel_type}]->(b:{dst}) WITH a, b, collect(elementId(r)) AS ids "
        f"WHERE size(ids) > 1 RETURN a.{ks} AS s, b.{kd} AS t, tail(ids) AS extra"
    )


def plan(kg: KnowledgeGraph, layout: str = "arrays") -> list[Phase]:
    """Deterministic write plan: nodes by label, the graph info, then edges by type; rows sorted by key.

    Edge rows are sorted by (source, target), so consecutive rows touch the same source node
    (page-cache locality) and the plan is the same on every run (the journal counts rows).
    """
    vectors: dict[str, np.ndarray] = {}
    if kg.embeddings is not None:
        vectors = dict(zip(kg.embeddings.ids, kg.embeddings.vectors, strict=True))
    phases = []
    for label, nodes in kg.nodes_by_label().items():

        def node_rows(keys, nodes=nodes, label=str(label)):
            rows = []
            for key in keys:
                props = S.node_properties(label, nodes[key])
                if label == "Image":
                    vector = vectors.get(key)
                    props["embedding"] = None if vector is None else np.asarray(vector, dtype=float).tolist()
                rows.append(props)
            return rows

        phases.append(
            Phase(str(label), node_query(str(label)), sorted(nodes), node_rows, node_query(str(label), True))
        )
    options_json = kg.info.options.to_json() if kg.info.options else ""
    encoder = kg.embeddings.encoder if kg.embeddings is not None else ""
    info = S.info_properties(options_json, kg.info.naf, encoder)
    phases.append(Phase(S.INFO_LABEL, node_query(S.INFO_LABEL), [S.INFO_ID], lambda keys: [info]))
    by_type: dict[str, tuple[dict, list]] = {}  # type -> (the graph's edge dict, its sorted keys)
    for edges in (kg.structure, kg.findings, kg.relations, kg.ontology):
        for rel_type, keys in groupby(sorted(edges), key=itemgetter(0)):  # keys: (type, source, target)
            by_type[str(rel_type)] = (edges, list(keys))
    for rel_type in sorted(by_type):
        edges, keys = by_type[rel_type]
        phases.append(edge_phase(rel_type, edges, keys, layout=layout))
    return phases


def edge_phase(rel_type: str, edges: dict, keys: list, layout: str = "arrays") -> Phase:
    """The phase writing the ``rel_type`` edges of ``keys`` (sorted ``(type, source, target)``,
    looked up in ``edges``, which may hold other types too)."""

    finding = S.rel_kind(rel_type) == "finding"

    def edge_rows(keys, edges=edges):
        # a study's images share their provenance records: encode each once per batch, keyed by
        # the identity of the tuple or, for a one-record tuple, of its record (alive in ``edges``)
        shared: dict[int, dict[str, Any]] = {}
        rows = []
        for k in keys:
            edge = edges[k]
            evidence = getattr(edge, "evidence", None)
            if evidence is None:
                rows.append({"s": k[1], "t": k[2], **S.edge_properties(edge, layout)})
                continue
            ident = id(evidence[0]) if len(evidence) == 1 else id(evidence)
            props = shared.get(ident)
            if props is None:
                props = shared[ident] = S.evidence_properties(evidence, layout)
            row = {"s": k[1], "t": k[2], **props}
            if finding:
                row["naf_kept"] = edge.naf_kept
            rows.append(row)
        return rows

    return Phase(
        rel_type, edge_query(rel_type, layout=layout), keys, edge_rows,
        edge_query(rel_type, create=True, layout=layout),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spec:
    """Batch number ``index`` of the plan: rows ``[lo, stop)`` of ``phase``, written by ``lane``."""

    phase: Phase
    lo: int
    stop: int
    index: int
    lane: int

    def build(self) -> Batch:
        rows = Rows(self.phase.rows(self.phase.keys[self.lo : self.stop]))
        return Batch(self.phase, rows, self.lo == 0, self.index)


def specs(phases: list[Phase], size: int, lanes: int = 1) -> list[list[Spec]]:
    """The batches of the plan in two groups (node labels, then relationship types), numbered in order.

    Within a group the first batch of every phase comes first, then the other batches phase by
    phase; batch ``i`` belongs to lane ``i % lanes``, and each lane runs its batches in number order.
    A phase's first batch picks CREATE or MERGE for the phase (see :func:`write_batch`), so the
    loader holds its other batches until it is committed; first batches of different phases run
    side by side, and the lanes never wait at a phase boundary -- only between the groups (every
    node before any relationship).

    Examples
    --------
    >>> a = Phase("Patient", node_query("Patient"), ["a", "b", "c"], lambda keys: [])
    >>> b = Phase("Study", node_query("Study"), ["s", "t"], lambda keys: [])
    >>> [(s.phase.name, s.lo, s.index, s.lane) for s in specs([a, b], 2, lanes=2)[0]]
    [('Patient', 0, 0, 0), ('Study', 0, 1, 1), ('Patient', 2, 2, 0)]
    """
    groups: list[list[Spec]] = []
    index = 0
    for is_node in (True, False):
        group_phases = [phase for phase in phases if phase.is_node == is_node]
        ranges = [(phase, lo) for phase in group_phases for lo in range(0, len(phase.keys), size)]
        group = []
        for phase, lo in sorted(ranges, key=lambda r: r[1] > 0):  # stable: first batches, then the rest
            group.append(Spec(phase, lo, min(lo + size, len(phase.keys)), index, index % lanes))
            index += 1
        groups.append(group)
    return groups


def journal_id(digest: str, lane: int) -> str:
    """Key of lane ``lane``'s journal node for the graph with checksum ``digest``."""
    return f"{digest}/{lane}"


def prefetched(jobs: Iterator[Callable[[], Any]]) -> Iterator[Any]:
    """Results of ``jobs`` in order, each computed in a worker thread while the previous is used."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="medkg-rows") as pool:
        ahead = None
        for job in jobs:
            nxt = pool.submit(job)
            if ahead is not None:
                yield ahead.result()
            ahead = nxt
        if ahead is not None:
            yield ahead.result()


@dataclass(frozen=True, slots=True)
class Journal:
    """Where a load's journal lives and what it records: one node per lane, keyed ``digest/lane``.

    Lane ``l`` runs its batches (numbers ``l, l + lanes, ...``) in order, one transaction each,
    and every transaction raises its lane node's ``batches_done`` to its batch number + 1, so a
    lane node says exactly which of its batches are committed (``rows_done`` counts their rows,
    for progress displays).
    """

    digest: str
    lanes: int
    batch_size: int
    total_rows: int


def write_batch(
    tx: Any, batch: Batch, create: bool, journal: Journal, lane: int = 0, skip_done: bool = True
) -> dict[str, int]:
    """Write one batch with its journal update in transaction ``tx``; return the server's counters.

    The lane's journal node is locked first (lanes never wait for each other) and reset when it
    was written with another numbering (lane count, batch size, plan version); with ``skip_done``
    a batch it already counts is skipped (``skipped`` = 1): a driver retry of a batch whose commit
    reply was lost writes nothing twice. An edge phase's first batch picks the CREATE fast path
    when ``create`` is asked and no relationship of the type exists yet (``create`` = 1).
    """
    out = {"nodes_created": 0, "relationships_created": 0, "properties_set": 0, "skipped": 0, "create": 0}
    done = tx.run(
        f"MERGE (j:{JOURNAL_LABEL} {{id: $id}}) "
        "WITH j, coalesce(j.lanes = $lanes AND j.batch_size = $size AND j.plan = $plan, false) AS same "
        "SET j.batches_done = CASE WHEN same THEN j.batches_done ELSE 0 END, "
        "j.rows_done = CASE WHEN same THEN j.rows_done ELSE 0 END, "
        "j.checksum = $c, j.lane = $lane, j.lanes = $lanes, j.batch_size = $size, j.rows_total = $total, "
        "j.plan = $plan RETURN coalesce(j.batches_done, 0) AS n",
        id=journal_id(journal.digest, lane), c=journal.digest, lane=lane, lanes=journal.lanes,
        size=journal.batch_size, total=journal.total_rows, plan=PLAN_VERSION,
    ).single()["n"]  # fmt: skip
    if skip_done and done > batch.index:
        out["skipped"] = 1
        return out
    phase = batch.phase
    if create and phase.create_query is not None and batch.first:
        count = f"MATCH (n:{phase.name})" if phase.is_node else f"MATCH ()-[n:{phase.name}]->()"
        n = tx.run(f"{count} RETURN count(n) AS n").single()["n"]
        create = n == 0
    out["create"] = int(create and phase.create_query is not None)
    query = phase.create_query if out["create"] else phase.query
    counters = tx.run(query, rows=batch.rows).consume().counters
    tx.run(
        f"MATCH (j:{JOURNAL_LABEL} {{id: $id}}) "
        "SET j.batches_done = CASE WHEN j.batches_done > $done THEN j.batches_done ELSE $done END, "
        "j.rows_done = coalesce(j.rows_done, 0) + $n",
        id=journal_id(journal.digest, lane), done=batch.index + 1, n=len(batch.rows),
    ).consume()  # fmt: skip
    out["nodes_created"] = counters.nodes_created
    out["relationships_created"] = counters.relationships_created
    out["properties_set"] = counters.properties_set
    return out


def committed(journal_rows: list[dict[str, Any]], journal: Journal) -> Callable[[Spec], bool]:
    """Whether a batch is committed according to the stored lane nodes of ``journal.digest``.

    Nodes written with another lane count, batch size or :data:`PLAN_VERSION` describe another
    numbering: they are ignored (the load then replays every batch with MERGE, which is correct, only slower).
    """
    done: dict[int, int] = {}
    for row in journal_rows:
        numbering = (row["lanes"], row["batch_size"], row.get("plan"))
        if numbering == (journal.lanes, journal.batch_size, PLAN_VERSION):
            done[int(row["lane"])] = int(row["batches_done"] or 0)
    return lambda spec: spec.index < done.get(spec.lane, 0)


def delete_relationships(tx: Any, ids: list[str]) -> int:
    """Delete relationships by element id; return how many went."""
    query = "UNWIND $ids AS id MATCH ()-[r]->() WHERE elementId(r) = id DELETE r"
    return tx.run(query, ids=Rows(ids)).consume().counters.relationships_deleted


def run_rows(tx: Any, query: str, rows: list | None) -> None:
    """Run ``query`` with ``$rows`` in transaction ``tx`` (for ``execute_write``)."""
    tx.run(query, rows=None if rows is None else Rows(rows)).consume()
