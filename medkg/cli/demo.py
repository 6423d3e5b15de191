"""``medkg demo``: the offline end-to-end demo (a thin wrapper over :func:`medkg.demo.run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        out: Annotated[Path, typer.Option("--out", help="Output directory (store + picture).")] = Path(
            "medkg-demo"
        ),
        archive: Annotated[
            Path | None, typer.Option("--archive", help="An Open-i NLMCXR_reports.tgz.")
        ] = None,
        limit: Annotated[int | None, typer.Option("--limit", help="Use the first N reports only.")] = None,
        workers: Annotated[int, typer.Option("--workers", help="Extraction processes.")] = 1,
    ) -> None:
        """Build a graph from real Open-i reports, apply NaF, query it, draw one image's neighbourhood."""
        from medkg.demo import run

        result = run(out, archive=archive, limit=limit, workers=workers)
        typer.echo(result.summary())
