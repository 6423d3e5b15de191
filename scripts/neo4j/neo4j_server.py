"""Fetch, start, stop and bulk-load a local Neo4j 5.26 Community server (no Docker needed).

    python scripts/neo4j/neo4j_server.py fetch                  # once: jars from Maven Central
    python scripts/neo4j/neo4j_server.py start [--port 0] [--password PW]
    python scripts/neo4j/neo4j_server.py status
    python scripts/neo4j/neo4j_server.py stop [--kill]
    python scripts/neo4j/neo4j_server.py import --nodes n.csv --relationships r.csv [--overwrite]

Jars go to ``$MEDKG_CACHE_DIR/neo4j/<version>/lib`` (default ``~/.cache/medkg``); the default server
home is ``$MEDKG_CACHE_DIR/neo4j/home``. Needs Java 17+ and, for ``fetch``, Maven.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

try:
    from medkg.store import neo4j_server as ns
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from medkg.store import neo4j_server as ns

from medkg.errors import MedkgError


def _fetch(version: str) -> None:
    result = ns.fetch(version)
    how = "already cached" if result.cached else f"fetched in {result.seconds:.1f} s"
    size = sum(p.stat().st_size for p in result.lib.glob("*.jar")) / 2**20
    print(f"Neo4j {version}: {result.jars} jars, {size:.0f} MiB in {result.lib} ({how})")


def _start(server: ns.Neo4jServer, args: argparse.Namespace) -> None:
    _fetch(server.version)
    seconds = server.start(timeout=args.timeout)
    time.sleep(2.0)  # let start-up work settle before reading memory
    rss = server.rss_bytes() or 0
    print(f"Neo4j {server.version} up in {seconds:.1f} s, pid {server.pid}, RSS {rss / 2**20:.0f} MiB")
    print(f"URI  {server.uri}")
    print(f"auth {'off' if server.auth is None else 'user neo4j, the password you gave'}")
    print(f"home {server.home} (logs in {server.home / 'logs'})")


def _status(server: ns.Neo4jServer) -> int:
    pid = server.pid
    if pid is None:
        print(f"not running (home {server.home})")
        return 3
    listening = "answers" if ns.port_in_use(server.port) else "does NOT answer"
    rss = (server.rss_bytes() or 0) / 2**20
    print(f"running, pid {pid}, RSS {rss:.0f} MiB; Bolt {server.uri} {listening}")
    return 0


def _import(server: ns.Neo4jServer, args: argparse.Namespace) -> None:
    began = time.monotonic()
    options = ["--overwrite-destination=true"] if args.overwrite else []
    output = server.import_full(args.nodes, args.relationships or [], args.database, options)
    print(output.strip().split("IMPORT DONE", 1)[-1].strip() or output.strip())
    print(f"import took {time.monotonic() - began:.1f} s; start the server to query it")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "start", "stop", "status", "import"])
    parser.add_argument("--version", default=os.environ.get("MEDKG_NEO4J_VERSION", ns.NEO4J_VERSION))
    parser.add_argument("--home", type=Path, help="server home (default $MEDKG_CACHE_DIR/neo4j/home)")
    parser.add_argument("--port", type=int, default=None,
                        help="Bolt port (default: the home's last port, else 7687; 0 = pick a free one)")
    parser.add_argument("--password", default=os.environ.get("MEDKG_NEO4J_PASSWORD"),
                        help="turn auth on with this initial password for user neo4j "
                             "(default $MEDKG_NEO4J_PASSWORD; unset = auth off)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for Bolt")
    parser.add_argument("--kill", action="store_true", help="stop: SIGKILL at once")
    parser.add_argument("--nodes", action="append", help="import: [Label=]file.csv[,more.csv] (repeatable)")
    parser.add_argument("--relationships", action="append", help="import: [TYPE=]file.csv (repeatable)")
    parser.add_argument("--database", default="neo4j", help="import: database name (Community: neo4j)")
    parser.add_argument("--overwrite", action="store_true", help="import: replace an existing database")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.command == "fetch":
        _fetch(args.version)
        return 0
    home = args.home or ns.cache_dir(args.version).parent / "home"
    server = ns.Neo4jServer(home, port=args.port, password=args.password, version=args.version)
    if args.command == "start":
        _start(server, args)
    elif args.command == "stop":
        print("stopped" if server.stop(kill=args.kill) else f"not running (home {server.home})")
    elif args.command == "status":
        return _status(server)
    else:
        if not args.nodes:
            parser.error("import needs at least one --nodes")
        _import(server, args)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except MedkgError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
