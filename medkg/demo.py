"""The offline demo behind ``medkg demo``: Open-i reports → graph → NaF → embedded store → Cypher → picture.

The reports come from torchxrayvision's unmodified copy of the Open-i archive
(``torchxrayvision/data/NLMCXR_reports.tgz``), located through ``importlib.metadata`` without
importing torchxrayvision. When that package is not installed, a tiny sample of reports written
for medkg is used instead and :attr:`DemoResult.warning` says so.

Examples
--------
>>> result = run("medkg-demo")       # minutes on torchxrayvision's Open-i  # doctest: +SKIP
>>> print(result.summary())                                                # doctest: +SKIP
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.datasets.types import ImageRecord, ReportRecord

log = logging.getLogger(__name__)

ARCHIVE_MEMBER = "torchxrayvision/data/NLMCXR_reports.tgz"

#: Two questions the demo asks its graph (LadybugDB Cypher).
QUERIES: dict[str, str] = {
    "most frequent positive findings (NaF-kept images)": (
        "MATCH (i:Image)-[r:POSITIVE]->(c:Concept) WHERE r.naf_kept "
        "RETURN c.cui AS cui, c.name AS name, count(i) AS images ORDER BY images DESC, cui LIMIT 5"
    ),
    "findings reported as suggestive of a diagnosis": (
        "MATCH (f:Concept)-[r:SUGGESTIVE_OF]->(d:Concept) "
        "RETURN f.name AS finding, d.name AS suggests, r.support AS reports "
        "ORDER BY reports DESC, finding, suggests LIMIT 5"
    ),
}

# Our own sample reports (not Open-i text) for installs without torchxrayvision.
_SAMPLE = [
    ("Heart size is enlarged. Small left pleural effusion. No pneumothorax.", "Cardiomegaly with effusion."),
    ("Lungs are clear. No pleural effusion or pneumothorax.", "No acute cardiopulmonary disease."),
    ("Patchy opacity in the right lower lobe. No pleural effusion.", "Right lower lobe pneumonia."),
    ("Mild pulmonary edema. Heart size is enlarged.", "Cardiomegaly and pulmonary edema."),
    ("Left basilar atelectasis. No focal consolidation.", "Atelectasis at the left base."),
    ("Small right pneumothorax. No effusion.", "Right pneumothorax."),
]


@dataclass(frozen=True)
class DemoResult:
    """What the demo did: graph statistics, NaF report, query answers, picture, timings."""

    store: Path
    picture: Path
    source: str
    stats: Any
    naf: Any
    answers: dict[str, list[dict[str, Any]]]
    image_id: str
    seconds: dict[str, float] = field(default_factory=dict)
    warning: str | None = None

    def summary(self) -> str:
        """A plain-text report of the run (what ``medkg demo`` prints)."""
        lines = []
        if self.warning:
            lines += [f"WARNING: {self.warning}", ""]
        lines.append(f"reports from {self.source}")
        lines += [f"  {name:<40} {value}" for name, value in self.stats.rows()]
        if self.naf is not None:
            lines.append("NaF (before -> after)")
            lines += [f"  {name:<40} {a} -> {b}" for name, a, b in self.naf.as_rows()]
        for question, rows in self.answers.items():
            lines.append(f"Q: {question}")
            lines.append(f"   {QUERIES[question]}" if question in QUERIES else "")
            lines += [_answer_line(row) for row in rows] or ["  (no rows)"]
        lines.append(f"picture of image {self.image_id}'s neighbourhood: {self.picture}")
        lines.append(f"store: {self.store}")
        lines.append("times: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def _answer_line(row: dict[str, Any]) -> str:
    return "  " + " | ".join(f"{k}={v}" for k, v in row.items())


def openi_archive() -> Path | None:
    """Path of torchxrayvision's ``NLMCXR_reports.tgz`` if that package is installed, else None."""
    try:
        dist = importlib.metadata.distribution("torchxrayvision")
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if str(f).replace("\\", "/") == ARCHIVE_MEMBER:
            path = Path(dist.locate_file(f))
            return path if path.is_file() else None
    return None


def sample_records() -> list[ReportRecord]:
    """The built-in sample: six short reports written for medkg, one frontal image each."""
    records = []
    for i, (findings, impression) in enumerate(_SAMPLE, start=1):
        study = f"sample-{i}"
        image = ImageRecord(f"{study}-pa", study, None, "PA")
        sections = {"findings": findings, "impression": impression}
        records.append(ReportRecord(study, study, sections, images=(image,), source=f"medkg.demo:{i}"))
    return records


def run(
    out: str | os.PathLike[str] = "medkg-demo",
    *,
    archive: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    workers: int = 1,
    ontology=None,
) -> DemoResult:
    """Build the demo graph into ``out/store``, apply NaF, query it and draw one image's neighbourhood.

    Parameters
    ----------
    out:
        Output directory (the store and the picture go there).
    archive:
        An Open-i ``NLMCXR_reports.tgz``; default: torchxrayvision's copy, else the built-in sample.
    limit:
        Use only the first ``limit`` reports.
    workers:
        Extraction processes.
    ontology:
        Ontology to link to (default: the shipped seed).
    """
    from itertools import islice

    from medkg.graph.naf import NafSettings
    from medkg.store.ladybug import LadybugStore
    from medkg.workflows import build_store

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    warning = None
    path = Path(archive) if archive is not None else openi_archive()
    if path is not None:
        import medkg.datasets as datasets

        records = datasets.read("openi", path)
        source = str(path)
    else:
        warning = "torchxrayvision is not installed: using medkg's 6-report sample, not Open-i"
        log.warning(warning)
        records, source = sample_records(), "medkg built-in sample (6 reports)"
    if limit is not None:
        records = islice(records, limit)
    records = list(records)
    encoder = None
    if any(i.path and Path(i.path).is_file() for r in records for i in r.images):
        from medkg.images import PixelStatsEncoder

        encoder = PixelStatsEncoder()  # non-semantic baseline; only when pixels are on disk
    result = build_store(
        records, out / "store", ontology=ontology, naf_settings=NafSettings(), workers=workers,
        encoder=encoder,
    )  # fmt: skip
    seconds = dict(result.seconds)
    t = time.perf_counter()
    with LadybugStore(out / "store") as store:
        answers = {q: store.cypher(cypher) for q, cypher in QUERIES.items()}
        image_id = _busiest_kept_image(result.graph)
        from medkg.store.base import NodeRef

        around = store.neighbours([NodeRef("Image", image_id)]) if image_id else None
    seconds["queries"] = time.perf_counter() - t
    picture = draw_neighbourhood(around, image_id, out / "neighbourhood.png")
    return DemoResult(
        out / "store", picture, source, result.stats, result.naf, answers, image_id, seconds, warning
    )


def _busiest_kept_image(kg) -> str:
    counts: dict[str, int] = {}
    for edge in kg.findings.values():
        if edge.naf_kept:
            counts[edge.source] = counts.get(edge.source, 0) + 1
    return min(counts, key=lambda i: (-counts[i], i)) if counts else ""


def draw_neighbourhood(kg, image_id: str, path: Path) -> Path:
    """Draw an image node, its findings (coloured by relation) and its study as a PNG at ``path``.

    One drawing for the whole library: :func:`medkg.rag.picture.draw_subgraph`.
    """
    from medkg.graph.model import KnowledgeGraph
    from medkg.rag.picture import draw_subgraph

    title = f"Image {image_id}: findings (green present, red absent, orange uncertain)"
    draw_subgraph(kg if kg is not None else KnowledgeGraph(), title=title).save(path)
    return Path(path)
