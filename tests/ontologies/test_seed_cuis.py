"""Every CUI in the seed comes from a source file.

Each route ends in a DO ``xref: UMLS_CUI:`` or HPO ``xref: UMLS:`` line: DO/HPO terms carry their
own CUI, and a MeSH descriptor only takes the CUI of a DO/HPO term it maps to (DO MESH xref,
biomappings, identical name), which is then part of the same concept. NegBio's list only chooses
between the CUIs of one DO/HPO term. So: every seed CUI must be an xref of one of the concept's own
DO/HPO terms (codes in MRCONSO).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "ontologies" / "seed"
CUI = re.compile(r"^C\d{7}$")


def obo_xrefs(path: Path, prefix: str) -> dict[str, set[str]]:
    """Term id -> CUIs from ``xref: <prefix>C…`` lines."""
    out: dict[str, set[str]] = defaultdict(set)
    term = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: "):
            term = line[4:].strip()
        elif line.startswith(f"xref: {prefix}") and term:
            out[term].add(line.split(":", 2)[2].split()[0])
    return out


def test_every_cui_is_an_xref_of_one_of_its_own_do_or_hpo_terms(shared_dir: Path) -> None:
    sources = shared_dir / "data" / "ontology-sources"
    xrefs = obo_xrefs(sources / "doid_2016-09-01.obo", "UMLS_CUI:")
    xrefs.update(obo_xrefs(sources / "hp_2025-01-16.obo", "UMLS:"))
    codes: dict[str, set[str]] = defaultdict(set)
    for line in (SEED / "MRCONSO.RRF").read_text(encoding="utf-8").splitlines():
        f = line.split("|")
        if f[11] in ("DOID", "HPO"):
            codes[f[0]].add(f[13])
    cuis = set()
    for name in ("MRCONSO.RRF", "MRSTY.RRF", "MRDEF.RRF", "MRREL.RRF"):
        for line in (SEED / name).read_text(encoding="utf-8").splitlines():
            cuis |= {f for f in line.split("|") if CUI.match(f)}
    assert len(cuis) > 1000
    unsourced = sorted(c for c in cuis if not any(c in xrefs.get(code, ()) for code in codes[c]))
    assert unsourced == []


def test_negbio_cuis_used_are_named_by_do_or_hpo(shared_dir: Path) -> None:
    negbio = set((shared_dir / "reference" / "negbio_cuis_chestxray14.txt").read_text().split())
    seed = {line.split("|", 1)[0] for line in (SEED / "MRCONSO.RRF").read_text(encoding="utf-8").splitlines()}
    used = negbio & seed
    assert {"C0032227", "C0018800", "C0004144", "C0032285", "C0032326", "C0034067"} <= used
    assert "C0028259" not in seed  # NegBio's "nodule" CUI: no source names it, so it is not used
