"""Factuality checker: extract statements from generated text and compare them with a case's facts.

The *reference* for a case is either the graph's finding edges of an image or study
(:func:`reference_from_graph`) or a list of manual codes (:func:`reference_from_codes`, closed
world: an unlisted finding counts as absent). Each extracted mention becomes a
:class:`Statement` that is ``supported``, ``contradicted`` (negates a present finding, asserts an
absent or — closed world — unlisted one, or names the wrong side) or ``unsupported``; anatomy and
hypothetical/historical mentions are ``not_checked``. Concepts match when equal or related by
``is_a`` in the ontology.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.extract import Extractor
>>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion"),
...                             Concept("C0032326", "Pneumothorax")])
>>> ref = Reference(present={"C0032227": frozenset({"right"})}, closed_world=True)
>>> ex = Extractor(onto, fuzzy=False)
>>> rep = check_facts("Left pleural effusion. No pneumothorax.", reference=ref, extractor=ex)
>>> for s in rep.statements:
...     print(s.name, s.verdict, s.reason, sep=" | ")
Pleural effusion | contradicted | wrong side: left, the case has right
Pneumothorax | supported | absent, as the case
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from medkg.rag.gold import resolve_codes

#: Semantic types of anatomy: mentions of body parts are not claims about findings.
ANATOMY_TUIS = frozenset({"T017", "T022", "T023", "T024", "T025", "T026", "T029", "T030"})


@dataclass(frozen=True)
class Reference:
    """What is known about one case: present findings (with coded sides), absent, uncertain."""

    present: dict[str, frozenset[str]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    uncertain: frozenset[str] = frozenset()
    closed_world: bool = False


@dataclass(frozen=True, slots=True)
class Statement:
    sentence: str
    cui: str
    name: str
    assertion: str
    laterality: str | None
    verdict: str  # supported | contradicted | unsupported | not_checked
    reason: str


@dataclass(frozen=True)
class FactualityReport:
    """Statements with verdicts; ``score`` = supported / checked statements (1.0 when none)."""

    statements: tuple[Statement, ...]

    def count(self, verdict: str) -> int:
        return sum(s.verdict == verdict for s in self.statements)

    @property
    def checked(self) -> int:
        return sum(s.verdict != "not_checked" for s in self.statements)

    @property
    def score(self) -> float:
        return self.count("supported") / self.checked if self.checked else 1.0

    @property
    def contradicted(self) -> list[Statement]:
        return [s for s in self.statements if s.verdict == "contradicted"]

    def _repr_html_(self) -> str:
        from medkg.rag.html import factuality_html

        return factuality_html(self)


def reference_from_codes(codes: str, ontology) -> Reference:
    """A closed-world reference from manual codes (``Head/qualifier;...``)."""
    gold = resolve_codes(codes, ontology)
    return Reference(present=dict(gold.sides), closed_world=True)


def reference_from_graph(graph: Any, image_or_study: str) -> Reference:
    """A case's finding edges from a KnowledgeGraph or any GraphStore (image id or study id)."""
    from medkg.graph.model import KnowledgeGraph

    sub = graph if isinstance(graph, KnowledgeGraph) else graph.subgraph(images=[image_or_study], hops=1)
    images = {image_or_study} if image_or_study in sub.images else set()
    if not images:  # a study id: its images
        if not isinstance(graph, KnowledgeGraph):
            from medkg.store.base import NodeRef

            sub = graph.neighbours([NodeRef("Study", image_or_study)], ["HAS_IMAGE"], "out")
            images = set(sub.images)
            sub = graph.subgraph(images=sorted(images), hops=1)
        else:
            images = {
                e.target
                for e in sub.structure.values()
                if str(e.type) == "HAS_IMAGE" and e.source == image_or_study
            }
    present: dict[str, set[str]] = {}
    absent, uncertain = set(), set()
    for edge in sub.findings.values():
        if edge.source not in images:
            continue
        if str(edge.type) == "POSITIVE":
            sides = present.setdefault(edge.target, set())
            sides.update(e.laterality for e in edge.evidence if e.laterality)
        elif str(edge.type) == "NEGATIVE":
            absent.add(edge.target)
        else:
            uncertain.add(edge.target)
    return Reference(
        {c: frozenset(s) for c, s in present.items()}, frozenset(absent - set(present)), frozenset(uncertain)
    )


