"""The write side of the Neo4j store: queries, the deterministic write plan, batches and the journal.

A load is a list of *phases* (one per node label, the graph info, then one per relationship
type), each a fixed query built from the validated schema constants and the sorted keys of its
rows. Batches of rows run in ``session.execute_write`` together with an update of the
``:MedkgLoad`` journal node in the same transaction, so the journal says exactly which rows are
committed.

Edge phases have a *first-load fast path*: when a phase starts from its first row and the
database holds no relationship of that type (read in the same transaction), its batches use
``CREATE`` instead of ``MERGE`` -- the same result without the existence check and the node locks
of ``MERGE``. Three guards keep it exact:

* each batch transaction first locks the journal and skips itself when the journal already
  counts it (a driver retry of a batch whose commit reply was lost creates nothing twice);
* a phase resumed part-way (after a crash) uses ``MERGE`` from the journal point on;
* after the load, a type holding more relationships than the graph is scanned for duplicate
  ``(source, type, target)`` pairs (e.g. two loaders racing on an empty database), the extra
  copies are deleted and the survivors re-MERGEd with the graph's properties.

Examples
--------
>>> edge_query("HAS_IMAGE", create=True)
'UNWIND $rows AS row MATCH (a:Study {id: row.s}) MATCH (b:Image {id: row.t}) CREATE (a)-[r:HAS_IMAGE]->(b)'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from medkg.graph.model import KnowledgeGraph, endpoint_labels
from medkg.store import schema as S

JOURNAL_LABEL = "MedkgLoad"


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
    created_types: tuple[str, ...] = ()  # relationship types written with the CREATE fast path
    duplicates_removed: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows_written / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Phase:
    """One label or relationship type of the plan: its queries and the sorted keys of its rows."""

    name: str  # label or relationship type
    query: str  # the MERGE query
    keys: list
    rows: Callable[[list], list[dict[str, Any]]]
    create_query: str | None = None  # the CREATE fast path (edge phases only)


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows ``[lo, stop)`` of a phase; ``done_after`` is the global row count once committed."""

    phase: Phase
    rows: list[dict[str, Any]]
    first: bool  # starts at the phase's first row
    done_after: int


def node_query(label: str) -> str:
    """The upsert query of one label: MERGE on the key, then SET every schema property.

    Properties are SET one by one (a null removes one), never ``SET n = row``: a map SET makes the
    planner add an Eager operator that materialises the whole batch.

    Examples
    --------
    >>> node_query("Patient")
    'UNWIND $rows AS row MERGE (n:Patient {id: row.id})'
    """
    if label != S.INFO_LABEL:
        S.validate_label(label)
    key = S.NODE_KEYS[label]
    sets = ", ".join(f"n.{p} = row.{p}" for p, _ in S.NODE_PROPERTIES[label] if p != key)
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}})" + (f" SET {sets}" if sets else "")


def edge_query(rel_type: str, create: bool = False) -> str:
    """The upsert (or, ``create=True``, the fast-path create) query of one relationship type.

    Both endpoints are found by their unique-index seek; ``MERGE`` is keyed on (source, type,
    target) and every property is SET one by one.

    Examples
    --------
    >>> edge_query("HAS_IMAGE")
    'UNWIND $rows AS row MATCH (a:Study {id: row.s}) MATCH (b:Image {id: row.t}) MERGE (a)-[r:HAS_IMAGE]->(b)'
    """
    S.validate_rel_type(rel_type)
    src, dst = (str(x) for x in endpoint_labels(rel_type))
    ks, kd = S.NODE_KEYS[src], S.NODE_KEYS[dst]
    sets = ", ".join(f"r.{p} = row.{p}" for p, _ in S.REL_PROPERTIES[S.rel_kind(rel_type)])
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


