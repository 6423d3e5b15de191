"""Read OBO 1.2/1.4 flat files (Disease Ontology, HPO) into an :class:`Ontology`.

How terms become concepts:

* a term with a UMLS xref (``xref: UMLS_CUI:C…`` in DO, ``xref: UMLS:C…`` in HPO) is keyed by its
  *first* CUI; further CUIs of the same term are kept as ``("UMLS", CUI)`` codes. Terms without a
  UMLS xref are keyed by their own id (``DOID:1234``, ``HP:0002202``). Several terms sharing one
  CUI merge into one concept (the first term's name stays preferred).
* the term's id is a code (``("DOID", "DOID:1234")``, ``("HPO", "HP:0002202")``); other xrefs are
  codes with UMLS source abbreviations where they differ (``MESH`` → ``MSH``, ``SNOMEDCT_US_…`` →
  ``SNOMEDCT_US``, ``NCIT`` → ``NCI``).
* synonyms: by default scopes ``EXACT`` and ``RELATED`` count (``BROAD``/``NARROW`` name other
  concepts); synonyms typed ``obsolete_synonym`` are always dropped.
* ``is_a`` becomes ``Relation(child, "CHD", "isa", parent, sab)``; ``is_obsolete: true`` terms
  are skipped together with their edges.
* OBO carries no UMLS semantic types: none are assigned unless ``semantic_types`` maps a term id
  or CUI to some.

Examples
--------
>>> hpo = load_obo("hp.obo")
>>> hpo["C0032227"].name
'Pleural effusion'
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Concept, Ontology, Relation, SemanticType

log = logging.getLogger(__name__)

DEFAULT_SCOPES = frozenset({"EXACT", "RELATED"})
_UMLS_PREFIXES = ("UMLS_CUI:", "UMLS:")
_CUI = re.compile(r"C\d{7}")
_SAB_ALIASES = {"MESH": "MSH", "MSH": "MSH", "NCIT": "NCI", "HP": "HPO"}
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(.*)')
_ESCAPE = re.compile(r"\\(.)")


@dataclass
class _Term:
    id: str
    line: int
    name: str | None = None
    definition: str | None = None
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    obsolete: bool = False


def source_abbreviation(prefix: str) -> str:
    """UMLS-style source abbreviation for an OBO/xref prefix: ``"MESH"`` → ``"MSH"``.

    >>> [source_abbreviation(p) for p in ("MESH", "SNOMEDCT_US_2016_03_01", "HP", "DOID", "ICD10CM")]
    ['MSH', 'SNOMEDCT_US', 'HPO', 'DOID', 'ICD10CM']
    """
    if prefix.startswith("SNOMEDCT_US"):
        return "SNOMEDCT_US"
    return _SAB_ALIASES.get(prefix, prefix)


def load_obo(
    path: str | os.PathLike[str],
    *,
    prefix: str | None = None,
    scopes: Collection[str] = DEFAULT_SCOPES,
    semantic_types: Mapping[str, Iterable[SemanticType]] | None = None,
    name: str | None = None,
) -> Ontology:
    """Load an OBO file.

    Parameters
    ----------
    path:
        The ``.obo`` file.
    prefix:
        Keep only terms whose id starts with ``prefix + ":"`` (e.g. ``"HP"``); ``None`` keeps all.
    scopes:
        Synonym scopes that count as names of the concept (default ``EXACT`` and ``RELATED``).
    semantic_types:
        Optional map from a term id or a CUI to the semantic types to give that concept.
    name:
        Name of the ontology (default: the file stem).

    Raises
    ------
    InputFileError
        When ``path`` does not exist.
    ParseError
        On a malformed stanza or tag line (the message names file and line).

    Examples
    --------
    >>> do = load_obo("doid.obo")
    >>> sorted(do.parents("C0032285"))
    ['C0024115']
    """
    src = Path(path)
    scope_set = frozenset(scopes)
    terms = [
        t
        for t in _read_terms(src, scope_set)
        if not t.obsolete and (prefix is None or t.id.startswith(prefix + ":"))
    ]
    key_of: dict[str, str] = {}
    onto = Ontology(name=name or src.stem)
    for term in terms:
        cuis = [x.split(":", 1)[1] for x in term.xrefs if x.startswith(_UMLS_PREFIXES)]
        cuis = [c for c in cuis if _CUI.fullmatch(c)]
        key = cuis[0] if cuis else term.id
        key_of[term.id] = key
        id_prefix = term.id.split(":", 1)[0]
        codes = [(source_abbreviation(id_prefix), term.id)]
        codes += [("UMLS", c) for c in cuis[1:]]
        for xref in term.xrefs:
            if xref.startswith(_UMLS_PREFIXES) or ":" not in xref:
                continue
            xp, code = xref.split(":", 1)
            codes.append((source_abbreviation(xp), code))
        types: tuple[SemanticType, ...] = ()
        if semantic_types:
            types = tuple(semantic_types.get(term.id, ())) + tuple(semantic_types.get(key, ()))
        onto.add_concept(
            Concept(
                cui=key,
                name=term.name or term.id,
                synonyms=tuple(s for s in dict.fromkeys(term.synonyms) if s != term.name),
                semantic_types=tuple(dict.fromkeys(types)),
                codes=tuple(dict.fromkeys(codes)),
                definition=term.definition,
            )
        )
    for term in terms:
        sab = source_abbreviation(term.id.split(":", 1)[0])
        for parent in term.parents:
            if parent in key_of and key_of[parent] != key_of[term.id]:
                onto.add_relation(Relation(key_of[term.id], "CHD", "isa", key_of[parent], sab))
    log.info("loaded %d concepts from %d OBO terms in %s", len(onto), len(terms), src)
    return onto


def _read_terms(path: Path, scopes: frozenset[str]) -> Iterator[_Term]:
    """Stream the ``[Term]`` stanzas of an OBO file (other stanzas and the header are skipped)."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputFileError("OBO file not found", path=path, hint="check the path") from None
    with handle:
        term: _Term | None = None  # the [Term] being read; None in other stanzas and the header
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line or line.startswith("!"):
                continue
            if line.startswith("["):
                if term is not None:
                    yield _finish(term, path)
                if not line.endswith("]") or len(line) < 3:
                    raise ParseError(f"malformed stanza header {line!r}", path=path, line=number)
                term = _Term("", number) if line == "[Term]" else None
                continue
            if term is None:
                continue  # header, [Typedef] and [Instance] lines are not used
            tag, sep, value = line.partition(":")
            if not sep or not tag or " " in tag:
                raise ParseError(f"expected 'tag: value', found {line!r}", path=path, line=number)
            value = _strip_comment(value.strip())
            if tag == "id":
                if term.id:
                    raise ParseError("second 'id:' in one stanza", path=path, line=number, record=value)
                term.id = value
            else:
                _add_tag(term, tag, value, scopes, path, number)
        if term is not None:
            yield _finish(term, path)


