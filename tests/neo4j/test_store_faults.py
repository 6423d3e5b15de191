"""Faults during a Neo4j load (issue 8), against the session's real server.

* the Bolt connection is cut in the middle of a batch (a TCP proxy between the store and the
  server drops both sockets half-way through forwarding a batch's rows);
* another loader of the same graph and a conflicting writer (deleting, changing and adding
  edges) run at the same time as the load;
* a batch transaction replayed after its commit (a lost commit reply) creates nothing twice.

Every scenario ends with one more load giving exactly the graph of a clean load.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from medkg.errors import ConnectionFailed, StoreError
from medkg.graph import checksum
from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    PatientNode,
    Structure,
    StructureEdge,
    StudyNode,
)
from medkg.store.neo4j import JOURNAL_LABEL, Neo4jStore
from medkg.store.neo4j_write import Batch, Journal, plan, write_batch

pytestmark = pytest.mark.neo4j

# Concept records with invented ids, never CUIs: a fault test needs only the shape of the graph.
CONCEPTS = [ConceptNode(f"X{k:03d}", f"finding {k}", (), (), ()) for k in range(40)]


def faulty_graph(n: int = 6_000) -> KnowledgeGraph:
    """Patients, studies, images and findings (with provenance) on 40 shared concept nodes."""
    kg = KnowledgeGraph()
    kg.concepts = {c.cui: c for c in CONCEPTS}
    for i in range(n):
        p, s, img = f"p{i // 3}", f"s{i}", f"i{i}"
        kg.patients[p] = PatientNode(p)
        kg.studies[s] = StudyNode(s, p, "fault")
        kg.images[img] = ImageNode(img, s, f"files/{img}.png", "PA")
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, p, s))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, s, img))
        for m in range(3):
            ev = Evidence(f"r{i}", "findings", m, 10 * m, 10 * m + 5, f"{i:064x}", None, None, None)
            kind = (Finding.POSITIVE, Finding.NEGATIVE, Finding.UNCERTAIN)[(i + m) % 3]
            kg.add_edge(FindingEdge(kind, img, CONCEPTS[(7 * i + m) % 40].cui, (ev,)))
    return kg


class CuttingProxy:
    """A TCP proxy to ``port``; :meth:`arm` makes it cut every connection half-way through the next
    client-to-server chunk of at least ``min_bytes`` (i.e. in the middle of sending a batch)."""

    def __init__(self, port: int, min_bytes: int = 16_384) -> None:
        self.target = ("127.0.0.1", port)
        self.min_bytes = min_bytes
        self.armed = threading.Event()
        self.cuts = 0
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def arm(self) -> None:
        self.armed.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._socks += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while data := src.recv(65_536):
                if upstream and len(data) >= self.min_bytes and self.armed.is_set():
                    self.armed.clear()
                    dst.sendall(data[: len(data) // 2])  # half a batch reaches the server
                    self.cut()
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                sock.close()

    def cut(self) -> None:
        with self._lock:
            self.cuts += 1
            for sock in self._socks:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._socks.clear()

    def close(self) -> None:
        self._listener.close()
        self.cut()


@pytest.fixture()
def clean(neo4j_db, neo4j_server):
    neo4j_db.execute_query("MATCH (n) DETACH DELETE n")
    return neo4j_server


def _journal(driver) -> int:
    rows = driver.execute_query(f"MATCH (j:{JOURNAL_LABEL}) RETURN sum(j.rows_done) AS n").records
    return rows[0]["n"] or 0


def test_a_connection_cut_mid_batch_ends_in_the_clean_graph(clean, neo4j_db):
    kg = faulty_graph()
    uri, _ = clean
    proxy = CuttingProxy(int(uri.rsplit(":", 1)[1]))
    outcome: dict = {}

    def load() -> None:
        try:
            with Neo4jStore(proxy.uri, connection_timeout=5.0) as store:
                outcome["report"] = store.load(kg, batch_size=1_000)
        except (ConnectionFailed, StoreError) as exc:
            outcome["error"] = exc

    loader = threading.Thread(target=load)
    loader.start()
    # cut inside the findings (CREATE fast path): past the nodes and the HAS_IMAGE edges
    n_nodes = sum(len(v) for v in kg.nodes_by_label().values()) + 1
    deadline = time.monotonic() + 300
    while _journal(neo4j_db) < n_nodes + len(kg.structure) // 2 + 2_000:
        assert loader.is_alive() and time.monotonic() < deadline, f"load ended before the cut: {outcome}"
        time.sleep(0.02)
    proxy.arm()
    loader.join(timeout=300)
    proxy.close()
    assert proxy.cuts >= 1
    # the driver may retry the cut batch on a fresh connection (then the load finishes) or give up
    if "report" in outcome:
        assert outcome["report"].relationships_created == sum(1 for _ in kg.edges())
    with Neo4jStore(uri) as store:
        again = store.load(kg, batch_size=1_000)
        assert store.counts() == kg.counts()  # nothing duplicated, nothing lost
        assert checksum(store.read_graph()) == checksum(kg)
        assert again.duplicates_removed == 0
        assert store.load(kg).relationships_created == 0


def test_a_concurrent_loader_and_a_conflicting_writer_end_in_the_clean_graph(clean, neo4j_db):
    kg = faulty_graph(4_000)
    uri, _ = clean
    stop = threading.Event()
    errors: list[BaseException] = []
    changes = {"n": 0}

    def loader() -> None:
        try:
            with Neo4jStore(uri) as store:
                store.load(kg, batch_size=500)
        except (StoreError, ConnectionFailed) as exc:  # e.g. the count check after the writer deleted edges
            errors.append(exc)

    def conflicting_writer() -> None:
        queries = (
            "MATCH (i:Image)-[r:POSITIVE]->() WITH r LIMIT 50 DELETE r",
            "MATCH (i:Image)-[r:NEGATIVE]->() WITH r LIMIT 50 SET r.support = 99, r.ev_report = ['forged']",
            "MATCH (i:Image) WITH i LIMIT 20 SET i.view = 'FORGED'",
            "MATCH (s:Study {id: 's1'}), (i:Image {id: 'i2'}) MERGE (s)-[:HAS_IMAGE]->(i)",
        )
        with Neo4jStore(uri) as store:
            while not stop.is_set():
                for query in queries:
                    store.cypher(query, write=True)
                    changes["n"] += 1
                time.sleep(0.05)

    threads = [threading.Thread(target=loader), threading.Thread(target=loader)]
    writer = threading.Thread(target=conflicting_writer)
    writer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    stop.set()
    writer.join(timeout=60)
    assert changes["n"] >= 8 and all(isinstance(e, StoreError | ConnectionFailed) for e in errors)
    with Neo4jStore(uri) as store:
        # the writer added an edge that is not in the graph: prune removes it; nothing else differs
        store.load(kg, prune=True)
        assert store.counts() == kg.counts()
        assert checksum(store.read_graph()) == checksum(kg)
        assert store.cypher(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j) AS n") == [{"n": 0}]


def test_two_loaders_racing_on_an_empty_database_leave_no_duplicates(clean):
    kg = faulty_graph(3_000)
    uri, _ = clean
    reports = []

    def loader(resume: bool) -> None:
        with Neo4jStore(uri) as store:
            reports.append(store.load(kg, batch_size=700, resume=resume))

    # resume=False: no journal skipping, so both may take the CREATE fast path on the empty types;
    # the duplicate scan after each load removes the extra copies
    threads = [threading.Thread(target=loader, args=(resume,)) for resume in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert len(reports) == 2
    with Neo4jStore(uri) as store:
        assert store.counts() == kg.counts()
        assert checksum(store.read_graph()) == checksum(kg)


def test_a_batch_replayed_after_its_commit_creates_nothing(clean):
    """A driver retry of a committed batch (its commit reply lost) is skipped by the journal check."""
    kg = faulty_graph(10)
    uri, _ = clean
    phases = plan(kg)
    with Neo4jStore(uri) as store:
        store.ensure_schema()
        with store._session() as session:
            for phase in (p for p in phases if p.is_node or p.name == "GraphInfo"):  # nodes, graph info
                session.execute_write(lambda tx, p=phase: tx.run(p.query, rows=p.rows(p.keys)).consume())
            phase = next(p for p in phases if p.name == "POSITIVE")
            batch = Batch(phase, phase.rows(phase.keys), True, 100)
            journal = Journal("d1", 2, 10, 200)
            first = session.execute_write(write_batch, batch, True, journal, 0)
            again = session.execute_write(write_batch, batch, True, journal, 0)
            forced = session.execute_write(write_batch, batch, True, journal, 0, False)
        assert (first["create"], first["relationships_created"]) == (1, len(phase.keys))
        assert (again["skipped"], again["relationships_created"]) == (1, 0)
        # without the journal check a replay MERGEs: the type is no longer empty
        assert (forced["create"], forced["relationships_created"]) == (0, 0)
        assert store.counts()["POSITIVE"] == len(phase.keys) > 0
