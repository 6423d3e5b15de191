"""``medkg extract``, ``medkg label`` and the ``medkg eval`` group with ``eval openi``.

``eval relations`` is registered by :mod:`medkg.cli.relations_eval`. Other stages add their own
evaluation commands to :data:`eval_app` (e.g.
``eval_app.command("rag")(fn)`` from their ``register``); the group is added to the root app once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

eval_app = typer.Typer(name="eval", help="Evaluate extraction, labels and retrieval on gold standards.",
                       no_args_is_help=True)

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
Split = Annotated[Path, typer.Option("--split", help="Open-i split CSV with manual labels (e.g. dev.csv).")]


def _extractor(ontology: Path | None, fuzzy: bool = True):
    from medkg.extract import Extractor
    from medkg.ontology import load

    return Extractor(load(ontology) if ontology else None, fuzzy=fuzzy)


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
    from medkg.workflows import run_batch as run

    stats = run(input, output, id_column=id_column, text_columns=_columns(text_columns),
                extractor=_extractor(ontology, not no_fuzzy), mode="extract", workers=workers,
                on_error=on_error, rejects_path=rejects)
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
    from medkg.workflows import run_batch as run

    stats = run(input, output, id_column=id_column, text_columns=_columns(text_columns),
                extractor=_extractor(ontology, not no_fuzzy), mode="label", schema=schema,
                workers=workers, on_error=on_error, rejects_path=rejects)
    typer.echo(f"{stats.written} reports labelled in {output}, {stats.rejected} skipped", err=True)


@eval_app.command("openi")
def eval_openi(
    split: Split,
    ontology: OntologyPath = None,
    examples: Annotated[int, typer.Option("--examples", help="Report ids listed per error class.")] = 5,
) -> None:
    """Per-label P/R/F1 of positive ChestX-ray14 labels, fuzzy linking on (default) and off.

    The last line is one JSON object with the figures.
    """
    from medkg.evaluation.openi import evaluate_openi, format_table

    figures = {}
    for fuzzy in (True, False):
        result = evaluate_openi(split, _extractor(ontology, fuzzy), examples=examples)
        mode = "on (default pipeline)" if fuzzy else "off"
        typer.echo(f"== fuzzy linking {mode}: {result.reports} reports")
        for line in format_table(result):
            typer.echo(line)
        figures["fuzzy" if fuzzy else "no_fuzzy"] = result.summary()
    typer.echo(json.dumps({"split": str(split), **figures}))


@eval_app.command("labels")
def eval_labels(
    gold: Annotated[Path, typer.Argument(
        help='Gold JSONL: {"uid": ..., "labels": {name: 1 | 0 | -1}} per line.')],
    reports: Annotated[Path, typer.Option("--reports", help="CSV or JSONL of the reports.")],
    id_column: IdColumn = "uid",
    text_columns: TextColumns = "text",
    schema: Annotated[str, typer.Option("--schema", help="chexpert | chestxray14")] = "chexpert",
    no_fuzzy: NoFuzzy = False,
    ontology: OntologyPath = None,
    examples: Annotated[int, typer.Option("--examples", help="Report ids listed per error type.")] = 8,
) -> None:
    """Per-label P/R/F1 of positive, uncertain and negative values against a hand-made gold.

    Labels exactly as ``medkg label`` does. Prints micro and macro figures, positive-or-uncertain
    micro-F1, the confusion of values and the errors by type with report ids; the last line is
    one JSON object with the figures (:func:`medkg.evaluation.labels.evaluate_labels`).
    """
    from medkg.evaluation.labels import evaluate_labels, format_report

    result = evaluate_labels(gold, reports, id_column=id_column, text_columns=_columns(text_columns),
                             schema=schema, extractor=_extractor(ontology, not no_fuzzy))
    for line in format_report(result, examples=examples):
        typer.echo(line)
    typer.echo(json.dumps({"gold": str(gold), "reports": str(reports), **result.summary()}))


def register(app: typer.Typer) -> None:
    """Add ``extract``, ``label`` and the ``eval`` group to the root app."""
    app.command("extract")(extract_cmd)
    app.command("label")(label_cmd)
    if not any(g.typer_instance is eval_app for g in app.registered_groups):
        app.add_typer(eval_app, name="eval")
