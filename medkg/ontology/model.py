"""The in-memory, UMLS-style ontology: concepts keyed by CUI and typed relations between them.

Relations are stored in *head → tail* form: ``Relation("C0032285", "CHD", "isa", "C0024115")``
reads "pneumonia isa lung disease". UMLS MRREL rows ``CUI1|REL|CUI2|RELA`` describe the relation
of CUI2 to CUI1, so the RRF loader turns them into ``Relation(head=CUI2, rel=REL, rela=RELA,
tail=CUI1)``.

Examples
--------
>>> onto = Ontology()
>>> onto.add_concept(Concept("C0032227", "Pleural effusion", synonyms=("effusion",)))
Concept(cui='C0032227', name='Pleural effusion', synonyms=('effusion',), ...)
>>> [c.cui for c in onto.lookup("Pleural Effusions")]
['C0032227']
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from medkg.errors import OntologyError

#: RELA values (or REL values when RELA is empty) that mean "head is a kind of tail".
ISA_RELAS = frozenset({"isa", "CHD"})
#: RELA values (or REL values) that mean "head is a parent of tail".
INVERSE_ISA_RELAS = frozenset({"inverse_isa", "PAR"})

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]|_")


def normalize(text: str) -> str:
    """Normalize a name for dictionary lookup.

    Unicode NFKC, lower case, punctuation and hyphens become spaces, runs of spaces collapse.
    Plurals are *not* stripped here (see :func:`singular`), so the normal form stays readable.

    >>> normalize("Blunting of the Costo-Phrenic  Angle(s)")
    'blunting of the costo phrenic angle s'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


_IRREGULAR = {
    "pleurae": "pleura",
    "vertebrae": "vertebra",
    "bullae": "bulla",
    "lamellae": "lamella",
    "atelectases": "atelectasis",
    "metastases": "metastasis",
    "diagnoses": "diagnosis",
    "stenoses": "stenosis",
    "ribs": "rib",
    "lungs": "lung",
    "hila": "hilum",
    "apices": "apex",
    "vertices": "vertex",
    "calcifications": "calcification",
    "emboli": "embolus",
    "bronchi": "bronchus",
    "foci": "focus",
    "nodi": "nodus",
}
_NO_SINGULAR = re.compile(r"(ss|us|is|ous|ics|sis|xis|itis|ies|as|os|ys)$")


def singular(token: str) -> str:
    """A conservative English singular for one lower-case token.

    >>> [singular(t) for t in ["effusions", "opacities", "lungs", "pneumothorax", "apices", "diffuse"]]
    ['effusion', 'opacity', 'lung', 'pneumothorax', 'apex', 'diffuse']
    """
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes")):
        return token[:-2]
    if token.endswith("s") and not _NO_SINGULAR.search(token):
        return token[:-1]
    return token


def lookup_key(text: str) -> str:
    """The key names are indexed under: :func:`normalize` then :func:`singular` on every token."""
    return " ".join(singular(t) for t in normalize(text).split())


@dataclass(frozen=True, slots=True)
class SemanticType:
    """A UMLS semantic type: ``SemanticType("T047", "Disease or Syndrome")``."""

    tui: str
    name: str


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept, keyed by CUI (or a documented local id for concepts UMLS does not give us).

    ``codes`` holds source vocabulary codes as ``(SAB, code)`` pairs, e.g. ``("MSH", "D010996")``.
    """

    cui: str
    name: str
    synonyms: tuple[str, ...] = ()
    semantic_types: tuple[SemanticType, ...] = ()
    codes: tuple[tuple[str, str], ...] = ()
    definition: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Preferred name followed by the synonyms."""
        return (self.name, *self.synonyms)

    @property
    def tuis(self) -> tuple[str, ...]:
        return tuple(st.tui for st in self.semantic_types)


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation ``head --rela--> tail`` with UMLS's coarse ``rel`` and the source ``sab``."""

    head: str
    rel: str
    rela: str
    tail: str
    sab: str = ""

    @property
    def label(self) -> str:
        """The most specific name of the relation: RELA when present, otherwise REL."""
        return self.rela or self.rel


