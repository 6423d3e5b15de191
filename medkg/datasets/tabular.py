"""Rows of a CSV or JSON Lines file with their line numbers; bad rows become typed errors.

Files are read as bytes and decoded line by line, so a byte sequence that is not valid in the
encoding is reported with its line number instead of failing somewhere in a buffer. ``.gz`` files
are read in place.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
>>> _ = p.write_text('id,findings\\n1,"Clear,\\nlungs."\\n2,Normal.\\n')
>>> table = open_table(p)
>>> table.columns
['id', 'findings']
>>> [(row.line, row.values["id"]) for row in table.rows(ErrorPolicy())]
[(2, '1'), (4, '2')]
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from medkg.datasets.rejects import ErrorPolicy
from medkg.errors import ConfigError, InputFileError, ParseError

FORMATS = ("csv", "jsonl")


@dataclass(frozen=True, slots=True)
class Row:
    """One record: its first line in the file (1-based) and its values by column."""

    line: int
    values: dict[str, object]


def table_format(path: Path, format: str | None = None) -> str:
    """``"csv"`` or ``"jsonl"``: ``format`` if given, else from the file name (``.tsv`` is csv)."""
    if format is not None:
        if format not in FORMATS:
            raise ConfigError(f"unknown table format {format!r}", path=path, hint=f"use one of {FORMATS}")
        return format
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    last = suffixes[-1] if suffixes else ""
    if last in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if last in (".csv", ".tsv", ".txt"):
        return "csv"
    raise ConfigError(
        f"cannot tell the format of {path.name!r}", path=path, hint="pass format='csv' or 'jsonl'"
    )


class _Lines:
    """Decoded lines of a binary stream; remembers which lines held undecodable bytes."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self._stream = stream
        self._encoding = encoding
        self.count = 0
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for raw in self._stream:
            self.count += 1
            try:
                text = raw.decode(self._encoding)
            except UnicodeDecodeError:
                self.bad.add(self.count)
                text = raw.decode(self._encoding, errors="replace")
            if self.count == 1:
                text = text.lstrip("\ufeff")
            yield text


class Table:
    """An open CSV/JSONL file; :meth:`rows` streams its records once."""

    def __init__(self, path: Path, format: str, delimiter: str, encoding: str) -> None:
        self.path = path
        self.format = format
        self.delimiter = delimiter
        self.encoding = encoding
        self.columns: list[str] | None = None  # CSV header; None for JSONL
        self._stream = _open_binary(path)
        self._lines = _Lines(self._stream, encoding)
        self._iter = iter(self._lines)
        if format == "csv":
            self._csv = csv.reader(self._iter, delimiter=delimiter)
            try:
                header = next(self._csv, None)
            except csv.Error as exc:
                raise ParseError(f"bad CSV header: {exc}", path=path, line=1) from exc
            if header is None:
                raise ParseError("empty file: no header row", path=path, line=1)
            self.columns = [h.strip() for h in header]

    def close(self) -> None:
        self._stream.close()

    def rows(self, policy: ErrorPolicy) -> Iterator[Row]:
        """Yield every good record; bad ones go to ``policy`` (raise or skip)."""
        try:
            yield from self._csv_rows(policy) if self.format == "csv" else self._jsonl_rows(policy)
        finally:
            self.close()

    def _undecodable(self, start: int, end: int) -> int | None:
        return min((n for n in self._lines.bad if start <= n <= end), default=None)

    def _decode_error(self, line: int) -> ParseError:
        return ParseError(
            f"bytes that are not valid {self.encoding}",
            path=self.path,
            line=line,
            hint=f"re-encode the file as {self.encoding}, or pass encoding= (e.g. 'latin-1')",
        )

    def _csv_rows(self, policy: ErrorPolicy) -> Iterator[Row]:
        assert self.columns is not None
        width = len(self.columns)
        start = self._lines.count + 1
        while True:
            try:
                fields = next(self._csv)
            except StopIteration:
                return
            except csv.Error as exc:
                policy.reject(ParseError(f"bad CSV row: {exc}", path=self.path, line=start))
                start = self._lines.count + 1
                continue
            line, end = start, self._lines.count
            start = end + 1
            bad = self._undecodable(line, end)
            if bad is not None:
                policy.reject(self._decode_error(bad))
            elif not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            elif len(fields) != width:
                policy.reject(
                    ParseError(
                        f"row has {len(fields)} fields, the header has {width}",
                        path=self.path,
                        line=line,
                        hint="quote fields that contain the delimiter or line breaks",
                    )
                )
            else:
                yield Row(line, dict(zip(self.columns, fields, strict=True)))

    def _jsonl_rows(self, policy: ErrorPolicy) -> Iterator[Row]:
        for text in self._iter:
            line = self._lines.count
            if not text.strip():
                continue
            if line in self._lines.bad:
                policy.reject(self._decode_error(line))
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                policy.reject(ParseError(f"invalid JSON: {exc.msg}", path=self.path, line=line))
                continue
            if not isinstance(value, dict):
                policy.reject(
                    ParseError(f"a JSON {type(value).__name__}, not an object", path=self.path, line=line)
                )
                continue
            yield Row(line, value)


def _open_binary(path: Path) -> IO[bytes]:
    if not path.is_file():
        raise InputFileError("file not found", path=path, hint="check the path given with --data")
    try:
        return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")
    except OSError as exc:
        raise InputFileError(f"cannot open: {exc.strerror or exc}", path=path) from exc


def open_table(
    path: str | Path, *, format: str | None = None, delimiter: str = ",", encoding: str = "utf-8"
) -> Table:
    """Open a CSV/JSONL table (the CSV header is read at once).

    Parameters
    ----------
    path:
        ``.csv``, ``.tsv``, ``.jsonl`` (optionally ``.gz``).
    format:
        ``"csv"`` or ``"jsonl"``; guessed from the name when None.
    delimiter:
        CSV delimiter (``"\\t"`` is used for ``.tsv`` when left at ``","``).
    encoding:
        Text encoding of the file.

    Returns
    -------
    Table
    """
    path = Path(path)
    fmt = table_format(path, format)
    if fmt == "csv" and delimiter == "," and ".tsv" in [s.lower() for s in path.suffixes]:
        delimiter = "\t"
    return Table(path, fmt, delimiter, encoding)


def require_columns(table: Table, wanted: list[str], present: list[str] | None = None) -> None:
    """Raise :class:`ConfigError` naming the missing and the present columns."""
    have = present if present is not None else (table.columns or [])
    missing = [c for c in wanted if c not in have]
    if missing:
        raise ConfigError(
            f"column(s) {missing} not found; the file has {list(have)}",
            path=table.path,
            hint="pass the right column names (e.g. id_column=, text_columns=)",
        )
