"""``medkg eval evidence``: do the facts retrieved for a case's diagnoses hold the evidence its report gives?

For each gold case (:mod:`medkg.evaluation.evidence_gold`) the store is queried with the case's
gold diagnoses only, never its text, as KG-LLaVA fills ``{diagnoses}``, and the top ``k`` facts
are scored:

* a gold (diagnosis, evidence) pair is **recalled** when one fact links the diagnosis (or an
  ``is_a`` descendant) and the evidence finding's concept (or an ``is_a`` descendant), whatever
  the relation; an evidence name that maps to no concept, or into the diagnosis itself, is a miss;
* a (diagnosis, location) pair is recalled when a location fact (``LOCATED_AT``, ``FINDING_SITE``
  or their inverses) places the diagnosis or one of the item's evidence findings at the location
  concept or one of its parts; a location with no anatomy ("bilateral") is left out and counted;
* a fact is **uninformative** when it is co-occurrence with bare anatomy, or names "No finding".

Recall is micro-averaged over pairs (each pair once per case). The same cases are scored for the
frozen baseline, raw co-occurrence (:meth:`RankingWeights.cooccurrence`), in the same run.

Examples
--------
>>> report = evaluate_evidence(kg, "evidence.jsonl", k=3)
>>> report.graph.evidence.recall, report.baseline.evidence.total
(1.0, 1)
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from medkg.evaluation.evidence_gold import EvidenceCase, EvidenceMatcher, read_evidence_gold
from medkg.graph.model import KnowledgeGraph
from medkg.rag.facts import Fact
from medkg.rag.ranking import NOT_FINDINGS, RankingWeights
from medkg.rag.retriever import Retriever
from medkg.store.base import GraphStore

#: Relations that place their head or tail at the other end.
PLACING = frozenset({"LOCATED_AT", "LOCATION_OF", "FINDING_SITE", "FINDING_SITE_OF"})
#: Evidence names left out of the "without opacity and consolidation" figure.
COMMON_EVIDENCE = frozenset({"opacity", "consolidation"})


@dataclass
class Tally:
    """Recalled / total pairs."""

    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit += ok
        self.total += 1

    @property
    def recall(self) -> float:
        return round(self.hit / self.total, 3) if self.total else 0.0


@dataclass
class RankingResult:
    """The figures of one ranking over every case."""

    evidence: Tally = field(default_factory=Tally)
    evidence_rare: Tally = field(default_factory=Tally)  # without opacity / consolidation pairs
    location: Tally = field(default_factory=Tally)
    facts: int = 0
    uninformative: int = 0
    by_diagnosis: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: {"evidence": Tally(), "location": Tally()})
    )

    @property
    def uninformative_share(self) -> float:
        return round(self.uninformative / self.facts, 3) if self.facts else 0.0


@dataclass
class EvidenceReport:
    """Both rankings' figures and the gold's bookkeeping."""

    k: int
    cases: int
    scored: int
    graph: RankingResult
    baseline: RankingResult
    unmapped_evidence: dict[str, int] = field(default_factory=dict)  # name → pairs
    self_evidence: dict[str, int] = field(default_factory=dict)  # name → pairs
    no_anatomy: dict[str, int] = field(default_factory=dict)  # location string → times

    def summary(self) -> dict[str, float | int]:
        """The figures as one flat dict (the JSON last line of ``medkg eval evidence``)."""
        k = self.k
        out: dict[str, float | int] = {"k": k, "cases": self.cases, "scored_cases": self.scored}
        for prefix, r in (("", self.graph), ("baseline_", self.baseline)):
            out[f"{prefix}evidence_recall@{k}"] = r.evidence.recall
            out[f"{prefix}location_recall@{k}"] = r.location.recall
            out[f"{prefix}uninformative_share"] = r.uninformative_share
            out[f"{prefix}evidence_recall@{k}_without_opacity_consolidation"] = r.evidence_rare.recall
        out["evidence_pairs"] = self.graph.evidence.total
        out["location_pairs"] = self.graph.location.total
        out["locations_without_anatomy"] = sum(self.no_anatomy.values())
        out["evidence_unmapped"] = sum(self.unmapped_evidence.values())
        out["evidence_is_diagnosis"] = sum(self.self_evidence.values())
        return out

    def lines(self) -> list[str]:
        """The table printed by ``medkg eval evidence`` (without the JSON line)."""
        k, g, b = self.k, self.graph, self.baseline
        out = [
            f"evidence recall@{k}: {self.scored} of {self.cases} gold cases have a diagnosis with "
            "evidence or a location; each is queried with its gold diagnoses only",
            "",
            f"{'':34s}{'graph':>8s}{'co-occurrence':>15s}{'pairs':>8s}",
            _row(f"evidence recall@{k}", g.evidence, b.evidence),
            _row("  without opacity / consolidation", g.evidence_rare, b.evidence_rare),
            _row(f"location recall@{k}", g.location, b.location),
            f"{'uninformative fact share':34s}{g.uninformative_share:8.3f}{b.uninformative_share:15.3f}"
            f"{g.facts:8d}  (facts returned)",
            "",
            f"{'diagnosis':28s}{'evidence':>10s}{'baseline':>10s}{'pairs':>7s}"
            f"{'location':>10s}{'baseline':>10s}{'pairs':>7s}",
        ]
        for name in sorted(g.by_diagnosis):
            ge, gl = g.by_diagnosis[name]["evidence"], g.by_diagnosis[name]["location"]
            be, bl = b.by_diagnosis[name]["evidence"], b.by_diagnosis[name]["location"]
            out.append(
                f"{name:28s}{ge.recall:10.3f}{be.recall:10.3f}{ge.total:7d}"
                f"{gl.recall:10.3f}{bl.recall:10.3f}{gl.total:7d}"
            )
        out.append("")
        out.append(_counted("evidence names mapping to no concept (misses)", self.unmapped_evidence))
        out.append(_counted("evidence names mapping into their diagnosis (misses)", self.self_evidence))
        out.append(_counted("locations with no anatomy (left out)", self.no_anatomy))
        return out


def _row(name: str, graph: Tally, base: Tally) -> str:
    return f"{name:34s}{graph.recall:8.3f}{base.recall:15.3f}{graph.total:8d}"


def _counted(title: str, counts: dict[str, int]) -> str:
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    listed = ", ".join(f"{name} ({n})" for name, n in top[:8]) + (", ..." if len(top) > 8 else "")
    return f"{title}: {sum(counts.values())}" + (f" — {listed}" if listed else "")


def evaluate_evidence(
    store: GraphStore | KnowledgeGraph,
    gold: str | os.PathLike[str] | Sequence[EvidenceCase],
    k: int = 7,
    *,
    weights: RankingWeights | None = None,
    matcher: EvidenceMatcher | None = None,
) -> EvidenceReport:
    """Score the facts retrieved for each gold case's diagnoses (see the module docstring).

    Parameters
    ----------
    store:
        A store (or graph) built with ``medkg build``; the gold reports must not be in it.
    gold:
        The gold JSONL path, or its cases.
    k:
        Facts per case.
    weights:
        The ranking scored as "graph" (default: the retriever's default, evidence first).
    matcher:
        Maps gold words to concepts (default: :meth:`EvidenceMatcher.default`).
    """
    cases = read_evidence_gold(gold) if isinstance(gold, str | os.PathLike) else list(gold)
    matcher = matcher or EvidenceMatcher.default()
    graph = Retriever(store, weights=weights)
    baseline = graph.with_weights(RankingWeights.cooccurrence())
    report = EvidenceReport(k, len(cases), 0, RankingResult(), RankingResult())
    for case in cases:
        if not case.items:
            continue
        report.scored += 1
        query = [matcher.below(matcher.diagnosis_concepts(d)) for d in case.diagnoses]
        for retriever, result in ((graph, report.graph), (baseline, report.baseline)):
            facts = retriever.retrieve(concepts=query, k=k, sentences=False) if any(query) else []
            _score(case, list(facts), matcher, result, report if result is report.graph else None)
    return report


def _score(
    case: EvidenceCase,
    facts: list[Fact],
    matcher: EvidenceMatcher,
    result: RankingResult,
    report: EvidenceReport | None,
) -> None:
    """Add one case's pairs to ``result`` (and, once, the mapping bookkeeping to ``report``)."""
    result.facts += len(facts)
    result.uninformative += sum(_uninformative(f, matcher) for f in facts)
    ends = [(f.relation, f.head, f.tail) for f in facts]
    seen: set[tuple[str, str, str]] = set()
    for item in case.items:
        diagnosis = matcher.below(matcher.diagnosis_concepts(item.diagnosis))
        evidence_sets = []
        for name in item.evidence:
            cui = matcher.evidence_concept(name)
            found = matcher.below([cui]) if cui is not None else frozenset()
            if cui is not None and cui not in diagnosis:
                evidence_sets.append(found)
            if ("e", item.diagnosis, name.casefold()) in seen:
                continue
            seen.add(("e", item.diagnosis, name.casefold()))
            ok = (
                bool(found)
                and cui not in diagnosis
                and any(
                    (h in diagnosis and t in found) or (t in diagnosis and h in found) for _r, h, t in ends
                )
            )
            if report is not None and cui is None:
                report.unmapped_evidence[name] = report.unmapped_evidence.get(name, 0) + 1
            elif report is not None and cui in diagnosis:
                report.self_evidence[name] = report.self_evidence.get(name, 0) + 1
            result.evidence.add(ok)
            result.by_diagnosis[item.diagnosis]["evidence"].add(ok)
            if name.removeprefix("other:").strip().casefold() not in COMMON_EVIDENCE:
                result.evidence_rare.add(ok)
        things = diagnosis.union(*evidence_sets)
        for place in item.location:
            cui = matcher.location_concept(place)
            if cui is None:
                if report is not None:
                    report.no_anatomy[place] = report.no_anatomy.get(place, 0) + 1
                continue
            key = ("l", item.diagnosis, cui)
            if key in seen:
                continue
            seen.add(key)
            sites = matcher.sites(cui)
            ok = any(
                r in PLACING and ((h in things and t in sites) or (t in things and h in sites))
                for r, h, t in ends
            )
            result.location.add(ok)
            result.by_diagnosis[item.diagnosis]["location"].add(ok)


def _uninformative(fact: Fact, matcher: EvidenceMatcher) -> bool:
    if fact.tail in NOT_FINDINGS or fact.head in NOT_FINDINGS:
        return True
    return fact.relation == "CO_OCCURS_WITH" and matcher.is_anatomy(fact.tail)


__all__ = ["EvidenceReport", "RankingResult", "Tally", "evaluate_evidence"]
