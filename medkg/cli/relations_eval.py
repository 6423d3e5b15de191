"""``medkg eval relations``: modifiers and relations against the hand annotations.

Registered on the ``eval`` group of :mod:`medkg.cli.extract` (this stage runs after it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def eval_relations(
    split: Annotated[Path, typer.Option("--split", help="Open-i split CSV the gold was made on (dev.csv).")],
    annotations: Annotated[Path, typer.Option("--annotations", help="Gold TSV (uid, kind, offsets, value).")]
    = Path("annotations/relations_dev.tsv"),
    ontology: Annotated[Path | None, typer.Option("--ontology", help="Ontology (default: shipped seed).")]
    = None,
    no_fuzzy: Annotated[bool, typer.Option("--no-fuzzy", help="Dictionary matching only.")] = False,
    errors: Annotated[int, typer.Option("--errors", help="Errors listed (-1: all).")] = -1,
) -> None:
    """Precision / recall / F1 per kind (laterality, severity, located_at, suggestive_of, modify).

    Spans match when they overlap; the last line is one JSON object with the figures.
    """
    from medkg.cli.extract import _extractor
    from medkg.evaluation.annotations import KINDS, evaluate_relations

    result = evaluate_relations(annotations, split, _extractor(ontology, not no_fuzzy))
    typer.echo(f"== {result.reports} annotated reports, gold {annotations}")
    typer.echo(f"{'kind':<14} {'gold':>5} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>6} {'R':>6} {'F1':>6}")
    for kind in (*KINDS, "overall"):
        c = result.overall if kind == "overall" else result.counts[kind]
        typer.echo(f"{kind:<14} {c.support:>5} {c.tp:>4} {c.fp:>4} {c.fn:>4}  "
                   f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    typer.echo(f"(modify found as one pre-coordinated concept: {result.precoordinated})")
    shown = result.errors if errors < 0 else result.errors[:errors]
    if shown:
        typer.echo(f"== errors ({len(result.errors)})")
    for cls, item, text in shown:
        typer.echo(f"{cls:<15} {item.uid:>5} {item.kind:<13} [{item.start},{item.end}] {text}")
    typer.echo(json.dumps({"annotations": str(annotations), "split": str(split), **result.summary()}))


def register(app: typer.Typer) -> None:
    """Add ``relations`` to the ``eval`` group (once, however often it is called)."""
    from medkg.cli.extract import eval_app

    eval_app.registered_commands = [c for c in eval_app.registered_commands if c.name != "relations"]
    eval_app.command("relations")(eval_relations)
