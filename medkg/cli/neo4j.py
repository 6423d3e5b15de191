"""``medkg load DIR --neo4j URI`` and ``medkg neo4j cypher|schema``: the Neo4j store from the shell.

Each command wraps one method of :class:`medkg.store.neo4j.Neo4jStore`. Credentials come from
``--user`` / ``NEO4J_USERNAME`` and ``NEO4J_PASSWORD`` (or ``--ask-password``), never from an
argument that would show in ``ps``; they are never printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from medkg.cli.params import parse_params

NeoUri = Annotated[
    str | None, typer.Option("--neo4j", help="Bolt URI, e.g. bolt://127.0.0.1:7687 (default: $NEO4J_URI).")
]
User = Annotated[str | None, typer.Option("--user", help="User name (default: $NEO4J_USERNAME, else neo4j).")]
Database = Annotated[str | None, typer.Option("--database", help="Database (default: $NEO4J_DATABASE).")]
AskPassword = Annotated[
    bool, typer.Option("--ask-password", help="Prompt for the password instead of reading $NEO4J_PASSWORD.")
]


def _store(uri: str | None, user: str | None, database: str | None, ask: bool, **kw: Any):
    from medkg.store.neo4j import Neo4jStore

    password = typer.prompt("Neo4j password", hide_input=True) if ask else None
    return Neo4jStore(uri, user=user, password=password, database=database, **kw)


def print_rows(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    if not rows:
        typer.echo("(no rows)")
        return
    cols = list(rows[0])
    cells = [[str(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    for row in cells:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def register(app: typer.Typer) -> None:
    @app.command("load")
    def load_cmd(
        store_dir: Annotated[Path, typer.Argument(help="Embedded store directory (from `medkg build`).")],
        neo4j: NeoUri = None,
        batch_size: Annotated[
            int | None,
            typer.Option("--batch-size", help="Rows per transaction (default: the store's, 5,000)."),
        ] = None,
        workers: Annotated[
            int | None,
            typer.Option("--workers", help="Concurrent write transactions (default: the store's, 2).", min=1),
        ] = None,
        provenance: Annotated[
            str,
            typer.Option(
                "--provenance",
                help="compact: report ids and sentences as lists, positions as one JSON string (fast); "
                "arrays: one list per field, as the embedded store.",
            ),
        ] = "compact",
        user: User = None,
        database: Database = None,
        ask_password: AskPassword = False,
        no_resume: Annotated[
            bool,
            typer.Option("--no-resume", help="Replay every batch, ignoring an interrupted load's journal."),
        ] = False,
        prune: Annotated[
            bool, typer.Option("--prune", help="Delete medkg nodes/edges that are not in this graph.")
        ] = False,
    ) -> None:
        """Load a built graph into Neo4j (idempotent MERGE batches; re-run an interrupted load to resume)."""
        from tqdm import tqdm

        from medkg.store.ladybug import LadybugStore

        with LadybugStore(store_dir) as lb:
            kg = lb.read_graph()
            digest = lb.manifest().get("checksum")
        uri = neo4j or os.environ.get("NEO4J_URI")
        lanes = {"workers": workers} if workers is not None else {}  # None: the store's default
        with _store(uri, user, database, ask_password, provenance=provenance, **lanes) as store:
            total = sum(kg.counts().values()) + 1
            with tqdm(total=total, unit=" rows", desc="neo4j", disable=None) as bar:
                report = store.load(
                    kg, batch_size=batch_size, resume=not no_resume, prune=prune, progress=bar.update,
                    digest=digest,
                )  # fmt: skip
        rate = report.rows_written / report.seconds if report.seconds else 0.0
        typer.echo(
            f"loaded {report.nodes} nodes and {report.edges} relationships into {store.uri} in "
            f"{report.seconds:.1f} s ({rate:,.0f} rows/s, {report.workers} lanes); "
            f"created {report.nodes_created} nodes, "
            f"{report.relationships_created} relationships; {report.skipped_batches} of {report.batches} "
            "batches skipped (done by an interrupted run)" + (f"; pruned {report.pruned}" if prune else "")
        )
        typer.echo(f"checksum {report.checksum[:16]}")

    neo = typer.Typer(help="Query and set up a Neo4j database holding a medkg graph.", no_args_is_help=True)
    app.add_typer(neo, name="neo4j")

    @neo.command("cypher")
    def cypher_cmd(
        query: Annotated[str, typer.Argument(help="Cypher query (values as $parameters).")],
        neo4j: NeoUri = None,
        param: Annotated[
            list[str] | None, typer.Option("--param", "-p", help="key=value (repeatable).")
        ] = None,
        write: Annotated[bool, typer.Option("--write", help="Allow writes (read-only by default).")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
        user: User = None,
        database: Database = None,
        ask_password: AskPassword = False,
    ) -> None:
        """Run a Cypher query on Neo4j; read-only unless --write."""
        params = parse_params(param)
        with _store(neo4j, user, database, ask_password) as store:
            rows = store.cypher(query, params, write=write)
        print_rows(rows, as_json)

    @neo.command("schema")
    def schema_cmd(
        neo4j: NeoUri = None,
        dims: Annotated[
            int | None, typer.Option("--embedding-dims", help="Also create the image vector index.")
        ] = None,
        user: User = None,
        database: Database = None,
        ask_password: AskPassword = False,
    ) -> None:
        """Create medkg's constraints and indexes (e.g. after a neo4j-admin import)."""
        with _store(neo4j, user, database, ask_password) as store:
            store.ensure_schema(dims)
            typer.echo(f"constraints and indexes online in {store.uri}")