def plan(kg: KnowledgeGraph) -> list[Phase]:
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

        phases.append(Phase(str(label), node_query(str(label)), sorted(nodes), node_rows))
    options_json = kg.info.options.to_json() if kg.info.options else ""
    encoder = kg.embeddings.encoder if kg.embeddings is not None else ""
    info = S.info_properties(options_json, kg.info.naf, encoder)
    phases.append(Phase(S.INFO_LABEL, node_query(S.INFO_LABEL), [S.INFO_ID], lambda keys: [info]))
    by_type: dict[str, dict] = defaultdict(dict)
    for edges in (kg.structure, kg.findings, kg.relations, kg.ontology):
        for key, edge in edges.items():
            by_type[key[0]][key] = edge
    for rel_type in sorted(by_type):
        phases.append(edge_phase(rel_type, by_type[rel_type]))
    return phases


def edge_phase(rel_type: str, edges: dict, keys: list | None = None) -> Phase:
    """The phase writing ``edges`` (keyed ``(type, source, target)``) of one type; all keys by default."""

    def edge_rows(keys, edges=edges):
        return [{"s": k[1], "t": k[2], **S.edge_properties(edges[k])} for k in keys]

    return Phase(
        rel_type, edge_query(rel_type), sorted(edges) if keys is None else keys, edge_rows,
        edge_query(rel_type, create=True),
    )  # fmt: skip


def batches(phases: list[Phase], size: int, done: int) -> Iterator[Callable[[], Batch | None]]:
    """Jobs building each :class:`Batch`; a job returns None for a batch skipped by the journal.

    Rows before global row ``done`` (committed by an interrupted load of the same graph) are skipped.
    """
    offset = 0
    for phase in phases:
        for start in range(0, len(phase.keys), size):
            stop = min(start + size, len(phase.keys))
            if offset + stop <= done:
                yield lambda: None
                continue
            lo = max(start, done - offset)
            yield lambda p=phase, lo=lo, stop=stop, after=offset + stop: Batch(
                p, p.rows(p.keys[lo:stop]), lo == 0, after
            )
        offset += len(phase.keys)


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


def write_batch(
    tx: Any, batch: Batch, create: bool, digest: str, total: int, skip_done: bool = True
) -> dict[str, int]:
    """Write one batch with its journal update in transaction ``tx``; return the server's counters.

    The journal node of ``digest`` is locked first; with ``skip_done`` a batch it already counts
    is skipped (``skipped`` = 1). An edge phase's first batch picks the CREATE fast path when ``create`` is
    asked and no relationship of the type exists yet (``create`` = 1 in the result).
    """
    out = {"nodes_created": 0, "relationships_created": 0, "properties_set": 0, "skipped": 0, "create": 0}
    done = tx.run(
        f"MERGE (j:{JOURNAL_LABEL} {{checksum: $c}}) SET j.rows_total = $total "
        "RETURN coalesce(j.rows_done, 0) AS n",
        c=digest, total=total,
    ).single()["n"]  # fmt: skip
    if skip_done and done >= batch.done_after:
        out["skipped"] = 1
        return out
    phase = batch.phase
    if create and phase.create_query is not None and batch.first:
        n = tx.run(f"MATCH ()-[r:{phase.name}]->() RETURN count(r) AS n").single()["n"]
        create = n == 0
    out["create"] = int(create and phase.create_query is not None)
    query = phase.create_query if out["create"] else phase.query
    counters = tx.run(query, rows=batch.rows).consume().counters
    tx.run(
        f"MATCH (j:{JOURNAL_LABEL} {{checksum: $c}}) "
        "SET j.rows_done = CASE WHEN j.rows_done > $done THEN j.rows_done ELSE $done END",
        c=digest, done=batch.done_after,
    ).consume()  # fmt: skip
    out["nodes_created"] = counters.nodes_created
    out["relationships_created"] = counters.relationships_created
    out["properties_set"] = counters.properties_set
    return out


def delete_relationships(tx: Any, ids: list[str]) -> int:
    """Delete relationships by element id; return how many went."""
    query = "UNWIND $ids AS id MATCH ()-[r]->() WHERE elementId(r) = id DELETE r"
    return tx.run(query, ids=ids).consume().counters.relationships_deleted
