"""Read and write UMLS Rich Release Format (RRF) files: MRCONSO, MRSTY, MRDEF and MRREL.

The reader streams every file line by line and filters as early as it can, so it copes with a full
licensed UMLS ``META/`` directory (about 15 GB) as well as with the few-thousand-concept seed that
ships with medkg. Files are read in this order: ``MRSTY.RRF`` (so a semantic-type filter can drop
concepts before their names are read), ``MRCONSO.RRF``, ``MRDEF.RRF`` (optional) and ``MRREL.RRF``
(relations only among kept concepts).

Column layouts (every line ends with a trailing ``|``)::

    MRCONSO  CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|
    MRREL    CUI1|AUI1|STYPE1|REL|CUI2|AUI2|STYPE2|RELA|RUI|SRUI|SAB|SL|RG|DIR|SUPPRESS|CVF|
    MRSTY    CUI|TUI|STN|STY|ATUI|CVF|
    MRDEF    CUI|AUI|ATUI|SATUI|SAB|DEF|SUPPRESS|CVF|

Examples
--------
>>> onto = load_rrf("ontologies/seed")
>>> onto["C0032227"].name
'Pleural Effusion'
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Concept, Ontology, Relation, SemanticType

log = logging.getLogger(__name__)

MRCONSO_FIELDS = 18
MRREL_FIELDS = 16
MRSTY_FIELDS = 6
MRDEF_FIELDS = 8
#: SUPPRESS flags skipped by default: obsolete (O), suppressed by the editors (E) or by NLM (Y).
DEFAULT_SUPPRESS = frozenset({"O", "E", "Y"})
#: SAB written for a concept that has no source code (its CODE is UMLS's ``NOCODE``).
NOCODE_SAB = "MEDKG"
_NO_CODES = frozenset({"", "NOCODE"})


def read_rrf_rows(path: Path, n_fields: int) -> Iterator[tuple[int, list[str]]]:
    """Stream ``(line_number, fields)`` from one RRF file, checking the field count of every line.

    Raises
    ------
    InputFileError
        When ``path`` does not exist.
    ParseError
        On a line whose field count is not ``n_fields`` (a truncated or non-RRF line); the message
        names the file and the 1-based line.

    Examples
    --------
    >>> rows = list(read_rrf_rows(Path("META/MRSTY.RRF"), 6))
    >>> rows[0]
    (1, ['C0004144', 'T047', 'B2.2.1.2.1', 'Disease or Syndrome', 'ATX01', ''])
    """
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputFileError(
            "RRF file not found", path=path, hint="point medkg at a UMLS META/ directory"
        ) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("|")
            if len(parts) != n_fields + 1 or parts[-1] != "":
                raise ParseError(
                    f"expected {n_fields} '|'-terminated fields, found {len(parts) - 1}",
                    path=path,
                    line=number,
                    record=parts[0] or None,
                    hint="the file may be truncated or not RRF; re-extract it from the UMLS release",
                )
            parts.pop()
            yield number, parts


@dataclass
class _Draft:
    """Everything gathered for one CUI while MRCONSO streams by."""

    best_rank: tuple[int, int, int] = (9, 9, 9)
    name: str = ""
    strings: dict[str, None] = field(default_factory=dict)
    codes: dict[tuple[str, str], None] = field(default_factory=dict)
    types: tuple[SemanticType, ...] = ()
    definition: str | None = None


def _rank(ts: str, stt: str, ispref: str) -> tuple[int, int, int]:
    return (ts != "P", stt != "PF", ispref != "Y")


def load_rrf(
    meta_dir: str | os.PathLike[str],
    *,
    sabs: Collection[str] | None = None,
    languages: Collection[str] | None = ("ENG",),
    ttys: Collection[str] | None = None,
    semantic_types: Collection[str] | None = None,
    suppress: Collection[str] = DEFAULT_SUPPRESS,
    name: str | None = None,
) -> Ontology:
    """Load a UMLS ``META/`` directory (or any directory of RRF files) into an :class:`Ontology`.

    Parameters
    ----------
    meta_dir:
        Directory holding ``MRCONSO.RRF`` (required), ``MRSTY.RRF``, ``MRREL.RRF`` and ``MRDEF.RRF``
        (each optional, except that ``semantic_types`` needs ``MRSTY.RRF``).
    sabs:
        Keep only atoms, definitions and relations from these source vocabularies (``None``: all).
    languages:
        Keep only atoms in these languages (``LAT``); ``None`` keeps every language.
    ttys:
        Keep only atoms with these term types (``TTY``, e.g. ``{"PT", "SY"}``); ``None``: all.
    semantic_types:
        Keep only concepts with at least one of these TUIs (e.g. ``{"T047"}``); ``None``: all.
    suppress:
        ``SUPPRESS`` flags to skip (default ``O``, ``E``, ``Y``); pass ``()`` to keep every row.
    name:
        Name of the ontology (default: the directory name).

    Returns
    -------
    Ontology
        One concept per kept CUI: its preferred name is the kept atom ranked best by TS=P, then
        STT=PF, then ISPREF=Y (first such atom in file order on ties), synonyms are the other kept
        strings in file order, codes are ``(SAB, CODE)`` pairs (``NOCODE`` skipped). An MRREL row
        ``CUI1|REL|CUI2|RELA`` becomes ``Relation(head=CUI2, rel=REL, rela=RELA, tail=CUI1, sab=SAB)``.

    Raises
    ------
    InputFileError
        When the directory or ``MRCONSO.RRF`` is missing.
    ParseError
        On a malformed line (file and line are named).

    Examples
    --------
    >>> onto = load_rrf("/data/umls/2024AA/META", sabs={"MSH", "SNOMEDCT_US"})  # needs UMLS  # doctest: +SKIP
    >>> sorted(load_rrf("META", sabs={"SNOMEDCT_US"}).concepts)
    ['C0032226', 'C0032227']
    """
    meta = Path(meta_dir)
    if not (meta / "MRCONSO.RRF").is_file():
        raise InputFileError(
            "no MRCONSO.RRF in this directory",
            path=meta,
            hint="point medkg at the META/ folder of a UMLS release",
        )
    sab_set = None if sabs is None else frozenset(sabs)
    lat_set = None if languages is None else frozenset(languages)
    tty_set = None if ttys is None else frozenset(ttys)
    sup_set = frozenset(suppress)

    types = _read_mrsty(meta, semantic_types)
    drafts = _read_mrconso(
        meta / "MRCONSO.RRF", types, semantic_types is not None, sab_set, lat_set, tty_set, sup_set
    )
    if (meta / "MRDEF.RRF").is_file():
        _read_mrdef(meta / "MRDEF.RRF", drafts, sab_set, sup_set)
    onto = Ontology(name=name or meta.name)
    for cui, draft in drafts.items():
        synonyms = tuple(s for s in draft.strings if s != draft.name)
        onto.add_concept(
            Concept(cui, draft.name, synonyms, draft.types, tuple(draft.codes), draft.definition)
        )
    if (meta / "MRREL.RRF").is_file():
        for relation in _read_mrrel(meta / "MRREL.RRF", drafts.keys(), sab_set, sup_set):
            onto.add_relation(relation)
    log.info("loaded %d concepts and %d relations from %s", len(onto), len(onto.relations), meta)
    return onto


def _read_mrsty(meta: Path, wanted: Collection[str] | None) -> dict[str, tuple[SemanticType, ...]] | None:
    """CUI → semantic types, restricted to CUIs having a wanted TUI; ``None`` when unknown."""
    path = meta / "MRSTY.RRF"
    if not path.is_file():
        if wanted is not None:
            raise InputFileError(
                "a semantic-type filter needs MRSTY.RRF",
                path=path,
                hint="add MRSTY.RRF or drop semantic_types",
            )
        return None
    types: dict[str, tuple[SemanticType, ...]] = {}
    for _, (cui, tui, _stn, sty, _atui, _cvf) in read_rrf_rows(path, MRSTY_FIELDS):
        st = SemanticType(tui, sty)
        old = types.get(cui, ())
        if st not in old:
            types[cui] = (*old, st)
    if wanted is not None:
        keep = frozenset(wanted)
        types = {cui: sts for cui, sts in types.items() if any(st.tui in keep for st in sts)}
    return types


def _read_mrconso(
    path: Path,
    types: dict[str, tuple[SemanticType, ...]] | None,
    filter_types: bool,
    sabs: frozenset[str] | None,
    lats: frozenset[str] | None,
    ttys: frozenset[str] | None,
    suppress: frozenset[str],
) -> dict[str, _Draft]:
    drafts: dict[str, _Draft] = {}
    types = types or {}
    for _, row in read_rrf_rows(path, MRCONSO_FIELDS):
        cui, lat, ts, _lui, stt, _sui, ispref = row[:7]
        sab, tty, code, text, _srl, sup = row[11:17]
        if (
            (lats is not None and lat not in lats)
            or (sabs is not None and sab not in sabs)
            or (ttys is not None and tty not in ttys)
            or sup in suppress
        ):
            continue
        draft = drafts.get(cui)
        if draft is None:
            if filter_types and cui not in types:
                continue
            draft = drafts[cui] = _Draft(types=types.get(cui, ()))
        rank = _rank(ts, stt, ispref)
        if rank < draft.best_rank:
            draft.best_rank, draft.name = rank, text
        draft.strings[text] = None
        if code not in _NO_CODES:
            draft.codes[(sab, code)] = None
    return drafts


def _read_mrdef(path: Path, drafts: dict[str, _Draft], sabs: frozenset[str] | None, suppress) -> None:
    """Attach the first kept definition of each concept (file order)."""
    for _, (cui, _aui, _atui, _satui, sab, text, sup, _cvf) in read_rrf_rows(path, MRDEF_FIELDS):
        draft = drafts.get(cui)
        if draft is None or draft.definition or sup in suppress or (sabs is not None and sab not in sabs):
            continue
        draft.definition = text


def _read_mrrel(path: Path, kept, sabs: frozenset[str] | None, suppress) -> Iterator[Relation]:
    for _, row in read_rrf_rows(path, MRREL_FIELDS):
        cui1, rel, cui2, rela, sab, sup = row[0], row[3], row[4], row[7], row[10], row[14]
        if sup in suppress or (sabs is not None and sab not in sabs):
            continue
        if cui1 in kept and cui2 in kept:
            yield Relation(head=cui2, rel=rel, rela=rela, tail=cui1, sab=sab)


# -- writing ---------------------------------------------------------------------------------------
def _clean(text: str) -> str:
    """RRF fields cannot hold ``|`` or line breaks: replace them (``|`` → ``/``, breaks → space)."""
    return text.replace("|", "/").replace("\r", " ").replace("\n", " ")


def write_rrf(ontology: Ontology, out_dir: str | os.PathLike[str]) -> Path:
    """Write ``ontology`` as ``MRCONSO.RRF``, ``MRSTY.RRF``, ``MRDEF.RRF`` and ``MRREL.RRF``.

    Concepts are written sorted by CUI; relations in the ontology's order. Each concept's preferred
    name is the one row with ``TS=P, STT=PF, ISPREF=Y`` and comes first, then its synonyms
    (``TS=S, STT=VO``), all under its first code; further codes get one preferred-name row each.
    A concept without codes is written under SAB ``MEDKG`` with UMLS's ``NOCODE``. LUI, SUI and
    AUI columns are left empty (medkg does not invent atom ids). ``|`` and line breaks inside
    texts become ``/`` and spaces. :func:`load_rrf` with ``languages=None`` reads the result back
    to an equal ontology (same concepts and relations). Files are replaced atomically.

    Examples
    --------
    >>> write_rrf(load_rrf("ontologies/seed"), "seed-copy")
    PosixPath('seed-copy')
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    concepts = sorted(ontology.concepts.values(), key=lambda c: c.cui)
    _atomic_lines(out / "MRCONSO.RRF", (line for c in concepts for line in _conso_lines(c)))
    _atomic_lines(
        out / "MRSTY.RRF",
        (_row(c.cui, st.tui, "", st.name, "", "") for c in concepts for st in c.semantic_types),
    )
    _atomic_lines(
        out / "MRDEF.RRF",
        (
            _row(c.cui, "", "", "", (c.codes or ((NOCODE_SAB, ""),))[0][0], c.definition, "N", "")
            for c in concepts
            if c.definition
        ),
    )
    _atomic_lines(
        out / "MRREL.RRF",
        (
            _row(r.tail, "", "CUI", r.rel, r.head, "", "CUI", r.rela, "", "", r.sab, r.sab, "", "", "N", "")
            for r in ontology.relations
        ),
    )
    log.info("wrote %d concepts to %s", len(concepts), out)
    return out


def _row(*fields: str) -> str:
    return "".join(_clean(f) + "|" for f in fields)


def _conso_lines(concept: Concept) -> Iterator[str]:
    codes = concept.codes or ((NOCODE_SAB, "NOCODE"),)

    def atom(ts: str, stt: str, sab: str, tty: str, code: str, text: str) -> str:
        return _row(
            concept.cui, "ENG", ts, "", stt, "", "Y", "", "", "", "", sab, tty, code, text, "0", "N", ""
        )

    sab, code = codes[0]
    yield atom("P", "PF", sab, "PT", code, concept.name)
    for syn in concept.synonyms:
        yield atom("S", "VO", sab, "SY", code, syn)
    for sab, code in codes[1:]:
        yield atom("P", "PF", sab, "PT", code, concept.name)


def _atomic_lines(path: Path, lines: Iterator[str]) -> None:
    """Write lines to a temporary file next to ``path`` and move it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for line in lines:
                handle.write(line + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
