"""The in-memory knowledge graph: typed, frozen node and edge records in one container.

Nodes are ``Patient``, ``Study``, ``Report``, ``Image`` and ``Concept``; edges are structure
(``HAS_STUDY``, ``HAS_REPORT``, ``HAS_IMAGE``), image findings (``POSITIVE`` / ``NEGATIVE`` /
``UNCERTAIN``, with provenance), report-derived concept relations (``LOCATED_AT``,
``SUGGESTIVE_OF``, with provenance) and ontology relations (``ISA``, ``PART_OF``, ...).
``docs/SCHEMA.md`` describes how every field is stored in LadybugDB and Neo4j.

Examples
--------
>>> kg = KnowledgeGraph()
>>> kg.concepts["C0032227"] = ConceptNode("C0032227", "Pleural effusion")
>>> kg.counts()["Concept"]
1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from medkg.errors import GraphError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import numpy as np

    from medkg.graph.options import GraphOptions

#: Version of the graph/store schema (bump when a label, type or property changes).
SCHEMA_VERSION = 1


class Label(StrEnum):
    """Node labels (identical in every store)."""

    PATIENT = "Patient"
    STUDY = "Study"
    REPORT = "Report"
    IMAGE = "Image"
    CONCEPT = "Concept"


class Finding(StrEnum):
    """Image→Concept relationship types: MEDMKG's three relations."""

    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    UNCERTAIN = "UNCERTAIN"


class Structure(StrEnum):
    """Structure relationship types."""

    HAS_STUDY = "HAS_STUDY"  # Patient -> Study
    HAS_REPORT = "HAS_REPORT"  # Study -> Report
    HAS_IMAGE = "HAS_IMAGE"  # Study -> Image


class ReportRelation(StrEnum):
    """Concept→Concept relations read from a report (RadGraph-style), with provenance."""

    LOCATED_AT = "LOCATED_AT"
    SUGGESTIVE_OF = "SUGGESTIVE_OF"


STRUCTURE_ENDPOINTS: dict[Structure, tuple[Label, Label]] = {
    Structure.HAS_STUDY: (Label.PATIENT, Label.STUDY),
    Structure.HAS_REPORT: (Label.STUDY, Label.REPORT),
    Structure.HAS_IMAGE: (Label.STUDY, Label.IMAGE),
}


# -- nodes ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PatientNode:
    id: str


@dataclass(frozen=True, slots=True)
class StudyNode:
    id: str
    patient_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class ReportNode:
    """A report. ``text`` is None when the graph is built with ``store_text=False``."""

    id: str
    study_id: str
    text_sha256: str
    text: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class ImageNode:
    """An image. ``naf_kept``/``naf_score`` are set by :func:`medkg.graph.naf` (True/0.0 before)."""

    id: str
    study_id: str
    path: str | None = None
    view_position: str | None = None
    naf_kept: bool = True
    naf_score: float = 0.0


@dataclass(frozen=True, slots=True)
class ConceptNode:
    """A concept: CUI, preferred name, semantic types (TUIs and names) and ``"SAB:code"`` codes."""

    cui: str
    name: str
    semantic_types: tuple[str, ...] = ()
    semantic_type_names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.cui


