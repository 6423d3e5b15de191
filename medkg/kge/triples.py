"""Link-prediction triples: from a built graph or MEDMKG's released CSV, indexed and split 8:1:1.

A graph gives the same rows as its ``medmkg-csv`` export (:mod:`medkg.graph.export`):
ontology relations (``isa``, ``has_finding_site``, ...), report relations (``located_at``,
``suggestive_of``) and image findings (``POSITIVE``/``NEGATIVE``/``UNCERTAIN``, image id as
head), from the NaF view by default. So ``medkg kge STORE`` and ``medkg kge kg.csv`` on that
store's export see identical triples.

Examples
--------
>>> ts = from_rows([("I1", "POSITIVE", "C0032227"), ("C0149781", "isa", "C0032326")])
>>> ts.entities, ts.relations
(('C0032227', 'C0032326', 'C0149781', 'I1'), ('POSITIVE', 'isa'))
>>> split_triples(ts, seed=0).sizes
(1, 0, 1)
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medkg.errors import GraphError, InputFileError, ParseError
from medkg.graph.export import naf_view
from medkg.graph.model import KnowledgeGraph
from medkg.graph.relations import export_name

MEDMKG_COLUMNS = ("Head", "Relation", "Tail")


@dataclass(frozen=True)
class TripleSet:
    """Distinct triples as an ``(N, 3)`` int64 array of (head, relation, tail) indices.

    ``entities`` and ``relations`` are sorted, and so are the rows, so equal inputs give
    equal arrays whatever their order. ``names`` maps entity ids to display names.
    """

    entities: tuple[str, ...]
    relations: tuple[str, ...]
    triples: np.ndarray
    names: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.triples)

    def labelled(self, rows: np.ndarray) -> list[tuple[str, str, str]]:
        """Index rows back to ``(head, relation, tail)`` ids."""
        return [(self.entities[h], self.relations[r], self.entities[t]) for h, r, t in rows.tolist()]


def from_rows(rows: Iterable[tuple[str, str, str]], names: Mapping[str, str] | None = None) -> TripleSet:
    """A :class:`TripleSet` from ``(head, relation, tail)`` id triples (duplicates dropped).

    Examples
    --------
    >>> len(from_rows([("a", "r", "b"), ("a", "r", "b")]))
    1
    """
    unique = sorted(set(rows))
    entities = tuple(sorted({h for h, _, _ in unique} | {t for _, _, t in unique}))
    relations = tuple(sorted({r for _, r, _ in unique}))
    e_index = {e: i for i, e in enumerate(entities)}
    r_index = {r: i for i, r in enumerate(relations)}
    array = np.array([(e_index[h], r_index[r], e_index[t]) for h, r, t in unique], dtype=np.int64)
    array = array.reshape(-1, 3)
    order = np.lexsort((array[:, 2], array[:, 1], array[:, 0])) if len(array) else np.arange(0)
    return TripleSet(entities, relations, array[order], dict(names or {}))


def triples_from_graph(kg: KnowledgeGraph, *, naf_only: bool = True) -> TripleSet:
    """Image→concept and concept→concept triples of ``kg`` (its NaF view unless ``naf_only=False``).

    Raises :class:`GraphError` when an image id equals a concept id (they share one entity
    vocabulary, as in MEDMKG's CSV).

    Examples
    --------
    >>> ts = triples_from_graph(kg)
    >>> len(ts), ts.relations
    (41, ('NEGATIVE', 'POSITIVE', 'isa', 'located_at', 'part_of'))
    """
    view = naf_view(kg) if naf_only else kg
    rows: list[tuple[str, str, str]] = []
    rows += [(e.source, export_name(e.type), e.target) for e in view.ontology.values()]
    rows += [(e.source, str(e.type).lower(), e.target) for e in view.relations.values()]
    image_heads = set()
    for e in view.findings.values():
        rows.append((e.source, str(e.type), e.target))
        image_heads.add(e.source)
    clash = sorted(image_heads & set(view.concepts))
    if clash:
        raise GraphError(
            "an image id equals a concept id, so they would be one entity",
            record=clash[0],
            hint="give images ids that are not CUIs",
        )
    names = {cui: c.name for cui, c in view.concepts.items()}
    names.update({img: f"Image_{img}" for img in image_heads})
    return from_rows(rows, names)


def read_medmkg_csv(path: str | os.PathLike[str]) -> TripleSet:
    """Triples of a CSV in MEDMKG's release format (``Head,Relation,Tail,Head_Name,Tail_Name``).

    The name columns are optional. Errors name the file and line of a bad row.

    Examples
    --------
    >>> ts = read_medmkg_csv("MedMKG.csv")
    >>> ts.labelled(ts.triples[:1]), ts.names["C0032285"]
    ([('C0032227', 'isa', 'C0032226')], 'Pneumonia')
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("triples CSV not found", path=path, hint="pass MedMKG.csv or a medkg export")
    rows: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in MEDMKG_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ParseError(
                f"column(s) {missing} not found; the header is {reader.fieldnames}",
                path=path,
                line=1,
                hint="expected Head,Relation,Tail[,Head_Name,Tail_Name]",
            )
        for row in reader:
            h, r, t = (row[c] or "" for c in MEDMKG_COLUMNS)
            if not (h and r and t):
                raise ParseError(
                    "empty Head, Relation or Tail",
                    path=path,
                    line=reader.line_num,
                    hint="fix or drop the row",
                )
            rows.append((h, r, t))
            for key, col in ((h, "Head_Name"), (t, "Tail_Name")):
                if row.get(col):
                    names.setdefault(key, row[col])
    if not rows:
        raise ParseError("no triples in the file", path=path, hint="check the file is MEDMKG's CSV format")
    return from_rows(rows, names)


@dataclass(frozen=True)
class Split:
    """Train / validation / test rows (index arrays into the same entity/relation vocabularies)."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    seed: int

    @property
    def sizes(self) -> tuple[int, int, int]:
        return len(self.train), len(self.valid), len(self.test)


def split_triples(ts: TripleSet, *, seed: int = 0, ratios: tuple[float, float] = (0.8, 0.1)) -> Split:
    """Shuffle with ``seed`` and cut: ``int(0.8 n)`` train, ``int(0.1 n)`` valid, the rest test.

    The cut follows MEDMKG's benchmark code; the shuffle is numpy's ``default_rng(seed)``.

    Examples
    --------
    >>> ts = from_rows([(f"e{i}", "r", f"e{i + 1}") for i in range(10)])
    >>> split_triples(ts, seed=1).sizes
    (8, 1, 1)
    """
    n = len(ts)
    perm = np.random.default_rng(seed).permutation(n)
    n_train, n_valid = int(ratios[0] * n), int(ratios[1] * n)
    rows = ts.triples[perm]
    return Split(rows[:n_train], rows[n_train : n_train + n_valid], rows[n_train + n_valid :], seed)