def check_facts(
    text: str,
    graph: Any = None,
    image_or_study: str | None = None,
    *,
    reference: Reference | None = None,
    codes: str | None = None,
    extractor: Any = None,
) -> FactualityReport:
    """Check each statement of ``text`` against a case.

    Parameters
    ----------
    text:
        Generated explanation (or any report-like text).
    graph, image_or_study:
        A KnowledgeGraph or GraphStore and the image/study whose findings are the reference.
    reference, codes:
        Or the reference directly, or manual codes (closed world).
    extractor:
        The extraction pipeline (default: :func:`medkg.extract.default_extractor`).

    Returns
    -------
    FactualityReport
    """
    if extractor is None:
        from medkg.extract import default_extractor

        extractor = default_extractor()
    onto = extractor.ontology
    if reference is None:
        if codes is not None:
            reference = reference_from_codes(codes, onto)
        elif graph is not None and image_or_study is not None:
            reference = reference_from_graph(graph, image_or_study)
        else:
            from medkg.errors import RetrievalError

            raise RetrievalError(
                "check_facts needs a case", hint="pass graph= and image_or_study=, reference= or codes="
            )
    ext = extractor.extract(text, "checked")
    out = []
    for m in ext.mentions:
        sentence = ""
        if 0 <= m.sentence < len(ext.sentences):
            span = ext.sentences[m.sentence]
            sentence = ext.text[span.start : span.end]
        verdict, reason = _verdict(m, reference, onto)
        out.append(Statement(sentence, m.cui, m.name, m.assertion.value, m.laterality, verdict, reason))
    return FactualityReport(tuple(out))


def _related(cui: str, others: Sequence[str] | set[str] | dict, onto) -> list[str]:
    """Reference concepts equal to ``cui`` or related to it by is_a (either way)."""
    if cui in others:
        return [cui]
    up = onto.ancestors(cui) if cui in onto else set()
    return [o for o in others if o in up or (o in onto and cui in onto.ancestors(o))]


def _verdict(m, ref: Reference, onto) -> tuple[str, str]:
    concept = onto.get(m.cui)
    tuis = set(concept.tuis if concept is not None else m.semantic_types)
    if tuis and tuis <= ANATOMY_TUIS:
        return "not_checked", "anatomy"
    if m.hypothetical or m.historical:
        return "not_checked", "hypothetical or historical"
    present = _related(m.cui, ref.present, onto)
    assertion = m.assertion.value
    if assertion == "present":
        if present:
            sides = set().union(*(ref.present[c] for c in present))
            side = m.laterality
            if side in ("left", "right") and sides and side not in sides and "bilateral" not in sides:
                return "contradicted", f"wrong side: {side}, the case has {'/'.join(sorted(sides))}"
            return "supported", "present, as the case"
        if _related(m.cui, ref.absent, onto):
            return "contradicted", "asserted present, the case says absent"
        if _related(m.cui, ref.uncertain, onto):
            return "unsupported", "asserted present, the case is uncertain"
        if ref.closed_world:
            return "contradicted", "asserted present, not among the case's findings"
        return "unsupported", "not in the case's facts"
    if assertion == "absent":
        exact = [c for c in present if c == m.cui or (c in onto and m.cui in onto.ancestors(c))]
        if exact:
            return "contradicted", "negates a present finding"
        if ref.closed_world or _related(m.cui, ref.absent, onto):
            return "supported", "absent, as the case"
        return "unsupported", "not in the case's facts"
    if present or _related(m.cui, ref.uncertain, onto):
        return "supported", "uncertain, the case has it"
    return "unsupported", "uncertain, not in the case's facts"
