"""Report text columns of a CSV or JSONL file, one record at a time, with their line numbers.

What ``medkg extract``, ``medkg label`` and ``medkg eval labels`` read (:mod:`medkg.workflows.batch`):
plain ``{column: text}`` reports, no study or image structure (that is
:func:`medkg.datasets.read_generic`, which raises or skips bad rows through
:class:`~medkg.datasets.rejects.ErrorPolicy`). A malformed record (wrong number of fields,
bytes that are not UTF-8, a JSON syntax error, no id) is yielded with its error instead of
raising, so a run can skip it, in order, and go on; a missing column is a
:class:`~medkg.errors.ConfigError` before the first record.

Examples
--------
>>> for rec in iter_records("dev.csv", "uid", ["findings", "impression"]):
...     print(rec.line, rec.id, rec.error or sorted(rec.report))
2 1 ['findings', 'impression']
3 2 ['findings', 'impression']
5 3 ['findings', 'impression']
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, InputFileError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class Record:
    """One input report: ``report`` maps section (column) name → text; ``error`` when malformed."""

    line: int
    id: str
    report: dict[str, str] | None
    error: str | None = None


def _bad_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def iter_records(
    path: str | os.PathLike[str], id_column: str, text_columns: Sequence[str]
) -> Iterator[Record]:
    """Records of a ``.csv`` (header row) or ``.jsonl``/``.ndjson`` file (one object per line).

    Parameters
    ----------
    path:
        The input file.
    id_column:
        Column (or JSON key) holding the report id.
    text_columns:
        Columns holding report text, in order; each column name is the section of its text.
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError("input file not found", path=src, hint="check the INPUT path")
    if not text_columns:
        raise ConfigError("no text columns given", hint="pass --text-columns findings,impression")
    if src.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl(src, id_column, list(text_columns))
    else:
        yield from _csv(src, id_column, list(text_columns))


def _csv(src: Path, id_column: str, columns: list[str]) -> Iterator[Record]:
    with src.open(newline="", encoding="utf-8", errors="surrogateescape") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ConfigError(f"unreadable CSV header: {exc}", path=src, line=1) from None
        missing = [c for c in (id_column, *columns) if c not in header]
        if missing:
            raise ConfigError(
                f"missing column(s) {', '.join(missing)}",
                path=src, line=1, hint=f"the header has: {', '.join(header)}",
            )
        id_at = header.index(id_column)
        at = [(c, header.index(c)) for c in columns]
        width = len(header)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num
                yield Record(start, "", None, f"malformed CSV: {exc}")
                continue
            line = reader.line_num
            if not row:
                continue
            rid = row[id_at].strip() if id_at < len(row) else ""
            if len(row) != width:
                yield Record(start, rid, None, f"{len(row)} fields, the header has {width}")
                continue
            if not rid:
                yield Record(start, rid, None, f"empty id column {id_column!r}")
                continue
            report = {c: row[i] for c, i in at}
            if any(_bad_utf8(v) for v in report.values()) or _bad_utf8(rid):
                yield Record(start, rid.encode("utf-8", "replace").decode(), None, "text is not valid UTF-8")
                continue
            yield Record(start, rid, report)


def _jsonl(src: Path, id_column: str, columns: list[str]) -> Iterator[Record]:
    with src.open(encoding="utf-8", errors="surrogateescape") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            if _bad_utf8(raw):
                yield Record(n, "", None, "line is not valid UTF-8")
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield Record(n, "", None, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(obj, dict):
                yield Record(n, "", None, "line is not a JSON object")
                continue
            rid = obj.get(id_column)
            if rid is None or str(rid).strip() == "":
                yield Record(n, "", None, f"missing id key {id_column!r}")
                continue
            missing = [c for c in columns if c not in obj]
            if len(missing) == len(columns):
                yield Record(n, str(rid), None, f"none of the text keys {columns} present")
                continue
            bad = [c for c in columns if obj.get(c) is not None and not isinstance(obj.get(c), str)]
            if bad:
                yield Record(n, str(rid), None, f"key(s) {bad} are not text")
                continue
            yield Record(n, str(rid), {c: obj.get(c) or "" for c in columns})
