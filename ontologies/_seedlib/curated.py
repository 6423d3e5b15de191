"""Read the hand-curated TSV tables in ``ontologies/curated/`` (our own facts, not copied lists).

Every table has a header line; lines starting with ``#`` are comments; fields are tab-separated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of one curated TSV as dicts keyed by the header, in file order.

    Raises ``ValueError`` naming the file and line when a row has the wrong number of fields.
    """
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if header is None:
            header = fields
            continue
        if len(fields) != len(header):
            raise ValueError(
                f"{path}:{number}: expected {len(header)} tab-separated fields, got {len(fields)}"
            )
        rows.append(dict(zip(header, (f.strip() for f in fields), strict=True)))
    return rows


@dataclass(frozen=True)
class Curated:
    """All curated tables of the seed."""

    scope: list[dict[str, str]]
    semantic_network: dict[str, tuple[str, str]]  # TUI -> (STN, STY)
    type_rules: list[dict[str, str]]
    concepts: list[dict[str, str]]
    synonyms: list[dict[str, str]]
    relations: list[dict[str, str]]


def read_curated(directory: Path) -> Curated:
    """Read ``scope``, ``semantic_network``, ``semantic_type_rules``, ``concepts``, ``synonyms``
    and ``relations`` TSVs from ``directory``."""
    network = {r["tui"]: (r["stn"], r["sty"]) for r in read_table(directory / "semantic_network.tsv")}
    return Curated(
        scope=read_table(directory / "scope.tsv"),
        semantic_network=network,
        type_rules=read_table(directory / "semantic_type_rules.tsv"),
        concepts=read_table(directory / "concepts.tsv"),
        synonyms=read_table(directory / "synonyms.tsv"),
        relations=read_table(directory / "relations.tsv"),
    )
