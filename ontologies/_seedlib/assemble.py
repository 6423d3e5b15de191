"""Turn the selected source terms into seed concepts: atoms, semantic types, definitions, relations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .curated import Curated
from .select import Node, Selection
from .sources import OboTerm

SAB_ORDER = {"MSH": 0, "DOID": 1, "HPO": 2, "MEDKG": 3}
TTY_ORDER = {"MH": 0, "PT": 0, "ET": 1, "SY": 1, "AB": 2}


@dataclass(frozen=True)
class Atom:
    """One name of a concept in one source: becomes an MRCONSO row."""

    sab: str
    tty: str
    code: str
    scui: str
    sdui: str
    text: str

    def sort_key(self) -> tuple:
        return (SAB_ORDER[self.sab], TTY_ORDER[self.tty], self.code, self.text)


@dataclass
class SeedConcept:
    """A concept of the seed: id (CUI or local id), atoms (preferred first), TUIs, definitions."""

    id: str
    atoms: list[Atom] = field(default_factory=list)
    tuis: list[str] = field(default_factory=list)
    definitions: list[tuple[Atom, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    """``child --rela--> parent`` (rela ``isa`` or ``part_of``) asserted by source ``sab``."""

    child: str
    rela: str
    parent: str
    sab: str


def add_curated_nodes(selection: Selection, curated: Curated) -> None:
    """Add curated local concepts as nodes with their own ``MKG:<slug>`` ids."""
    for row in curated.concepts:
        key = row["id"]
        if not key.startswith("MKG:") or key[4:5] == "D" and key[5:].isdigit():
            raise ValueError(f"curated concept id {key!r} must be MKG:<lower-case slug>")
        selection.nodes[key] = Node(
            key, "MEDKG", key, row["name"], definition=row["definition"], tui=row["tui"]
        )
        selection.concept_of[key] = key


def _atoms(node: Node) -> list[Atom]:
    if node.sab == "MSH":
        head = Atom("MSH", "MH", node.code, "", node.code, node.name)
        return [head, *(Atom("MSH", "ET", node.code, "", node.code, t) for t in node.synonyms)]
    scui = node.code
    head = Atom(node.sab, "PT", node.code, scui, "", node.name)
    return [head, *(Atom(node.sab, "SY", node.code, scui, "", t) for t in node.synonyms if t != node.name)]


def _mesh_tuis(node: Node, rules: list[tuple[str, str]]) -> list[str]:
    """TUI of the longest rule prefix matching each tree number ("" matches everything)."""

    def matches(tree: str, prefix: str) -> bool:
        if not prefix or not tree:
            return prefix == tree
        return (
            tree == prefix or tree.startswith(prefix + ".") or (len(prefix) == 1 and tree.startswith(prefix))
        )

    table = dict(rules)
    out = []
    for tree in node.trees or [""]:
        hits = [p for p in table if matches(tree, p)]
        if hits:
            out.append(table[max(hits, key=len)])
    return out or [table[""]]


def build_concepts(selection: Selection, curated: Curated, do: dict[str, OboTerm]) -> dict[str, SeedConcept]:
    """Group nodes into concepts; attach atoms, curated synonyms, semantic types and definitions."""
    mesh_rules = [(r["prefix"], r["tui"]) for r in curated.type_rules if r["source"] == "MSH"]
    do_rules = [(r["prefix"], r["tui"]) for r in curated.type_rules if r["source"] == "DOID"]
    hpo_default = next(r["tui"] for r in curated.type_rules if r["source"] == "HPO")
    do_ancestors = _ancestor_fn(do)
    concepts: dict[str, SeedConcept] = {}
    by_concept: dict[str, list[Node]] = defaultdict(list)
    for key, node in selection.nodes.items():
        by_concept[selection.concept_of[key]].append(node)
    for cid, nodes in by_concept.items():
        concept = concepts[cid] = SeedConcept(cid)
        atoms: dict[Atom, None] = {}
        for node in nodes:
            node_atoms = _atoms(node)
            atoms.update(dict.fromkeys(node_atoms))
            if node.definition and node.sab in ("DOID", "HPO", "MEDKG"):
                concept.definitions.append((node_atoms[0], node.definition))
        concept.atoms = sorted(atoms, key=Atom.sort_key)
        sabs = {n.sab for n in nodes}
        tuis: list[str] = []
        for node in nodes:
            if node.sab == "MSH":
                tuis += _mesh_tuis(node, mesh_rules)
            elif node.sab == "DOID" and "MSH" not in sabs:
                ancestors = do_ancestors(node.key) | {node.key}
                tuis += [next(t for p, t in do_rules if p in ancestors or p == "DOID:4")]
            elif node.sab == "HPO" and not sabs & {"MSH", "DOID"}:
                tuis.append(hpo_default)
            elif node.sab == "MEDKG":
                tuis.append(node.tui)
        concept.tuis = sorted(set(tuis))
        concept.definitions.sort(key=lambda d: d[0].sort_key())
    for row in curated.synonyms:
        cid = selection.concept_of.get(row["target"])
        if cid is None:
            raise ValueError(f"curated synonym {row['text']!r}: target {row['target']} is not in the seed")
        code = cid if cid.startswith("MKG:") and cid in selection.nodes else "NOCODE"
        atom = Atom("MEDKG", row["tty"], code, "", "", row["text"])
        if atom not in concepts[cid].atoms:
            concepts[cid].atoms.append(atom)
    for concept in concepts.values():
        head, rest = concept.atoms[0], concept.atoms[1:]
        concept.atoms = [head, *sorted(rest, key=Atom.sort_key)]
    return concepts


def _ancestor_fn(terms: dict[str, OboTerm]):
    cache: dict[str, set[str]] = {}

    def ancestors(tid: str) -> set[str]:
        if tid not in cache:
            cache[tid] = set()
            found: set[str] = set()
            for parent in terms[tid].parents if tid in terms else ():
                found |= {parent} | ancestors(parent)
            cache[tid] = found
        return cache[tid]

    return ancestors


def _nearest_included(start: str, terms: dict[str, OboTerm], included) -> list[str]:
    """Closest included ancestors of ``start``, walking through excluded intermediates."""
    out: list[str] = []
    seen: set[str] = set()
    stack = list(terms[start].parents)
    while stack:
        tid = stack.pop(0)
        if tid in seen or tid not in terms:
            continue
        seen.add(tid)
        if tid in included:
            out.append(tid)
        else:
            stack.extend(terms[tid].parents)
    return sorted(out)


def build_edges(
    selection: Selection, curated: Curated, do: dict[str, OboTerm], hpo: dict[str, OboTerm]
) -> list[Edge]:
    """isa / part_of edges between concepts from MeSH trees, DO and HPO is_a, and curated links.

    Edges are deduplicated, self links dropped, and an edge that would close a cycle in its
    relation is dropped (curated edges are added first, then MSH, DOID, HPO).
    """
    raw: list[Edge] = []
    for row in curated.relations:
        raw.append(Edge(row["child"], row["rela"], row["parent"], "MEDKG"))
    for key, node in selection.nodes.items():
        if node.sab == "MSH":
            for tree in node.trees:
                parent = tree
                while "." in parent:
                    parent = parent.rsplit(".", 1)[0]
                    if parent in selection.mesh_trees:
                        rela = "part_of" if tree.startswith("A") else "isa"
                        raw.append(Edge(key, rela, selection.mesh_trees[parent], "MSH"))
                        break
        elif node.sab in ("DOID", "HPO"):
            terms = do if node.sab == "DOID" else hpo
            for parent in _nearest_included(key, terms, selection.nodes):
                raw.append(Edge(key, "isa", parent, node.sab))
    raw.sort(key=lambda e: (SAB_ORDER[e.sab], e.child, e.rela, e.parent))
    parents: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    kept: dict[tuple[str, str, str], Edge] = {}
    for edge in raw:
        for end in (edge.child, edge.parent):
            if end not in selection.concept_of:
                raise ValueError(f"curated relation names {end}, which is not in the seed")
        child, parent = selection.concept_of[edge.child], selection.concept_of[edge.parent]
        triple = (child, edge.rela, parent)
        if child == parent or triple in kept or _reaches(parents[edge.rela], parent, child):
            continue
        parents[edge.rela][child].add(parent)
        kept[triple] = Edge(child, edge.rela, parent, edge.sab)
    return sorted(kept.values(), key=lambda e: (e.parent, e.rela, e.child))


def _reaches(parents: dict[str, set[str]], start: str, target: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(parents.get(node, ()))
    return False
