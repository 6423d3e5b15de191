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
4. Ranking weights are chosen by k-fold cross-validation inside the fit reports
   (:mod:`medkg.evaluation.tuning`; never the calibration or test reports) unless given.
5. recall@k / precision@k of gold findings among the retrieved facts' concepts, for a fixed k,
   the adaptive k and the calibrated k; each **strict** (the concept a code head resolves to) and
   **resolved** (also its ``ISA`` descendants: :mod:`medkg.evaluation.gold_matching`), for every method alike.
   Beside the graph: co-occurrence baselines on the fit reports — the manual codes'
   co-occurrence with the query labels (``baseline``; ``baseline_open`` without the closed label
   set) and the extracted findings' co-occurrence in the graph (``baseline_extracted``); the
   default weights (``default_weights``); candidates limited to the concepts the fit reports'
   codes use (``vocab``); and, as a reference for what the labels allow at all, the same tuned
   ranking on a graph of the fit reports' manual codes only (``codes_only``).
   ``graph_codes=True`` (``--graph-codes``) adds a graph whose image edges come from the text
   *and* the fit reports' manual codes (provenance "manual code", :mod:`medkg.evaluation.code_edges`),
   reported as ``text_codes``; the text-only figures are always printed beside it.
6. ROUGE-L and BLEU-4 of the template explanation (fixed k) against the report's FINDINGS.

Examples
--------
Six coded reports as train, their first three as test (real runs use held-out reports):

>>> import csv, tempfile
>>> from pathlib import Path
>>> from medkg.extract import Extractor
>>> rows = [("uid", "findings", "MeSH"),
...         ("1", "The heart is enlarged. Mild scoliosis.", "Cardiomegaly;Scoliosis"),
...         ("2", "Cardiomegaly. Calcified granuloma.", "Cardiomegaly;Calcified Granuloma"),
...         ("3", "Enlarged heart. Scoliosis of the spine.", "Cardiomegaly;Scoliosis"),
...         ("4", "Small pleural effusion. Scoliosis.", "Pleural Effusion;Scoliosis"),
...         ("5", "Cardiomegaly with scoliosis.", "Cardiomegaly;Scoliosis"),
...         ("6", "Pleural effusion and a calcified granuloma.", "Pleural Effusion;Calcified Granuloma")]
>>> folder = tempfile.TemporaryDirectory()
>>> train, test = Path(folder.name) / "train.csv", Path(folder.name) / "test.csv"
>>> for path, part in ((train, rows), (test, rows[:4])):
...     with path.open("w", newline="") as fh:
...         csv.writer(fh).writerows(part)
>>> result = evaluate_rag(train, test, text_columns=["findings"], folds=2, extractor=Extractor(fuzzy=False))
>>> [result.metrics[key] for key in ("train_fit_reports", "calibration_reports", "evaluated", "recall@7")]
[5, 1, 3, 1.0]
>>> result.lines[3].split()[:4]
['graph', '(text),', 'k=7', '1.000']
>>> folder.cleanup()
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
from medkg.evaluation.code_edges import codes_only_graph, with_code_edges
from medkg.evaluation.gold_matching import GoldMatcher, recall_precision
from medkg.evaluation.rag_report import report_lines
from medkg.evaluation.text_overlap import bleu, rouge_l
from medkg.evaluation.tuning import Case, Tuned, labelled_concepts, make_cases, score_cases, tune_weights
from medkg.labels import label_mapper
from medkg.rag.generators.template import TemplateGenerator
from medkg.rag.gold import resolve_codes
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import RankingWeights, rank_concepts
from medkg.rag.select import Calibration, adaptive_k, calibrate_k

__all__ = ["Case", "RagResult", "evaluate_rag", "read_records", "split_calibration"]

log = logging.getLogger(__name__)


