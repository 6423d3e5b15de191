"""``medkg kge``: link prediction (MEDMKG task 1) on a built store or a MEDMKG-format CSV.

Wraps :func:`medkg.kge.link_prediction`; prints the split, a metrics table and, as its last
line, one JSON object with everything (for scripts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from medkg.errors import InputFileError


def _load_triples(source: Path, all_edges: bool):
    from medkg.kge import read_medmkg_csv, triples_from_graph

    if source.is_file():
        return read_medmkg_csv(source)
    if not source.is_dir():
        raise InputFileError(
            "not a store directory or a CSV file", path=source, hint="build one with medkg build"
        )
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(source) as store:
        kg = store.read_graph()
    return triples_from_graph(kg, naf_only=not all_edges)


def _table(result) -> str:
    head = f"{'':<16}{'MR':>10}{'MRR':>8}{'H@1':>8}{'H@3':>8}{'H@10':>8}{'n':>8}"
    lines = [head]
    for setting in ("filtered", "raw"):
        for side in ("tail", "head", "both"):
            m = result.test[setting].get(side)
            if m is None:
                continue
            lines.append(
                f"{setting + ' ' + side:<16}{m.mr:>10.2f}{m.mrr:>8.4f}{m.hits1:>8.4f}"
                f"{m.hits3:>8.4f}{m.hits10:>8.4f}{m.count:>8}"
            )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("kge")
    def kge_cmd(
        source: Annotated[Path, typer.Argument(help="Store directory, or a CSV in MEDMKG's format.")],
        model: Annotated[
            str, typer.Option("--model", "-m", help="TransE, RotatE, DistMult or ComplEx.")
        ] = "TransE",
        epochs: Annotated[int, typer.Option("--epochs", help="Training epochs.")] = 100,
        dim: Annotated[
            int | None, typer.Option("--dim", help="Embedding size (default: TrainConfig's, 64).")
        ] = None,
        seed: Annotated[
            int | None, typer.Option("--seed", help="Split, initialisation and batch order (default 0).")
        ] = None,
        batch_size: Annotated[
            int | None, typer.Option("--batch-size", help="Triples per batch (default 1024).")
        ] = None,
        lr: Annotated[float | None, typer.Option("--lr", help="Adam learning rate (default 0.01).")] = None,
        device: Annotated[
            str | None, typer.Option("--device", help="cpu or cuda (default: cuda when available).")
        ] = None,
        tail_only: Annotated[
            bool, typer.Option("--tail-only", help="Rank tails only (default: tails and heads).")
        ] = False,
        eval_limit: Annotated[
            int | None, typer.Option("--eval-limit", help="Rank at most N valid/test triples each.")
        ] = None,
        threads: Annotated[
            int | None, typer.Option("--threads", help="torch CPU threads (1 is fastest on a busy machine).")
        ] = None,
        all_edges: Annotated[
            bool, typer.Option("--all", help="Store input: include image edges NaF left out.")
        ] = False,
    ) -> None:
        """Train a KGE model on an 8:1:1 split and print filtered MR / MRR / Hits@1,3,10."""
        from tqdm import tqdm

        from medkg.kge import TrainConfig, link_prediction

        if threads:
            import torch

            torch.set_num_threads(threads)
        given = {"dim": dim, "batch_size": batch_size, "lr": lr, "seed": seed}
        # Options left out take TrainConfig's defaults (the library's, named once).
        cfg = TrainConfig(model, epochs, device=device, **{k: v for k, v in given.items() if v is not None})
        triples = _load_triples(source, all_edges)
        typer.echo(
            f"{len(triples)} triples, {len(triples.entities)} entities, {len(triples.relations)} relations"
        )
        with tqdm(total=epochs, desc=f"{model} epochs", unit=" epoch", disable=None) as bar:

            def on_epoch(epoch: int, loss: float) -> None:
                bar.set_postfix(loss=f"{loss:.4f}")
                bar.update(1)

            result = link_prediction(
                triples,
                cfg,
                eval_limit=eval_limit,
                sides=("tail",) if tail_only else ("tail", "head"),
                on_epoch=on_epoch,
            )
        train, valid, test = result.split_sizes
        typer.echo(f"split train/valid/test {train}/{valid}/{test} (seed {seed}) on {result.device}")
        typer.echo(_table(result))
        typer.echo(json.dumps(result.as_dict(), sort_keys=True))
