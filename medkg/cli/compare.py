"""``medkg compare``: a generated report against a reference report, or every row of a file.

Two texts: ``medkg compare --candidate TEXT --reference TEXT`` prints the findings table and a JSON
line (:func:`medkg.compare.compare_reports`). A file: ``medkg compare IN.csv --candidate-column C
--reference-column R --output OUT.jsonl`` writes one JSON line per row
(:func:`medkg.workflows.compare_file`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from medkg.cli.extract import _columns


def compare_cmd(
    path: Annotated[
        Path | None, typer.Argument(help="CSV/JSONL of report pairs (omit for --candidate/--reference).")
    ] = None,
    candidate: Annotated[str | None, typer.Option("--candidate", help="Candidate report text.")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="Reference report text.")] = None,
    candidate_column: Annotated[
        str,
        typer.Option(
            "--candidate-column",
            help="Column(s) of the candidate, comma-separated (e.g. findings,impression).",
        ),
    ] = "",
    reference_column: Annotated[
        str, typer.Option("--reference-column", help="Column(s) of the reference, comma-separated.")
    ] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL written, one line per row.")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column with the row id.")] = None,
    significance: Annotated[
        Path | None,
        typer.Option("--significance", help="Significance TSV (default: medkg/compare/significance.tsv)."),
    ] = None,
    on_error: Annotated[str, typer.Option("--on-error", help="Bad rows: raise or skip.")] = "raise",
    rejects: Annotated[Path | None, typer.Option("--rejects", help="JSONL of skipped rows.")] = None,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).")
    ] = None,
) -> None:
    """Score a generated report against a reference: matched, false and missing findings, score in [-1, 1]."""
    from medkg.errors import ConfigError

    sig = str(significance) if significance else None
    if path is None:
        if candidate is None or reference is None:
            raise ConfigError(
                "nothing to compare",
                hint="pass IN.csv with --candidate-column/--reference-column "
                "and --output, or --candidate TEXT --reference TEXT",
            )
        from medkg.compare import compare_reports

        result = compare_reports(candidate, reference, significance=sig)
        for m in result.matches:
            errors = f" ({'; '.join(m.errors)})" if m.errors else ""
            typer.echo(f"{m.kind:9s} {m.name}{errors}")
        typer.echo(json.dumps(result.summary()))
        return
    if not candidate_column or not reference_column or output is None:
        raise ConfigError(
            "a file needs --candidate-column, --reference-column and --output",
            hint="e.g. medkg compare pairs.csv --candidate-column generated "
            "--reference-column reference --output scores.jsonl",
        )
    from medkg.workflows.compare import compare_file

    stats = compare_file(
        path,
        _columns(candidate_column),
        _columns(reference_column),
        output,
        id_column=id_column,
        significance=sig,
        on_error=on_error,
        rejects=rejects,
        progress=progress,
    )
    typer.echo(
        f"{stats.written} pairs compared, mean score {stats.mean:.4f}, {stats.rejected} rejected → {output}"
    )


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
