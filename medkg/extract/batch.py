"""Streaming batch runs behind ``medkg extract`` and ``medkg label``.

Records are read lazily, processed in order by one or more forked workers, and written as they
come back, so memory does not grow with the input. A record that fails (malformed, empty, not
UTF-8, too long) stops the run with ``on_error="raise"`` or is written to the rejects file with its
line and reason with ``on_error="skip"``.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, ExtractionError, MedkgError
from medkg.extract.parallel import ordered_map
from medkg.extract.pipeline import Extractor
from medkg.extract.records import Record, iter_records
from medkg.extract.types import ReportExtraction

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
                "codes": codes,
                "method": m.method,
                "score": m.score,
            }
        )
    relations = [{"kind": r.kind, "source": r.source, "target": r.target} for r in extraction.relations]
    return {"id": extraction.report_id, "mentions": mentions, "relations": relations}


def _check(record: Record) -> None:
    if record.error:
        raise ExtractionError(record.error, line=record.line, record=record.id or None)
    if not any((v or "").strip() for v in record.report.values()):
        raise ExtractionError("empty report: every text column is blank", line=record.line, record=record.id)


def run(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    id_column: str,
    text_columns: Sequence[str],
    extractor: Extractor,
    mode: str = "extract",
    schema: str = "chestxray14",
    workers: int = 1,
    on_error: str = "raise",
    rejects_path: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    batch_size: int = 512,
) -> RunStats:
    """Extract (JSONL) or label (CSV) every record of ``input_path`` into ``output_path``.

    Parameters
    ----------
    mode:
        ``"extract"`` writes one JSON object per report; ``"label"`` one CSV row per report.
    on_error:
        ``"raise"`` stops at the first bad record; ``"skip"`` writes it to ``rejects_path``
        (default ``OUTPUT.rejects.jsonl``) and goes on.
    """
    if on_error not in ("raise", "skip"):
        raise ConfigError(f"--on-error must be raise or skip, not {on_error!r}")
    if mode not in ("extract", "label"):
        raise ConfigError(f"unknown mode {mode!r}")
    out = Path(output_path)
    rejects = Path(rejects_path) if rejects_path else out.with_name(out.name + ".rejects.jsonl")
    records = iter_records(input_path, id_column, text_columns)
    if mode == "label":
        from medkg.labels import label_mapper

        mapper = label_mapper(schema, extractor.ontology)
        columns = mapper.columns

        def work(record: Record):
            try:
                _check(record)
                values = mapper.label(extractor.extract(record.report, record.id))
                return record.line, record.id, None, ["" if values[c] is None else values[c] for c in columns]
            except MedkgError as exc:
                return record.line, record.id, exc.message, None
    else:
        columns = []

        def work(record: Record):
            try:
                _check(record)
                row = json.dumps(extraction_to_json(extractor.extract(record.report, record.id)))
                return record.line, record.id, None, row
            except MedkgError as exc:
                return record.line, record.id, exc.message, None

    results: Iterable = (
        ordered_map(work, records, n_process=workers, batch_size=batch_size)
        if workers > 1
        else map(work, records)
    )
    if progress is None:
        progress = sys.stderr.isatty()
    stats = RunStats()
    reject_fh = None
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh) if mode == "label" else None
        if writer:
            writer.writerow([id_column, *columns])
        bar = _progress(progress)
        try:
            for line, rid, error, payload in results:
                if error is not None:
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
                elif writer:
                    writer.writerow([rid, *payload])
                    stats.written += 1
                else:
                    fh.write(payload + "\n")
                    stats.written += 1
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
