"""Choose the seed's source terms and give every term its concept id (a source CUI or a local id).

Concept ids (see ``ontologies/README.md``):

* a DO or HPO term's own CUI comes from its ``xref: UMLS_CUI:`` / ``xref: UMLS:`` lines; with several,
  the one in NegBio's ChestX-ray14 list wins, then one the other ontology also lists, then the first;
* a MeSH descriptor takes the CUI of a DO/HPO term it maps to, by route, best first: (1) DO's own
  ``xref: MESH:``, (2) a biomappings curated exact match, (3) identical preferred names (after
  :func:`medkg.ontology.model.lookup_key`); within a route a term whose name equals the descriptor's
  comes first. Each CUI goes to one descriptor only;
* a DO/HPO term without a CUI joins the concept of the MeSH descriptor it maps to (same routes);
* anything left gets a local id that can never look like a CUI: ``MKG:D…`` (MeSH UI),
  ``MKG:DOID_…``, ``MKG:HP_…``, or the curated ``MKG:<slug>``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from medkg.ontology.model import lookup_key

from .sources import MeshDescriptor, OboTerm


@dataclass
class Node:
    """One source term of the seed (MeSH descriptor, DO term, HPO term or curated concept)."""

    key: str
    sab: str
    code: str
    name: str
    synonyms: list[str] = field(default_factory=list)
    definition: str = ""
    cui: str | None = None
    trees: list[str] = field(default_factory=list)
    tui: str = ""
    abbreviations: list[str] = field(default_factory=list)


def _in_tree(tree: str, prefix: str) -> bool:
    return tree == prefix or tree.startswith(prefix + ".")


def _subtree(terms: dict[str, OboTerm], root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for term in terms.values():
        for parent in term.parents:
            children[parent].append(term.id)
    seen: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node not in seen and node in terms:
            seen.add(node)
            stack.extend(children[node])
    return seen


def _primary_cui(term: OboTerm, negbio: set[str], other: set[str]) -> str | None:
    for preferred in (negbio, other):
        for cui in term.cuis:
            if cui in preferred:
                return cui
    return term.cuis[0] if term.cuis else None


@dataclass
class Selection:
    """The chosen source terms (``nodes`` by key) and each term's concept id."""

    nodes: dict[str, Node]
    concept_of: dict[str, str]
    mesh_routes: dict[str, str]  # MeSH key -> route that gave its CUI ("do-xref", "biomappings", "name")
    mesh_trees: dict[str, str]  # in-scope tree number -> MeSH key


