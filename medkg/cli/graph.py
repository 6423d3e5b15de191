"""``medkg build | stats | cypher | export``: build a graph into the embedded store and use it.

Each command wraps one Python function: :func:`medkg.workflows.build`,
:func:`medkg.graph.stats`, :meth:`LadybugStore.cypher` and :func:`medkg.graph.export`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from medkg.cli.params import parse_params
from medkg.errors import ConfigError

DEFAULT_STORE = "medkg-store"


def _table(rows: list[tuple[str, str]], header: tuple[str, str] = ("", "")) -> str:
    width = max([len(a) for a, _ in rows] + [len(header[0]), 10])
    lines = [f"{header[0]:<{width}}  {header[1]}"] if any(header) else []
    lines += [f"{a:<{width}}  {b}" for a, b in rows]
    return "\n".join(lines)


def print_stats(st, naf_report=None) -> None:
    typer.echo(_table(st.rows(), ("graph", "count")))
    if st.concepts_by_semantic_type:
        top = list(st.concepts_by_semantic_type.items())[:10]
        typer.echo("\n" + _table([(k, str(v)) for k, v in top], ("concepts by semantic type", "count")))
    if naf_report is not None:
        rows = [(name, f"{a} -> {b}") for name, a, b in naf_report.as_rows()]
        typer.echo("\n" + _table(rows, ("NaF", "before -> after")))


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build_cmd(
        recipe: Annotated[
            str, typer.Argument(help="Dataset recipe name or recipe file (e.g. openi, mimic-cxr).")
        ],
        data: Annotated[Path, typer.Option("--data", help="Dataset file or directory.")],
        out: Annotated[Path, typer.Option("--out", help="Store directory to write.")],
        naf_on: Annotated[bool, typer.Option("--naf", help="Apply Neighbor-aware Filtering.")] = False,
        no_naf: Annotated[
            bool, typer.Option("--no-naf", help="No NaF, even if the recipe applies it.")
        ] = False,
        naf_budget: Annotated[int | None, typer.Option("--naf-budget", help="Keep at most N images.")] = None,
        naf_k: Annotated[
            int | None, typer.Option("--naf-k", help="Cover every concept by k images (default 1).")
        ] = None,
        workers: Annotated[int, typer.Option("--workers", help="Extraction processes.")] = 1,
        preset: Annotated[
            str | None,
            typer.Option("--preset", help="Graph options: default or medmkg (default: the recipe's)."),
        ] = None,
        ontology: Annotated[
            Path | None, typer.Option("--ontology", help="Ontology source (default: seed).")
        ] = None,
        no_text: Annotated[
            bool, typer.Option("--no-text", help="Keep spans and hashes, no report text.")
        ] = False,
        anatomy_edges: Annotated[
            str | None,
            typer.Option(
                "--anatomy-edges",
                help="Image edges for findings only (default: bare anatomy such as 'the spine' is "
                "no finding) or for all mentions.",
            ),
        ] = None,
        incremental: Annotated[
            bool, typer.Option("--add", help="Add to the graph already in --out.")
        ] = False,
        encoder_spec: Annotated[
            str,
            typer.Option(
                "--encoder",
                help="Image embeddings for kNN: none, pixel-stats (non-semantic baseline) or "
                "hf:PATH (a local Hugging Face vision model). Only images with a file on disk.",
            ),
        ] = "none",
        engine: Annotated[
            str,
            typer.Option(
                "--engine",
                help="local (this machine, --workers processes) or dask (Dask distributed; see "
                "docs/SCALE_OUT.md).",
            ),
        ] = "local",
        scheduler: Annotated[
            str | None,
            typer.Option(
                "--scheduler",
                help="Dask scheduler address (tcp://host:8786); default: a LocalCluster of "
                "--workers processes. Only with --engine dask.",
            ),
        ] = None,
        on_error: Annotated[
            str | None,
            typer.Option(
                "--on-error",
                help="Bad input records: raise (stop, naming file/line/record) or skip (list them "
                "in --rejects). Default: the recipe's (raise).",
            ),
        ] = None,
        rejects: Annotated[
            Path | None,
            typer.Option("--rejects", help="JSONL file of skipped records and why (--on-error skip)."),
        ] = None,
    ) -> None:
        """Build a knowledge graph from a dataset into an embedded store (atomic swap).

        One call: :func:`medkg.workflows.build` with the same options.
        """
        from tqdm import tqdm

        from medkg.workflows import build

        with tqdm(desc="reports", unit=" reports", disable=None) as bar:
            result = build(
                recipe,
                data,
                out,
                engine=engine,
                workers=workers,
                preset=preset,
                naf=False if no_naf else (True if naf_on else None),
                naf_budget=naf_budget,
                naf_k=naf_k,
                ontology=ontology,
                store_text=False if no_text else None,
                anatomy_edges=anatomy_edges,
                incremental=incremental,
                encoder=encoder_spec,
                scheduler=scheduler,
                on_error=on_error,
                rejects=rejects,
                progress=bar.update,
            )
        print_stats(result.stats, result.naf)
        if result.embeddings is not None:
            e = result.embeddings
            typer.echo(
                f"\nimage embeddings ({e.encoder}): {e.encoded} encoded, {e.reused} reused, "
                f"{e.no_file} without a file, {e.failed} unreadable"
            )
        cpu = result.cpu_seconds
        times = [
            (k, f"{v:.2f} s" + (f"  (CPU {cpu[k]:.2f} s)" if k in cpu else ""))
            for k, v in result.seconds.items()
        ]
        typer.echo("\n" + _table(times, ("stage", "time")))
        typer.echo(f"\nstore {out} checksum {result.checksum[:16]}")

    @app.command("stats")
    def stats_cmd(
        store_dir: Annotated[Path, typer.Argument(help="Store directory.")] = Path(DEFAULT_STORE),
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Nodes and edges by type, concepts by semantic type, NaF effect."""
        from dataclasses import asdict

        from medkg.graph import stats
        from medkg.store.ladybug import LadybugStore

        with LadybugStore(store_dir) as store:
            st = stats(store.read_graph())
        if as_json:
            typer.echo(json.dumps(asdict(st), sort_keys=True))
        else:
            print_stats(st)

    @app.command("cypher")
    def cypher_cmd(
        args: Annotated[list[str], typer.Argument(help="[STORE_DIR] QUERY")],
        param: Annotated[
            list[str] | None, typer.Option("--param", "-p", help="key=value (repeatable).")
        ] = None,
        write: Annotated[bool, typer.Option("--write", help="Allow writes (read-only by default).")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
    ) -> None:
        """Run a Cypher query against an embedded store (LadybugDB dialect: label(r), not type(r))."""
        from medkg.store.ladybug import LadybugStore

        if len(args) == 1:
            store_dir, query = Path(os.environ.get("MEDKG_STORE", DEFAULT_STORE)), args[0]
        elif len(args) == 2:
            store_dir, query = Path(args[0]), args[1]
        else:
            raise ConfigError(
                "expected [STORE_DIR] QUERY", hint='medkg cypher kg-store "MATCH (n) RETURN count(n)"'
            )
        params = parse_params(param)
        with LadybugStore(store_dir, read_only=not write) as store:
            rows = store.cypher(query, params, write=write)
        if as_json:
            for row in rows:
                typer.echo(json.dumps(row, default=str))
            return
        if not rows:
            typer.echo("(no rows)")
            return
        cols = list(rows[0])
        cells = [[str(r[c]) for c in cols] for r in rows]
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
        typer.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
        for row in cells:
            typer.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))

    @app.command("export")
    def export_cmd(
        store_dir: Annotated[Path, typer.Argument(help="Store directory.")],
        format: Annotated[
            str, typer.Option("--format", "-f", help="Export format (see --list).")
        ] = "medmkg-csv",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Output file or directory.")
        ] = None,
        all_edges: Annotated[bool, typer.Option("--all", help="Include image edges NaF left out.")] = False,
        list_formats: Annotated[bool, typer.Option("--list", help="List the formats and exit.")] = False,
    ) -> None:
        """Export a stored graph (NaF-kept image edges by default), e.g. MEDMKG's CSV format."""
        from medkg.graph.export import export, exporters
        from medkg.store.ladybug import LadybugStore

        if list_formats:
            for name, desc in exporters().items():
                typer.echo(f"{name:<16} {desc}")
            return
        if output is None:
            raise ConfigError("--output is required", hint="e.g. --output kg.csv")
        with LadybugStore(store_dir) as store:
            kg = store.read_graph()
        result = export(kg, format, output, naf_only=not all_edges)
        typer.echo(f"wrote {result.rows} rows ({result.format}) to {result.path}")
