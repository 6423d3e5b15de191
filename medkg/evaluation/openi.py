"""Evaluate positive-finding labels and concepts on an Open-i split with manual labels.

The split is a CSV with ``uid``, the section columns (``indication``, ``comparison``,
``findings``, ``impression``), ``MeSH`` (manual codes ``Head/qualifier;...``) and one 0/1 column
per ChestX-ray14 label; ``Hernia`` is scored from the MeSH codes (:data:`MESH_GOLD_LABELS`). A
label counts as predicted positive when :func:`medkg.labels.label_report` gives 1. Errors are
classed as *missed* (no mention at all), *wrong assertion* (mentioned but absent/uncertain) and
*false positive*.

MeSH head terms (:func:`head_term_counts`): each manual head term the ontology knows (its name
looked up with :meth:`Ontology.lookup`, which may give several CUIs) is found when *any* of its CUIs
is among the report's predicted findings: present, non-hypothetical mentions in image sections
that state a finding (:func:`medkg.extract.relations.finding_indexes`: observations, and anatomy
only when qualified, "lungs are hypoinflated" → ``Lung``, as Open-i indexes ``Lung/hypoinflation``).
A predicted CUI of the evaluated vocabulary that is no gold head's is a false positive. "No
finding" counts only in a report with no other predicted finding (Open-i's ``normal``).

Examples
--------
>>> from medkg.extract import Extractor
>>> result = evaluate_openi("../shared/data/openi/dev.csv", Extractor())  # needs ../shared  # doctest: +SKIP
>>> round(result.micro.f1, 3)                                              # doctest: +SKIP
0.95
"""

from __future__ import annotations

import csv
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.evaluation.metrics import Counts, macro_f1, micro
from medkg.extract.pipeline import Extractor
from medkg.extract.relations import finding_indexes
from medkg.extract.types import Assertion, ReportExtraction
from medkg.labels import LABEL_SECTIONS, label_mapper
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)

SECTION_COLUMNS = ("indication", "comparison", "findings", "impression")
#: Labels scored from the manual MeSH codes instead of the split's label column: the ``Hernia``
#: column comes from NegBio's gold, which is 0 for reports coded ``Hernia, Hiatal`` (ChestX-ray14's
#: Hernia is exactly those); any MeSH head starting with the prefix is a gold positive.
MESH_GOLD_LABELS = {"Hernia": "Hernia"}


@dataclass
class OpenIResult:
    """Per-label counts, error classes and MeSH head-term counts of one run."""

    labels: dict[str, Counts]
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    mesh: Counts = field(default_factory=Counts)
    reports: int = 0

    @property
    def micro(self) -> Counts:
        return micro(self.labels.values())

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.labels.values())

    def summary(self) -> dict[str, object]:
        return {
            "reports": self.reports,
            "micro": self.micro.as_dict(),
            "macro_f1": round(self.macro_f1, 4),
            "labels": {k: v.as_dict() for k, v in self.labels.items()},
            "errors": dict(self.errors),
            "mesh_head_terms": self.mesh.as_dict(),
        }


def read_split(path: str | os.PathLike[str]):
    """Rows of an Open-i split as dicts (streamed)."""
    src = Path(path)
    if not src.is_file():
        raise InputFileError("Open-i split not found", path=src, hint="pass --split PATH to a CSV")
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"uid", "MeSH", *SECTION_COLUMNS} - set(reader.fieldnames or ())
        if missing:
            raise ParseError(f"missing columns {sorted(missing)}", path=src, line=1)
        yield from reader


def evaluate_openi(path: str | os.PathLike[str], extractor: Extractor, *, examples: int = 5) -> OpenIResult:
    """Label every report of the split with ``extractor`` and compare with the manual labels."""
    mapper = label_mapper("chestxray14", extractor.ontology)
    result = OpenIResult(labels={name: Counts() for name in mapper.columns})
    mesh_universe: set[str] = set()
    rows = []
    for row in read_split(path):
        heads = {t.split("/")[0].strip() for t in row["MeSH"].split(";") if t.strip()}
        head_cuis = [frozenset(c.cui for c in extractor.ontology.lookup(h)) for h in sorted(heads)]
        head_cuis = [g for g in head_cuis if g]
        mesh_universe.update(*head_cuis)
        rows.append((row, head_cuis, heads))
    no_finding = {c.cui for c in extractor.ontology.lookup("no finding")}
    for row, head_cuis, heads in rows:
        result.reports += 1
        report = {c: row[c] for c in SECTION_COLUMNS if row.get(c)}
        extraction = extractor.extract(report, row["uid"])
        values = mapper.label(extraction)
        for name, counts in result.labels.items():
            if name in MESH_GOLD_LABELS:
                gold = any(h.startswith(MESH_GOLD_LABELS[name]) for h in heads)
            else:
                gold = row.get(name, "0").strip() == "1"
            pred = values.get(name) == 1
            counts.add(gold, pred)
            kind = None
            if gold and not pred:
                kind = "missed" if values.get(name) is None else "wrong_assertion"
            elif pred and not gold:
                kind = "false_positive"
            if kind:
                result.errors[kind] += 1
                result.examples.setdefault(f"{name}/{kind}", [])
                if len(result.examples[f"{name}/{kind}"]) < examples:
                    result.examples[f"{name}/{kind}"].append(row["uid"])
        predicted = predicted_findings(extraction, no_finding) & mesh_universe
        tp, fp, fn = head_term_counts(head_cuis, predicted)
        result.mesh.tp += tp
        result.mesh.fp += fp
        result.mesh.fn += fn
    return result


