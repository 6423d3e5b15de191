"""The retriever: facts for concepts, a question, an image, or several at once, on any GraphStore.

Only :class:`~medkg.store.base.GraphStore` protocol methods are used (``read_graph`` once for the
index, ``neighbours`` for provenance sentences, ``knn`` for images), so the same code runs on the
embedded LadybugDB store and on Neo4j; an in-memory :class:`~medkg.graph.model.KnowledgeGraph`
works too (its image embeddings are searched by exact cosine, as LadybugDB does).

Examples
--------
>>> r = Retriever(store)                 # any GraphStore: here a LadybugStore over the sample graph
>>> facts = r.retrieve(concepts=["Cardiomegaly"], k=5)
>>> facts[0].text()
'Cardiomegaly co-occurs with Pleural Effusion (1 report)'
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from medkg.errors import ConfigError, RetrievalError
from medkg.graph.model import KnowledgeGraph
from medkg.images.encoders import encoder_from_spec
from medkg.rag.evidence import rank_evidence
from medkg.rag.facts import Fact, Facts, Provenance, Sentence
from medkg.rag.index import GraphIndex
from medkg.rag.ranking import QueryConcept, RankingWeights, rank_concepts
from medkg.rag.select import Calibration, adaptive_k, fixed_k
from medkg.store.base import GraphStore, NodeRef

log = logging.getLogger(__name__)

NON_SEMANTIC_NOTE = (
    "image neighbours found with the non-semantic {name} encoder: similar pixels, not similar "
    "findings; no quality claim without a semantic encoder"
)

ConceptQuery = str | Collection[str]


class Retriever:
    """Retrieve ranked, provenance-carrying facts from a graph store.

    Parameters
    ----------
    store:
        Any :class:`~medkg.store.base.GraphStore` (or a :class:`KnowledgeGraph` for in-memory use).
    weights:
        Ranking settings (:class:`~medkg.rag.ranking.RankingWeights`).
    encoder:
        Image encoder for image queries; default: the one named in the graph's embeddings.
    extractor:
        Links a free-text question to concepts; default: :func:`medkg.extract.default_extractor`.
    neighbours:
        Nearest images used for an image query.
    ontology:
        Optional ontology: anatomy the graph's concepts are ``part_of`` becomes retrievable
        (:class:`~medkg.rag.index.GraphIndex`).
    """

    def __init__(
        self,
        store: GraphStore | KnowledgeGraph,
        *,
        weights: RankingWeights | None = None,
        encoder: Any = None,
        extractor: Any = None,
        neighbours: int = 10,
        ontology: Any = None,
    ) -> None:
        self.store = store
        self.weights = weights or RankingWeights()
        self._encoder = encoder
        self._extractor = extractor
        self.neighbours = neighbours
        self.ontology = ontology
        self._index: GraphIndex | None = None

    def with_weights(self, weights: RankingWeights) -> Retriever:
        """A retriever over the same store and index with other ranking settings (no second read).

        Examples
        --------
        >>> r = Retriever(kg)
        >>> r.with_weights(RankingWeights.cooccurrence()).index is r.index
        True
        """
        other = Retriever(
            self.store, weights=weights, encoder=self._encoder, extractor=self._extractor,
            neighbours=self.neighbours, ontology=self.ontology,
        )
        other._index = self.index
        return other

    @property
    def index(self) -> GraphIndex:
        """The graph view, read from the store on first use."""
        if self._index is None:
            store = self.store
            self._index = (
                GraphIndex.from_graph(store, ontology=self.ontology)
                if isinstance(store, KnowledgeGraph)
                else GraphIndex.from_store(store, ontology=self.ontology)
            )
        return self._index

    # -- public ------------------------------------------------------------------------------
    def retrieve(
        self,
        image: Any = None,
        concepts: Sequence[ConceptQuery] | None = None,
        question: str | None = None,
        k: int | str | Calibration = 7,
        *,
        sentences: bool = True,
        max_k: int = 20,
        absent: Sequence[ConceptQuery] = (),
    ) -> Facts:
        """Ranked facts for an image, concepts and/or a question (hybrid when several are given).

        Parameters
        ----------
        image:
            A path, array or :class:`~medkg.images.ImageData`; embedded with the graph's encoder.
        concepts:
            CUIs or concept names; an item may be a set of CUIs counted as one query concept.
        question:
            Free text; its present concepts are linked with the extractor.
        k:
            An int (fixed), ``"adaptive"`` (largest score gap within ``max_k``) or a
            :class:`~medkg.rag.select.Calibration` (its calibrated k).
        sentences:
            Attach the source sentences of each returned fact (from the index, which keeps the
            evidence ``read_graph`` loaded; from the store only for an index built without it).
        absent:
            Concepts known to be absent (e.g. the labels a complete label list does not name);
            they and their ``ISA`` descendants are never returned.

        Returns
        -------
        Facts
            Best first; ``Facts.notes`` carries warnings (e.g. a non-semantic image encoder).

        Examples
        --------
        >>> Retriever(kg).retrieve(concepts=["C0018800"], k=3).concepts()
        ['C0032227', 'C0034063']
        """
        if image is None and not concepts and not question:
            raise RetrievalError("nothing to retrieve for", hint="pass image=, concepts= or question=")
        query = self.query_concepts(list(concepts or []) + self._question_concepts(question))
        notes: list[str] = []
        ranked: list[Fact] = []
        excluded = {c for q in self.query_concepts(list(absent)) for c in q.members}
        if query:
            # a fixed k needs only k facts (with their provenance); a cut or a merge needs max_k
            limit = k if isinstance(k, int) and image is None else max_k
            rank = rank_evidence if self.weights.facts == "evidence" else rank_concepts
            ranked = rank(self.index, query, self.weights, limit=limit, exclude=excluded)
        if image is not None:
            image_facts, note = self._image_facts(image, {c for q in query for c in q.members} | excluded)
            notes += [note] if note else []
            ranked = _merge(ranked, image_facts) if ranked else image_facts
        n = self._k(ranked, k, max_k)
        chosen = ranked[:n]
        if sentences:
            chosen = self.attach_sentences(chosen)
        return Facts(chosen, notes)

    def query_concepts(self, items: Sequence[ConceptQuery]) -> list[QueryConcept]:
        """Resolve CUIs, names or CUI sets to :class:`QueryConcept` (ISA descendants included)."""
        out: list[QueryConcept] = []
        for item in items:
            if isinstance(item, QueryConcept):
                out.append(item)
                continue
            cuis = self.index.resolve(item) if isinstance(item, str) else self._heads_first(item)
            if not cuis:
                log.warning("query concept %r is not in the graph", item)
                continue
            members = frozenset().union(*(self.index.descendants(c) for c in cuis))
            label = item if isinstance(item, str) else self.index.name(cuis[0])
            out.append(
                QueryConcept(cuis[0], self.index.name(cuis[0]) if label == cuis[0] else label, members)
            )
        return out

    def _heads_first(self, cuis: Collection[str]) -> list[str]:
        """A CUI set's members, the one that names the set first: a graph concept with the most
        of the set below it (the top of its hierarchy), then the most images, then the lowest CUI."""
        pos = self.index.concept_pos
        df = self.index.df["POSITIVE"]
        wanted = set(cuis)

        def key(cui: str) -> tuple:
            below = len(self.index.descendants(cui) & wanted)
            return (cui not in pos, -below, -(df[pos[cui]] if cui in pos else 0), cui)

        return sorted(wanted, key=key)

    def attach_sentences(self, facts: Sequence[Fact]) -> list[Fact]:
        """Facts with their source sentences: from the index, else from the store (one call)."""
        images = sorted({i for f in facts for i in f.provenance.images})
        if self.index.evidence is not None:
            return [_with_sentences(f, self.index) for f in facts]
        if not images or isinstance(self.store, KnowledgeGraph):
            return list(facts)  # an in-memory graph's index always holds its evidence
        sub = self.store.neighbours([NodeRef("Image", i) for i in images], ["POSITIVE"], "out")
        by_pair: dict[tuple[str, str], list[Sentence]] = defaultdict(list)
        for edge in sub.findings.values():
            for ev in edge.evidence:
                by_pair[(edge.source, edge.target)].append(
                    Sentence(ev.report_id, ev.section, ev.sentence, ev.text, ev.laterality)
                )
        out = []
        for f in facts:
            found = [s for i in f.provenance.images for s in by_pair.get((i, f.tail), ())]
            unique = tuple(dict.fromkeys(found))
            out.append(replace(f, provenance=replace(f.provenance, sentences=unique)) if unique else f)
        return out

    # -- parts -------------------------------------------------------------------------------
    def _k(self, ranked: list[Fact], k: int | str | Calibration, max_k: int) -> int:
        if isinstance(k, Calibration):
            return fixed_k(ranked, k.k) if ranked else 0
        if k == "adaptive":
            return adaptive_k([f.score for f in ranked], max_k=max_k)
        if isinstance(k, int):
            return fixed_k(ranked, k) if ranked else 0
        raise RetrievalError(f"unknown k {k!r}", hint="use an int, 'adaptive' or a Calibration")

    def _question_concepts(self, question: str | None) -> list[str]:
        if not question:
            return []
        if self._extractor is None:
            from medkg.extract import default_extractor

            self._extractor = default_extractor()
        ext = self._extractor.extract(question, "question")
        return [
            m.cui for m in ext.mentions if m.assertion.value != "absent" and m.cui in self.index.concept_pos
        ]

    def encoder(self) -> Any:
        """The image encoder: the one given, else the one named by the graph's embeddings."""
        if self._encoder is None:
            name = self.index.encoder
            # Only an encoder whose recorded name is its own spec can be rebuilt (pixel-stats-16x16-h32);
            # a Hugging Face encoder records its directory name, not a path.
            try:
                rebuilt = encoder_from_spec(name) if name.startswith("pixel-stats-") else None
            except ConfigError:
                rebuilt = None
            if rebuilt is None:
                raise RetrievalError(
                    f"cannot rebuild the graph's image encoder {name!r}",
                    hint="pass encoder= (the encoder the graph's embeddings were made with)",
                )
            self._encoder = rebuilt
        return self._encoder

    def _knn(self, vector: np.ndarray) -> list[tuple[str, float]]:
        """Nearest graph images: the store's ``knn``, else exact cosine over a graph's embeddings."""
        if not isinstance(self.store, KnowledgeGraph):
            return self.store.knn(vector, k=self.neighbours)
        embeddings = self.store.embeddings
        if embeddings is None or not len(embeddings.ids):
            raise RetrievalError(
                "the graph has no image embeddings to search",
                hint="build the graph with an image encoder (medkg build --encoder ...)",
            )
        return exact_knn(embeddings.ids, embeddings.vectors, vector, self.neighbours)

    def _image_facts(self, image: Any, excluded: set[str]) -> tuple[list[Fact], str | None]:
        encoder = self.encoder()
        vector = encoder.encode([image])[0]
        hits = self._knn(np.asarray(vector))
        return image_facts(self.index, hits, excluded, self.weights), (
            None if getattr(encoder, "semantic", False) else NON_SEMANTIC_NOTE.format(name=encoder.name)
        )


