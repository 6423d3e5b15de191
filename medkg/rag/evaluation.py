"""``medkg eval rag``: concept retrieval on real reports against manual codes, with baselines.

Protocol (Open-i style, no images needed):

1. The train file is split deterministically into a *fit* part (the graph is built from it with
   the real extractor) and a held-back *calibration* part (every ``1/fraction``-th report).
2. For each test report whose gold codes give >= 1 positive ChestX-ray14 label, the query is
   those labels only (never the report's text). Its gold is its other coded findings, resolved
   through the ontology, one finding per distinct code head (a head resolving to two CUIs is
   hit by either); reports with an empty gold are skipped and counted.
3. The query lists *all* of the report's positive ChestX-ray14 labels, so the other labels'
   concepts are known to be absent: every method (graph and baselines) excludes them
   (``closed label set``). The index rolls up ``part_of`` anatomy through the ontology
   ("right upper lobe" → "Lung"), since manual codes name the organ ("Lung/hypoinflation").
   Anatomy is retrieved only as a finding (``RankingWeights.anatomy``), through the graph's
   finding edges, which keep qualified anatomy ("low lung volumes" → Lung), not plain mentions
   ("the spine"), unless ``graph_options`` say otherwise.
4. recall@k / precision@k of gold findings among the retrieved facts' concepts, for a fixed k,
   the adaptive k and the calibrated k; next to co-occurrence baselines on the fit reports:
   the manual codes' co-occurrence with the query labels (``baseline``; ``baseline_open``
   without the closed label set) and the extracted findings' co-occurrence in the graph
   (``baseline_extracted``).
5. ROUGE-L and BLEU-4 of the template explanation (fixed k) against the report's FINDINGS.

Examples
--------
>>> result = evaluate_rag("train.csv", "test.csv", gold_column="MeSH")       # doctest: +SKIP
>>> result.metrics["recall@7"]                                               # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medkg.datasets.generic import read_generic
from medkg.datasets.types import ImageRecord
from medkg.labels import label_mapper
from medkg.rag.gold import resolve_codes
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import QueryConcept, RankingWeights, rank_concepts
from medkg.rag.select import Calibration, adaptive_k, calibrate_k
from medkg.rag.textmetrics import bleu, rouge_l

log = logging.getLogger(__name__)


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


@dataclass
class RagResult:
    metrics: dict[str, float | int | str] = field(default_factory=dict)
    calibration: Calibration | None = None
    lines: list[str] = field(default_factory=list)


def read_records(path: str | Path, id_column: str, text_columns: Sequence[str], gold_column: str):
    """Report records (one placeholder image each, so findings become image edges) and gold values."""
    out = []
    for rec in read_generic(
        path, id_column=id_column, text_columns=text_columns, metadata_columns=[gold_column]
    ):
        image = ImageRecord(f"{rec.report_id}#report", rec.study_id)
        out.append((dataclasses.replace(rec, images=(image,)), rec.metadata[gold_column]))
    return out


def split_calibration(n: int, fraction: float) -> set[int]:
    """Positions held back for calibration: evenly spread, ``round(n * fraction)`` of them."""
    if fraction <= 0:
        return set()
    return {i for i in range(n) if int((i + 1) * fraction) > int(i * fraction)}


def evaluate_rag(
    train: str | Path,
    test: str | Path,
    *,
    id_column: str = "uid",
    text_columns: Sequence[str] = ("findings", "impression"),
    gold_column: str = "MeSH",
    k: int = 7,
    max_k: int = 20,
    alpha: float = 0.8,
    delta: float = 0.1,
    calibration_fraction: float = 0.2,
    weights: RankingWeights | None = None,
    extractor=None,
    graph_options=None,
) -> RagResult:
    """Run the protocol of the module docstring; see :class:`RagResult` for the output."""
    from medkg.graph import build_graph

    if extractor is None:
        from medkg.extract import default_extractor

        extractor = default_extractor()
    onto = extractor.ontology
    mapper = label_mapper("chestxray14", onto)
    train_rows = read_records(train, id_column, text_columns, gold_column)
    test_rows = read_records(test, id_column, text_columns, gold_column)
    held = split_calibration(len(train_rows), calibration_fraction)
    fit = [r for i, r in enumerate(train_rows) if i not in held]
    calib = [r for i, r in enumerate(train_rows) if i in held]
    kg = build_graph([rec for rec, _ in fit], extractor, onto, graph_options)
    index = GraphIndex.from_graph(kg, ontology=onto, sentences=False)
    weights = weights or RankingWeights()
    labelled = frozenset(c for c in index.concepts if mapper.labels_of(c))

    def cases(rows) -> tuple[list[Case], int, int]:
        out, with_labels, empty = [], 0, 0
        for rec, value in rows:
            gold = resolve_codes(value, onto)
            labels = tuple(sorted({lab for c in gold.cuis for lab in mapper.labels_of(c)}))
            if not labels:
                continue
            with_labels += 1
            rest = tuple(g for g in gold.groups if not any(set(mapper.labels_of(c)) & set(labels) for c in g))
            if not rest:
                empty += 1
                continue
            query = tuple(_label_query(lab, mapper, index) for lab in labels)
            out.append(Case(rec.report_id, labels, query, rest, rec.sections.get("findings", "")))
        return out, with_labels, empty

    test_cases, n_labelled, n_empty = cases(test_rows)
    calib_cases, _, _ = cases(calib)
    calibration = calibrate_k(
        [
            [c.wrong(f.tail) for f in rank_concepts(index, c.query, weights, max_k, labelled)]
            for c in calib_cases
        ],
        alpha=alpha,
        delta=delta,
        max_k=max_k,
    )
    gold_cooc = _code_cooccurrence(fit, onto, mapper)
    sums: dict[str, float] = defaultdict(float)
    candidates, references = [], []
    from medkg.rag.generators.template import TemplateGenerator

    template = TemplateGenerator()
    for case in test_cases:
        ranked = rank_concepts(index, case.query, weights, limit=max_k, exclude=labelled)
        n_adaptive = adaptive_k([f.score for f in ranked], max_k=max_k)
        for name, n in (("", k), ("adaptive", n_adaptive), ("calibrated", calibration.k)):
            r, p = _recall_precision([f.tail for f in ranked[:n]], case.gold)
            sums[f"recall@{name or k}"] += r
            sums[f"precision@{name or k}"] += p
        sums["mean_k_adaptive"] += n_adaptive
        for prefix, closed in (("baseline", True), ("baseline_open", False)):
            base = _rank_codes(gold_cooc, case.labels, mapper, closed)[:k]
            r, p = _recall_precision(base, case.gold)
            sums[f"{prefix}_recall@{k}"] += r
            sums[f"{prefix}_precision@{k}"] += p
        raw = rank_concepts(index, case.query, RankingWeights.cooccurrence(), limit=k, exclude=labelled)
        r, p = _recall_precision([f.tail for f in raw], case.gold)
        sums[f"baseline_extracted_recall@{k}"] += r
        sums[f"baseline_extracted_precision@{k}"] += p
        if case.findings:
            text = template.generate(ranked[:k]).text
            sums["rougeL"] += rouge_l(text, case.findings)
            candidates.append(text)
            references.append(case.findings)
    n = max(len(test_cases), 1)
    metrics: dict[str, float | int | str] = {
        "train_fit_reports": len(fit),
        "calibration_reports": len(calib),
        "calibration_cases": calibration.cases,
        "test_reports": len(test_rows),
        "test_with_labels": n_labelled,
        "skipped_empty_gold": n_empty,
        "evaluated": len(test_cases),
        "anatomy": weights.anatomy,
    }
    for key, value in sums.items():
        metrics[key] = round(value / (max(len(candidates), 1) if key == "rougeL" else n), 4)
    metrics["bleu4"] = round(bleu(candidates, references), 4)
    metrics["calibrated_k"] = calibration.k
    metrics["calibration_alpha"] = alpha
    metrics["calibration_bound"] = (
        round(calibration.bounds[calibration.k - 1], 4) if calibration.bounds else 1.0
    )
    metrics["calibration_certified"] = calibration.certified
    result = RagResult(metrics, calibration)
    result.lines = _lines(metrics, k, calibration)
    return result


def _label_query(label: str, mapper, index: GraphIndex) -> QueryConcept:
    roots = sorted(mapper.roots.get(label, (frozenset(), frozenset()))[0])
    members = {c for c in index.concepts if label in mapper.labels_of(c)} | set(roots)
    cui = roots[0] if roots else f"label:{label}"
    return QueryConcept(cui, label.replace("_", " "), frozenset(members))


def _code_cooccurrence(rows, onto, mapper) -> dict[str, Counter]:
    """Label → Counter of coded concepts over the reports coded with that label."""
    table: dict[str, Counter] = defaultdict(Counter)
    for _, value in rows:
        gold = resolve_codes(value, onto).cuis
        for label in {lab for c in gold for lab in mapper.labels_of(c)}:
            table[label].update(gold)
    return table


def _rank_codes(table: dict[str, Counter], labels: Sequence[str], mapper, closed: bool = True) -> list[str]:
    """Coded concepts by co-occurrence with ``labels``; ``closed`` drops every labelled concept."""
    total: Counter = Counter()
    for label in labels:
        total.update(table.get(label, Counter()))
    keep = [
        (c, v)
        for c, v in total.items()
        if not (mapper.labels_of(c) if closed else set(mapper.labels_of(c)) & set(labels))
    ]
    return [c for c, _ in sorted(keep, key=lambda t: (-t[1], t[0]))]


def _recall_precision(retrieved: Sequence[str], gold: Sequence[frozenset[str]]) -> tuple[float, float]:
    """Share of gold findings hit, share of retrieved concepts in the gold."""
    got = list(dict.fromkeys(retrieved))
    hits = sum(1 for g in gold if g.intersection(got))
    right = sum(1 for c in got if any(c in g for g in gold))
    return hits / len(gold), (right / len(got) if got else 0.0)


def _lines(m: dict, k: int, calibration: Calibration) -> list[str]:
    out = [
        f"graph from {m['train_fit_reports']} train reports; "
        f"{m['calibration_reports']} held back for calibration",
        f"test reports {m['test_reports']}: {m['test_with_labels']} with >= 1 positive ChestX-ray14 label, "
        f"{m['skipped_empty_gold']} skipped (no other gold finding), {m['evaluated']} evaluated",
        f"{'method':<34}{'recall':>8}{'precision':>11}",
    ]
    rows = [
        (f"graph retrieval, k={k}", f"recall@{k}", f"precision@{k}"),
        (
            f"graph retrieval, adaptive k (mean {m.get('mean_k_adaptive', 0):.1f})",
            "recall@adaptive",
            "precision@adaptive",
        ),
        (f"graph retrieval, calibrated k={m['calibrated_k']}", "recall@calibrated", "precision@calibrated"),
        (f"baseline: code co-occurrence, k={k}", f"baseline_recall@{k}", f"baseline_precision@{k}"),
        (
            f"  (without closed label set), k={k}",
            f"baseline_open_recall@{k}",
            f"baseline_open_precision@{k}",
        ),
        (
            f"baseline: graph co-occurrence, k={k}",
            f"baseline_extracted_recall@{k}",
            f"baseline_extracted_precision@{k}",
        ),
    ]
    for name, r, p in rows:
        out.append(f"{name:<34}{m.get(r, 0.0):>8.3f}{m.get(p, 0.0):>11.3f}")
    out.append(calibration.describe())
    out.append(
        f"template explanation vs FINDINGS: ROUGE-L {m.get('rougeL', 0.0):.3f}, BLEU-4 {m['bleu4']:.3f}"
    )
    return out
