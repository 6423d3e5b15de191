"""Score modifiers and relations against hand annotations (uid + character offsets + labels).

The gold is a TSV file (``annotations/relations_dev.tsv``) with the columns
``uid, kind, start, end, target_start, target_end, value``:

* ``kind == "report"``: the report ``uid`` was annotated exhaustively; ``value`` holds the first
  12 hex digits of the SHA-1 of its text, so a change in how the text is built is caught.
* ``laterality`` / ``severity``: the observation at ``[start, end)`` has ``value`` (alternatives
  separated by ``|``, e.g. ``moderate|large`` for "moderate to large").
* ``located_at`` / ``suggestive_of`` / ``modify``: from the span ``[start, end)`` to the span
  ``[target_start, target_end)``.

Offsets index ``ReportExtraction.text`` of
``Extractor.extract({"findings": row["findings"], "impression": row["impression"]}, report_id=uid)``.

Matching: a predicted item matches a gold item of the same kind and report when its mention spans
overlap the gold spans (source with source, target with target) and, for modifiers, its value is
one of the gold values. Matching is one-to-one. Laterality and severity are scored on observation
mentions only (anatomy mentions are scored through ``located_at``). A gold ``modify`` whose two
spans lie inside one predicted mention counts as found: the concept pre-coordinates the modifier
("calcified granuloma"); such matches are counted separately in ``precoordinated``.

Examples
--------
One report, annotated with its laterality and with a severity the extractor reads otherwise:

>>> import csv, tempfile
>>> from pathlib import Path
>>> from medkg.extract import Extractor
>>> folder = tempfile.TemporaryDirectory()
>>> split, gold = Path(folder.name) / "split.csv", Path(folder.name) / "gold.tsv"
>>> with split.open("w", newline="") as fh:
...     csv.writer(fh).writerows([("uid", "indication", "comparison", "findings", "impression", "MeSH"),
...                               ("1", "", "", "Small left pleural effusion.", "", "Pleural Effusion/left")])
>>> _ = gold.write_text("1\\treport\\t\\t\\t\\t\\t\\n1\\tlaterality\\t21\\t37\\t\\t\\tleft\\n"
...                     "1\\tseverity\\t21\\t37\\t\\t\\tmoderate\\n")
>>> result = evaluate_relations(gold, split, Extractor())
>>> {kind: (c.tp, c.fp, c.fn) for kind, c in result.counts.items() if c.tp + c.fp + c.fn}
{'laterality': (1, 0, 0), 'severity': (0, 1, 1)}
>>> [(cls, text) for cls, _, text in result.errors]
[('missed', "'pleural effusion' severity=moderate"), ('false positive', "'pleural effusion' severity=small")]
>>> folder.cleanup()
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.evaluation.metrics import Counts, micro
from medkg.evaluation.openi import read_split
from medkg.extract.relations import is_anatomy
from medkg.extract.types import ReportExtraction

log = logging.getLogger(__name__)

MODIFIER_KINDS = ("laterality", "severity")
RELATION_KINDS = ("located_at", "suggestive_of", "modify")
KINDS = MODIFIER_KINDS + RELATION_KINDS
COLUMNS = ("uid", "kind", "start", "end", "target_start", "target_end", "value")


@dataclass(frozen=True, slots=True)
class Item:
    """One gold or predicted modifier/relation of a report."""

    uid: str
    kind: str
    start: int
    end: int
    target_start: int = -1
    target_end: int = -1
    value: str = ""
    line: int = 0  # line in the gold file (0 for predictions)


@dataclass
class RelationsResult:
    """Counts per kind, the error list and how many reports were scored."""

    counts: dict[str, Counts]
    errors: list[tuple[str, Item, str]] = field(default_factory=list)  # (class, item, text shown)
    reports: int = 0
    precoordinated: int = 0

    @property
    def overall(self) -> Counts:
        return micro(self.counts.values())

    def summary(self) -> dict[str, object]:
        return {
            "reports": self.reports,
            "overall": self.overall.as_dict(),
            **{k: c.as_dict() for k, c in self.counts.items()},
            "precoordinated_modify": self.precoordinated,
        }


def text_digest(text: str) -> str:
    """First 12 hex digits of the SHA-1 of ``text`` (stored per annotated report).

    >>> text_digest("FINDINGS: Clear.")
    '22fb17a939d8'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_annotations(path: str | os.PathLike[str]) -> tuple[dict[str, str], list[Item]]:
    """``({uid: text digest}, gold items)`` of a gold TSV file; lines starting ``#`` are comments.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> gold = Path(folder.name) / "gold.tsv"
    >>> _ = gold.write_text("# one report\\n1\\treport\\t\\t\\t\\t\\t22fb17a939d8\\n"
    ...                     "1\\tlaterality\\t10\\t15\\t\\t\\tleft\\n")
    >>> reports, items = read_annotations(gold)
    >>> reports, [(i.uid, i.kind, i.start, i.end, i.value, i.line) for i in items]
    ({'1': '22fb17a939d8'}, [('1', 'laterality', 10, 15, 'left', 3)])
    >>> folder.cleanup()
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError("annotation file not found", path=src,
                             hint="pass --annotations annotations/relations_dev.tsv")
    reports: dict[str, str] = {}
    items: list[Item] = []
    with src.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if tuple(cells) == COLUMNS:
                continue
            if len(cells) != len(COLUMNS):
                raise ParseError(f"expected {len(COLUMNS)} tab-separated columns, got {len(cells)}",
                                 path=src, line=n, hint="columns: " + ", ".join(COLUMNS))
            uid, kind, start, end, tstart, tend, value = cells
            if kind == "report":
                reports[uid] = value
                continue
            if kind not in KINDS:
                raise ParseError(f"unknown kind {kind!r}", path=src, line=n, record=uid,
                                 hint="use report, " + ", ".join(KINDS))
            try:
                offsets = [int(x) if x else -1 for x in (start, end, tstart, tend)]
            except ValueError:
                raise ParseError("offsets must be integers", path=src, line=n, record=uid) from None
            needs_target = kind in RELATION_KINDS
            if offsets[0] < 0 or offsets[1] <= offsets[0] or needs_target != (offsets[3] > offsets[2] >= 0):
                raise ParseError(f"bad spans for {kind}", path=src, line=n, record=uid,
                                 hint="relations need start<end and target_start<target_end; "
                                      "modifiers need start<end and empty targets")
            if (kind in MODIFIER_KINDS) != bool(value):
                raise ParseError(f"{kind} {'needs' if kind in MODIFIER_KINDS else 'takes no'} value",
                                 path=src, line=n, record=uid)
            items.append(Item(uid, kind, *offsets, value=value, line=n))
    unknown = sorted({i.uid for i in items} - set(reports))
    if unknown:
        raise ParseError(f"items for reports without a 'report' row: {unknown[:5]}", path=src,
                         hint="add one 'report' row (uid, digest) per annotated report")
    return reports, items


def predicted_items(extraction: ReportExtraction) -> list[Item]:
    """Modifiers of observation mentions and all relations of one extraction, as :class:`Item`."""
    uid, ms, out = extraction.report_id, extraction.mentions, []
    for m in ms:
        if is_anatomy(m):
            continue
        if m.laterality:
            out.append(Item(uid, "laterality", m.start, m.end, value=m.laterality))
        if m.severity:
            out.append(Item(uid, "severity", m.start, m.end, value=m.severity))
    for r in extraction.relations:
        a, b = ms[r.source], ms[r.target]
        out.append(Item(uid, r.kind, a.start, a.end, b.start, b.end))
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _matches(gold: Item, pred: Item) -> bool:
    if gold.kind != pred.kind or not _overlap(gold.start, gold.end, pred.start, pred.end):
        return False
    if gold.kind in MODIFIER_KINDS:
        return pred.value in gold.value.split("|")
    return _overlap(gold.target_start, gold.target_end, pred.target_start, pred.target_end)


def score_report(gold: list[Item], pred: list[Item], extraction: ReportExtraction,
                 result: RelationsResult) -> None:
    """Add one report's matches to ``result`` (one-to-one, gold in file order)."""
    free = list(pred)
    for g in gold:
        hit = next((p for p in free if _matches(g, p)), None)
        if hit is not None:
            free.remove(hit)
            result.counts[g.kind].tp += 1
            continue
        if g.kind == "modify" and any(m.start <= min(g.start, g.target_start)
                                      and max(g.end, g.target_end) <= m.end for m in extraction.mentions):
            result.counts[g.kind].tp += 1
            result.precoordinated += 1
            continue
        result.counts[g.kind].fn += 1
        result.errors.append(("missed", g, _show(extraction.text, g)))
    for p in free:
        result.counts[p.kind].fp += 1
        result.errors.append(("false positive", p, _show(extraction.text, p)))


