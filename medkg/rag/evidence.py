"""Facts that explain a diagnosis: the evidence reports give for it, where it is, then what co-occurs.

KG-LLaVA asks "Which signs show that the patient has {diagnoses}?". The answer a graph can give
is in the relations read from reports, not in co-occurrence counts. For each query concept
(a diagnosis) :func:`rank_evidence` builds three kinds of fact, each an edge of the store with
the reports that state it:

1. **evidence**: a finding ``SUGGESTIVE_OF`` the diagnosis ("opacity suggestive of pneumonia"),
   read as ``Pneumonia SUGGESTED_BY Opacity`` (the fact's head is the query concept);
2. **location**: the diagnosis ``LOCATED_AT`` a site ("pneumonia located at the right lower lobe");
   anatomy is only ever retrieved this way;
3. **what the query concept suggests** (a finding asked about: "cardiomegaly suggestive of
   edema"), after its own evidence and locations;
4. **co-occurring findings**: the smoothed co-occurrence of :func:`~medkg.rag.ranking.rank_concepts`
   with relations off and anatomy dropped, for findings no relation fact already names and seen
   with the query concept on at least one image.

Evidence and location facts are ordered together by their *share* of the diagnosis's support in
their kind (``support / total support of that kind``, evidence first on a tie), so the best
location is not pushed out by the fifth-best sign; evidence that is itself one of the asked
concepts, and that the reports give as a sign more often than they give a sign of it, comes first
(a case asked about with consolidation and pneumonia is explained by "consolidation suggestive of
pneumonia"; one asked about with atelectasis and pneumonia is not explained by "atelectasis
suggestive of pneumonia" before "opacity suggestive of pneumonia"). "No finding" is never a
candidate. With several query concepts the slots are shared round-robin: each diagnosis in turn
gives its next fact (within a round the stronger relation fact first), so no diagnosis is left
without a fact while another has a spare one. Each fact keeps its ranking components
(``kind``: 0 evidence, 1 location, 2 suggests, 3 co-occurrence; ``support``; ``share``).

Examples
--------
>>> from medkg.rag.index import GraphIndex
>>> index = GraphIndex.from_graph(kg)
>>> query = [QueryConcept("C0032285", "Pneumonia", frozenset({"C0032285"}))]
>>> [f.text() for f in rank_evidence(index, query, limit=3)]
['Pneumonia located at Right lower lobe (1 report)', 'Pneumonia co-occurs with Pulmonary opacity (1 report)']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from medkg.rag.facts import Fact
from medkg.rag.index import GraphIndex, Link
from medkg.rag.ranking import NOT_FINDINGS, QueryConcept, RankingWeights, rank_concepts

#: The fact kinds of :func:`rank_evidence`, in their order on a tie.
KINDS = ("evidence", "location", "suggests", "cooccurrence")


def rank_evidence(
    index: GraphIndex,
    query: Sequence[QueryConcept],
    weights: RankingWeights | None = None,
    limit: int = 50,
    exclude: Collection[str] = (),
) -> list[Fact]:
    """Evidence, location, then co-occurrence facts for each query concept, shared round-robin.

    Parameters
    ----------
    index:
        The graph view.
    query:
        The diagnoses asked about (their members are never a fact's far end).
    weights:
        ``provenance_reports`` and the co-occurrence tier's ``smoothing`` are used.
    limit:
        Facts returned at most.
    exclude:
        Concepts known to be absent; never returned.
    """
    w = weights or RankingWeights()
    if not query or not index.concepts:
        return []
    asked = set().union(*(q.members for q in query))
    absent = set(exclude) | NOT_FINDINGS
    lists: list[list[Fact]] = []
    given: set[str] = set()  # co-occurring findings already listed for an earlier diagnosis
    signs = {c for c in asked if _is_sign(index, c)}
    per_query = [_asked_first(_relation_facts(index, q, absent, w), signs) for q in query]
    for q, relation_facts in zip(query, per_query, strict=True):
        said = {f.tail for f in relation_facts}
        # a diagnosis never gives more than ``limit`` facts: only the co-occurrences that can fit
        need = limit - len(relation_facts)
        cooccur = (
            rank_concepts(
                index,
                [q],
                replace(w, relations={}, anatomy="drop", joint=None, parent_weight=0.0),
                limit=need,
                exclude=asked | absent | said | given,
            )
            if need > 0
            else []
        )
        # a finding seen with the diagnosis on no image is no fact, whatever its smoothed score
        cooccur = [
            replace(f, components=(("kind", 3.0), *f.components))
            for f in cooccur
            if dict(f.components)["cooccurrence"] >= 1
        ]
        given.update(f.tail for f in cooccur[:limit])
        lists.append(relation_facts + cooccur)
    out: list[Fact] = []
    depth = 0
    while len(out) < limit and any(depth < len(facts) for facts in lists):
        # one fact per diagnosis per round; within a round the stronger fact first, so a cut
        # inside the last round keeps the best of it
        round_ = [facts[depth] for facts in lists if depth < len(facts)]
        out.extend(sorted(round_, key=_round_key))
        depth += 1
    return out[:limit]


def _asked_first(facts: list[Fact], signs: set[str]) -> list[Fact]:
    """Evidence that is itself an asked sign comes first: when a case lists consolidation and
    pneumonia, "consolidation suggestive of pneumonia" is the link between them the reports state."""
    first = [f for f in facts if f.relation == "SUGGESTED_BY" and f.tail in signs]
    return first + [f for f in facts if not (f.relation == "SUGGESTED_BY" and f.tail in signs)]


def _is_sign(index: GraphIndex, cui: str) -> bool:
    """Whether the reports give ``cui`` as the sign of something more often than they give a sign
    of it (opacity, consolidation: yes; atelectasis, pneumonia: no)."""
    memo = index.__dict__.setdefault("_signs", {})  # per index: the graph does not change under it
    found = memo.get(cui)
    if found is None:
        links = [link for link in index.links.get(cui, ()) if link.type == "SUGGESTIVE_OF"]
        given = sum(max(link.support, 1) for link in links if link.outgoing)
        taken = sum(max(link.support, 1) for link in links if not link.outgoing)
        found = memo[cui] = given > 0 and given >= taken
    return found


def _order(fact: Fact) -> tuple:
    """Evidence and locations by share (evidence first on a tie), then what the concept suggests."""
    parts = dict(fact.components)
    return (parts["kind"] == 2.0, -fact.score, parts["kind"], -parts["support"], fact.tail)


def _round_key(fact: Fact) -> tuple:
    parts = dict(fact.components)
    return (parts.get("kind", 3.0) >= 2.0, -fact.score, fact.head, fact.tail)


def _relation_facts(index: GraphIndex, q: QueryConcept, absent: set[str], w: RankingWeights) -> list[Fact]:
    """The evidence and location facts of one query concept, ordered by share within their kind."""
    grouped: dict[tuple[str, str], list[Link]] = {}
    for member in q.members:
        for link in index.links.get(member, ()):
            other = link.other
            if other in q.members or other in absent or other not in index.concept_pos:
                continue
            if link.type == "SUGGESTIVE_OF" and not link.outgoing and other not in index.anatomy:
                grouped.setdefault(("evidence", other), []).append(link)
            elif link.type == "LOCATED_AT" and link.outgoing:
                grouped.setdefault(("location", other), []).append(link)
            elif link.type == "SUGGESTIVE_OF" and link.outgoing and other not in index.anatomy:
                grouped.setdefault(("suggests", other), []).append(link)
    support = {key: sum(max(link.support, 1) for link in links) for key, links in grouped.items()}
    totals = {kind: sum(n for (k, _), n in support.items() if k == kind) for kind in KINDS}
    facts = []
    for (kind, other), links in grouped.items():
        share = support[(kind, other)] / totals[kind]
        ranks = index.link_report_ranks(links)
        provenance = index.provenance_of_ranks(ranks, w.provenance_reports)
        relation = {"evidence": "SUGGESTED_BY", "location": "LOCATED_AT", "suggests": "SUGGESTIVE_OF"}[kind]
        components = (
            ("kind", float(KINDS.index(kind))),
            ("support", float(support[(kind, other)])),
            ("share", share),
        )
        facts.append(
            Fact(
                q.cui,
                q.name,
                relation,
                other,
                index.name(other),
                "present",
                share,
                provenance,
                components=components,
            )
        )
    return sorted(facts, key=_order)


__all__ = ["KINDS", "rank_evidence"]
