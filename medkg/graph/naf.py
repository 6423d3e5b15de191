"""Neighbor-aware Filtering (NaF), after MEDMKG's Algorithm 1, with budget and k-coverage.

Each image ``m`` is scored by the sum, over its (relation, concept) edges, of ``log(M / df)``,
where ``M`` is the number of images with at least one finding edge and ``df`` the number of
images having that same (relation, concept) edge. Images are walked by descending score (ties by
image id) and kept until every concept of an image edge is covered by a kept image. NaF
**marks** edges (``naf_kept``) and images (``naf_kept``, ``naf_score``); nothing is deleted.

Beyond MEDMKG: ``budget`` (at most that many images), ``k`` (every concept covered by at least
``min(k, images with that concept)`` kept images) and ``skip_if_nothing_new`` (skip an image
that covers no concept still needing coverage, instead of keeping it as Algorithm 1 does).

Examples
--------
>>> sel = naf_select({"a": {("POSITIVE", "C1")}, "b": {("POSITIVE", "C1"), ("NEGATIVE", "C2")}})
>>> sel.kept
('b',)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from medkg.errors import ConfigError
from medkg.graph.model import FindingEdge, GraphInfo, ImageNode, KnowledgeGraph


@dataclass(frozen=True, slots=True)
class NafSettings:
    budget: int | None = None
    k: int = 1
    skip_if_nothing_new: bool = False

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ConfigError(f"NaF k must be >= 1, got {self.k}")
        if self.budget is not None and self.budget < 0:
            raise ConfigError(f"NaF budget must be >= 0, got {self.budget}")


@dataclass(frozen=True, slots=True)
class NafSelection:
    """The outcome of the walk: kept images in walk order, every image's score, coverage."""

    kept: tuple[str, ...]
    scores: dict[str, float]
    concepts: int
    concepts_covered: int
    complete: bool  # True when every concept reached its coverage target


@dataclass(frozen=True, slots=True)
class NafReport:
    """Before/after statistics of one NaF run."""

    images_before: int
    images_after: int
    finding_edges_before: int
    finding_edges_after: int
    concepts_before: int
    concepts_after: int
    complete: bool
    settings: NafSettings

    def as_rows(self) -> list[tuple[str, int, int]]:
        return [
            ("images with findings", self.images_before, self.images_after),
            ("image→concept edges", self.finding_edges_before, self.finding_edges_after),
            ("concepts linked to images", self.concepts_before, self.concepts_after),
        ]


def image_scores(image_edges: Mapping[str, set[tuple[str, str]]]) -> dict[str, float]:
    """NaF score of every image: sum of ``log(M / df(relation, concept))`` over its edges."""
    m = len(image_edges)
    df: dict[tuple[str, str], int] = defaultdict(int)
    for pairs in image_edges.values():
        for pair in pairs:
            df[pair] += 1
    return {img: math.fsum(math.log(m / df[p]) for p in sorted(pairs)) for img, pairs in image_edges.items()}


def naf_select(
    image_edges: Mapping[str, set[tuple[str, str]]],
    *,
    budget: int | None = None,
    k: int = 1,
    skip_if_nothing_new: bool = False,
) -> NafSelection:
    """Run the NaF walk on ``image id -> {(relation, cui), ...}`` (pure function, no graph)."""
    NafSettings(budget, k, skip_if_nothing_new)  # validates
    scores = image_scores(image_edges)
    images_of: dict[str, int] = defaultdict(int)
    for pairs in image_edges.values():
        for cui in {c for _, c in pairs}:
            images_of[cui] += 1
    need = {cui: min(k, n) for cui, n in images_of.items()}
    have: dict[str, int] = defaultdict(int)
    missing = len(need)
    kept: list[str] = []
    for img in sorted(image_edges, key=lambda i: (-scores[i], i)):
        if missing == 0 or (budget is not None and len(kept) >= budget):
            break
        cuis = {c for _, c in image_edges[img]}
        if skip_if_nothing_new and not any(have[c] < need[c] for c in cuis):
            continue
        kept.append(img)
        for cui in cuis:
            have[cui] += 1
            if have[cui] == need[cui]:
                missing -= 1
    covered = sum(1 for c in need if have[c] > 0)
    return NafSelection(tuple(kept), scores, len(need), covered, missing == 0)


def naf(
    kg: KnowledgeGraph,
    *,
    budget: int | None = None,
    k: int = 1,
    skip_if_nothing_new: bool = False,
    settings: NafSettings | None = None,
) -> NafReport:
    """Apply NaF to ``kg`` in place: mark image edges and images, remember the settings.

    The settings are stored in ``kg.info`` so that :func:`medkg.graph.add_reports` recomputes NaF
    after every incremental add.

    Examples
    --------
    >>> report = naf(kg, budget=3)
    >>> report.images_after <= 3
    True
    """
    settings = settings or NafSettings(budget, k, skip_if_nothing_new)
    image_edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for edge in kg.findings.values():
        image_edges[edge.source].add((str(edge.type), edge.target))
    sel = naf_select(
        image_edges, budget=settings.budget, k=settings.k, skip_if_nothing_new=settings.skip_if_nothing_new
    )
    kept = set(sel.kept)
    for key, edge in kg.findings.items():
        flag = edge.source in kept
        if edge.naf_kept != flag:
            kg.findings[key] = FindingEdge(edge.type, edge.source, edge.target, edge.evidence, flag)
    for image_id, node in kg.images.items():
        flag = image_id in kept
        score = sel.scores.get(image_id, 0.0)
        if node.naf_kept != flag or node.naf_score != score:
            kg.images[image_id] = ImageNode(
                node.id, node.study_id, node.path, node.view_position, flag, score
            )
    kg.info = GraphInfo(options=kg.info.options, naf=asdict(settings))
    edges_after = sum(1 for e in kg.findings.values() if e.naf_kept)
    concepts_after = len({e.target for e in kg.findings.values() if e.naf_kept})
    return NafReport(
        images_before=len(image_edges),
        images_after=len(kept),
        finding_edges_before=len(kg.findings),
        finding_edges_after=edges_after,
        concepts_before=sel.concepts,
        concepts_after=concepts_after,
        complete=sel.complete,
        settings=settings,
    )


def clear_naf(kg: KnowledgeGraph) -> None:
    """Undo NaF: every edge and image kept again, scores 0, settings forgotten."""
    for key, edge in kg.findings.items():
        if not edge.naf_kept:
            kg.findings[key] = FindingEdge(edge.type, edge.source, edge.target, edge.evidence, True)
    for image_id, node in kg.images.items():
        if not node.naf_kept or node.naf_score:
            kg.images[image_id] = ImageNode(node.id, node.study_id, node.path, node.view_position)
    kg.info = GraphInfo(options=kg.info.options, naf=None)
