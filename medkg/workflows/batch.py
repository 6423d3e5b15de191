"""Streaming batch runs behind ``medkg extract`` and ``medkg label`` (:func:`run_batch`).

Records are read lazily, processed in order by one or more forked workers, and written as they
come back, so memory does not grow with the input. A record that fails (malformed, empty, not
UTF-8, too long) stops the run with ``on_error="raise"`` or is written to the rejects file with its
line and reason with ``on_error="skip"``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medkg.datasets.report_rows import iter_records
from medkg.errors import ConfigError, ExtractionError, MedkgError
from medkg.extract import load_extractor
from medkg.extract.parallel import map_batches
from medkg.extract.pipeline import Extractor
from medkg.extract.types import ReportExtraction
from medkg.labels import label_mapper
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)


@dataclass
class RunStats:
    """What a batch run did."""

    written: int = 0
    rejected: int = 0


def extraction_to_json(extraction: ReportExtraction) -> dict:
    """The JSON object written per report by ``medkg extract``."""
    mentions = []
    for m in extraction.mentions:
        codes: dict[str, list[str]] = {}
        for sab, code in m.codes:
            codes.setdefault(sab, []).append(code)
        mentions.append(
            {
                "cui": m.cui,
                "name": m.name,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "section": m.section.value,
                "sentence": m.sentence,
                "assertion": m.assertion.value,
                "historical": m.historical,
                "hypothetical": m.hypothetical,
                "laterality": m.laterality,
                "severity": m.severity,
                "hedged": m.hedged,
                "tentative": m.tentative,
                "partial": m.partial,
                "codes": codes,
                "method": m.method,
                "score": m.score,
            }
        )
    relations = [{"kind": r.kind, "source": r.source, "target": r.target} for r in extraction.relations]
    return {"id": extraction.report_id, "mentions": mentions, "relations": relations}


def _check(line: int, rid: str, report: dict | None, error: str | None) -> None:
    """Raise the error of a malformed record. A record whose text columns are blank is valid: it
    gets a row with no labels, or an empty mention list."""
    if error:
        raise ExtractionError(error, line=line, record=rid or None)


class _BatchWorker:
    """Turn a batch of plain record tuples into output text, split at the rejected records.

    Returns ``[(text, count, reject), ...]``: ``count`` good rows as one ``text`` chunk, then the
    ``(line, id, error)`` reject that followed them (``None`` for the last chunk). Workers send
    back text, not objects, so the parent process only writes.
    """

    def __init__(self, extractor: Extractor, mode: str, schema: str) -> None:
        self.extractor = extractor
        self.mode = mode
        if mode == "label":
            self.mapper = label_mapper(schema, extractor.ontology)
            self.columns = self.mapper.columns

    def __call__(self, batch: list[tuple]) -> list[tuple[str, int, tuple | None]]:
        out: list[tuple[str, int, tuple | None]] = []
        buf = io.StringIO()
        writer = csv.writer(buf) if self.mode == "label" else None
        count = 0
        for line, rid, report, error in batch:
            try:
                _check(line, rid, report, error)
                if writer is not None:
                    values = self.mapper.label_assertions(self.extractor.label_inputs(report, rid))
                    writer.writerow([rid, *("" if values[c] is None else values[c] for c in self.columns)])
                else:
                    extraction = self.extractor.extract(report, rid)
                    buf.write(json.dumps(extraction_to_json(extraction)) + "\n")
                count += 1
            except MedkgError as exc:
                out.append((buf.getvalue(), count, (line, rid, exc.message)))
                buf.seek(0)
                buf.truncate()
                count = 0
        out.append((buf.getvalue(), count, None))
        return out


def run_batch(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    id_column: str,
    text_columns: Sequence[str],
    extractor: Extractor | None = None,
    mode: str = "extract",
    schema: str = "chestxray14",
    workers: int = 1,
    on_error: str = "raise",
    rejects_path: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    batch_size: int = 512,
    ontology: str | os.PathLike[str] | Ontology | None = None,
    fuzzy: bool = True,
) -> RunStats:
    """Extract (JSONL) or label (CSV) every record of ``input_path`` into ``output_path``.

    Parameters
    ----------
    mode:
        ``"extract"`` writes one JSON object per report; ``"label"`` one CSV row per report.
    on_error:
        ``"raise"`` stops at the first bad record; ``"skip"`` writes it to ``rejects_path``
        (default ``OUTPUT.rejects.jsonl``) and goes on.
    extractor, ontology, fuzzy:
        The extractor to run; when None, one is built over ``ontology`` (a source path or an
        :class:`~medkg.ontology.Ontology`; default the shipped seed), with fuzzy linking or not.
    """
    if on_error not in ("raise", "skip"):
        raise ConfigError(f"--on-error must be raise or skip, not {on_error!r}")
    if mode not in ("extract", "label"):
        raise ConfigError(f"unknown mode {mode!r}")
    if extractor is None:
        extractor = load_extractor(ontology, fuzzy=fuzzy)
    out = Path(output_path)
    rejects = Path(rejects_path) if rejects_path else out.with_name(out.name + ".rejects.jsonl")
    worker = _BatchWorker(extractor, mode, schema)
    records = ((r.line, r.id, r.report, r.error) for r in iter_records(input_path, id_column, text_columns))
    results = map_batches(worker, records, n_process=workers, batch_size=batch_size)
    if progress is None:
        progress = sys.stderr.isatty()
    stats = RunStats()
    reject_fh = None
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        if mode == "label":
            csv.writer(fh).writerow([id_column, *worker.columns])
        bar = _progress(progress)
        try:
            for chunks in results:
                for text, count, reject in chunks:
                    fh.write(text)
                    stats.written += count
                    if bar is not None:
                        bar.update(count)
                    if reject is None:
                        continue
                    line, rid, error = reject
                    if on_error == "raise":
                        raise ExtractionError(
                            error,
                            path=input_path,
                            line=line,
                            record=rid or None,
                            hint="fix the record or rerun with --on-error skip",
                        )
                    if reject_fh is None:
                        reject_fh = rejects.open("w", encoding="utf-8")
                    reject_fh.write(json.dumps({"line": line, "id": rid, "error": error}) + "\n")
                    stats.rejected += 1
                    if bar is not None:
                        bar.update(1)
        finally:
            if bar is not None:
                bar.close()
            if reject_fh is not None:
                reject_fh.close()
    if stats.rejected:
        log.warning("%d record(s) skipped; see %s", stats.rejected, rejects)
    return stats


def _progress(enabled: bool) -> Callable | None:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" reports", mininterval=0.5)
