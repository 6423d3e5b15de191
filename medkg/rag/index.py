"""A compact, read-only view of a graph for fast retrieval: image × concept matrices and edges.

:class:`GraphIndex` is built once from any :class:`~medkg.store.base.GraphStore`
(``store.read_graph()``) or from a :class:`~medkg.graph.model.KnowledgeGraph`. It keeps ids,
counts and edges, and (``sentences=True``, the default) the evidence sentences of positive
finding edges that ``read_graph`` already loaded, so a query needs no store round trip.

Anatomy concepts (semantic types all in :data:`~medkg.rag.factuality.ANATOMY_TUIS`) are listed
in :attr:`GraphIndex.anatomy`: the ranking treats them as findings only through their finding
edges, which graphs built with ``GraphOptions(anatomy_edges="findings")`` keep for qualified
anatomy only ("low lung volumes" → Lung; not "the spine").

With an ``ontology``, anatomy the graph's concepts are ``part_of`` (transitively) becomes a
*rolled-up* concept: an image has it when it has any of its parts ("right upper lobe" →
"Lung"). Rolled-up concepts are marked in :attr:`GraphIndex.rolled_up` (concept → its parts).

Examples
--------
>>> from medkg.graph.model import KnowledgeGraph
>>> GraphIndex.from_graph(KnowledgeGraph()).n_images
0
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from medkg.graph.model import KnowledgeGraph
from medkg.rag.facts import Provenance, natural_key
from medkg.rag.factuality import ANATOMY_TUIS

ASSERTIONS = ("POSITIVE", "NEGATIVE", "UNCERTAIN")
ASSERTION_NAME = {"POSITIVE": "present", "NEGATIVE": "absent", "UNCERTAIN": "uncertain"}


@dataclass(frozen=True, slots=True)
class Link:
    """A concept→concept edge seen from one end: ``other`` is the far end."""

    type: str
    other: str
    support: int
    outgoing: bool
    sources: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()  # reports whose sentences state the relation


@dataclass
class GraphIndex:
    """Images × concepts incidence (one CSR matrix per assertion), names and concept links."""

    images: list[str]
    concepts: list[str]
    names: dict[str, str]
    matrices: dict[str, sparse.csr_matrix]
    image_reports: dict[str, tuple[str, ...]]
    links: dict[str, list[Link]] = field(default_factory=dict)
    semantic_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    encoder: str = ""
    rolled_up: dict[str, tuple[str, ...]] = field(default_factory=dict)
    evidence: dict[tuple[str, str], tuple] | None = None

    def __post_init__(self) -> None:
        self.image_pos = {i: n for n, i in enumerate(self.images)}
        self.concept_pos = {c: n for n, c in enumerate(self.concepts)}
        self._csc = {k: m.tocsc() for k, m in self.matrices.items()}
        for m in self._csc.values():
            m.sort_indices()  # columns list their rows in order (``column``)
        self.df = {k: np.asarray(m.sum(axis=0)).ravel() for k, m in self.matrices.items()}
        self.anatomy = frozenset(
            c for c in self.concepts if (t := self.semantic_types.get(c)) and set(t) <= ANATOMY_TUIS
        )
        self._rank_reports()

    def _rank_reports(self) -> None:
        """Number every report once in natural order, so provenance needs no string sorting per query:
        ``_first_report[row]`` is the rank of an image's first report (-1: none), ``_more_reports``
        the ranks of further reports of the rare image with several."""
        ids = {rid for reports in self.image_reports.values() for rid in reports}
        ids.update(rid for links in self.links.values() for link in links for rid in link.reports)
        self.report_order = sorted(ids, key=natural_key)
        self.report_rank = {rid: n for n, rid in enumerate(self.report_order)}
        self._link_ranks: dict[int, np.ndarray] = {}
        self._first_report = np.full(len(self.images), -1, dtype=np.int64)
        self._more_reports: dict[int, list[int]] = {}
        for row, image in enumerate(self.images):
            ranks = sorted(self.report_rank[r] for r in self.image_reports.get(image, ()))
            if ranks:
                self._first_report[row] = ranks[0]
                if len(ranks) > 1:
                    self._more_reports[row] = ranks[1:]

    @property
    def n_images(self) -> int:
        return len(self.images)

    @classmethod
    def from_store(cls, store, ontology=None, sentences: bool = True) -> GraphIndex:
        """Index a store through the protocol (one ``read_graph`` call)."""
        return cls.from_graph(store.read_graph(), ontology=ontology, sentences=sentences)

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph, ontology=None, sentences: bool = True) -> GraphIndex:
        """Index a graph; ``ontology`` adds rolled-up ``part_of`` anatomy (module docstring).

        Examples
        --------
        >>> GraphIndex.from_graph(KnowledgeGraph(), sentences=False).evidence is None
        True
        """
        images = sorted(kg.images)
        wholes = _part_of_closure(kg.concepts, ontology) if ontology is not None else {}
        rolled: dict[str, list[str]] = defaultdict(list)
        for part, above in wholes.items():
            for whole in above:
                rolled[whole].append(part)
        concepts = sorted(kg.concepts) + sorted(set(rolled) - set(kg.concepts))
        ipos = {i: n for n, i in enumerate(images)}
        cpos = {c: n for n, c in enumerate(concepts)}
        cells: dict[str, tuple[list[int], list[int]]] = {a: ([], []) for a in ASSERTIONS}
        evidence: dict[tuple[str, str], tuple] | None = {} if sentences else None
        for edge in kg.kept_findings():
            kind = str(edge.type)
            rows, cols = cells[kind]
            rows.append(ipos[edge.source])
            cols.append(cpos[edge.target])
            if kind == "POSITIVE":
                for whole in wholes.get(edge.target, ()):
                    rows.append(ipos[edge.source])
                    cols.append(cpos[whole])
                if evidence is not None and edge.evidence:
                    evidence[(edge.source, edge.target)] = edge.evidence
        shape = (len(images), len(concepts))
        matrices = {
            a: sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=shape)
            for a, (r, c) in cells.items()
        }
        for m in matrices.values():
            m.sum_duplicates()
            m.data[:] = 1.0  # an image counts once per concept (rolled-up parts overlap)
        study_reports: dict[str, list[str]] = defaultdict(list)
        study_images: dict[str, list[str]] = defaultdict(list)
        links: dict[str, list[Link]] = defaultdict(list)
        for edge in kg.structure.values():
            if str(edge.type) == "HAS_REPORT":
                study_reports[edge.source].append(edge.target)
            elif str(edge.type) == "HAS_IMAGE":
                study_images[edge.source].append(edge.target)
        image_reports = {
            image: tuple(sorted(study_reports.get(study, ())))
            for study, imgs in study_images.items()
            for image in imgs
        }
        for rel in kg.relations.values():
            t = str(rel.type)
            reports = tuple(sorted({ev.report_id for ev in rel.evidence}, key=natural_key))
            links[rel.source].append(Link(t, rel.target, rel.support, True, reports=reports))
            links[rel.target].append(Link(t, rel.source, rel.support, False, reports=reports))
        for ont in kg.ontology.values():
            links[ont.source].append(Link(ont.type, ont.target, 0, True, ont.sabs))
            links[ont.target].append(Link(ont.type, ont.source, 0, False, ont.sabs))
        names = {c: node.name for c, node in kg.concepts.items()}
        for whole in rolled:
            concept = ontology.get(whole)
            names.setdefault(whole, concept.name if concept is not None else whole)
            for part in rolled[whole]:
                links[part].append(Link("PART_OF", whole, 0, True, ("ontology",)))
                links[whole].append(Link("PART_OF", part, 0, False, ("ontology",)))
        types = {c: node.semantic_types for c, node in kg.concepts.items()}
        for whole in set(rolled) - set(kg.concepts):
            concept = ontology.get(whole)
            types[whole] = tuple(concept.tuis) if concept is not None else ()
        return cls(
            images=images,
            concepts=concepts,
            names=names,
            matrices=matrices,
            image_reports=image_reports,
            links=dict(links),
            semantic_types=types,
            encoder=kg.embeddings.encoder if kg.embeddings is not None else "",
            rolled_up={w: tuple(sorted(p)) for w, p in rolled.items()},
            evidence=evidence,
        )

    def subset(self, images: Collection[str]) -> GraphIndex:
        """The index restricted to ``images`` (e.g. the training folds of a cross-validation).

        Concept columns stay the same; relation links keep only the reports of the kept images
        (their support scaled to the share kept) and are dropped when none is kept.

        Examples
        --------
        >>> GraphIndex.from_graph(KnowledgeGraph()).subset([]).n_images
        0
        """
        rows = np.asarray(sorted(self.image_pos[i] for i in images if i in self.image_pos), dtype=np.int64)
        kept_images = [self.images[r] for r in rows]
        image_reports = {i: self.image_reports[i] for i in kept_images if i in self.image_reports}
        reports = {rid for ids in image_reports.values() for rid in ids}
        links: dict[str, list[Link]] = {}
        for cui, items in self.links.items():
            out = []
            for link in items:
                if link.reports:
                    kept = tuple(r for r in link.reports if r in reports)
                    if not kept:
                        continue
                    support = max(1, round(link.support * len(kept) / len(link.reports)))
                    link = replace(link, reports=kept, support=support)
                out.append(link)
            links[cui] = out
        evidence = None
        if self.evidence is not None:
            keep = set(kept_images)
            evidence = {key: ev for key, ev in self.evidence.items() if key[0] in keep}
        return GraphIndex(
            images=kept_images,
            concepts=list(self.concepts),
            names=self.names,
            matrices={a: m[rows] for a, m in self.matrices.items()},
            image_reports=image_reports,
            links=links,
            semantic_types=self.semantic_types,
            encoder=self.encoder,
            rolled_up=self.rolled_up,
            evidence=evidence,
        )

    # -- lookups -----------------------------------------------------------------------------
    def images_with(self, cuis: set[str] | frozenset[str], assertion: str = "POSITIVE") -> np.ndarray:
        """Row indexes of images with any of ``cuis`` under ``assertion`` (sorted, unique)."""
        cols = [self.concept_pos[c] for c in cuis if c in self.concept_pos]
        if not cols:
            return np.zeros(0, dtype=np.int64)
        if len(cols) == 1:
            return self.column(cols[0], assertion)
        parts = [self.column(c, assertion) for c in cols]
        if sum(len(p) for p in parts) * 64 < self.n_images:  # else a row mask is cheaper than sorting
            return np.unique(np.concatenate(parts))
        mask = np.zeros(self.n_images, dtype=bool)
        for part in parts:
            mask[part] = True
        return np.flatnonzero(mask)

    def column(self, pos: int, assertion: str = "POSITIVE") -> np.ndarray:
        """Sorted row indexes of the images with the concept at column ``pos`` under ``assertion``."""
        csc = self._csc[assertion]
        return csc.indices[csc.indptr[pos] : csc.indptr[pos + 1]].astype(np.int64, copy=False)

    def cooccurrence(self, rows: np.ndarray, assertion: str = "POSITIVE") -> np.ndarray:
        """Per concept, how many of the images ``rows`` have it under ``assertion``."""
        if len(rows) == 0:
            return np.zeros(len(self.concepts), dtype=np.float64)
        return np.asarray(self.matrices[assertion][rows].sum(axis=0), dtype=np.float64).ravel()

    def descendants(self, cui: str) -> set[str]:
        """``cui`` and the graph concepts below it through ``ISA`` edges."""
        out, todo = {cui}, [cui]
        while todo:
            for link in self.links.get(todo.pop(), ()):
                if link.type == "ISA" and not link.outgoing and link.other not in out:
                    out.add(link.other)
                    todo.append(link.other)
        return out

    def name(self, cui: str) -> str:
        return self.names.get(cui, cui)

    def resolve(self, text: str) -> list[str]:
        """CUIs for a CUI or a concept name (case-insensitive exact name match)."""
        if text in self.concept_pos:
            return [text]
        if not hasattr(self, "_by_name"):
            by_name: dict[str, list[str]] = defaultdict(list)
            for cui, name in self.names.items():
                by_name[name.casefold()].append(cui)
            self._by_name = dict(by_name)
        return sorted(self._by_name.get(text.casefold(), []))

    def report_ranks(self, rows: np.ndarray) -> np.ndarray:
        """Sorted unique ranks (:attr:`report_order`) of the reports of the images at ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        ranks = self._first_report[rows]
        if self._more_reports:
            extra = [r for row in rows.tolist() for r in self._more_reports.get(row, ())]
            ranks = np.concatenate([ranks, np.asarray(extra, dtype=np.int64)])
        ranks = ranks[ranks >= 0]
        if len(ranks) * 64 < len(self.report_order):
            return np.unique(ranks)
        mask = np.zeros(len(self.report_order), dtype=bool)  # cheaper than sorting many ranks
        mask[ranks] = True
        return np.flatnonzero(mask)

    def reports_of(self, rows: np.ndarray, limit: int | None = None) -> tuple[str, ...]:
        """Report ids of the images at ``rows`` (unique, in natural order: 374 before 1230; the
        first ``limit``)."""
        ranks = self.report_ranks(rows)
        return tuple(self.report_order[r] for r in (ranks[:limit] if limit else ranks))

    def rows_of_report_ranks(self, rows: np.ndarray, ranks: np.ndarray) -> np.ndarray:
        """Those of ``rows`` (in order) whose images belong to a report of rank in ``ranks``."""
        rows = np.asarray(rows, dtype=np.int64)
        keep = np.isin(self._first_report[rows], ranks)
        if self._more_reports:
            wanted = set(np.asarray(ranks).tolist())
            extra = [bool(wanted.intersection(self._more_reports.get(r, ()))) for r in rows.tolist()]
            keep |= np.asarray(extra, dtype=bool)
        return rows[keep]

    def provenance(self, rows: np.ndarray, limit: int, images: tuple[str, ...] = ()) -> Provenance:
        """:meth:`Provenance.of_reports` of the reports of the images at ``rows``, without sorting
        report ids: the count of distinct reports and the first ``limit`` in natural order."""
        return self.provenance_of_ranks(self.report_ranks(rows), limit, images)

    def provenance_of_ranks(self, ranks: np.ndarray, limit: int, images: tuple[str, ...] = ()) -> Provenance:
        """Provenance of sorted unique report ranks: their count and the first ``limit`` ids."""
        ids = tuple(self.report_order[r] for r in ranks[:limit])
        return Provenance(ids, count=len(ranks), images=images)

    def link_report_ranks(self, links: Sequence[Link]) -> np.ndarray:
        """Sorted unique ranks of the reports stating any of ``links`` (memoised per link)."""
        parts = []
        for link in links:
            ranks = self._link_ranks.get(id(link))
            if ranks is None:
                ranks = np.unique(np.asarray([self.report_rank[r] for r in link.reports], dtype=np.int64))
                self._link_ranks[id(link)] = ranks
            parts.append(ranks)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))


def _part_of_closure(concepts, ontology) -> dict[str, set[str]]:
    """Per graph concept, the anatomy it is ``part_of`` in the ontology, transitively."""
    parents: dict[str, set[str]] = defaultdict(set)
    for rel in ontology.relations:
        if rel.rela == "part_of":
            parents[rel.head].add(rel.tail)
    out: dict[str, set[str]] = {}
    for cui in concepts:
        seen: set[str] = set()
        todo = list(parents.get(cui, ()))
        while todo:
            whole = todo.pop()
            if whole not in seen:
                seen.add(whole)
                todo.extend(parents.get(whole, ()))
        if seen:
            out[cui] = seen
    return out
