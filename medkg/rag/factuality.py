"""Factuality checker: extract statements from generated text and compare them with a case's facts.

The *reference* for a case is either the graph's finding edges of an image or study
(:func:`reference_from_graph`: open world, only NEGATIVE edges make a finding absent) or a list of
manual codes (:func:`reference_from_codes`: closed world only over a *vocabulary* the codes are
complete for — by default the ChestX-ray14 findings, which every Open-i report is coded for; any
other unlisted finding is unknown, not absent). Each extracted mention becomes a
:class:`Statement` that is

- ``contradicted``: negates a present finding (on its coded side, when the negation names one),
  asserts an absent finding (or an unlisted one the reference is complete for), or names the
  wrong side;
- ``supported``: agrees with the reference;
- ``unsupported``: the reference says nothing about it (open world);
- ``not_checked``: anatomy, hypothetical or historical mentions, and every mention of a sentence
  that states what the knowledge graph holds rather than what the case shows: report support
  ("Opacity is described as suggestive of pneumonia in 24 reports [1].", the template
  explainer's sentences) or the ontology ("Pneumonia is a kind of lung disease").

A mention that is the target of a ``suggestive_of`` relation ("opacity suggestive of pneumonia")
is a hypothesis and is checked as *uncertain*, never as an assertion of presence; "No finding"
("no acute disease") contradicts only a case with a present finding of the vocabulary.
Concepts match when equal or related by ``is_a`` in the ontology.

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

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from medkg.graph.model import KnowledgeGraph
from medkg.rag.gold import resolve_codes
from medkg.store.base import GraphStore, NodeRef

#: Semantic types of anatomy: mentions of body parts are not claims about findings.
ANATOMY_TUIS = frozenset({"T017", "T022", "T023", "T024", "T025", "T026", "T029", "T030"})


#: The concept of "no finding" / "no acute disease" statements.
NO_FINDING_CUI = "MKG:no_finding"
_ACUTE = re.compile(r"\b(acute|active)\b", re.IGNORECASE)
#: A sentence about the knowledge graph (its report support or the ontology), not about the case.
GRAPH_STATEMENT = re.compile(r"\bin \d[\d,]* reports?\b|\bis an? kind of\b|\bis part of the\b", re.IGNORECASE)
#: Findings that are acute by definition (names, resolved through the ontology).
ACUTE_FINDINGS = ("pneumonia", "pneumothorax", "pulmonary edema", "consolidation")


@dataclass(frozen=True)
class Reference:
    """What is known about one case: present findings (with coded sides), absent, uncertain.

    ``closed_world`` makes every unlisted finding absent; ``vocabulary`` does so only for those
    concepts and their ``is_a`` descendants (not their ancestors: a case complete for emphysema
    says nothing about other obstructive lung diseases).
    """

    present: dict[str, frozenset[str]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    uncertain: frozenset[str] = frozenset()
    closed_world: bool = False
    vocabulary: frozenset[str] = frozenset()

    def closed_for(self, cui: str, onto) -> bool:
        """Whether an unlisted ``cui`` counts as absent."""
        if self.closed_world or cui in self.vocabulary:
            return True
        return bool(self.vocabulary and cui in onto and onto.ancestors(cui) & self.vocabulary)


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


def reference_from_codes(
    codes: str, ontology, vocabulary: str | Collection[str] | None = "chestxray14"
) -> Reference:
    """A reference from manual codes (``Head/qualifier;...``).

    Parameters
    ----------
    codes, ontology:
        The codes and the ontology their heads resolve through.
    vocabulary:
        The findings the codes are complete for (unlisted ones count as absent): a label schema
        name (its root concepts, default ChestX-ray14), CUIs, or ``None`` for a closed world over
        every finding.

    Examples
    --------
    >>> from medkg.ontology.model import Concept, Ontology
    >>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
    >>> ref = reference_from_codes("Pleural Effusion/left", onto, vocabulary=["C0032326"])
    >>> ref.present, sorted(ref.vocabulary), ref.closed_world
    ({'C0032227': frozenset({'left'})}, ['C0032326'], False)
    """
    gold = resolve_codes(codes, ontology)
    if vocabulary is None:
        return Reference(present=dict(gold.sides), closed_world=True)
    return Reference(present=dict(gold.sides), vocabulary=_vocabulary(vocabulary, ontology))


def _vocabulary(vocabulary: str | Collection[str], ontology) -> frozenset[str]:
    if not isinstance(vocabulary, str):
        return frozenset(vocabulary)
    key = (id(ontology), vocabulary)
    if key not in _VOCABULARIES:
        from medkg.labels import label_mapper

        mapper = label_mapper(vocabulary, ontology)
        _VOCABULARIES[key] = frozenset().union(*(inc for inc, _ in mapper.roots.values()))
    return _VOCABULARIES[key]


_VOCABULARIES: dict[tuple[int, str], frozenset[str]] = {}


def reference_from_graph(graph: GraphStore | KnowledgeGraph, image_or_study: str) -> Reference:
    """A case's finding edges from a KnowledgeGraph or any GraphStore (image id or study id)."""
    sub = graph if isinstance(graph, KnowledgeGraph) else graph.subgraph(images=[image_or_study], hops=1)
    images = {image_or_study} if image_or_study in sub.images else set()
    if not images:  # a study id: its images
        if not isinstance(graph, KnowledgeGraph):
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
    graph: GraphStore | KnowledgeGraph | None = None,
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
    hypotheses = suggested_mentions(ext)
    out = []
    for n, m in enumerate(ext.mentions):
        sentence = ""
        if 0 <= m.sentence < len(ext.sentences):
            span = ext.sentences[m.sentence]
            sentence = ext.text[span.start : span.end]
        if GRAPH_STATEMENT.search(sentence):
            verdict, reason = "not_checked", "states the knowledge graph's support, not the case"
        else:
            verdict, reason = mention_verdict(m, reference, onto, n in hypotheses)
        assertion = "uncertain" if n in hypotheses and m.assertion.value == "present" else m.assertion.value
        out.append(Statement(sentence, m.cui, m.name, assertion, m.laterality, verdict, reason))
    return FactualityReport(tuple(out))