def select(
    mesh: dict[str, MeshDescriptor],
    do: dict[str, OboTerm],
    hpo: dict[str, OboTerm],
    biomappings: list[tuple[str, str]],
    negbio: list[str],
    scope: list[dict[str, str]],
    forced: set[str],
) -> Selection:
    """Pick terms by ``scope`` (plus ``forced`` source keys named by curated tables) and assign ids."""
    tree_prefixes = [r["id"] for r in scope if r["kind"] == "MSH-tree"]
    explicit = {r["id"] for r in scope if r["kind"] == "MSH"}
    mesh_in: dict[str, list[str]] = {}
    for ui, desc in mesh.items():
        trees = [t for t in desc.trees if ui in explicit or any(_in_tree(t, p) for p in tree_prefixes)]
        if trees or ui in explicit:
            mesh_in[ui] = trees
    for key in sorted(forced):  # descriptors named by curated tables but outside the scope
        if key.startswith("MSH:") and key[4:] not in mesh_in:
            mesh_in[key[4:]] = list(mesh[key[4:]].trees)
    do_alt = {alt: t.id for t in do.values() for alt in t.alt_ids}
    do_in: set[str] = set()
    hp_in: set[str] = set()
    for r in scope:
        if r["kind"] == "DOID-tree":
            do_in |= _subtree(do, r["id"])
        elif r["kind"] == "HP-tree":
            hp_in |= _subtree(hpo, r["id"])
    do_in |= {k for k in forced if k in do}
    hp_in |= {k for k in forced if k in hpo}

    negbio_set = set(negbio)
    do_cuis = {c for t in do.values() for c in t.cuis}
    hp_cuis = {c for t in hpo.values() for c in t.cuis}
    do_cui = {t.id: _primary_cui(t, negbio_set, hp_cuis) for t in do.values()}
    hp_cui = {t.id: _primary_cui(t, negbio_set, do_cuis) for t in hpo.values()}

    # Candidate (descriptor, term) mappings with their route rank.
    candidates: list[tuple[int, int, str, str]] = []  # (route, name-mismatch, mesh UI, term id)
    for term in do.values():
        for ui in term.mesh:
            if ui in mesh_in:
                candidates.append((0, lookup_key(term.name) != lookup_key(mesh[ui].name), ui, term.id))
    for ui, other in biomappings:
        other = do_alt.get(other, other)
        if ui in mesh_in and (other in do or other in hpo):
            name = (do.get(other) or hpo[other]).name
            candidates.append((1, lookup_key(name) != lookup_key(mesh[ui].name), ui, other))
    by_name: dict[str, list[str]] = defaultdict(list)
    for terms in (do, hpo):
        for term in terms.values():
            by_name[lookup_key(term.name)].append(term.id)
    for ui in mesh_in:
        for other in by_name.get(lookup_key(mesh[ui].name), ()):
            candidates.append((2, False, ui, other))
    candidates.sort()
    routes = ("do-xref", "biomappings", "name")

    mesh_cui: dict[str, str] = {}
    mesh_routes: dict[str, str] = {}
    claimed: set[str] = set()
    joined: dict[str, str] = {}  # CUI-less DO/HPO term -> MeSH UI
    for route, _mismatch, ui, other in candidates:
        cui = do_cui.get(other) if other in do else hp_cui.get(other)
        if cui is None:
            joined.setdefault(other, ui)
            continue
        if ui in mesh_cui or cui in claimed:
            continue
        mesh_cui[ui] = cui
        mesh_routes[f"MSH:{ui}"] = routes[route]
        claimed.add(cui)
    # Pull in every DO/HPO term mapped to an included descriptor or sharing an included CUI.
    for _route, _mismatch, _ui, other in candidates:
        (do_in if other in do else hp_in).add(other)
    cuis_in = set(mesh_cui.values())
    cuis_in |= {do_cui[t] for t in do_in if do_cui[t]} | {hp_cui[t] for t in hp_in if hp_cui[t]}
    cuis_in |= negbio_set & (do_cuis | hp_cuis)
    do_in |= {t for t, c in do_cui.items() if c and c in cuis_in}
    hp_in |= {t for t, c in hp_cui.items() if c and c in cuis_in}

    nodes: dict[str, Node] = {}
    concept_of: dict[str, str] = {}
    mesh_trees: dict[str, str] = {}
    for ui in sorted(mesh_in):
        desc = mesh[ui]
        key = f"MSH:{ui}"
        nodes[key] = Node(key, "MSH", ui, desc.name, list(desc.entry_terms), trees=mesh_in[ui])
        concept_of[key] = mesh_cui.get(ui, f"MKG:{ui}")
        for tree in mesh_in[ui]:
            mesh_trees[tree] = key
    obo_sources = (("DOID", do, do_in, do_cui, "DOID_"), ("HPO", hpo, hp_in, hp_cui, "HP_"))
    for sab, terms, chosen, cui_of, local in obo_sources:
        for tid in sorted(chosen):
            term = terms[tid]
            nodes[tid] = Node(
                tid, sab, tid, term.name, list(term.exact_synonyms), term.definition, cui_of[tid]
            )
            if cui_of[tid]:
                concept_of[tid] = cui_of[tid]
            elif tid in joined:
                concept_of[tid] = concept_of[f"MSH:{joined[tid]}"]
            else:
                concept_of[tid] = "MKG:" + local + re.sub(r"^\w+:", "", tid)
    return Selection(nodes, concept_of, mesh_routes, mesh_trees)
