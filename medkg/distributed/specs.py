"""What a Dask worker needs to rebuild the build's inputs on its own: readers and the extractor.

Workers never receive an :class:`~medkg.extract.Extractor` (it is large and holds compiled
automata); they receive an :class:`ExtractorSpec` and build the extractor once per process.
Inputs are either records shipped from the client or a :class:`ReaderSpec`: dataset shards that
each worker reads itself (one partition per shard), so the client never touches the reports.

Examples
--------
>>> spec = ReaderSpec("generic", ["a.csv", "b.csv"], {"id_column": "id", "text_columns": ["report"]})
>>> spec.paths
('a.csv', 'b.csv')
>>> ExtractorSpec(None, {"fuzzy": False}).key()
'None|{"fuzzy": false}'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.datasets.types import ReportRecord
from medkg.errors import ConfigError


@dataclass(frozen=True)
class ReaderSpec:
    """Dataset shards read by the workers: ``medkg.datasets.read(reader, path, **options)`` per path.

    Parameters
    ----------
    reader:
        A recipe name or recipe file (``"generic"``, ``"openi"``, ``"mimic-cxr"``...), as for
        :func:`medkg.datasets.read`.
    paths:
        The shards, in order; the local equivalent reads them one after the other. Paths must
        be readable from every worker (a shared file system or object-store mount).
    options:
        Reader keywords (``id_column=``, ``on_error="skip"``...). A ``rejects`` option is applied
        by the client (skipped records come back from the workers), never written by a worker.
    """

    reader: str
    paths: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        reader: str,
        paths: Sequence[str | os.PathLike[str]] | str,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        if not paths:
            raise ConfigError("a ReaderSpec needs at least one path", hint="list the dataset shards")
        object.__setattr__(self, "reader", str(reader))
        object.__setattr__(self, "paths", tuple(str(p) for p in paths))
        object.__setattr__(self, "options", dict(options or {}))

    def read(self, index: int, **overrides: Any) -> Iterator[ReportRecord]:
        """The records of shard ``index`` (what a worker runs)."""
        from medkg.datasets import read

        return read(self.reader, Path(self.paths[index]), **{**self.options, **overrides})

    def records(self) -> Iterator[ReportRecord]:
        """Every shard's records in order: the input of the equivalent local build."""
        for index in range(len(self.paths)):
            yield from self.read(index)


@dataclass(frozen=True)
class ExtractorSpec:
    """How a worker builds its extractor: ``Extractor(medkg.ontology.load(ontology), **options)``.

    Parameters
    ----------
    ontology:
        ``None`` for the shipped seed, else an ontology source path readable from every worker
        (each worker goes through its own compiled ontology cache).
    options:
        :class:`medkg.extract.Extractor` keywords (``fuzzy=False``...).
    """

    ontology: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ontology is not None:
            object.__setattr__(self, "ontology", str(self.ontology))
        object.__setattr__(self, "options", dict(self.options))

    def key(self) -> str:
        """A stable identity used to cache one extractor per worker process."""
        return f"{self.ontology}|{json.dumps(self.options, sort_keys=True, default=str)}"


def extractor_spec(value: ExtractorSpec | str | os.PathLike[str] | None) -> ExtractorSpec:
    """An :class:`ExtractorSpec` from a spec, an ontology path, or None (the shipped seed)."""
    if isinstance(value, ExtractorSpec):
        return value
    if value is None or isinstance(value, str | os.PathLike):
        return ExtractorSpec(None if value is None else str(value))
    raise ConfigError(
        f"an ontology spec is None, a path or an ExtractorSpec, not {type(value).__name__}",
        hint="workers load the ontology themselves; pass its path, not an Ontology object",
    )
