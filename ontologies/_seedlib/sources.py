"""Read the public sources of the seed: DO and HPO (OBO), MeSH 2024 (R ``.rds`` + CSV), biomappings, NegBio.

Every reader returns plain dataclasses in file order, so the build is deterministic.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

DO_FILE = "doid_2016-09-01.obo"
HPO_FILE = "hp_2025-01-16.obo"
MESH_TREES_FILE = "data_mesh_trees.rds"
MESH_THESAURUS_FILE = "data_mesh_thesaurus.rds"
MESH_CSV_FILE = "subjects_mesh_invenio-lite-2026.1.27.2.csv"

CUI_RE = re.compile(r"^C\d{7}$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(.*)')
_ESCAPE = re.compile(r"\\(.)")


@dataclass
class OboTerm:
    """One ``[Term]`` stanza: only the tags the seed uses."""

    id: str
    name: str = ""
    definition: str = ""
    exact_synonyms: list[str] = field(default_factory=list)
    cuis: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False


def _unquote(value: str) -> tuple[str, str]:
    match = _QUOTED.match(value)
    if not match:
        return value, ""
    return _ESCAPE.sub(r"\1", match.group(1)), match.group(2)


def read_obo(path: Path) -> dict[str, OboTerm]:
    """Terms of an OBO file keyed by id (obsolete terms dropped).

    UMLS CUIs come from ``xref: UMLS_CUI:`` (DO) and ``xref: UMLS:`` (HPO); MeSH ids from
    ``xref: MESH:`` / ``xref: MSH:``. Only EXACT synonyms are kept.

    >>> terms = read_obo(Path("doid_2016-09-01.obo"))   # doctest: +SKIP
    """
    terms: dict[str, OboTerm] = {}
    term: OboTerm | None = None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if term is not None and not term.obsolete:
                    terms[term.id] = term
                term = OboTerm("") if line == "[Term]" else None
                continue
            if term is None or ": " not in line:
                continue
            tag, value = line.split(": ", 1)
            if tag == "id":
                term.id = value.strip()
            elif tag == "name":
                term.name = value.strip()
            elif tag == "def":
                term.definition = _unquote(value)[0].strip()
            elif tag == "synonym":
                text, rest = _unquote(value)
                if rest.startswith("EXACT") and "obsolete" not in rest:
                    term.exact_synonyms.append(text.strip())
            elif tag == "xref":
                ref = value.split(" ", 1)[0]
                prefix, _, local = ref.partition(":")
                if prefix in ("UMLS_CUI", "UMLS") and CUI_RE.match(local):
                    term.cuis.append(local)
                elif prefix in ("MESH", "MSH") and re.match(r"^D\d{6,9}$", local):
                    term.mesh.append(local)
            elif tag == "is_a":
                term.parents.append(value.split(" ", 1)[0])
            elif tag == "alt_id":
                term.alt_ids.append(value.strip())
            elif tag == "is_obsolete" and value.strip() == "true":
                term.obsolete = True
    if term is not None and not term.obsolete:
        terms[term.id] = term
    return terms


@dataclass
class MeshDescriptor:
    """A MeSH descriptor: UI, name, tree numbers, and entry terms of its preferred concept."""

    ui: str
    name: str
    trees: list[str] = field(default_factory=list)
    entry_terms: list[str] = field(default_factory=list)


def _read_rds(path: Path):
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns that R's data.table is read as a data.frame
        return rdata.read_rds(path)


def read_mesh(sources: Path) -> dict[str, MeshDescriptor]:
    """MeSH descriptors keyed by UI, from the trees and thesaurus ``.rds`` files and the CSV.

    Names come from the descriptor CSV; tree numbers from the trees table; entry terms are the
    non-permuted terms of the descriptor's *preferred* MeSH concept (narrower MeSH concepts inside
    a descriptor, e.g. "Cardiac Hypertrophy" under Cardiomegaly, name other UMLS concepts).
    """
    descriptors: dict[str, MeshDescriptor] = {}
    with open(sources / MESH_CSV_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ui = row["id"].rsplit("/", 1)[-1]
            descriptors[ui] = MeshDescriptor(ui, row["subject"])
    trees = _read_rds(sources / MESH_TREES_FILE)
    for ui, tree in zip(trees["DescriptorUI"], trees["tree_location"], strict=True):
        desc = descriptors.get(str(ui))
        if desc is not None and str(tree) not in desc.trees:
            desc.trees.append(str(tree))
    thesaurus = _read_rds(sources / MESH_THESAURUS_FILE)
    preferred_concept: dict[str, str] = {}
    columns = ("DescriptorUI", "ConceptUI", "RecordPreferredTermYN")
    for ui, concept, record_pref in zip(*(thesaurus[c] for c in columns), strict=True):
        if record_pref == "Y":
            preferred_concept[str(ui)] = str(concept)
    columns = ("DescriptorUI", "ConceptUI", "TermName", "IsPermutedTermYN")
    for ui, concept, term, permuted in zip(*(thesaurus[c] for c in columns), strict=True):
        desc = descriptors.get(str(ui))
        if desc is None or permuted == "Y" or preferred_concept.get(str(ui)) != str(concept):
            continue
        term = str(term)
        if term != desc.name and term not in desc.entry_terms:
            desc.entry_terms.append(term)
    for desc in descriptors.values():
        desc.trees.sort()
    return descriptors


def read_biomappings() -> list[tuple[str, str]]:
    """Curated (positive) exact MeSH ↔ DOID/HP mappings shipped with biomappings, as (MeSH UI, id).

    Ids are ``DOID:…`` or ``HP:…``; the list is sorted. Reads the package's own data: no network.
    """
    import biomappings

    pairs: set[tuple[str, str]] = set()
    for m in biomappings.load_positive_mappings():
        if m.predicate.prefix != "skos" or m.predicate.identifier != "exactMatch":
            continue
        ends = [(m.subject.prefix, m.subject.identifier), (m.object.prefix, m.object.identifier)]
        mesh = [i for p, i in ends if p == "mesh"]
        other = [f"{p.upper()}:{i}" for p, i in ends if p in ("doid", "hp")]
        if mesh and other:
            pairs.add((mesh[0], other[0]))
    return sorted(pairs)


def read_negbio_cuis(path: Path) -> list[str]:
    """CUIs of NegBio's ChestX-ray14 list (one per line)."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
