"""Which ontology relations become Concept→Concept edges, and in which direction.

Inverse policy (documented in docs/SCHEMA.md): each canonical relation is stored **once**, in
its reading direction; the source's inverse rows are flipped into it, never stored twice.

============== ============== ===================================== ==========================
name           type           read from (forward / flipped)          direction
============== ============== ===================================== ==========================
isa            ``ISA``        isa, CHD / inverse_isa, PAR            child → parent
part_of        ``PART_OF``    part_of / has_part                     part → whole
finding_site   ``FINDING_SITE`` has_finding_site / finding_site_of   finding → body site
associated_with ``ASSOCIATED_WITH`` associated_with (symmetric)      lower CUI → higher CUI
============== ============== ===================================== ==========================

Any other RELA name may be selected too: its type is the name in upper case (``has_manifestation``
→ ``HAS_MANIFESTATION``) and the direction is kept as the source gives it.

Examples
--------
>>> from medkg.ontology.model import Relation
>>> rel = Relation("C0024115", "RN", "inverse_isa", "C0004144", "MSH")
>>> select_edges([rel], {"C0024115", "C0004144"}, ("isa",))
{('ISA', 'C0004144', 'C0024115'): ({'inverse_isa'}, {'MSH'})}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from medkg.errors import ConfigError
from medkg.ontology.model import Relation

_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class RelationSpec:
    type: str
    forward: frozenset[str]
    inverse: frozenset[str] = frozenset()
    symmetric: bool = False
    export_name: str = ""


CANONICAL: dict[str, RelationSpec] = {
    "isa": RelationSpec(
        "ISA", frozenset({"isa", "CHD"}), frozenset({"inverse_isa", "PAR"}), export_name="isa"
    ),
    "part_of": RelationSpec(
        "PART_OF", frozenset({"part_of"}), frozenset({"has_part"}), export_name="part_of"
    ),
    "finding_site": RelationSpec(
        "FINDING_SITE",
        frozenset({"has_finding_site"}),
        frozenset({"finding_site_of"}),
        export_name="has_finding_site",
    ),
    "associated_with": RelationSpec(
        "ASSOCIATED_WITH", frozenset({"associated_with"}), symmetric=True, export_name="associated_with"
    ),
}


def relation_type_name(name: str) -> str:
    """The relationship type of a (canonical or raw) relation name; raises on unsafe names."""
    spec = CANONICAL.get(name)
    if spec is not None:
        return spec.type
    clean = name.replace("-", "_")
    if not _TYPE_NAME.match(clean):
        raise ConfigError(
            f"relation name {name!r} cannot be a relationship type", hint="use letters, digits, _"
        )
    return clean.upper()


def export_name(edge_type: str) -> str:
    """The lower-case relation name written in MEDMKG-style exports for a relationship type."""
    for spec in CANONICAL.values():
        if spec.type == edge_type:
            return spec.export_name
    return edge_type.lower()


def _lookup(selected: Iterable[str]) -> dict[str, tuple[RelationSpec, bool]]:
    """Source relation name → (spec, flip?)."""
    table: dict[str, tuple[RelationSpec, bool]] = {}
    for name in selected:
        spec = CANONICAL.get(name)
        if spec is None:
            spec = RelationSpec(relation_type_name(name), frozenset({name}), export_name=name)
        for raw in spec.forward:
            table[raw] = (spec, False)
        for raw in spec.inverse:
            table[raw] = (spec, True)
    return table


def _canonical(
    relation: Relation, table: dict[str, tuple[RelationSpec, bool]]
) -> tuple[str, str, str, str] | None:
    name = relation.rela or relation.rel
    hit = table.get(name)
    if hit is None:
        return None
    spec, flip = hit
    head, tail = (relation.tail, relation.head) if flip else (relation.head, relation.tail)
    if spec.symmetric and tail < head:
        head, tail = tail, head
    if head == tail:
        return None
    return spec.type, head, tail, name


def select_edges(
    relations: Iterable[Relation], concepts: set[str] | dict, selected: Iterable[str]
) -> dict[tuple[str, str, str], tuple[set[str], set[str]]]:
    """Selected relations between ``concepts``: ``(type, source, target) -> (relas, sabs)``."""
    table = _lookup(selected)
    out: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for relation in relations:
        if relation.head not in concepts or relation.tail not in concepts:
            continue
        hit = _canonical(relation, table)
        if hit is None:
            continue
        type_, head, tail, name = hit
        relas, sabs = out.setdefault((type_, head, tail), (set(), set()))
        relas.add(name)
        if relation.sab:
            sabs.add(relation.sab)
    return out


def neighbourhood(relations: Iterable[Relation], concepts: set[str], selected: Iterable[str]) -> set[str]:
    """Concepts one selected relation away from ``concepts``, read in the canonical direction.

    A concept's ``isa`` parents, the wholes it is ``part_of``, its ``finding_site`` targets, and
    either end of a symmetric relation (``associated_with``); never children or parts, which
    would pull in whole subtrees.

    Examples
    --------
    >>> from medkg.ontology.model import Relation
    >>> rels = [Relation("C0024115", "RN", "inverse_isa", "C0004144")]
    >>> sorted(neighbourhood(rels, {"C0004144"}, ("isa",)))
    ['C0024115']
    """
    table = _lookup(selected)
    out: set[str] = set()
    for relation in relations:
        if relation.head not in concepts and relation.tail not in concepts:
            continue
        hit = _canonical(relation, table)
        if hit is None:
            continue
        _, head, tail, name = hit
        spec = table[name][0]
        if head in concepts:
            out.add(tail)
        if spec.symmetric and tail in concepts:
            out.add(head)
    return out - concepts