@dataclass
class RagResult:
    metrics: dict[str, float | int | str] = field(default_factory=dict)
    calibration: Calibration | None = None
    lines: list[str] = field(default_factory=list)
    tuned: dict[str, Tuned] = field(default_factory=dict)


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
    folds: int = 5,
    graph_codes: bool = False,
    extractor=None,
    graph_options=None,
) -> RagResult:
    """Run the protocol of the module docstring; see :class:`RagResult` for the output.

    ``weights=None`` chooses the ranking weights by ``folds``-fold cross-validation inside the
    fit reports (:func:`~medkg.evaluation.tuning.tune_weights`); ``graph_codes`` adds the text+codes
    graph (fit reports' manual codes as extra image→concept edges) beside the text-only one.
    """
    from medkg.graph import build_graph

    if extractor is None:
        from medkg.extract import default_extractor

        extractor = default_extractor()
    onto = extractor.ontology
    mapper = label_mapper("chestxray14", onto)
    matcher = GoldMatcher(onto)
    train_rows = read_records(train, id_column, text_columns, gold_column)
    test_rows = read_records(test, id_column, text_columns, gold_column)
    held = split_calibration(len(train_rows), calibration_fraction)
    fit = [r for i, r in enumerate(train_rows) if i not in held]
    calib = [r for i, r in enumerate(train_rows) if i in held]
    kg = build_graph([rec for rec, _ in fit], extractor, onto, graph_options)
    codes = {img: (rec.report_id, value) for rec, value in fit for img in _images(rec)}
    graphs = {"text": kg, "codes_only": codes_only_graph(kg, codes, onto)}
    if graph_codes:
        graphs["text+codes"] = with_code_edges(kg, codes, onto)
    indexes = {name: GraphIndex.from_graph(g, ontology=onto, sentences=False) for name, g in graphs.items()}
    index = indexes["text"]
    tuned: dict[str, Tuned] = {}
    for name, idx in indexes.items():
        if weights is None or name != "text":
            tuned[name] = tune_weights(idx, fit, _images, onto, mapper, k=k, folds=folds)
    chosen = weights or tuned["text"].weights
    labelled = labelled_concepts(index, mapper)
    test_cases, n_labelled, n_empty = make_cases(test_rows, onto, mapper, index)
    calib_cases, _, _ = make_cases(calib, onto, mapper, index)
    calibration = calibrate_k(
        [
            [c.wrong(f.tail) for f in rank_concepts(index, c.query, chosen, max_k, labelled)]
            for c in calib_cases
        ],
        alpha=alpha,
        delta=delta,
        max_k=max_k,
    )
    metrics: dict[str, float | int | str] = {
        "train_fit_reports": len(fit),
        "calibration_reports": len(calib),
        "calibration_cases": calibration.cases,
        "test_reports": len(test_rows),
        "test_with_labels": n_labelled,
        "skipped_empty_gold": n_empty,
        "evaluated": len(test_cases),
        "anatomy": chosen.anatomy,
        "weights": chosen.describe(),
    }
    if "text" in tuned:
        metrics[f"cv_recall@{k}"] = round(tuned["text"].cv_recall, 4)
        metrics["cv_cases"] = tuned["text"].cases
    sums: dict[str, float] = defaultdict(float)
    candidates, references = [], []
    template = TemplateGenerator()
    gold_cooc = _code_cooccurrence(fit, onto, mapper)
    vocab = {c for _, value in codes.values() for c in resolve_codes(value, onto).cuis}
    for case in test_cases:
        ranked = rank_concepts(index, case.query, chosen, limit=max_k, exclude=labelled)
        n_adaptive = adaptive_k([f.score for f in ranked], max_k=max_k)
        for name, n in (("", k), ("adaptive", n_adaptive), ("calibrated", calibration.k)):
            _add(sums, "", name or str(k), [f.tail for f in ranked[:n]], case.gold, matcher)
        sums["mean_k_adaptive"] += n_adaptive
        for prefix, closed in (("baseline_", True), ("baseline_open_", False)):
            _add(
                sums,
                prefix,
                str(k),
                _rank_codes(gold_cooc, case.labels, mapper, closed)[:k],
                case.gold,
                matcher,
            )
        for prefix, w in (
            ("baseline_extracted_", RankingWeights.cooccurrence()),
            ("default_weights_", RankingWeights()),
        ):
            got = [f.tail for f in rank_concepts(index, case.query, w, limit=k, exclude=labelled)]
            _add(sums, prefix, str(k), got, case.gold, matcher)
        got = [f.tail for f in rank_concepts(index, case.query, chosen, k, labelled, candidates=vocab)]
        _add(sums, "vocab_", str(k), got, case.gold, matcher)
        if case.findings:
            text = template.generate(ranked[:k]).text
            sums["rougeL"] += rouge_l(text, case.findings)
            candidates.append(text)
            references.append(case.findings)
    n = max(len(test_cases), 1)
    for key, value in sums.items():
        metrics[key] = round(value / (max(len(candidates), 1) if key == "rougeL" else n), 4)
    for name, prefix in (("codes_only", "codes_only_"), ("text+codes", "text_codes_")):
        if name in indexes:
            idx, t = indexes[name], tuned[name]
            cases, _, _ = make_cases(test_rows, onto, mapper, idx)
            got = score_cases(idx, cases, t.weights, k, labelled_concepts(idx, mapper), matcher)
            for key, value in got.items():
                metrics[
                    f"{prefix}{key.replace('recall', f'recall@{k}').replace('precision', f'precision@{k}')}"
                ] = round(value, 4)
            metrics[f"{prefix}weights"] = t.weights.describe()
            metrics[f"{prefix}cv_recall@{k}"] = round(t.cv_recall, 4)
    metrics["bleu4"] = round(bleu(candidates, references), 4)
    metrics["calibrated_k"] = calibration.k
    metrics["calibration_alpha"] = alpha
    metrics["calibration_bound"] = (
        round(calibration.bounds[calibration.k - 1], 4) if calibration.bounds else 1.0
    )
    metrics["calibration_certified"] = calibration.certified
    result = RagResult(metrics, calibration, tuned=tuned)
    result.lines = report_lines(metrics, k, calibration)
    return result


def _images(rec) -> tuple[str, ...]:
    return tuple(image.image_id for image in rec.images)


def _add(sums, prefix: str, at: str, got: Sequence[str], gold, matcher: GoldMatcher) -> None:
    """Add strict and ontology-resolved recall/precision of one case under ``prefix``."""
    r, p = recall_precision(got, gold)
    sums[f"{prefix}recall@{at}"] += r
    sums[f"{prefix}precision@{at}"] += p
    r, p = recall_precision(got, matcher.expand(gold))
    sums[f"{prefix}resolved_recall@{at}"] += r
    sums[f"{prefix}resolved_precision@{at}"] += p


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