def _finish(term: _Term, path: Path) -> _Term:
    if not term.id:
        raise ParseError(
            "[Term] stanza without an 'id:'", path=path, line=term.line, hint="add 'id: PREFIX:NNN'"
        )
    return term


def _strip_comment(value: str) -> str:
    """Drop a trailing ``! comment`` (outside quotes) and trailing ``{qualifiers}``."""
    if '"' not in value:
        value = value.split(" !", 1)[0]
    if value.endswith("}") and " {" in value:
        value = value[: value.rindex(" {")]
    return value.strip()


def _quoted(value: str, path: Path, line: int) -> tuple[str, str]:
    match = _QUOTED.match(value)
    if not match:
        raise ParseError(f"expected a quoted string, found {value!r}", path=path, line=line)
    return _ESCAPE.sub(r"\1", match.group(1)).strip(), match.group(2)


def _add_tag(term: _Term, tag: str, value: str, scopes: frozenset[str], path: Path, line: int) -> None:
    if tag == "name":
        term.name = value
    elif tag == "def":
        term.definition = _quoted(value, path, line)[0]
    elif tag == "synonym":
        text, rest = _quoted(value, path, line)
        words = rest.split()
        scope = words[0] if words and not words[0].startswith("[") else "RELATED"
        kind = words[1] if len(words) > 1 and not words[1].startswith("[") else ""
        if scope in scopes and kind != "obsolete_synonym" and text:
            term.synonyms.append(text)
    elif tag == "xref":
        term.xrefs.append(value.split(" ", 1)[0])
    elif tag == "is_a":
        term.parents.append(value.split(" ", 1)[0])
    elif tag == "is_obsolete":
        term.obsolete = value == "true"
