"""``medkg eval ...``: the whole evaluation group, each command one call into :mod:`medkg.evaluation`.

``openi`` and ``labels`` score labelling, ``relations`` modifiers and relations against the hand
annotations, ``rag`` concept retrieval against manual codes, ``evidence`` the facts retrieved for
a case's diagnoses against the evidence its report gives, ``factuality`` the checker on
contradictions built from them. Each prints its table; the last line is one JSON object with the
figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from medkg.cli.extract import IdColumn, NoFuzzy, OntologyPath, TextColumns, _columns

eval_app = typer.Typer(name="eval", help="Evaluate extraction, labels and retrieval on gold standards.",
                       no_args_is_help=True)

Split = Annotated[Path, typer.Option("--split", help="Open-i split CSV with manual labels (e.g. dev.csv).")]


@eval_app.command("openi")
def eval_openi(
    split: Split,
    ontology: OntologyPath = None,
    examples: Annotated[int, typer.Option("--examples", help="Report ids listed per error class.")] = 5,
) -> None:
    """Per-label P/R/F1 of positive ChestX-ray14 labels, fuzzy linking on (default) and off.

    The last line is one JSON object with the figures.
    """
    from medkg.evaluation.openi import evaluate_openi_linking, format_linking
    from medkg.ontology import load

    results = evaluate_openi_linking(split, load(ontology) if ontology else None, examples=examples)
    for line in format_linking(results):
        typer.echo(line)
    typer.echo(json.dumps({"split": str(split), **{k: r.summary() for k, r in results.items()}}))


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
    from medkg.extract import load_extractor

    result = evaluate_labels(gold, reports, id_column=id_column, text_columns=_columns(text_columns),
                             schema=schema, extractor=load_extractor(ontology, fuzzy=not no_fuzzy))
    for line in format_report(result, examples=examples):
        typer.echo(line)
    typer.echo(json.dumps({"gold": str(gold), "reports": str(reports), **result.summary()}))


@eval_app.command("relations")
def eval_relations(
    split: Annotated[Path, typer.Option("--split", help="Open-i split CSV the gold was made on (dev.csv).")],
    annotations: Annotated[Path, typer.Option("--annotations", help="Gold TSV (uid, kind, offsets, value).")]
    = Path("annotations/relations_dev.tsv"),
    ontology: Annotated[Path | None, typer.Option("--ontology", help="Ontology (default: shipped seed).")]
    = None,
    no_fuzzy: NoFuzzy = False,
    errors: Annotated[int, typer.Option("--errors", help="Errors listed (-1: all).")] = -1,
) -> None:
    """Precision / recall / F1 per kind (laterality, severity, located_at, suggestive_of, modify).

    Spans match when they overlap; the last line is one JSON object with the figures.
    """
    from medkg.evaluation.relations import evaluate_relations, format_report
    from medkg.extract import load_extractor

    result = evaluate_relations(annotations, split, load_extractor(ontology, fuzzy=not no_fuzzy))
    for line in format_report(result, annotations, errors=errors):
        typer.echo(line)
    typer.echo(json.dumps({"annotations": str(annotations), "split": str(split), **result.summary()}))


@eval_app.command("rag")
def eval_rag(
    train: Annotated[Path, typer.Option("--train", help="Train CSV/JSONL: the graph is built from it.")],
    test: Annotated[Path, typer.Option("--test", help="Test CSV/JSONL: queried by its gold labels only.")],
    id_column: Annotated[str, typer.Option("--id-column")] = "uid",
    text_columns: Annotated[str, typer.Option("--text-columns")] = "findings,impression",
    gold_column: Annotated[str, typer.Option("--gold-column", help="Manual codes, ';'-separated.")] = "MeSH",
    k: Annotated[int, typer.Option("--k", min=1)] = 7,
    alpha: Annotated[float, typer.Option("--alpha", help="Tolerated wrong-fact rate (calibrated k).")] = 0.8,
    delta: Annotated[float, typer.Option("--delta", help="Failure probability of the bound.")] = 0.1,
    calibration: Annotated[float, typer.Option("--calibration", help="Share of train held back.")] = 0.2,
    folds: Annotated[
        int, typer.Option("--folds", min=2, help="Cross-validation folds (inside train) for the weights.")
    ] = 5,
    graph_codes: Annotated[
        bool,
        typer.Option(
            "--graph-codes",
            help="Also evaluate a graph with the train reports' manual codes as extra image edges.",
        ),
    ] = False,
) -> None:
    """Recall/precision@k of graph retrieval vs co-occurrence baselines; last line is JSON."""
    from medkg.evaluation.rag import evaluate_rag

    result = evaluate_rag(
        train,
        test,
        id_column=id_column,
        text_columns=_columns(text_columns),
        gold_column=gold_column,
        k=k,
        alpha=alpha,
        delta=delta,
        calibration_fraction=calibration,
        folds=folds,
        graph_codes=graph_codes,
    )
    for line in result.lines:
        typer.echo(line)
    typer.echo(json.dumps(result.metrics))


@eval_app.command("evidence")
def eval_evidence(
    store: Annotated[Path, typer.Option("--store", help="Embedded store directory (from `medkg build`).")],
    gold: Annotated[Path, typer.Option("--gold", help="Evidence gold JSONL (EVIDENCE.md: uid + items).")],
    k: Annotated[int, typer.Option("--k", min=1, help="Facts per case.")] = 7,
    ontology: OntologyPath = None,
) -> None:
    """Evidence and location recall@k of the facts retrieved for each case's gold diagnoses, beside
    the raw co-occurrence ranking; the last line is JSON."""
    from medkg.evaluation.evidence import evaluate_evidence
    from medkg.evaluation.evidence_gold import EvidenceMatcher
    from medkg.store.ladybug import LadybugStore

    matcher = None
    if ontology:
        from medkg.ontology import load

        matcher = EvidenceMatcher(load(ontology))
    with LadybugStore(store) as s:
        report = evaluate_evidence(s, gold, k=k, matcher=matcher)
    for line in report.lines():
        typer.echo(line)
    typer.echo(json.dumps(report.summary()))


@eval_app.command("compare")
def eval_compare(
    judgements: Annotated[Path, typer.Option(
        "--judgements",
        help="JSONL of {id, rule, reference, better, worse} (e.g. annotations/compare_dev/triples.jsonl).")],
    significance: Annotated[Path | None, typer.Option("--significance", help="Significance TSV.")] = None,
    examples: Annotated[int, typer.Option("--examples", help="Disagreements listed.")] = 20,
) -> None:
    """Agreement of the report score (and BLEU-4, ROUGE-L) with pairwise judgements, per rule.

    The last line is JSON.
    """
    from medkg.evaluation.compare import evaluate_compare

    result = evaluate_compare(judgements, significance=str(significance) if significance else None)
    for line in result.lines(examples):
        typer.echo(line)
    typer.echo(json.dumps(result.metrics))


@eval_app.command("factuality")
def eval_factuality(
    test: Annotated[Path, typer.Option("--test", help="CSV/JSONL with manual codes (never in any graph).")],
    id_column: Annotated[str, typer.Option("--id-column")] = "uid",
    text_columns: Annotated[str, typer.Option("--text-columns")] = "findings,impression",
    gold_column: Annotated[str, typer.Option("--gold-column")] = "MeSH",
) -> None:
    """Detection of negated / unlisted / side-flipped findings and false alarms; last line JSON."""
    from medkg.evaluation.factuality import evaluate_factuality, format_examples

    result = evaluate_factuality(
        test, id_column=id_column, text_columns=_columns(text_columns), gold_column=gold_column
    )
    for line in format_examples(result):
        typer.echo(line)
    typer.echo(json.dumps(result.metrics()))


def register(app: typer.Typer) -> None:
    """Add the ``eval`` group to the root app (once, however often it is called)."""
    if not any(g.typer_instance is eval_app for g in app.registered_groups):
        app.add_typer(eval_app, name="eval")
