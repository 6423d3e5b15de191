"""Rank concepts for a concept query: co-occurrence support, relation weights, specificity.

For query concepts ``q`` (each a set of CUIs: the concept and its ``ISA`` descendants) and a
candidate concept ``c`` the score is

.. math::

    s(c) = \\Big(\\sum_q \\frac{n_{qc} + \\sum_r w_r \\, m_r(q,c) + \\lambda p_c}{n_q + \\lambda}\\Big)
           \\cdot \\Big(\\frac{P(c \\mid Q)}{p_c}\\Big)^{\\beta}

with ``n_qc`` the images positive for both, ``n_q`` the images positive for ``q``, ``p_c`` the
share of images positive for ``c`` (a smoothing prior with weight ``lambda``), ``m_r`` the support
of a direct ``r`` edge (``SUGGESTIVE_OF``, ``LOCATED_AT``, ontology) between them, and ``beta``
the weight of specificity (lift). Raw co-occurrence is ``lambda=0, beta=0`` with no relations.

**Backoff from the whole query** (``joint=a``, off by default): the per-concept terms above are a
backoff for the conditional on the *whole* query. With ``Q`` the images positive for every query
concept and for none of the concepts known to be absent (``exclude``: the rest of a closed label
set), the score becomes

.. math::

    s(c) = \\frac{n_{Qc} + a \\cdot \\frac{1}{|q|}\\sum_q \\hat P_q(c)}{n_Q + a}

i.e. the exact label-set conditional, shrunk towards the mean per-concept conditional
:math:`\\hat P_q(c)` (the smoothed term above), itself shrunk towards the marginal prior ``p_c``
with weight ``lambda``: label set → per label → marginal.

Statements of normality (``No finding``, :data:`NOT_FINDINGS`) are never candidates: they do not
co-occur with a finding, they deny one.

Anatomy candidates (:attr:`GraphIndex.anatomy <medkg.rag.index.GraphIndex.anatomy>`) are places,
not findings: with ``anatomy="findings"`` (default) they get no relation bonus (a ``LOCATED_AT``
edge says where a finding is, not that the place is abnormal) and rank only by the images where
they are a finding; ``"drop"`` never returns them; ``"keep"`` treats them like any concept.

A fact's provenance counts the reports it is read from and lists a sample of those same reports
(:meth:`Provenance.of_reports <medkg.rag.facts.Provenance.of_reports>`): the reports stating the
relation for a relation fact, the reports of the co-occurring images otherwise.

Examples
--------
>>> RankingWeights().relations["SUGGESTIVE_OF"]
2.0
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from medkg.rag.facts import Fact, Provenance, inverse_relation
from medkg.rag.factuality import NO_FINDING_CUI
from medkg.rag.index import GraphIndex, Link

#: Concepts that are never retrieved as findings ("No finding").
NOT_FINDINGS = frozenset({NO_FINDING_CUI})

DEFAULT_RELATION_WEIGHTS = {
    "SUGGESTIVE_OF": 2.0,
    "LOCATED_AT": 1.0,
    "ISA": 0.5,
    "PART_OF": 0.25,
    "FINDING_SITE": 1.0,
    "ASSOCIATED_WITH": 0.5,
}


@dataclass(frozen=True)
class RankingWeights:
    """Settings of :func:`rank_concepts` (see the module docstring for the formula).

    ``parent_weight`` adds each top candidate's ``ISA`` parent as a fact scored at that share of
    the child's score (0 turns ontology expansion off); ``provenance_reports`` caps the report
    ids kept per fact; ``anatomy`` says how anatomy candidates rank; ``joint`` is the weight of
    the per-concept backoff against the whole-query conditional (None: no whole-query term; see
    the module docstring). ``facts`` says what a concept query returns in
    :meth:`Retriever.retrieve <medkg.rag.retriever.Retriever.retrieve>`: ``"evidence"`` (default)
    the evidence, location and co-occurrence facts of each query concept
    (:func:`medkg.rag.evidence.rank_evidence`), ``"concepts"`` one fact per retrieved concept
    (:func:`rank_concepts`, the issue-6 protocol and the co-occurrence baseline).
    """

    relations: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RELATION_WEIGHTS))
    smoothing: float = 2.0
    specificity: float = 0.0
    parent_weight: float = 0.0
    provenance_reports: int = 5
    anatomy: Literal["findings", "drop", "keep"] = "findings"
    joint: float | None = None
    facts: Literal["evidence", "concepts"] = "evidence"

    def describe(self) -> str:
        """Short description, e.g. for CLI output.

        Examples
        --------
        >>> RankingWeights(relations={}, smoothing=5.0, joint=1.0).describe()
        'relations none, smoothing 5, joint 1, specificity 0, anatomy findings'
        """
        rel = ", ".join(f"{k}={v:g}" for k, v in sorted(self.relations.items()) if v) or "none"
        joint = "off" if self.joint is None else f"{self.joint:g}"
        return (
            f"relations {rel}, smoothing {self.smoothing:g}, joint {joint}, "
            f"specificity {self.specificity:g}, anatomy {self.anatomy}"
        )

    @classmethod
    def cooccurrence(cls) -> RankingWeights:
        """Raw co-occurrence counts: the baseline (anatomy ranked like any concept)."""
        return cls(relations={}, smoothing=0.0, specificity=0.0, parent_weight=0.0, anatomy="keep",
                   facts="concepts")


@dataclass(frozen=True, slots=True)
class QueryConcept:
    """One query concept: the CUI it was asked as, its name, and the CUIs that count for it."""

    cui: str
    name: str
    members: frozenset[str]


def rank_concepts(
    index: GraphIndex,
    query: Sequence[QueryConcept],
    weights: RankingWeights | None = None,
    limit: int = 50,
    exclude: Collection[str] = (),
    candidates: Collection[str] | None = None,
) -> list[Fact]:
    """Ranked facts ``(query concept, relation, candidate)``, one per candidate, best first.

    Parameters
    ----------
    index:
        The graph view.
    query:
        Query concepts (see :class:`QueryConcept`); their members are never returned.
    weights:
        Ranking settings (default :class:`RankingWeights`).
    limit:
        Facts returned at most.
    exclude:
        Concepts known to be absent for this query (e.g. the labels of a closed label set that
        the query does not list); never returned; with ``weights.joint`` the whole-query
        conditional counts only images without them.
    candidates:
        When given, only these concepts may be returned (e.g. the vocabulary of a coding scheme).

    Returns
    -------
    list[Fact]

    Examples
    --------
    >>> rank_concepts(GraphIndex.from_graph(__import__("medkg.graph").graph.KnowledgeGraph()), [])
    []
    """
    w = weights or RankingWeights()
    n_img = max(index.n_images, 1)
    if not query or not index.concepts:
        return []
    prior = index.df["POSITIVE"] / n_img
    asked = set().union(*(q.members for q in query))
    excluded = asked | set(exclude) | NOT_FINDINGS
    if w.anatomy == "drop":
        excluded |= index.anatomy
    per_query: list[np.ndarray] = []
    rows_by_query: list[np.ndarray] = []
    bonus_parts: list[dict[int, Bonus]] = []
    for q in query:
        rows = index.images_with(q.members)
        rows_by_query.append(rows)
        co = index.cooccurrence(rows)
        bonus = _relation_bonus(index, q, w)
        extra = np.zeros_like(co)
        for pos, b in bonus.items():
            extra[pos] += b.value
        bonus_parts.append(bonus)
        per_query.append((co + extra + w.smoothing * prior) / (len(rows) + w.smoothing or 1.0))
    score = np.sum(per_query, axis=0)
    if w.joint is not None:
        exact = _whole_query_rows(index, rows_by_query, set(exclude) - asked)
        backoff = score / len(query)
        denominator = len(exact) + w.joint
        score = (index.cooccurrence(exact) + w.joint * backoff) / denominator if denominator else backoff
    if w.specificity:
        all_rows = np.unique(np.concatenate(rows_by_query))
        cond = (index.cooccurrence(all_rows) + 1.0) / (len(all_rows) + 1.0)
        score = score * np.power(cond / np.maximum(prior, 1.0 / n_img), w.specificity)
    allowed = None if candidates is None else set(candidates)
    order = sorted(
        (
            i
            for i in np.flatnonzero(score > 0)
            if index.concepts[i] not in excluded and (allowed is None or index.concepts[i] in allowed)
        ),
        key=lambda i: (-score[i], index.concepts[i]),
    )
    masks: dict[int, np.ndarray] = {}
    facts = [
        _fact(index, query, i, float(score[i]), per_query, rows_by_query, bonus_parts, w, masks)
        for i in order[:limit]
    ]
    if w.parent_weight:
        facts = _with_parents(index, facts, excluded, w.parent_weight)[:limit]
    return facts


def _whole_query_rows(index: GraphIndex, rows_by_query: list[np.ndarray], absent: set[str]) -> np.ndarray:
    """Images positive for every query concept and for none of ``absent``."""
    rows = rows_by_query[0]
    for other in rows_by_query[1:]:
        rows = np.intersect1d(rows, other, assume_unique=True)
    if absent and len(rows):
        rows = np.setdiff1d(rows, index.images_with(absent), assume_unique=True)
    return rows


@dataclass(frozen=True, slots=True)
class Bonus:
    """Direct edges from a query concept to one candidate: the strongest relation type, the summed
    weighted support, and the links of the strongest type (their reports state it)."""

    type: str
    value: float
    strongest: float
    links: tuple[Link, ...]


def _relation_bonus(index: GraphIndex, q: QueryConcept, w: RankingWeights) -> dict[int, Bonus]:
    """Candidate position → :class:`Bonus` of the direct edges from ``q``'s members."""
    out: dict[int, Bonus] = {}
    no_anatomy = w.anatomy != "keep"
    for member in q.members:
        for link in index.links.get(member, ()):
            weight = w.relations.get(link.type, 0.0)
            pos = index.concept_pos.get(link.other)
            if not weight or pos is None or (no_anatomy and link.other in index.anatomy):
                continue
            part = weight * max(link.support, 1)
            # the fact reads query → candidate: an edge into the query is stated by its inverse
            label = link.type if link.outgoing else inverse_relation(link.type)
            old = out.get(pos)
            if old is None:
                out[pos] = Bonus(label, part, part, (link,))
            elif label == old.type:
                out[pos] = Bonus(old.type, old.value + part, old.strongest + part, (*old.links, link))
            elif part > old.strongest:
                out[pos] = Bonus(label, old.value + part, part, (link,))
            else:
                out[pos] = Bonus(old.type, old.value + part, old.strongest, old.links)
    return out


