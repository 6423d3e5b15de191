"""What a reader does with a bad record: raise, or skip it and hand it to a rejects sink.

Every reader takes ``on_error="raise"|"skip"`` and ``rejects=`` (a callable receiving the
:class:`~medkg.errors.MedkgError`, or a path where one JSON line per rejected record is appended).

Examples
--------
>>> from medkg.errors import ParseError
>>> seen = []
>>> with ErrorPolicy("skip", seen.append) as policy:
...     policy.reject(ParseError("row has 3 fields, header has 4", path="r.csv", line=7))
>>> seen[0].line, policy.rejected
(7, 1)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import IO, Literal

from medkg.errors import ConfigError, MedkgError

log = logging.getLogger(__name__)

OnError = Literal["raise", "skip"]
Rejects = Callable[[MedkgError], object] | str | PathLike[str] | None


class ErrorPolicy:
    """Raise bad records, or count, log and forward them to ``rejects`` (use as a context manager).

    Parameters
    ----------
    on_error:
        ``"raise"`` (default) re-raises the first bad record's error; ``"skip"`` drops the record.
    rejects:
        Where skipped records go: a callable taking the error, or a path to a JSONL file
        (``{"path", "line", "record", "message"}`` per line, appended). Ignored with ``"raise"``.
    """

    def __init__(self, on_error: str = "raise", rejects: Rejects = None) -> None:
        if on_error not in ("raise", "skip"):
            raise ConfigError(f"unknown on_error {on_error!r}", hint="use 'raise' or 'skip'")
        self.on_error = on_error
        self.rejected = 0
        self._callback: Callable[[MedkgError], object] | None = None
        self._path: Path | None = None
        self._file: IO[str] | None = None
        if callable(rejects):
            self._callback = rejects
        elif rejects is not None:
            self._path = Path(rejects)

    def __enter__(self) -> ErrorPolicy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.rejected:
            log.warning(
                "skipped %d bad record(s)%s", self.rejected, f"; see {self._path}" if self._path else ""
            )

    def reject(self, error: MedkgError) -> None:
        """Raise ``error`` (``on_error="raise"``) or record it and return (``"skip"``)."""
        if self.on_error == "raise":
            raise error
        self.skip(error)

    def skip(self, error: MedkgError) -> None:
        """Record ``error`` as a skipped record, whatever ``on_error`` says."""
        self.rejected += 1
        log.debug("skipping bad record: %s", error)
        if self._callback is not None:
            self._callback(error)
        elif self._path is not None:
            if self._file is None:
                self._file = self._path.open("a", encoding="utf-8")
            entry = {"path": error.path, "line": error.line, "record": error.record, "message": error.message}
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