def suggested_mentions(extraction) -> set[int]:
    """Indexes of mentions that are the target of a ``suggestive_of`` relation (hypotheses)."""
    return {r.target for r in extraction.relations if r.kind == "suggestive_of"}


def related_concepts(cui: str, others: Sequence[str] | set[str] | dict, onto) -> list[str]:
    """Reference concepts equal to ``cui`` or related to it by is_a (either way)."""
    if cui in others:
        return [cui]
    up = onto.ancestors(cui) if cui in onto else set()
    return [o for o in others if o in up or (o in onto and cui in onto.ancestors(o))]


def mention_verdict(m, ref: Reference, onto, hypothesis: bool = False) -> tuple[str, str]:
    """``(verdict, reason)`` of one extracted mention against ``ref`` (rules: the module docstring).

    ``hypothesis``: the mention is the target of a ``suggestive_of`` relation, checked as uncertain.
    """
    concept = onto.get(m.cui)
    tuis = set(concept.tuis if concept is not None else m.semantic_types)
    if tuis and tuis <= ANATOMY_TUIS:
        return "not_checked", "anatomy"
    if m.hypothetical or m.historical:
        return "not_checked", "hypothetical or historical"
    present = related_concepts(m.cui, ref.present, onto)
    assertion = m.assertion.value
    if hypothesis and assertion == "present":
        assertion = "uncertain"  # the target of "X suggestive of Y" is a hypothesis
    if m.cui == NO_FINDING_CUI and assertion == "present":
        return _no_finding(ref, onto, m.text)
    if assertion == "present":
        if present:
            sides = set().union(*(ref.present[c] for c in present))
            side = m.laterality
            if side in ("left", "right") and sides and side not in sides and "bilateral" not in sides:
                return "contradicted", f"wrong side: {side}, the case has {'/'.join(sorted(sides))}"
            return "supported", "present, as the case"
        if related_concepts(m.cui, ref.absent, onto):
            return "contradicted", "asserted present, the case says absent"
        if related_concepts(m.cui, ref.uncertain, onto):
            return "unsupported", "asserted present, the case is uncertain"
        if ref.closed_for(m.cui, onto):
            return "contradicted", "asserted present, not among the case's findings"
        return "unsupported", "not in the case's facts"
    if assertion == "absent":
        exact = [c for c in present if c == m.cui or (c in onto and m.cui in onto.ancestors(c))]
        sides = set().union(*(ref.present[c] for c in exact)) if exact else set()
        if exact and m.laterality in ("left", "right") and sides and not sides & {m.laterality, "bilateral"}:
            return (
                "supported",
                f"absent on the {m.laterality}, the case has it on the {'/'.join(sorted(sides))}",
            )
        if exact:
            return "contradicted", "negates a present finding"
        if ref.closed_for(m.cui, onto) or related_concepts(m.cui, ref.absent, onto):
            return "supported", "absent, as the case"
        return "unsupported", "not in the case's facts"
    if present or related_concepts(m.cui, ref.uncertain, onto):
        return "supported", "uncertain, the case has it"
    return "unsupported", "uncertain, not in the case's facts"


def _no_finding(ref: Reference, onto, text: str = "") -> tuple[str, str]:
    """ "No finding" / "normal chest": contradicted by a present finding the reference is complete
    for. "No acute (or active) disease" is a claim about acute findings only, which reports make
    beside chronic ones ("stable cardiomegaly. No acute disease."): it is contradicted only by a
    present finding that is acute by name (:data:`ACUTE_FINDINGS`), else unsupported."""
    if NO_FINDING_CUI in ref.present:
        return "supported", "no finding, as the case"
    if _ACUTE.search(text or ""):
        acute = {c.cui for name in ACUTE_FINDINGS for c in onto.lookup(name)}
        if any(related_concepts(c, acute, onto) for c in ref.present):
            return "contradicted", "says no acute finding, the case has an acute one"
        return "unsupported", "no acute finding: the case's findings are not known to be acute"
    if any(c != NO_FINDING_CUI and ref.closed_for(c, onto) for c in ref.present):
        return "contradicted", "says no finding, the case has findings"
    return "unsupported", "no finding: the case's findings are outside what it is complete for"