def exact_knn(ids: Sequence[str], vectors: np.ndarray, query: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` rows of ``vectors`` most cosine-similar to ``query``, ties broken by id.

    Computed in float32 as LadybugDB's ``knn`` does; zero vectors have similarity 0.

    Examples
    --------
    >>> exact_knn(["b", "a", "c"], np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([2.0, 0.0]), 2)
    [('a', 1.0), ('b', 1.0)]
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    q = np.asarray(query, dtype=np.float32).reshape(-1)
    if vectors.ndim != 2 or q.shape[0] != vectors.shape[1]:
        raise RetrievalError(
            f"query has {q.shape[0]} dimensions, the graph's embeddings {vectors.shape[-1]}",
            hint="embed the query with the encoder the graph was built with",
        )
    norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(q) or 1.0)
    sims = (vectors @ q) / np.where(norms == 0, 1.0, norms)
    order = sorted(range(len(ids)), key=lambda i: (-float(sims[i]), ids[i]))[: max(k, 0)]
    return [(ids[i], float(sims[i])) for i in order]


def image_facts(
    index: GraphIndex,
    hits: Sequence[tuple[str, float]],
    excluded: set[str] = frozenset(),
    weights: RankingWeights | None = None,
) -> list[Fact]:
    """Aggregate the positive findings of nearest images, weighted by similarity.

    A concept's score is the sum of the similarities of the neighbours showing it, divided by
    the total similarity; neighbours with similarity <= 0 are no support (they are not counted
    nor listed). ``ISA`` parents are added at ``parent_weight``.

    Examples
    --------
    >>> image_facts(GraphIndex.from_graph(__import__("medkg.graph").graph.KnowledgeGraph()), [])
    []
    """
    w = weights or RankingWeights()
    rows = [(index.image_pos[i], s) for i, s in hits if i in index.image_pos and s > 0]
    total = sum(s for _, s in rows) or 1.0
    score: dict[int, float] = defaultdict(float)
    seen: dict[int, list[int]] = defaultdict(list)
    pos = index.matrices["POSITIVE"]
    for r, s in rows:
        for c in pos.indices[pos.indptr[r] : pos.indptr[r + 1]]:
            score[int(c)] += s / total
            seen[int(c)].append(r)
    facts = []
    for c, value in score.items():
        cui = index.concepts[c]
        if cui in excluded:
            continue
        imgs = np.array(seen[c])
        facts.append(
            Fact(
                "query image",
                "query image",
                "POSITIVE",
                cui,
                index.name(cui),
                "present",
                value,
                Provenance(
                    index.reports_of(imgs[: w.provenance_reports]),
                    len(imgs),
                    images=tuple(index.images[r] for r in imgs[: w.provenance_reports]),
                ),
                components=(("similarity", value), ("neighbours", float(len(imgs)))),
            )
        )
    facts.sort(key=lambda f: (-f.score, f.tail))
    if w.parent_weight:
        from medkg.rag.ranking import _with_parents

        facts = _with_parents(index, facts, set(excluded), w.parent_weight)
    return facts


def _with_sentences(fact: Fact, index: GraphIndex) -> Fact:
    """``fact`` with the evidence sentences of its sample images' edges to its concept."""
    parts = index.rolled_up.get(fact.tail, ())
    found = [
        Sentence(ev.report_id, ev.section, ev.sentence, ev.text, ev.laterality)
        for image in fact.provenance.images
        for cui in (fact.tail, *parts)
        for ev in index.evidence.get((image, cui), ())
    ]
    unique = tuple(dict.fromkeys(found))
    return replace(fact, provenance=replace(fact.provenance, sentences=unique)) if unique else fact


def _merge(a: list[Fact], b: list[Fact]) -> list[Fact]:
    """Hybrid ranking: each list scaled to a top score of 1, scores of one concept summed."""
    best: dict[str, Fact] = {}
    for facts in (a, b):
        top = facts[0].score if facts and facts[0].score > 0 else 1.0
        for f in facts:
            f = replace(f, score=f.score / top)
            old = best.get(f.tail)
            best[f.tail] = (
                f if old is None else replace(old if old.score >= f.score else f, score=old.score + f.score)
            )
    return sorted(best.values(), key=lambda f: (-f.score, f.tail))


__all__ = ["ConceptQuery", "Provenance", "Retriever", "exact_knn", "image_facts"]