def _fact(index, query, i, score, per_query, rows_by_query, bonus_parts, w, masks) -> Fact:
    best = max(range(len(query)), key=lambda j: (per_query[j][i], -j))
    q = query[best]
    rows = rows_by_query[best]
    cui = index.concepts[i]
    if best not in masks:  # one boolean row mask per query concept: O(column) intersections
        masks[best] = np.zeros(index.n_images, dtype=bool)
        masks[best][rows] = True
    shared = index.column(i)
    shared = shared[masks[best][shared]]
    relation = "CO_OCCURS_WITH"
    bonus = bonus_parts[best].get(i)
    sample = tuple(index.images[r] for r in shared[: w.provenance_reports])
    ranks = index.link_report_ranks(bonus.links) if bonus is not None else None
    if bonus is not None and bonus.value >= len(shared) and len(ranks):
        relation = bonus.type
        provenance = index.provenance_of_ranks(ranks, w.provenance_reports)
        # images of the listed reports carry the sentences
        stating = index.rows_of_report_ranks(shared, ranks[: w.provenance_reports])[: w.provenance_reports]
        provenance = replace(provenance, images=tuple(index.images[r] for r in stating))
    else:
        provenance = index.provenance(shared, w.provenance_reports, sample)
    components = (
        ("cooccurrence", float(len(shared))),
        ("query_images", float(len(rows))),
        ("relation", float(bonus.value) if bonus else 0.0),
        ("prior", float(index.df["POSITIVE"][i] / max(index.n_images, 1))),
    )
    return Fact(
        q.cui, q.name, relation, cui, index.name(cui), "present", score, provenance, components=components
    )


def _with_parents(index: GraphIndex, facts: list[Fact], excluded: set[str], share: float) -> list[Fact]:
    have = {f.tail for f in facts} | excluded
    extra: list[Fact] = []
    for fact in facts:
        for link in index.links.get(fact.tail, ()):
            if link.type == "ISA" and link.outgoing and link.other not in have:
                have.add(link.other)
                extra.append(
                    Fact(
                        fact.tail,
                        fact.tail_name,
                        "ISA",
                        link.other,
                        index.name(link.other),
                        "present",
                        fact.score * share,
                        Provenance(sources=link.sources),
                    )
                )
    return sorted(facts + extra, key=lambda f: (-f.score, f.tail))
