"""Evaluation cases from manual codes, their scoring, and ranking weights chosen by cross-validation.

A :class:`Case` is one report queried by its positive ChestX-ray14 labels (from its manual codes)
with its other coded findings as gold (:mod:`medkg.evaluation.rag` gives the protocol).
:func:`tune_weights` picks :class:`~medkg.rag.ranking.RankingWeights` from a grid by k-fold
cross-validation **inside the training reports only**: fold ``f`` holds the reports at positions
``i % folds == f``; the graph index is restricted to the other folds' images
(:meth:`GraphIndex.subset <medkg.rag.index.GraphIndex.subset>`) and the fold's reports are
queried by their codes' labels. The grid entry with the best mean recall@k wins (ties: the
earlier entry, so the defaults win a tie).

Examples
--------
>>> len(GRID), GRID[0] == RankingWeights()
(28, True)
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from medkg.evaluation.gold_matching import GoldMatcher, recall_precision
from medkg.rag.gold import resolve_codes
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import DEFAULT_RELATION_WEIGHTS, QueryConcept, RankingWeights, rank_concepts

log = logging.getLogger(__name__)

#: Weights tried by :func:`tune_weights`: relation bonuses on/off × whole-query backoff off/on ×
#: strength of the marginal prior (``smoothing``; 1000 is nearly "rank by overall frequency").
GRID: tuple[RankingWeights, ...] = tuple(
    RankingWeights(relations=dict(relations), smoothing=smoothing, joint=joint)
    for relations in (DEFAULT_RELATION_WEIGHTS, {})
    for joint in (None, 1.0)
    for smoothing in (2.0, 0.0, 5.0, 20.0, 50.0, 100.0, 1000.0)
)


@dataclass(frozen=True)
class Case:
    """One evaluable report: its query labels, query concepts and gold concepts."""

    report_id: str
    labels: tuple[str, ...]
    query: tuple[QueryConcept, ...]
    gold: tuple[frozenset[str], ...]
    findings: str

    def wrong(self, cui: str) -> bool:
        """Whether a retrieved concept is not among the gold findings."""
        return not any(cui in g for g in self.gold)


def label_query(label: str, mapper, index: GraphIndex) -> QueryConcept:
    """The query concept of one label: its roots and every graph concept counting for it."""
    roots = sorted(mapper.roots.get(label, (frozenset(), frozenset()))[0])
    members = {c for c in index.concepts if label in mapper.labels_of(c)} | set(roots)
    cui = roots[0] if roots else f"label:{label}"
    return QueryConcept(cui, label.replace("_", " "), frozenset(members))


def make_cases(rows, ontology, mapper, index: GraphIndex) -> tuple[list[Case], int, int]:
    """Cases of ``(record, codes)`` rows: (cases, reports with >= 1 label, reports with empty gold)."""
    out, with_labels, empty = [], 0, 0
    for rec, value in rows:
        gold = resolve_codes(value, ontology)
        labels = tuple(sorted({lab for c in gold.cuis for lab in mapper.labels_of(c)}))
        if not labels:
            continue
        with_labels += 1
        rest = tuple(g for g in gold.groups if not set().union(*map(mapper.labels_of, g)) & set(labels))
        if not rest:
            empty += 1
            continue
        query = tuple(label_query(lab, mapper, index) for lab in labels)
        out.append(Case(rec.report_id, labels, query, rest, rec.sections.get("findings", "")))
    return out, with_labels, empty


def labelled_concepts(index: GraphIndex, mapper) -> frozenset[str]:
    """Graph concepts counting for some label: known absent unless the query lists their label."""
    return frozenset(c for c in index.concepts if mapper.labels_of(c))


def score_cases(
    index: GraphIndex,
    cases: Sequence[Case],
    weights: RankingWeights,
    k: int,
    exclude: Collection[str],
    matcher: GoldMatcher | None = None,
    candidates: Collection[str] | None = None,
) -> dict[str, float]:
    """Mean strict (and, with a matcher, resolved) recall/precision@k over ``cases``."""
    sums = {"recall": 0.0, "precision": 0.0, "resolved_recall": 0.0, "resolved_precision": 0.0}
    for case in cases:
        got = [f.tail for f in rank_concepts(index, case.query, weights, k, exclude, candidates)]
        r, p = recall_precision(got, case.gold)
        sums["recall"] += r
        sums["precision"] += p
        if matcher is not None:
            r, p = recall_precision(got, matcher.expand(case.gold))
            sums["resolved_recall"] += r
            sums["resolved_precision"] += p
    n = max(len(cases), 1)
    return {key: value / n for key, value in sums.items() if matcher is not None or "resolved" not in key}


@dataclass(frozen=True)
class Tuned:
    """Result of :func:`tune_weights`: the chosen weights, their CV recall, and every grid score."""

    weights: RankingWeights
    cv_recall: float
    cases: int
    scores: tuple[float, ...]


def tune_weights(
    index: GraphIndex,
    rows,
    image_of,
    ontology,
    mapper,
    k: int = 7,
    folds: int = 5,
    grid: Sequence[RankingWeights] = GRID,
    candidates: Collection[str] | None = None,
) -> Tuned:
    """Choose weights by ``folds``-fold cross-validation over the training ``rows`` (module docstring).

    Parameters
    ----------
    index:
        Index of the graph built from ``rows`` (all folds).
    rows:
        ``(record, codes)`` training rows, in order (fold = position modulo ``folds``).
    image_of:
        Record → the ids of its graph images.
    """
    splits = []
    n_cases = 0
    for f in range(folds):
        held = [row for i, row in enumerate(rows) if i % folds == f]
        train_images = {img for i, (rec, _) in enumerate(rows) if i % folds != f for img in image_of(rec)}
        sub = index.subset(train_images)
        cases, _, _ = make_cases(held, ontology, mapper, sub)
        splits.append((sub, cases, labelled_concepts(sub, mapper)))
        n_cases += len(cases)
    scores = []
    for weights in grid:
        total = sum(
            score_cases(sub, cases, weights, k, absent, candidates=candidates)["recall"] * len(cases)
            for sub, cases, absent in splits
        )
        scores.append(total / max(n_cases, 1))
    best = max(range(len(grid)), key=lambda i: (round(scores[i], 9), -i))
    log.info("CV over %d cases: best %s (recall@%d %.3f)", n_cases, grid[best].describe(), k, scores[best])
    return Tuned(grid[best], scores[best], n_cases, tuple(scores))
