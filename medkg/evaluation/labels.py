"""Evaluate report labels against a hand-made gold: ``{"uid": ..., "labels": {name: 1 | 0 | -1}}``.

The reports are labelled exactly as ``medkg label`` labels them (the same records reader, the same
``Extractor.label_inputs`` → :meth:`medkg.labels.LabelMapper.label_assertions` path), then
each scored label's value (``1``, ``-1``, ``0`` or not mentioned) is compared with the gold's:

* per label and per value (positive, uncertain, negative): precision / recall / F1;
* positive micro-F1 over all scored labels, macro-F1 over labels with at least ``min_support``
  gold positives; the same for uncertain; *positive-or-uncertain* micro-F1 (gold and prediction
  each in ``{1, -1}``, CheXpert's "mentioned as possibly present");
* the confusion of values summed over labels, and every disagreement by type ("missed positive",
  "positive read as uncertain", ...) with its report ids.

``No Finding`` is not scored (it is derived from the other labels). A gold record without a
report, and a report without a gold record, are ignored and counted.

Examples
--------
>>> r = evaluate_labels("annotations/mimic_dev/gold.jsonl", "../shared/data/mimic-style/dev.csv",
...                     id_column="uid", text_columns=["text"], schema="chexpert")  # shared/ # doctest: +SKIP
>>> round(r.positive.f1, 3)                                                          # doctest: +SKIP
0.95
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medkg.datasets.report_rows import iter_records
from medkg.errors import ParseError
from medkg.evaluation.jsonl import json_lines
from medkg.evaluation.metrics import Counts, micro
from medkg.extract.pipeline import Extractor
from medkg.labels import NO_FINDING, label_mapper

#: Values as written in gold and label files; ``None`` is "not mentioned".
VALUES: tuple[int | None, ...] = (1, -1, 0, None)
VALUE_NAMES = {1: "positive", -1: "uncertain", 0: "negative", None: "none"}
#: Labels with fewer gold positives are left out of the macro average.
MIN_SUPPORT = 10


def read_gold(path: str | os.PathLike[str], columns: Sequence[str]) -> dict[str, dict[str, int]]:
    """``uid → {label: value}`` of a gold JSONL file; a bad line raises :class:`ParseError`."""
    src = Path(path)
    known = set(columns)
    gold: dict[str, dict[str, int]] = {}
    for n, obj in json_lines(src, "gold file", "pass the JSONL of uid + labels"):
        if not isinstance(obj.get("uid"), str) or not isinstance(obj.get("labels"), dict):
            raise ParseError('expected {"uid": str, "labels": {...}}', path=src, line=n)
        uid = obj["uid"]
        for name, value in obj["labels"].items():
            if name not in known:
                raise ParseError(f"unknown label {name!r}", path=src, line=n, record=uid,
                                 hint=f"labels of this schema: {', '.join(columns)}")
            if value not in (1, 0, -1) or isinstance(value, bool):
                raise ParseError(f"label {name!r} has value {value!r}, not 1, 0 or -1",
                                 path=src, line=n, record=uid)
        if uid in gold:
            raise ParseError("uid given twice", path=src, line=n, record=uid)
        gold[uid] = dict(obj["labels"])
    return gold


@dataclass
class LabelResult:
    """Counts of one evaluation run (see the module docstring)."""

    schema: str
    labels: list[str]
    #: ``(label, value) → Counts`` for value 1, -1, 0; ``(label, "pos_unc")`` for {1, -1}.
    counts: dict[tuple[str, object], Counts]
    confusion: Counter = field(default_factory=Counter)  # (gold value, predicted value) → n
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    reports: int = 0
    unmatched_gold: int = 0
    min_support: int = MIN_SUPPORT

    def _micro(self, value: object) -> Counts:
        return micro(self.counts[(name, value)] for name in self.labels)

    def _macro(self, value: object) -> float:
        scores = [self.counts[(n, value)].f1 for n in self.labels
                  if self.counts[(n, 1)].support >= self.min_support]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def positive(self) -> Counts:
        return self._micro(1)

    @property
    def uncertain(self) -> Counts:
        return self._micro(-1)

    @property
    def negative(self) -> Counts:
        return self._micro(0)

    @property
    def positive_or_uncertain(self) -> Counts:
        return self._micro("pos_unc")

    @property
    def positive_macro_f1(self) -> float:
        return self._macro(1)

    def summary(self) -> dict[str, object]:
        """The figures as one JSON-ready dict."""
        return {
            "schema": self.schema,
            "reports": self.reports,
            "unmatched_gold": self.unmatched_gold,
            "positive_micro": self.positive.as_dict(),
            "positive_macro_f1": round(self._macro(1), 4),
            "uncertain_micro": self.uncertain.as_dict(),
            "negative_micro": self.negative.as_dict(),
            "positive_or_uncertain_micro": self.positive_or_uncertain.as_dict(),
            "macro_labels": [n for n in self.labels if self.counts[(n, 1)].support >= self.min_support],
            "labels": {
                n: {VALUE_NAMES[v]: self.counts[(n, v)].as_dict() for v in (1, -1, 0)} for n in self.labels
            },
            "confusion": {f"{VALUE_NAMES[g]}->{VALUE_NAMES[p]}": c for (g, p), c in sorted(
                self.confusion.items(), key=lambda kv: (VALUES.index(kv[0][0]), VALUES.index(kv[0][1])))},
            "errors": {k: len(v) for k, v in sorted(self.errors.items())},
        }


def error_type(gold: int | None, pred: int | None) -> str:
    """Name of a disagreement: ``"missed positive"``, ``"positive read as uncertain"``, ...

    >>> error_type(1, None), error_type(None, -1), error_type(-1, 1)
    ('missed positive', 'spurious uncertain', 'uncertain read as positive')
    """
    if pred is None:
        return f"missed {VALUE_NAMES[gold]}"
    if gold is None:
        return f"spurious {VALUE_NAMES[pred]}"
    return f"{VALUE_NAMES[gold]} read as {VALUE_NAMES[pred]}"


def score(gold: dict[str, dict[str, int]], predicted: dict[str, dict[str, int | None]], labels: Sequence[str],
          schema: str = "chexpert", min_support: int = MIN_SUPPORT) -> LabelResult:
    """Compare predicted label values with the gold, report by report (ids present in both).

    >>> r = score({"a": {"Edema": 1}}, {"a": {"Edema": -1, "Cardiomegaly": 1}}, ["Edema", "Cardiomegaly"])
    >>> r.positive.as_dict()["fp"], r.positive.as_dict()["fn"], sorted(r.errors)
    (1, 1, ['positive read as uncertain/Edema', 'spurious positive/Cardiomegaly'])
    """
    keys = [(n, v) for n in labels for v in (1, -1, 0, "pos_unc")]
    result = LabelResult(schema, list(labels), {k: Counts() for k in keys}, min_support=min_support)
    counts = result.counts
    for uid in sorted(gold):
        pred = predicted.get(uid)
        if pred is None:
            result.unmatched_gold += 1
            continue
        result.reports += 1
        want = gold[uid]
        for name in labels:
            g, p = want.get(name), pred.get(name)
            result.confusion[(g, p)] += 1
            for v in (1, -1, 0):
                counts[(name, v)].add(g == v, p == v)
            counts[(name, "pos_unc")].add(g in (1, -1), p in (1, -1))
            if g != p:
                result.errors[f"{error_type(g, p)}/{name}"].append(uid)
    return result


def predict(reports: str | os.PathLike[str], *, id_column: str, text_columns: Sequence[str],
            schema: str, extractor: Extractor) -> dict[str, dict[str, int | None]]:
    """``uid → label values`` of every readable record, as ``medkg label`` computes them."""
    mapper = label_mapper(schema, extractor.ontology)
    out: dict[str, dict[str, int | None]] = {}
    for rec in iter_records(reports, id_column, text_columns):
        if rec.error is not None:
            raise ParseError(rec.error, path=reports, line=rec.line, record=rec.id or None)
        out[rec.id] = mapper.label_assertions(extractor.label_inputs(rec.report, rec.id))
    return out


def evaluate_labels(gold: str | os.PathLike[str], reports: str | os.PathLike[str], *, id_column: str = "uid",
                    text_columns: Sequence[str] = ("text",), schema: str = "chexpert",
                    extractor: Extractor | None = None, min_support: int = MIN_SUPPORT) -> LabelResult:
    """Label ``reports`` and score them against ``gold`` (see the module docstring).

    Parameters
    ----------
    gold:
        JSONL, one ``{"uid": ..., "labels": {...}}`` per report.
    reports:
        CSV or JSONL of reports, read like ``medkg label`` reads them.
    extractor:
        Default: the shipped seed with fuzzy linking (``medkg label``'s default).
    """
    if extractor is None:
        from medkg.extract import default_extractor

        extractor = default_extractor()
    columns = label_mapper(schema, extractor.ontology).columns
    truth = read_gold(gold, columns)
    predicted = predict(reports, id_column=id_column, text_columns=text_columns, schema=schema,
                        extractor=extractor)
    scored = [c for c in columns if c != NO_FINDING]
    return score(truth, predicted, scored, schema=schema, min_support=min_support)


def format_report(result: LabelResult, *, examples: int = 8) -> list[str]:
    """Human-readable lines: per-label table, micro/macro, confusion, errors with report ids."""
    head = f"{'label':<28}{'n+':>4}{'P+':>7}{'R+':>7}{'F1+':>7}{'n?':>5}{'F1?':>7}{'n-':>5}{'F1-':>7}"
    lines = [f"{result.reports} reports scored ({result.unmatched_gold} gold records without a report)", head]
    for n in result.labels:
        p, u, z = (result.counts[(n, v)] for v in (1, -1, 0))
        lines.append(f"{n:<28}{p.support:>4}{p.precision:>7.3f}{p.recall:>7.3f}{p.f1:>7.3f}"
                     f"{u.support:>5}{u.f1:>7.3f}{z.support:>5}{z.f1:>7.3f}")
    for title, c in (("positive micro", result.positive), ("uncertain micro", result.uncertain),
                     ("negative micro", result.negative),
                     ("positive-or-uncertain micro", result.positive_or_uncertain)):
        lines.append(f"{title:<28}{c.support:>4}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}")
    lines.append(f"positive macro F1 (labels with >= {result.min_support} positives): "
                 f"{result.positive_macro_f1:.3f}")
    lines.append("confusion (gold -> predicted, summed over labels):")
    lines.append("  " + f"{'':<10}" + "".join(f"{VALUE_NAMES[p]:>10}" for p in VALUES))
    for g in VALUES:
        row = "".join(f"{result.confusion[(g, p)]:>10}" for p in VALUES)
        lines.append(f"  {VALUE_NAMES[g]:<10}{row}")
    lines.append("errors by type:")
    for key, uids in sorted(result.errors.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = " ".join(uids[:examples]) + (" ..." if len(uids) > examples else "")
        lines.append(f"  {key}: {len(uids)} ({shown})")
    return lines
