"""``medkg ontology …``: inspect, search and convert ontologies.

Every command wraps one Python function: :func:`medkg.ontology.load`, ``Ontology.stats``,
:func:`find_concepts`, :func:`medkg.ontology.loading.convert` and
``medkg.ontology.coverage.mesh_head_coverage``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from medkg.ontology.loading import FORMATS_OUT, convert, load
from medkg.ontology.model import Concept, Ontology, lookup_key

_OntologyOpt = Annotated[
    Path | None,
    typer.Option(
        "--ontology",
        "-o",
        help="Ontology source: a UMLS META/ directory, .obo, .owl/.ttl/.rdf, or scispacy .jsonl "
        "(default: the shipped chest seed).",
    ),
]


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """One lookup result: the concept, the name that matched and a 0–100 score (100 = exact)."""

    concept: Concept
    matched: str
    score: float


def find_concepts(
    ontology: Ontology, text: str, limit: int = 5, min_score: float = 60.0
) -> list[ConceptMatch]:
    """Best concepts for a name: exact normalized matches first, then fuzzy matches.

    Exact matches use :meth:`Ontology.lookup` (case, punctuation and plural insensitive) and
    score 100. When fewer than ``limit`` are found, every name's lookup key is ranked with
    rapidfuzz's ``WRatio`` (so misspellings still match), best score per concept, ties broken by
    CUI; matches under ``min_score`` are dropped.

    Examples
    --------
    >>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
    >>> [(m.concept.cui, m.score) for m in find_concepts(onto, "pleural efusion")][0][0]
    'C0032227'
    """
    from rapidfuzz import fuzz, process

    query = lookup_key(text)
    found: dict[str, ConceptMatch] = {}
    for concept in ontology.lookup(text):
        matched = next((n for n in concept.names if lookup_key(n) == query), concept.name)
        found[concept.cui] = ConceptMatch(concept, matched, 100.0)
    if len(found) < limit:
        keys = ontology.lookup_keys()
        choices = list(keys)
        hits = process.extract(
            query, choices, scorer=fuzz.WRatio, limit=max(limit * 4, 20), score_cutoff=min_score
        )
        for key, score, _ in hits:
            for cui in keys[key]:
                if cui in found and found[cui].score >= score:
                    continue
                concept = ontology.concepts[cui]
                matched = next((n for n in concept.names if lookup_key(n) == key), concept.name)
                found[cui] = ConceptMatch(concept, matched, float(score))
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.concept.cui))
    return ranked[:limit]


def register(app: typer.Typer) -> None:
    """Add the ``ontology`` sub-command group to the root app."""
    group = typer.Typer(help="Inspect, search and convert ontologies (UMLS RRF, OBO, OWL/SKOS, scispacy KB).")
    app.add_typer(group, name="ontology")

    @group.command("stats")
    def stats_cmd(ontology: _OntologyOpt = None) -> None:
        """Count concepts, names, relations by type and semantic types."""
        onto = load(ontology)
        st = onto.stats()
        typer.echo(f"ontology        {onto.name}")
        typer.echo(f"concepts        {st.concepts}")
        typer.echo(f"names           {st.names}")
        typer.echo(f"synonyms        {st.names - st.concepts}")
        typer.echo(f"relations       {st.relations}")
        for title, counts in (("relation type", st.relations_by_type), ("semantic type", st.semantic_types)):
            if counts:
                typer.echo(f"\n{title:<40} {'count':>8}")
                for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                    typer.echo(f"{label:<40} {count:>8}")

    @group.command("lookup")
    def lookup_cmd(
        text: Annotated[str, typer.Argument(help="A name to look up, e.g. 'pleural effusion'.")],
        ontology: _OntologyOpt = None,
        limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many concepts to show.")] = 5,
    ) -> None:
        """Show the best concepts for a name: CUI, score, preferred name and source codes."""
        onto = load(ontology)
        matches = find_concepts(onto, text, limit=limit)
        if not matches:
            typer.echo(f"no concept found for {text!r}")
            raise typer.Exit(1)
        typer.echo(f"{'CUI':<12} {'score':>5}  {'name':<40} codes")
        for m in matches:
            codes = ", ".join(f"{sab}:{code}" for sab, code in m.concept.codes[:4])
            via = "" if m.matched == m.concept.name else f" (via {m.matched!r})"
            typer.echo(f"{m.concept.cui:<12} {m.score:>5.0f}  {m.concept.name + via:<40} {codes}")

    @group.command("coverage")
    def coverage_cmd(
        split: Annotated[
            Path, typer.Option("--split", help="A report CSV with a MeSH column (e.g. Open-i dev.csv).")
        ],
        ontology: _OntologyOpt = None,
    ) -> None:
        """How many MeSH heads of a report split the ontology resolves; ends with one JSON line."""
        from medkg.ontology.coverage import mesh_head_coverage

        result = mesh_head_coverage(load(ontology), split)
        figures = result.as_dict()
        for name in ("heads", "resolved", "resolved_real_cui", "unresolved"):
            value = figures.get(name, getattr(result, name, None))
            shown = len(value) if isinstance(value, list | tuple | set | dict) else value
            typer.echo(f"{name:<20} {shown}")
        typer.echo(json.dumps(figures, sort_keys=True, default=str))

    @group.command("convert")
    def convert_cmd(
        src: Annotated[Path, typer.Argument(help="Source: UMLS META/ dir, .obo, .owl/.ttl/.rdf or .jsonl.")],
        to: Annotated[str, typer.Option("--to", help=f"Output format: {' or '.join(FORMATS_OUT)}.")],
        output: Annotated[
            Path, typer.Option("--output", help="Output directory (rrf) or file (scispacy-jsonl).")
        ],
    ) -> None:
        """Convert an ontology to UMLS RRF files or a scispacy KB JSONL."""
        written = convert(src, to=to, output=output)
        typer.echo(f"wrote {written}")