@dataclass
class Ontology:
    """Concepts keyed by CUI, their relations, and fast lookups.

    Build one with a loader (:func:`medkg.ontology.load`), or by hand with :meth:`add_concept` and
    :meth:`add_relation`. Adding a concept whose CUI already exists merges names and codes.
    """

    concepts: dict[str, Concept] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    name: str = "ontology"
    _by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _by_code: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list), repr=False
    )
    _relation_set: set[Relation] = field(default_factory=set, repr=False)
    _parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)

    # -- building --------------------------------------------------------------------------
    def add_concept(self, concept: Concept) -> Concept:
        """Add ``concept``; if its CUI exists, merge synonyms, types and codes. Returns the stored one."""
        old = self.concepts.get(concept.cui)
        if old is not None:
            concept = _merge(old, concept)
        self.concepts[concept.cui] = concept
        for text in concept.names:
            key = lookup_key(text)
            if key and concept.cui not in self._by_key[key]:
                self._by_key[key].append(concept.cui)
        for code in concept.codes:
            if concept.cui not in self._by_code[code]:
                self._by_code[code].append(concept.cui)
        return concept

    def add_relation(self, relation: Relation) -> None:
        """Add a relation once (exact duplicates are ignored)."""
        if relation in self._relation_set:
            return
        self._relation_set.add(relation)
        self.relations.append(relation)
        label = relation.label
        if label in ISA_RELAS or (not relation.rela and relation.rel in ISA_RELAS):
            self._link(child=relation.head, parent=relation.tail)
        elif label in INVERSE_ISA_RELAS or (not relation.rela and relation.rel in INVERSE_ISA_RELAS):
            self._link(child=relation.tail, parent=relation.head)

    def _link(self, *, child: str, parent: str) -> None:
        if child != parent:
            self._parents[child].add(parent)
            self._children[parent].add(child)

    # -- lookups ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, cui: object) -> bool:
        return cui in self.concepts

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def __getitem__(self, cui: str) -> Concept:
        try:
            return self.concepts[cui]
        except KeyError:
            raise OntologyError(
                "unknown concept", record=cui, hint="check the CUI or load the ontology that has it"
            ) from None

    def get(self, cui: str) -> Concept | None:
        return self.concepts.get(cui)

    def lookup(self, text: str) -> list[Concept]:
        """Concepts with a name or synonym equal to ``text`` after normalization and singularization."""
        return [self.concepts[c] for c in self._by_key.get(lookup_key(text), ())]

    def by_code(self, sab: str, code: str) -> list[Concept]:
        """Concepts carrying the source code ``code`` of vocabulary ``sab`` (e.g. ``"MSH", "D010996"``)."""
        return [self.concepts[c] for c in self._by_code.get((sab, code), ())]

    def lookup_keys(self) -> dict[str, list[str]]:
        """The lookup index: normalized key → CUIs (read-only view for matchers)."""
        return self._by_key

    # -- hierarchy -------------------------------------------------------------------------
    def parents(self, cui: str) -> set[str]:
        return set(self._parents.get(cui, ()))

    def children(self, cui: str) -> set[str]:
        return set(self._children.get(cui, ()))

    def ancestors(self, cui: str) -> set[str]:
        """All concepts reachable upwards over isa (not including ``cui``)."""
        return _closure(cui, self._parents)

    def descendants(self, cui: str) -> set[str]:
        """All concepts reachable downwards over isa (not including ``cui``)."""
        return _closure(cui, self._children)

    def is_a(self, cui: str, ancestor: str) -> bool:
        """True when ``cui`` is ``ancestor`` or one of its descendants."""
        return cui == ancestor or ancestor in self.ancestors(cui)

    # -- statistics ------------------------------------------------------------------------
    def stats(self) -> OntologyStats:
        rel_counts: dict[str, int] = defaultdict(int)
        for r in self.relations:
            rel_counts[r.label] += 1
        sty_counts: dict[str, int] = defaultdict(int)
        for c in self.concepts.values():
            for st in c.semantic_types:
                sty_counts[f"{st.tui} {st.name}"] += 1
        return OntologyStats(
            concepts=len(self.concepts),
            names=sum(len(c.names) for c in self.concepts.values()),
            relations=len(self.relations),
            relations_by_type=dict(sorted(rel_counts.items())),
            semantic_types=dict(sorted(sty_counts.items())),
        )

    @classmethod
    def from_parts(
        cls, concepts: Iterable[Concept], relations: Iterable[Relation] = (), name: str = "ontology"
    ) -> Ontology:
        onto = cls(name=name)
        for c in concepts:
            onto.add_concept(c)
        for r in relations:
            onto.add_relation(r)
        return onto


@dataclass(frozen=True, slots=True)
class OntologyStats:
    concepts: int
    names: int
    relations: int
    relations_by_type: dict[str, int]
    semantic_types: dict[str, int]


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node in seen or node == start:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return seen


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


def _merge(old: Concept, new: Concept) -> Concept:
    synonyms = _unique(s for s in (*old.synonyms, *new.names) if s != old.name)
    return Concept(
        cui=old.cui,
        name=old.name,
        synonyms=synonyms,
        semantic_types=_unique((*old.semantic_types, *new.semantic_types)),
        codes=_unique((*old.codes, *new.codes)),
        definition=old.definition or new.definition,
    )
