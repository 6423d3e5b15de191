"""The embedded default store: LadybugDB on disk, atomic builds, Cypher passthrough, numpy kNN.

Layout of a store directory::

    DIR/current -> builds/<id>          symlink, swapped atomically (os.replace) after a build
    DIR/builds/<id>/graph.lbug          the LadybugDB database
    DIR/builds/<id>/manifest.json       schema version, counts, checksum
    DIR/builds/<id>/embeddings.npy      image embeddings (float32, L2-normalised) + embedding_ids.json

:meth:`LadybugStore.write` bulk-loads a complete new build (``COPY ... FROM`` DataFrames) into
``builds/<id>.partial``, renames it, then swaps ``current``: a build killed at any point leaves
the previous graph intact and readable. Readers open the database read-only.

Examples
--------
>>> with LadybugStore("kg-store", read_only=False) as store:
...     summary = store.write(kg)
...     store.cypher("MATCH (i:Image)-[:POSITIVE]->(c:Concept {cui: $cui}) RETURN count(i) AS n",
...                  {"cui": "C0032227"})
[{'n': 1}]
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from medkg.errors import ReadOnlyError, StoreError
from medkg.graph.checksum import checksum
from medkg.graph.model import (
    SCHEMA_VERSION,
    GraphInfo,
    ImageEmbeddings,
    KnowledgeGraph,
    Label,
    endpoint_labels,
)
from medkg.graph.options import GraphOptions
from medkg.store import columnar as C
from medkg.store import schema as S
from medkg.store.base import WriteSummary
from medkg.store.reading import GraphReader

log = logging.getLogger(__name__)

DB_FILE = "graph.lbug"

class LadybugStore(GraphReader):
    """A :class:`~medkg.store.base.GraphStore` on LadybugDB (``import ladybug``).

    Parameters
    ----------
    path:
        Store directory (created on the first :meth:`write`).
    read_only:
        Open for reading only; :meth:`write` and ``cypher(write=True)`` then raise ReadOnlyError.
    buffer_pool_mb:
        LadybugDB buffer pool size while writing (at least; a relationship table's ``COPY`` must
        fit in the pool, so large tables get a pool sized for them, in a database opened for
        that table alone and closed after it, which also hands the memory back).
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = True, buffer_pool_mb: int = 1024):
        self.path = Path(path)
        self.read_only = read_only
        self.buffer_pool = buffer_pool_mb * 1024 * 1024
        self._db: Any = None
        self._conn: Any = None
        self._emb: tuple[list[str], np.ndarray] | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> LadybugStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._db is not None:
            self._db.close()
        self._conn = self._db = None
        self._emb = None

    @property
    def build_dir(self) -> Path | None:
        """Directory of the current build (None when nothing was written yet)."""
        link = self.path / "current"
        return link.resolve() if link.exists() else None

    def manifest(self) -> dict[str, Any]:
        build = self._require_build()
        return json.loads((build / "manifest.json").read_text())

    def _require_build(self) -> Path:
        build = self.build_dir
        if build is None:
            raise StoreError(
                "no graph in this store", path=self.path, hint="build one with `medkg build ... --out DIR`"
            )
        return build

    def _connection(self) -> Any:
        if self._conn is None:
            import ladybug

            build = self._require_build()
            self._db = ladybug.Database(str(build / DB_FILE), read_only=True)
            self._conn = ladybug.Connection(self._db)
        return self._conn

    def _run(self, conn: Any, query: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return conn.execute(query, params or {})
        except RuntimeError as exc:
            text = str(exc)
            if "read-only" in text:
                raise ReadOnlyError(
                    "write query on a read-only store", path=self.path, hint="pass write=True / --write"
                ) from None
            raise StoreError(
                f"LadybugDB: {text}", path=self.path, hint="check the query against docs/SCHEMA.md"
            ) from None

    # -- writing ---------------------------------------------------------------------------
    def write(self, kg: KnowledgeGraph) -> WriteSummary:
        """Write ``kg`` as a new build and swap it in atomically (the store then holds exactly ``kg``)."""
        if self.read_only:
            raise ReadOnlyError("store opened read-only", path=self.path, hint="open with read_only=False")
        t0 = time.perf_counter()
        kg.validate()
        builds = self.path / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        self._clean_partials(builds)
        build_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:8]
        tmp = builds / f"{build_id}.partial"
        tmp.mkdir()
        (tmp / "pid").write_text(str(os.getpid()))
        n_nodes, n_edges = _load(tmp / DB_FILE, self.buffer_pool, kg, self._run)
        digest = checksum(kg)
        if kg.embeddings is not None:
            vec = np.asarray(kg.embeddings.vectors, dtype=np.float32)
            np.save(tmp / "embeddings.npy", vec)
            (tmp / "embedding_ids.json").write_text(json.dumps(list(kg.embeddings.ids)))
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "checksum": digest,
            "counts": kg.counts(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        (tmp / "pid").unlink()
        final = builds / build_id
        os.rename(tmp, final)
        link_tmp = self.path / f".current-{build_id}"
        os.symlink(Path("builds") / build_id, link_tmp)
        previous = self.build_dir
        self.close()
        os.replace(link_tmp, self.path / "current")  # the atomic swap
        self._prune(builds, keep={final.name, previous.name if previous else ""})
        seconds = time.perf_counter() - t0
        log.info("wrote %d nodes, %d edges to %s in %.1fs", n_nodes, n_edges, final, seconds)
        return WriteSummary(n_nodes, n_edges, digest, seconds)

    @staticmethod
    def _clean_partials(builds: Path) -> None:
        for part in builds.glob("*.partial"):
            pid_file = part / "pid"
            try:
                pid = int(pid_file.read_text())
                os.kill(pid, 0)
                continue  # its writer is still running
            except (OSError, ValueError):
                shutil.rmtree(part, ignore_errors=True)

    @staticmethod
    def _prune(builds: Path, keep: set[str]) -> None:
        """Keep the new build and the previous one (readers may still have it open)."""
        for old in builds.iterdir():
            if old.is_dir() and not old.name.endswith(".partial") and old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------
    def rel_types(self) -> list[str]:
        """Relationship types declared in the store."""
        rows = self._run(self._connection(), "CALL show_tables() RETURN name, type").get_all()
        return sorted(name for name, kind in rows if kind == "REL")

    def read_graph(self) -> KnowledgeGraph:
        """The whole stored graph, with settings and embeddings (read column-wise)."""
        conn = self._connection()
        kg = KnowledgeGraph()
        by_label = kg.nodes_by_label()
        for label in Label:
            props = [p for p, _ in S.NODE_PROPERTIES[str(label)] if p != "embedding"]
            cols = self._columns(conn, f"MATCH (n:{label}) RETURN " + _cols("n", props), props, str(label))
            by_label[label].update((n.id, n) for n in C.nodes_from_columns(str(label), cols))
        for rel_type in self.rel_types():
            for edge in self._edges(conn, rel_type, None, "out"):
                kg.add_edge(edge)
        info = self._rows(
            conn, f"MATCH (n:{S.INFO_LABEL}) RETURN n.build_options, n.naf, n.encoder", ["o", "n", "e"]
        )
        if info:
            row = info[0]
            kg.info = GraphInfo(
                options=GraphOptions.from_json(row["o"]) if row["o"] else None,
                naf=json.loads(row["n"]) if row["n"] else None,
            )
            ids, vectors = self._embeddings()
            if ids:
                kg.embeddings = ImageEmbeddings(tuple(ids), vectors, row["e"] or "")
        return kg

    def _rows(
        self, conn: Any, query: str, names: list[str], params: dict | None = None
    ) -> list[dict[str, Any]]:
        result = self._run(conn, query, params)
        return [dict(zip(names, row, strict=True)) for row in result.get_all()]

    def _columns(
        self, conn: Any, query: str, names: list[str], table: str, params: dict | None = None
    ) -> C.Columns:
        """One column per returned property of ``table`` (read as Arrow; an empty result gives
        empty columns of the right kinds)."""
        result = self._run(conn, query, params)
        if not result.get_num_tuples():
            types = dict(S.NODE_PROPERTIES.get(table, ())) or dict(S.REL_PROPERTIES[S.rel_kind(table)])
            return {n: C.list_column([]) if types.get(n, "").endswith("[]") else [] for n in names}
        return C.arrow_columns(result.get_as_arrow(-1).rename_columns(names))

    def _edges(self, conn: Any, rel_type: str, ids: list[str] | None, side: str):
        """Edges of one type; with ``ids``, only those whose ``side`` ('out': source) is in ids."""
        S.validate_rel_type(rel_type)
        src, dst = endpoint_labels(rel_type)
        props = [p for p, _ in S.REL_PROPERTIES[S.rel_kind(rel_type)]]
        ks, kd = S.NODE_KEYS[str(src)], S.NODE_KEYS[str(dst)]
        where = ""
        if ids is not None:
            where = f" WHERE a.{ks} IN $ids" if side == "out" else f" WHERE b.{kd} IN $ids"
        query = f"MATCH (a:{src})-[r:{rel_type}]->(b:{dst}){where} RETURN a.{ks}, b.{kd}"
        query += "".join(f", r.{p}" for p in props)
        names = ["from", "to", *props]
        cols = self._columns(conn, query, names, rel_type, {"ids": ids} if ids is not None else None)
        return C.edges_from_columns(rel_type, cols)

    def _edges_by(self, rel_type: str, ids: list[str], side: str):
        return self._edges(self._connection(), rel_type, ids, side)

    def _nodes_by(self, label: str, ids: list[str]):
        props = [p for p, _ in S.NODE_PROPERTIES[label] if p != "embedding"]
        key = S.NODE_KEYS[label]
        query = f"MATCH (n:{label}) WHERE n.{key} IN $ids RETURN " + _cols("n", props)
        cols = self._columns(self._connection(), query, props, label, {"ids": ids})
        return C.nodes_from_columns(label, cols)

    def _embeddings(self) -> tuple[list[str], np.ndarray]:
        if self._emb is None:
            build = self._require_build()
            ids_file = build / "embedding_ids.json"
            if not ids_file.exists():
                self._emb = ([], np.zeros((0, 0), dtype=np.float32))
            else:
                self._emb = (json.loads(ids_file.read_text()), np.load(build / "embeddings.npy"))
        return self._emb

    def knn(self, embedding: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """Exact cosine kNN over the stored image embeddings (numpy brute force)."""
        ids, vectors = self._embeddings()
        if not ids:
            raise StoreError(
                "this store has no image embeddings", path=self.path, hint="build with an image encoder"
            )
        query = np.asarray(embedding, dtype=np.float32).reshape(-1)
        if query.shape[0] != vectors.shape[1]:
            raise StoreError(
                f"query has {query.shape[0]} dimensions, the store {vectors.shape[1]}", path=self.path
            )
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(query) or 1.0)
        sims = (vectors @ query) / np.where(norms == 0, 1.0, norms)
        k = min(k, len(ids))
        top = np.argpartition(-sims, k - 1)[:k]
        ranked = sorted(((ids[i], float(sims[i])) for i in top), key=lambda t: (-t[1], t[0]))
        return ranked

    def cypher(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run LadybugDB Cypher (use ``label(r)``, not ``type(r)``); rows as dicts."""
        if not write:
            result = self._run(self._connection(), query, params)
        else:
            if self.read_only:
                raise ReadOnlyError(
                    "store opened read-only", path=self.path, hint="open with read_only=False"
                )
            import ladybug

            self.close()
            db = ladybug.Database(str(self._require_build() / DB_FILE))
            conn = ladybug.Connection(db)
            try:
                result = self._run(conn, query, params)
                rows = _result_rows(result)
            finally:
                conn.close()
                db.close()
            return rows
        return _result_rows(result)


def _result_rows(result: Any) -> list[dict[str, Any]]:
    names = result.get_column_names()
    return [dict(zip(names, (_clean(v) for v in row), strict=True)) for row in result.get_all()]


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in ("_ID", "_SRC", "_DST")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _cols(var: str, props: list[str]) -> str:
    return ", ".join(f"{var}.{p}" for p in props)


#: Buffer pool bytes per row of a relationship table with provenance arrays during its COPY
#: (measured: ~1.5 KB; 106k rows fail in 128 MB). Tables above :data:`OWN_DATABASE_ROWS` rows
#: are copied in a database opened for them alone, with a pool of this size per row.
POOL_BYTES_PER_ROW = 2_500
OWN_DATABASE_ROWS = 200_000


def _load(db_file: Path, pool: int, kg: KnowledgeGraph, run) -> tuple[int, int]:
    """Declare the schema and bulk-load every table column-wise (Arrow when available)."""
    import ladybug

    def connect(size: int) -> tuple[Any, Any]:
        db = ladybug.Database(str(db_file), buffer_pool_size=size)
        return db, ladybug.Connection(db)

    db, conn = connect(pool)
    try:
        for label, props in S.NODE_PROPERTIES.items():
            cols = ", ".join(f"{p} {t}" for p, t in props)
            run(conn, f"CREATE NODE TABLE {label}({cols}, PRIMARY KEY({S.NODE_KEYS[label]}))")
        ontology_types = sorted(set(S.DEFAULT_ONTOLOGY_TYPES) | {e.type for e in kg.ontology.values()})
        rel_types = [*S.STRUCTURE_TYPES, *S.FINDING_TYPES, *S.RELATION_TYPES, *ontology_types]
        for rel_type in rel_types:
            S.validate_rel_type(rel_type)
            src, dst = endpoint_labels(rel_type)
            props = "".join(f", {p} {t}" for p, t in S.REL_PROPERTIES[S.rel_kind(rel_type)])
            run(conn, f"CREATE REL TABLE {rel_type}(FROM {src} TO {dst}{props})")

        n_nodes = 0
        for label, nodes in kg.nodes_by_label().items():
            cols = C.node_columns(str(label), list(nodes.values()), kg.embeddings)
            n_nodes += _copy(conn, run, str(label), cols, dict(S.NODE_PROPERTIES[str(label)]))
        options_json = kg.info.options.to_json() if kg.info.options else ""
        encoder = kg.embeddings.encoder if kg.embeddings is not None else ""
        info = S.info_properties(options_json, kg.info.naf, encoder)
        info_types = dict(S.NODE_PROPERTIES[S.INFO_LABEL])
        _copy(conn, run, S.INFO_LABEL, {k: [v] for k, v in info.items()}, info_types)

        by_type: dict[str, list] = defaultdict(list)
        for edge in kg.edges():
            by_type[str(edge.type)].append(edge)
        n_edges = 0
        for rel_type in rel_types:
            edges = by_type.pop(rel_type, [])
            types = dict(S.REL_PROPERTIES[S.rel_kind(rel_type)])
            cols = C.edge_columns(rel_type, edges)
            if len(edges) > OWN_DATABASE_ROWS and "ev_report" in cols:
                conn.close()
                db.close()
                db, conn = connect(max(pool, len(edges) * POOL_BYTES_PER_ROW))
            del edges
            n_edges += _copy(conn, run, rel_type, cols, types)
            del cols
    finally:
        conn.close()
        db.close()
    return n_nodes, n_edges


def _copy(conn: Any, run, table: str, cols: C.Columns, types: dict[str, str]) -> int:
    n = len(next(iter(cols.values())))
    if n:
        frame = C.to_arrow(cols, types)
        run(conn, f"COPY {table} FROM $frame", {"frame": frame})
    return n
