"""Typed errors raised by every medkg stage.

Every error names *where* the problem is (file, line, record) and *what to do*.
Catch :class:`MedkgError` to handle all of them.
"""

from __future__ import annotations

from os import PathLike


class MedkgError(Exception):
    """Base class of all medkg errors.

    Parameters
    ----------
    message:
        What went wrong.
    path:
        The file concerned, if any.
    line:
        1-based line number in ``path``, if known.
    record:
        Identifier of the record (report id, CUI, stanza id...), if known.
    hint:
        What the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        record: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.record = record
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path if self.line is None else f"{self.path}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record!r}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputFileError(MedkgError):
    """A required input file or directory is missing or unreadable."""


class ParseError(MedkgError):
    """An input file is malformed (bad RRF line, OBO stanza, CSV row, XML...)."""


class OntologyError(MedkgError):
    """The ontology is inconsistent or a concept/code cannot be resolved."""


class CacheError(MedkgError):
    """A compiled cache is corrupted or stale (it is rebuilt, never silently used)."""


class ExtractionError(MedkgError):
    """A report could not be processed (wrong type, undecodable bytes...)."""


class ConfigError(MedkgError):
    """An option, recipe or column mapping is invalid."""


class GraphError(MedkgError):
    """The knowledge graph is inconsistent (dangling edge, bad relation type...)."""


class StoreError(MedkgError):
    """A store could not be opened, written or queried."""


class SchemaError(StoreError):
    """A label, relationship type or property is not part of medkg's schema (never sent as Cypher)."""


class ReadOnlyError(StoreError):
    """A write query was sent through a read-only session."""


class ConnectionFailed(StoreError):
    """A database server could not be reached or refused the credentials."""


class RetrievalError(MedkgError):
    """Retrieval or generation failed (unknown concept, no encoder, model error)."""