# -- edges ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """One provenance record: where in which report an edge was read.

    ``start``/``end`` are the mention's character offsets in the report text; ``sentence`` is the
    0-based sentence index; ``sentence_sha256`` hashes the sentence text (kept even when the text
    itself is not stored). Two records with the same :attr:`key` are the same provenance.
    """

    report_id: str
    section: str
    sentence: int
    start: int
    end: int
    sentence_sha256: str
    text: str | None = None
    laterality: str | None = None
    severity: str | None = None

    @property
    def key(self) -> tuple[str, str, int, int, int]:
        return (self.report_id, self.section, self.sentence, self.start, self.end)


def merge_evidence(old: tuple[Evidence, ...], new: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """Union of two provenance tuples, one record per :attr:`Evidence.key`, sorted by key."""
    by_key = {e.key: e for e in old}
    for e in new:
        by_key.setdefault(e.key, e)
    return tuple(by_key[k] for k in sorted(by_key))


@dataclass(frozen=True, slots=True)
class StructureEdge:
    type: Structure
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class FindingEdge:
    """Image→Concept edge. ``support`` is the number of distinct provenance records."""

    type: Finding
    source: str  # image id
    target: str  # CUI
    evidence: tuple[Evidence, ...]
    naf_kept: bool = True

    @property
    def support(self) -> int:
        return len({e.key for e in self.evidence})


@dataclass(frozen=True, slots=True)
class RelationEdge:
    """Concept→Concept relation read from reports (``LOCATED_AT``, ``SUGGESTIVE_OF``)."""

    type: ReportRelation
    source: str
    target: str
    evidence: tuple[Evidence, ...]

    @property
    def support(self) -> int:
        return len({e.key for e in self.evidence})


@dataclass(frozen=True, slots=True)
class OntologyEdge:
    """Concept→Concept ontology relation; ``type`` is ``ISA``, ``PART_OF``, ... (see SCHEMA.md).

    ``relas`` keeps the source relation names folded into this edge and ``sabs`` their sources.
    """

    type: str
    source: str
    target: str
    relas: tuple[str, ...] = ()
    sabs: tuple[str, ...] = ()


Edge = StructureEdge | FindingEdge | RelationEdge | OntologyEdge
Node = PatientNode | StudyNode | ReportNode | ImageNode | ConceptNode


@dataclass(frozen=True)
class ImageEmbeddings:
    """Image embeddings kept beside the graph: row ``i`` of ``vectors`` belongs to ``ids[i]``."""

    ids: tuple[str, ...]
    vectors: np.ndarray
    encoder: str = ""

    def __post_init__(self) -> None:
        if len(self.ids) != len(self.vectors):
            raise GraphError(f"{len(self.ids)} image ids but {len(self.vectors)} embedding rows")


@dataclass(frozen=True)
class GraphInfo:
    """Graph-level settings: the build options and the NaF settings last applied (None: no NaF)."""

    options: GraphOptions | None = None
    naf: dict[str, Any] | None = None


@dataclass
class KnowledgeGraph:
    """Nodes and edges by kind, keyed for O(1) merge; the single in-memory graph type of medkg."""

    patients: dict[str, PatientNode] = field(default_factory=dict)
    studies: dict[str, StudyNode] = field(default_factory=dict)
    reports: dict[str, ReportNode] = field(default_factory=dict)
    images: dict[str, ImageNode] = field(default_factory=dict)
    concepts: dict[str, ConceptNode] = field(default_factory=dict)
    structure: dict[tuple[str, str, str], StructureEdge] = field(default_factory=dict)
    findings: dict[tuple[str, str, str], FindingEdge] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], RelationEdge] = field(default_factory=dict)
    ontology: dict[tuple[str, str, str], OntologyEdge] = field(default_factory=dict)
    info: GraphInfo = field(default_factory=GraphInfo)
    embeddings: ImageEmbeddings | None = None

    # -- access ----------------------------------------------------------------------------
    def nodes_by_label(self) -> dict[Label, dict[str, Node]]:
        return {
            Label.PATIENT: self.patients,
            Label.STUDY: self.studies,
            Label.REPORT: self.reports,
            Label.IMAGE: self.images,
            Label.CONCEPT: self.concepts,
        }

    def nodes(self) -> Iterator[tuple[Label, Node]]:
        for label, nodes in self.nodes_by_label().items():
            for node in nodes.values():
                yield label, node

    def edges(self) -> Iterator[Edge]:
        yield from self.structure.values()
        yield from self.findings.values()
        yield from self.relations.values()
        yield from self.ontology.values()

    def add_edge(self, edge: Edge) -> None:
        """Insert or replace ``edge`` under its ``(type, source, target)`` key."""
        key = (str(edge.type), edge.source, edge.target)
        if isinstance(edge, StructureEdge):
            self.structure[key] = edge
        elif isinstance(edge, FindingEdge):
            self.findings[key] = edge
        elif isinstance(edge, RelationEdge):
            self.relations[key] = edge
        elif isinstance(edge, OntologyEdge):
            self.ontology[key] = edge
        else:  # pragma: no cover - typing guards this
            raise GraphError(f"not an edge: {edge!r}")

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and edges per relationship type."""
        out: dict[str, int] = {str(label): len(nodes) for label, nodes in self.nodes_by_label().items()}
        per_type: Counter = Counter()
        for edges in (self.structure, self.findings, self.relations, self.ontology):
            per_type.update(map(itemgetter(0), edges))  # keys are (type, source, target)
        out.update(sorted((str(t), n) for t, n in per_type.items()))
        return out

    def kept_findings(self) -> Iterator[FindingEdge]:
        """Image→Concept edges kept by NaF (all of them when NaF was not applied)."""
        return (e for e in self.findings.values() if e.naf_kept)

    def validate(self) -> None:
        """Raise :class:`GraphError` for a dangling edge (an endpoint missing from the graph).

        Works on the edge keys ``(type, source, target)`` with set differences, types with the
        same endpoint labels together; the error names the first dangling edge of such a group.
        """
        by_label = self.nodes_by_label()
        for edges in (self.structure, self.findings, self.relations, self.ontology):
            by_ends: dict[tuple[Label, Label], set[str]] = {}  # endpoint labels -> types (in order)
            for t in dict.fromkeys(map(itemgetter(0), edges)):
                by_ends.setdefault(endpoint_labels(str(t)), set()).add(t)
            for (src, dst), types in by_ends.items():
                keys = edges.keys() if len(by_ends) == 1 else [k for k in edges if k[0] in types]
                bad_src = set(map(itemgetter(1), keys)) - by_label[src].keys()
                bad_dst = set(map(itemgetter(2), keys)) - by_label[dst].keys()
                if not (bad_src or bad_dst):
                    continue
                first = next(k for k in keys if k[1] in bad_src or k[2] in bad_dst)
                label, key = (src, first[1]) if first[1] in bad_src else (dst, first[2])
                hint = "add the node before the edge"
                raise GraphError(f"{first[0]} edge points to missing {label} node", record=key, hint=hint)

    def to_networkx(self) -> nx.MultiDiGraph:
        """A ``networkx.MultiDiGraph``: node keys ``"Label:id"``, attributes from the records.

        Edge attributes are ``type`` plus ``support``/``naf_kept`` for findings and relations.
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        for label, node in self.nodes():
            g.add_node(f"{label}:{node.id}", label=str(label), **_plain_fields(node))
        for edge in self.edges():
            src, dst = endpoint_labels(str(edge.type))
            attrs: dict[str, Any] = {"type": str(edge.type)}
            if isinstance(edge, FindingEdge | RelationEdge):
                attrs["support"] = edge.support
            if isinstance(edge, FindingEdge):
                attrs["naf_kept"] = edge.naf_kept
            g.add_edge(f"{src}:{edge.source}", f"{dst}:{edge.target}", key=str(edge.type), **attrs)
        return g


def endpoint_labels(edge_type: str) -> tuple[Label, Label]:
    """The (source, target) labels of a relationship type."""
    if edge_type in Structure.__members__:
        return STRUCTURE_ENDPOINTS[Structure(edge_type)]
    if edge_type in Finding.__members__:
        return (Label.IMAGE, Label.CONCEPT)
    return (Label.CONCEPT, Label.CONCEPT)


def _plain_fields(node: Node) -> dict[str, Any]:
    return {name: getattr(node, name) for name in node.__dataclass_fields__}
