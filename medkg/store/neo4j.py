"""The Neo4j store: idempotent, resumable batch loads and the same reads as the embedded store.

Writes are ``UNWIND $rows ... MERGE`` batches (nodes before edges; an edge is MERGEd on its
``(source, type, target)`` and its properties are SET, so ``support`` is recomputed, never
incremented), one query per schema label or relationship type built from the validated
constants of :mod:`medkg.store.schema`; every value travels as a parameter. Each batch runs in
``session.execute_write`` (transient errors retry) together with an update of a small
``:MedkgLoad`` journal node, so a load cut anywhere (server killed, connection lost) is resumed
by running it again: committed batches are skipped. Replays are safe without the journal too
(MERGE), and the journal is deleted when a load completes.

Connection settings come from arguments or ``NEO4J_URI``, ``NEO4J_USERNAME``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``; the password is never logged nor put in an error.

Examples
--------
>>> with Neo4jStore("bolt://127.0.0.1:7687") as store:  # needs a Neo4j server  # doctest: +SKIP
...     store.write(kg)
...     store.cypher("MATCH (i:Image)-[:POSITIVE]->(c:Concept {cui: $cui}) RETURN count(i) AS n",
...                  {"cui": "C0032227"})
[{'n': 12}]
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from medkg.errors import ConfigError, ConnectionFailed, ReadOnlyError, StoreError
from medkg.graph.model import GraphInfo, ImageEmbeddings, KnowledgeGraph, Label, endpoint_labels
from medkg.store import schema as S
from medkg.store.base import WriteSummary
from medkg.store.neo4j_cypher import medkg_rel_type, plain_value, safe_uri, write_clause  # noqa: F401
from medkg.store.neo4j_write import (  # noqa: F401 - re-exported
    JOURNAL_LABEL,
    LoadReport,
    duplicates_query,
    edge_query,
    node_query,
    run_rows,
)
from medkg.store.reading import GraphReader

log = logging.getLogger(__name__)

#: Rows per write transaction. benchmarks/neo4j_load.py at full MIMIC scale (1 GB server heap):
#: 5,000 loads in 82 s, 10,000 in 93 s -- bigger transactions keep more live objects in the young
#: generation (young-GC pauses 4.4 s vs ~12 s); at 100k images 5k and 10k tie, 2.5k is slower.
BATCH_SIZE = 5_000
VECTOR_INDEX = "medkg_image_embedding"
#: kNN asks the (approximate, HNSW) vector index for CANDIDATES * k (at least 100) images, then
#: re-ranks them exactly: top-k equal to brute force in the tests (random 32-d vectors).
CANDIDATES = 4
#: Uniqueness constraints (each backs a range index used by every MERGE and lookup).
CONSTRAINTS = {label: key for label, key in S.NODE_KEYS.items()} | {JOURNAL_LABEL: "id"}
#: Constraints of older medkg versions, dropped by ensure_schema.
OLD_CONSTRAINTS = ("medkg_medkgload_checksum",)
#: Concurrent write transactions of a load (2 keeps both cores of a small server busy).
WORKERS = 2
#: Extra lookup indexes: (label, property).
INDEXES = (("Image", "study_id"), ("Report", "study_id"), ("Study", "patient_id"), ("Concept", "name"))
_ENV = {
    "uri": "NEO4J_URI",
    "user": "NEO4J_USERNAME",
    "password": "NEO4J_PASSWORD",
    "database": "NEO4J_DATABASE",
}
class Neo4jStore(GraphReader):
    """A :class:`~medkg.store.base.GraphStore` on a Neo4j 5 server (Community or Enterprise/Aura).

    Parameters
    ----------
    uri:
        ``bolt://`` or ``neo4j://`` URI; default ``$NEO4J_URI``.
    user, password:
        Credentials; default ``$NEO4J_USERNAME`` (else ``neo4j``) and ``$NEO4J_PASSWORD``. No
        password means no auth.
    database:
        Database name; default ``$NEO4J_DATABASE``, else the server's default.
    batch_size:
        Rows per write transaction.
    workers:
        Concurrent write transactions of a load.
    provenance:
        How finding and relation edges keep their provenance: ``"compact"`` (default; report ids
        and sentences as lists, each record's positions in the JSON string ``ev_spans``: 4
        properties, about twice as fast to load) or ``"arrays"`` (one list per field, exactly as
        the embedded store: docs/SCHEMA.md). Reads understand both.
    """

    def __init__(
        self,
        uri: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
        connection_timeout: float = 10.0,
        workers: int = WORKERS,
        provenance: str = "compact",
    ) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError

        uri = uri or os.environ.get(_ENV["uri"])
        if not uri:
            raise ConfigError(
                "no Neo4j URI given", hint=f"pass one (e.g. bolt://127.0.0.1:7687) or set {_ENV['uri']}"
            )
        password = password if password is not None else os.environ.get(_ENV["password"])
        self.user = user or os.environ.get(_ENV["user"]) or "neo4j"
        self.uri = safe_uri(uri)
        self.database = database or os.environ.get(_ENV["database"]) or None
        self.batch_size = batch_size
        self.workers = max(1, int(workers))
        if provenance not in S.PROVENANCE_LAYOUTS:
            raise ConfigError(
                f"unknown provenance layout {provenance!r}", hint=f"use one of {S.PROVENANCE_LAYOUTS}"
            )
        self.provenance = provenance
        auth = (self.user, password) if password else None
        try:
            self._driver = GraphDatabase.driver(
                uri, auth=auth, connection_timeout=connection_timeout, notifications_min_severity="OFF"
            )
        except (ValueError, DriverError):  # the driver's message may quote the URI with its password
            raise ConfigError(
                f"invalid Neo4j URI {self.uri!r}",
                hint="e.g. bolt://127.0.0.1:7687 (credentials go in user/password or NEO4J_* env vars)",
            ) from None
        self._check_connection(auth is not None)

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, user={self.user!r}, database={self.database!r})"

    def _check_connection(self, with_auth: bool) -> None:
        from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

        try:
            self._driver.verify_connectivity()
        except AuthError:
            self._driver.close()
            how = (
                f"the credentials of user {self.user!r}" if with_auth else "a connection without credentials"
            )
            raise ConnectionFailed(
                f"Neo4j at {self.uri} refused {how} (authentication failed)",
                hint=f"check the user name and password ({_ENV['user']} / {_ENV['password']})",
            ) from None
        except (ServiceUnavailable, DriverError, Neo4jError, OSError) as exc:
            self._driver.close()
            raise ConnectionFailed(
                f"cannot reach Neo4j at {self.uri}: {type(exc).__name__}",
                hint="is the server running there? (python scripts/neo4j/neo4j_server.py start)",
            ) from None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    def _session(self, read: bool = False):
        from neo4j import READ_ACCESS, WRITE_ACCESS

        return self._driver.session(
            database=self.database,
            default_access_mode=READ_ACCESS if read else WRITE_ACCESS,
            fetch_size=10_000,
        )

    def _read(self, query: str, **params: Any) -> list[Any]:
        def work(tx):
            return list(tx.run(query, params))

        with self._session(read=True) as session:
            return self._guard(lambda: session.execute_read(work))

    def _guard(self, fn: Callable[[], Any], hint: str = "check the query against docs/SCHEMA.md") -> Any:
        from neo4j.exceptions import ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

        try:
            return fn()
        except (ServiceUnavailable, SessionExpired) as exc:
            raise ConnectionFailed(
                f"lost the connection to Neo4j at {self.uri}: {type(exc).__name__}",
                hint="restart the server and run the same command again (loads resume)",
            ) from None
        except ClientError as exc:
            if exc.code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyError(
                    "write query in a read-only session", hint="pass write=True / --write"
                ) from None
            raise StoreError(f"Neo4j: {exc.code}: {exc.message}", hint=hint) from None
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j: {type(exc).__name__}: {exc}", hint=hint) from None

    # -- schema ----------------------------------------------------------------------------
    def ensure_schema(self, embedding_dims: int | None = None) -> None:
        """Create the uniqueness constraints and lookup indexes (and the vector index for ``dims``)."""
        queries = [f"DROP CONSTRAINT {name} IF EXISTS" for name in OLD_CONSTRAINTS]
        queries += [
            f"CREATE CONSTRAINT medkg_{label.lower()}_{key} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
            for label, key in CONSTRAINTS.items()
        ]
        queries += [
            f"CREATE INDEX medkg_{label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
            for label, prop in INDEXES
        ]
        with self._session() as session:
            for query in queries:  # in managed transactions: a concurrent loader's deadlock retries
                self._guard(lambda q=query: session.execute_write(run_rows, q, None))
            if embedding_dims:
                self._vector_index(session, int(embedding_dims))
            self._guard(lambda: session.run("CALL db.awaitIndexes(600)").consume())

    def _vector_index(self, session: Any, dims: int) -> None:
        rows = session.run(
            "SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options", name=VECTOR_INDEX
        ).data()
        if rows and rows[0]["options"]["indexConfig"].get("vector.dimensions") == dims:
            return
        if rows:
            log.warning("re-creating vector index %s for %d dimensions", VECTOR_INDEX, dims)
            session.run(f"DROP INDEX {VECTOR_INDEX} IF EXISTS").consume()
        session.run(
            f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS FOR (n:Image) ON n.embedding OPTIONS "
            f"{{indexConfig: {{`vector.dimensions`: {dims}, `vector.similarity_function`: 'cosine', "
            "`vector.quantization.enabled`: false}}"
        ).consume()

    # -- writing ---------------------------------------------------------------------------
    def write(self, kg: KnowledgeGraph) -> WriteSummary:
        """Load ``kg`` (see :meth:`load`); the store then holds ``kg`` (plus any other, unrelated data)."""
        report = self.load(kg)
        return WriteSummary(report.nodes, report.edges, report.checksum, report.seconds)

    def load(
        self,
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
        """MERGE ``kg`` into the database in batches; re-running an interrupted load resumes it.

        Parameters
        ----------
        batch_size:
            Rows per transaction (default: the store's).
        resume:
            Skip the batches a previous, interrupted load of the same graph committed (looked up in
            its ``:MedkgLoad`` journal by graph checksum). ``False`` replays every batch.
        prune:
            Afterwards delete medkg nodes and edges that are not in ``kg``, so the database holds
            exactly ``kg``.
        progress:
            Called with the number of rows after each batch (for progress bars).
        digest:
            ``checksum(kg)`` when already known.
        create:
            Use the CREATE fast path for a relationship type the database holds none of (see
            :mod:`medkg.store.neo4j_write`); ``False`` MERGEs every batch.
        workers:
            Concurrent write transactions (default: the store's). Batch ``i`` of the plan goes
            to lane ``i % workers``; each lane keeps its own journal node, so a resumed load
            skips exactly the committed batches. A resume with another ``workers`` or
            ``batch_size`` cannot use the journal and replays every batch (MERGE: same result).

        Examples
        --------
        >>> report = store.load(kg, batch_size=5_000)  # needs a Neo4j server  # doctest: +SKIP
        >>> report.relationships_created, report.skipped_batches  # doctest: +SKIP
        (2104, 0)
        """
        from medkg.store import neo4j_load

        return neo4j_load.load(
            self, kg, batch_size=batch_size, resume=resume, prune=prune, progress=progress, digest=digest,
            create=create, workers=workers,
        )  # fmt: skip

    def prune(self, kg: KnowledgeGraph) -> int:
        """Delete stored medkg nodes and edges that are not in ``kg``; return how many went."""
        from medkg.store import neo4j_load

        return neo4j_load.prune_graph(self, kg)

    # -- reading ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Stored nodes per schema label and relationships per medkg type (from Neo4j's count store)."""
        out = {str(label): self._read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"] for label in Label}
        for rel_type in self.rel_types():
            n = self._read(f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n")[0]["n"]
            if n:
                out[rel_type] = n
        return out

    def rel_types(self) -> list[str]:
        """Relationship types in the database that are valid medkg types."""
        rows = self._read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS t")
        return sorted(r["t"] for r in rows if medkg_rel_type(r["t"]))

    def read_graph(self) -> KnowledgeGraph:
        """The whole stored medkg graph, with settings and image embeddings."""
        from medkg.graph.options import GraphOptions

        kg = KnowledgeGraph()
        by_label = kg.nodes_by_label()
        for label in Label:
            for row in self._read(f"MATCH (n:{label}) RETURN n {{.*, embedding: null}} AS p"):
                node = S.node_from_properties(str(label), row["p"])
                by_label[label][node.id] = node
        for rel_type in self.rel_types():
            for edge in self._edges(rel_type):
                kg.add_edge(edge)
        info = self._read(f"MATCH (n:{S.INFO_LABEL} {{id: $id}}) RETURN properties(n) AS p", id=S.INFO_ID)
        encoder = ""
        if info:
            props = info[0]["p"]
            options = props.get("build_options") or ""
            kg.info = GraphInfo(
                options=GraphOptions.from_json(options) if options else None,
                naf=json.loads(props["naf"]) if props.get("naf") else None,
            )
            encoder = props.get("encoder") or ""
        vectors = self._read(
            "MATCH (n:Image) WHERE n.embedding IS NOT NULL RETURN n.id AS id, n.embedding AS v ORDER BY id"
        )
        if vectors:
            kg.embeddings = ImageEmbeddings(
                tuple(r["id"] for r in vectors),
                np.asarray([r["v"] for r in vectors], dtype=np.float32),
                encoder,
            )
        return kg

    def _edges(self, rel_type: str, ids: list[str] | None = None, side: str = "out") -> Iterator:
        src, dst = (str(x) for x in endpoint_labels(S.validate_rel_type(rel_type)))
        ks, kd = S.NODE_KEYS[src], S.NODE_KEYS[dst]
        where = (
            "" if ids is None else (f" WHERE a.{ks} IN $ids" if side == "out" else f" WHERE b.{kd} IN $ids")
        )
        query = f"MATCH (a:{src})-[r:{rel_type}]->(b:{dst}){where} "
        query += f"RETURN a.{ks} AS s, b.{kd} AS t, properties(r) AS p"
        for row in self._read(query, ids=ids):
            yield S.edge_from_properties(rel_type, row["s"], row["t"], row["p"])

    def _edges_by(self, rel_type: str, ids: list[str], side: str) -> Iterator:
        return self._edges(rel_type, ids, side)

    def _nodes_by(self, label: str, ids: list[str]) -> Iterator:
        key = S.NODE_KEYS[label]
        query = f"MATCH (n:{label}) WHERE n.{key} IN $ids RETURN n {{.*, embedding: null}} AS p"
        for row in self._read(query, ids=ids):
            yield S.node_from_properties(label, row["p"])

    def knn(self, embedding: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` images most similar (cosine) to ``embedding``, from the vector index.

        Candidates come from ``db.index.vector.queryNodes`` (:data:`CANDIDATES` * k, at least 100)
        and are re-ranked by exact cosine similarity, ties by image id, as the embedded store ranks.
        """
        query = np.asarray(embedding, dtype=np.float64).reshape(-1)
        index = self._read(
            "SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options", name=VECTOR_INDEX
        )
        if not index:
            raise StoreError(
                f"no vector index {VECTOR_INDEX} in {self.uri}", hint="load a graph with image embeddings"
            )
        dims = index[0]["options"]["indexConfig"]["vector.dimensions"]
        if query.shape[0] != dims:
            raise StoreError(
                f"query has {query.shape[0]} dimensions, the store {dims}", hint="use the store's encoder"
            )
        rows = self._read(
            "CALL db.index.vector.queryNodes($index, $n, $q) YIELD node "
            "RETURN node.id AS id, node.embedding AS v",
            index=VECTOR_INDEX, n=max(CANDIDATES * k, 100), q=query.tolist(),
        )  # fmt: skip
        if not rows:
            return []
        vectors = np.asarray([r["v"] for r in rows], dtype=np.float64)
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(query) or 1.0)
        sims = (vectors @ query) / np.where(norms == 0, 1.0, norms)
        ranked = sorted(
            ((r["id"], float(s)) for r, s in zip(rows, sims, strict=True)), key=lambda t: (-t[1], t[0])
        )
        return ranked[:k]

    def cypher(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Neo4j Cypher; rows as dicts. Read-only unless ``write=True``.

        Read-only means three checks: no write clause outside strings/comments, the server's own
        ``EXPLAIN`` classifies the query as read-only, and it runs in a READ transaction.
        """
        params = dict(params or {})
        if not write:
            clause = write_clause(query)
            if clause is not None:
                raise ReadOnlyError(
                    f"the query contains the write clause {clause.upper()!r}",
                    hint="pass write=True / --write",
                )

        def work(tx):
            if not write:
                kind = tx.run("EXPLAIN " + query, params).consume().query_type
                if kind != "r":
                    raise ReadOnlyError(
                        f"Neo4j classifies the query as {kind!r}, not read-only",
                        hint="pass write=True / --write",
                    )
            result = tx.run(query, params)
            return [{k: plain_value(v) for k, v in record.items()} for record in result]

        with self._session(read=not write) as session:
            run = session.execute_write if write else session.execute_read
            return self._guard(lambda: run(work))


def read_neo4j(uri: str | None = None, **connection: Any) -> KnowledgeGraph:
    """Read the whole medkg graph from Neo4j (what ``KnowledgeGraph.from_neo4j`` calls).

    Examples
    --------
    >>> kg = read_neo4j("bolt://127.0.0.1:7687")    # needs a Neo4j server  # doctest: +SKIP
    """
    with Neo4jStore(uri, **connection) as store:
        return store.read_graph()