def _show(text: str, item: Item) -> str:
    src = text[item.start:item.end]
    if item.kind in MODIFIER_KINDS:
        return f"{src!r} {item.kind}={item.value}"
    return f"{src!r} -{item.kind}-> {text[item.target_start:item.target_end]!r}"


def evaluate_relations(annotations: str | os.PathLike[str], split: str | os.PathLike[str],
                       extractor) -> RelationsResult:
    """Run ``extractor`` on every annotated report of ``split`` and score it against the gold.

    Parameters
    ----------
    annotations:
        Gold TSV (see the module docstring).
    split:
        Open-i split CSV holding the annotated reports (``uid``, ``findings``, ``impression``).
    extractor:
        A :class:`medkg.extract.Extractor` with relations on.

    Returns
    -------
    RelationsResult
    """
    reports, items = read_annotations(annotations)
    by_uid: dict[str, list[Item]] = {uid: [] for uid in reports}
    for item in items:
        by_uid[item.uid].append(item)
    result = RelationsResult({k: Counts() for k in KINDS})
    seen = set()
    for row in read_split(split):
        uid = row["uid"]
        if uid not in by_uid:
            continue
        ex = extractor.extract({"findings": row["findings"], "impression": row["impression"]}, report_id=uid)
        digest = text_digest(ex.text)
        if reports[uid] and reports[uid] != digest:
            raise ParseError(f"report text changed since annotation (digest {digest}, gold {reports[uid]})",
                             path=Path(annotations), record=uid,
                             hint="the offsets no longer fit; re-annotate this report")
        score_report(by_uid[uid], predicted_items(ex), ex, result)
        seen.add(uid)
        result.reports += 1
    missing = sorted(set(by_uid) - seen)
    if missing:
        raise ParseError(f"{len(missing)} annotated reports not in the split, e.g. {missing[:3]}",
                         path=Path(split), hint="pass the split the annotations were made on (dev.csv)")
    return result


