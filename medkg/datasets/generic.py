"""Reports from any CSV or JSON Lines file, with the columns named by the user.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "reports.csv"
>>> _ = p.write_text("id,findings,impression,image\\nr1,Clear lungs.,Normal.,a.png;b.png\\n")
>>> [r] = read_generic(p, id_column="id", text_columns=["findings", "impression"], image_column="image")
>>> r.report_id, r.sections["impression"], [i.image_id for i in r.images]
('r1', 'Normal.', ['a.png', 'b.png'])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from medkg.datasets.rejects import ErrorPolicy, Rejects
from medkg.datasets.tabular import Row, Table, open_table, require_columns
from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import ConfigError, ParseError


def read_generic(
    path: str | Path,
    *,
    id_column: str,
    text_columns: Sequence[str],
    image_column: str | None = None,
    study_column: str | None = None,
    patient_column: str | None = None,
    view_column: str | None = None,
    metadata_columns: Sequence[str] = (),
    format: str | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
    image_separator: str = ";",
    image_root: str | Path | None = None,
    duplicates: str = "raise",
    on_error: str = "raise",
    rejects: Rejects = None,
) -> Iterator[ReportRecord]:
    """Stream one :class:`ReportRecord` per row of a CSV/JSONL file.

    Parameters
    ----------
    path:
        The table (``.csv``, ``.tsv``, ``.jsonl``, optionally gzipped).
    id_column:
        Column holding the report id (unique per file).
    text_columns:
        Columns holding report text; each column's name becomes the section name
        (``"findings"``, ``"impression"``, ... — or ``"report"`` for a whole free-text report).
        Empty cells are left out.
    image_column:
        Column listing the study's images: paths or ids separated by ``image_separator`` (a JSON
        list in JSONL). Each value is the image id; relative paths are resolved against
        ``image_root`` (default: the table's directory) for ``ImageRecord.path``.
    study_column, patient_column:
        Study id (default: the report id) and patient id (default: unknown).
    view_column:
        View position of the images (one value for the row, e.g. ``PA``).
    metadata_columns:
        Columns copied into ``ReportRecord.metadata``.
    format, delimiter, encoding:
        Table format (guessed from the name), CSV delimiter, text encoding.
    duplicates:
        ``"raise"``: a repeated report id is a :class:`ParseError`; ``"skip"``: later copies are
        dropped (and go to ``rejects``); ``"keep"``: no check.
    on_error, rejects:
        See :class:`medkg.datasets.rejects.ErrorPolicy`.

    Returns
    -------
    Iterator[ReportRecord]

    Examples
    --------
    >>> _ = Path("reports.jsonl").write_text('{"id": "r1", "report": "No pneumothorax."}')
    >>> records = read_generic("reports.jsonl", id_column="id", text_columns=["report"])
    >>> [(r.report_id, r.sections) for r in records]
    [('r1', {'report': 'No pneumothorax.'})]
    """
    if duplicates not in ("raise", "skip", "keep"):
        raise ConfigError(f"unknown duplicates {duplicates!r}", hint="use 'raise', 'skip' or 'keep'")
    if isinstance(text_columns, str) or not text_columns:
        raise ConfigError("text_columns must be a non-empty list of column names", hint='e.g. ["findings"]')
    table = open_table(path, format=format, delimiter=delimiter, encoding=encoding)
    wanted = [id_column, *text_columns]
    wanted += [c for c in (image_column, study_column, patient_column, view_column) if c]
    wanted += list(metadata_columns)
    if table.columns is not None:
        require_columns(table, wanted)
    root = Path(image_root) if image_root is not None else table.path.parent
    columns = _Columns(
        id_column,
        tuple(text_columns),
        image_column,
        study_column,
        patient_column,
        view_column,
        tuple(metadata_columns),
        image_separator,
        root,
    )
    return _records(table, columns, wanted, duplicates, ErrorPolicy(on_error, rejects))


class _Columns:
    def __init__(self, id_, texts, image, study, patient, view, meta, sep, root) -> None:
        self.id, self.texts, self.image, self.study, self.patient = id_, texts, image, study, patient
        self.view, self.meta, self.sep, self.root = view, meta, sep, root


def _records(
    table: Table, cols: _Columns, wanted: list[str], duplicates: str, policy: ErrorPolicy
) -> Iterator[ReportRecord]:
    seen: dict[str, int] = {}
    first = True
    with policy:
        for row in table.rows(policy):
            if table.columns is None:  # JSONL: a key missing from the first record is a config error
                missing = [c for c in wanted if c not in row.values]
                if missing and first:
                    require_columns(table, wanted, present=list(row.values))
                if missing:
                    policy.reject(ParseError(f"keys {missing} missing", path=table.path, line=row.line))
                    continue
            first = False
            try:
                record = _record(table.path, row, cols)
            except ParseError as exc:
                policy.reject(exc)
                continue
            previous = seen.get(record.report_id)
            if previous is not None and duplicates != "keep":
                error = ParseError(
                    f"duplicate report id (first on line {previous})",
                    path=table.path,
                    line=row.line,
                    record=record.report_id,
                    hint="ids must be unique; pass duplicates='skip' to keep the first",
                )
                if duplicates == "raise":
                    policy.reject(error)
                else:
                    policy.skip(error)
                continue
            seen.setdefault(record.report_id, row.line)
            yield record


def _text(value: object, column: str, path: Path, row: Row) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ParseError(f"column {column!r} holds a {type(value).__name__}, not text", path=path, line=row.line)


def _record(path: Path, row: Row, cols: _Columns) -> ReportRecord:
    v = row.values
    report_id = _text(v[cols.id], cols.id, path, row)
    if not report_id:
        raise ParseError(f"empty id in column {cols.id!r}", path=path, line=row.line)
    study_id = _text(v[cols.study], cols.study, path, row) if cols.study else report_id
    patient = _text(v[cols.patient], cols.patient, path, row) if cols.patient else ""
    view = _text(v[cols.view], cols.view, path, row).upper() if cols.view else ""
    sections = {c: t for c in cols.texts if (t := _text(v[c], c, path, row))}
    images: list[ImageRecord] = []
    if cols.image:
        raw = v[cols.image]
        values = raw if isinstance(raw, list) else _text(raw, cols.image, path, row).split(cols.sep)
        for item in values:
            name = _text(item, cols.image, path, row)
            if name:
                images.append(ImageRecord(name, study_id or report_id, str(cols.root / name), view or None))
    return ReportRecord(
        report_id=report_id,
        study_id=study_id or report_id,
        sections=sections,
        patient_id=patient or None,
        images=tuple(images),
        source=f"{path}:{row.line}",
        metadata={c: _text(v[c], c, path, row) for c in cols.meta},
    )