#: The linking modes ``medkg eval openi`` compares: result key, fuzzy linking on, heading.
LINKING_MODES = (("fuzzy", True, "on (default pipeline)"), ("no_fuzzy", False, "off"))


def evaluate_openi_linking(
    path: str | os.PathLike[str], ontology: Ontology | None = None, *, examples: int = 5
) -> dict[str, OpenIResult]:
    """:func:`evaluate_openi` with fuzzy linking on (the default pipeline) and off.

    Parameters
    ----------
    path:
        The Open-i split (module docstring).
    ontology:
        What the extractors link to; ``None``: the shipped seed.
    examples:
        Report ids kept per error class.

    Returns
    -------
    dict
        ``{"fuzzy": OpenIResult, "no_fuzzy": OpenIResult}`` (:data:`LINKING_MODES`).

    Examples
    --------
    >>> import csv, tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> split = Path(folder.name) / "split.csv"
    >>> with split.open("w", newline="") as fh:
    ...     csv.writer(fh).writerows([
    ...         ("uid", "indication", "comparison", "findings", "impression", "MeSH", "Cardiomegaly"),
    ...         ("1", "", "", "The heart is enlarged.", "Cardiomegaly.", "Cardiomegaly", "1"),
    ...         ("2", "", "", "No pneumothorax.", "Normal chest.", "normal", "0")])
    >>> results = evaluate_openi_linking(split)
    >>> {key: (r.reports, r.labels["Cardiomegaly"].f1) for key, r in results.items()}
    {'fuzzy': (2, 1.0), 'no_fuzzy': (2, 1.0)}
    >>> folder.cleanup()
    """
    return {
        key: evaluate_openi(path, Extractor(ontology, fuzzy=fuzzy), examples=examples)
        for key, fuzzy, _ in LINKING_MODES
    }


def format_linking(results: dict[str, OpenIResult]) -> list[str]:
    """The table of ``medkg eval openi``: a heading and :func:`format_table` per linking mode.

    Examples
    --------
    >>> result = OpenIResult(labels={"Cardiomegaly": Counts(1, 0, 0)}, reports=1)
    >>> format_linking({"fuzzy": result})[0]
    '== fuzzy linking on (default pipeline): 1 reports'
    """
    headings = {key: heading for key, _, heading in LINKING_MODES}
    lines = []
    for key, result in results.items():
        lines.append(f"== fuzzy linking {headings[key]}: {result.reports} reports")
        lines += format_table(result)
    return lines


def predicted_findings(extraction: ReportExtraction, no_finding: frozenset[str] | set[str] = frozenset()
                       ) -> set[str]:
    """CUIs of the present, non-hypothetical findings of a report's image sections.

    A ``no_finding`` CUI is kept only when nothing else is found.
    """
    ms = extraction.mentions
    found = {
        ms[i].cui for i in finding_indexes(ms, extraction.relations)
        if ms[i].section in LABEL_SECTIONS and ms[i].assertion is Assertion.PRESENT and not ms[i].hypothetical
        and ms[i].method != "descriptor"  # "nodular" of "nodular opacity": Open-i codes the opacity only
    }
    if found & no_finding and found - no_finding:
        found -= no_finding
    return found


def head_term_counts(gold: list[frozenset[str]], predicted: set[str]) -> tuple[int, int, int]:
    """``(tp, fp, fn)`` of one report: a gold head (its CUIs) is found when any CUI is predicted.

    >>> head_term_counts([frozenset({"A1", "A2"}), frozenset({"B"})], {"A2", "C"})
    (1, 1, 1)
    """
    tp = sum(1 for g in gold if g & predicted)
    covered = set().union(*gold) if gold else set()
    return tp, len(predicted - covered), len(gold) - tp


def format_table(result: OpenIResult) -> list[str]:
    """Human-readable lines: one per label, micro/macro, errors by type."""
    lines = [f"{'label':<20}{'n':>5}{'P':>8}{'R':>8}{'F1':>8}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for name, c in result.labels.items():
        lines.append(f"{name:<20}{c.support:>5}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
                     f"{c.tp:>5}{c.fp:>5}{c.fn:>5}")
    m = result.micro
    lines.append(f"{'micro':<20}{m.support:>5}{m.precision:>8.3f}{m.recall:>8.3f}{m.f1:>8.3f}"
                 f"{m.tp:>5}{m.fp:>5}{m.fn:>5}")
    lines.append(f"{'macro F1':<20}{'':>5}{'':>8}{'':>8}{result.macro_f1:>8.3f}")
    mesh = result.mesh
    lines.append(f"{'MeSH head terms':<20}{mesh.support:>5}{mesh.precision:>8.3f}{mesh.recall:>8.3f}"
                 f"{mesh.f1:>8.3f}{mesh.tp:>5}{mesh.fp:>5}{mesh.fn:>5}")
    lines.append("errors: " + ", ".join(f"{k}={v}" for k, v in sorted(result.errors.items())))
    for key, uids in sorted(result.examples.items()):
        lines.append(f"  {key}: uids {' '.join(uids)}")
    return lines
