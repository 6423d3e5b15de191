"""``medkg extract`` and ``medkg label``, each one :func:`medkg.workflows.run_batch` call; the ``medkg eval``
group is :mod:`medkg.cli.evaluate`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

Input = Annotated[Path, typer.Argument(help="CSV or JSONL file of reports.")]
IdColumn = Annotated[str, typer.Option("--id-column", help="Column holding the report id.")]
TextColumns = Annotated[str, typer.Option(
    "--text-columns", help="Comma-separated text columns; each column name is the section of its text.")]
Workers = Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")]
OnError = Annotated[str, typer.Option(
    "--on-error", help="raise: stop at the first bad record; skip: list it in the rejects file.")]
Rejects = Annotated[
    Path | None, typer.Option("--rejects", help="Rejects file (default OUTPUT.rejects.jsonl).")
]
NoFuzzy = Annotated[bool, typer.Option("--no-fuzzy", help="Dictionary matching only.")]
OntologyPath = Annotated[Path | None, typer.Option(
    "--ontology", help="Ontology to link to (RRF dir, .obo, .owl, KB .jsonl; default: the shipped seed).")]


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def extract_cmd(
    input: Input,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL file.")],
    id_column: IdColumn = "id",
    text_columns: TextColumns = "findings,impression",
    workers: Workers = 1,
    on_error: OnError = "raise",
    rejects: Rejects = None,
    no_fuzzy: NoFuzzy = False,
    ontology: OntologyPath = None,
) -> None:
    """Extract linked, asserted concept mentions: one JSON object per report."""
    from medkg.workflows import run_batch

    stats = run_batch(input, output, id_column=id_column, text_columns=_columns(text_columns), mode="extract",
                      workers=workers, on_error=on_error, rejects_path=rejects, ontology=ontology,
                      fuzzy=not no_fuzzy)
    typer.echo(f"{stats.written} reports written to {output}, {stats.rejected} skipped", err=True)


def label_cmd(
    input: Input,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output CSV file.")],
    id_column: IdColumn = "id",
    text_columns: TextColumns = "findings,impression",
    schema: Annotated[str, typer.Option("--schema", help="chestxray14 | chexpert")] = "chestxray14",
    workers: Workers = 1,
    on_error: OnError = "raise",
    rejects: Rejects = None,
    no_fuzzy: NoFuzzy = False,
    ontology: OntologyPath = None,
) -> None:
    """Label reports: one CSV row per report, 1 / 0 / -1 / empty per label."""
    from medkg.workflows import run_batch

    stats = run_batch(input, output, id_column=id_column, text_columns=_columns(text_columns), mode="label",
                      schema=schema, workers=workers, on_error=on_error, rejects_path=rejects,
                      ontology=ontology, fuzzy=not no_fuzzy)
    typer.echo(f"{stats.written} reports labelled in {output}, {stats.rejected} skipped", err=True)


def register(app: typer.Typer) -> None:
    """Add ``extract`` and ``label`` to the root app."""
    app.command("extract")(extract_cmd)
    app.command("label")(label_cmd)


def __getattr__(name: str) -> typer.Typer:
    if name == "eval_app":  # moved to medkg.cli.evaluate
        warnings.warn("medkg.cli.extract.eval_app moved to medkg.cli.evaluate.eval_app", DeprecationWarning,
                      stacklevel=2)
        from medkg.cli.evaluate import eval_app

        return eval_app
    raise AttributeError(f"module 'medkg.cli.extract' has no attribute {name!r}")
