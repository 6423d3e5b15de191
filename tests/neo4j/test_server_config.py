"""Neo4jServer writes one line per setting: a given setting replaces the default (no duplicates)."""

from __future__ import annotations

from medkg.store.neo4j_server import Neo4jServer


def test_settings_replace_the_defaults(tmp_path):
    server = Neo4jServer(tmp_path / "home", port=7999, settings={
        "server.memory.pagecache.size": "1g", "db.tx_state.memory_allocation": "ON_HEAP"})  # fmt: skip
    server.configure()
    lines = [x for x in server.conf.read_text().splitlines() if not x.startswith("#")]
    keys = [x.split("=", 1)[0] for x in lines]
    assert len(keys) == len(set(keys))
    assert "server.memory.pagecache.size=1g" in lines and "db.tx_state.memory_allocation=ON_HEAP" in lines
    assert "server.bolt.listen_address=127.0.0.1:7999" in lines