def format_report(
    result: RelationsResult, annotations: str | os.PathLike[str], *, errors: int = -1
) -> list[str]:
    """The table of ``medkg eval relations``: counts and P/R/F1 per kind, then ``errors`` errors (-1: all).

    Examples
    --------
    >>> result = RelationsResult({k: Counts() for k in KINDS}, reports=2)
    >>> result.counts["laterality"].tp = 3
    >>> result.errors.append(("missed", Item("7", "severity", 0, 5, value="mild"), "'small' severity=mild"))
    >>> print("\\n".join(format_report(result, "gold.tsv")))
    == 2 annotated reports, gold gold.tsv
    kind            gold   tp   fp   fn       P      R     F1
    laterality         3    3    0    0   1.000  1.000  1.000
    severity           0    0    0    0   0.000  0.000  0.000
    located_at         0    0    0    0   0.000  0.000  0.000
    suggestive_of      0    0    0    0   0.000  0.000  0.000
    modify             0    0    0    0   0.000  0.000  0.000
    overall            3    3    0    0   1.000  1.000  1.000
    (modify found as one pre-coordinated concept: 0)
    == errors (1)
    missed              7 severity      [0,5] 'small' severity=mild
    """
    lines = [
        f"== {result.reports} annotated reports, gold {annotations}",
        f"{'kind':<14} {'gold':>5} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>6} {'R':>6} {'F1':>6}",
    ]
    for kind in (*KINDS, "overall"):
        c = result.overall if kind == "overall" else result.counts[kind]
        lines.append(f"{kind:<14} {c.support:>5} {c.tp:>4} {c.fp:>4} {c.fn:>4}  "
                     f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    lines.append(f"(modify found as one pre-coordinated concept: {result.precoordinated})")
    shown = result.errors if errors < 0 else result.errors[:errors]
    if shown:
        lines.append(f"== errors ({len(result.errors)})")
    for cls, item, text in shown:
        lines.append(f"{cls:<15} {item.uid:>5} {item.kind:<13} [{item.start},{item.end}] {text}")
    return lines
