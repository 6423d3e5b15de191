"""Write the seed as UMLS RRF files with deterministic local atom, string and relation ids.

Ids are content hashes, so they do not depend on file order and stay stable across rebuilds:
``MKGL`` + 10 hex of SHA-1(lookup key) for LUI, ``MKGS`` + SHA-1(string) for SUI, ``MKGA`` +
SHA-1(concept|SAB|TTY|CODE|string) for AUI, ``MKGR`` + SHA-1(CUI1|REL|CUI2|RELA|SAB) for RUI,
``MKGT`` / ``MKGD`` + SHA-1(...) for MRSTY / MRDEF attribute ids.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from medkg.ontology.model import lookup_key

from .assemble import Atom, Edge, SeedConcept

_INVERSE = {"isa": ("CHD", "PAR", "inverse_isa"), "part_of": ("RO", "RO", "has_part")}


def _hid(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:10].upper()


def _clean(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def _row(*fields: str) -> str:
    return "".join(_clean(f) + "|" for f in fields) + "\n"


def aui(cid: str, atom: Atom) -> str:
    return _hid("MKGA", cid, atom.sab, atom.tty, atom.code, atom.text)


def write_seed(
    out: Path, concepts: dict[str, SeedConcept], edges: list[Edge], network: dict[str, tuple[str, str]]
) -> None:
    """Write MRCONSO, MRSTY, MRDEF and MRREL into ``out`` (UTF-8, ``\\n``, trailing ``|``)."""
    out.mkdir(parents=True, exist_ok=True)
    ordered = [concepts[c] for c in sorted(concepts)]
    conso, sty, defs = [], [], []
    for concept in ordered:
        seen_sui: set[str] = set()
        for i, atom in enumerate(concept.atoms):
            sui = _hid("MKGS", atom.text)
            ispref = "Y" if sui not in seen_sui else "N"
            seen_sui.add(sui)
            conso.append(
                _row(
                    concept.id,
                    "ENG",
                    "P" if i == 0 else "S",
                    _hid("MKGL", lookup_key(atom.text)),
                    "PF" if i == 0 else "VO",
                    sui,
                    ispref,
                    aui(concept.id, atom),
                    "",
                    atom.scui,
                    atom.sdui,
                    atom.sab,
                    atom.tty,
                    atom.code,
                    atom.text,
                    "0",
                    "N",
                    "",
                )
            )
        for tui in concept.tuis:
            stn, name = network[tui]
            sty.append(_row(concept.id, tui, stn, name, _hid("MKGT", concept.id, tui), ""))
        for atom, text in concept.definitions:
            defs.append(
                _row(
                    concept.id,
                    aui(concept.id, atom),
                    _hid("MKGD", concept.id, atom.sab, text),
                    "",
                    atom.sab,
                    text,
                    "N",
                    "",
                )
            )
    rels = []
    for e in edges:
        rel, inv_rel, inv_rela = _INVERSE[e.rela]
        rels.append(_rel_row(e.parent, rel, e.child, e.rela, e.sab))
        rels.append(_rel_row(e.child, inv_rel, e.parent, inv_rela, e.sab))
    for name, lines in (("MRCONSO", conso), ("MRSTY", sty), ("MRDEF", defs), ("MRREL", sorted(rels))):
        with open(out / f"{name}.RRF", "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(lines)


def _rel_row(cui1: str, rel: str, cui2: str, rela: str, sab: str) -> str:
    rui = _hid("MKGR", cui1, rel, cui2, rela, sab)
    return _row(cui1, "", "CUI", rel, cui2, "", "CUI", rela, rui, "", sab, sab, "", "", "N", "")
