"""Read and write scispacy's knowledge-base JSONL format.

One JSON object per line with the keys scispacy's ``KnowledgeBase`` reads::

    {"concept_id": "C0032227", "canonical_name": "Pleural effusion",
     "aliases": ["Fluid around lungs"], "types": ["T046"], "definition": "..."}

``definition`` is written only when the concept has one. The format has no room for source codes,
relations or semantic-type names: writing drops them, and reading gives types the names found in
``type_names`` (empty otherwise).

Examples
--------
>>> write_scispacy_kb(onto, "chest_kb.jsonl")                      # onto: the shipped seed
PosixPath('chest_kb.jsonl')
>>> read_scispacy_kb("chest_kb.jsonl")["C0032227"].name
'Pleural Effusion'
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Concept, Ontology, SemanticType

log = logging.getLogger(__name__)


def read_scispacy_kb(
    path: str | os.PathLike[str], *, type_names: Mapping[str, str] | None = None, name: str | None = None
) -> Ontology:
    """Read a scispacy KB JSONL file (streamed line by line).

    Parameters
    ----------
    path:
        The ``.jsonl`` file.
    type_names:
        Optional TUI → semantic type name map (e.g. from a UMLS ``MRSTY.RRF``).
    name:
        Name of the ontology (default: the file stem).

    Raises
    ------
    InputFileError
        When ``path`` does not exist.
    ParseError
        On a line that is not a JSON object with ``concept_id`` and ``canonical_name``.

    Examples
    --------
    >>> kb = read_scispacy_kb("umls_2022_ab_cat0129.jsonl")  # needs a download  # doctest: +SKIP
    """
    src = Path(path)
    names = dict(type_names or {})
    onto = Ontology(name=name or src.stem)
    try:
        handle = open(src, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputFileError("scispacy KB file not found", path=src, hint="check the path") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                cui, canonical = record["concept_id"], record["canonical_name"]
                aliases = record.get("aliases") or []
                types = record.get("types") or []
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise ParseError(
                    f"not a scispacy KB record ({type(exc).__name__}: {exc})",
                    path=src,
                    line=number,
                    hint="each line must be a JSON object with concept_id, canonical_name, aliases, types",
                ) from None
            onto.add_concept(
                Concept(
                    cui=str(cui),
                    name=str(canonical),
                    synonyms=tuple(a for a in dict.fromkeys(map(str, aliases)) if a != canonical),
                    semantic_types=tuple(SemanticType(t, names.get(t, "")) for t in types),
                    definition=record.get("definition") or None,
                )
            )
    log.info("read %d concepts from %s", len(onto), src)
    return onto


def write_scispacy_kb(ontology: Ontology, path: str | os.PathLike[str]) -> Path:
    """Write ``ontology`` as scispacy KB JSONL, concepts sorted by id, atomically.

    Examples
    --------
    >>> write_scispacy_kb(onto, "chest_kb.jsonl")
    PosixPath('chest_kb.jsonl')
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for cui in sorted(ontology.concepts):
                concept = ontology.concepts[cui]
                record: dict[str, object] = {
                    "concept_id": concept.cui,
                    "canonical_name": concept.name,
                    "aliases": list(concept.synonyms),
                    "types": list(concept.tuis),
                }
                if concept.definition:
                    record["definition"] = concept.definition
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
